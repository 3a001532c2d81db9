//! Prints how long each compiler phase takes on a program: `cargo run --release --example phase_times FILE`.
use std::time::Instant;

fn main() {
    let path = std::env::args().nth(1).expect("a .cov file");
    let source = std::fs::read_to_string(path).expect("readable");
    for round in 0..3 {
        let t = Instant::now();
        let (tree, _) = covenant_compiler::parser::parse_tree(&source);
        let (ast, _) = covenant_compiler::syntax::build(&tree);
        let parsed = t.elapsed();
        let (checked, _) = covenant_compiler::check::check(&ast, &source, Default::default());
        let plan = covenant_compiler::plan::plan(&checked);
        let checked_at = t.elapsed();
        let (resolve, world) = covenant_compiler::wit::resolve_world(&plan.wit, "app").unwrap();
        let resolved = t.elapsed();
        let core = covenant_compiler::lower::lower(&checked, &plan, &resolve, world).unwrap();
        let lowered = t.elapsed();
        let component = covenant_compiler::wrap::wrap(core, &resolve, world).unwrap();
        let total = t.elapsed();
        println!(
            "round {round}: parse {parsed:?}, check+plan {:?}, resolve WIT {:?}, lower {:?}, wrap {:?}; total {total:?}, {} bytes",
            checked_at - parsed,
            resolved - checked_at,
            lowered - resolved,
            total - lowered,
            component.len()
        );
    }
}
