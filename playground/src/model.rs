//! What the page shows of one compilation: plain data, comparable, so the view updates only
//! when something changed. Made in the compile worker (`compile_view`) and sent to the page.

use covenant_compiler::span::LineIndex;
use covenant_compiler::{Options, compile, diagnostic};
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

/// `performance.now()`: sub-millisecond, unlike `Date.now()`.
#[allow(dead_code)]
fn now() -> f64 {
    let perf = js_sys::Reflect::get(&js_sys::global(), &"performance".into()).ok();
    perf.and_then(|p| {
        let now = js_sys::Reflect::get(&p, &"now".into()).ok()?;
        js_sys::Function::from(now).call0(&p).ok()?.as_f64()
    })
    .unwrap_or_else(js_sys::Date::now)
}

/// Compiles and summarizes (called by the compile worker; the page only receives the result).
#[allow(dead_code)]
pub fn compile_view(source: &str) -> CompileView {
    let start = now();
    let c = compile(source, &Options::default());
    let millis = now() - start;
    let index = LineIndex::new(source);
    let utf16 = |byte: u32| source.get(..byte as usize).map_or(0, |t| t.encode_utf16().count() as u32);
    let diagnostics = c
        .diagnostics
        .iter()
        .map(|d| {
            let at = index.line_col(d.span.start);
            DiagnosticView {
                start16: utf16(d.span.start),
                end16: utf16(d.span.end),
                code: d.code.to_string(),
                severity: format!("{:?}", d.severity).to_lowercase(),
                message: d.message.clone(),
                line: at.line,
                column: at.column,
                help: d.help.clone(),
            }
        })
        .collect();
    let imports = c
        .imports
        .iter()
        .map(|r| ImportView {
            effect: r.effect.clone(),
            interface: r.interface.clone(),
            functions: r.functions.join(", "),
            line: index.line_col(r.span.start).line,
            start16: utf16(r.span.start),
            end16: utf16(r.span.end),
        })
        .collect();
    let exports = c
        .exports
        .iter()
        .map(|e| ExportView {
            name: e.name.clone(),
            function: e.function.clone(),
            line: index.line_col(e.span.start).line,
            start16: utf16(e.span.start),
            end16: utf16(e.span.end),
        })
        .collect();
    CompileView {
        wit: c.wit.clone().unwrap_or_default(),
        imports,
        exports,
        rendered: diagnostic::render(&c.diagnostics, "main.cov", source, false),
        diagnostics,
        filesystem_roots: c.filesystem_roots,
        component: c.component,
        millis,
    }
}
