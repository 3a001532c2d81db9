//! `json.*` inside the component: `parse` (RFC 8259, with line and column in errors and a
//! nesting limit), `stringify` and `format` (as JavaScript's JSON.stringify writes, with
//! LANGUAGE-DECISIONS 29: integral numbers without a fraction, object keys in their order), and
//! the guards and extractors. Values are the standard library's recursive `Json` enum.

use super::body::Frame;
use super::compute_data::emit_data;
use super::float_text::FloatText;
use super::helpers::{HelperSig, add_to, load_byte};
use super::*;
use crate::types::TypeDef;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) enum JsonOp {
    /// (p, l) -> `Json | JsonError`.
    Parse,
    /// (p, l) -> Bool.
    IsValid,
    /// (depth) -> Json pointer, or 0 after recording an error.
    Value,
    /// () -> (p, l, ok): the string at `pos` (which is at its opening quote), unescaped.
    Str,
    /// () -> skips white space.
    Ws,
    /// (at) -> the four hex digits at input[at..] as a number, or -1.
    Hex,
    /// (p, l) -> the Float a JSON number's text denotes: exactly by f64 arithmetic when it has
    /// at most 17 significant digits and a small exponent (Clinger's fast path), else `parse_float`.
    Number,
    /// (message p, l) -> 0: records an error at `pos`.
    Fail,
    /// (value, indent p, l) -> (p, l).
    Stringify,
    /// (value, indent p, l, depth): appends the text of a value.
    Write,
    /// (p, l): appends a string literal with its quotes and escapes.
    WriteString,
    /// (p, l): appends bytes to the output.
    Out,
    /// (value) -> Bool: the value is this case.
    Is(u32),
    /// (value) -> option pointer: the payload of this case, or none.
    As(u32),
    /// (value, key p, l) -> `Json?`.
    GetField,
    /// (value, index) -> `Json?`.
    GetIndex,
}

impl JsonOp {
    pub(super) fn name(self) -> &'static str {
        match self {
            JsonOp::Parse => "json_parse",
            JsonOp::IsValid => "json_is_valid",
            JsonOp::Value => "json_value",
            JsonOp::Str => "json_string",
            JsonOp::Ws => "json_ws",
            JsonOp::Hex => "json_hex",
            JsonOp::Number => "json_number",
            JsonOp::Fail => "json_fail",
            JsonOp::Stringify => "json_stringify",
            JsonOp::Write => "json_write",
            JsonOp::WriteString => "json_write_string",
            JsonOp::Out => "json_out",
            JsonOp::Is(_) => "json_is",
            JsonOp::As(_) => "json_as",
            JsonOp::GetField => "json_get_field",
            JsonOp::GetIndex => "json_get_index",
        }
    }
}

const NULL: u32 = 0;
const BOOL: u32 = 1;
const NUMBER: u32 = 2;
const STRING: u32 = 3;
const ARRAY: u32 = 4;
const OBJECT: u32 = 5;
/// Deeper nesting is a parse error, not a stack overflow.
pub(super) const MAX_DEPTH: i32 = 512;

/// Globals the parser and the writer share: input, position, error, output.
#[derive(Clone, Copy)]
pub(super) struct JsonState {
    pub(super) input: u32,
    pub(super) len: u32,
    pub(super) pos: u32,
    err_msg: u32,
    err_len: u32,
    err_pos: u32,
    out: u32,
    out_len: u32,
    out_cap: u32,
}

impl Builder<'_> {
    /// The program's `Json` and `JsonError` types (declared by the checker when named).
    fn json_types(&self) -> Result<(Type, Type), String> {
        let find = |name: &str| {
            self.defs
                .defs
                .iter()
                .position(|d| matches!(d, TypeDef::Enum { name: n, .. } if n == name))
                .map(|id| Type::Enum(crate::types::Named { id: id as u32, name: name.into() }))
        };
        let json = find("Json").ok_or("json without the Json type")?;
        let error = find("JsonError").unwrap_or(Type::Error);
        Ok((json, error))
    }

    pub(super) fn json_state(&mut self) -> JsonState {
        if let Some(s) = self.json_state {
            return s;
        }
        let base = self.globals.len() as u32;
        for _ in 0..9 {
            self.globals.push(GlobalInit::MinusOne);
        }
        let s = JsonState {
            input: base,
            len: base + 1,
            pos: base + 2,
            err_msg: base + 3,
            err_len: base + 4,
            err_pos: base + 5,
            out: base + 6,
            out_len: base + 7,
            out_cap: base + 8,
        };
        self.json_state = Some(s);
        s
    }

    /// The output buffer's helpers, which need no `Json` type (regex.rs writes with them too).
    fn json_output_helper(&mut self, op: JsonOp, code: &mut Vec<I<'static>>) -> Result<HelperSig, String> {
        use ValType::I32;
        let st = self.json_state();
        let mut f = Frame { base: vec![], reps: vec![], decls: vec![], next: 0 };
        let sig: (Vec<ValType>, Vec<ValType>) = match op {
            JsonOp::Out => {
                // Appends (p, l) to the output, doubling its capacity when full.
                let alloc = self.helper(Helper::Alloc)?;
                let (p, l) = (0, 1);
                f.next = 2;
                let (cap, fresh) = (f.scratch(I32), f.scratch(I32));
                code.extend([
                    I::GlobalGet(st.out_len),
                    I::LocalGet(l),
                    I::I32Add,
                    I::GlobalGet(st.out_cap),
                    I::I32GtU,
                    I::If(BlockType::Empty),
                    I::GlobalGet(st.out_cap),
                    I::I32Const(1),
                    I::I32Shl,
                    I::LocalTee(cap),
                    I::GlobalGet(st.out_len),
                    I::LocalGet(l),
                    I::I32Add,
                    I::LocalGet(cap),
                    I::GlobalGet(st.out_len),
                    I::LocalGet(l),
                    I::I32Add,
                    I::I32GtU,
                    I::Select,
                    I::LocalTee(cap),
                    I::I32Const(1),
                    I::Call(alloc),
                    I::LocalTee(fresh),
                    I::GlobalGet(st.out),
                    I::GlobalGet(st.out_len),
                    I::MemoryCopy { src_mem: 0, dst_mem: 0 },
                    I::LocalGet(fresh),
                    I::GlobalSet(st.out),
                    I::LocalGet(cap),
                    I::GlobalSet(st.out_cap),
                    I::End,
                    I::GlobalGet(st.out),
                    I::GlobalGet(st.out_len),
                    I::I32Add,
                    I::LocalGet(p),
                    I::LocalGet(l),
                    I::MemoryCopy { src_mem: 0, dst_mem: 0 },
                    I::GlobalGet(st.out_len),
                    I::LocalGet(l),
                    I::I32Add,
                    I::GlobalSet(st.out_len),
                ]);
                (vec![I32; 2], vec![])
            }
            JsonOp::WriteString => {
                let out = self.helper(Helper::Json(JsonOp::Out))?;
                let (p, l) = (0, 1);
                f.next = 2;
                let (i, run, b) = (f.scratch(I32), f.scratch(I32), f.scratch(I32));
                let quote = self.data.intern("\"");
                let hex = self.data.intern("0123456789abcdef");
                let (u, esc) = (self.data.intern("\\u00"), self.data.intern("\\\"\\\\\\b\\f\\n\\r\\t"));
                let lit = |c: &mut Vec<I<'static>>, at: u32, n: i32| {
                    c.extend([I::I32Const(at as i32), I::I32Const(n), I::Call(out)]);
                };
                lit(code, quote, 1);
                code.extend([I::Block(BlockType::Empty), I::Loop(BlockType::Empty), I::LocalGet(i), I::LocalGet(l)]);
                code.extend([I::I32GeU, I::BrIf(1)]);
                code.extend(load_byte(p, i));
                code.extend([
                    I::LocalTee(b),
                    I::I32Const(0x20),
                    I::I32GeU,
                    I::LocalGet(b),
                    I::I32Const(b'"' as i32),
                    I::I32Ne,
                    I::I32And,
                    I::LocalGet(b),
                    I::I32Const(b'\\' as i32),
                    I::I32Ne,
                    I::I32And,
                    I::If(BlockType::Empty),
                ]);
                code.extend(add_to(i, I::I32Const(1)));
                code.extend([I::Br(1), I::End]);
                // Flush the plain run before this byte, then its escape.
                code.extend([
                    I::LocalGet(p),
                    I::LocalGet(run),
                    I::I32Add,
                    I::LocalGet(i),
                    I::LocalGet(run),
                    I::I32Sub,
                    I::Call(out),
                ]);
                // Two-character escapes: ", \, \b, \f, \n, \r, \t in the `esc` table, in that order.
                let pairs: [(i32, i32); 7] =
                    [(b'"' as i32, 0), (b'\\' as i32, 2), (8, 4), (12, 6), (10, 8), (13, 10), (9, 12)];
                code.push(I::Block(BlockType::Empty));
                for (byte, at) in pairs {
                    code.extend([I::LocalGet(b), I::I32Const(byte), I::I32Eq, I::If(BlockType::Empty)]);
                    lit(code, esc + at as u32, 2);
                    code.extend([I::Br(1), I::End]);
                }
                lit(code, u, 4);
                for shift in [4, 0] {
                    code.extend([
                        I::I32Const(hex as i32),
                        I::LocalGet(b),
                        I::I32Const(shift),
                        I::I32ShrU,
                        I::I32Const(15),
                        I::I32And,
                        I::I32Add,
                        I::I32Const(1),
                        I::Call(out),
                    ]);
                }
                code.push(I::End);
                code.extend(add_to(i, I::I32Const(1)));
                code.extend([I::LocalGet(i), I::LocalSet(run), I::Br(0), I::End, I::End]);
                code.extend([
                    I::LocalGet(p),
                    I::LocalGet(run),
                    I::I32Add,
                    I::LocalGet(l),
                    I::LocalGet(run),
                    I::I32Sub,
                    I::Call(out),
                ]);
                lit(code, quote, 1);
                (vec![I32; 2], vec![])
            }
            _ => return Err(format!("{} is not an output helper", op.name())),
        };
        Ok((sig.0, sig.1, f.decls))
    }

    /// Emits: start a fresh output buffer (for `JsonOp::Out` and `WriteString`).
    pub(super) fn json_out_begin(&mut self, code: &mut Vec<I<'static>>) -> Result<(), String> {
        let st = self.json_state();
        let alloc = self.helper(Helper::Alloc)?;
        code.extend([I::I32Const(64), I::I32Const(1), I::Call(alloc), I::GlobalSet(st.out), I::I32Const(0)]);
        code.extend([I::GlobalSet(st.out_len), I::I32Const(64), I::GlobalSet(st.out_cap)]);
        Ok(())
    }

    /// Emits: the output buffer's text as (p, l).
    pub(super) fn json_out_end(&mut self, code: &mut Vec<I<'static>>) {
        let st = self.json_state();
        code.extend([I::GlobalGet(st.out), I::GlobalGet(st.out_len)]);
    }

    pub(super) fn json_helper(&mut self, op: JsonOp, code: &mut Vec<I<'static>>) -> Result<HelperSig, String> {
        use ValType::{F64, I32, I64};
        if matches!(op, JsonOp::Out | JsonOp::WriteString) {
            return self.json_output_helper(op, code);
        }
        let (json, json_error) = self.json_types()?;
        let layout = self.abi().variant(&json);
        let payload = |case: u32| layout.cases[case as usize].first().map_or(0, |(_, o)| *o);
        let (size, align) = (layout.size, layout.align);
        let st = self.json_state();
        let mut f = Frame { base: vec![], reps: vec![], decls: vec![], next: 0 };
        let sig: (Vec<ValType>, Vec<ValType>) = match op {
            JsonOp::Is(case) => {
                code.extend([I::LocalGet(0), I::I32Load8U(mem(0, 0)), I::I32Const(case as i32), I::I32Eq]);
                (vec![I32], vec![I32])
            }
            JsonOp::As(case) => {
                f.next = 1;
                let (t, offset) = layout.cases[case as usize][0].clone();
                let opt = Type::Optional(Box::new(t.clone()));
                code.extend([I::LocalGet(0), I::I32Load8U(mem(0, 0)), I::I32Const(case as i32), I::I32Eq]);
                code.extend([I::If(BlockType::Empty), I::LocalGet(0)]);
                super::memory::load_rep(self, &mut f, &t, offset, code);
                emit_data(self, &mut f, ComputeOp::Variant(opt.clone(), 1), &[], code)?;
                code.extend([I::Return, I::End]);
                emit_data(self, &mut f, ComputeOp::Variant(opt, 0), &[], code)?;
                (vec![I32], vec![I32])
            }
            JsonOp::GetIndex => {
                f.next = 2;
                let opt = Type::Optional(Box::new(json.clone()));
                let (v, index) = (0, 1);
                let (p, n) = (f.scratch(I32), f.scratch(I32));
                code.extend([I::LocalGet(v), I::I32Load8U(mem(0, 0)), I::I32Const(ARRAY as i32), I::I32Eq]);
                code.extend([
                    I::If(BlockType::Empty),
                    I::LocalGet(v),
                    I::I32Load(mem(u64::from(payload(ARRAY)), 2)),
                    I::LocalSet(p),
                    I::LocalGet(v),
                    I::I32Load(mem(u64::from(payload(ARRAY)) + 4, 2)),
                    I::LocalSet(n),
                    I::LocalGet(index),
                    I::I64Const(0),
                    I::I64GeS,
                    I::LocalGet(index),
                    I::LocalGet(n),
                    I::I64ExtendI32U,
                    I::I64LtS,
                    I::I32And,
                    I::If(BlockType::Empty),
                    I::LocalGet(p),
                    I::LocalGet(index),
                    I::I32WrapI64,
                    I::I32Const(size as i32),
                    I::I32Mul,
                    I::I32Add,
                ]);
                emit_data(self, &mut f, ComputeOp::Variant(opt.clone(), 1), &[], code)?;
                code.extend([I::Return, I::End, I::End]);
                emit_data(self, &mut f, ComputeOp::Variant(opt, 0), &[], code)?;
                (vec![I32, I64], vec![I32])
            }
            JsonOp::GetField => {
                f.next = 3;
                let opt = Type::Optional(Box::new(json.clone()));
                let entry = super::compute::entry(self, &Type::String, &json).ok_or("json object entries")?;
                let find = self.helper(Helper::Map(super::maps::MapOp::Find(entry)))?;
                let (v, key, key_len) = (0, 1, 2);
                let (p, at) = (f.scratch(I32), f.scratch(I32));
                code.extend([I::LocalGet(v), I::I32Load8U(mem(0, 0)), I::I32Const(OBJECT as i32), I::I32Eq]);
                code.extend([
                    I::If(BlockType::Empty),
                    I::LocalGet(v),
                    I::I32Load(mem(u64::from(payload(OBJECT)), 2)),
                    I::LocalTee(p),
                    I::LocalGet(v),
                    I::I32Load(mem(u64::from(payload(OBJECT)) + 4, 2)),
                    I::LocalGet(key),
                    I::LocalGet(key_len),
                    I::Call(find),
                    I::LocalTee(at),
                    I::I32Const(0),
                    I::I32GeS,
                    I::If(BlockType::Empty),
                    I::LocalGet(p),
                    I::LocalGet(at),
                    I::I32Const(entry.stride as i32),
                    I::I32Mul,
                    I::I32Add,
                    I::I32Const(entry.voff as i32),
                    I::I32Add,
                ]);
                emit_data(self, &mut f, ComputeOp::Variant(opt.clone(), 1), &[], code)?;
                code.extend([I::Return, I::End, I::End]);
                emit_data(self, &mut f, ComputeOp::Variant(opt, 0), &[], code)?;
                (vec![I32; 3], vec![I32])
            }
            JsonOp::Write => return self.json_write(&json, &mut f, code),
            JsonOp::Stringify => {
                let write = self.helper(Helper::Json(JsonOp::Write))?;
                self.json_out_begin(code)?;
                code.extend([I::LocalGet(0), I::LocalGet(1), I::LocalGet(2), I::I32Const(0), I::Call(write)]);
                self.json_out_end(code);
                (vec![I32; 3], vec![I32; 2])
            }
            JsonOp::Ws => {
                code.extend([
                    I::Block(BlockType::Empty),
                    I::Loop(BlockType::Empty),
                    I::GlobalGet(st.pos),
                    I::GlobalGet(st.len),
                    I::I32GeU,
                    I::BrIf(1),
                    I::GlobalGet(st.input),
                    I::GlobalGet(st.pos),
                    I::I32Add,
                    I::I32Load8U(mem(0, 0)),
                    I::LocalTee(0),
                    I::I32Const(b' ' as i32),
                    I::I32Eq,
                    I::LocalGet(0),
                    I::I32Const(b'\t' as i32),
                    I::I32Eq,
                    I::I32Or,
                    I::LocalGet(0),
                    I::I32Const(b'\n' as i32),
                    I::I32Eq,
                    I::I32Or,
                    I::LocalGet(0),
                    I::I32Const(b'\r' as i32),
                    I::I32Eq,
                    I::I32Or,
                    I::I32Eqz,
                    I::BrIf(1),
                    I::GlobalGet(st.pos),
                    I::I32Const(1),
                    I::I32Add,
                    I::GlobalSet(st.pos),
                    I::Br(0),
                    I::End,
                    I::End,
                ]);
                f.decls.push(I32);
                (vec![], vec![])
            }
            JsonOp::Fail => {
                code.extend([
                    I::LocalGet(0),
                    I::GlobalSet(st.err_msg),
                    I::LocalGet(1),
                    I::GlobalSet(st.err_len),
                    I::GlobalGet(st.pos),
                    I::GlobalSet(st.err_pos),
                    I::I32Const(0),
                ]);
                (vec![I32; 2], vec![I32])
            }
            JsonOp::Str => return self.json_string(&mut f, code),
            JsonOp::Hex => return self.json_hex(&mut f, code),
            JsonOp::Number => return self.json_number(&mut f, code),
            JsonOp::Value => return self.json_value(&json, &mut f, code),
            JsonOp::Parse | JsonOp::IsValid => {
                let (value, ws) = (self.helper(Helper::Json(JsonOp::Value))?, self.helper(Helper::Json(JsonOp::Ws))?);
                let fail = self.helper(Helper::Json(JsonOp::Fail))?;
                let (p, l) = (0, 1);
                f.next = 2;
                let (v, line, col, i) = (f.scratch(I32), f.scratch(I64), f.scratch(I64), f.scratch(I32));
                let after = "unexpected text after the value";
                let after_at = self.data.intern(after);
                code.extend([
                    I::LocalGet(p),
                    I::GlobalSet(st.input),
                    I::LocalGet(l),
                    I::GlobalSet(st.len),
                    I::I32Const(0),
                    I::GlobalSet(st.pos),
                    I::I32Const(0),
                    I::Call(value),
                    I::LocalTee(v),
                    I::If(BlockType::Empty),
                    I::Call(ws),
                    I::GlobalGet(st.pos),
                    I::GlobalGet(st.len),
                    I::I32LtU,
                    I::If(BlockType::Empty),
                    I::I32Const(after_at as i32),
                    I::I32Const(after.len() as i32),
                    I::Call(fail),
                    I::LocalSet(v),
                    I::End,
                    I::End,
                ]);
                if op == JsonOp::IsValid {
                    code.extend([I::LocalGet(v), I::I32Const(0), I::I32Ne]);
                    (vec![I32; 2], vec![I32])
                } else {
                    let result = Type::Result(Box::new(json.clone()), Box::new(json_error.clone()));
                    code.extend([I::LocalGet(v), I::If(BlockType::Empty), I::LocalGet(v)]);
                    emit_data(self, &mut f, ComputeOp::Variant(result.clone(), 0), &[], code)?;
                    code.extend([I::Return, I::End]);
                    // Line and column (in characters, from 1) of the error's position.
                    code.extend([
                        I::I64Const(1),
                        I::LocalSet(line),
                        I::I64Const(1),
                        I::LocalSet(col),
                        I::Block(BlockType::Empty),
                        I::Loop(BlockType::Empty),
                        I::LocalGet(i),
                        I::GlobalGet(st.err_pos),
                        I::I32GeU,
                        I::BrIf(1),
                    ]);
                    code.extend(load_byte(p, i));
                    code.extend([
                        I::LocalTee(v),
                        I::I32Const(b'\n' as i32),
                        I::I32Eq,
                        I::If(BlockType::Empty),
                        I::LocalGet(line),
                        I::I64Const(1),
                        I::I64Add,
                        I::LocalSet(line),
                        I::I64Const(1),
                        I::LocalSet(col),
                        I::Else,
                        I::LocalGet(col),
                        I::LocalGet(v),
                        I::I32Const(0xC0),
                        I::I32And,
                        I::I32Const(0x80),
                        I::I32Ne,
                        I::I64ExtendI32U,
                        I::I64Add,
                        I::LocalSet(col),
                        I::End,
                    ]);
                    code.extend(add_to(i, I::I32Const(1)));
                    code.extend([
                        I::Br(0),
                        I::End,
                        I::End,
                        I::GlobalGet(st.err_msg),
                        I::GlobalGet(st.err_len),
                        I::LocalGet(line),
                        I::LocalGet(col),
                    ]);
                    emit_data(self, &mut f, ComputeOp::Variant(json_error, 0), &[], code)?;
                    emit_data(self, &mut f, ComputeOp::Variant(result, 1), &[], code)?;
                    (vec![I32; 2], vec![I32])
                }
            }
            // Dispatched before the types are looked up (see the top); listed for exhaustiveness.
            JsonOp::Out | JsonOp::WriteString => return self.json_output_helper(op, code),
        };
        let _ = (F64, align, NULL, BOOL, NUMBER, STRING);
        Ok((sig.0, sig.1, f.decls))
    }
}

impl Builder<'_> {
    /// (value, indent p, indent l, depth): appends the value's text; with an indent, each array
    /// item and object field on its own line, as JSON.stringify(value, null, indent) does.
    fn json_write(&mut self, json: &Type, f: &mut Frame, code: &mut Vec<I<'static>>) -> Result<HelperSig, String> {
        use ValType::{F64, I32};
        let layout = self.abi().variant(json);
        let payload = |case: u32| u64::from(layout.cases[case as usize].first().map_or(0, |(_, o)| *o));
        let size = layout.size;
        let entry = super::compute::entry(self, &Type::String, json).ok_or("json object entries")?;
        let out = self.helper(Helper::Json(JsonOp::Out))?;
        let write_string = self.helper(Helper::Json(JsonOp::WriteString))?;
        let write = self.helper(Helper::Json(JsonOp::Write))?;
        let int_to_string = self.helper(Helper::IntToString)?;
        let float_to_string = self.helper(Helper::Float(FloatText::ToString))?;
        let (v, ip, il, depth) = (0, 1, 2, 3);
        f.next = 4;
        let (tag, p, n, i, k, x) =
            (f.scratch(I32), f.scratch(I32), f.scratch(I32), f.scratch(I32), f.scratch(I32), f.scratch(F64));
        let lit = |b: &mut Builder, c: &mut Vec<I<'static>>, s: &str| {
            let at = b.data.intern(s);
            c.extend([I::I32Const(at as i32), I::I32Const(s.len() as i32), I::Call(out)]);
        };
        // With an indent: a newline, then the indent `levels` times (levels: depth or depth + 1).
        let newline = |b: &mut Builder, c: &mut Vec<I<'static>>, extra: i32| {
            let nl = b.data.intern("\n");
            c.extend([
                I::LocalGet(il),
                I::If(BlockType::Empty),
                I::I32Const(nl as i32),
                I::I32Const(1),
                I::Call(out),
                I::LocalGet(depth),
                I::I32Const(extra),
                I::I32Add,
                I::LocalSet(k),
                I::Block(BlockType::Empty),
                I::Loop(BlockType::Empty),
                I::LocalGet(k),
                I::I32Eqz,
                I::BrIf(1),
                I::LocalGet(ip),
                I::LocalGet(il),
                I::Call(out),
                I::LocalGet(k),
                I::I32Const(1),
                I::I32Sub,
                I::LocalSet(k),
                I::Br(0),
                I::End,
                I::End,
                I::End,
            ]);
        };
        let is = |c: &mut Vec<I<'static>>, case: u32| {
            c.extend([I::LocalGet(tag), I::I32Const(case as i32), I::I32Eq, I::If(BlockType::Empty)]);
        };
        code.extend([I::LocalGet(v), I::I32Load8U(mem(0, 0)), I::LocalSet(tag), I::Block(BlockType::Empty)]);
        is(code, NULL);
        lit(self, code, "null");
        code.extend([I::Br(1), I::End]);
        is(code, BOOL);
        code.extend([I::LocalGet(v), I::I32Load8U(mem(payload(BOOL), 0)), I::If(BlockType::Empty)]);
        lit(self, code, "true");
        code.push(I::Else);
        lit(self, code, "false");
        code.extend([I::End, I::Br(1), I::End]);
        is(code, NUMBER);
        code.extend([
            I::LocalGet(v),
            I::F64Load(mem(payload(NUMBER), 3)),
            I::LocalTee(x),
            I::LocalGet(x),
            I::F64Sub,
            I::LocalGet(x),
            I::LocalGet(x),
            I::F64Sub,
            I::F64Ne,
            I::If(BlockType::Empty),
        ]);
        // x - x is NaN for NaN and the infinities, which JSON cannot write.
        lit(self, code, "null");
        code.extend([
            I::Br(2),
            I::End,
            I::LocalGet(x),
            I::LocalGet(x),
            I::F64Trunc,
            I::F64Eq,
            I::LocalGet(x),
            I::F64Abs,
            // Below 2^53 every integer is exact and its digits are the shortest; above, the shortest
            // digits are fewer (JavaScript writes 2^60 as 1152921504606847000).
            I::F64Const(9_007_199_254_740_992.0.into()),
            I::F64Lt,
            I::I32And,
            I::If(BlockType::Empty),
            I::LocalGet(x),
            I::I64TruncF64S,
            I::Call(int_to_string),
            I::Call(out),
            I::Else,
            I::LocalGet(x),
            I::Call(float_to_string),
            I::LocalSet(n),
            I::LocalSet(p),
            // An integral number too large for Int prints as `1e21` already; drop a trailing `.0`.
            I::LocalGet(n),
            I::I32Const(2),
            I::I32GeU,
            I::If(BlockType::Empty),
            I::LocalGet(p),
            I::LocalGet(n),
            I::I32Add,
            I::I32Const(2),
            I::I32Sub,
            I::I32Load16U(mem(0, 0)),
            I::I32Const(i32::from(u16::from_le_bytes(*b".0"))),
            I::I32Eq,
            I::If(BlockType::Empty),
            I::LocalGet(n),
            I::I32Const(2),
            I::I32Sub,
            I::LocalSet(n),
            I::End,
            I::End,
            // JavaScript writes a positive exponent with its sign: 1.5e+300.
            I::I32Const(0),
            I::LocalSet(i),
            I::Block(BlockType::Empty),
            I::Loop(BlockType::Empty),
            I::LocalGet(i),
            I::LocalGet(n),
            I::I32GeU,
            I::BrIf(1),
            I::LocalGet(p),
            I::LocalGet(i),
            I::I32Add,
            I::I32Load8U(mem(0, 0)),
            I::I32Const(b'e' as i32),
            I::I32Eq,
            I::BrIf(1),
        ]);
        code.extend(add_to(i, I::I32Const(1)));
        let plus = self.data.intern("+");
        code.extend([
            I::Br(0),
            I::End,
            I::End,
            I::LocalGet(i),
            I::I32Const(1),
            I::I32Add,
            I::LocalGet(n),
            I::I32LtU,
            I::If(BlockType::Empty),
            I::LocalGet(p),
            I::LocalGet(i),
            I::I32Add,
            I::I32Load8U(mem(1, 0)),
            I::I32Const(b'-' as i32),
            I::I32Ne,
            I::If(BlockType::Empty),
            I::LocalGet(p),
            I::LocalGet(i),
            I::I32Const(1),
            I::I32Add,
            I::Call(out),
            I::I32Const(plus as i32),
            I::I32Const(1),
            I::Call(out),
            I::LocalGet(p),
            I::LocalGet(i),
            I::I32Add,
            I::I32Const(1),
            I::I32Add,
            I::LocalGet(n),
            I::LocalGet(i),
            I::I32Sub,
            I::I32Const(1),
            I::I32Sub,
            I::LocalSet(n),
            I::LocalSet(p),
            I::End,
            I::End,
            I::LocalGet(p),
            I::LocalGet(n),
            I::Call(out),
            I::End,
            I::Br(1),
            I::End,
        ]);
        is(code, STRING);
        code.extend([
            I::LocalGet(v),
            I::I32Load(mem(payload(STRING), 2)),
            I::LocalGet(v),
            I::I32Load(mem(payload(STRING) + 4, 2)),
            I::Call(write_string),
            I::Br(1),
            I::End,
        ]);
        for (case, open, close, closed) in [(ARRAY, "[", "]", "[]"), (OBJECT, "{", "}", "{}")] {
            is(code, case);
            code.extend([
                I::LocalGet(v),
                I::I32Load(mem(payload(case), 2)),
                I::LocalSet(p),
                I::LocalGet(v),
                I::I32Load(mem(payload(case) + 4, 2)),
                I::LocalTee(n),
                I::I32Eqz,
                I::If(BlockType::Empty),
            ]);
            lit(self, code, closed);
            code.extend([I::Br(2), I::End]);
            lit(self, code, open);
            code.extend([
                I::I32Const(0),
                I::LocalSet(i),
                I::Block(BlockType::Empty),
                I::Loop(BlockType::Empty),
                I::LocalGet(i),
                I::LocalGet(n),
                I::I32GeU,
                I::BrIf(1),
                I::LocalGet(i),
                I::If(BlockType::Empty),
            ]);
            lit(self, code, ",");
            code.push(I::End);
            newline(self, code, 1);
            let stride = if case == ARRAY { size } else { entry.stride };
            if case == OBJECT {
                code.extend([
                    I::LocalGet(p),
                    I::LocalGet(i),
                    I::I32Const(stride as i32),
                    I::I32Mul,
                    I::I32Add,
                    I::LocalTee(k),
                    I::I32Load(mem(0, 2)),
                    I::LocalGet(k),
                    I::I32Load(mem(4, 2)),
                    I::Call(write_string),
                ]);
                lit(self, code, ":");
                code.extend([I::LocalGet(il), I::If(BlockType::Empty)]);
                lit(self, code, " ");
                code.push(I::End);
            }
            let value_offset = if case == OBJECT { entry.voff } else { 0 };
            code.extend([
                I::LocalGet(p),
                I::LocalGet(i),
                I::I32Const(stride as i32),
                I::I32Mul,
                I::I32Add,
                I::I32Const(value_offset as i32),
                I::I32Add,
                I::LocalGet(ip),
                I::LocalGet(il),
                I::LocalGet(depth),
                I::I32Const(1),
                I::I32Add,
                I::Call(write),
            ]);
            code.extend(add_to(i, I::I32Const(1)));
            code.extend([I::Br(0), I::End, I::End]);
            newline(self, code, 0);
            lit(self, code, close);
            code.extend([I::Br(1), I::End]);
        }
        code.push(I::End);
        Ok((vec![I32; 4], vec![], f.decls.clone()))
    }
}
