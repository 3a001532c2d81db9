//! `text.regex_*`: the backtracking matcher that runs a pattern compiled by `crate::regex`, and
//! the library functions on it (JavaScript's `test`, `match`, `replace` and `split` semantics).
//!
//! A program is i32 words in the data segment: slot count, group count, the word index of the
//! name table, then the code; the name table is `count, (group, name ptr, name len)*`. Positions
//! are byte offsets into the UTF-8 input (always on character boundaries).

use super::body::Frame;
use super::helpers::{HelperSig, add_to, load_byte};
use super::json::JsonOp;
use super::*;
use crate::regex::{HEADER_WORDS, Program, op};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) enum RegexOp {
    /// (s, pos) -> (code point, byte length) of the character at s[pos..].
    Decode,
    /// (a, b): pushes a backtrack entry (a jump target, or -1 - slot with the slot's old value).
    Push,
    /// (prog, s, len, pc address, pos, slots) -> the match's end, or -1.
    Run,
    /// (prog, s, len, from, slots, sticky) -> Bool: a match starting at `from` (or, unless
    /// sticky, later); its groups are in `slots`.
    Exec,
    /// (prog, s, len) -> Bool.
    Test,
    /// (prog, s, len) -> the first match as JSON text, or "".
    Match,
    /// (prog, s, len, replacement p, l, all) -> the text with the first (or every) match replaced.
    Replace,
    /// (prog, s, len, replacement p, l, slots): appends the replacement with `$` patterns expanded.
    Expand,
    /// (prog, s, len) -> the pieces between matches (and the captured groups) as a JSON array.
    Split,
}

impl RegexOp {
    pub(super) fn name(self) -> &'static str {
        match self {
            RegexOp::Decode => "regex_decode",
            RegexOp::Push => "regex_push",
            RegexOp::Run => "regex_run",
            RegexOp::Exec => "regex_exec",
            RegexOp::Test => "regex_test",
            RegexOp::Match => "regex_match",
            RegexOp::Replace => "regex_replace",
            RegexOp::Expand => "regex_expand",
            RegexOp::Split => "regex_split",
        }
    }
}

/// The program's first code word, as a byte offset.
const CODE: i32 = HEADER_WORDS as i32 * 4;

/// Emits: `x = load32(base + offset)`-style reads: the word at `local + offset`.
fn word(local: u32, offset: u64) -> [I<'static>; 2] {
    [I::LocalGet(local), I::I32Load(mem(offset, 2))]
}

/// Emits: whether the byte on the stack is an ASCII word character (`[A-Za-z0-9_]`), via `t`.
fn is_word(code: &mut Vec<I<'static>>, t: u32) {
    code.extend([I::LocalTee(t), I::I32Const(b'0' as i32), I::I32Sub, I::I32Const(10), I::I32LtU]);
    code.extend([I::LocalGet(t), I::I32Const(0x20), I::I32Or, I::I32Const(b'a' as i32), I::I32Sub]);
    code.extend([I::I32Const(26), I::I32LtU, I::I32Or, I::LocalGet(t), I::I32Const(b'_' as i32), I::I32Eq, I::I32Or]);
}

impl Builder<'_> {
    /// The backtrack stack's globals: buffer, top (bytes used) and capacity.
    fn regex_stack(&mut self) -> (u32, u32, u32) {
        if let Some(g) = self.regex_stack {
            return g;
        }
        let base = self.globals.len() as u32;
        self.globals.extend([GlobalInit::Zero, GlobalInit::Zero, GlobalInit::Zero]);
        self.regex_stack = Some((base, base + 1, base + 2));
        (base, base + 1, base + 2)
    }

    /// Places a compiled pattern and its name table in the data segment; returns its address.
    pub(super) fn place_regex(&mut self, program: &Program) -> u32 {
        let mut words = program.words.clone();
        words.push(program.names.len() as u32);
        for (name, group) in &program.names {
            let at = self.data.intern(name);
            words.extend([*group, at, name.len() as u32]);
        }
        let bytes: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
        self.data.place(&bytes, 4)
    }

    pub(super) fn regex_helper(&mut self, op: RegexOp, code: &mut Vec<I<'static>>) -> Result<HelperSig, String> {
        use ValType::I32;
        let mut f = Frame { base: vec![], reps: vec![], decls: vec![], next: 0 };
        let (params, results) = match op {
            RegexOp::Decode => {
                self.regex_decode(&mut f, code);
                (vec![I32; 2], vec![I32; 2])
            }
            RegexOp::Push => {
                self.regex_push(&mut f, code)?;
                (vec![I32; 2], vec![])
            }
            RegexOp::Run => {
                self.regex_run(&mut f, code)?;
                (vec![I32; 6], vec![I32])
            }
            RegexOp::Exec => {
                self.regex_exec(&mut f, code)?;
                (vec![I32; 6], vec![I32])
            }
            RegexOp::Test => {
                let (exec, alloc) = (self.helper(Helper::Regex(RegexOp::Exec))?, self.helper(Helper::Alloc)?);
                code.extend([I::LocalGet(0), I::LocalGet(1), I::LocalGet(2), I::I32Const(0)]);
                code.extend(word(0, 0));
                code.extend([I::I32Const(4), I::I32Mul, I::I32Const(4), I::Call(alloc), I::I32Const(0), I::Call(exec)]);
                (vec![I32; 3], vec![I32])
            }
            RegexOp::Match => {
                self.regex_match(&mut f, code)?;
                (vec![I32; 3], vec![I32; 2])
            }
            RegexOp::Replace => {
                self.regex_replace(&mut f, code)?;
                (vec![I32; 6], vec![I32; 2])
            }
            RegexOp::Expand => {
                self.regex_expand(&mut f, code)?;
                (vec![I32; 6], vec![])
            }
            RegexOp::Split => {
                self.regex_split(&mut f, code)?;
                (vec![I32; 3], vec![I32; 2])
            }
        };
        Ok((params, results, f.decls))
    }

    /// (s, pos) -> (code point, length) of the UTF-8 character there.
    fn regex_decode(&mut self, f: &mut Frame, code: &mut Vec<I<'static>>) {
        let (s, pos) = (0, 1);
        f.next = 2;
        let (b0, a) = (f.scratch(ValType::I32), f.scratch(ValType::I32));
        // The continuation byte k (1..=3) as its six bits.
        let cont = |k: u64| [I::LocalGet(a), I::I32Load8U(mem(k, 0)), I::I32Const(0x3F), I::I32And];
        code.extend([I::LocalGet(s), I::LocalGet(pos), I::I32Add, I::LocalTee(a), I::I32Load8U(mem(0, 0))]);
        code.extend([I::LocalTee(b0), I::I32Const(0x80), I::I32LtU, I::If(BlockType::Empty)]);
        code.extend([I::LocalGet(b0), I::I32Const(1), I::Return, I::End]);
        code.extend([I::LocalGet(b0), I::I32Const(0xE0), I::I32LtU, I::If(BlockType::Empty)]);
        code.extend([I::LocalGet(b0), I::I32Const(0x1F), I::I32And, I::I32Const(6), I::I32Shl]);
        code.extend(cont(1));
        code.extend([I::I32Or, I::I32Const(2), I::Return, I::End]);
        code.extend([I::LocalGet(b0), I::I32Const(0xF0), I::I32LtU, I::If(BlockType::Empty)]);
        code.extend([I::LocalGet(b0), I::I32Const(0x0F), I::I32And, I::I32Const(12), I::I32Shl]);
        code.extend(cont(1));
        code.extend([I::I32Const(6), I::I32Shl, I::I32Or]);
        code.extend(cont(2));
        code.extend([I::I32Or, I::I32Const(3), I::Return, I::End]);
        code.extend([I::LocalGet(b0), I::I32Const(0x07), I::I32And, I::I32Const(18), I::I32Shl]);
        code.extend(cont(1));
        code.extend([I::I32Const(12), I::I32Shl, I::I32Or]);
        code.extend(cont(2));
        code.extend([I::I32Const(6), I::I32Shl, I::I32Or]);
        code.extend(cont(3));
        code.extend([I::I32Or, I::I32Const(4)]);
    }

    /// (a, b): one backtrack entry, growing the stack (doubling, from 4 KiB) when full.
    fn regex_push(&mut self, f: &mut Frame, code: &mut Vec<I<'static>>) -> Result<(), String> {
        let (buf, top, cap) = self.regex_stack();
        let alloc = self.helper(Helper::Alloc)?;
        let (a, b) = (0, 1);
        f.next = 2;
        let fresh = f.scratch(ValType::I32);
        code.extend([I::GlobalGet(top), I::I32Const(8), I::I32Add, I::GlobalGet(cap), I::I32GtU]);
        code.extend([I::If(BlockType::Empty), I::I32Const(4096), I::GlobalGet(cap), I::I32Const(1), I::I32Shl]);
        code.extend([I::GlobalGet(cap), I::I32Eqz, I::Select, I::GlobalSet(cap)]);
        code.extend([I::GlobalGet(cap), I::I32Const(4), I::Call(alloc), I::LocalTee(fresh)]);
        code.extend([I::GlobalGet(buf), I::GlobalGet(top), I::MemoryCopy { src_mem: 0, dst_mem: 0 }]);
        code.extend([I::LocalGet(fresh), I::GlobalSet(buf), I::End]);
        code.extend([I::GlobalGet(buf), I::GlobalGet(top), I::I32Add, I::LocalTee(fresh), I::LocalGet(a)]);
        code.extend([I::I32Store(mem(0, 2)), I::LocalGet(fresh), I::LocalGet(b), I::I32Store(mem(4, 2))]);
        code.extend([I::GlobalGet(top), I::I32Const(8), I::I32Add, I::GlobalSet(top)]);
        Ok(())
    }

    /// The matcher: runs the code from `pc` at `pos`, backtracking through the global stack
    /// down to where it started; a lookahead runs as a nested call.
    fn regex_run(&mut self, f: &mut Frame, code: &mut Vec<I<'static>>) -> Result<(), String> {
        use ValType::I32;
        let (buf, top, _) = self.regex_stack();
        let decode = self.helper(Helper::Regex(RegexOp::Decode))?;
        let push = self.helper(Helper::Regex(RegexOp::Push))?;
        let run = self.helper(Helper::Regex(RegexOp::Run))?;
        let (prog, s, len, pc, pos, slots) = (0, 1, 2, 3, 4, 5);
        f.next = 6;
        let v: Vec<u32> = (0..8).map(|_| f.scratch(I32)).collect();
        let (base, opc, cp, n, i, cnt, a, b) = (v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]);
        // pc = prog + 4 * (word at pc + offset)
        let jump = |code: &mut Vec<I<'static>>, offset: u64| {
            code.extend([I::LocalGet(prog)]);
            code.extend(word(pc, offset));
            code.extend([I::I32Const(4), I::I32Mul, I::I32Add, I::LocalSet(pc)]);
        };
        // The slot whose index is the word at pc + 4, as an address.
        let slot_of = |code: &mut Vec<I<'static>>| {
            code.extend([I::LocalGet(slots)]);
            code.extend(word(pc, 4));
            code.extend([I::I32Const(4), I::I32Mul, I::I32Add, I::LocalTee(a)]);
        };
        let case = |code: &mut Vec<I<'static>>, k: u32| {
            code.extend([I::LocalGet(opc), I::I32Const(k as i32), I::I32Eq, I::If(BlockType::Empty)]);
        };
        // Inside a case: 0 is the case, 1 the failure block, 2 the main loop.
        let next = |code: &mut Vec<I<'static>>, words: i32| {
            code.extend(add_to(pc, I::I32Const(words * 4)));
            code.extend([I::Br(2), I::End]);
        };
        code.extend([I::GlobalGet(top), I::LocalSet(base), I::Loop(BlockType::Empty), I::Block(BlockType::Empty)]);
        code.extend(word(pc, 0));
        code.push(I::LocalSet(opc));
        // MATCH: drop what this run pushed.
        case(code, op::MATCH);
        code.extend([I::LocalGet(base), I::GlobalSet(top), I::LocalGet(pos), I::Return, I::End]);
        // CHAR c
        case(code, op::CHAR);
        code.extend([I::LocalGet(pos), I::LocalGet(len), I::I32GeU, I::BrIf(1)]);
        code.extend([I::LocalGet(s), I::LocalGet(pos), I::Call(decode), I::LocalSet(n)]);
        code.extend(word(pc, 4));
        code.extend([I::I32Ne, I::BrIf(1)]);
        code.extend(add_to(pos, I::LocalGet(n)));
        next(code, 2);
        // CLASS negated count (lo hi)*
        case(code, op::CLASS);
        code.extend([I::LocalGet(pos), I::LocalGet(len), I::I32GeU, I::BrIf(1)]);
        code.extend([I::LocalGet(s), I::LocalGet(pos), I::Call(decode), I::LocalSet(n), I::LocalSet(cp)]);
        code.extend(word(pc, 8));
        code.extend([I::LocalSet(cnt), I::I32Const(0), I::LocalSet(i), I::I32Const(0), I::LocalSet(b)]);
        code.extend([I::Block(BlockType::Empty), I::Loop(BlockType::Empty)]);
        code.extend([I::LocalGet(i), I::LocalGet(cnt), I::I32GeU, I::BrIf(1)]);
        code.extend([I::LocalGet(pc), I::LocalGet(i), I::I32Const(8), I::I32Mul, I::I32Add, I::LocalTee(a)]);
        code.extend([I::I32Load(mem(12, 2)), I::LocalGet(cp), I::I32LeU, I::LocalGet(cp), I::LocalGet(a)]);
        code.extend([I::I32Load(mem(16, 2)), I::I32LeU, I::I32And, I::If(BlockType::Empty)]);
        code.extend([I::I32Const(1), I::LocalSet(b), I::Br(2), I::End]);
        code.extend(add_to(i, I::I32Const(1)));
        code.extend([I::Br(0), I::End, I::End, I::LocalGet(b)]);
        code.extend(word(pc, 4));
        code.extend([I::I32Eq, I::BrIf(1)]);
        code.extend(add_to(pos, I::LocalGet(n)));
        code.extend([I::LocalGet(pc), I::LocalGet(cnt), I::I32Const(8), I::I32Mul, I::I32Add, I::LocalSet(pc)]);
        next(code, 3);
        // SPLIT a b: try a, remember b.
        case(code, op::SPLIT);
        code.extend(word(pc, 8));
        code.extend([I::LocalGet(pos), I::Call(push)]);
        jump(code, 4);
        code.extend([I::Br(2), I::End]);
        // JMP a
        case(code, op::JMP);
        jump(code, 4);
        code.extend([I::Br(2), I::End]);
        // SAVE k: remember the old value for backtracking.
        case(code, op::SAVE);
        code.extend([I::I32Const(-1)]);
        code.extend(word(pc, 4));
        code.push(I::I32Sub);
        slot_of(code);
        code.extend([I::I32Load(mem(0, 2)), I::Call(push), I::LocalGet(a), I::LocalGet(pos), I::I32Store(mem(0, 2))]);
        next(code, 2);
        // ASSERT kind: 0 ^, 1 $, 2 \b, 3 \B.
        case(code, op::ASSERT);
        code.extend(word(pc, 4));
        code.extend([I::LocalTee(cnt), I::I32Eqz, I::If(BlockType::Result(I32)), I::LocalGet(pos), I::I32Eqz]);
        code.extend([I::Else, I::LocalGet(cnt), I::I32Const(1), I::I32Eq, I::If(BlockType::Result(I32))]);
        code.extend([I::LocalGet(pos), I::LocalGet(len), I::I32Eq, I::Else]);
        code.extend([I::LocalGet(pos), I::If(BlockType::Result(I32)), I::LocalGet(s), I::LocalGet(pos), I::I32Add]);
        code.extend([I::I32Const(1), I::I32Sub, I::I32Load8U(mem(0, 0))]);
        is_word(code, i);
        code.extend([I::Else, I::I32Const(0), I::End]);
        code.extend([I::LocalGet(pos), I::LocalGet(len), I::I32LtU, I::If(BlockType::Result(I32))]);
        code.extend(load_byte(s, pos));
        is_word(code, i);
        code.extend([I::Else, I::I32Const(0), I::End, I::I32Xor, I::LocalGet(cnt), I::I32Const(3), I::I32Eq]);
        code.extend([I::I32Xor, I::End, I::End, I::I32Eqz, I::BrIf(1)]);
        next(code, 2);
        // PROGRESS k: an iteration that matched nothing fails.
        case(code, op::PROGRESS);
        slot_of(code);
        code.extend([I::I32Load(mem(0, 2)), I::LocalGet(pos), I::I32Eq, I::BrIf(1)]);
        next(code, 2);
        // BACKREF g: the group's text again (nothing when the group did not take part).
        case(code, op::BACKREF);
        code.extend([I::LocalGet(slots)]);
        code.extend(word(pc, 4));
        code.extend([I::I32Const(8), I::I32Mul, I::I32Add, I::LocalTee(a), I::I32Load(mem(4, 2)), I::LocalSet(b)]);
        code.extend([I::LocalGet(a), I::I32Load(mem(0, 2)), I::LocalTee(a), I::LocalGet(b), I::I32Or]);
        code.extend([I::I32Const(0), I::I32GeS, I::If(BlockType::Empty)]);
        code.extend([I::LocalGet(b), I::LocalGet(a), I::I32Sub, I::LocalTee(cnt), I::LocalGet(pos), I::I32Add]);
        code.extend([I::LocalGet(len), I::I32GtU, I::BrIf(2), I::I32Const(0), I::LocalSet(i)]);
        code.extend([I::Block(BlockType::Empty), I::Loop(BlockType::Empty)]);
        code.extend([I::LocalGet(i), I::LocalGet(cnt), I::I32GeU, I::BrIf(1)]);
        code.extend([I::LocalGet(s), I::LocalGet(a), I::I32Add, I::LocalGet(i), I::I32Add, I::I32Load8U(mem(0, 0))]);
        code.extend([I::LocalGet(s), I::LocalGet(pos), I::I32Add, I::LocalGet(i), I::I32Add, I::I32Load8U(mem(0, 0))]);
        code.extend([I::I32Ne, I::BrIf(4)]);
        code.extend(add_to(i, I::I32Const(1)));
        code.extend([I::Br(0), I::End, I::End]);
        code.extend(add_to(pos, I::LocalGet(cnt)));
        code.push(I::End);
        next(code, 2);
        // LOOK negated end: the lookahead's code follows.
        case(code, op::LOOK);
        code.extend([I::LocalGet(prog), I::LocalGet(s), I::LocalGet(len), I::LocalGet(pc), I::I32Const(12)]);
        code.extend([I::I32Add, I::LocalGet(pos), I::LocalGet(slots), I::Call(run), I::I32Const(0), I::I32GeS]);
        code.extend(word(pc, 4));
        code.extend([I::I32Eq, I::BrIf(1)]);
        jump(code, 8);
        code.extend([I::Br(2), I::End]);
        code.extend([I::Unreachable, I::End]);
        // Failure: undo saves down to the last alternative, or give up at this run's base.
        code.extend([I::Loop(BlockType::Empty), I::GlobalGet(top), I::LocalGet(base), I::I32Eq]);
        code.extend([I::If(BlockType::Empty), I::I32Const(-1), I::Return, I::End]);
        code.extend([I::GlobalGet(top), I::I32Const(8), I::I32Sub, I::GlobalSet(top)]);
        code.extend([I::GlobalGet(buf), I::GlobalGet(top), I::I32Add, I::LocalTee(a), I::I32Load(mem(4, 2))]);
        code.extend([I::LocalSet(b), I::LocalGet(a), I::I32Load(mem(0, 2)), I::LocalTee(a), I::I32Const(0)]);
        code.extend([I::I32LtS, I::If(BlockType::Empty), I::LocalGet(slots), I::I32Const(-1), I::LocalGet(a)]);
        code.extend([I::I32Sub, I::I32Const(4), I::I32Mul, I::I32Add, I::LocalGet(b), I::I32Store(mem(0, 2))]);
        code.extend([I::Br(1), I::End, I::End]);
        code.extend([I::LocalGet(prog), I::LocalGet(a), I::I32Const(4), I::I32Mul, I::I32Add, I::LocalSet(pc)]);
        code.extend([I::LocalGet(b), I::LocalSet(pos), I::Br(0), I::End, I::Unreachable]);
        Ok(())
    }

    /// (prog, s, len, from, slots, sticky) -> Bool.
    fn regex_exec(&mut self, f: &mut Frame, code: &mut Vec<I<'static>>) -> Result<(), String> {
        let (run, decode) = (self.helper(Helper::Regex(RegexOp::Run))?, self.helper(Helper::Regex(RegexOp::Decode))?);
        let (prog, s, len, from, slots, sticky) = (0, 1, 2, 3, 4, 5);
        f.next = 6;
        code.push(I::Loop(BlockType::Empty));
        code.extend([I::LocalGet(slots), I::I32Const(-1)]);
        code.extend(word(prog, 0));
        code.extend([I::I32Const(4), I::I32Mul, I::MemoryFill(0)]);
        code.extend([I::LocalGet(prog), I::LocalGet(s), I::LocalGet(len), I::LocalGet(prog), I::I32Const(CODE)]);
        code.extend([I::I32Add, I::LocalGet(from), I::LocalGet(slots), I::Call(run), I::I32Const(0), I::I32GeS]);
        code.extend([I::If(BlockType::Empty), I::I32Const(1), I::Return, I::End]);
        code.extend([I::LocalGet(sticky), I::LocalGet(from), I::LocalGet(len), I::I32GeU, I::I32Or]);
        code.extend([I::If(BlockType::Empty), I::I32Const(0), I::Return, I::End]);
        code.extend([I::LocalGet(s), I::LocalGet(from), I::Call(decode), I::LocalGet(from), I::I32Add]);
        code.extend([I::LocalSet(from), I::Drop, I::Br(0), I::End, I::Unreachable]);
        Ok(())
    }

    /// Emits: append the text of group `g` (a local) when it took part; with `json`, as a JSON
    /// string, or `null` when it did not.
    fn regex_group_out(
        &mut self,
        f: &mut Frame,
        slots: u32,
        s: u32,
        g: u32,
        json: bool,
        code: &mut Vec<I<'static>>,
    ) -> Result<(), String> {
        let helper = if json { JsonOp::WriteString } else { JsonOp::Out };
        let (write, out) = (self.helper(Helper::Json(helper))?, self.helper(Helper::Json(JsonOp::Out))?);
        let (a, b) = (f.scratch(ValType::I32), f.scratch(ValType::I32));
        code.extend([I::LocalGet(slots), I::LocalGet(g), I::I32Const(8), I::I32Mul, I::I32Add, I::LocalTee(a)]);
        code.extend([I::I32Load(mem(4, 2)), I::LocalSet(b), I::LocalGet(a), I::I32Load(mem(0, 2)), I::LocalTee(a)]);
        code.extend([I::LocalGet(b), I::I32Or, I::I32Const(0), I::I32GeS, I::If(BlockType::Empty)]);
        code.extend([I::LocalGet(s), I::LocalGet(a), I::I32Add, I::LocalGet(b), I::LocalGet(a), I::I32Sub]);
        code.extend([I::Call(write)]);
        if json {
            let null = self.data.intern("null");
            code.extend([I::Else, I::I32Const(null as i32), I::I32Const(4), I::Call(out)]);
        }
        code.push(I::End);
        Ok(())
    }

    /// Emits: append a constant text.
    fn regex_lit(&mut self, text: &str, code: &mut Vec<I<'static>>) -> Result<(), String> {
        let out = self.helper(Helper::Json(JsonOp::Out))?;
        let at = self.data.intern(text);
        code.extend([I::I32Const(at as i32), I::I32Const(text.len() as i32), I::Call(out)]);
        Ok(())
    }

    /// (prog, s, len) -> `{"matched":..,"index":..,"groups":[..]}` or "".
    fn regex_match(&mut self, f: &mut Frame, code: &mut Vec<I<'static>>) -> Result<(), String> {
        use ValType::I32;
        let exec = self.helper(Helper::Regex(RegexOp::Exec))?;
        let alloc = self.helper(Helper::Alloc)?;
        let (write, out) = (self.helper(Helper::Json(JsonOp::WriteString))?, self.helper(Helper::Json(JsonOp::Out))?);
        let (str_len, int_text) = (self.helper(Helper::StrLen)?, self.helper(Helper::IntToString)?);
        let (prog, s, len) = (0, 1, 2);
        f.next = 3;
        let (slots, g) = (f.scratch(I32), f.scratch(I32));
        code.extend([I::LocalGet(prog), I::LocalGet(s), I::LocalGet(len), I::I32Const(0)]);
        code.extend(word(prog, 0));
        code.extend([I::I32Const(4), I::I32Mul, I::I32Const(4), I::Call(alloc), I::LocalTee(slots), I::I32Const(0)]);
        code.extend([I::Call(exec), I::I32Eqz, I::If(BlockType::Empty), I::I32Const(0), I::I32Const(0), I::Return]);
        code.push(I::End);
        self.json_out_begin(code)?;
        self.regex_lit("{\"matched\":", code)?;
        code.extend([I::LocalGet(s)]);
        code.extend(word(slots, 0));
        code.extend([I::I32Add]);
        code.extend(word(slots, 4));
        code.extend(word(slots, 0));
        code.extend([I::I32Sub, I::Call(write)]);
        self.regex_lit(",\"index\":", code)?;
        code.extend([I::LocalGet(s)]);
        code.extend(word(slots, 0));
        code.extend([I::Call(str_len), I::Call(int_text), I::Call(out)]);
        self.regex_lit(",\"groups\":[", code)?;
        code.extend([I::I32Const(1), I::LocalSet(g), I::Block(BlockType::Empty), I::Loop(BlockType::Empty)]);
        code.extend([I::LocalGet(g)]);
        code.extend(word(prog, 4));
        code.extend([I::I32GeU, I::BrIf(1), I::LocalGet(g), I::I32Const(1), I::I32GtU, I::If(BlockType::Empty)]);
        self.regex_lit(",", code)?;
        code.push(I::End);
        self.regex_group_out(f, slots, s, g, true, code)?;
        code.extend(add_to(g, I::I32Const(1)));
        code.extend([I::Br(0), I::End, I::End]);
        self.regex_lit("]}", code)?;
        self.json_out_end(code);
        Ok(())
    }

    /// (prog, s, len, r, rl, all) -> (p, l), as JavaScript's `replace` (with a global pattern
    /// when `all`): after an empty match the search goes on one character later.
    fn regex_replace(&mut self, f: &mut Frame, code: &mut Vec<I<'static>>) -> Result<(), String> {
        use ValType::I32;
        let exec = self.helper(Helper::Regex(RegexOp::Exec))?;
        let expand = self.helper(Helper::Regex(RegexOp::Expand))?;
        let decode = self.helper(Helper::Regex(RegexOp::Decode))?;
        let (alloc, out) = (self.helper(Helper::Alloc)?, self.helper(Helper::Json(JsonOp::Out))?);
        let (prog, s, len, r, rl, all) = (0, 1, 2, 3, 4, 5);
        f.next = 6;
        let (slots, last, from, m0, m1) =
            (f.scratch(I32), f.scratch(I32), f.scratch(I32), f.scratch(I32), f.scratch(I32));
        code.extend(word(prog, 0));
        code.extend([I::I32Const(4), I::I32Mul, I::I32Const(4), I::Call(alloc), I::LocalSet(slots)]);
        self.json_out_begin(code)?;
        code.extend([I::Block(BlockType::Empty), I::Loop(BlockType::Empty)]);
        code.extend([I::LocalGet(prog), I::LocalGet(s), I::LocalGet(len), I::LocalGet(from), I::LocalGet(slots)]);
        code.extend([I::I32Const(0), I::Call(exec), I::I32Eqz, I::BrIf(1)]);
        code.extend(word(slots, 0));
        code.push(I::LocalSet(m0));
        code.extend(word(slots, 4));
        code.extend([I::LocalSet(m1), I::LocalGet(s), I::LocalGet(last), I::I32Add, I::LocalGet(m0)]);
        code.extend([I::LocalGet(last), I::I32Sub, I::Call(out)]);
        code.extend([I::LocalGet(prog), I::LocalGet(s), I::LocalGet(len), I::LocalGet(r), I::LocalGet(rl)]);
        code.extend([I::LocalGet(slots), I::Call(expand), I::LocalGet(m1), I::LocalSet(last)]);
        code.extend([I::LocalGet(all), I::I32Eqz, I::BrIf(1), I::LocalGet(m1), I::LocalSet(from)]);
        code.extend([I::LocalGet(m0), I::LocalGet(m1), I::I32Eq, I::If(BlockType::Empty)]);
        code.extend([I::LocalGet(m1), I::LocalGet(len), I::I32GeU, I::BrIf(2)]);
        code.extend([I::LocalGet(s), I::LocalGet(m1), I::Call(decode), I::LocalGet(m1), I::I32Add]);
        code.extend([I::LocalSet(from), I::Drop, I::End, I::Br(0), I::End, I::End]);
        code.extend([I::LocalGet(s), I::LocalGet(last), I::I32Add, I::LocalGet(len), I::LocalGet(last)]);
        code.extend([I::I32Sub, I::Call(out)]);
        self.json_out_end(code);
        Ok(())
    }

    /// (prog, s, len, r, rl, slots): appends the replacement, expanding `$$`, `$&`, `` $` ``,
    /// `$'`, `$n` / `$nn` and `$<name>` as JavaScript does; anything else stays as written.
    fn regex_expand(&mut self, f: &mut Frame, code: &mut Vec<I<'static>>) -> Result<(), String> {
        use ValType::I32;
        let out = self.helper(Helper::Json(JsonOp::Out))?;
        let str_eq = self.helper(Helper::StrEq)?;
        let (prog, s, len, r, rl, slots) = (0, 1, 2, 3, 4, 5);
        f.next = 6;
        let v: Vec<u32> = (0..8).map(|_| f.scratch(I32)).collect();
        let (i, seg, c, g, j, t, names, k) = (v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]);
        // Appends r[seg..i].
        let flush = |code: &mut Vec<I<'static>>| {
            code.extend([I::LocalGet(r), I::LocalGet(seg), I::I32Add, I::LocalGet(i), I::LocalGet(seg)]);
            code.extend([I::I32Sub, I::Call(out)]);
        };
        let dollar = self.data.intern("$");
        code.extend([I::LocalGet(prog)]);
        code.extend(word(prog, 8));
        code.extend([I::I32Const(4), I::I32Mul, I::I32Add, I::LocalSet(names)]);
        // Loop levels: 0 the loop, 1 the block after which the rest is flushed.
        code.extend([I::Block(BlockType::Empty), I::Loop(BlockType::Empty)]);
        code.extend([I::LocalGet(i), I::I32Const(1), I::I32Add, I::LocalGet(rl), I::I32GeU, I::BrIf(1)]);
        code.extend([I::LocalGet(r), I::LocalGet(i), I::I32Add, I::I32Load8U(mem(0, 0)), I::I32Const(b'$' as i32)]);
        code.extend([I::I32Ne, I::If(BlockType::Empty)]);
        code.extend(add_to(i, I::I32Const(1)));
        code.extend([I::Br(1), I::End]);
        code.extend([I::LocalGet(r), I::LocalGet(i), I::I32Add, I::I32Load8U(mem(1, 0)), I::LocalSet(c)]);
        code.extend([I::I32Const(0), I::LocalSet(t), I::Block(BlockType::Empty)]);
        // Inside the `special` block (depth 0 here); in an `if` in it, the block is 1.
        let is = |code: &mut Vec<I<'static>>, ch: u8| {
            code.extend([I::LocalGet(c), I::I32Const(ch as i32), I::I32Eq, I::If(BlockType::Empty)]);
        };
        is(code, b'$');
        flush(code);
        code.extend([I::I32Const(dollar as i32), I::I32Const(1), I::Call(out), I::I32Const(2), I::LocalSet(t)]);
        code.extend([I::Br(1), I::End]);
        // $& the match, $` before it, $' after it: (start, end) of s.
        let spans: [(u8, [I<'static>; 2], [I<'static>; 2]); 3] = [
            (b'&', word(slots, 0), word(slots, 4)),
            (b'`', [I::I32Const(0), I::Nop], word(slots, 0)),
            (b'\'', word(slots, 4), [I::LocalGet(len), I::Nop]),
        ];
        for (ch, start, end) in spans {
            is(code, ch);
            flush(code);
            code.extend([I::LocalGet(s)]);
            code.extend(start.clone());
            code.extend([I::I32Add]);
            code.extend(end);
            code.extend(start);
            code.extend([I::I32Sub, I::Call(out), I::I32Const(2), I::LocalSet(t), I::Br(1), I::End]);
        }
        // $n and $nn: the longest group number the pattern has.
        code.extend([I::LocalGet(c), I::I32Const(b'0' as i32), I::I32Sub, I::LocalTee(g), I::I32Const(10)]);
        code.extend([I::I32LtU, I::If(BlockType::Empty), I::I32Const(2), I::LocalSet(t)]);
        code.extend([I::LocalGet(i), I::I32Const(2), I::I32Add, I::LocalGet(rl), I::I32LtU]);
        code.extend([I::If(BlockType::Empty), I::LocalGet(r), I::LocalGet(i), I::I32Add, I::I32Load8U(mem(2, 0))]);
        code.extend([I::I32Const(b'0' as i32), I::I32Sub, I::LocalTee(j), I::I32Const(10), I::I32LtU]);
        code.extend([I::If(BlockType::Empty), I::LocalGet(g), I::I32Const(10), I::I32Mul, I::LocalGet(j)]);
        code.extend([I::I32Add, I::LocalTee(j), I::I32Const(1), I::I32GeU, I::LocalGet(j)]);
        code.extend(word(prog, 4));
        code.extend([I::I32LtU, I::I32And, I::If(BlockType::Empty), I::LocalGet(j), I::LocalSet(g)]);
        code.extend([I::I32Const(3), I::LocalSet(t), I::End, I::End, I::End]);
        code.extend([I::LocalGet(g), I::I32Const(1), I::I32LtU, I::LocalGet(g)]);
        code.extend(word(prog, 4));
        code.extend([I::I32GeU, I::I32Or, I::If(BlockType::Empty), I::I32Const(0), I::LocalSet(t), I::Br(2)]);
        code.push(I::End);
        flush(code);
        self.regex_group_out(f, slots, s, g, false, code)?;
        code.extend([I::Br(1), I::End]);
        // $<name>, when the pattern names groups.
        code.extend([I::LocalGet(c), I::I32Const(b'<' as i32), I::I32Eq]);
        code.extend(word(names, 0));
        code.extend([I::I32Const(0), I::I32Ne, I::I32And, I::If(BlockType::Empty)]);
        code.extend([I::LocalGet(i), I::I32Const(2), I::I32Add, I::LocalSet(j)]);
        code.extend([I::Block(BlockType::Empty), I::Loop(BlockType::Empty)]);
        code.extend([I::LocalGet(j), I::LocalGet(rl), I::I32GeU, I::BrIf(3)]);
        code.extend(load_byte(r, j));
        code.extend([I::I32Const(b'>' as i32), I::I32Eq, I::BrIf(1)]);
        code.extend(add_to(j, I::I32Const(1)));
        code.extend([I::Br(0), I::End, I::End]);
        flush(code);
        code.extend([I::I32Const(-1), I::LocalSet(g), I::I32Const(0), I::LocalSet(k)]);
        code.extend([I::Block(BlockType::Empty), I::Loop(BlockType::Empty), I::LocalGet(k)]);
        code.extend(word(names, 0));
        code.extend([I::I32GeU, I::BrIf(1)]);
        code.extend([I::LocalGet(names), I::LocalGet(k), I::I32Const(12), I::I32Mul, I::I32Add, I::LocalTee(c)]);
        code.extend([I::I32Load(mem(8, 2)), I::LocalGet(c), I::I32Load(mem(12, 2)), I::LocalGet(r), I::LocalGet(i)]);
        code.extend([I::I32Const(2), I::I32Add, I::I32Add, I::LocalGet(j), I::LocalGet(i), I::I32Sub]);
        code.extend([I::I32Const(2), I::I32Sub, I::Call(str_eq), I::If(BlockType::Empty), I::LocalGet(c)]);
        code.extend([I::I32Load(mem(4, 2)), I::LocalSet(g), I::Br(2), I::End]);
        code.extend(add_to(k, I::I32Const(1)));
        code.extend([I::Br(0), I::End, I::End, I::LocalGet(g), I::I32Const(0), I::I32GeS]);
        code.push(I::If(BlockType::Empty));
        self.regex_group_out(f, slots, s, g, false, code)?;
        code.extend([I::End, I::LocalGet(j), I::I32Const(1), I::I32Add, I::LocalGet(i), I::I32Sub]);
        code.extend([I::LocalSet(t), I::End]);
        code.push(I::End);
        // Not special: the `$` stays; else skip what was expanded.
        code.extend([I::LocalGet(t), I::I32Eqz, I::If(BlockType::Empty)]);
        code.extend(add_to(i, I::I32Const(1)));
        code.extend([I::Br(1), I::End]);
        code.extend(add_to(i, I::LocalGet(t)));
        code.extend([I::LocalGet(i), I::LocalSet(seg), I::Br(0), I::End, I::End]);
        code.extend([I::LocalGet(rl), I::LocalSet(i)]);
        flush(code);
        Ok(())
    }

    /// (prog, s, len) -> a JSON array of strings, as JavaScript's `split`: matches are tried at
    /// each position; an empty match at the end of the last piece does not split; captured
    /// groups go between the pieces (`null` when a group did not take part).
    fn regex_split(&mut self, f: &mut Frame, code: &mut Vec<I<'static>>) -> Result<(), String> {
        use ValType::I32;
        let exec = self.helper(Helper::Regex(RegexOp::Exec))?;
        let decode = self.helper(Helper::Regex(RegexOp::Decode))?;
        let (alloc, write) = (self.helper(Helper::Alloc)?, self.helper(Helper::Json(JsonOp::WriteString))?);
        let (prog, s, len) = (0, 1, 2);
        f.next = 3;
        let (slots, p, q, e, g, first) =
            (f.scratch(I32), f.scratch(I32), f.scratch(I32), f.scratch(I32), f.scratch(I32), f.scratch(I32));
        code.extend(word(prog, 0));
        code.extend([I::I32Const(4), I::I32Mul, I::I32Const(4), I::Call(alloc), I::LocalSet(slots)]);
        self.json_out_begin(code)?;
        self.regex_lit("[", code)?;
        // The empty text: no pieces when the pattern matches it, else the text itself.
        code.extend([I::LocalGet(len), I::I32Eqz, I::If(BlockType::Empty)]);
        code.extend([I::LocalGet(prog), I::LocalGet(s), I::I32Const(0), I::I32Const(0), I::LocalGet(slots)]);
        code.extend([I::I32Const(1), I::Call(exec), I::I32Eqz, I::If(BlockType::Empty)]);
        self.regex_lit("\"\"", code)?;
        code.push(I::End);
        self.regex_lit("]", code)?;
        self.json_out_end(code);
        code.extend([I::Return, I::End, I::I32Const(1), I::LocalSet(first)]);
        // Emits: a comma unless first, then the string s[a..b] from the stack.
        let (a, b) = (f.scratch(I32), f.scratch(I32));
        let piece = |this: &mut Self, code: &mut Vec<I<'static>>| -> Result<(), String> {
            code.extend([I::LocalSet(b), I::LocalSet(a), I::LocalGet(first), I::I32Eqz, I::If(BlockType::Empty)]);
            this.regex_lit(",", code)?;
            code.extend([I::End, I::I32Const(0), I::LocalSet(first), I::LocalGet(s), I::LocalGet(a), I::I32Add]);
            code.extend([I::LocalGet(b), I::LocalGet(a), I::I32Sub, I::Call(write)]);
            Ok(())
        };
        code.extend([I::Block(BlockType::Empty), I::Loop(BlockType::Empty)]);
        code.extend([I::LocalGet(q), I::LocalGet(len), I::I32GeU, I::BrIf(1)]);
        code.extend([I::LocalGet(prog), I::LocalGet(s), I::LocalGet(len), I::LocalGet(q), I::LocalGet(slots)]);
        code.extend([I::I32Const(1), I::Call(exec), I::I32Eqz]);
        code.extend(word(slots, 4));
        code.extend([I::LocalTee(e), I::LocalGet(p), I::I32Eq, I::I32Or, I::If(BlockType::Empty)]);
        code.extend([I::LocalGet(s), I::LocalGet(q), I::Call(decode), I::LocalGet(q), I::I32Add, I::LocalSet(q)]);
        code.extend([I::Drop, I::Br(1), I::End]);
        code.extend([I::LocalGet(p), I::LocalGet(q)]);
        piece(self, code)?;
        code.extend([I::I32Const(1), I::LocalSet(g), I::Block(BlockType::Empty), I::Loop(BlockType::Empty)]);
        code.extend([I::LocalGet(g)]);
        code.extend(word(prog, 4));
        code.extend([I::I32GeU, I::BrIf(1), I::LocalGet(first), I::I32Eqz, I::If(BlockType::Empty)]);
        self.regex_lit(",", code)?;
        code.push(I::End);
        self.regex_group_out(f, slots, s, g, true, code)?;
        code.extend(add_to(g, I::I32Const(1)));
        code.extend([I::Br(0), I::End, I::End]);
        code.extend([I::LocalGet(e), I::LocalTee(p), I::LocalSet(q), I::Br(0), I::End, I::End]);
        code.extend([I::LocalGet(p), I::LocalGet(len)]);
        piece(self, code)?;
        self.regex_lit("]", code)?;
        self.json_out_end(code);
        Ok(())
    }
}
