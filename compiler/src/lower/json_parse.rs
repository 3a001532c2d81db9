//! `json.parse`'s recursive descent: values, strings (every escape, surrogate pairs joined, a
//! lone surrogate read as U+FFFD) and numbers (the RFC 8259 grammar, converted correctly
//! rounded). An error records its message and position and unwinds with 0.

use super::body::Frame;
use super::compute_data::emit_data;
use super::float_text::FloatText;
use super::helpers::{HelperSig, add_to, load_byte};
use super::json::JsonOp;
use super::memory::{Growing, emit_room_for_one};
use super::*;

impl Builder<'_> {
    /// Emits: return `fail(message)` (the function's results are `extra` zeros, then 0).
    fn json_fail(&mut self, code: &mut Vec<I<'static>>, message: &str, extra: usize) -> Result<(), String> {
        let fail = self.helper(Helper::Json(JsonOp::Fail))?;
        let at = self.data.intern(message);
        code.extend((0..extra).map(|_| I::I32Const(0)));
        code.extend([I::I32Const(at as i32), I::I32Const(message.len() as i32), I::Call(fail), I::Return]);
        Ok(())
    }

    /// (at) -> the value of the four hex digits at input[at..], or -1.
    pub(super) fn json_hex(&mut self, f: &mut Frame, code: &mut Vec<I<'static>>) -> Result<HelperSig, String> {
        use ValType::I32;
        let st = self.json_state_globals();
        let at = 0;
        f.next = 1;
        let (v, d, i) = (f.scratch(I32), f.scratch(I32), f.scratch(I32));
        code.extend([
            I::LocalGet(at),
            I::I32Const(4),
            I::I32Add,
            I::GlobalGet(st.1),
            I::I32GtU,
            I::If(BlockType::Empty),
            I::I32Const(-1),
            I::Return,
            I::End,
            I::Loop(BlockType::Empty),
            I::GlobalGet(st.0),
            I::LocalGet(at),
            I::I32Add,
            I::LocalGet(i),
            I::I32Add,
            I::I32Load8U(mem(0, 0)),
            I::LocalTee(d),
            // '0'..'9', 'a'..'f', 'A'..'F'
            I::I32Const(b'0' as i32),
            I::I32Sub,
            I::I32Const(10),
            I::I32LtU,
            I::If(BlockType::Result(I32)),
            I::LocalGet(d),
            I::I32Const(b'0' as i32),
            I::I32Sub,
            I::Else,
            I::LocalGet(d),
            I::I32Const(0x20),
            I::I32Or,
            I::I32Const(b'a' as i32),
            I::I32Sub,
            I::I32Const(6),
            I::I32LtU,
            I::If(BlockType::Result(I32)),
            I::LocalGet(d),
            I::I32Const(0x20),
            I::I32Or,
            I::I32Const(b'a' as i32 - 10),
            I::I32Sub,
            I::Else,
            I::I32Const(-1),
            I::Return,
            I::End,
            I::End,
            I::LocalGet(v),
            I::I32Const(4),
            I::I32Shl,
            I::I32Add,
            I::LocalSet(v),
        ]);
        code.extend(add_to(i, I::I32Const(1)));
        code.extend([I::LocalGet(i), I::I32Const(4), I::I32LtU, I::BrIf(0), I::End, I::LocalGet(v)]);
        Ok((vec![I32], vec![I32], f.decls.clone()))
    }

    /// (p, l) -> f64 for the text of a JSON number (already checked against the grammar).
    pub(super) fn json_number(&mut self, f: &mut Frame, code: &mut Vec<I<'static>>) -> Result<HelperSig, String> {
        use ValType::{F64, I32, I64};
        let parse_float = self.helper(Helper::Float(FloatText::Parse))?;
        let powers: Vec<u8> = (0..=22).flat_map(|k| 10f64.powi(k).to_le_bytes()).collect();
        let pow10 = self.data.place(&powers, 8);
        let (p, l) = (0, 1);
        f.next = 2;
        let (i, c, neg, dot, frac, exp_neg) =
            (f.scratch(I32), f.scratch(I32), f.scratch(I32), f.scratch(I32), f.scratch(I32), f.scratch(I32));
        let (m, e) = (f.scratch(I64), f.scratch(I64));
        let x = f.scratch(F64);
        let slow = |code: &mut Vec<I<'static>>| {
            code.extend([I::LocalGet(p), I::LocalGet(l), I::Call(parse_float), I::Return]);
        };
        code.extend([I::LocalGet(p), I::I32Load8U(mem(0, 0)), I::I32Const(b'-' as i32), I::I32Eq, I::LocalTee(neg)]);
        code.extend([I::LocalSet(i)]);
        // The significant digits into m (at most 17 of them, else the exact path), counting those after '.'.
        code.extend([I::Block(BlockType::Empty), I::Loop(BlockType::Empty), I::LocalGet(i), I::LocalGet(l)]);
        code.extend([I::I32GeU, I::BrIf(1)]);
        code.extend(load_byte(p, i));
        code.extend([
            I::LocalTee(c),
            I::I32Const(b'.' as i32),
            I::I32Eq,
            I::If(BlockType::Empty),
            I::I32Const(1),
            I::LocalSet(dot),
            I::Else,
            I::LocalGet(c),
            I::I32Const(b'0' as i32),
            I::I32Sub,
            I::I32Const(10),
            I::I32GeU,
            I::BrIf(2),
            I::LocalGet(m),
            I::I64Const(10_000_000_000_000_000),
            I::I64GeU,
            I::If(BlockType::Empty),
        ]);
        slow(code);
        code.extend([
            I::End,
            I::LocalGet(m),
            I::I64Const(10),
            I::I64Mul,
            I::LocalGet(c),
            I::I32Const(b'0' as i32),
            I::I32Sub,
            I::I64ExtendI32U,
            I::I64Add,
            I::LocalSet(m),
            I::LocalGet(frac),
            I::LocalGet(dot),
            I::I32Add,
            I::LocalSet(frac),
            I::End,
        ]);
        code.extend(add_to(i, I::I32Const(1)));
        code.extend([I::Br(0), I::End, I::End]);
        // The exponent (e or E, a sign, digits), capped so it cannot overflow.
        code.extend([I::LocalGet(i), I::LocalGet(l), I::I32LtU, I::If(BlockType::Empty)]);
        code.extend(add_to(i, I::I32Const(1)));
        code.extend(load_byte(p, i));
        code.extend([I::I32Const(b'-' as i32), I::I32Eq, I::LocalSet(exp_neg)]);
        code.extend(load_byte(p, i));
        code.extend([I::I32Const(b'0' as i32), I::I32Sub, I::I32Const(10), I::I32GeU, I::If(BlockType::Empty)]);
        code.extend(add_to(i, I::I32Const(1)));
        code.extend([I::End, I::Block(BlockType::Empty), I::Loop(BlockType::Empty), I::LocalGet(i), I::LocalGet(l)]);
        code.extend([I::I32GeU, I::BrIf(1), I::LocalGet(e), I::I64Const(100_000), I::I64GtS, I::If(BlockType::Empty)]);
        slow(code);
        code.extend([I::End, I::LocalGet(e), I::I64Const(10), I::I64Mul]);
        code.extend(load_byte(p, i));
        code.extend([I::I32Const(b'0' as i32), I::I32Sub, I::I64ExtendI32U, I::I64Add, I::LocalSet(e)]);
        code.extend(add_to(i, I::I32Const(1)));
        code.extend([
            I::Br(0),
            I::End,
            I::End,
            I::I64Const(0),
            I::LocalGet(e),
            I::I64Sub,
            I::LocalGet(e),
            I::LocalGet(exp_neg),
            I::Select,
            I::LocalSet(e),
            I::End,
        ]);
        // e = exponent - digits after the point; exact when m < 2^53 and |e| <= 22.
        code.extend([
            I::LocalGet(e),
            I::LocalGet(frac),
            I::I64ExtendI32U,
            I::I64Sub,
            I::LocalTee(e),
            I::I64Const(22),
            I::I64GtS,
            I::LocalGet(e),
            I::I64Const(-22),
            I::I64LtS,
            I::I32Or,
            I::LocalGet(m),
            I::I64Const(1 << 53),
            I::I64GtU,
            I::I32Or,
            I::If(BlockType::Empty),
        ]);
        slow(code);
        code.extend([
            I::End,
            I::LocalGet(m),
            I::F64ConvertI64U,
            I::LocalSet(x),
            I::LocalGet(e),
            I::I64Const(0),
            I::I64GeS,
            I::If(BlockType::Result(F64)),
            I::LocalGet(x),
            I::LocalGet(e),
            I::I32WrapI64,
            I::I32Const(8),
            I::I32Mul,
            I::F64Load(mem(u64::from(pow10), 3)),
            I::F64Mul,
            I::Else,
            I::LocalGet(x),
            I::I32Const(0),
            I::LocalGet(e),
            I::I32WrapI64,
            I::I32Sub,
            I::I32Const(8),
            I::I32Mul,
            I::F64Load(mem(u64::from(pow10), 3)),
            I::F64Div,
            I::End,
            I::LocalTee(x),
            I::F64Neg,
            I::LocalGet(x),
            I::LocalGet(neg),
            I::Select,
        ]);
        Ok((vec![I32; 2], vec![F64], f.decls.clone()))
    }

    /// (input, len, pos) globals of the parser.
    fn json_state_globals(&mut self) -> (u32, u32, u32) {
        let s = self.json_state();
        (s.input, s.len, s.pos)
    }

    /// () -> (p, l, ok): the string whose opening quote is at `pos`.
    pub(super) fn json_string(&mut self, f: &mut Frame, code: &mut Vec<I<'static>>) -> Result<HelperSig, String> {
        use ValType::I32;
        let (input, len, pos) = self.json_state_globals();
        let alloc = self.helper(Helper::Alloc)?;
        let hex = self.helper(Helper::Json(JsonOp::Hex))?;
        let (start, i, b, buf, n, cp, lo) = (
            f.scratch(I32),
            f.scratch(I32),
            f.scratch(I32),
            f.scratch(I32),
            f.scratch(I32),
            f.scratch(I32),
            f.scratch(I32),
        );
        let byte_at = |c: &mut Vec<I<'static>>, at: u32| {
            c.extend([I::GlobalGet(input), I::LocalGet(at), I::I32Add, I::I32Load8U(mem(0, 0))]);
        };
        let put = |c: &mut Vec<I<'static>>, value: Vec<I<'static>>| {
            c.extend([I::LocalGet(buf), I::LocalGet(n), I::I32Add]);
            c.extend(value);
            c.push(I::I32Store8(mem(0, 0)));
            c.extend(add_to(n, I::I32Const(1)));
        };
        code.extend([I::GlobalGet(pos), I::I32Const(1), I::I32Add, I::LocalTee(start), I::LocalSet(i)]);
        // Fast path: no escapes, so the string is a view of the input.
        code.extend([I::Block(BlockType::Empty), I::Loop(BlockType::Empty), I::LocalGet(i), I::GlobalGet(len)]);
        code.extend([I::I32GeU, I::If(BlockType::Empty), I::LocalGet(i), I::GlobalSet(pos)]);
        self.json_fail(code, "unterminated string", 2)?;
        code.push(I::End);
        byte_at(code, i);
        code.extend([
            I::LocalTee(b),
            I::I32Const(b'"' as i32),
            I::I32Eq,
            I::If(BlockType::Empty),
            I::LocalGet(i),
            I::I32Const(1),
            I::I32Add,
            I::GlobalSet(pos),
            I::GlobalGet(input),
            I::LocalGet(start),
            I::I32Add,
            I::LocalGet(i),
            I::LocalGet(start),
            I::I32Sub,
            I::I32Const(1),
            I::Return,
            I::End,
            I::LocalGet(b),
            I::I32Const(b'\\' as i32),
            I::I32Eq,
            I::LocalGet(b),
            I::I32Const(0x20),
            I::I32LtU,
            I::I32Or,
            I::BrIf(1),
        ]);
        code.extend(add_to(i, I::I32Const(1)));
        code.extend([I::Br(0), I::End, I::End]);
        // Slow path: copy what was scanned, then unescape into the copy (never longer than the input).
        code.extend([
            I::GlobalGet(len),
            I::LocalGet(start),
            I::I32Sub,
            I::I32Const(1),
            I::Call(alloc),
            I::LocalTee(buf),
            I::GlobalGet(input),
            I::LocalGet(start),
            I::I32Add,
            I::LocalGet(i),
            I::LocalGet(start),
            I::I32Sub,
            I::LocalTee(n),
            I::MemoryCopy { src_mem: 0, dst_mem: 0 },
            I::Loop(BlockType::Empty),
            I::LocalGet(i),
            I::GlobalGet(len),
            I::I32GeU,
            I::If(BlockType::Empty),
            I::LocalGet(i),
            I::GlobalSet(pos),
        ]);
        self.json_fail(code, "unterminated string", 2)?;
        code.push(I::End);
        byte_at(code, i);
        code.extend([
            I::LocalTee(b),
            I::I32Const(b'"' as i32),
            I::I32Eq,
            I::If(BlockType::Empty),
            I::LocalGet(i),
            I::I32Const(1),
            I::I32Add,
            I::GlobalSet(pos),
            I::LocalGet(buf),
            I::LocalGet(n),
            I::I32Const(1),
            I::Return,
            I::End,
            I::LocalGet(b),
            I::I32Const(0x20),
            I::I32LtU,
            I::If(BlockType::Empty),
            I::LocalGet(i),
            I::GlobalSet(pos),
        ]);
        self.json_fail(code, "a control character must be escaped in a string", 2)?;
        code.extend([I::End, I::LocalGet(b), I::I32Const(b'\\' as i32), I::I32Ne, I::If(BlockType::Empty)]);
        put(code, vec![I::LocalGet(b)]);
        code.extend(add_to(i, I::I32Const(1)));
        code.extend([I::Br(1), I::End]);
        // An escape: `\` and one character (or `u` and four hex digits).
        code.extend([I::LocalGet(i), I::I32Const(1), I::I32Add, I::GlobalGet(len), I::I32GeU, I::If(BlockType::Empty)]);
        code.extend([I::LocalGet(i), I::GlobalSet(pos)]);
        self.json_fail(code, "unterminated string", 2)?;
        code.push(I::End);
        code.extend([I::GlobalGet(input), I::LocalGet(i), I::I32Add, I::I32Load8U(mem(1, 0)), I::LocalSet(b)]);
        code.extend(add_to(i, I::I32Const(2)));
        for (escape, value) in
            [(b'"', b'"'), (b'\\', b'\\'), (b'/', b'/'), (b'b', 8), (b'f', 12), (b'n', 10), (b'r', 13), (b't', 9)]
        {
            code.extend([I::LocalGet(b), I::I32Const(escape as i32), I::I32Eq, I::If(BlockType::Empty)]);
            put(code, vec![I::I32Const(value as i32)]);
            code.extend([I::Br(1), I::End]);
        }
        code.extend([I::LocalGet(b), I::I32Const(b'u' as i32), I::I32Ne, I::If(BlockType::Empty)]);
        code.extend([I::LocalGet(i), I::I32Const(2), I::I32Sub, I::GlobalSet(pos)]);
        self.json_fail(code, "invalid escape in a string", 2)?;
        code.extend([I::End, I::LocalGet(i), I::Call(hex), I::LocalTee(cp), I::I32Const(0), I::I32LtS]);
        code.extend([I::If(BlockType::Empty), I::LocalGet(i), I::GlobalSet(pos)]);
        self.json_fail(code, "\\u needs four hex digits", 2)?;
        code.push(I::End);
        code.extend(add_to(i, I::I32Const(4)));
        // A high surrogate followed by `\u` and a low one is one character; any other surrogate is U+FFFD.
        code.extend([
            I::LocalGet(cp),
            I::I32Const(0xFC00),
            I::I32And,
            I::I32Const(0xD800),
            I::I32Eq,
            I::If(BlockType::Empty),
            I::LocalGet(i),
            I::I32Const(6),
            I::I32Add,
            I::GlobalGet(len),
            I::I32LeU,
            I::If(BlockType::Empty),
            I::GlobalGet(input),
            I::LocalGet(i),
            I::I32Add,
            I::I32Load16U(mem(0, 0)),
            I::I32Const(i32::from(u16::from_le_bytes(*b"\\u"))),
            I::I32Eq,
            I::If(BlockType::Empty),
            I::LocalGet(i),
            I::I32Const(2),
            I::I32Add,
            I::Call(hex),
            I::LocalTee(lo),
            I::I32Const(0xFC00),
            I::I32And,
            I::I32Const(0xDC00),
            I::I32Eq,
            I::LocalGet(lo),
            I::I32Const(0),
            I::I32GeS,
            I::I32And,
            I::If(BlockType::Empty),
            I::LocalGet(cp),
            I::I32Const(0xD800),
            I::I32Sub,
            I::I32Const(10),
            I::I32Shl,
            I::LocalGet(lo),
            I::I32Const(0xDC00),
            I::I32Sub,
            I::I32Add,
            I::I32Const(0x10000),
            I::I32Add,
            I::LocalSet(cp),
        ]);
        code.extend(add_to(i, I::I32Const(6)));
        code.extend([I::End, I::End, I::End, I::End]);
        code.extend([
            I::LocalGet(cp),
            I::I32Const(0xF800),
            I::I32And,
            I::I32Const(0xD800),
            I::I32Eq,
            I::If(BlockType::Empty),
            I::I32Const(0xFFFD),
            I::LocalSet(cp),
            I::End,
        ]);
        // UTF-8 of cp.
        let cont = |shift: i32| {
            vec![
                I::LocalGet(cp),
                I::I32Const(shift),
                I::I32ShrU,
                I::I32Const(0x3F),
                I::I32And,
                I::I32Const(0x80),
                I::I32Or,
            ]
        };
        code.extend([I::LocalGet(cp), I::I32Const(0x80), I::I32LtU, I::If(BlockType::Empty)]);
        put(code, vec![I::LocalGet(cp)]);
        code.extend([I::Else, I::LocalGet(cp), I::I32Const(0x800), I::I32LtU, I::If(BlockType::Empty)]);
        put(code, vec![I::LocalGet(cp), I::I32Const(6), I::I32ShrU, I::I32Const(0xC0), I::I32Or]);
        put(code, cont(0));
        code.extend([I::Else, I::LocalGet(cp), I::I32Const(0x10000), I::I32LtU, I::If(BlockType::Empty)]);
        put(code, vec![I::LocalGet(cp), I::I32Const(12), I::I32ShrU, I::I32Const(0xE0), I::I32Or]);
        put(code, cont(6));
        put(code, cont(0));
        code.push(I::Else);
        put(code, vec![I::LocalGet(cp), I::I32Const(18), I::I32ShrU, I::I32Const(0xF0), I::I32Or]);
        put(code, cont(12));
        put(code, cont(6));
        put(code, cont(0));
        code.extend([I::End, I::End, I::End, I::Br(0), I::End, I::Unreachable]);
        Ok((vec![], vec![I32; 3], f.decls.clone()))
    }

    /// (depth) -> a Json pointer, or 0 after `fail`.
    pub(super) fn json_value(
        &mut self,
        json: &Type,
        f: &mut Frame,
        code: &mut Vec<I<'static>>,
    ) -> Result<HelperSig, String> {
        use ValType::{F64, I32};
        let (input, len, pos) = self.json_state_globals();
        let layout = self.abi().variant(json);
        let (size, align) = (layout.size, layout.align);
        let entry = super::compute::entry(self, &Type::String, json).ok_or("json object entries")?;
        let (value, ws, string) = (
            self.helper(Helper::Json(JsonOp::Value))?,
            self.helper(Helper::Json(JsonOp::Ws))?,
            self.helper(Helper::Json(JsonOp::Str))?,
        );
        let (alloc, eq) = (self.helper(Helper::Alloc)?, self.helper(Helper::StrEq)?);
        let number = self.helper(Helper::Json(JsonOp::Number))?;
        let depth = 0;
        f.next = 1;
        let (c, start, item, buf, n, cap, fresh, kp, kl, j, x) = (
            f.scratch(I32),
            f.scratch(I32),
            f.scratch(I32),
            f.scratch(I32),
            f.scratch(I32),
            f.scratch(I32),
            f.scratch(I32),
            f.scratch(I32),
            f.scratch(I32),
            f.scratch(I32),
            f.scratch(F64),
        );
        let at_pos = |code: &mut Vec<I<'static>>| {
            code.extend([I::GlobalGet(input), I::GlobalGet(pos), I::I32Add, I::I32Load8U(mem(0, 0))]);
        };
        let advance = |code: &mut Vec<I<'static>>, by: i32| {
            code.extend([I::GlobalGet(pos), I::I32Const(by), I::I32Add, I::GlobalSet(pos)]);
        };
        // pos < len && input[pos] is a digit
        let digit_here = |code: &mut Vec<I<'static>>| {
            code.extend([
                I::GlobalGet(pos),
                I::GlobalGet(len),
                I::I32LtU,
                I::If(BlockType::Result(I32)),
                I::GlobalGet(input),
                I::GlobalGet(pos),
                I::I32Add,
                I::I32Load8U(mem(0, 0)),
                I::I32Const(b'0' as i32),
                I::I32Sub,
                I::I32Const(10),
                I::I32LtU,
                I::Else,
                I::I32Const(0),
                I::End,
            ]);
        };
        let digits = |code: &mut Vec<I<'static>>| {
            code.extend([I::Block(BlockType::Empty), I::Loop(BlockType::Empty)]);
            digit_here(code);
            code.extend([I::I32Eqz, I::BrIf(1)]);
            advance(code, 1);
            code.extend([I::Br(0), I::End, I::End]);
        };
        // pos < len && input[pos] == ch
        let byte_is = |code: &mut Vec<I<'static>>, ch: u8| {
            code.extend([
                I::GlobalGet(pos),
                I::GlobalGet(len),
                I::I32LtU,
                I::If(BlockType::Result(I32)),
                I::GlobalGet(input),
                I::GlobalGet(pos),
                I::I32Add,
                I::I32Load8U(mem(0, 0)),
                I::I32Const(ch as i32),
                I::I32Eq,
                I::Else,
                I::I32Const(0),
                I::End,
            ]);
        };
        code.extend([I::LocalGet(depth), I::I32Const(super::json::MAX_DEPTH), I::I32GtS, I::If(BlockType::Empty)]);
        self.json_fail(code, "nesting deeper than 512 levels", 0)?;
        code.extend([I::End, I::Call(ws), I::GlobalGet(pos), I::GlobalGet(len), I::I32GeU, I::If(BlockType::Empty)]);
        self.json_fail(code, "unexpected end of input", 0)?;
        code.push(I::End);
        at_pos(code);
        code.push(I::LocalSet(c));
        // Literals.
        for (word, case, payload) in [("null", 0u32, None), ("true", 1, Some(1)), ("false", 1, Some(0))] {
            let w = self.data.intern(word);
            code.extend([
                I::LocalGet(c),
                I::I32Const(word.as_bytes()[0] as i32),
                I::I32Eq,
                I::If(BlockType::Empty),
                I::GlobalGet(pos),
                I::I32Const(word.len() as i32),
                I::I32Add,
                I::GlobalGet(len),
                I::I32LeU,
                I::If(BlockType::Empty),
                I::GlobalGet(input),
                I::GlobalGet(pos),
                I::I32Add,
                I::I32Const(word.len() as i32),
                I::I32Const(w as i32),
                I::I32Const(word.len() as i32),
                I::Call(eq),
                I::If(BlockType::Empty),
            ]);
            advance(code, word.len() as i32);
            if let Some(v) = payload {
                code.push(I::I32Const(v));
            }
            emit_data(self, f, ComputeOp::Variant(json.clone(), case), &[], code)?;
            code.extend([I::Return, I::End, I::End, I::End]);
        }
        // A string.
        code.extend([I::LocalGet(c), I::I32Const(b'"' as i32), I::I32Eq, I::If(BlockType::Empty)]);
        code.extend([I::Call(string), I::LocalSet(j), I::LocalSet(kl), I::LocalSet(kp), I::LocalGet(j), I::I32Eqz]);
        code.extend([I::If(BlockType::Empty), I::I32Const(0), I::Return, I::End, I::LocalGet(kp), I::LocalGet(kl)]);
        emit_data(self, f, ComputeOp::Variant(json.clone(), 3), &[], code)?;
        code.extend([I::Return, I::End]);
        // A number: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
        code.extend([
            I::LocalGet(c),
            I::I32Const(b'-' as i32),
            I::I32Eq,
            I::LocalGet(c),
            I::I32Const(b'0' as i32),
            I::I32Sub,
            I::I32Const(10),
            I::I32LtU,
            I::I32Or,
            I::If(BlockType::Empty),
            I::GlobalGet(pos),
            I::LocalSet(start),
        ]);
        byte_is(code, b'-');
        code.extend([I::If(BlockType::Empty)]);
        advance(code, 1);
        code.push(I::End);
        byte_is(code, b'0');
        code.extend([I::If(BlockType::Empty)]);
        advance(code, 1);
        code.push(I::Else);
        digit_here(code);
        code.extend([I::I32Eqz, I::If(BlockType::Empty)]);
        self.json_fail(code, "invalid number", 0)?;
        code.push(I::End);
        digits(code);
        code.push(I::End);
        byte_is(code, b'.');
        code.extend([I::If(BlockType::Empty)]);
        advance(code, 1);
        digit_here(code);
        code.extend([I::I32Eqz, I::If(BlockType::Empty)]);
        self.json_fail(code, "invalid number: digits must follow the point", 0)?;
        code.push(I::End);
        digits(code);
        code.push(I::End);
        byte_is(code, b'e');
        byte_is(code, b'E');
        code.extend([I::I32Or, I::If(BlockType::Empty)]);
        advance(code, 1);
        byte_is(code, b'+');
        byte_is(code, b'-');
        code.extend([I::I32Or, I::If(BlockType::Empty)]);
        advance(code, 1);
        code.push(I::End);
        digit_here(code);
        code.extend([I::I32Eqz, I::If(BlockType::Empty)]);
        self.json_fail(code, "invalid number: the exponent needs digits", 0)?;
        code.push(I::End);
        digits(code);
        code.push(I::End);
        code.extend([
            I::GlobalGet(input),
            I::LocalGet(start),
            I::I32Add,
            I::GlobalGet(pos),
            I::LocalGet(start),
            I::I32Sub,
            I::Call(number),
            I::LocalSet(x),
            I::LocalGet(x),
        ]);
        emit_data(self, f, ComputeOp::Variant(json.clone(), 2), &[], code)?;
        code.extend([I::Return, I::End]);
        // Arrays and objects: items in a buffer that doubles.
        let grow = |code: &mut Vec<I<'static>>, stride: u32| {
            let growing = Growing { buf, n, cap, stride, align: align.max(entry.align) };
            emit_room_for_one(alloc, &growing, 4, fresh, code);
        };
        for (open, close, case) in [(b'[', b']', 4u32), (b'{', b'}', 5)] {
            let stride = if case == 4 { size } else { entry.stride };
            code.extend([I::LocalGet(c), I::I32Const(open as i32), I::I32Eq, I::If(BlockType::Empty)]);
            advance(code, 1);
            code.extend([I::Call(ws)]);
            byte_is(code, close);
            code.extend([I::If(BlockType::Empty)]);
            advance(code, 1);
            code.extend([I::I32Const(0), I::I32Const(0)]);
            emit_data(self, f, ComputeOp::Variant(json.clone(), case), &[], code)?;
            code.extend([I::Return, I::End, I::Loop(BlockType::Empty)]);
            if case == 5 {
                code.push(I::Call(ws));
                byte_is(code, b'"');
                code.extend([I::I32Eqz, I::If(BlockType::Empty)]);
                self.json_fail(code, "expected a string key", 0)?;
                code.extend([
                    I::End,
                    I::Call(string),
                    I::LocalSet(j),
                    I::LocalSet(kl),
                    I::LocalSet(kp),
                    I::LocalGet(j),
                ]);
                code.extend([I::I32Eqz, I::If(BlockType::Empty), I::I32Const(0), I::Return, I::End, I::Call(ws)]);
                byte_is(code, b':');
                code.extend([I::I32Eqz, I::If(BlockType::Empty)]);
                self.json_fail(code, "expected ':' after the key", 0)?;
                code.push(I::End);
                advance(code, 1);
            }
            code.extend([
                I::LocalGet(depth),
                I::I32Const(1),
                I::I32Add,
                I::Call(value),
                I::LocalTee(item),
                I::I32Eqz,
                I::If(BlockType::Empty),
                I::I32Const(0),
                I::Return,
                I::End,
            ]);
            if case == 4 {
                grow(code, stride);
                code.extend([
                    I::LocalGet(buf),
                    I::LocalGet(n),
                    I::I32Const(stride as i32),
                    I::I32Mul,
                    I::I32Add,
                    I::LocalGet(item),
                    I::I32Const(size as i32),
                    I::MemoryCopy { src_mem: 0, dst_mem: 0 },
                ]);
                code.extend(add_to(n, I::I32Const(1)));
            } else {
                // A repeated key keeps its place and takes the new value, as JSON.parse does.
                code.extend([
                    I::I32Const(0),
                    I::LocalSet(j),
                    I::Block(BlockType::Empty),
                    I::Loop(BlockType::Empty),
                    I::LocalGet(j),
                    I::LocalGet(n),
                    I::I32GeU,
                    I::BrIf(1),
                    I::LocalGet(buf),
                    I::LocalGet(j),
                    I::I32Const(stride as i32),
                    I::I32Mul,
                    I::I32Add,
                    I::LocalTee(fresh),
                    I::I32Load(mem(0, 2)),
                    I::LocalGet(fresh),
                    I::I32Load(mem(4, 2)),
                    I::LocalGet(kp),
                    I::LocalGet(kl),
                    I::Call(eq),
                    I::BrIf(1),
                ]);
                code.extend(add_to(j, I::I32Const(1)));
                code.extend([
                    I::Br(0),
                    I::End,
                    I::End,
                    I::LocalGet(j),
                    I::LocalGet(n),
                    I::I32Eq,
                    I::If(BlockType::Empty),
                ]);
                grow(code, stride);
                code.extend([
                    I::LocalGet(buf),
                    I::LocalGet(n),
                    I::I32Const(stride as i32),
                    I::I32Mul,
                    I::I32Add,
                    I::LocalTee(fresh),
                    I::LocalGet(kp),
                    I::I32Store(mem(0, 2)),
                    I::LocalGet(fresh),
                    I::LocalGet(kl),
                    I::I32Store(mem(4, 2)),
                ]);
                code.extend(add_to(n, I::I32Const(1)));
                code.extend([
                    I::End,
                    I::LocalGet(buf),
                    I::LocalGet(j),
                    I::I32Const(stride as i32),
                    I::I32Mul,
                    I::I32Add,
                    I::I32Const(entry.voff as i32),
                    I::I32Add,
                    I::LocalGet(item),
                    I::I32Const(size as i32),
                    I::MemoryCopy { src_mem: 0, dst_mem: 0 },
                ]);
            }
            code.extend([I::Call(ws), I::GlobalGet(pos), I::GlobalGet(len), I::I32GeU, I::If(BlockType::Empty)]);
            self.json_fail(code, "unexpected end of input", 0)?;
            code.push(I::End);
            byte_is(code, b',');
            code.extend([I::If(BlockType::Empty)]);
            advance(code, 1);
            code.extend([I::Br(1), I::End]);
            byte_is(code, close);
            code.extend([I::I32Eqz, I::If(BlockType::Empty)]);
            let message = if case == 4 { "expected ',' or ']'" } else { "expected ',' or '}'" };
            self.json_fail(code, message, 0)?;
            code.push(I::End);
            advance(code, 1);
            code.extend([I::LocalGet(buf), I::LocalGet(n)]);
            emit_data(self, f, ComputeOp::Variant(json.clone(), case), &[], code)?;
            code.extend([I::Return, I::End, I::End]);
        }
        self.json_fail(code, "unexpected character", 0)?;
        Ok((vec![I32], vec![I32], f.decls.clone()))
    }
}
