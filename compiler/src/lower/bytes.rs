//! Bytes: binary data laid out as a WIT `list<u8>` and represented as (pointer, length), like a
//! string without the UTF-8 promise. Lengths, indices and slices count bytes.

use super::body::Frame;
use super::helpers::{Fault, HelperSig, add_to, load_byte};
use super::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) enum BytesOp {
    /// (p, l) -> (p, 2l): lower-case hex.
    Hex,
    /// (p, l) -> base64 with padding.
    Base64,
}

impl BytesOp {
    pub(super) fn name(self) -> &'static str {
        match self {
            BytesOp::Hex => "bytes_to_hex",
            BytesOp::Base64 => "bytes_to_base64",
        }
    }
}

/// Emits a Bytes operator on its inputs (already on the stack).
pub(super) fn emit_bytes(
    b: &mut Builder,
    frame: &mut Frame,
    op: &ComputeOp,
    code: &mut Vec<I<'static>>,
) -> Result<(), String> {
    use ValType::{I32, I64};
    match op {
        ComputeOp::BytesLen | ComputeOp::BytesIsEmpty => {
            let len = frame.scratch(I32);
            code.extend([I::LocalSet(len), I::Drop, I::LocalGet(len)]);
            code.push(if *op == ComputeOp::BytesLen { I::I64ExtendI32U } else { I::I32Eqz });
        }
        ComputeOp::BytesGet => {
            let trap = b.helper(Helper::Trap(Fault::IndexOutOfRange))?;
            let (p, l, i) = (frame.scratch(I32), frame.scratch(I32), frame.scratch(I64));
            code.extend([
                I::LocalSet(i),
                I::LocalSet(l),
                I::LocalSet(p),
                // 0 <= i < l (unsigned: a negative index is huge).
                I::LocalGet(i),
                I::LocalGet(l),
                I::I64ExtendI32U,
                I::I64GeU,
                I::If(BlockType::Empty),
                I::Call(trap),
                I::End,
                I::LocalGet(p),
                I::LocalGet(i),
                I::I32WrapI64,
                I::I32Add,
                I::I32Load8U(mem(0, 0)),
                I::I64ExtendI32U,
            ]);
        }
        ComputeOp::BytesSlice => {
            // Both ends clamped to [0, l]; an end before the start gives nothing. A view: values never change.
            let (p, l, start, end) = (frame.scratch(I32), frame.scratch(I32), frame.scratch(I64), frame.scratch(I64));
            let clamp = |c: &mut Vec<I<'static>>, x: u32| {
                c.extend([
                    I::LocalGet(x),
                    I::I64Const(0),
                    I::LocalGet(x),
                    I::I64Const(0),
                    I::I64GtS,
                    I::Select,
                    I::LocalTee(x),
                    I::LocalGet(l),
                    I::I64ExtendI32U,
                    I::LocalGet(x),
                    I::LocalGet(l),
                    I::I64ExtendI32U,
                    I::I64LtS,
                    I::Select,
                    I::LocalSet(x),
                ]);
            };
            code.extend([I::LocalSet(end), I::LocalSet(start), I::LocalSet(l), I::LocalSet(p)]);
            clamp(code, start);
            clamp(code, end);
            code.extend([
                I::LocalGet(p),
                I::LocalGet(start),
                I::I32WrapI64,
                I::I32Add,
                I::LocalGet(end),
                I::LocalGet(start),
                I::I64Sub,
                I::I64Const(0),
                I::LocalGet(end),
                I::LocalGet(start),
                I::I64GtS,
                I::Select,
                I::I32WrapI64,
            ]);
        }
        ComputeOp::BytesConcat => code.extend([I::I32Const(1), I::Call(b.helper(Helper::Concat)?)]),
        ComputeOp::BytesToString => {
            let utf8 = b.helper(Helper::Fs(super::fs::FsHelper::Utf8))?;
            let trap = b.helper(Helper::Trap(Fault::InvalidUtf8))?;
            let (p, l) = (frame.scratch(I32), frame.scratch(I32));
            code.extend([I::LocalSet(l), I::LocalSet(p), I::LocalGet(p), I::LocalGet(l), I::Call(utf8), I::I32Eqz]);
            code.extend([I::If(BlockType::Empty), I::Call(trap), I::End, I::LocalGet(p), I::LocalGet(l)]);
        }
        ComputeOp::BytesToHex => code.push(I::Call(b.helper(Helper::Bytes(BytesOp::Hex))?)),
        ComputeOp::BytesToBase64 => code.push(I::Call(b.helper(Helper::Bytes(BytesOp::Base64))?)),
        other => return Err(format!("{other:?} is not a bytes operation")),
    }
    Ok(())
}

impl Builder<'_> {
    pub(super) fn bytes_helper(&mut self, op: BytesOp, code: &mut Vec<I<'static>>) -> Result<HelperSig, String> {
        use ValType::I32;
        let alloc = self.helper(Helper::Alloc)?;
        let (p, l) = (0, 1);
        let mut f = Frame { base: vec![], reps: vec![], decls: vec![], next: 2 };
        let (out, i, n) = (f.scratch(I32), f.scratch(I32), f.scratch(I32));
        match op {
            BytesOp::Hex => {
                let digits = self.data.intern("0123456789abcdef");
                code.extend([
                    I::LocalGet(l),
                    I::I32Const(1),
                    I::I32Shl,
                    I::I32Const(1),
                    I::Call(alloc),
                    I::LocalSet(out),
                ]);
                code.extend([I::Block(BlockType::Empty), I::Loop(BlockType::Empty), I::LocalGet(i), I::LocalGet(l)]);
                code.extend([I::I32GeU, I::BrIf(1)]);
                for (shift, at) in [(4, 0u64), (0, 1)] {
                    code.extend([I::LocalGet(out), I::LocalGet(i), I::I32Const(1), I::I32Shl, I::I32Add]);
                    code.extend(load_byte(p, i));
                    code.extend([I::I32Const(shift), I::I32ShrU, I::I32Const(15), I::I32And]);
                    code.extend([I::I32Load8U(mem(u64::from(digits), 0)), I::I32Store8(mem(at, 0))]);
                }
                code.extend(add_to(i, I::I32Const(1)));
                code.extend([I::Br(0), I::End, I::End, I::LocalGet(out), I::LocalGet(l), I::I32Const(1), I::I32Shl]);
            }
            BytesOp::Base64 => {
                let alphabet = self.data.intern("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");
                let (word, left) = (f.scratch(I32), f.scratch(I32));
                // 4 characters per 3 bytes, the last group padded with '='.
                code.extend([
                    I::LocalGet(l),
                    I::I32Const(2),
                    I::I32Add,
                    I::I32Const(3),
                    I::I32DivU,
                    I::I32Const(2),
                    I::I32Shl,
                    I::I32Const(1),
                    I::Call(alloc),
                    I::LocalSet(out),
                    I::Block(BlockType::Empty),
                    I::Loop(BlockType::Empty),
                    I::LocalGet(i),
                    I::LocalGet(l),
                    I::I32GeU,
                    I::BrIf(1),
                    I::LocalGet(l),
                    I::LocalGet(i),
                    I::I32Sub,
                    I::LocalSet(left),
                ]);
                // word = b0 << 16 | b1 << 8 | b2 (missing bytes are 0)
                code.extend(load_byte(p, i));
                code.extend([I::I32Const(16), I::I32Shl, I::LocalSet(word)]);
                for (k, shift) in [(1, 8), (2, 0)] {
                    code.extend([
                        I::LocalGet(left),
                        I::I32Const(k),
                        I::I32GtU,
                        I::If(BlockType::Empty),
                        I::LocalGet(word),
                    ]);
                    code.extend([I::LocalGet(p), I::LocalGet(i), I::I32Add, I::I32Load8U(mem(k as u64, 0))]);
                    code.extend([I::I32Const(shift), I::I32Shl, I::I32Or, I::LocalSet(word), I::End]);
                }
                for (k, shift) in [(0u64, 18), (1, 12), (2, 6), (3, 0)] {
                    code.extend([I::LocalGet(out), I::LocalGet(n), I::I32Add]);
                    // Characters beyond the input's bytes are '='.
                    let needed = if k < 2 { 0 } else { k as i32 - 1 };
                    code.extend([
                        I::LocalGet(left),
                        I::I32Const(needed),
                        I::I32GtU,
                        I::If(BlockType::Result(I32)),
                        I::LocalGet(word),
                        I::I32Const(shift),
                        I::I32ShrU,
                        I::I32Const(63),
                        I::I32And,
                        I::I32Load8U(mem(u64::from(alphabet), 0)),
                        I::Else,
                        I::I32Const(b'=' as i32),
                        I::End,
                        I::I32Store8(mem(k, 0)),
                    ]);
                }
                code.extend(add_to(n, I::I32Const(4)));
                code.extend(add_to(i, I::I32Const(3)));
                code.extend([I::Br(0), I::End, I::End, I::LocalGet(out), I::LocalGet(n)]);
            }
        }
        Ok((vec![I32; 2], vec![I32; 2], f.decls))
    }
}
