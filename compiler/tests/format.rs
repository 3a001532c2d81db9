//! `covenant fmt` on every program in the repository: formatting is idempotent, and the formatted
//! text parses to the same tree (compared without spans). The upstream corpus is checked too when
//! COVENANT_UPSTREAM_DIR names a checkout of Cyronius/covenant.

use covenant_compiler::ast::LitValue;
use covenant_compiler::cst::{Item, Node};
use covenant_compiler::format::format;
use std::path::{Path, PathBuf};

/// A literal without positions (arrays and struct literals hold spanned literals).
fn lit(v: &LitValue) -> String {
    match v {
        LitValue::Array(items) => format!("[{}]", items.iter().map(|l| lit(&l.value)).collect::<Vec<_>>().join(", ")),
        LitValue::Struct(fields) => {
            let fields: Vec<String> = fields.iter().map(|(k, l)| format!("{k}: {}", lit(&l.value))).collect();
            format!("{{{}}}", fields.join(", "))
        }
        other => format!("{other:?}"),
    }
}

/// The tree without positions: what formatting must not change.
fn shape(nodes: &[Node]) -> String {
    fn one(n: &Node, depth: usize, out: &mut String) {
        out.push_str(&" ".repeat(depth));
        out.push_str(n.word().unwrap_or("<line>"));
        for item in &n.items {
            match item {
                Item::Attr(a) => out.push_str(&format!(" {}={}", a.key.value, lit(&a.value.value))),
                Item::Flag(f) => out.push_str(&format!(" {}", f.value)),
                Item::Lit(l) => out.push_str(&format!(" {}", lit(&l.value))),
                Item::Group(attrs, _) => {
                    for a in attrs {
                        out.push_str(&format!(" ({}={})", a.key.value, lit(&a.value.value)));
                    }
                }
            }
        }
        if let Some(raw) = &n.raw {
            out.push_str(&format!(" raw={:?}", raw.value));
        }
        out.push_str(if n.end.is_some() { " [end]\n" } else { "\n" });
        for c in &n.children {
            one(c, depth + 1, out);
        }
    }
    let mut out = String::new();
    for n in nodes {
        one(n, 0, &mut out);
    }
    out
}

fn cov_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            cov_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "cov") {
            out.push(p);
        }
    }
}

/// Checks every file that parses; returns how many did.
fn check_all(files: &[PathBuf]) -> usize {
    let mut formatted = 0;
    for f in files {
        let source = std::fs::read_to_string(f).unwrap();
        let Ok(once) = format(&source) else { continue };
        formatted += 1;
        let twice = format(&once).unwrap_or_else(|_| panic!("{}: the formatted text does not parse", f.display()));
        assert_eq!(twice, once, "{}: formatting is not idempotent", f.display());
        let (before, _) = covenant_compiler::parser::parse_tree(&source);
        let (after, _) = covenant_compiler::parser::parse_tree(&once);
        assert_eq!(shape(&after), shape(&before), "{}: formatting changed the tree", f.display());
    }
    formatted
}

#[test]
fn every_program_in_the_repository_formats_idempotently_to_the_same_tree() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let mut files = vec![];
    for dir in ["examples", "tests", "host/tests/programs"] {
        cov_files(&root.join(dir), &mut files);
    }
    files.sort();
    let n = check_all(&files);
    assert!(n >= 40, "only {n} of {} programs parsed", files.len());
}

#[test]
#[ignore = "needs COVENANT_UPSTREAM_DIR: a checkout of Cyronius/covenant"]
fn upstream_programs_format_idempotently_to_the_same_tree() {
    let root = std::env::var_os("COVENANT_UPSTREAM_DIR")
        .map(PathBuf::from)
        .expect("COVENANT_UPSTREAM_DIR must name a checkout of Cyronius/covenant");
    let mut files = vec![];
    for sub in ["examples", "runtime/std"] {
        cov_files(&root.join(sub), &mut files);
    }
    files.sort();
    let n = check_all(&files);
    assert!(n > 40, "only {n} upstream programs parsed");
    eprintln!("formatted {n} upstream programs");
}
