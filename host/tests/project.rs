//! Project queries: a program asks its own symbol graph (the component's `covenant:symbols`
//! section, served by the host's `covenant:project/query`) which functions use the database, and
//! who calls one of them.

mod common;

use covenant_host::runtime::{Exit, Stdio, run_command_blocking};

#[test]
fn a_program_finds_its_database_functions() {
    let source = std::fs::read_to_string(common::root().join("host/tests/programs/symbols.cov")).unwrap();
    let c = common::compile_ok("symbols", &source);
    let row = c.imports.iter().find(|r| r.effect == "meta").expect("a meta import row");
    assert_eq!(row.interface, "covenant:project/query");
    let stdio = Stdio::capture();
    let exit =
        run_command_blocking(c.component.as_ref().unwrap(), &stdio, &Default::default(), &Default::default()).unwrap();
    assert_eq!(exit, Exit::Ok);
    let Stdio::Capture { stdout, .. } = stdio else { unreachable!() };
    // users.count and orders.total declare `effect database`; math.double and main do not; and
    // orders.total calls users.count (the traversal); docs.users describes users.count, whose
    // requirement is R-COUNT.
    assert_eq!(
        String::from_utf8_lossy(&stdout.contents()),
        "orders.total\nusers.count\n{\"called_by\":[\"orders.total\"]}\nusers.count\nusers.count\nR-COUNT\n"
    );
}

#[test]
fn programs_without_project_queries_carry_no_symbol_graph() {
    let source = std::fs::read_to_string(common::root().join("examples/hello.cov")).unwrap();
    let bytes = common::compile_ok("hello", &source).component.unwrap();
    let sections: Vec<String> = wasmparser::Parser::new(0)
        .parse_all(&bytes)
        .filter_map(|p| match p {
            Ok(wasmparser::Payload::CustomSection(s)) => Some(s.name().to_string()),
            _ => None,
        })
        .collect();
    assert!(!sections.iter().any(|s| s == covenant_compiler::SYMBOLS_SECTION), "{sections:?}");
}
