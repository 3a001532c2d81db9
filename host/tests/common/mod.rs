//! Shared helpers for the host's end-to-end tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root").to_path_buf()
}

/// Every `examples/*.cov` that has an expected `.stdout`, sorted by name.
pub fn runnable_examples() -> Vec<(String, String, Vec<u8>)> {
    let mut out = vec![];
    for entry in std::fs::read_dir(root().join("examples")).expect("examples dir") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "cov") {
            let expected = path.with_extension("stdout");
            if let Ok(stdout) = std::fs::read(&expected) {
                let name = path.file_stem().unwrap().to_string_lossy().to_string();
                out.push((name, std::fs::read_to_string(&path).unwrap(), stdout));
            }
        }
    }
    out.sort();
    assert!(!out.is_empty(), "no runnable examples found");
    out
}

pub fn compile_ok(name: &str, source: &str) -> covenant_compiler::Compilation {
    let c = covenant_compiler::compile(source, &Default::default());
    assert!(
        !c.has_errors(),
        "{name} should compile:\n{}",
        covenant_compiler::diagnostic::render(&c.diagnostics, name, source, false)
    );
    c
}

/// Compares `actual` with the golden file, or rewrites it when `BLESS=1`.
pub fn golden(path: &Path, actual: &str) {
    if std::env::var_os("BLESS").is_some_and(|v| v == "1") {
        std::fs::write(path, actual).expect("write golden");
        return;
    }
    let expected = std::fs::read_to_string(path)
        .unwrap_or_else(|_| panic!("missing golden file {}; run with BLESS=1 and review the diff", path.display()));
    assert_eq!(actual, expected, "golden mismatch for {}; run with BLESS=1 and review the diff", path.display());
}

/// An example's name, its source, and its (call, expected result) pairs.
pub type ExampleCalls = (String, String, Vec<(String, String)>);

/// Every `examples/*.calls` file: (example name, source, [(call, expected result)]), in WAVE.
/// Lines are `call => result`; `#` starts a comment line.
pub fn example_calls() -> Vec<ExampleCalls> {
    let mut out = vec![];
    for entry in std::fs::read_dir(root().join("examples")).expect("examples dir") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "calls") {
            let text = std::fs::read_to_string(&path).unwrap();
            let calls: Vec<(String, String)> = text
                .lines()
                .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
                .map(|l| {
                    let (call, result) = l
                        .split_once(" => ")
                        .unwrap_or_else(|| panic!("{}: `{l}` is not `call => result`", path.display()));
                    (call.trim().to_string(), result.trim().to_string())
                })
                .collect();
            let name = path.file_stem().unwrap().to_string_lossy().to_string();
            let source = std::fs::read_to_string(path.with_extension("cov")).unwrap();
            out.push((name, source, calls));
        }
    }
    out.sort();
    assert!(!out.is_empty(), "no .calls files found");
    out
}

/// A fresh, empty directory for one run of one example, removed when dropped.
pub struct Scratch(pub std::path::PathBuf);

impl Scratch {
    pub fn new(label: &str) -> Scratch {
        use std::sync::atomic::{AtomicU32, Ordering};
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("covenant-{label}-{}-{n}", std::process::id()));
        std::fs::remove_dir_all(&dir).ok();
        std::fs::create_dir_all(&dir).expect("scratch dir");
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        std::fs::remove_dir_all(&self.0).ok();
    }
}

/// The directories an example gets: each path it declares with `filesystem(path=..)`, as a fresh
/// empty directory inside `scratch` (HOST, GUEST pairs, as `--dir HOST::GUEST` takes them).
pub fn example_dirs(c: &covenant_compiler::Compilation, scratch: &Scratch) -> Vec<(std::path::PathBuf, String)> {
    c.filesystem_roots
        .iter()
        .map(|root| {
            let guest = if root.is_empty() { "/".to_string() } else { root.clone() };
            let host = scratch.0.join(guest.trim_start_matches('/'));
            std::fs::create_dir_all(&host).expect("example dir");
            (host, guest)
        })
        .collect()
}

/// Compiles `source` and runs it as a command on the project's host with `budget` and `grants`:
/// its standard output, or the runtime error (a run must otherwise exit successfully).
pub fn run_program(
    name: &str,
    source: &str,
    budget: &covenant_host::runtime::Budget,
    grants: &covenant_host::grants::Grants,
) -> Result<String, String> {
    use covenant_host::runtime::{Exit, Stdio, run_command_blocking};
    let c = compile_ok(name, source);
    let stdio = Stdio::capture();
    let exit =
        run_command_blocking(c.component.as_ref().unwrap(), &stdio, budget, grants).map_err(|e| e.to_string())?;
    assert_eq!(exit, Exit::Ok, "{name} exit");
    let Stdio::Capture { stdout, .. } = stdio else { unreachable!() };
    Ok(String::from_utf8_lossy(&stdout.contents()).into_owned())
}

/// A request as `serve_http` hands it to a handler; header names are lower case.
pub struct HttpRequest {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpRequest {
    pub fn header(&self, name: &str) -> &str {
        self.headers.iter().find(|(n, _)| n == name).map_or("", |(_, v)| v.as_str())
    }
}

/// A tiny HTTP/1.1 server on a free loopback port, one thread per connection: `handler` gives
/// each request's status line (`200 OK`), extra header lines (each ending in CRLF) and body.
/// Returns the port.
pub fn serve_http(handler: fn(&HttpRequest) -> (String, String, Vec<u8>)) -> u16 {
    use std::io::{BufRead, BufReader, Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                let _ = reader.read_line(&mut line);
                let mut parts = line.split_whitespace();
                let (method, path) = (parts.next().unwrap_or("").to_string(), parts.next().unwrap_or("").to_string());
                let mut headers = vec![];
                loop {
                    let mut h = String::new();
                    if reader.read_line(&mut h).unwrap_or(0) == 0 || h.trim().is_empty() {
                        break;
                    }
                    if let Some((name, value)) = h.split_once(':') {
                        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
                    }
                }
                let length =
                    headers.iter().find(|(n, _)| n == "content-length").map_or(0, |(_, v)| v.parse().unwrap_or(0));
                let mut body = vec![0; length];
                let _ = reader.read_exact(&mut body);
                let (status, extra, text) = handler(&HttpRequest { method, path, headers, body });
                let mut out = stream;
                let _ = write!(
                    out,
                    "HTTP/1.1 {status}\r\ncontent-length: {}\r\n{extra}connection: close\r\n\r\n",
                    text.len()
                );
                let _ = out.write_all(&text);
            });
        }
    });
    port
}

/// The playground's built-in API (public/http.js) as a real server on a free loopback port, so
/// examples/api.cov runs on the host with `--resolve api.example.com=127.0.0.1:PORT` and prints
/// what it prints in the browser. Returns the port.
pub fn demo_api() -> u16 {
    serve_http(|r| {
        let users = [(1, "Ada Lovelace", "ada"), (2, "Alan Turing", "alan"), (3, "Grace Hopper", "grace")];
        let user = |(id, name, mail): (i32, &str, &str)| {
            format!(r#"{{"id":{id},"name":"{name}","email":"{mail}@example.com"}}"#)
        };
        let json = |status: &str, text: String| {
            (status.to_string(), "content-type: application/json\r\n".to_string(), text.into_bytes())
        };
        let pathname = r.path.split('?').next().unwrap_or("");
        if r.method == "GET" && pathname == "/users" {
            let all: Vec<String> = users.iter().map(|u| user(*u)).collect();
            return json("200 OK", format!("[{}]", all.join(",")));
        }
        if let (true, Some(id)) = (r.method == "GET", pathname.strip_prefix("/users/")) {
            return match users.iter().find(|u| u.0.to_string() == id) {
                Some(u) => json("200 OK", user(*u)),
                None => json("404 Not Found", format!(r#"{{"error":"no user {id}"}}"#)),
            };
        }
        if pathname == "/echo" {
            let kind = r.header("content-type");
            let extra = if kind.is_empty() { String::new() } else { format!("content-type: {kind}\r\n") };
            return ("200 OK".into(), extra, r.body.clone());
        }
        json("404 Not Found", format!(r#"{{"error":"no route for {} {pathname}"}}"#, r.method))
    })
}
