//! Golden diagnostics: each `tests/diagnostics/NAME.cov` must produce a diagnostic, and its rendered
//! (`NAME.txt`) and JSON (`NAME.json`) diagnostics must match the golden files (BLESS=1 rewrites).

mod common;

use covenant_compiler::diagnostic;

#[test]
fn diagnostics_match_their_golden_files() {
    let dir = common::root().join("tests").join("diagnostics");
    let mut cases: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "cov"))
        .collect();
    cases.sort();
    assert!(cases.len() >= 10, "expected the diagnostics cases, found {}", cases.len());
    for path in cases {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let source = std::fs::read_to_string(&path).unwrap();
        let c = covenant_compiler::compile(&source, &Default::default());
        assert!(!c.diagnostics.is_empty(), "{name} should produce a diagnostic");
        // Errors withhold the component; warnings alone do not.
        assert_eq!(c.component.is_none(), c.has_errors(), "{name}: a component exactly when there is no error");
        for d in &c.diagnostics {
            assert!(!d.code.is_empty() && d.help.is_some(), "{name}: {} lacks a code or a hint", d.message);
            assert!(d.span.end as usize <= source.len(), "{name}: span out of range");
        }
        common::golden(&path.with_extension("txt"), &diagnostic::render(&c.diagnostics, &name, &source, false));
        let json = serde_json::to_string_pretty(&diagnostic::to_json(&c.diagnostics, &name, &source)).unwrap();
        common::golden(&path.with_extension("json"), &(json + "\n"));
    }
}

#[test]
fn several_mistakes_are_all_reported() {
    let source = std::fs::read_to_string(common::root().join("tests/diagnostics/several-errors.cov")).unwrap();
    let c = covenant_compiler::compile(&source, &Default::default());
    let codes: Vec<_> = c.diagnostics.iter().map(|d| d.code).collect();
    // The misspelled function, the unknown parameter, the missing argument, the unbound name, the rebinding.
    assert!(codes.len() >= 4, "{codes:?}");
    assert!(codes.contains(&"E-SYMBOL-001") && codes.contains(&"E-SYMBOL-002"), "{codes:?}");
}

#[test]
fn structured_concurrency_is_e_wasi_001_in_the_seeds_form() {
    let source =
        std::fs::read_to_string(common::root().join("tests/diagnostics/structured-concurrency-wasi.cov")).unwrap();
    let c = covenant_compiler::compile(&source, &Default::default());
    let text = diagnostic::render(&c.diagnostics, "app.cov", &source, false);
    assert!(text.contains("error[E_WASI_001]: Structured concurrency requires WASI 0.3"), "{text}");
    assert!(text.contains("--> app.cov:5:3"), "{text}");
    assert!(text.contains("^^^^^^^^^^^^^^^^^^^^^ 'std.concurrent' not available on WASI 0.2 target"), "{text}");
    assert!(text.contains("Use --target=browser or --target=node, or wait for WASI 0.3 support"), "{text}");
}

#[test]
fn machine_applicable_edits_fix_the_program() {
    let dir = common::root().join("tests").join("diagnostics");
    for case in [
        "undefined-function",
        "undefined-name",
        "unknown-operator",
        "pure-calls-effectful",
        "missing-effect",
        "transitive-effect",
    ] {
        let source = std::fs::read_to_string(dir.join(format!("{case}.cov"))).unwrap();
        let before = covenant_compiler::compile(&source, &Default::default());
        assert!(before.diagnostics.iter().any(|d| !d.edits.is_empty()), "{case}: expected an edit");
        let fixed = diagnostic::apply_edits(&source, &before.diagnostics);
        let after = covenant_compiler::compile(&fixed, &Default::default());
        assert!(
            !after.has_errors(),
            "{case}: still fails after its edits:\n{fixed}\n{}",
            diagnostic::render(&after.diagnostics, case, &fixed, false)
        );
    }
}
