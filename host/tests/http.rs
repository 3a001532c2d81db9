//! `http.*` on wasi:http against a real server on 127.0.0.1 started by the test: methods,
//! bodies, headers (a repeated one joined), status codes, timeouts, and the two fences around
//! the network: the component refuses a host its `network(host=..)` does not name, and the host
//! refuses one its allow-list does not hold.

mod common;

use covenant_host::grants::Grants;
use covenant_host::net::AllowList;
use covenant_host::runtime::{Exit, Stdio, run_command_blocking};
use std::time::Duration;

/// The test's server: a greeting with a repeated header, an echo of the request, a slow page.
fn serve() -> u16 {
    common::serve_http(|r| {
        let body = String::from_utf8_lossy(&r.body);
        let (status, text, extra) = match r.path.as_str() {
            "/hello" => ("200 OK", "Grüße from the server".to_string(), "x-multi: a\r\nx-multi: b\r\n"),
            "/echo" => (
                "201 Created",
                format!("{} {} [{}] [{}] {body}", r.method, r.path, r.header("content-type"), r.header("x-token")),
                "",
            ),
            "/slow" => {
                std::thread::sleep(Duration::from_secs(3));
                ("200 OK", "late".to_string(), "")
            }
            _ => ("404 Not Found", "no such page".to_string(), ""),
        };
        (status.to_string(), format!("x-served-by: test\r\n{extra}"), text.into_bytes())
    })
}

/// A program whose main performs one request (`call` is the step's fn and args) and prints the
/// status, body and two headers, or the HttpError's message.
fn program(network: &str, call: &str) -> String {
    format!(
        r#"snippet id="t.main" kind="fn"
effects
  effect console
  effect {network}
end
signature
  fn name="main"
    returns type="Unit"
  end
end
body
  step id="s1" kind="call"
{call}
    as="r"
  end
  step id="s2" kind="match"
    on="r"
    case variant type="Ok" bindings=("resp")
      step id="a1" kind="compute"
        op=to_string
        input field="status" of="resp"
        as="status"
      end
      step id="a2" kind="call"
        fn="console.println"
        arg name="message" from="status"
        as="_"
      end
      step id="a3" kind="call"
        fn="console.println"
        arg name="message" field="body" of="resp"
        as="_"
      end
      step id="a4" kind="bind"
        field="headers" of="resp"
        as="headers"
      end
      step id="a5" kind="compute"
        op=map_get
        input var="headers"
        input lit="x-served-by"
        as="served"
      end
      step id="a6" kind="call"
        fn="console.println"
        arg name="message" from="served"
        as="_"
      end
      step id="a7" kind="compute"
        op=map_has
        input var="headers"
        input lit="x-multi"
        as="multi"
      end
      step id="a8" kind="if"
        condition="multi"
        then
          step id="a9" kind="compute"
            op=map_get
            input var="headers"
            input lit="x-multi"
            as="values"
          end
          step id="a10" kind="call"
            fn="console.println"
            arg name="message" from="values"
            as="_"
          end
        end
        as="_"
      end
    end
    case variant type="Err" bindings=("e")
      step id="b1" kind="call"
        fn="console.println"
        arg name="message" field="message" of="e"
        as="_"
      end
    end
    as="_"
  end
end
end
"#
    )
}

fn run(source: &str, net: AllowList) -> String {
    let c = common::compile_ok("http", source);
    let stdio = Stdio::capture();
    let grants = Grants { net, ..Default::default() };
    let exit = run_command_blocking(c.component.as_ref().unwrap(), &stdio, &Default::default(), &grants).unwrap();
    let Stdio::Capture { stdout, stderr } = stdio else { unreachable!() };
    assert_eq!(exit, Exit::Ok, "{}", String::from_utf8_lossy(&stderr.contents()));
    String::from_utf8(stdout.contents().to_vec()).unwrap()
}

#[test]
fn get_reads_status_body_and_headers() {
    let port = serve();
    let call = format!("    fn=\"http.get\"\n    arg name=\"url\" lit=\"http://127.0.0.1:{port}/hello\"");
    let out = run(&program("network(host=\"127.0.0.1\")", &call), AllowList::default());
    assert_eq!(out, "200\nGrüße from the server\ntest\na, b\n");
}

#[test]
fn post_sends_body_content_type_and_headers() {
    let port = serve();
    let call = format!(
        r#"    fn="http.post"
    arg name="url" lit="http://127.0.0.1:{port}/echo"
    arg name="body" lit="{{\"n\": 1}}"
    arg name="content_type" lit="application/json"
    arg name="headers" lit={{ "x-token": "s3cret" }}
    arg name="timeout" lit=5000"#
    );
    let out = run(&program("network(host=\"127.0.0.1\")", &call), AllowList::default());
    assert_eq!(out, "201\nPOST /echo [application/json] [s3cret] {\"n\": 1}\ntest\n");
    // Any method, and a status that is not success is still a response.
    let call = format!(
        "    fn=\"http.request\"\n    arg name=\"url\" lit=\"http://127.0.0.1:{port}/nowhere?q=1#frag\"\n    arg name=\"method\" lit=\"PATCH\""
    );
    let out = run(&program("network", &call), AllowList::default());
    assert_eq!(out, "404\nno such page\ntest\n");
}

#[test]
fn a_timeout_is_an_http_error() {
    let port = serve();
    let call = format!(
        "    fn=\"http.get\"\n    arg name=\"url\" lit=\"http://127.0.0.1:{port}/slow\"\n    arg name=\"timeout\" lit=200"
    );
    let started = std::time::Instant::now();
    let out = run(&program("network", &call), AllowList::default());
    assert!(out.starts_with("HTTP request failed: "), "{out}");
    assert!(out.contains("timeout"), "{out}");
    assert!(started.elapsed() < Duration::from_secs(3), "the timeout did not apply");
}

#[test]
fn hosts_outside_the_declaration_or_the_allow_list_are_refused() {
    let port = serve();
    // The component refuses: the URL names another host than the effect declares.
    let call = format!("    fn=\"http.get\"\n    arg name=\"url\" lit=\"http://localhost:{port}/hello\"");
    let out = run(&program("network(host=\"127.0.0.1\")", &call), AllowList::default());
    assert_eq!(out, "the host is not the one the function's `network(host=..)` names\n");
    // A user name in the URL does not smuggle the declared host in.
    let call = format!("    fn=\"http.get\"\n    arg name=\"url\" lit=\"http://127.0.0.1@localhost:{port}/hello\"");
    let out = run(&program("network(host=\"127.0.0.1\")", &call), AllowList::default());
    assert_eq!(out, "the host is not the one the function's `network(host=..)` names\n");
    // The host refuses: the program declares no host, the allow-list names another.
    let call = format!("    fn=\"http.get\"\n    arg name=\"url\" lit=\"http://127.0.0.1:{port}/hello\"");
    let only = AllowList { hosts: Some(vec!["example.com".into()]), ..Default::default() };
    let out = run(&program("network", &call), only);
    assert_eq!(out, "HTTP request failed: HTTP request denied\n");
    // Other schemes and malformed URLs are errors, not crashes.
    for (url, message) in [
        ("ftp://127.0.0.1/x", "only http:// and https:// URLs can be fetched"),
        ("127.0.0.1/x", "the URL has no scheme (http:// or https://)"),
        ("http:///x", "the URL has no host"),
    ] {
        let call = format!("    fn=\"http.get\"\n    arg name=\"url\" lit=\"{url}\"");
        assert_eq!(run(&program("network", &call), AllowList::default()), format!("{message}\n"), "{url}");
    }
}

#[test]
fn the_world_imports_the_outgoing_handler_for_the_network_effect() {
    let call = "    fn=\"http.get\"\n    arg name=\"url\" lit=\"http://127.0.0.1/\"";
    let c = common::compile_ok("http", &program("network", call));
    let rows: Vec<&str> = c.imports.iter().filter(|r| r.effect == "network").map(|r| r.interface.as_str()).collect();
    assert_eq!(rows[0], "wasi:http/outgoing-handler@0.2.12");
    assert!(rows.contains(&"wasi:http/types@0.2.12"));
}

#[test]
#[ignore = "needs COVENANT_WASMTIME: the wasmtime CLI (scripts/test.sh installs it)"]
fn the_same_requests_work_on_the_wasmtime_cli() {
    let wasmtime = std::env::var_os("COVENANT_WASMTIME").expect("COVENANT_WASMTIME must name the wasmtime CLI");
    let port = serve();
    let scratch = common::Scratch::new("http-cli");
    for (call, expected) in [
        (
            format!("    fn=\"http.get\"\n    arg name=\"url\" lit=\"http://127.0.0.1:{port}/hello\""),
            "200\nGrüße from the server\ntest\na, b\n",
        ),
        (
            format!(
                "    fn=\"http.put\"\n    arg name=\"url\" lit=\"http://127.0.0.1:{port}/echo\"\n    arg name=\"body\" lit=\"é\""
            ),
            "201\nPUT /echo [] [] é\ntest\n",
        ),
    ] {
        let c = common::compile_ok("http", &program("network(host=\"127.0.0.1\")", &call));
        let path = scratch.0.join("http.wasm");
        std::fs::write(&path, c.component.unwrap()).unwrap();
        let out = std::process::Command::new(&wasmtime).args(["run", "-S", "http"]).arg(&path).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(String::from_utf8_lossy(&out.stdout), expected);
    }
}
