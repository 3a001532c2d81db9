//! Least privilege as golden worlds: each program under tests/worlds compiles to exactly the
//! world (and import table) in its `.wit` (and `.imports`) file, and the component's decoded
//! world is that world. Regenerate with BLESS=1 and review the diff.

mod common;

#[test]
fn worlds_match_their_golden_files() {
    let dir = common::root().join("tests/worlds");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "cov") {
            continue;
        }
        seen += 1;
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        let c = common::compile_ok(&name, &std::fs::read_to_string(&path).unwrap());
        common::golden(&path.with_extension("wit"), c.wit.as_deref().unwrap());
        let table: String =
            c.imports.iter().map(|r| format!("{}\t{}\t{}\n", r.effect, r.interface, r.functions.join(", "))).collect();
        common::golden(&path.with_extension("imports"), &table);
        // The component's own world says the same.
        let decoded = wit_component::decode(c.component.as_ref().unwrap()).expect("component decodes");
        let wit_component::DecodedWasm::Component(resolve, world) = decoded else { panic!("not a component") };
        let imports = covenant_compiler::wit::world_imports(&resolve, world);
        for row in &c.imports {
            assert!(imports.contains(&row.interface), "{name}: {} is not imported", row.interface);
        }
    }
    assert!(seen > 0, "no programs in tests/worlds");
}
