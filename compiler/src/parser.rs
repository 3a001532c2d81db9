//! The parser: tokens to the concrete syntax tree (`cst`). It accepts every documented form,
//! recovers from errors (skipping a line, or closing a block that lost its `end`) so one run
//! reports every mistake, never panics, and always makes progress.
//!
//! Which lines open blocks is decided by [`rule`]. Three constructs may omit their `end`:
//! `returns type=..`, a data-less enum `variant`, and `note`. For those the parser takes the
//! reading under which the blocks balance (LANGUAGE-DECISIONS 3, 5, 6): an `end` on the same line
//! is theirs; otherwise it counts the run of `end`s ahead and the enclosing blocks that must close
//! before the token after the run is acceptable, and takes one `end` only if the run has a spare.

use crate::ast::{Attr, LitValue, Literal};
use crate::cst::{Item, Node};
use crate::diagnostic::Diagnostic;
use crate::lexer::{Lexer, Token, TokenKind};
use crate::span::{Span, Spanned};
use std::collections::VecDeque;

/// Section keywords a snippet may contain (`fields` and `variants` are the struct/enum snippets' forms).
pub const SECTIONS: [&str; 13] = [
    "effects",
    "requires",
    "types",
    "tools",
    "signature",
    "body",
    "tests",
    "metadata",
    "relations",
    "content",
    "schema",
    "fields",
    "variants",
];

const CONDITIONS: [&str; 14] = [
    "equals",
    "not_equals",
    "less",
    "greater",
    "less_eq",
    "greater_eq",
    "contains",
    "matches",
    "and",
    "or",
    "not",
    "rel_to",
    "rel_from",
    "has_rel",
];

/// Nesting deeper than this is reported rather than followed (it protects the stack).
const MAX_DEPTH: usize = 200;

pub fn parse_tree(source: &str) -> (Vec<Node>, Vec<Diagnostic>) {
    let mut p = Parser {
        lexer: Lexer::new(source),
        ahead: VecDeque::new(),
        diags: vec![],
        prev_end: 0,
        stack: vec![Frame { word: "#top".into(), step_kind: None }],
    };
    let mut nodes = vec![];
    while !p.at_eof() {
        if matches!(&p.peek().kind, TokenKind::Ident(w) if w == "snippet" || w == "refactor")
            && p.peek_n(1).kind != TokenKind::Eq
        {
            if let Some(n) = p.line() {
                nodes.push(n);
            }
        } else {
            p.unexpected("`snippet`");
            while !p.at_eof() && !(p.peek().line_start && (p.at_word("snippet") || p.at_word("refactor"))) {
                p.bump();
            }
        }
    }
    (nodes, p.diags)
}

/// How a line's keyword shapes what follows it.
#[derive(Debug, PartialEq)]
enum Rule {
    /// Just the line.
    Line,
    /// Child lines, then `end`.
    Block,
    /// Child lines and an `end` that may be omitted (decided by balance).
    OptionalEnd,
    /// Raw text up to a line holding only `end` (a SQL query's `body`).
    Raw,
    /// The next line is its only child (`not` in a condition, written alone on its line).
    NextLine,
}

struct Frame {
    word: String,
    /// For `step` frames: the step's kind, which decides what `body` means inside it.
    step_kind: Option<String>,
}

/// What a token is, for deciding which block it belongs to.
enum Class {
    Word(String),
    AttrLine,
    Literal,
    End,
    Eof,
}

fn is_section(w: &str) -> bool {
    SECTIONS.contains(&w)
}

fn rule(word: &str, node: &Node, parent: &Frame) -> Rule {
    let p = parent.word.as_str();
    match word {
        "snippet" | "refactor" if p == "#top" => Rule::Block,
        "body" if p == "step" && parent.step_kind.as_deref() == Some("query") => Rule::Raw,
        w if p == "snippet" && is_section(w) => Rule::Block,
        "note" => Rule::OptionalEnd,
        "returns" if node.has_flag("union") => Rule::Block,
        "returns" => Rule::OptionalEnd,
        "variant" if matches!(p, "enum" | "variants") => Rule::OptionalEnd,
        "and" | "or" if matches!(p, "where" | "and" | "or" | "join" | "not") => Rule::Block,
        "not" if matches!(p, "where" | "and" | "or" | "join" | "not") && node.items.is_empty() => Rule::NextLine,
        "fn" if p == "signature" => Rule::Block,
        "tool" if p == "tools" => Rule::Block,
        "test" if p == "tests" => Rule::Block,
        "step" | "then" | "else" | "case" | "handle" | "where" | "params" | "branch" | "req" | "table" | "join"
        | "collection" | "struct" | "enum" | "variant" => Rule::Block,
        _ => Rule::Line,
    }
}

/// Whether a block accepts a line starting with this token (used for balance and recovery).
fn accepts(frame: &Frame, class: &Class) -> bool {
    use Class::*;
    let word = |allowed: &[&str]| matches!(class, Word(w) if allowed.contains(&w.as_str()));
    match frame.word.as_str() {
        "#top" => matches!(class, Eof) || word(&["snippet", "refactor"]),
        "snippet" => matches!(class, AttrLine) || word(&["note"]) || matches!(class, Word(w) if is_section(w)),
        "effects" => word(&["effect"]),
        "requires" => word(&["req"]),
        "req" => matches!(class, AttrLine) || word(&["text", "priority", "status"]),
        "types" => word(&["struct", "enum", "alias"]),
        "struct" => matches!(class, AttrLine) || word(&["field"]),
        "enum" | "variants" => word(&["variant"]),
        "variant" | "fields" | "table" => word(&["field"]),
        "tools" => word(&["tool"]),
        "tool" | "metadata" => matches!(class, AttrLine),
        "signature" => word(&["fn", "struct", "enum"]),
        "fn" => word(&["param", "returns", "generic"]),
        "returns" => matches!(class, AttrLine),
        "body" | "then" | "else" | "branch" | "case" | "refactor" => word(&["step"]),
        "tests" => word(&["test"]),
        "test" => matches!(class, AttrLine) || word(&["step"]),
        "relations" => word(&["rel"]),
        "schema" => word(&["field", "table"]),
        "handle" => word(&["case"]),
        "where" | "and" | "or" | "join" | "not" => word(&CONDITIONS),
        "params" => word(&["param"]),
        "collection" => word(&["item"]),
        "note" => false,
        "step" => match class {
            Word(w) if w == "body" => frame.step_kind.as_deref() == Some("query"),
            Word(w) => !is_section(w) && w != "snippet" && w != "refactor",
            Eof => false,
            _ => true,
        },
        "content" => match class {
            Word(w) => !is_section(w) && w != "snippet" && w != "refactor",
            Eof => false,
            _ => true,
        },
        _ => true,
    }
}

struct Parser<'a> {
    lexer: Lexer<'a>,
    ahead: VecDeque<Token>,
    diags: Vec<Diagnostic>,
    /// End of the last consumed token.
    prev_end: u32,
    /// The blocks open around the current line, outermost first.
    stack: Vec<Frame>,
}

impl<'a> Parser<'a> {
    // ---- token plumbing ----

    fn peek_n(&mut self, n: usize) -> &Token {
        while self.ahead.len() <= n {
            let t = self.lexer.next_token();
            self.ahead.push_back(t);
        }
        &self.ahead[n]
    }

    fn peek(&mut self) -> &Token {
        self.peek_n(0)
    }

    fn bump(&mut self) -> Token {
        self.peek();
        let t = self.ahead.pop_front().expect("peeked");
        self.prev_end = t.span.end;
        t
    }

    fn at_eof(&mut self) -> bool {
        self.peek().kind == TokenKind::Eof
    }

    fn at_word(&mut self, w: &str) -> bool {
        self.peek().is_ident(w)
    }

    /// `word =` ahead?
    fn at_attr(&mut self) -> bool {
        matches!(self.peek().kind, TokenKind::Ident(_)) && self.peek_n(1).kind == TokenKind::Eq
    }

    fn class_at(&mut self, n: usize) -> Class {
        match &self.peek_n(n).kind {
            TokenKind::Eof => return Class::Eof,
            TokenKind::Ident(w) if w == "end" => return Class::End,
            TokenKind::Ident(_) => {}
            _ => return Class::Literal,
        }
        if self.peek_n(n + 1).kind == TokenKind::Eq {
            return Class::AttrLine;
        }
        match &self.peek_n(n).kind {
            TokenKind::Ident(w) => Class::Word(w.clone()),
            _ => unreachable!("an identifier, above"),
        }
    }

    /// Reports an unexpected token (or the lexer's error, if it is one) and consumes it.
    fn unexpected(&mut self, expected: &str) {
        let t = self.bump();
        let (msg, label, help) = match &t.kind {
            TokenKind::Error(e) => (e.clone(), "here".to_string(), lexical_hint(e)),
            TokenKind::Eof => (
                format!("unexpected end of file; expected {expected}"),
                "file ends here".to_string(),
                format!("the file ends too early: add {expected}"),
            ),
            k => (
                format!("unexpected {}; expected {expected}", describe(k)),
                format!("expected {expected}"),
                format!("write {expected} here, or remove {}", describe(k)),
            ),
        };
        self.diags.push(Diagnostic::error("E-PARSE-001", msg, t.span).with_label(label).with_help(help));
    }

    fn skip_rest_of_line(&mut self) {
        while !self.at_eof() && !self.peek().line_start {
            self.bump();
        }
    }

    // ---- values ----

    fn literal(&mut self) -> Result<Literal, ()> {
        match &self.peek().kind {
            TokenKind::LBracket => return self.sequence(TokenKind::RBracket, "`]`"),
            TokenKind::LParen => return self.sequence(TokenKind::RParen, "`)`"),
            TokenKind::LBrace => return self.struct_literal(),
            TokenKind::Str(_)
            | TokenKind::TripleStr(_)
            | TokenKind::Int(_)
            | TokenKind::Float(_)
            | TokenKind::Duration(_)
            | TokenKind::Ident(_) => {}
            _ => {
                self.unexpected("a value");
                return Err(());
            }
        }
        // Taken, not copied: the token's text becomes the literal's.
        let t = self.bump();
        let value = match t.kind {
            TokenKind::Str(s) | TokenKind::TripleStr(s) => LitValue::Str(s),
            TokenKind::Int(n) => LitValue::Int(n),
            TokenKind::Float(f) => LitValue::Float(f),
            TokenKind::Duration(ms) => LitValue::Duration(ms),
            TokenKind::Ident(w) => match w.as_str() {
                "true" => LitValue::Bool(true),
                "false" => LitValue::Bool(false),
                "none" => LitValue::None,
                _ => LitValue::Word(w),
            },
            _ => unreachable!("a value token, above"),
        };
        // `lit=5:Int` — a literal with a type ascription (grammar: NUMBER [":" type_ref]).
        if matches!(value, LitValue::Int(_) | LitValue::Float(_)) && self.peek().kind == TokenKind::Colon {
            self.bump();
            if matches!(self.peek().kind, TokenKind::Ident(_)) {
                self.bump();
            }
        }
        Ok(Literal { value, span: t.span })
    }

    /// `[a, b]`, `("a" "b")` (commas optional) or `(max=3 backoff=exponential)`.
    fn sequence(&mut self, close: TokenKind, what: &str) -> Result<Literal, ()> {
        let open = self.bump().span;
        let mut items = vec![];
        let mut fields = vec![];
        loop {
            if self.peek().kind == close {
                break;
            }
            if matches!(self.peek().kind, TokenKind::Ident(_)) && self.peek_n(1).kind == TokenKind::Eq {
                let TokenKind::Ident(k) = self.bump().kind else { unreachable!("an identifier, above") };
                self.bump(); // `=`
                fields.push((k, self.literal()?));
                continue;
            }
            match &self.peek().kind {
                TokenKind::Comma => {
                    self.bump();
                }
                TokenKind::Eof => {
                    self.unexpected(what);
                    return Err(());
                }
                _ => items.push(self.literal()?),
            }
        }
        let span = open.to(self.bump().span);
        let value = if fields.is_empty() { LitValue::Array(items) } else { LitValue::Struct(fields) };
        Ok(Literal { value, span })
    }

    fn struct_literal(&mut self) -> Result<Literal, ()> {
        let open = self.bump().span;
        let mut fields = vec![];
        loop {
            match &self.peek().kind {
                TokenKind::RBrace => break,
                TokenKind::Comma => {
                    self.bump();
                }
                TokenKind::Str(_) | TokenKind::Ident(_) => {
                    let (TokenKind::Str(key) | TokenKind::Ident(key)) = self.bump().kind else {
                        unreachable!("a field name, above")
                    };
                    if self.peek().kind != TokenKind::Colon {
                        self.unexpected("`:`");
                        return Err(());
                    }
                    self.bump();
                    fields.push((key, self.literal()?));
                }
                _ => {
                    self.unexpected("a field name or `}`");
                    return Err(());
                }
            }
        }
        let close = self.bump().span;
        Ok(Literal { value: LitValue::Struct(fields), span: open.to(close) })
    }

    fn attr(&mut self) -> Result<Attr, ()> {
        let t = self.bump();
        let TokenKind::Ident(key) = t.kind else { unreachable!("caller checked at_attr") };
        self.bump(); // `=`
        let value = self.literal()?;
        Ok(Attr { key: Spanned::new(key, t.span), value })
    }

    /// Everything after the keyword on the current line. A same-line `end` stops it. For a line
    /// without a keyword (`first_on_line`), the first item stands at the line's start.
    fn line_items(&mut self, first_on_line: bool) -> Vec<Item> {
        let mut items = vec![];
        loop {
            // What the next token is, without copying it (its text moves into the item).
            let t = self.peek();
            let starts_line = t.line_start && !(first_on_line && items.is_empty());
            let (eof, end) = (t.kind == TokenKind::Eof, t.is_ident("end"));
            let (ident, word_literal) = match &t.kind {
                TokenKind::Ident(w) => (true, matches!(w.as_str(), "true" | "false" | "none")),
                _ => (false, false),
            };
            if starts_line || eof || (end && self.peek_n(1).kind != TokenKind::Eq) {
                return items;
            }
            let not_a_value = matches!(
                self.peek().kind,
                TokenKind::Error(_)
                    | TokenKind::Eq
                    | TokenKind::RParen
                    | TokenKind::RBracket
                    | TokenKind::RBrace
                    | TokenKind::Comma
                    | TokenKind::Colon
                    | TokenKind::Dot
                    | TokenKind::Question
                    | TokenKind::Lt
                    | TokenKind::Gt
            );
            let item = if ident && self.peek_n(1).kind == TokenKind::Eq {
                self.attr().map(Item::Attr)
            } else if ident && !word_literal {
                Ok(Item::Flag(self.flag()))
            } else if not_a_value {
                self.unexpected("`name=value`, a word or a value");
                Err(())
            } else {
                self.literal().map(Item::Lit)
            };
            match item {
                Ok(item) => {
                    items.push(item);
                    // `effect filesystem(path="/data")`: a group right after a flag.
                    if matches!(items.last(), Some(Item::Flag(_)))
                        && self.peek().kind == TokenKind::LParen
                        && !self.peek().line_start
                        && let Ok(g) = self.group()
                    {
                        items.push(g);
                    }
                }
                Err(()) => {
                    if !self.peek().line_start {
                        self.skip_rest_of_line();
                    }
                    return items;
                }
            }
        }
    }

    /// A bare word, joined with following `.word`s on the same line (`std.concurrent`).
    fn flag(&mut self) -> Spanned<String> {
        let t = self.bump();
        let TokenKind::Ident(mut text) = t.kind else { unreachable!("caller checked for an identifier") };
        let mut span = t.span;
        while self.peek().kind == TokenKind::Dot && !self.peek().line_start {
            if !matches!(self.peek_n(1).kind, TokenKind::Ident(_)) {
                break;
            }
            self.bump(); // `.`
            let n = self.bump();
            let TokenKind::Ident(next) = n.kind else { unreachable!("an identifier, above") };
            text.push('.');
            text.push_str(&next);
            span = span.to(n.span);
        }
        Spanned::new(text, span)
    }

    fn group(&mut self) -> Result<Item, ()> {
        let open = self.bump().span;
        let mut attrs = vec![];
        loop {
            if self.peek().kind == TokenKind::RParen {
                let close = self.bump().span;
                return Ok(Item::Group(attrs, open.to(close)));
            }
            if self.peek().kind == TokenKind::Comma {
                self.bump();
                continue;
            }
            if !self.at_attr() {
                self.unexpected("`name=value` or `)`");
                return Err(());
            }
            attrs.push(self.attr()?);
        }
    }

    // ---- lines and blocks ----

    /// One line, and the block it opens, if any.
    fn line(&mut self) -> Option<Node> {
        let first_span = self.peek().span;
        let keyword = matches!(self.peek().kind, TokenKind::Ident(_)) && self.peek_n(1).kind != TokenKind::Eq;
        let word = match &self.peek().kind {
            TokenKind::Ident(_) if keyword => {
                let TokenKind::Ident(w) = self.bump().kind else { unreachable!("an identifier, above") };
                Some(Spanned::new(w, first_span))
            }
            TokenKind::Ident(_)
            | TokenKind::Str(_)
            | TokenKind::TripleStr(_)
            | TokenKind::Int(_)
            | TokenKind::Float(_)
            | TokenKind::Duration(_)
            | TokenKind::LBracket
            | TokenKind::LBrace
            | TokenKind::LParen => None,
            _ => {
                self.unexpected("a keyword, `name=value` or `end`");
                self.skip_rest_of_line();
                return None;
            }
        };
        let items = self.line_items(word.is_none());
        let span = Span { start: first_span.start, end: self.prev_end.max(first_span.end) };
        let mut node = Node { word, items, children: vec![], raw: None, span, end: None };
        let Some(w) = node.word().map(str::to_string) else { return Some(node) };
        let parent = self.stack.last().expect("top frame");
        match rule(&w, &node, parent) {
            Rule::Line => {}
            Rule::Block => self.block(&mut node, &w),
            Rule::OptionalEnd => self.optional_end(&mut node, &w),
            Rule::Raw => self.raw(&mut node),
            Rule::NextLine => {
                if !self.at_eof() && !self.at_word("end") {
                    self.stack.push(Frame { word: w, step_kind: None });
                    if let Some(child) = self.line() {
                        node.span = node.span.to(child.span);
                        node.children.push(child);
                    }
                    self.stack.pop();
                }
            }
        }
        Some(node)
    }

    fn frame_for(node: &Node, word: &str) -> Frame {
        let step_kind = (word == "step").then(|| node.attr("kind")).flatten().and_then(|a| match &a.value.value {
            LitValue::Str(s) | LitValue::Word(s) => Some(s.clone()),
            _ => None,
        });
        Frame { word: word.to_string(), step_kind }
    }

    fn block(&mut self, node: &mut Node, word: &str) {
        if self.stack.len() >= MAX_DEPTH {
            self.diags.push(
                Diagnostic::error("E-PARSE-001", "blocks are nested too deeply", node.head_span())
                    .with_label("nesting limit reached here")
                    .with_help(format!("split the code; at most {MAX_DEPTH} blocks may be open at once")),
            );
            while !self.at_eof() {
                self.bump();
            }
            return;
        }
        self.stack.push(Self::frame_for(node, word));
        loop {
            if self.at_word("end") && self.peek_n(1).kind != TokenKind::Eq {
                let end = self.bump().span;
                node.end = Some(end);
                node.span = node.span.to(end);
                break;
            }
            let class = self.class_at(0);
            let here = self.stack.last().expect("pushed");
            let lost = matches!(class, Class::Eof)
                || (!accepts(here, &class) && self.stack[..self.stack.len() - 1].iter().any(|f| accepts(f, &class)));
            if lost {
                let at = self.peek().span;
                self.diags.push(
                    Diagnostic::error("E-PARSE-004", format!("unterminated `{word}` block"), node.head_span())
                        .with_label(format!("this `{word}` is never closed"))
                        .with_secondary(at, "expected `end` before this")
                        .with_help(format!("add `end` to close the `{word}` block")),
                );
                break;
            }
            if let Some(child) = self.line() {
                node.span = node.span.to(child.span);
                node.children.push(child);
            }
        }
        self.stack.pop();
    }

    fn optional_end(&mut self, node: &mut Node, word: &str) {
        // An enum variant's `field` lines, then perhaps its `end`. `returns` and `note` have no children.
        while word == "variant"
            && self.peek().line_start
            && self.at_word("field")
            && self.peek_n(1).kind != TokenKind::Eq
        {
            self.stack.push(Self::frame_for(node, word));
            let child = self.line();
            self.stack.pop();
            if let Some(child) = child {
                node.span = node.span.to(child.span);
                node.children.push(child);
            }
        }
        if !self.at_word("end") || self.peek_n(1).kind == TokenKind::Eq {
            return;
        }
        let take = if !self.peek().line_start {
            true
        } else {
            let mut run = 0;
            while self.peek_n(run).is_ident("end") && self.peek_n(run + 1).kind != TokenKind::Eq {
                run += 1;
            }
            let after = self.class_at(run);
            let needed = self.stack.iter().rev().take_while(|f| !accepts(f, &after)).count();
            run > needed
        };
        if take {
            let end = self.bump().span;
            node.end = Some(end);
            node.span = node.span.to(end);
        }
    }

    fn raw(&mut self, node: &mut Node) {
        // The raw text starts right after `body`: drop any token already looked at.
        self.ahead.clear();
        self.lexer.reset_to(node.head_span().end as usize);
        match self.lexer.raw_until_end_line() {
            Some((text, span, end)) => {
                node.raw = Some(Spanned::new(text, span));
                node.end = Some(end);
                node.span = node.span.to(end);
                self.prev_end = end.end;
            }
            None => {
                self.diags.push(
                    Diagnostic::error("E-PARSE-004", "unterminated `body` block", node.head_span())
                        .with_label("this SQL `body` is never closed")
                        .with_help("end the SQL with a line that holds only `end`"),
                );
                self.lexer.reset_to(usize::MAX);
            }
        }
    }
}

/// A hint for a lexical error, keyed by the lexer's message.
fn lexical_hint(message: &str) -> String {
    if message.starts_with("unterminated string") {
        "close the string with `\"` on the same line, or use a triple-quoted string for several lines".into()
    } else if message.starts_with("unterminated triple") {
        "close the string with `\"\"\"`".into()
    } else if message.contains("escape") || message.contains("\\u") {
        "valid escapes are \\n \\t \\r \\0 \\\" \\\\ and \\uXXXX or \\u{X...}".into()
    } else if message.starts_with("unexpected character") {
        "remove this character; values are written as `name=value`, strings in double quotes".into()
    } else {
        "check the number's digits; integers must fit in 64 bits, durations end in ms, s, m or h".into()
    }
}

fn describe(k: &TokenKind) -> String {
    match k {
        TokenKind::Ident(w) => format!("`{w}`"),
        TokenKind::Str(s) => format!("string \"{s}\""),
        TokenKind::TripleStr(_) => "triple-quoted string".into(),
        TokenKind::Int(n) => format!("number `{n}`"),
        TokenKind::Float(f) => format!("number `{f}`"),
        TokenKind::Duration(_) => "duration".into(),
        TokenKind::Eq => "`=`".into(),
        TokenKind::LParen => "`(`".into(),
        TokenKind::RParen => "`)`".into(),
        TokenKind::LBracket => "`[`".into(),
        TokenKind::RBracket => "`]`".into(),
        TokenKind::LBrace => "`{`".into(),
        TokenKind::RBrace => "`}`".into(),
        TokenKind::Comma => "`,`".into(),
        TokenKind::Colon => "`:`".into(),
        TokenKind::Dot => "`.`".into(),
        TokenKind::Question => "`?`".into(),
        TokenKind::Lt => "`<`".into(),
        TokenKind::Gt => "`>`".into(),
        TokenKind::Error(e) => e.clone(),
        TokenKind::Eof => "end of file".into(),
    }
}
