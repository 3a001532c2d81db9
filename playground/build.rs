//! Embeds every program under `examples/` into the playground's gallery, so the gallery and the
//! example suite can never drift apart.

use std::fmt::Write;
use std::path::Path;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("examples directory")
        .filter_map(|e| e.ok()?.path().file_name()?.to_str().map(str::to_string))
        .filter(|n| n.ends_with(".cov"))
        .collect();
    names.sort();
    // hello first: it is the page's default program.
    if let Some(i) = names.iter().position(|n| n == "hello.cov") {
        let hello = names.remove(i);
        names.insert(0, hello);
    }
    let mut out =
        String::from("/// (name, source) of every example, hello first.\npub const EXAMPLES: &[(&str, &str)] = &[\n");
    for n in &names {
        let path = dir.join(n).canonicalize().expect("example path");
        writeln!(out, "    ({:?}, include_str!({:?})),", n.trim_end_matches(".cov"), path.display().to_string())
            .unwrap();
        println!("cargo:rerun-if-changed={}", path.display());
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("gallery.rs");
    std::fs::write(dest, out).expect("write gallery.rs");
}
