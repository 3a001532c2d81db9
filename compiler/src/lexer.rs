//! The lexer: source text to tokens with byte spans. It never fails: malformed input becomes an
//! `Error` token that the parser reports when (and only when) it reaches it, so text that the
//! parser reads raw (SQL bodies) is never mis-reported.

use crate::span::Span;

#[derive(Clone, Debug, PartialEq)]
pub enum TokenKind {
    Ident(String),
    /// A `"..."` string, escapes processed.
    Str(String),
    /// A `"""..."""` string, raw.
    TripleStr(String),
    Int(i64),
    Float(f64),
    /// A number with a unit suffix: `30s`, `500ms`, `5m`. Value in milliseconds.
    Duration(u64),
    Eq,
    LParen,
    RParen,
    LBracket,
    RBracket,
    LBrace,
    RBrace,
    Comma,
    Colon,
    Dot,
    Question,
    Lt,
    Gt,
    /// Something that is not a token; the message says why.
    Error(String),
    Eof,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    pub kind: TokenKind,
    pub span: Span,
    /// True when no other token precedes this one on its line.
    pub line_start: bool,
}

impl Token {
    pub fn is_ident(&self, word: &str) -> bool {
        matches!(&self.kind, TokenKind::Ident(w) if w == word)
    }
}

pub struct Lexer<'a> {
    src: &'a str,
    pos: usize,
    /// False until the first token; the first token starts a line.
    started: bool,
}

impl<'a> Lexer<'a> {
    pub fn new(src: &'a str) -> Self {
        Lexer { src, pos: 0, started: false }
    }

    pub fn reset_to(&mut self, pos: usize) {
        self.pos = pos.min(self.src.len());
    }

    fn peek_char(&self) -> Option<char> {
        self.src[self.pos..].chars().next()
    }

    fn rest(&self) -> &'a str {
        &self.src[self.pos..]
    }

    /// Skips whitespace and comments; reports whether a newline was crossed.
    fn skip_trivia(&mut self) -> bool {
        let mut newline = false;
        loop {
            let rest = self.rest();
            if let Some(c) = rest.chars().next().filter(|c| c.is_whitespace()) {
                newline |= c == '\n';
                self.pos += c.len_utf8();
            } else if rest.starts_with("//") {
                self.pos += rest.find('\n').unwrap_or(rest.len());
            } else if let Some(inner) = rest.strip_prefix("(*") {
                // Unterminated block comments run to the end of the file.
                let len = inner.find("*)").map_or(rest.len(), |i| i + 4);
                newline |= rest[..len].contains('\n');
                self.pos += len;
            } else {
                return newline;
            }
        }
    }

    pub fn next_token(&mut self) -> Token {
        let newline = self.skip_trivia();
        let start = self.pos;
        let line_start = newline || !self.started;
        self.started = true;
        let kind = match self.peek_char() {
            None => TokenKind::Eof,
            Some(c) => self.lex_token(c),
        };
        Token { kind, span: Span::new(start, self.pos), line_start }
    }

    fn lex_token(&mut self, c: char) -> TokenKind {
        let single = |lexer: &mut Self, k: TokenKind| {
            lexer.pos += 1;
            k
        };
        match c {
            '=' => single(self, TokenKind::Eq),
            '(' => single(self, TokenKind::LParen),
            ')' => single(self, TokenKind::RParen),
            '[' => single(self, TokenKind::LBracket),
            ']' => single(self, TokenKind::RBracket),
            '{' => single(self, TokenKind::LBrace),
            '}' => single(self, TokenKind::RBrace),
            ',' => single(self, TokenKind::Comma),
            ':' => single(self, TokenKind::Colon),
            '.' => single(self, TokenKind::Dot),
            '?' => single(self, TokenKind::Question),
            '<' => single(self, TokenKind::Lt),
            '>' => single(self, TokenKind::Gt),
            '"' if self.rest().starts_with("\"\"\"") => self.lex_triple_string(),
            '"' => self.lex_string(),
            '-' if self.rest()[1..].starts_with(|d: char| d.is_ascii_digit()) => self.lex_number(),
            d if d.is_ascii_digit() => self.lex_number(),
            a if a.is_alphabetic() || a == '_' => {
                let len =
                    self.rest().find(|ch: char| !(ch.is_alphanumeric() || ch == '_')).unwrap_or(self.rest().len());
                let word = &self.rest()[..len];
                self.pos += len;
                TokenKind::Ident(word.to_string())
            }
            other => {
                self.pos += other.len_utf8();
                TokenKind::Error(format!("unexpected character `{other}`"))
            }
        }
    }

    fn lex_number(&mut self) -> TokenKind {
        let rest = self.rest();
        let bytes = rest.as_bytes();
        let mut len = usize::from(bytes[0] == b'-');
        let digits = |from: usize| from + bytes[from..].iter().take_while(|b| b.is_ascii_digit()).count();
        len = digits(len);
        let mut is_float = false;
        if bytes.get(len) == Some(&b'.') && bytes.get(len + 1).is_some_and(u8::is_ascii_digit) {
            is_float = true;
            len = digits(len + 1);
        }
        if matches!(bytes.get(len), Some(b'e' | b'E')) {
            let mut e = len + 1;
            if matches!(bytes.get(e), Some(b'+' | b'-')) {
                e += 1;
            }
            if bytes.get(e).is_some_and(u8::is_ascii_digit) {
                is_float = true;
                len = digits(e);
            }
        }
        let text = &rest[..len];
        // A unit suffix makes a duration: `30s`, `500ms`, `5m`.
        let suffix_len = rest[len..].find(|ch: char| !ch.is_alphanumeric() && ch != '_').unwrap_or(rest.len() - len);
        let suffix = &rest[len..len + suffix_len];
        if !suffix.is_empty() {
            self.pos += len + suffix_len;
            let factor = match suffix {
                "ms" => 1,
                "s" => 1000,
                "m" => 60_000,
                "h" => 3_600_000,
                _ => return TokenKind::Error(format!("malformed number `{text}{suffix}`")),
            };
            return match text.parse::<u64>() {
                Ok(n) => TokenKind::Duration(n.saturating_mul(factor)),
                Err(_) => TokenKind::Error(format!("malformed duration `{text}{suffix}`")),
            };
        }
        self.pos += len;
        if is_float {
            match text.parse::<f64>() {
                Ok(f) => TokenKind::Float(f),
                Err(_) => TokenKind::Error(format!("malformed number `{text}`")),
            }
        } else {
            match text.parse::<i64>() {
                Ok(n) => TokenKind::Int(n),
                Err(_) => TokenKind::Error(format!("integer `{text}` does not fit in 64 bits")),
            }
        }
    }

    fn lex_string(&mut self) -> TokenKind {
        let start = self.pos;
        self.pos += 1;
        let mut out = String::new();
        let mut error: Option<String> = None;
        loop {
            let Some(c) = self.peek_char() else {
                return TokenKind::Error("unterminated string".into());
            };
            self.pos += c.len_utf8();
            match c {
                '"' => break,
                '\n' => {
                    self.pos = start + 1 + self.src[start + 1..].find('\n').unwrap_or(0);
                    return TokenKind::Error("unterminated string".into());
                }
                '\\' => match self.lex_escape() {
                    Ok(ch) => out.push(ch),
                    Err(e) => {
                        error.get_or_insert(e);
                    }
                },
                c => out.push(c),
            }
        }
        match error {
            Some(e) => TokenKind::Error(e),
            None => TokenKind::Str(out),
        }
    }

    fn lex_escape(&mut self) -> Result<char, String> {
        let Some(c) = self.peek_char() else {
            return Err("unterminated escape".into());
        };
        self.pos += c.len_utf8();
        Ok(match c {
            'n' => '\n',
            't' => '\t',
            'r' => '\r',
            '0' => '\0',
            '"' => '"',
            '\\' => '\\',
            'u' => {
                let rest = self.rest();
                let (hex, consumed) = if let Some(braced) = rest.strip_prefix('{') {
                    let close = braced.find('}').ok_or("unterminated `\\u{...}` escape")?;
                    (&braced[..close], close + 2)
                } else {
                    let hex = rest.get(..4).ok_or("`\\u` needs four hex digits")?;
                    (hex, 4)
                };
                self.pos += consumed;
                let code = u32::from_str_radix(hex, 16).map_err(|_| format!("invalid escape `\\u{hex}`"))?;
                char::from_u32(code).ok_or(format!("`\\u{hex}` is not a Unicode scalar value"))?
            }
            other => return Err(format!("unknown escape `\\{other}`")),
        })
    }

    fn lex_triple_string(&mut self) -> TokenKind {
        self.pos += 3;
        let rest = self.rest();
        let Some(end) = rest.find("\"\"\"") else {
            self.pos = self.src.len();
            return TokenKind::Error("unterminated triple-quoted string".into());
        };
        let body = &rest[..end];
        // A newline right after the opening quotes is dropped.
        let body = body.strip_prefix("\r\n").or_else(|| body.strip_prefix('\n')).unwrap_or(body);
        self.pos += end + 3;
        TokenKind::TripleStr(body.to_string())
    }

    /// Reads raw text from the current position up to a line that holds only `end`; returns the
    /// text and its span, and leaves the lexer after that `end`. `None` if no such line exists.
    pub fn raw_until_end_line(&mut self) -> Option<(String, Span, Span)> {
        let start = self.pos;
        let mut line_start = start;
        for line in self.src[start..].split_inclusive('\n') {
            let trimmed = line.trim();
            if trimmed == "end" && line_start != start {
                let end_kw = line_start + line.find("end").unwrap_or(0);
                self.pos = end_kw + 3;
                let text = self.src[start..line_start].to_string();
                return Some((text, Span::new(start, line_start), Span::new(end_kw, end_kw + 3)));
            }
            line_start += line.len();
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<TokenKind> {
        let mut lx = Lexer::new(src);
        let mut out = vec![];
        loop {
            let t = lx.next_token();
            if t.kind == TokenKind::Eof {
                return out;
            }
            out.push(t.kind);
        }
    }

    #[test]
    fn literals_and_escapes() {
        use TokenKind::*;
        assert_eq!(
            kinds(r#"lit=-8 x=0.5 t=30s s="a\"\u00e9\n" // c"#),
            vec![
                Ident("lit".into()),
                Eq,
                Int(-8),
                Ident("x".into()),
                Eq,
                Float(0.5),
                Ident("t".into()),
                Eq,
                Duration(30_000),
                Ident("s".into()),
                Eq,
                Str("a\"é\n".into()),
            ]
        );
    }

    #[test]
    fn triple_strings_are_raw_and_drop_first_newline() {
        assert_eq!(kinds("\"\"\"\nraw \\n\"\"\""), vec![TokenKind::TripleStr("raw \\n".into())]);
    }

    #[test]
    fn block_comments_and_errors() {
        let k = kinds("(* a\n b *) x $");
        assert_eq!(k[0], TokenKind::Ident("x".into()));
        assert!(matches!(k[1], TokenKind::Error(_)));
    }

    #[test]
    fn line_start_flags() {
        let mut lx = Lexer::new("a b\n  c");
        assert!(lx.next_token().line_start);
        assert!(!lx.next_token().line_start);
        assert!(lx.next_token().line_start);
    }
}
