//! Regular expressions for `text.regex_*`: an ECMAScript pattern (JavaScript's `RegExp` syntax,
//! without flags) parsed and compiled at compile time into a small program for the backtracking
//! matcher inside the component (lower/regex.rs). Compiling here means a malformed pattern is a
//! diagnostic with its position, not a silent `false` at run time.
//!
//! Matching is by Unicode scalar value, as with JavaScript's `u` flag: `.` and classes take one
//! whole character. Not supported (reported): lookbehind, flags, and Unicode property escapes.

/// Instruction opcodes of a compiled program. Each instruction is an opcode word followed by its
/// operand words; jump targets are word indices from the program's start.
pub mod op {
    /// Success: the match ends here.
    pub const MATCH: u32 = 0;
    /// `CHAR c`: one character equal to `c`.
    pub const CHAR: u32 = 1;
    /// `CLASS negated n (lo hi)*n`: one character in (or, negated, outside) the ranges.
    pub const CLASS: u32 = 2;
    /// `SPLIT a b`: go on at `a`; on failure, come back and go on at `b`.
    pub const SPLIT: u32 = 3;
    /// `JMP a`.
    pub const JMP: u32 = 4;
    /// `SAVE k`: slot k = position (undone when backtracking past it).
    pub const SAVE: u32 = 5;
    /// `ASSERT kind`: 0 start, 1 end, 2 word boundary, 3 not a word boundary.
    pub const ASSERT: u32 = 6;
    /// `PROGRESS k`: fail when the position equals slot k (an iteration that matched nothing).
    pub const PROGRESS: u32 = 7;
    /// `BACKREF g`: the text group g matched (nothing when it did not take part).
    pub const BACKREF: u32 = 8;
    /// `LOOK negated end`: the lookahead's program follows, ending in MATCH; then go on at `end`.
    pub const LOOK: u32 = 9;
}

/// The words before the code: slot count, group count (with group 0, the whole match), and the
/// word index of the group-name table.
pub const HEADER_WORDS: u32 = 3;

/// A compiled pattern.
#[derive(Debug, Clone, PartialEq)]
pub struct Program {
    /// Header and code (the name table is appended by the lowering, which knows where names live).
    pub words: Vec<u32>,
    /// Capture groups including group 0.
    pub groups: u32,
    /// Capture slots (two per group), then one per loop that must make progress.
    pub slots: u32,
    /// Named groups: (name, group).
    pub names: Vec<(String, u32)>,
}

/// A malformed or unsupported pattern: a message and the character offset in the pattern.
#[derive(Debug, Clone, PartialEq)]
pub struct RegexError {
    pub message: String,
    pub offset: usize,
}

/// Programs larger than this (after repetitions are expanded) are refused.
const MAX_WORDS: usize = 1 << 16;

pub fn compile(pattern: &str) -> Result<Program, RegexError> {
    let chars: Vec<char> = pattern.chars().collect();
    let total_groups = count_groups(&chars);
    let mut p = Parser { chars, at: 0, groups: 1, total_groups, names: vec![] };
    let node = p.alternation()?;
    if p.at < p.chars.len() {
        return Err(p.error("unmatched `)`: no group is open here"));
    }
    for (name, _) in &p.names {
        if p.names.iter().filter(|(n, _)| n == name).count() > 1 {
            return Err(RegexError { message: format!("the group name `{name}` is used twice"), offset: 0 });
        }
    }
    let mut c = Compiler { words: vec![0; HEADER_WORDS as usize], progress_slots: 0, groups: p.groups };
    c.words.extend([op::SAVE, 0]);
    c.emit(&node)?;
    c.words.extend([op::SAVE, 1, op::MATCH]);
    let slots = 2 * p.groups + c.progress_slots;
    c.words[0] = slots;
    c.words[1] = p.groups;
    c.words[2] = c.words.len() as u32;
    Ok(Program { words: c.words, groups: p.groups, slots, names: p.names })
}

#[derive(Debug, Clone)]
enum Node {
    Empty,
    Char(u32),
    Class { negated: bool, ranges: Vec<(u32, u32)> },
    Assert(u32),
    Group(Option<u32>, Box<Node>),
    Look { negated: bool, node: Box<Node> },
    Backref(u32),
    Concat(Vec<Node>),
    Alt(Vec<Node>),
    Repeat { node: Box<Node>, min: u32, max: Option<u32>, greedy: bool },
}

const DIGITS: &[(u32, u32)] = &[(0x30, 0x39)];
const WORD: &[(u32, u32)] = &[(0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A)];
/// JavaScript's white space and line terminators.
const SPACE: &[(u32, u32)] = &[
    (0x09, 0x0D),
    (0x20, 0x20),
    (0xA0, 0xA0),
    (0x1680, 0x1680),
    (0x2000, 0x200A),
    (0x2028, 0x2029),
    (0x202F, 0x202F),
    (0x205F, 0x205F),
    (0x3000, 0x3000),
    (0xFEFF, 0xFEFF),
];
/// What `.` does not match: line terminators.
const LINE_TERMINATORS: &[(u32, u32)] = &[(0x0A, 0x0A), (0x0D, 0x0D), (0x2028, 0x2029)];

/// The ranges outside `ranges` (sorted, merged), within the Unicode scalar values.
fn complement(ranges: &[(u32, u32)]) -> Vec<(u32, u32)> {
    let mut sorted = ranges.to_vec();
    sorted.sort_unstable();
    let mut out = vec![];
    let mut next = 0u32;
    for (lo, hi) in sorted {
        if lo > next {
            out.push((next, lo - 1));
        }
        next = next.max(hi.saturating_add(1));
    }
    if next <= 0x10FFFF {
        out.push((next, 0x10FFFF));
    }
    out
}

/// The number of capturing groups: `(` not followed by `?`, or followed by `?<name>`.
fn count_groups(chars: &[char]) -> u32 {
    let (mut n, mut i, mut in_class) = (0, 0, false);
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 1,
            '[' => in_class = true,
            ']' => in_class = false,
            '(' if !in_class => {
                let named = chars.get(i + 1) == Some(&'?')
                    && chars.get(i + 2) == Some(&'<')
                    && !matches!(chars.get(i + 3), Some('=') | Some('!'));
                if chars.get(i + 1) != Some(&'?') || named {
                    n += 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    n
}

struct Parser {
    chars: Vec<char>,
    at: usize,
    /// The next group's number.
    groups: u32,
    total_groups: u32,
    names: Vec<(String, u32)>,
}

/// One item of a class: a character, or a set (`\d`) that cannot end a range.
enum ClassItem {
    Char(u32),
    Set(Vec<(u32, u32)>),
}

impl Parser {
    fn error(&self, message: impl Into<String>) -> RegexError {
        RegexError { message: message.into(), offset: self.at }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn alternation(&mut self) -> Result<Node, RegexError> {
        let mut alts = vec![self.sequence()?];
        while self.eat('|') {
            alts.push(self.sequence()?);
        }
        Ok(if alts.len() == 1 { alts.pop().unwrap_or(Node::Empty) } else { Node::Alt(alts) })
    }

    fn sequence(&mut self) -> Result<Node, RegexError> {
        let mut items = vec![];
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                break;
            }
            let start = self.at;
            let atom = self.atom()?;
            let quantifiable = !matches!(atom, Node::Assert(_) | Node::Look { .. });
            match self.quantifier()? {
                Some((min, max, greedy)) => {
                    if !quantifiable {
                        return Err(RegexError { message: "nothing to repeat: an assertion".into(), offset: start });
                    }
                    items.push(Node::Repeat { node: Box::new(atom), min, max, greedy });
                }
                None => items.push(atom),
            }
        }
        Ok(if items.len() == 1 { items.pop().unwrap_or(Node::Empty) } else { Node::Concat(items) })
    }

    /// `*`, `+`, `?`, `{n}`, `{n,}`, `{n,m}`, each optionally followed by `?` (lazy). A `{` that
    /// does not start a quantifier is a literal, as JavaScript reads it without the `u` flag.
    fn quantifier(&mut self) -> Result<Option<(u32, Option<u32>, bool)>, RegexError> {
        let start = self.at;
        let (min, max) = match self.peek() {
            Some('*') => (0, None),
            Some('+') => (1, None),
            Some('?') => (0, Some(1)),
            Some('{') => match self.braces() {
                Some(range) => range,
                None => return Ok(None),
            },
            _ => return Ok(None),
        };
        if !matches!(self.chars[start], '{') {
            self.at += 1;
        }
        if let Some(max) = max
            && max < min
        {
            return Err(RegexError { message: format!("numbers out of order in {{{min},{max}}}"), offset: start });
        }
        let greedy = !self.eat('?');
        Ok(Some((min, max, greedy)))
    }

    /// `{n}`, `{n,}` or `{n,m}` at the cursor (consumed), or None (nothing consumed).
    fn braces(&mut self) -> Option<(u32, Option<u32>)> {
        let start = self.at;
        self.at += 1;
        let number = |p: &mut Parser| {
            let s = p.at;
            while p.peek().is_some_and(|c| c.is_ascii_digit()) {
                p.at += 1;
            }
            let text: String = p.chars[s..p.at].iter().collect();
            if text.is_empty() { None } else { Some(text.parse::<u32>().unwrap_or(u32::MAX)) }
        };
        let result = (|| {
            let min = number(self)?;
            let max = if self.eat(',') {
                if self.peek() == Some('}') { None } else { Some(number(self)?) }
            } else {
                Some(min)
            };
            self.eat('}').then_some((min, max))
        })();
        if result.is_none() {
            self.at = start;
        }
        result
    }

    fn atom(&mut self) -> Result<Node, RegexError> {
        let start = self.at;
        let Some(c) = self.peek() else { return Ok(Node::Empty) };
        self.at += 1;
        Ok(match c {
            '^' => Node::Assert(0),
            '$' => Node::Assert(1),
            '.' => Node::Class { negated: true, ranges: LINE_TERMINATORS.to_vec() },
            '*' | '+' | '?' => {
                return Err(RegexError { message: format!("nothing to repeat before `{c}`"), offset: start });
            }
            '{' => {
                self.at = start;
                if self.braces().is_some() {
                    self.at = start;
                    return Err(self.error("nothing to repeat before `{`"));
                }
                self.at = start + 1;
                Node::Char('{' as u32)
            }
            '(' => self.group(start)?,
            '[' => self.class()?,
            '\\' => self.escape()?,
            c => Node::Char(c as u32),
        })
    }

    fn group(&mut self, start: usize) -> Result<Node, RegexError> {
        let mut capture = true;
        let mut look = None;
        let mut name = None;
        if self.eat('?') {
            capture = false;
            if self.eat(':') {
            } else if self.eat('=') {
                look = Some(false);
            } else if self.eat('!') {
                look = Some(true);
            } else if self.eat('<') {
                if matches!(self.peek(), Some('=') | Some('!')) {
                    return Err(RegexError {
                        message: "lookbehind `(?<=` / `(?<!` is not supported".into(),
                        offset: start,
                    });
                }
                name = Some(self.group_name()?);
                capture = true;
            } else {
                return Err(RegexError { message: "unknown group kind after `(?`".into(), offset: start });
            }
        }
        let index = capture.then(|| {
            let i = self.groups;
            self.groups += 1;
            i
        });
        if let (Some(name), Some(i)) = (name, index) {
            self.names.push((name, i));
        }
        let inner = self.alternation()?;
        if !self.eat(')') {
            return Err(RegexError { message: "unterminated group: `(` without `)`".into(), offset: start });
        }
        Ok(match look {
            Some(negated) => Node::Look { negated, node: Box::new(inner) },
            None => Node::Group(index, Box::new(inner)),
        })
    }

    /// A group name after `<`, up to and including `>`.
    fn group_name(&mut self) -> Result<String, RegexError> {
        let start = self.at;
        let mut name = String::new();
        while let Some(c) = self.peek() {
            self.at += 1;
            if c == '>' {
                let valid = name.chars().next().is_some_and(|c| c.is_alphabetic() || c == '_' || c == '$')
                    && name.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '$');
                if !valid {
                    return Err(RegexError { message: format!("invalid group name `{name}`"), offset: start });
                }
                return Ok(name);
            }
            name.push(c);
        }
        Err(RegexError { message: "unterminated group name: `<` without `>`".into(), offset: start })
    }

    fn class(&mut self) -> Result<Node, RegexError> {
        let start = self.at - 1;
        let negated = self.eat('^');
        let mut ranges = vec![];
        loop {
            let Some(c) = self.peek() else {
                return Err(RegexError {
                    message: "unterminated character class: `[` without `]`".into(),
                    offset: start,
                });
            };
            if c == ']' {
                self.at += 1;
                break;
            }
            let first = self.class_item()?;
            if self.peek() == Some('-') && self.chars.get(self.at + 1).is_some_and(|&c| c != ']') {
                let dash = self.at;
                self.at += 1;
                let last = self.class_item()?;
                match (first, last) {
                    (ClassItem::Char(lo), ClassItem::Char(hi)) => {
                        if hi < lo {
                            return Err(RegexError {
                                message: "range out of order in character class".into(),
                                offset: dash,
                            });
                        }
                        ranges.push((lo, hi));
                    }
                    (first, last) => {
                        // JavaScript without the `u` flag reads `[\d-x]` as the set, `-` and x.
                        for item in [first, ClassItem::Char('-' as u32), last] {
                            match item {
                                ClassItem::Char(c) => ranges.push((c, c)),
                                ClassItem::Set(set) => ranges.extend(set),
                            }
                        }
                    }
                }
            } else {
                match first {
                    ClassItem::Char(c) => ranges.push((c, c)),
                    ClassItem::Set(set) => ranges.extend(set),
                }
            }
        }
        Ok(Node::Class { negated, ranges })
    }

    fn class_item(&mut self) -> Result<ClassItem, RegexError> {
        let c = self.peek().unwrap_or(']');
        self.at += 1;
        if c != '\\' {
            return Ok(ClassItem::Char(c as u32));
        }
        if self.eat('b') {
            return Ok(ClassItem::Char(8));
        }
        if self.eat('-') {
            return Ok(ClassItem::Char('-' as u32));
        }
        match self.escape()? {
            Node::Char(c) => Ok(ClassItem::Char(c)),
            Node::Class { negated: false, ranges } => Ok(ClassItem::Set(ranges)),
            Node::Class { negated: true, ranges } => Ok(ClassItem::Set(complement(&ranges))),
            _ => {
                Err(RegexError { message: "this escape cannot stand in a character class".into(), offset: self.at - 2 })
            }
        }
    }

    /// After a `\`.
    fn escape(&mut self) -> Result<Node, RegexError> {
        let start = self.at - 1;
        let Some(c) = self.peek() else {
            return Err(RegexError { message: "the pattern ends with a lone `\\`".into(), offset: start });
        };
        self.at += 1;
        let class = |negated, ranges: &[(u32, u32)]| Node::Class { negated, ranges: ranges.to_vec() };
        Ok(match c {
            'd' => class(false, DIGITS),
            'D' => class(true, DIGITS),
            'w' => class(false, WORD),
            'W' => class(true, WORD),
            's' => class(false, SPACE),
            'S' => class(true, SPACE),
            'b' => Node::Assert(2),
            'B' => Node::Assert(3),
            'n' => Node::Char(0x0A),
            'r' => Node::Char(0x0D),
            't' => Node::Char(0x09),
            'f' => Node::Char(0x0C),
            'v' => Node::Char(0x0B),
            '0' if !self.peek().is_some_and(|c| c.is_ascii_digit()) => Node::Char(0),
            'c' => match self.peek() {
                Some(l) if l.is_ascii_alphabetic() => {
                    self.at += 1;
                    Node::Char(l as u32 % 32)
                }
                _ => return Err(RegexError { message: "`\\c` needs a letter after it".into(), offset: start }),
            },
            'x' => Node::Char(self.hex_digits(2, start)?),
            'u' => {
                if self.eat('{') {
                    let s = self.at;
                    while self.peek().is_some_and(|c| c.is_ascii_hexdigit()) {
                        self.at += 1;
                    }
                    let text: String = self.chars[s..self.at].iter().collect();
                    let value = u32::from_str_radix(&text, 16).ok().filter(|v| char::from_u32(*v).is_some());
                    match (value, self.eat('}')) {
                        (Some(v), true) => Node::Char(v),
                        _ => {
                            return Err(RegexError {
                                message: "`\\u{...}` needs the hex digits of a Unicode scalar value".into(),
                                offset: start,
                            });
                        }
                    }
                } else {
                    Node::Char(self.hex_digits(4, start)?)
                }
            }
            '1'..='9' => {
                let s = self.at - 1;
                while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                    self.at += 1;
                }
                let text: String = self.chars[s..self.at].iter().collect();
                let g = text.parse::<u32>().unwrap_or(u32::MAX);
                if g > self.total_groups {
                    return Err(RegexError {
                        message: format!("`\\{text}` refers to group {text}, which the pattern does not have"),
                        offset: start,
                    });
                }
                Node::Backref(g)
            }
            'k' => {
                if !self.eat('<') {
                    return Err(RegexError { message: "`\\k` needs a group name: `\\k<name>`".into(), offset: start });
                }
                let name = self.group_name()?;
                // Names may be defined later in the pattern: resolved after parsing would be
                // needed in general; a reference to an earlier group is what patterns use.
                match self.names.iter().find(|(n, _)| *n == name) {
                    Some((_, g)) => Node::Backref(*g),
                    None => {
                        return Err(RegexError {
                            message: format!("no group named `{name}` before this reference"),
                            offset: start,
                        });
                    }
                }
            }
            'p' | 'P' => {
                return Err(RegexError { message: "Unicode property escapes are not supported".into(), offset: start });
            }
            c if c.is_ascii_alphanumeric() => {
                return Err(RegexError { message: format!("`\\{c}` is not an escape"), offset: start });
            }
            c => Node::Char(c as u32),
        })
    }

    fn hex_digits(&mut self, n: usize, start: usize) -> Result<u32, RegexError> {
        let digits: String = self.chars.iter().skip(self.at).take(n).collect();
        if digits.len() != n || !digits.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(RegexError { message: format!("this escape needs {n} hex digits"), offset: start });
        }
        self.at += n;
        u32::from_str_radix(&digits, 16).map_err(|_| RegexError { message: "bad hex digits".into(), offset: start })
    }
}

fn nullable(node: &Node) -> bool {
    match node {
        Node::Empty | Node::Assert(_) | Node::Look { .. } | Node::Backref(_) => true,
        Node::Char(_) | Node::Class { .. } => false,
        Node::Group(_, n) => nullable(n),
        Node::Concat(items) => items.iter().all(nullable),
        Node::Alt(alts) => alts.iter().any(nullable),
        Node::Repeat { node, min, .. } => *min == 0 || nullable(node),
    }
}

struct Compiler {
    words: Vec<u32>,
    progress_slots: u32,
    groups: u32,
}

impl Compiler {
    fn here(&self) -> u32 {
        self.words.len() as u32
    }

    fn check_size(&self) -> Result<(), RegexError> {
        if self.words.len() > MAX_WORDS {
            return Err(RegexError {
                message: "the pattern is too large once its repetitions are expanded".into(),
                offset: 0,
            });
        }
        Ok(())
    }

    fn emit(&mut self, node: &Node) -> Result<(), RegexError> {
        self.check_size()?;
        match node {
            Node::Empty => {}
            Node::Char(c) => self.words.extend([op::CHAR, *c]),
            Node::Class { negated, ranges } => {
                self.words.extend([op::CLASS, u32::from(*negated), ranges.len() as u32]);
                for (lo, hi) in ranges {
                    self.words.extend([*lo, *hi]);
                }
            }
            Node::Assert(kind) => self.words.extend([op::ASSERT, *kind]),
            Node::Group(Some(g), inner) => {
                self.words.extend([op::SAVE, 2 * g]);
                self.emit(inner)?;
                self.words.extend([op::SAVE, 2 * g + 1]);
            }
            Node::Group(None, inner) => self.emit(inner)?,
            Node::Look { negated, node } => {
                let at = self.here();
                self.words.extend([op::LOOK, u32::from(*negated), 0]);
                self.emit(node)?;
                self.words.push(op::MATCH);
                self.words[at as usize + 2] = self.here();
            }
            Node::Backref(g) => self.words.extend([op::BACKREF, *g]),
            Node::Concat(items) => {
                for item in items {
                    self.emit(item)?;
                }
            }
            Node::Alt(alts) => {
                let mut exits = vec![];
                for (i, alt) in alts.iter().enumerate() {
                    if i + 1 < alts.len() {
                        let split = self.here();
                        self.words.extend([op::SPLIT, split + 3, 0]);
                        self.emit(alt)?;
                        exits.push(self.here() + 1);
                        self.words.extend([op::JMP, 0]);
                        self.words[split as usize + 2] = self.here();
                    } else {
                        self.emit(alt)?;
                    }
                }
                let end = self.here();
                for e in exits {
                    self.words[e as usize] = end;
                }
            }
            Node::Repeat { node, min, max, greedy } => {
                for _ in 0..*min {
                    self.emit(node)?;
                }
                match max {
                    None => {
                        let progress = nullable(node).then(|| {
                            self.progress_slots += 1;
                            2 * self.groups + self.progress_slots - 1
                        });
                        let top = self.here();
                        self.words.extend([op::SPLIT, 0, 0]);
                        let body = self.here();
                        if let Some(k) = progress {
                            self.words.extend([op::SAVE, k]);
                        }
                        self.emit(node)?;
                        if let Some(k) = progress {
                            self.words.extend([op::PROGRESS, k]);
                        }
                        self.words.extend([op::JMP, top]);
                        self.split_targets(top, body, *greedy);
                    }
                    Some(max) => {
                        let mut splits = vec![];
                        for _ in *min..*max {
                            let split = self.here();
                            self.words.extend([op::SPLIT, 0, 0]);
                            splits.push(split);
                            self.emit(node)?;
                        }
                        for split in splits {
                            self.split_targets(split, split + 3, *greedy);
                        }
                    }
                }
            }
        }
        self.check_size()
    }

    /// Points the SPLIT at `split` to `body` and to the current end, in the order greed asks.
    fn split_targets(&mut self, split: u32, body: u32, greedy: bool) {
        let exit = self.here();
        let (first, second) = if greedy { (body, exit) } else { (exit, body) };
        self.words[split as usize + 1] = first;
        self.words[split as usize + 2] = second;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reference matcher over the compiled program (the same algorithm the component runs), so
    /// the compiler's output is tested here and the wasm against it in the host's tests.
    fn run(p: &Program, s: &[char], pc: usize, pos: usize, slots: &mut Vec<i64>) -> Option<usize> {
        let w = &p.words;
        let mut stack: Vec<(i64, i64)> = vec![];
        let (mut pc, mut pos) = (pc, pos);
        let word = |c: Option<&char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || *c == '_');
        loop {
            let ok = match w[pc] {
                op::MATCH => return Some(pos),
                op::CHAR => {
                    let ok = s.get(pos).is_some_and(|c| *c as u32 == w[pc + 1]);
                    pos += 1;
                    pc += 2;
                    ok
                }
                op::CLASS => {
                    let n = w[pc + 2] as usize;
                    let found = s
                        .get(pos)
                        .map(|c| (0..n).any(|i| w[pc + 3 + 2 * i] <= *c as u32 && *c as u32 <= w[pc + 4 + 2 * i]));
                    pos += 1;
                    let ok = found.is_some_and(|f| f != (w[pc + 1] == 1));
                    pc += 3 + 2 * n;
                    ok
                }
                op::SPLIT => {
                    stack.push((w[pc + 2] as i64, pos as i64));
                    pc = w[pc + 1] as usize;
                    true
                }
                op::JMP => {
                    pc = w[pc + 1] as usize;
                    true
                }
                op::SAVE => {
                    let k = w[pc + 1] as usize;
                    stack.push((-1 - k as i64, slots[k]));
                    slots[k] = pos as i64;
                    pc += 2;
                    true
                }
                op::ASSERT => {
                    let before = word(pos.checked_sub(1).and_then(|i| s.get(i)));
                    let ok = match w[pc + 1] {
                        0 => pos == 0,
                        1 => pos == s.len(),
                        2 => before != word(s.get(pos)),
                        _ => before == word(s.get(pos)),
                    };
                    pc += 2;
                    ok
                }
                op::PROGRESS => {
                    let ok = slots[w[pc + 1] as usize] != pos as i64;
                    pc += 2;
                    ok
                }
                op::BACKREF => {
                    let g = w[pc + 1] as usize;
                    let (a, b) = (slots[2 * g], slots[2 * g + 1]);
                    pc += 2;
                    if a < 0 || b < 0 {
                        true
                    } else {
                        let text = &s[a as usize..b as usize];
                        let ok = s.get(pos..pos + text.len()) == Some(text);
                        pos += text.len();
                        ok
                    }
                }
                _ => {
                    let found = run(p, s, pc + 3, pos, slots).is_some();
                    let ok = found != (w[pc + 1] == 1);
                    pc = w[pc + 2] as usize;
                    ok
                }
            };
            if !ok {
                loop {
                    let (a, b) = stack.pop()?;
                    if a < 0 {
                        slots[(-1 - a) as usize] = b;
                    } else {
                        pc = a as usize;
                        pos = b as usize;
                        break;
                    }
                }
            }
        }
    }

    /// The first match: its groups' (start, end) in characters, or None.
    fn find(pattern: &str, input: &str) -> Option<Vec<Option<(usize, usize)>>> {
        let p = compile(pattern).unwrap();
        let s: Vec<char> = input.chars().collect();
        for start in 0..=s.len() {
            let mut slots = vec![-1; p.slots as usize];
            if run(&p, &s, HEADER_WORDS as usize, start, &mut slots).is_some() {
                return Some(
                    (0..p.groups as usize)
                        .map(|g| (slots[2 * g] >= 0).then(|| (slots[2 * g] as usize, slots[2 * g + 1] as usize)))
                        .collect(),
                );
            }
        }
        None
    }

    fn matched(pattern: &str, input: &str) -> Option<String> {
        let g = find(pattern, input)?;
        let (a, b) = g[0]?;
        Some(input.chars().skip(a).take(b - a).collect())
    }

    #[test]
    fn matches_like_javascript() {
        // Each expected value is what `input.match(new RegExp(pattern))[0]` gives in Node.
        let cases: &[(&str, &str, Option<&str>)] = &[
            (r"\d+", "abc123def", Some("123")),
            (r"\w+", "hello world", Some("hello")),
            ("a|ab", "ab", Some("a")),
            ("(a|ab)c", "abc", Some("abc")),
            ("a*?b", "aaab", Some("aaab")),
            ("a+?", "aaa", Some("a")),
            ("a{2,3}", "aaaa", Some("aaa")),
            ("a{2,}", "aaaa", Some("aaaa")),
            ("a{2}", "a", None),
            ("x{", "x{", Some("x{")),
            ("^abc$", "abc", Some("abc")),
            ("^b", "ab", None),
            (r"\bfoo\b", "a foo b", Some("foo")),
            (r"\Boo", "foo", Some("oo")),
            ("[a-c]+", "xxbcay", Some("bca")),
            ("[^a-c]+", "abxyc", Some("xy")),
            (r"[\d-]+", "a1-2b", Some("1-2")),
            ("[]", "a", None),
            ("[^]", "\n", Some("\n")),
            (".", "\n", None),
            (".", "é", Some("é")),
            ("(a*)*b", "aab", Some("aab")),
            ("(a*)+$", "b", Some("")),
            (r"(\w)\1", "abccd", Some("cc")),
            (r"(?<x>a)\k<x>", "aa", Some("aa")),
            ("a(?=b)", "acab", Some("a")),
            ("a(?!b)", "abac", Some("a")),
            (r"\u{1F600}", "x😀", Some("😀")),
            (r"\x41\u0042", "AB", Some("AB")),
            (r"\s+", "a \t b", Some(" \t ")),
            ("(?:ab)+", "ababa", Some("abab")),
        ];
        for (pattern, input, want) in cases {
            assert_eq!(matched(pattern, input).as_deref(), *want, "/{pattern}/ on {input:?}");
        }
    }

    #[test]
    fn groups_that_do_not_take_part_are_unset() {
        assert_eq!(find("(a)|(b)", "b"), Some(vec![Some((0, 1)), None, Some((0, 1))]));
    }

    #[test]
    fn malformed_patterns_are_errors_with_positions() {
        let cases: &[(&str, usize)] = &[
            ("(ab", 0),
            ("ab)", 2),
            ("[ab", 0),
            ("*a", 0),
            ("a{3,1}", 1),
            (r"\q", 0),
            (r"(a)\2", 3),
            ("(?<=a)b", 0),
            ("a\\", 1),
            ("^*", 0),
            ("[z-a]", 2),
        ];
        for (pattern, offset) in cases {
            let e = compile(pattern).expect_err(pattern);
            assert_eq!(e.offset, *offset, "{pattern}: {}", e.message);
        }
    }

    /// Thousands of random patterns over the syntax's characters: compiling never panics, and
    /// whatever compiles runs to an answer on short inputs (no loop without progress).
    #[test]
    fn random_patterns_never_panic() {
        let alphabet: Vec<char> = "ab()[]{}|*+?^$.\\-,0123dwsbBk<>=!:ué".chars().collect();
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let mut compiled = 0;
        for _ in 0..20_000 {
            let len = next(12);
            let pattern: String = (0..len).map(|_| alphabet[next(alphabet.len())]).collect();
            if let Ok(p) = compile(&pattern) {
                compiled += 1;
                let input: Vec<char> = (0..next(6)).map(|_| ['a', 'b', '0', ' '][next(4)]).collect();
                for start in 0..=input.len() {
                    let mut slots = vec![-1; p.slots as usize];
                    run(&p, &input, HEADER_WORDS as usize, start, &mut slots);
                }
            }
        }
        assert!(compiled > 1_000, "only {compiled} random patterns compiled");
    }

    #[test]
    fn huge_repetitions_are_refused() {
        assert!(compile("(abc){1000}{1000}").is_err());
    }
}
