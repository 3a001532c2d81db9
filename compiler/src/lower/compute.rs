//! `compute` operations on numbers, Bools and strings; lists, maps and compound values are in
//! compute_data.rs.

use super::body::Frame;
use super::compute_data::emit_data;
use super::datetime::{DtOp, ISO_8601};
use super::lists::ElemKind;
use super::maps::Entry;
use super::text::TextOp;
use super::*;

/// Emits `op` on the values of `args`, already on the stack.
pub(super) fn emit_compute(
    b: &mut Builder,
    frame: &mut Frame,
    op: ComputeOp,
    args: &[Value],
    code: &mut Vec<I<'static>>,
) -> Result<(), String> {
    use ComputeOp::*;
    let cmp_i64 = |c: Cmp| match c {
        Cmp::Eq => I::I64Eq,
        Cmp::Ne => I::I64Ne,
        Cmp::Lt => I::I64LtS,
        Cmp::Gt => I::I64GtS,
        Cmp::Le => I::I64LeS,
        Cmp::Ge => I::I64GeS,
    };
    match op {
        // Checked arithmetic inline (a call per operation costs more than the check).
        // With a constant second operand the overflow test is one comparison: x + c overflows iff
        // x > MAX - c (c >= 0) or x < MIN - c (c < 0); x - c is x + (-c), and x - MIN iff x >= 0.
        IntAdd | IntSub if matches!(args.get(1), Some(Value::Int(_))) => {
            let trap = b.helper(Helper::Trap(Fault::IntegerOverflow))?;
            let Some(Value::Int(c)) = args.get(1) else { unreachable!() };
            let c = *c;
            let x = frame.scratch(ValType::I64);
            code.extend([I::Drop, I::LocalTee(x)]);
            let test = match (op == IntAdd, c) {
                (false, i64::MIN) => [I::I64Const(0), I::I64GeS],
                (true, c) | (false, c) => {
                    let add = if op == IntAdd { c } else { -c };
                    if add >= 0 {
                        [I::I64Const(i64::MAX - add), I::I64GtS]
                    } else {
                        [I::I64Const(i64::MIN - add), I::I64LtS]
                    }
                }
            };
            code.extend(test);
            code.extend([I::If(BlockType::Empty), I::Call(trap), I::End, I::LocalGet(x), I::I64Const(c)]);
            code.push(if op == IntAdd { I::I64Add } else { I::I64Sub });
        }
        IntAdd | IntSub => {
            let trap = b.helper(Helper::Trap(Fault::IntegerOverflow))?;
            let (x, y, r) = (frame.scratch(ValType::I64), frame.scratch(ValType::I64), frame.scratch(ValType::I64));
            code.extend([I::LocalSet(y), I::LocalTee(x), I::LocalGet(y)]);
            code.push(if op == IntAdd { I::I64Add } else { I::I64Sub });
            code.push(I::LocalSet(r));
            // add overflows iff (x ^ r) & (y ^ r) < 0; sub iff (x ^ y) & (x ^ r) < 0
            if op == IntAdd {
                code.extend([I::LocalGet(x), I::LocalGet(r), I::I64Xor, I::LocalGet(y), I::LocalGet(r), I::I64Xor]);
            } else {
                code.extend([I::LocalGet(x), I::LocalGet(y), I::I64Xor, I::LocalGet(x), I::LocalGet(r), I::I64Xor]);
            }
            code.extend([
                I::I64And,
                I::I64Const(0),
                I::I64LtS,
                I::If(BlockType::Empty),
                I::Call(trap),
                I::End,
                I::LocalGet(r),
            ]);
        }
        IntMul => {
            // Both factors within 32 bits cannot overflow; otherwise the checked helper decides.
            let slow = b.helper(Helper::IntMul)?;
            let (x, y) = (frame.scratch(ValType::I64), frame.scratch(ValType::I64));
            let small = |v: u32| [I::LocalGet(v), I::I64Const(1 << 31), I::I64Add, I::I64Const(1 << 32), I::I64LtU];
            code.extend([I::LocalSet(y), I::LocalSet(x)]);
            code.extend(small(x));
            code.extend(small(y));
            code.extend([
                I::I32And,
                I::If(BlockType::Result(ValType::I64)),
                I::LocalGet(x),
                I::LocalGet(y),
                I::I64Mul,
                I::Else,
                I::LocalGet(x),
                I::LocalGet(y),
                I::Call(slow),
                I::End,
            ]);
        }
        // Wasm traps on a zero divisor and on MIN / -1: defined, named runtime errors.
        IntDiv => code.push(I::I64DivS),
        IntMod => code.push(I::I64RemS),
        IntNeg => code.push(I::Call(b.helper(Helper::IntNeg)?)),
        IntAbs => code.push(I::Call(b.helper(Helper::IntAbs)?)),
        IntMin | IntMax => {
            let (x, y) = (frame.scratch(ValType::I64), frame.scratch(ValType::I64));
            let c = if op == IntMin { I::I64LtS } else { I::I64GtS };
            code.extend([I::LocalSet(y), I::LocalTee(x), I::LocalGet(y), I::LocalGet(x), I::LocalGet(y), c, I::Select]);
        }
        FloatAdd => code.push(I::F64Add),
        FloatSub => code.push(I::F64Sub),
        FloatMul => code.push(I::F64Mul),
        FloatDiv => code.push(I::F64Div),
        FloatNeg => code.push(I::F64Neg),
        IntToFloat => code.push(I::F64ConvertI64S),
        FloatAbs => code.push(I::F64Abs),
        FloatMin => code.push(I::F64Min),
        FloatMax => code.push(I::F64Max),
        FloatFloor => code.push(I::F64Floor),
        FloatCeil => code.push(I::F64Ceil),
        FloatTrunc => code.push(I::F64Trunc),
        FloatSqrt => code.push(I::F64Sqrt),
        FloatRound => {
            // Ties away from zero: t = trunc(x); if |x - t| >= 0.5 then t + sign(x) (x - t is exact).
            let (x, t) = (frame.scratch(ValType::F64), frame.scratch(ValType::F64));
            code.extend([
                I::LocalTee(x),
                I::F64Trunc,
                I::LocalTee(t),
                I::F64Const(1.0.into()),
                I::LocalGet(x),
                I::F64Copysign,
                I::F64Add,
                I::LocalGet(t),
                I::LocalGet(x),
                I::LocalGet(t),
                I::F64Sub,
                I::F64Abs,
                I::F64Const(0.5.into()),
                I::F64Ge,
                I::Select,
            ]);
        }
        IntSign => {
            let x = frame.scratch(ValType::I64);
            code.extend([
                I::LocalTee(x),
                I::I64Const(0),
                I::I64GtS,
                I::LocalGet(x),
                I::I64Const(0),
                I::I64LtS,
                I::I32Sub,
                I::I64ExtendI32S,
            ]);
        }
        FloatSign => {
            // x > 0 -> 1.0; x < 0 -> -1.0; otherwise x itself (±0.0, NaN).
            let x = frame.scratch(ValType::F64);
            code.extend([
                I::LocalSet(x),
                I::F64Const(1.0.into()),
                I::F64Const((-1.0).into()),
                I::LocalGet(x),
                I::LocalGet(x),
                I::F64Const(0.0.into()),
                I::F64Lt,
                I::Select,
                I::LocalGet(x),
                I::F64Const(0.0.into()),
                I::F64Gt,
                I::Select,
            ]);
        }
        IntClamp => {
            // min(max(v, lo), hi)
            let (lo, hi, v) = (frame.scratch(ValType::I64), frame.scratch(ValType::I64), frame.scratch(ValType::I64));
            code.extend([
                I::LocalSet(hi),
                I::LocalSet(lo),
                I::LocalTee(v),
                I::LocalGet(lo),
                I::LocalGet(v),
                I::LocalGet(lo),
                I::I64GtS,
                I::Select,
                I::LocalTee(v),
                I::LocalGet(hi),
                I::LocalGet(v),
                I::LocalGet(hi),
                I::I64LtS,
                I::Select,
            ]);
        }
        FloatClamp => {
            let (lo, hi) = (frame.scratch(ValType::F64), frame.scratch(ValType::F64));
            code.extend([I::LocalSet(hi), I::LocalSet(lo), I::LocalGet(lo), I::F64Max, I::LocalGet(hi), I::F64Min]);
        }
        IntPow => code.push(I::Call(b.helper(Helper::IntPow)?)),
        StrContains => {
            code.extend([I::I32Const(0), I::Call(b.helper(Helper::Text(TextOp::Find))?), I::I32Const(0), I::I32GeS])
        }
        StrStartsWith | StrEndsWith => {
            let str_eq = b.helper(Helper::StrEq)?;
            let (sp, sl, pp, pl) = (
                frame.scratch(ValType::I32),
                frame.scratch(ValType::I32),
                frame.scratch(ValType::I32),
                frame.scratch(ValType::I32),
            );
            code.extend([I::LocalSet(pl), I::LocalSet(pp), I::LocalSet(sl), I::LocalSet(sp)]);
            code.extend([
                I::LocalGet(pl),
                I::LocalGet(sl),
                I::I32GtU,
                I::If(BlockType::Result(ValType::I32)),
                I::I32Const(0),
                I::Else,
            ]);
            code.push(I::LocalGet(sp));
            if op == StrEndsWith {
                code.extend([I::LocalGet(sl), I::LocalGet(pl), I::I32Sub, I::I32Add]);
            }
            code.extend([I::LocalGet(pl), I::LocalGet(pp), I::LocalGet(pl), I::Call(str_eq), I::End]);
        }
        StrIndexOf => {
            let find = b.helper(Helper::Text(TextOp::Find))?;
            let len = b.helper(Helper::StrLen)?;
            let (sp, at) = (frame.scratch(ValType::I32), frame.scratch(ValType::I32));
            let (np, nl, sl) = (frame.scratch(ValType::I32), frame.scratch(ValType::I32), frame.scratch(ValType::I32));
            code.extend([
                I::LocalSet(nl),
                I::LocalSet(np),
                I::LocalSet(sl),
                I::LocalTee(sp),
                I::LocalGet(sl),
                I::LocalGet(np),
                I::LocalGet(nl),
                I::I32Const(0),
                I::Call(find),
                I::LocalTee(at),
                I::I32Const(0),
                I::I32LtS,
                I::If(BlockType::Result(ValType::I64)),
                I::I64Const(-1),
                I::Else,
                I::LocalGet(sp),
                I::LocalGet(at),
                I::Call(len),
                I::End,
            ]);
        }
        StrUpper => code.push(I::Call(b.helper(Helper::Text(TextOp::Upper))?)),
        StrLower => code.push(I::Call(b.helper(Helper::Text(TextOp::Lower))?)),
        StrTrimStart => code.push(I::Call(b.helper(Helper::Text(TextOp::TrimStart))?)),
        StrTrimEnd => code.push(I::Call(b.helper(Helper::Text(TextOp::TrimEnd))?)),
        StrTrim => code.extend([
            I::Call(b.helper(Helper::Text(TextOp::TrimStart))?),
            I::Call(b.helper(Helper::Text(TextOp::TrimEnd))?),
        ]),
        StrReverse => code.push(I::Call(b.helper(Helper::Text(TextOp::Reverse))?)),
        StrRepeat => code.push(I::Call(b.helper(Helper::Text(TextOp::Repeat))?)),
        StrReplace => code.push(I::Call(b.helper(Helper::Text(TextOp::Replace))?)),
        StrSplit => code.push(I::Call(b.helper(Helper::Text(TextOp::Split))?)),
        StrPad { at_start, fill } => {
            if !fill {
                let space = b.data.intern(" ");
                code.extend([I::I32Const(space as i32), I::I32Const(1)]);
            }
            code.extend([I::I32Const(i32::from(at_start)), I::Call(b.helper(Helper::Text(TextOp::Pad))?)]);
        }
        StrCharAt | StrSlice => {
            let offset = b.helper(Helper::Text(TextOp::CharOffset))?;
            let (p, l, start, end) = (
                frame.scratch(ValType::I32),
                frame.scratch(ValType::I32),
                frame.scratch(ValType::I32),
                frame.scratch(ValType::I32),
            );
            let (i, j) = (frame.scratch(ValType::I64), frame.scratch(ValType::I64));
            if op == StrSlice {
                code.extend([I::LocalSet(j), I::LocalSet(i)]);
            } else {
                code.extend([I::LocalSet(i)]);
            }
            code.extend([
                I::LocalSet(l),
                I::LocalSet(p),
                I::LocalGet(p),
                I::LocalGet(l),
                I::LocalGet(i),
                I::Call(offset),
                I::LocalSet(start),
            ]);
            if op == StrCharAt {
                // A character index: 0 <= i and a character starts there.
                let trap = b.helper(Helper::Trap(Fault::IndexOutOfRange))?;
                code.extend([
                    I::LocalGet(i),
                    I::I64Const(0),
                    I::I64LtS,
                    I::LocalGet(start),
                    I::LocalGet(l),
                    I::I32GeU,
                    I::I32Or,
                    I::If(BlockType::Empty),
                    I::Call(trap),
                    I::End,
                    I::LocalGet(i),
                    I::I64Const(1),
                    I::I64Add,
                    I::LocalSet(j),
                ]);
            }
            code.extend([
                I::LocalGet(p),
                I::LocalGet(l),
                I::LocalGet(j),
                I::Call(offset),
                I::LocalTee(end),
                I::LocalGet(start),
                I::LocalGet(end),
                I::LocalGet(start),
                I::I32GtU,
                I::Select,
                I::LocalSet(end),
                I::LocalGet(p),
                I::LocalGet(start),
                I::I32Add,
                I::LocalGet(end),
                I::LocalGet(start),
                I::I32Sub,
            ]);
        }
        IsEmpty => {
            let len = frame.scratch(ValType::I32);
            code.extend([I::LocalSet(len), I::Drop, I::LocalGet(len), I::I32Eqz]);
        }
        FloatPowInt => code.push(I::Call(b.helper(Helper::FloatPowInt)?)),
        FloatToInt => code.push(I::I64TruncF64S),
        BitAnd => code.push(I::I64And),
        BitOr => code.push(I::I64Or),
        BitXor => code.push(I::I64Xor),
        BitNot => code.extend([I::I64Const(-1), I::I64Xor]),
        BitShl => code.push(I::I64Shl),
        BitShr => code.push(I::I64ShrS),
        BitUshr => code.push(I::I64ShrU),
        IntCmp(c) => code.push(cmp_i64(c)),
        FloatCmp(c) => code.push(match c {
            Cmp::Eq => I::F64Eq,
            Cmp::Ne => I::F64Ne,
            Cmp::Lt => I::F64Lt,
            Cmp::Gt => I::F64Gt,
            Cmp::Le => I::F64Le,
            Cmp::Ge => I::F64Ge,
        }),
        BoolCmp(c) => code.push(if c == Cmp::Eq { I::I32Eq } else { I::I32Ne }),
        StrCmp(Cmp::Eq) => code.push(I::Call(b.helper(Helper::StrEq)?)),
        StrCmp(Cmp::Ne) => code.extend([I::Call(b.helper(Helper::StrEq)?), I::I32Eqz]),
        StrCmp(c) => {
            code.extend([I::Call(b.helper(Helper::StrCmp)?), I::I64ExtendI32S, I::I64Const(0), cmp_i64(c)]);
        }
        And => code.push(I::I32And),
        Or => code.push(I::I32Or),
        Not => code.push(I::I32Eqz),
        Concat => code.extend([I::I32Const(1), I::Call(b.helper(Helper::Concat)?)]),
        IntToString => code.push(I::Call(b.helper(Helper::IntToString)?)),
        DtPart(part) => code.extend([I::I32Const(part as i32), I::Call(b.helper(Helper::DateTime(DtOp::Part))?)]),
        DtAdd(unit) => {
            // dt + n * unit, both checked.
            code.extend([I::I64Const(unit), I::Call(b.helper(Helper::IntMul)?)]);
            emit_compute(b, frame, IntAdd, &[], code)?;
        }
        DtDiff => {
            emit_compute(b, frame, IntSub, &[], code)?;
            code.extend([I::I64Const(1000), I::I64DivS]);
        }
        DtFormat => code.push(I::Call(b.helper(Helper::DateTime(DtOp::Format))?)),
        DtToString => {
            let iso = b.data.intern(ISO_8601);
            code.extend([I::I32Const(iso as i32), I::I32Const(ISO_8601.len() as i32)]);
            code.push(I::Call(b.helper(Helper::DateTime(DtOp::Format))?));
        }
        ParseFloat => code.push(I::Call(b.helper(Helper::Float(super::float_text::FloatText::Parse))?)),
        ParseInt => code.push(I::Call(b.helper(Helper::Text(TextOp::ParseInt))?)),
        FloatToString => code.push(I::Call(b.helper(Helper::Float(super::float_text::FloatText::ToString))?)),
        BoolToString => {
            let (t, f) = (b.data.intern("true"), b.data.intern("false"));
            let x = frame.scratch(ValType::I32);
            code.extend([
                I::LocalSet(x),
                I::I32Const(t as i32),
                I::I32Const(f as i32),
                I::LocalGet(x),
                I::Select,
                I::I32Const(4),
                I::I32Const(5),
                I::LocalGet(x),
                I::Select,
            ]);
        }
        StrLen => code.push(I::Call(b.helper(Helper::StrLen)?)),
        ByteLen => {
            let len = frame.scratch(ValType::I32);
            code.extend([I::LocalSet(len), I::Drop, I::LocalGet(len), I::I64ExtendI32U]);
        }
        BytesLen | BytesIsEmpty | BytesGet | BytesSlice | BytesConcat | BytesToString | BytesToHex | BytesToBase64 => {
            super::bytes::emit_bytes(b, frame, &op, code)?
        }
        // Lists, maps, and compound values.
        other => emit_data(b, frame, other, args, code)?,
    }
    Ok(())
}

/// Allocates `size` bytes from the arena into a fresh local (returned).
pub(super) fn allocate(
    b: &mut Builder,
    frame: &mut Frame,
    size: u32,
    align: u32,
    code: &mut Vec<I<'static>>,
) -> Result<u32, String> {
    let alloc = b.helper(Helper::Alloc)?;
    let p = frame.scratch(ValType::I32);
    code.extend([I::I32Const(size.max(1) as i32), I::I32Const(align as i32), I::Call(alloc), I::LocalSet(p)]);
    Ok(p)
}

/// How a map with these key and value types lays out its entries; `None` when keys do not compare.
pub(super) fn entry(b: &Builder, k: &Type, v: &Type) -> Option<Entry> {
    let key = ElemKind::of(k)?;
    let (voff, stride, align) = b.abi().entry(k, v);
    let (vsize, _) = b.abi().size_align(v);
    Some(Entry { key, stride, voff, vsize, align })
}
