//! `text.regex_*` calls: the pattern is compiled with the program, so it must be a literal, and
//! a malformed one is reported at the character that breaks it.

use super::*;

impl<'a> Checker<'a> {
    /// Checks the pattern argument of a regex call (`value`: what the checker made of it).
    pub(super) fn check_regex_pattern(&mut self, call: &ast::CallStep, value: Option<&Value>) {
        let Some(arg) = call.args.iter().find(|a| a.name.value == "pattern") else { return };
        let span = operand_span(&arg.value).unwrap_or(arg.span);
        let pattern = match value {
            Some(Value::Str(pattern)) => pattern,
            Some(Value::Poison) | None => return,
            Some(_) => {
                self.diags.push(
                    Diagnostic::error("E-REGEX-002", "a regex pattern must be a string literal", span)
                        .with_label("computed while the program runs")
                        .with_help(
                            "patterns are compiled with the program: write the pattern as `lit=\"...\"` (or bind \
                             a literal to a name once, without `mut`); to search for text that is only known at \
                             run time, use `text.contains` or `text.index_of`",
                        ),
                );
                return;
            }
        };
        if let Err(e) = crate::regex::compile(pattern) {
            let at = self.pattern_char_span(span, e.offset).unwrap_or(span);
            self.diags.push(
                Diagnostic::error("E-REGEX-001", format!("invalid regular expression: {}", e.message), at)
                    .with_label(e.message.clone())
                    .with_secondary(span, "in this pattern")
                    .with_help(
                        "patterns use JavaScript's RegExp syntax; escape a special character with `\\\\` \
                         (written `\\\\\\\\` inside a quoted string)",
                    ),
            );
        }
    }

    /// The source span of the pattern's character `index` inside the string literal at `lit`
    /// (escapes such as `\\` take two source bytes for one character), or None.
    fn pattern_char_span(&self, lit: Span, index: usize) -> Option<Span> {
        let text = self.source.get(lit.start as usize..lit.end as usize)?;
        let (open, raw) = if text.starts_with("\"\"\"") { (3, true) } else { (1, false) };
        let body = text.get(open..text.len().saturating_sub(open))?;
        let mut chars = body.char_indices().peekable();
        let mut n = 0;
        while let Some((at, c)) = chars.next() {
            let mut end = at + c.len_utf8();
            if c == '\\' && !raw {
                match chars.next() {
                    Some((_, 'u')) if chars.peek().is_some_and(|(_, c)| *c == '{') => {
                        for (i, c) in chars.by_ref() {
                            end = i + 1;
                            if c == '}' {
                                break;
                            }
                        }
                    }
                    Some((i, 'u')) => {
                        end = i + 1;
                        for _ in 0..4 {
                            if let Some((i, c)) = chars.next() {
                                end = i + c.len_utf8();
                            }
                        }
                    }
                    Some((i, c)) => end = i + c.len_utf8(),
                    None => {}
                }
            }
            if n == index {
                let start = lit.start + (open + at) as u32;
                return Some(Span { start, end: lit.start + (open + end) as u32 });
            }
            n += 1;
        }
        // The end of the pattern (an error such as an unterminated group points here).
        let end = lit.end - open as u32;
        Some(Span { start: end, end })
    }
}

/// Where an operand was written.
fn operand_span(op: &ast::Operand) -> Option<Span> {
    match op {
        ast::Operand::Var(v) => Some(v.span),
        ast::Operand::Lit(l) => Some(l.span),
        _ => None,
    }
}
