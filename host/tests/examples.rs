//! Every runnable example: compiles, validates, has the planned world, matches its golden WIT
//! and import table, and prints exactly its expected stdout on the project's Wasmtime host.

mod common;

use covenant_host::grants::{DirGrant, Grants};
use covenant_host::runtime::{Exit, Stdio, run_command_blocking};
use wit_component::DecodedWasm;

/// Interface names the component's own world imports/exports, as decoded from its bytes.
fn decoded_world(bytes: &[u8]) -> (Vec<String>, Vec<String>) {
    let decoded = wit_component::decode(bytes).expect("component decodes");
    let DecodedWasm::Component(resolve, world) = decoded else { panic!("not a component") };
    (covenant_compiler::wit::world_imports(&resolve, world), covenant_compiler::wit::world_exports(&resolve, world))
}

#[test]
fn examples_compile_validate_and_match_their_planned_world() {
    for (name, source, _) in common::runnable_examples() {
        let c = common::compile_ok(&name, &source);
        let bytes = c.component.as_ref().expect("component");
        wasmparser::Validator::new().validate_all(bytes).unwrap_or_else(|e| panic!("{name} invalid: {e}"));

        let wit = c.wit.as_deref().unwrap();
        let (planned_resolve, planned_world) =
            covenant_compiler::wit::resolve_world(wit, covenant_compiler::plan::WORLD_NAME).unwrap();
        let planned_imports = covenant_compiler::wit::world_imports(&planned_resolve, planned_world);
        let planned_exports = covenant_compiler::wit::world_exports(&planned_resolve, planned_world);
        let (imports, exports) = decoded_world(bytes);
        // wit-component drops interfaces the code never touches (wasi:io/poll, reached only through
        // `use`), so the component imports a subset of the elaborated plan, and every row of the
        // import table.
        for i in &imports {
            assert!(planned_imports.contains(i), "{name}: imports {i}, which the plan does not");
        }
        for row in &c.imports {
            assert!(imports.contains(&row.interface), "{name}: planned import {} is missing", row.interface);
        }
        assert_eq!(exports, planned_exports, "{name}: exports differ from the plan");

        let dir = common::root().join("examples");
        common::golden(&dir.join(format!("{name}.wit")), wit);
        let table: String =
            c.imports.iter().map(|r| format!("{}\t{}\t{}\n", r.effect, r.interface, r.functions.join(", "))).collect();
        common::golden(&dir.join(format!("{name}.imports")), &table);
    }
}

#[test]
fn console_programs_import_stdout_and_io_only() {
    let (_, source, _) = common::runnable_examples().into_iter().find(|(n, _, _)| n == "hello").expect("hello");
    let c = common::compile_ok("hello", &source);
    let (imports, exports) = decoded_world(c.component.as_ref().unwrap());
    assert_eq!(imports, ["wasi:cli/stdout@0.2.12", "wasi:io/error@0.2.12", "wasi:io/streams@0.2.12"]);
    assert_eq!(exports, ["wasi:cli/run@0.2.12"]);
}

#[test]
fn examples_print_their_expected_stdout_on_the_host() {
    for (name, source, expected) in common::runnable_examples() {
        let c = common::compile_ok(&name, &source);
        let stdio = Stdio::capture();
        let scratch = common::Scratch::new(&name);
        let dirs = common::example_dirs(&c, &scratch);
        let mut grants = Grants {
            dirs: dirs.into_iter().map(|(host, guest)| DirGrant { host, guest }).collect(),
            ..Default::default()
        };
        // The API the playground answers offline, served on loopback (`covenant run --resolve`).
        if c.network_hosts.iter().any(|h| h == "api.example.com") {
            grants.net.resolve = vec![("api.example.com".into(), format!("127.0.0.1:{}", common::demo_api()))];
        }
        let exit =
            run_command_blocking(c.component.as_ref().unwrap(), &stdio, &Default::default(), &grants).expect("runs");
        assert_eq!(exit, Exit::Ok, "{name} exit");
        let Stdio::Capture { stdout, stderr } = stdio else { unreachable!() };
        assert_eq!(
            String::from_utf8_lossy(&stdout.contents()),
            String::from_utf8_lossy(&expected),
            "{name}: stdout differs"
        );
        assert_eq!(stdout.contents().as_ref(), expected.as_slice(), "{name}: stdout bytes differ");
        assert!(stderr.contents().is_empty(), "{name}: unexpected stderr");
    }
}

#[test]
fn compilation_is_deterministic() {
    for (name, source, _) in common::runnable_examples() {
        let a = common::compile_ok(&name, &source).component;
        let b = common::compile_ok(&name, &source).component;
        assert_eq!(a, b, "{name}: two compilations differ");
    }
}

#[test]
fn long_output_is_written_in_chunks() {
    // blocking-write-and-flush takes at most 4096 bytes per call; a longer line must still arrive whole.
    let long = "x".repeat(10_000);
    let source = format!(
        "snippet id=\"m\" kind=\"fn\"\neffects\n  effect console\nend\nsignature\n  fn name=\"main\"\n    returns type=\"Unit\"\n  end\nend\nbody\n  step id=\"s1\" kind=\"call\"\n    fn=\"console.println\"\n    arg name=\"message\" lit=\"{long}\"\n    as=\"_\"\n  end\nend\nend\n"
    );
    let c = common::compile_ok("long", &source);
    let stdio = Stdio::capture();
    run_command_blocking(c.component.as_ref().unwrap(), &stdio, &Default::default(), &Default::default()).unwrap();
    let Stdio::Capture { stdout, .. } = stdio else { unreachable!() };
    assert_eq!(stdout.contents().as_ref(), format!("{long}\n").as_bytes());
}

#[test]
fn each_effect_imports_only_its_own_interfaces() {
    let program = |effect: &str, call: &str| {
        format!(
            "snippet id=\"m\" kind=\"fn\"\neffects\n  effect {effect}\nend\nsignature\n  fn name=\"main\"\n    returns type=\"Unit\"\n  end\nend\nbody\n{call}end\nend\n"
        )
    };
    let delay =
        "  step id=\"s1\" kind=\"call\"\n    fn=\"timers.delay\"\n    arg name=\"ms\" lit=1\n    as=\"_\"\n  end\n";
    let warn = "  step id=\"s1\" kind=\"call\"\n    fn=\"console.warn\"\n    arg name=\"msg\" lit=\"careful\"\n    as=\"_\"\n  end\n";
    // A call of `f` whose first argument is `name" lit=...` (the rest of the line as written).
    let call = |f: &str, arg: &str| {
        format!("  step id=\"s1\" kind=\"call\"\n    fn=\"{f}\"\n    arg name=\"{arg}\n    as=\"_\"\n  end\n")
    };
    let pure = "  step id=\"s1\" kind=\"compute\"\n    op=add\n    input lit=1\n    input lit=2\n    as=\"x\"\n  end\n";
    for (name, source, expected) in [
        ("timers only", program("timers", delay), &["wasi:clocks/monotonic-clock@0.2.12", "wasi:io/poll@0.2.12"][..]),
        (
            "stderr only",
            program("console", warn),
            &["wasi:cli/stderr@0.2.12", "wasi:io/error@0.2.12", "wasi:io/streams@0.2.12"][..],
        ),
        ("pure", program("console", pure), &[][..]),
        (
            "random only",
            program("random", &call("random.int", "min\" lit=1\n    arg name=\"max\" lit=6")),
            &["wasi:random/random@0.2.12"][..],
        ),
        ("os only", program("os", &call("os.env_get", "name\" lit=\"HOME\"")), &["wasi:cli/environment@0.2.12"][..]),
        (
            "filesystem only",
            program("filesystem(path=\"/d\")", &call("fs.exists", "path\" lit=\"/d/x\"")),
            // wall-clock only for the `datetime` type that filesystem/types uses; no functions.
            &["wasi:clocks/wall-clock@0.2.12", "wasi:filesystem/preopens@0.2.12", "wasi:filesystem/types@0.2.12"][..],
        ),
    ] {
        let c = common::compile_ok(name, &source);
        let (imports, exports) = decoded_world(c.component.as_ref().unwrap());
        assert_eq!(imports, expected, "{name}");
        assert_eq!(exports, ["wasi:cli/run@0.2.12"], "{name}");
    }
}

#[test]
fn example_export_calls_give_their_expected_results_on_the_host() {
    use covenant_host::{invoke, runtime};
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let engine = runtime::engine().unwrap();
    for (name, source, calls) in common::example_calls() {
        let bytes = common::compile_ok(&name, &source).component.unwrap();
        for (call, expected) in calls {
            let export = invoke::call_name(&call).unwrap();
            let params = runtime::export_params(&engine, &bytes, &export).unwrap();
            let args = invoke::call_args(&call, &params).unwrap_or_else(|e| panic!("{name}: {call}: {e:#}"));
            let results = rt
                .block_on(runtime::invoke(&engine, &bytes, &export, &args, &Default::default(), &Default::default()))
                .unwrap();
            let shown: Vec<String> = results.iter().map(invoke::show).collect();
            assert_eq!(shown.join(", "), expected, "{name}: {call} on the host");
        }
    }
}

/// Every program in the gallery compiles, including any without an expected output.
#[test]
fn every_example_compiles() {
    let mut count = 0;
    for entry in std::fs::read_dir(common::root().join("examples")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "cov") {
            let name = path.file_stem().unwrap().to_string_lossy().to_string();
            common::compile_ok(&name, &std::fs::read_to_string(&path).unwrap());
            count += 1;
        }
    }
    assert!(count >= common::runnable_examples().len() && count >= 20, "found {count} examples");
}
