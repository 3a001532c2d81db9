//! What the page shows of one compilation: plain data, comparable, so the view updates only
//! when something changed. Made in the compile worker (bin/compile-worker.rs) and sent to the page.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DiagnosticView {
    pub code: String,
    pub severity: String,
    pub message: String,
    pub line: u32,
    pub column: u32,
    pub help: Option<String>,
    /// The span as UTF-16 offsets, which is what the editor counts in.
    pub start16: u32,
    pub end16: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ImportView {
    pub effect: String,
    pub interface: String,
    pub functions: String,
    pub line: u32,
    /// The source that caused the import (UTF-16 offsets).
    pub start16: u32,
    pub end16: u32,
}

/// A world export and the function behind it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExportView {
    pub name: String,
    pub function: String,
    pub line: u32,
    pub start16: u32,
    pub end16: u32,
}

#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
pub struct CompileView {
    pub wit: String,
    pub imports: Vec<ImportView>,
    pub exports: Vec<ExportView>,
    pub diagnostics: Vec<DiagnosticView>,
    /// The rustc-style rendering of all diagnostics.
    pub rendered: String,
    /// Travels beside the JSON, as bytes (compile-worker.rs).
    #[serde(skip)]
    pub component: Option<Vec<u8>>,
    /// The program's declared filesystem paths: the runner gives each an empty in-memory directory.
    pub filesystem_roots: Vec<String>,
    pub millis: f64,
}
