//! Reading a program from disk and compiling it, with diagnostics rendered for the terminal.

use anyhow::{Context, Result, bail};
use covenant_compiler::{Compilation, Options, compile, diagnostic};
use std::path::Path;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// rustc-style text.
    Human,
    /// One JSON array of diagnostics (docs/diagnostics.md).
    Json,
}

pub fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

/// Prints the compilation's diagnostics to stderr (human) or stdout (json).
pub fn report(c: &Compilation, path: &Path, source: &str, format: Format, color: bool) {
    let file = path.display().to_string();
    match format {
        Format::Human => {
            if !c.diagnostics.is_empty() {
                eprint!("{}", diagnostic::render(&c.diagnostics, &file, source, color));
            }
        }
        Format::Json => {
            let json = diagnostic::to_json(&c.diagnostics, &file, source);
            println!("{}", serde_json::to_string_pretty(&json).expect("diagnostics serialize"));
        }
    }
}

/// Compiles a `.cov` file and reports its diagnostics (warnings too); on errors, fails.
pub fn compile_file(path: &Path, format: Format, color: bool) -> Result<Compilation> {
    let source = read(path)?;
    let c = compile(&source, &Options::default());
    report(&c, path, &source, format, color);
    if c.has_errors() {
        let n = c.diagnostics.iter().filter(|d| d.is_error()).count();
        bail!("could not compile {} ({n} error{})", path.display(), if n == 1 { "" } else { "s" });
    }
    Ok(c)
}
