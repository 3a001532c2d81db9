//! `covenant fmt`: the canonical layout of a Covenant file. Indentation follows the block
//! structure of the concrete tree (two spaces per level; a snippet's sections stay at the
//! snippet's level, as the Covenant documents write them), trailing spaces go, runs of blank lines
//! become one, and the file ends with one newline. Everything else is kept as written: the text
//! of each line, comments (which take the indentation of the code they precede), SQL bodies, and
//! the inside of multi-line strings and block comments. Formatting is idempotent, and the
//! formatted text parses to the same tree (tests/format.rs checks both on every example).

use crate::cst::Node;
use crate::diagnostic::Diagnostic;
use crate::lexer::{Lexer, TokenKind};
use crate::span::Span;

/// What one source line becomes.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Line {
    /// Code that starts at this nesting level.
    Code(usize),
    /// A block's closing `end` at this level.
    End(usize),
    /// Inside a multi-line string, block comment or SQL body: kept byte for byte.
    Verbatim,
    /// Anything else (a comment, a blank line, a line that continues the one before).
    Other,
}

/// The canonical text, or the parse errors that stop formatting (nothing is changed then).
pub fn format(source: &str) -> Result<String, Vec<Diagnostic>> {
    let (tree, diagnostics) = crate::parser::parse_tree(source);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(diagnostics);
    }
    let starts: Vec<usize> = std::iter::once(0).chain(source.match_indices('\n').map(|(i, _)| i + 1)).collect();
    let line_of = |offset: u32| starts.partition_point(|&s| s <= offset as usize) - 1;
    let mut lines = vec![Line::Other; starts.len()];
    // Lines whose end is inside a multi-line string or comment keep their trailing spaces.
    let mut keep_tail = vec![false; starts.len()];
    let mut mark = |line: usize, what: Line| {
        if lines[line] == Line::Other {
            lines[line] = what;
        }
    };
    // Multi-line tokens and block comments first: what is inside them is never re-indented.
    for span in multi_line_spans(source) {
        keep_tail[line_of(span.start)] = true;
        for line in line_of(span.start) + 1..=line_of(span.end.saturating_sub(1)) {
            mark(line, Line::Verbatim);
        }
    }
    fn walk(node: &Node, depth: usize, line_of: &dyn Fn(u32) -> usize, mark: &mut dyn FnMut(usize, Line)) {
        mark(line_of(node.span.start), Line::Code(depth));
        if let Some(raw) = &node.raw {
            for line in line_of(raw.span.start)..=line_of(raw.span.end.saturating_sub(1)) {
                mark(line, Line::Verbatim);
            }
        }
        // A snippet's sections are written at the snippet's own level.
        let inner = if node.is("snippet") || node.is("refactor") { depth } else { depth + 1 };
        for child in &node.children {
            walk(child, inner, line_of, mark);
        }
        if let Some(end) = node.end {
            mark(line_of(end.start), Line::End(depth));
        }
    }
    for node in &tree {
        walk(node, 0, &line_of, &mut mark);
    }

    let text_of = |i: usize| {
        let end = starts.get(i + 1).map_or(source.len(), |&s| s - 1);
        source[starts[i]..end].trim_end_matches('\r')
    };
    let mut out = String::new();
    let mut blank_run = 0;
    for (i, kind) in lines.iter().enumerate() {
        let text = text_of(i);
        if *kind == Line::Verbatim {
            out.push_str(text);
            out.push('\n');
            blank_run = 0;
            continue;
        }
        let trimmed = if keep_tail[i] { text.trim_start() } else { text.trim() };
        if trimmed.trim_end().is_empty() {
            blank_run += 1;
            if blank_run == 1 && !out.is_empty() {
                out.push('\n');
            }
            continue;
        }
        blank_run = 0;
        let depth = match kind {
            Line::Code(d) | Line::End(d) => *d,
            // A comment or continuation: the level of the code that follows (inside a block
            // when what follows is the block's `end`).
            _ => lines[i + 1..]
                .iter()
                .find_map(|l| match l {
                    Line::Code(d) => Some(*d),
                    Line::End(d) => Some(d + 1),
                    _ => None,
                })
                .unwrap_or(0),
        };
        out.push_str(&"  ".repeat(depth));
        out.push_str(trimmed);
        out.push('\n');
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    Ok(out)
}

/// Spans of tokens and block comments that run over more than one line.
fn multi_line_spans(source: &str) -> Vec<Span> {
    let mut spans = vec![];
    let mut lexer = Lexer::new(source);
    let mut prev_end = 0usize;
    loop {
        let token = lexer.next_token();
        // Block comments in the trivia before this token.
        let gap = &source[prev_end..token.span.start as usize];
        let mut at = 0;
        while let Some(open) = gap[at..].find("(*").map(|i| at + i) {
            // A `//` comment on the same line hides the opener.
            let line_start = gap[..open].rfind('\n').map_or(0, |i| i + 1);
            if gap[line_start..open].contains("//") {
                at = open + 2;
                continue;
            }
            let close = gap[open + 2..].find("*)").map_or(gap.len(), |i| open + 2 + i + 2);
            if gap[open..close].contains('\n') {
                spans.push(Span::new(prev_end + open, prev_end + close));
            }
            at = close;
        }
        if token.kind == TokenKind::Eof {
            break;
        }
        if source[token.span.start as usize..token.span.end as usize].contains('\n') {
            spans.push(token.span);
        }
        prev_end = token.span.end as usize;
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indents_blocks_and_keeps_everything_else() {
        let messy = "snippet id=\"a.b\" kind=\"fn\"\n   signature\nfn name=\"b\"   \n returns type=\"Unit\"\n       end\n  end\n\n\n\nbody\n// a step\nstep id=\"s1\" kind=\"bind\"\nlit=\"\"\"x\n   y\"\"\"\nas=\"_\"\nend\n    // before the end\nend\nend\n\n";
        let want = "snippet id=\"a.b\" kind=\"fn\"\nsignature\n  fn name=\"b\"\n    returns type=\"Unit\"\n  end\nend\n\nbody\n  // a step\n  step id=\"s1\" kind=\"bind\"\n    lit=\"\"\"x\n   y\"\"\"\n    as=\"_\"\n  end\n  // before the end\nend\nend\n";
        let formatted = format(messy).unwrap();
        assert_eq!(formatted, want);
        assert_eq!(format(&formatted).unwrap(), formatted);
    }

    #[test]
    fn refuses_text_that_does_not_parse() {
        assert!(format("snippet id=\"a\" kind=\"fn\"\nbody\n").is_err());
    }
}
