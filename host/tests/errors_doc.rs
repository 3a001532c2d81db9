//! docs/errors.md: every ```covenant fails=CODE``` block must fail with that code, and every plain
//! ```covenant``` block (the fix) must compile. Every code the compiler emits in the golden
//! diagnostics has an entry.

mod common;

use std::collections::BTreeSet;

/// (info string, code) of every fenced block in the document.
fn blocks(doc: &str) -> Vec<(String, String)> {
    let mut out = vec![];
    let mut lines = doc.lines();
    while let Some(line) = lines.next() {
        if let Some(info) = line.strip_prefix("```covenant") {
            let body: Vec<&str> = lines.by_ref().take_while(|l| *l != "```").collect();
            out.push((info.trim().to_string(), body.join("\n") + "\n"));
        }
    }
    out
}

#[test]
fn every_documented_example_fails_or_compiles_as_it_says() {
    let doc = std::fs::read_to_string(common::root().join("docs/errors.md")).unwrap();
    let blocks = blocks(&doc);
    assert!(blocks.len() >= 20, "found {} examples", blocks.len());
    let mut documented = BTreeSet::new();
    for (info, source) in &blocks {
        let c = covenant_compiler::compile(source, &Default::default());
        let codes: Vec<&str> = c.diagnostics.iter().map(|d| d.code).collect();
        match info.strip_prefix("fails=") {
            Some(code) => {
                assert!(codes.contains(&code), "expected {code}, got {codes:?} for:\n{source}");
                documented.insert(code.to_string());
            }
            None => assert!(!c.has_errors(), "the fix does not compile ({codes:?}):\n{source}"),
        }
    }
    // Every code the golden diagnostics produce is documented.
    let dir = common::root().join("tests/diagnostics");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "cov") {
            let source = std::fs::read_to_string(&path).unwrap();
            for d in covenant_compiler::compile(&source, &Default::default()).diagnostics {
                assert!(documented.contains(d.code), "{} (in {}) is not in docs/errors.md", d.code, path.display());
            }
        }
    }
}
