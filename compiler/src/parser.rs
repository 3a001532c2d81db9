//! The parser: tokens to a syntax tree. It recovers from errors (skipping to the next line or the
//! next `end`), so one run reports every mistake; it never panics and always makes progress.

use crate::ast::*;
use crate::diagnostic::Diagnostic;
use crate::lexer::{Lexer, Token, TokenKind};
use crate::span::{Span, Spanned};
use std::collections::VecDeque;

/// Section keywords a snippet may contain.
const SECTIONS: [&str; 11] = [
    "effects", "requires", "types", "tools", "signature", "body", "tests", "metadata", "relations", "content", "schema",
];

pub fn parse(source: &str) -> (Program, Vec<Diagnostic>) {
    let mut p = Parser { lexer: Lexer::new(source), src: source, ahead: VecDeque::new(), diags: vec![], prev_end: 0 };
    let program = p.program();
    (program, p.diags)
}

struct Parser<'a> {
    lexer: Lexer<'a>,
    src: &'a str,
    ahead: VecDeque<Token>,
    diags: Vec<Diagnostic>,
    /// End of the last consumed token.
    prev_end: u32,
}

type PResult<T> = Result<T, ()>;

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

    /// Skips to the first token of the next line.
    fn skip_line(&mut self) {
        loop {
            self.bump();
            let t = self.peek();
            if t.line_start || t.kind == TokenKind::Eof {
                return;
            }
        }
    }

    fn expect_eq(&mut self) -> PResult<()> {
        if self.peek().kind == TokenKind::Eq {
            self.bump();
            Ok(())
        } else {
            self.unexpected("`=`");
            Err(())
        }
    }

    fn expect_string(&mut self, what: &str) -> PResult<Spanned<String>> {
        let t = self.peek().clone();
        match t.kind {
            TokenKind::Str(s) | TokenKind::TripleStr(s) => {
                self.bump();
                Ok(Spanned::new(s, t.span))
            }
            _ => {
                self.unexpected(what);
                Err(())
            }
        }
    }

    /// `key="value"` where key is fixed.
    fn expect_string_attr(&mut self, key: &str) -> PResult<Spanned<String>> {
        if !self.at_word(key) {
            self.unexpected(&format!("`{key}=\"...\"`"));
            return Err(());
        }
        self.bump();
        self.expect_eq()?;
        self.expect_string(&format!("a string after `{key}=`"))
    }

    /// Consumes an `end` keyword, reporting E-PARSE-004 for the block opened at `open`.
    fn expect_end(&mut self, block: &str, open: Span) -> PResult<Span> {
        if self.at_word("end") {
            return Ok(self.bump().span);
        }
        let at = self.peek().span;
        self.diags.push(
            Diagnostic::error("E-PARSE-004", format!("unterminated `{block}` block"), open)
                .with_label(format!("this `{block}` is never closed"))
                .with_secondary(at, "expected `end` before this")
                .with_help(format!("add `end` to close the `{block}` block")),
        );
        Err(())
    }

    // ---- values ----

    fn literal(&mut self) -> PResult<Literal> {
        let t = self.peek().clone();
        let value = match &t.kind {
            TokenKind::Str(s) | TokenKind::TripleStr(s) => LitValue::Str(s.clone()),
            TokenKind::Int(n) => LitValue::Int(*n),
            TokenKind::Float(f) => LitValue::Float(*f),
            TokenKind::Duration(ms) => LitValue::Duration(*ms),
            TokenKind::Ident(w) => match w.as_str() {
                "true" => LitValue::Bool(true),
                "false" => LitValue::Bool(false),
                "none" => LitValue::None,
                _ => LitValue::Word(w.clone()),
            },
            TokenKind::LBracket => return self.array_literal(),
            TokenKind::LBrace => return self.struct_literal(),
            _ => {
                self.unexpected("a value");
                return Err(());
            }
        };
        self.bump();
        Ok(Literal { value, span: t.span })
    }

    fn array_literal(&mut self) -> PResult<Literal> {
        let open = self.bump().span;
        let mut items = vec![];
        loop {
            match self.peek().kind {
                TokenKind::RBracket => break,
                TokenKind::Comma => {
                    self.bump();
                }
                TokenKind::Eof => {
                    self.unexpected("`]`");
                    return Err(());
                }
                _ => items.push(self.literal()?),
            }
        }
        let close = self.bump().span;
        Ok(Literal { value: LitValue::Array(items), span: open.to(close) })
    }

    fn struct_literal(&mut self) -> PResult<Literal> {
        let open = self.bump().span;
        let mut fields = vec![];
        loop {
            match self.peek().kind.clone() {
                TokenKind::RBrace => break,
                TokenKind::Comma => {
                    self.bump();
                }
                TokenKind::Str(_) | TokenKind::Ident(_) => {
                    let key = match self.bump().kind {
                        TokenKind::Str(s) | TokenKind::Ident(s) => s,
                        _ => unreachable!("matched above"),
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

    fn attr(&mut self) -> PResult<Attr> {
        let t = self.bump();
        let TokenKind::Ident(key) = t.kind else { unreachable!("caller checked at_attr") };
        self.expect_eq()?;
        let value = self.literal()?;
        Ok(Attr { key: Spanned::new(key, t.span), value })
    }

    /// The remaining `key=value` attributes on the current line.
    fn line_attrs(&mut self) -> PResult<Vec<Attr>> {
        let mut attrs = vec![];
        while !self.peek().line_start && self.at_attr() {
            attrs.push(self.attr()?);
        }
        if !self.peek().line_start && !self.at_eof() && !self.at_word("end") {
            self.unexpected("`name=value` or a new line");
            return Err(());
        }
        Ok(attrs)
    }

    fn type_ref(&mut self) -> PResult<TypeRef> {
        // Types are written as strings: type="List<Int>".
        let s = self.expect_string("a type in quotes")?;
        Ok(TypeRef { text: s.value.trim().to_string(), span: s.span })
    }

    // ---- structure ----

    fn program(&mut self) -> Program {
        let mut program = Program::default();
        while !self.at_eof() {
            if self.at_word("snippet") {
                if let Some(s) = self.snippet() {
                    program.snippets.push(s);
                }
            } else {
                self.unexpected("`snippet`");
                self.skip_to_top_level();
            }
        }
        program
    }

    fn skip_to_top_level(&mut self) {
        while !self.at_eof() && !(self.peek().line_start && self.at_word("snippet")) {
            self.bump();
        }
    }

    fn snippet(&mut self) -> Option<Snippet> {
        let open = self.bump().span;
        let header = (|| {
            let id = self.expect_string_attr("id")?;
            let kind_s = self.expect_string_attr("kind")?;
            let kind = match SnippetKind::from_name(&kind_s.value) {
                Some(k) => k,
                None => {
                    let names: Vec<_> = SnippetKind::ALL.iter().map(|(n, _)| *n).collect();
                    self.diags.push(
                        Diagnostic::error("E-PARSE-001", format!("unknown snippet kind `{}`", kind_s.value), kind_s.span)
                            .with_label("not a snippet kind")
                            .with_help(format!("use one of: {}", names.join(", "))),
                    );
                    return Err(());
                }
            };
            Ok((id, Spanned::new(kind, kind_s.span)))
        })();
        let Ok((id, kind)) = header else {
            self.skip_to_top_level();
            return None;
        };
        let mut snippet = Snippet {
            id,
            kind,
            notes: vec![],
            effects: vec![],
            signature: None,
            body: None,
            metadata: vec![],
            span: open,
        };
        loop {
            if self.at_eof() {
                let _ = self.expect_end("snippet", open);
                break;
            }
            if self.at_word("end") {
                snippet.span = open.to(self.bump().span);
                break;
            }
            if self.at_word("snippet") && self.peek().line_start {
                let _ = self.expect_end("snippet", open);
                break;
            }
            let word = match &self.peek().kind {
                TokenKind::Ident(w) => w.clone(),
                _ => String::new(),
            };
            let result = match word.as_str() {
                "note" => self.note().map(|n| snippet.notes.push(n)),
                "effects" => self.effects().map(|e| snippet.effects.extend(e)),
                "signature" => self.signature().map(|s| snippet.signature = s),
                "body" => self.body().map(|b| snippet.body = Some(b)),
                "metadata" => self.metadata().map(|m| snippet.metadata.extend(m)),
                w if SECTIONS.contains(&w) => {
                    self.unsupported_block(&format!("the `{w}` section"));
                    Ok(())
                }
                _ => {
                    self.unexpected("a section (`effects`, `signature`, `body`, ...) or `end`");
                    Err(())
                }
            };
            if result.is_err() {
                self.recover_in_snippet();
            }
        }
        Some(snippet)
    }

    /// After an error inside a snippet: skip to the next line that starts a section, `end` or a snippet.
    fn recover_in_snippet(&mut self) {
        while !self.at_eof() {
            let t = self.peek();
            if t.line_start
                && matches!(&t.kind, TokenKind::Ident(w) if SECTIONS.contains(&w.as_str()) || w == "snippet" || w == "note")
            {
                return;
            }
            self.bump();
        }
    }

    /// A construct this version does not compile yet: say so, then skip it by indentation (its `end`
    /// stands in the same column as its opening keyword).
    fn unsupported_block(&mut self, what: &str) {
        let open = self.bump();
        self.diags.push(
            Diagnostic::error("E-UNSUPPORTED-001", format!("{what} is not supported by this compiler version yet"), open.span)
                .with_label("not supported yet")
                .with_help("see the README's language status; remove it to compile the rest"),
        );
        let col = self.column(open.span.start);
        while !self.at_eof() {
            // A line that starts left of the opening keyword is outside the block: stop before it.
            let t = self.peek().clone();
            if t.line_start && self.column(t.span.start) < col {
                return;
            }
            self.bump();
            if t.is_ident("end") && t.line_start && self.column(t.span.start) == col {
                return;
            }
        }
    }

    fn column(&self, offset: u32) -> usize {
        let before = &self.src[..offset as usize];
        offset as usize - before.rfind('\n').map_or(0, |i| i + 1)
    }

    fn note(&mut self) -> PResult<Spanned<String>> {
        let open = self.bump().span;
        if self.at_word("lang") {
            self.bump();
            self.expect_eq()?;
            self.expect_string("a language name")?;
        }
        let text = self.expect_string("the note's text")?;
        // `note ... end` is accepted as well as a bare note.
        if self.at_word("end") && !self.peek().line_start {
            self.bump();
        } else if self.at_word("end") {
            // An `end` on its own line closes the note only if the next thing is not a section's end.
            let after = self.peek_n(1).clone();
            if after.kind != TokenKind::Eof && !after.is_ident("end") {
                self.bump();
            }
        }
        Ok(Spanned::new(text.value, open.to(text.span)))
    }

    fn effects(&mut self) -> PResult<Vec<EffectDecl>> {
        let open = self.bump().span;
        let mut effects = vec![];
        loop {
            if self.at_word("end") {
                self.bump();
                return Ok(effects);
            }
            if !self.at_word("effect") {
                if self.at_eof() || self.peek().line_start && self.at_section_keyword() {
                    return self.expect_end("effects", open).map(|_| effects);
                }
                self.unexpected("`effect NAME` or `end`");
                self.skip_line();
                continue;
            }
            let kw = self.bump().span;
            let mut name = String::new();
            let mut name_span = self.peek().span;
            loop {
                let t = self.peek().clone();
                match t.kind {
                    TokenKind::Ident(w) => {
                        name.push_str(&w);
                        name_span = name_span.to(t.span);
                        self.bump();
                    }
                    _ => {
                        self.unexpected("an effect name");
                        return Err(());
                    }
                }
                if self.peek().kind == TokenKind::Dot && !self.peek().line_start {
                    self.bump();
                    name.push('.');
                } else {
                    break;
                }
            }
            let mut params = vec![];
            let mut end = name_span;
            if self.peek().kind == TokenKind::LParen && !self.peek().line_start {
                self.bump();
                while self.at_attr() {
                    params.push(self.attr()?);
                    if self.peek().kind == TokenKind::Comma {
                        self.bump();
                    }
                }
                if self.peek().kind != TokenKind::RParen {
                    self.unexpected("`)`");
                    return Err(());
                }
                end = self.bump().span;
            }
            effects.push(EffectDecl { name: Spanned::new(name, name_span), params, span: kw.to(end) });
        }
    }

    fn at_section_keyword(&mut self) -> bool {
        matches!(&self.peek().kind, TokenKind::Ident(w) if SECTIONS.contains(&w.as_str()))
    }

    fn signature(&mut self) -> PResult<Option<FnSignature>> {
        let open = self.bump().span;
        let mut sig = None;
        loop {
            if self.at_word("end") {
                self.bump();
                return Ok(sig);
            }
            if self.at_word("fn") {
                sig = Some(self.fn_signature()?);
            } else if self.at_word("struct") || self.at_word("enum") {
                self.unsupported_block("a struct or enum signature");
            } else if self.at_eof() || self.peek().line_start && self.at_section_keyword() {
                self.expect_end("signature", open)?;
            } else {
                self.unexpected("`fn name=\"...\"` or `end`");
                return Err(());
            }
        }
    }

    fn fn_signature(&mut self) -> PResult<FnSignature> {
        let open = self.bump().span;
        let name = self.expect_string_attr("name")?;
        let mut sig = FnSignature { name, params: vec![], returns: None, span: open };
        loop {
            if self.at_word("end") {
                sig.span = open.to(self.bump().span);
                return Ok(sig);
            }
            if self.at_word("param") {
                let kw = self.bump().span;
                let attrs = self.line_attrs()?;
                let name = string_attr(&attrs, "name");
                let ty = string_attr(&attrs, "type");
                match (name, ty) {
                    (Some(name), Some(ty)) => sig.params.push(Param {
                        name,
                        ty: TypeRef { text: ty.value, span: ty.span },
                        span: kw.to(Span { start: kw.start, end: self.prev_end }),
                    }),
                    _ => self.missing_field(kw, "param", "`name=\"...\"` and `type=\"...\"`"),
                }
            } else if self.at_word("returns") {
                sig.returns = Some(self.returns()?);
            } else if self.at_word("generic") {
                self.bump();
                self.line_attrs()?;
            } else {
                if self.at_eof() || self.at_section_keyword() {
                    self.expect_end("fn", open)?;
                }
                self.unexpected("`param`, `returns` or `end`");
                return Err(());
            }
        }
    }

    fn missing_field(&mut self, at: Span, what: &str, needs: &str) {
        self.diags.push(
            Diagnostic::error("E-PARSE-002", format!("`{what}` is missing a required field"), at)
                .with_label(format!("needs {needs}"))
                .with_help(format!("write `{what}` with {needs}")),
        );
    }

    fn returns(&mut self) -> PResult<Returns> {
        let open = self.bump();
        let open_line_end = self.line_end(open.span.start);
        let r = if self.at_word("type") && !self.peek().line_start {
            self.bump();
            self.expect_eq()?;
            let t = self.type_ref()?;
            if self.at_word("optional") && !self.peek().line_start {
                self.bump();
                Returns::Type(TypeRef { text: format!("{}?", t.text), span: t.span })
            } else {
                Returns::Type(t)
            }
        } else if self.at_word("collection") {
            self.bump();
            let of = self.expect_string_attr("of")?;
            Returns::Collection(TypeRef { text: of.value, span: of.span })
        } else if self.at_word("union") {
            self.bump();
            let mut members = vec![];
            while self.at_word("type") {
                self.bump();
                self.expect_eq()?;
                members.push(self.type_ref()?);
                if self.at_word("optional") && !self.peek().line_start {
                    self.bump();
                }
            }
            // `union ... end` closes the union; the `returns` block's own `end` follows.
            self.expect_end("union", open.span)?;
            Returns::Union(members)
        } else {
            self.unexpected("`type=`, `collection of=` or `union`");
            return Err(());
        };
        // `returns type=".."` may stand alone or be closed by `end` (LANGUAGE-DECISIONS 3). Take the
        // reading under which the blocks balance: an `end` on the same line is the returns' own; else
        // count the run of `end`s ahead. The fn and the signature need one each, and a run that
        // reaches the end of the file or the next snippet also closes the snippet.
        if self.at_word("end") {
            let same_line = self.peek().span.start < open_line_end as u32;
            let mut run = 0;
            while self.peek_n(run).is_ident("end") {
                run += 1;
            }
            let after = self.peek_n(run).clone();
            let closes_snippet = after.kind == TokenKind::Eof || after.is_ident("snippet");
            let needed_by_others = 2 + usize::from(closes_snippet);
            let fn_continues = run == 1 && (after.is_ident("param") || after.is_ident("generic"));
            if same_line || run > needed_by_others || fn_continues {
                self.bump();
            }
        }
        Ok(r)
    }

    fn line_end(&self, offset: u32) -> usize {
        let o = offset as usize;
        self.src[o..].find('\n').map_or(self.src.len(), |i| o + i)
    }

    fn metadata(&mut self) -> PResult<Vec<Attr>> {
        let open = self.bump().span;
        let mut attrs = vec![];
        loop {
            if self.at_word("end") {
                self.bump();
                return Ok(attrs);
            }
            if self.at_attr() {
                match self.attr() {
                    Ok(a) => attrs.push(a),
                    Err(()) => self.skip_line(),
                }
            } else if self.at_eof() || self.peek().line_start && self.at_section_keyword() {
                return self.expect_end("metadata", open).map(|_| attrs);
            } else {
                self.unexpected("`key=value` or `end`");
                self.skip_line();
            }
        }
    }

    fn body(&mut self) -> PResult<Vec<Step>> {
        let open = self.bump().span;
        let mut steps = vec![];
        loop {
            if self.at_word("end") {
                self.bump();
                return Ok(steps);
            }
            if self.at_word("step") {
                if let Some(step) = self.step() {
                    steps.push(step);
                }
            } else if self.at_eof() || self.peek().line_start && (self.at_section_keyword() || self.at_word("snippet")) {
                return self.expect_end("body", open).map(|_| steps);
            } else {
                self.unexpected("`step` or `end`");
                self.skip_line();
            }
        }
    }

    /// One step. On an error inside it, skip to its `end` (by indentation) and return None.
    fn step(&mut self) -> Option<Step> {
        let open = self.bump();
        let col = self.column(open.span.start);
        match self.step_inner(open.span) {
            Ok(s) => Some(s),
            Err(()) => {
                while !self.at_eof() {
                    let t = self.peek().clone();
                    if t.line_start && self.column(t.span.start) <= col && !t.is_ident("end") {
                        break;
                    }
                    self.bump();
                    if t.is_ident("end") && t.line_start && self.column(t.span.start) == col {
                        break;
                    }
                }
                None
            }
        }
    }

    fn step_inner(&mut self, open: Span) -> PResult<Step> {
        let id = self.expect_string_attr("id")?;
        let kind = self.expect_string_attr("kind")?;
        if !matches!(kind.value.as_str(), "call" | "bind" | "return") {
            self.diags.push(
                Diagnostic::error(
                    "E-UNSUPPORTED-001",
                    format!("`{}` steps are not supported by this compiler version yet", kind.value),
                    kind.span,
                )
                .with_label("not supported yet")
                .with_help("see the README's language status; `call`, `bind` and `return` steps work today"),
            );
            return Err(());
        }
        let mut attrs: Vec<Attr> = vec![];
        let mut args: Vec<Arg> = vec![];
        let mut mutable = false;
        let end;
        loop {
            if self.at_word("end") {
                end = self.bump().span;
                break;
            }
            if self.at_word("arg") {
                let kw = self.bump().span;
                let line = self.line_attrs()?;
                let span = kw.to(Span { start: kw.start, end: self.prev_end });
                let Some(name) = string_attr(&line, "name") else {
                    self.missing_field(kw, "arg", "`name=\"...\"`");
                    continue;
                };
                match operand(&line) {
                    Some(value) => args.push(Arg { name, value, span }),
                    None => self.missing_field(kw, "arg", "`from=\"...\"` or `lit=...`"),
                }
            } else if self.at_word("mut") {
                self.bump();
                mutable = true;
            } else if self.at_attr() {
                attrs.push(self.attr()?);
            } else if matches!(&self.peek().kind, TokenKind::Ident(w) if BLOCK_WORDS.contains(&w.as_str())) {
                let w = match &self.peek().kind {
                    TokenKind::Ident(w) => w.clone(),
                    _ => unreachable!(),
                };
                self.unsupported_block(&format!("`{w}` inside a step"));
            } else if self.at_eof() || self.peek().line_start && (self.at_section_keyword() || self.at_word("step")) {
                self.expect_end("step", open)?;
            } else {
                self.unexpected("a step attribute or `end`");
                return Err(());
            }
        }
        let span = open.to(end);
        let bind_as = string_attr(&attrs, "as");
        let kind = match kind.value.as_str() {
            "call" => {
                let target = string_attr(&attrs, "fn").or_else(|| string_attr(&attrs, "tool"));
                let Some(target) = target else {
                    self.missing_field(open, "call step", "`fn=\"...\"`");
                    return Err(());
                };
                StepKind::Call(CallStep { target, args })
            }
            "bind" => match operand(&attrs) {
                Some(value) => StepKind::Bind(BindStep { mutable, value }),
                None => {
                    self.missing_field(open, "bind step", "`from=\"...\"` or `lit=...`");
                    return Err(());
                }
            },
            "return" => StepKind::Return(ReturnStep { value: operand(&attrs) }),
            other => unreachable!("step kind `{other}` was checked above"),
        };
        Ok(Step { id, kind, bind_as, span })
    }
}

/// Keywords that open a nested block inside a step.
const BLOCK_WORDS: [&str; 11] =
    ["handle", "then", "else", "case", "struct", "variant", "collection", "branch", "where", "params", "returns"];

/// The string value of attribute `key`, if present and a string.
fn string_attr(attrs: &[Attr], key: &str) -> Option<Spanned<String>> {
    attrs.iter().find(|a| a.key.value == key).and_then(|a| match &a.value.value {
        LitValue::Str(s) => Some(Spanned::new(s.clone(), a.value.span)),
        _ => None,
    })
}

fn operand(attrs: &[Attr]) -> Option<Operand> {
    for a in attrs {
        match a.key.value.as_str() {
            "from" => return string_attr(attrs, "from").map(Operand::Var),
            "lit" => return Some(Operand::Lit(a.value.clone())),
            _ => {}
        }
    }
    None
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
