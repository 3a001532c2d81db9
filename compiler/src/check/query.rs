//! Checks on `query` steps that need no database (LANGUAGE-DECISIONS 26, 27): a SQL body's
//! placeholders against the `params` list (E-QUERY-020 / 021) and the `returns` a SQL query needs
//! (E-QUERY-022). Placeholders are `:name` in every dialect, or the dialect's own `$1`, `?`, `?1`,
//! `@p1`, `@name`. Targets are not checked here: a database may be named only at run time
//! (`covenant run --db NAME=URL`).

use super::*;
use crate::cst::Node;

/// A placeholder in SQL text: its byte range in the text, and its name or 1-based position.
#[derive(Debug, PartialEq)]
enum Placeholder {
    Named(String),
    Position(usize),
    /// A bare `?`: the next position.
    Next,
}

/// The placeholders of a SQL text, skipping string literals, quoted identifiers, comments and
/// PostgreSQL's `::type` casts.
fn placeholders(sql: &str) -> Vec<(std::ops::Range<usize>, Placeholder)> {
    let b = sql.as_bytes();
    let mut out = vec![];
    let mut i = 0;
    let word = |from: usize| from + b[from..].iter().take_while(|c| c.is_ascii_alphanumeric() || **c == b'_').count();
    let digits = |from: usize| from + b[from..].iter().take_while(|c| c.is_ascii_digit()).count();
    while i < b.len() {
        match b[i] {
            q @ (b'\'' | b'"' | b'`') => {
                i += 1;
                while i < b.len() && b[i] != q {
                    i += 1;
                }
                i += 1;
            }
            b'-' if b.get(i + 1) == Some(&b'-') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b':' if b.get(i + 1) == Some(&b':') => i += 2,
            b':' if b.get(i + 1).is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_') => {
                let end = word(i + 1);
                out.push((i..end, Placeholder::Named(sql[i + 1..end].to_string())));
                i = end;
            }
            b'$' | b'?' if b.get(i + 1).is_some_and(u8::is_ascii_digit) => {
                let end = digits(i + 1);
                out.push((i..end, Placeholder::Position(sql[i + 1..end].parse().unwrap_or(usize::MAX))));
                i = end;
            }
            b'@' if b.get(i + 1) == Some(&b'p')
                && b.get(i + 2).is_some_and(u8::is_ascii_digit)
                && word(i + 1) == digits(i + 2) =>
            {
                let end = digits(i + 2);
                out.push((i..end, Placeholder::Position(sql[i + 2..end].parse().unwrap_or(usize::MAX))));
                i = end;
            }
            // SQL Server's named form, `@name`
            b'@' if b.get(i + 1).is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_') => {
                let end = word(i + 1);
                out.push((i..end, Placeholder::Named(sql[i + 1..end].to_string())));
                i = end;
            }
            b'?' => {
                out.push((i..i + 1, Placeholder::Next));
                i += 1;
            }
            _ => i += 1,
        }
    }
    out
}

impl<'a> Checker<'a> {
    pub(super) fn query_step(&mut self, step: &ast::Step) {
        let node = &step.node;
        let attrs: Vec<&ast::Attr> =
            node.attrs().chain(node.children.iter().filter(|c| c.word.is_none()).flat_map(Node::attrs)).collect();
        let text = |key: &str| {
            attrs.iter().find(|a| a.key.value == key).and_then(|a| match &a.value.value {
                LitValue::Str(s) | LitValue::Word(s) => Some(Spanned::new(s.clone(), a.value.span)),
                _ => None,
            })
        };
        let sql_dialect = text("dialect").is_some_and(|d| d.value != "covenant");
        if !sql_dialect {
            return;
        }
        if !node.children.iter().any(|c| c.is("returns")) && text("returns").is_none() {
            self.diags.push(
                Diagnostic::error("E-QUERY-022", "this SQL query does not say what it returns", node.head_span())
                    .with_label("needs a `returns` annotation")
                    .with_help("add `returns collection of=\"Row\"`, `returns type=\"T\"`, or `returns type=\"Unit\"`"),
            );
        }
        let params: Vec<Spanned<String>> = node
            .children
            .iter()
            .filter(|c| c.is("params"))
            .flat_map(|p| p.children.iter().filter(|c| c.is("param")))
            .filter_map(|p| {
                p.attr("name").and_then(|a| match &a.value.value {
                    LitValue::Str(s) | LitValue::Word(s) => Some(Spanned::new(s.clone(), a.value.span)),
                    _ => None,
                })
            })
            .collect();
        let Some(body) = node.children.iter().find_map(|c| c.raw.as_ref()) else { return };
        let found = placeholders(&body.value);
        let mut used = vec![false; params.len()];
        let mut next = 0;
        for (range, ph) in &found {
            let span = Span { start: body.span.start + range.start as u32, end: body.span.start + range.end as u32 };
            let index = match ph {
                Placeholder::Named(name) => params.iter().position(|p| p.value == *name),
                Placeholder::Position(n) => n.checked_sub(1).filter(|i| *i < params.len()),
                Placeholder::Next => {
                    next += 1;
                    (next <= params.len()).then(|| next - 1)
                }
            };
            match index {
                Some(i) => used[i] = true,
                None => {
                    let shown = &body.value[range.clone()];
                    let declared: Vec<String> = params.iter().map(|p| format!("`{}`", p.value)).collect();
                    self.diags.push(
                        Diagnostic::error(
                            "E-QUERY-020",
                            format!("placeholder `{shown}` has no matching `param`"),
                            span,
                        )
                        .with_label("no param for this placeholder")
                        .with_help(if declared.is_empty() {
                            "declare it in a `params` block: `param name=\"...\" from=\"...\"`".to_string()
                        } else {
                            format!("declare it in `params` (declared: {})", declared.join(", "))
                        }),
                    );
                }
            }
        }
        for (p, used) in params.iter().zip(used) {
            if !used {
                self.diags.push(
                    Diagnostic::error(
                        "E-QUERY-021",
                        format!("param `{}` is not used in the SQL body", p.value),
                        p.span,
                    )
                    .with_label("no placeholder for this param")
                    .with_help(format!("write `:{}` where the value belongs, or remove the param", p.value)),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Placeholder, placeholders};

    #[test]
    fn placeholders_in_every_dialect_and_not_in_strings_or_casts() {
        let found: Vec<Placeholder> = placeholders("SELECT ':no', x::int FROM t -- :comment\nWHERE a = :a AND b = $2 AND c = ? AND d = @p3 AND e = ?4 AND f = @quarter")
            .into_iter()
            .map(|(_, p)| p)
            .collect();
        assert_eq!(
            found,
            vec![
                Placeholder::Named("a".into()),
                Placeholder::Position(2),
                Placeholder::Next,
                Placeholder::Position(3),
                Placeholder::Position(4),
                Placeholder::Named("quarter".into())
            ]
        );
    }
}
