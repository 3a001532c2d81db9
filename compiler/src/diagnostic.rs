//! Diagnostics: stable codes, spans and hints, rendered rustc-style for people and as JSON for tools.

use crate::span::{LineIndex, Span};
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// A secondary location that helps explain a diagnostic.
#[derive(Clone, Debug, PartialEq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

/// A mechanical fix: replace the text at `span` with `replacement` (an empty span inserts).
#[derive(Clone, Debug, PartialEq)]
pub struct Edit {
    pub span: Span,
    pub replacement: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    /// Stable code, e.g. `E-PARSE-001` or the seed's `E_WASI_001`.
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    /// Where the problem is; the caret goes here.
    pub span: Span,
    /// Text shown under the caret.
    pub label: String,
    pub secondary: Vec<Label>,
    pub help: Option<String>,
    /// Edits that apply the hint, when the fix is mechanical.
    pub edits: Vec<Edit>,
}

impl Diagnostic {
    pub fn error(code: &'static str, message: impl Into<String>, span: Span) -> Self {
        Diagnostic {
            code,
            severity: Severity::Error,
            message: message.into(),
            span,
            label: String::new(),
            secondary: Vec::new(),
            help: None,
            edits: Vec::new(),
        }
    }

    pub fn with_edit(mut self, span: Span, replacement: impl Into<String>) -> Self {
        self.edits.push(Edit { span, replacement: replacement.into() });
        self
    }

    pub fn warning(code: &'static str, message: impl Into<String>, span: Span) -> Self {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(code, message, span) }
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = label.into();
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_secondary(mut self, span: Span, message: impl Into<String>) -> Self {
        self.secondary.push(Label { span, message: message.into() });
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// A span with its 1-based line/column start and end, as tools want it.
#[derive(Clone, Debug, Serialize)]
pub struct JsonSpan {
    pub start: u32,
    pub end: u32,
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
}

#[derive(Clone, Debug, Serialize)]
pub struct JsonEdit {
    pub span: JsonSpan,
    pub replacement: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct JsonLabel {
    pub span: JsonSpan,
    pub message: String,
}

/// The documented JSON form of a diagnostic (see docs/diagnostics.md).
#[derive(Clone, Debug, Serialize)]
pub struct JsonDiagnostic {
    pub code: String,
    pub severity: Severity,
    pub message: String,
    pub file: String,
    pub span: JsonSpan,
    pub label: String,
    pub labels: Vec<JsonLabel>,
    pub help: Option<String>,
    /// Machine-applicable fixes: apply all edits of one diagnostic together.
    pub edits: Vec<JsonEdit>,
}

fn json_span(index: &LineIndex, span: Span) -> JsonSpan {
    let a = index.line_col(span.start);
    let b = index.line_col(span.end);
    JsonSpan {
        start: span.start,
        end: span.end,
        line: a.line,
        column: a.column,
        end_line: b.line,
        end_column: b.column,
    }
}

pub fn to_json(diags: &[Diagnostic], file: &str, source: &str) -> Vec<JsonDiagnostic> {
    let index = LineIndex::new(source);
    diags
        .iter()
        .map(|d| JsonDiagnostic {
            code: d.code.to_string(),
            severity: d.severity,
            message: d.message.clone(),
            file: file.to_string(),
            span: json_span(&index, d.span),
            label: d.label.clone(),
            labels: d
                .secondary
                .iter()
                .map(|l| JsonLabel { span: json_span(&index, l.span), message: l.message.clone() })
                .collect(),
            help: d.help.clone(),
            edits: d
                .edits
                .iter()
                .map(|e| JsonEdit { span: json_span(&index, e.span), replacement: e.replacement.clone() })
                .collect(),
        })
        .collect()
}

/// Applies every edit of `diags` to `source` (edits must not overlap); used by tools and tests.
pub fn apply_edits(source: &str, diags: &[Diagnostic]) -> String {
    let mut edits: Vec<&Edit> = diags.iter().flat_map(|d| &d.edits).collect();
    edits.sort_by_key(|e| std::cmp::Reverse((e.span.start, e.span.end)));
    let mut out = source.to_string();
    for e in edits {
        if e.span.end as usize <= out.len()
            && out.is_char_boundary(e.span.start as usize)
            && out.is_char_boundary(e.span.end as usize)
        {
            out.replace_range(e.span.range(), &e.replacement);
        }
    }
    out
}

/// Renders diagnostics rustc-style: code, message, `--> file:line:col`, the source line with a caret, the hint.
pub fn render(diags: &[Diagnostic], file: &str, source: &str, color: bool) -> String {
    use annotate_snippets::{Level, Renderer, Snippet};
    let renderer = if color { Renderer::styled() } else { Renderer::plain() };
    let mut out = String::new();
    for d in diags {
        let level = match d.severity {
            Severity::Error => Level::Error,
            Severity::Warning => Level::Warning,
        };
        // Within the source and on character boundaries, whatever a span says.
        let clamp = |s: Span| {
            let mut start = (s.start as usize).min(source.len());
            while !source.is_char_boundary(start) {
                start -= 1;
            }
            let mut end = (s.end as usize).clamp(start, source.len());
            while !source.is_char_boundary(end) {
                end += 1;
            }
            start..end
        };
        let mut snippet =
            Snippet::source(source).origin(file).fold(true).annotation(level.span(clamp(d.span)).label(&d.label));
        for l in &d.secondary {
            snippet = snippet.annotation(Level::Info.span(clamp(l.span)).label(&l.message));
        }
        let mut message = level.title(&d.message).id(d.code).snippet(snippet);
        if let Some(help) = &d.help {
            message = message.footer(Level::Help.title(help));
        }
        out.push_str(&renderer.render(message).to_string());
        out.push_str("\n\n");
    }
    out
}
