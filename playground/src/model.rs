//! What the page shows of one compilation: plain data, comparable, so the view updates only
//! when something changed.

use covenant_compiler::span::LineIndex;
use covenant_compiler::{Options, compile, diagnostic};

#[derive(Clone, Debug, PartialEq)]
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

#[derive(Clone, Debug, PartialEq)]
pub struct ImportView {
    pub effect: String,
    pub interface: String,
    pub functions: String,
    pub line: u32,
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct CompileView {
    pub wit: String,
    pub imports: Vec<ImportView>,
    pub diagnostics: Vec<DiagnosticView>,
    /// The rustc-style rendering of all diagnostics.
    pub rendered: String,
    pub component: Option<Vec<u8>>,
    /// The program's declared filesystem paths: the runner gives each an empty in-memory directory.
    pub filesystem_roots: Vec<String>,
    pub millis: f64,
}

/// `performance.now()`: sub-millisecond, unlike `Date.now()`.
fn now() -> f64 {
    let perf = js_sys::Reflect::get(&js_sys::global(), &"performance".into()).ok();
    perf.and_then(|p| {
        let now = js_sys::Reflect::get(&p, &"now".into()).ok()?;
        js_sys::Function::from(now).call0(&p).ok()?.as_f64()
    })
    .unwrap_or_else(js_sys::Date::now)
}

pub fn compile_view(source: &str) -> CompileView {
    let start = now();
    let c = compile(source, &Options::default());
    let millis = now() - start;
    let index = LineIndex::new(source);
    let diagnostics = c
        .diagnostics
        .iter()
        .map(|d| {
            let at = index.line_col(d.span.start);
            let utf16 = |byte: u32| source.get(..byte as usize).map_or(0, |t| t.encode_utf16().count() as u32);
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
        })
        .collect();
    CompileView {
        wit: c.wit.clone().unwrap_or_default(),
        imports,
        rendered: diagnostic::render(&c.diagnostics, "main.cov", source, false),
        diagnostics,
        filesystem_roots: c.filesystem_roots,
        component: c.component,
        millis,
    }
}
