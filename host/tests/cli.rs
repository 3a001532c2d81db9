//! The `covenant` command line: compile writes a component, errors exit non-zero with a coded
//! diagnostic, `wit` prints the world, `check --format=json` prints parseable diagnostics.

mod common;

use std::process::Command;

fn covenant() -> Command {
    Command::new(env!("CARGO_BIN_EXE_covenant"))
}

#[test]
fn compile_writes_a_component_and_run_prints_hello() {
    let out = std::env::temp_dir().join(format!("covenant-cli-{}.wasm", std::process::id()));
    let hello = common::root().join("examples/hello.cov");
    let status = covenant().args(["compile", "--target=wasi"]).arg(&hello).arg("-o").arg(&out).status().unwrap();
    assert!(status.success());
    let bytes = std::fs::read(&out).unwrap();
    assert_eq!(&bytes[..8], b"\0asm\x0d\0\x01\0", "a component's preamble");
    let run = covenant().arg("run").arg(&out).output().unwrap();
    assert!(run.status.success());
    assert_eq!(run.stdout, b"Hello, world!\n");
    std::fs::remove_file(&out).ok();
}

#[test]
fn errors_exit_non_zero_with_code_and_span() {
    let bad = common::root().join("tests/diagnostics/undefined-function.cov");
    for cmd in [&["compile"][..], &["run"], &["check"], &["wit"]] {
        let out = covenant().args(cmd).arg(&bad).output().unwrap();
        assert!(!out.status.success(), "{cmd:?} should fail");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("error[E-SYMBOL-001]"), "{cmd:?}: {stderr}");
        assert!(stderr.contains("undefined-function.cov:12:8"), "{cmd:?}: {stderr}");
    }
}

#[test]
fn wit_prints_the_world_and_the_import_table() {
    let hello = common::root().join("examples/hello.cov");
    let wit = covenant().arg("wit").arg(&hello).output().unwrap();
    assert!(wit.status.success());
    assert_eq!(
        String::from_utf8_lossy(&wit.stdout),
        std::fs::read_to_string(common::root().join("examples/hello.wit")).unwrap()
    );
    let table = covenant().args(["wit", "--imports"]).arg(&hello).output().unwrap();
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(
        text.contains("console") && text.contains("wasi:cli/stdout@0.2.12") && text.contains("get-stdout"),
        "{text}"
    );
}

#[test]
fn check_json_is_machine_readable() {
    let bad = common::root().join("tests/diagnostics/type-mismatch.cov");
    let out = covenant().args(["check", "--format=json"]).arg(&bad).output().unwrap();
    assert!(!out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    let d = &v[0];
    assert_eq!(d["code"], "E-TYPE-001");
    assert_eq!(d["severity"], "error");
    assert_eq!(d["span"]["line"], 13);
    assert!(d["help"].is_string());
}

#[test]
fn invoke_calls_an_export() {
    let fact = common::root().join("examples/factorial.cov");
    let out = covenant().args(["run", "--invoke", "factorial(20)"]).arg(&fact).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.stdout, b"2432902008176640000\n");
    let out = covenant().args(["run", "--invoke", r#"greet("a, \"b\"")"#]).arg(&fact).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "\"Hello, a, \\\"b\\\"!\"\n");
    let out = covenant().args(["run", "--invoke", "factorial(1, 2)"]).arg(&fact).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("`factorial` takes 1 argument(s)"));
}

#[test]
fn exhausting_the_fuel_budget_is_a_named_error() {
    let fib = common::root().join("examples/fibonacci.cov");
    let start = std::time::Instant::now();
    let out = covenant().args(["run", "--invoke", "fib(40)", "--fuel", "1000000"]).arg(&fib).output().unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("runtime error: out of fuel"), "{stderr}");
    assert!(start.elapsed() < std::time::Duration::from_secs(20), "took {:?}", start.elapsed());
}

#[test]
fn exceeding_the_timeout_is_a_named_error() {
    let fib = common::root().join("examples/fibonacci.cov");
    let start = std::time::Instant::now();
    let out = covenant().args(["run", "--invoke", "fib(60)", "--timeout", "300ms"]).arg(&fib).output().unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("runtime error: timeout"), "{stderr}");
    assert!(start.elapsed() < std::time::Duration::from_secs(20), "took {:?}", start.elapsed());
}

#[test]
fn runtime_errors_are_named_on_the_command_line() {
    let dir = std::env::temp_dir().join(format!("covenant-cli-trap-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("overflow.cov");
    std::fs::write(
        &path,
        "snippet id=\"m\" kind=\"fn\"\nsignature\n  fn name=\"main\"\n    returns type=\"Unit\"\n  end\nend\nbody\n  step id=\"s1\" kind=\"compute\"\n    op=add\n    input lit=9223372036854775807\n    input lit=1\n    as=\"x\"\n  end\nend\nend\n",
    )
    .unwrap();
    let out = covenant().arg("run").arg(&path).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("runtime error: integer overflow"));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn invoke_takes_and_prints_lists() {
    let lists = common::root().join("examples/lists.cov");
    let out = covenant().args(["run", "--invoke", "squares([2, -3, 0])"]).arg(&lists).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.stdout, b"[4, 9, 0]\n");
    let out = covenant().args(["run", "--invoke", r#"exclaim(["x", "y, z"])"#]).arg(&lists).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "\"x!, y, z!\"\n");
}

#[test]
fn timings_are_reported_on_standard_error() {
    let hello = common::root().join("examples/hello.cov");
    let out = covenant().args(["run", "--timings"]).arg(&hello).output().unwrap();
    assert!(out.status.success());
    assert_eq!(out.stdout, std::fs::read(common::root().join("examples/hello.stdout")).unwrap());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.starts_with("timings: compiled in ") && stderr.contains("(finished)"), "{stderr}");
}

#[test]
fn fmt_prints_checks_and_writes_the_canonical_layout() {
    let scratch = common::Scratch::new("fmt");
    let file = scratch.0.join("messy.cov");
    let messy = "snippet id=\"a.main\" kind=\"fn\"\n  signature\nfn name=\"main\"   \n      returns type=\"Unit\"\n end\n end\n\n\n\nbody\n  end\nend\n";
    let canonical = "snippet id=\"a.main\" kind=\"fn\"\nsignature\n  fn name=\"main\"\n    returns type=\"Unit\"\n  end\nend\n\nbody\nend\nend\n";
    std::fs::write(&file, messy).unwrap();
    let out = covenant().arg("fmt").arg(&file).output().unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout), canonical);
    let check = covenant().args(["fmt", "--check"]).arg(&file).output().unwrap();
    assert!(!check.status.success(), "a messy file fails --check");
    assert!(covenant().args(["fmt", "--write"]).arg(&file).status().unwrap().success());
    assert_eq!(std::fs::read_to_string(&file).unwrap(), canonical);
    assert!(covenant().args(["fmt", "--check"]).arg(&file).status().unwrap().success());
    // Text that does not parse is reported and left alone.
    std::fs::write(&file, "snippet id=\"a\" kind=\"fn\"\nbody\n").unwrap();
    let out = covenant().args(["fmt", "--write"]).arg(&file).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("E-PARSE"), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "snippet id=\"a\" kind=\"fn\"\nbody\n");
}

#[test]
fn every_example_is_in_its_canonical_layout() {
    for example in common::runnable_examples().iter().map(|(name, ..)| name) {
        let path = common::root().join("examples").join(format!("{example}.cov"));
        let out = covenant().args(["fmt", "--check"]).arg(&path).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
}

#[test]
fn resolve_sends_a_declared_host_to_a_local_server() {
    let port = common::demo_api();
    let api = common::root().join("examples/api.cov");
    let out =
        covenant().args(["run", "--resolve", &format!("api.example.com=127.0.0.1:{port}")]).arg(&api).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.stdout, std::fs::read(common::root().join("examples/api.stdout")).unwrap());
}
