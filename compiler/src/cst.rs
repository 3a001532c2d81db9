//! The concrete syntax tree: Covenant's uniform shape before any meaning is given to it.
//!
//! Every construct is a *line* (a keyword followed by attributes, flags and literals, all on one
//! line) that may open a *block* of child lines closed by `end`. The parser decides which lines
//! open blocks (see `parser::rule`); `syntax` then gives the nodes their meaning. Keeping the
//! whole tree means nothing the user wrote is lost, even for constructs a phase does not use.

use crate::ast::{Attr, Literal};
use crate::span::{Span, Spanned};

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// The line's keyword; `None` for attribute lines (`as="x"`) and bare literal lines.
    pub word: Option<Spanned<String>>,
    /// What follows the keyword on its line, in order.
    pub items: Vec<Item>,
    pub children: Vec<Node>,
    /// Raw text of a SQL `body` block.
    pub raw: Option<Spanned<String>>,
    /// From the first token through the closing `end` (or the end of the line).
    pub span: Span,
    /// The closing `end`, when the node is a block that has one.
    pub end: Option<Span>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    /// `key=value`.
    Attr(Attr),
    /// A bare word: `mut`, `optional`, `all`, `union`, a dotted effect name.
    Flag(Spanned<String>),
    /// A literal: `text "..."`, `note "..."`, content lines.
    Lit(Literal),
    /// A parenthesised attribute group after a flag: `effect filesystem(path="/data")`.
    Group(Vec<Attr>, Span),
}

impl Node {
    pub fn word(&self) -> Option<&str> {
        self.word.as_ref().map(|w| w.value.as_str())
    }

    pub fn is(&self, word: &str) -> bool {
        self.word() == Some(word)
    }

    pub fn attrs(&self) -> impl Iterator<Item = &Attr> {
        self.items.iter().filter_map(|i| match i {
            Item::Attr(a) => Some(a),
            _ => None,
        })
    }

    pub fn attr(&self, key: &str) -> Option<&Attr> {
        self.attrs().find(|a| a.key.value == key)
    }

    pub fn flags(&self) -> impl Iterator<Item = &Spanned<String>> {
        self.items.iter().filter_map(|i| match i {
            Item::Flag(f) => Some(f),
            _ => None,
        })
    }

    pub fn has_flag(&self, flag: &str) -> bool {
        self.flags().any(|f| f.value == flag)
    }

    pub fn literals(&self) -> impl Iterator<Item = &Literal> {
        self.items.iter().filter_map(|i| match i {
            Item::Lit(l) => Some(l),
            _ => None,
        })
    }

    /// A copy without the `step` lines at any depth. The syntax tree's snippets and steps keep
    /// these, so that every line is copied once (copying whole subtrees made memory, and with it
    /// parse time, grow faster than the program).
    pub fn without_steps(&self) -> Node {
        Node {
            word: self.word.clone(),
            items: self.items.clone(),
            children: self.children.iter().filter(|c| !c.is("step")).map(Node::without_steps).collect(),
            raw: self.raw.clone(),
            span: self.span,
            end: self.end,
        }
    }

    /// The keyword's span, or the node's for keyword-less lines.
    pub fn head_span(&self) -> Span {
        self.word.as_ref().map_or(self.span, |w| w.span)
    }
}
