//! `parse_float` (LANGUAGE-DECISIONS 18): text to the nearest Float, correctly rounded (ties to
//! even), by exact big-integer arithmetic. Accepted: an optional sign, digits with an optional
//! `.` (at least one digit in all), an optional exponent (`e`/`E`, optional sign, digits), and the
//! texts `to_string` prints for the special values (`inf`, `-inf`, `NaN`). Anything else stops
//! with `invalid number`. The first 400 significant digits are exact; later ones only say whether
//! the value lies above the truncated one (enough for any text a program prints).
//!
//! Method: the digits form an integer D and the text a decimal exponent e. For e >= 0, D * 10^e is
//! exact and its top 57 bits are taken; for e < 0, D * 2^k is divided by 10^-e for a quotient of
//! 56 or 57 bits. The remainder or the bits below say whether anything is left (the sticky bit),
//! and the quotient is rounded to 53 bits, or fewer for subnormals.

use super::float_text::FloatText;
use super::helpers::add_to;
use super::*;

const MAX_DIGITS: i32 = 400;

impl Builder<'_> {
    pub(super) fn parse_float_body(&mut self, code: &mut Vec<I<'static>>) -> Result<Vec<ValType>, String> {
        use ValType::{I32, I64};
        let f = |b: &mut Self, t: FloatText| b.helper(Helper::Float(t));
        let (set, mul, add_small, shl, pow10, cmp, sub) = (
            f(self, FloatText::Set)?,
            f(self, FloatText::MulSmall)?,
            f(self, FloatText::AddSmall)?,
            f(self, FloatText::Shl)?,
            f(self, FloatText::MulPow10)?,
            f(self, FloatText::Cmp)?,
            f(self, FloatText::Sub)?,
        );
        let (bitlen, bits_at, low) =
            (f(self, FloatText::BitLen)?, f(self, FloatText::Bits)?, f(self, FloatText::LowNonzero)?);
        let str_eq = self.helper(Helper::StrEq)?;
        let invalid = self.helper(Helper::Trap(Fault::InvalidNumber))?;
        let bn = 80 * 4;
        let (global, offset) = self.scratch(3 * bn);
        let specials: Vec<(u32, i32, u64)> =
            [("inf", f64::INFINITY), ("+inf", f64::INFINITY), ("-inf", f64::NEG_INFINITY), ("NaN", f64::NAN)]
                .iter()
                .map(|(t, v)| (self.data.intern(t), t.len() as i32, v.to_bits()))
                .collect();
        let (p, l) = (0, 1);
        let [i, c, neg, digits, seen, dot, sticky, k, r, s, t, j, keep, drop] =
            [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];
        let [e, ex, q, bits, m, rest, half] = [16, 17, 18, 19, 20, 21, 22];
        let mut locals = vec![I32; 14];
        locals.extend([I64; 7]);
        let fail = |code: &mut Vec<I<'static>>| code.push(I::Call(invalid));
        let byte = |code: &mut Vec<I<'static>>| {
            code.extend([I::LocalGet(p), I::LocalGet(i), I::I32Add, I::I32Load8U(mem(0, 0))])
        };
        // Return the Float with these bits, signed by `neg`.
        let ret_bits = |code: &mut Vec<I<'static>>| {
            code.extend([
                I::LocalGet(bits),
                I::LocalGet(neg),
                I::I64ExtendI32U,
                I::I64Const(63),
                I::I64Shl,
                I::I64Or,
                I::F64ReinterpretI64,
                I::Return,
            ]);
        };
        code.extend([
            I::GlobalGet(global),
            I::I32Const(offset as i32),
            I::I32Add,
            I::LocalTee(r),
            I::I32Const(bn as i32),
            I::I32Add,
            I::LocalTee(s),
        ]);
        code.extend([I::I32Const(bn as i32), I::I32Add, I::LocalSet(t), I::LocalGet(r), I::I64Const(0), I::Call(set)]);
        for (at, len, value) in specials {
            code.extend([
                I::LocalGet(p),
                I::LocalGet(l),
                I::I32Const(at as i32),
                I::I32Const(len),
                I::Call(str_eq),
                I::If(BlockType::Empty),
            ]);
            code.extend([I::F64Const(f64::from_bits(value).into()), I::Return, I::End]);
        }
        // sign
        code.extend([I::LocalGet(l), I::If(BlockType::Empty)]);
        byte(code);
        code.extend([
            I::LocalTee(c),
            I::I32Const(b'-' as i32),
            I::I32Eq,
            I::LocalTee(neg),
            I::LocalGet(c),
            I::I32Const(b'+' as i32),
            I::I32Eq,
            I::I32Or,
            I::LocalSet(i),
            I::End,
        ]);
        // mantissa digits
        code.extend([
            I::Block(BlockType::Empty),
            I::Loop(BlockType::Empty),
            I::LocalGet(i),
            I::LocalGet(l),
            I::I32GeU,
            I::BrIf(1),
        ]);
        byte(code);
        code.extend([
            I::LocalTee(c),
            I::I32Const(b'.' as i32),
            I::I32Eq,
            I::If(BlockType::Empty),
            I::LocalGet(dot),
            I::If(BlockType::Empty),
        ]);
        fail(code);
        code.extend([I::End, I::I32Const(1), I::LocalSet(dot)]);
        code.extend(add_to(i, I::I32Const(1)));
        code.extend([I::Br(1), I::End]);
        code.extend([
            I::LocalGet(c),
            I::I32Const(b'0' as i32),
            I::I32Sub,
            I::LocalTee(c),
            I::I32Const(10),
            I::I32GeU,
            I::BrIf(1),
        ]);
        code.extend([I::I32Const(1), I::LocalSet(seen)]);
        // a significant digit (not a leading zero) within the exact limit goes into D
        code.extend([
            I::LocalGet(digits),
            I::LocalGet(c),
            I::I32Or,
            I::If(BlockType::Empty),
            I::LocalGet(digits),
            I::I32Const(MAX_DIGITS),
            I::I32LtS,
            I::If(BlockType::Empty),
            I::LocalGet(r),
            I::I64Const(10),
            I::Call(mul),
            I::LocalGet(r),
            I::LocalGet(c),
            I::I64ExtendI32U,
            I::Call(add_small),
        ]);
        code.extend(add_to(digits, I::I32Const(1)));
        code.extend([
            I::LocalGet(dot),
            I::If(BlockType::Empty),
            I::LocalGet(e),
            I::I64Const(1),
            I::I64Sub,
            I::LocalSet(e),
            I::End,
        ]);
        code.extend([I::Else]);
        // beyond the limit: only whether something is there, and the place value
        code.extend([I::LocalGet(sticky), I::LocalGet(c), I::I32Const(0), I::I32Ne, I::I32Or, I::LocalSet(sticky)]);
        code.extend([
            I::LocalGet(dot),
            I::I32Eqz,
            I::If(BlockType::Empty),
            I::LocalGet(e),
            I::I64Const(1),
            I::I64Add,
            I::LocalSet(e),
            I::End,
        ]);
        code.extend([I::End, I::Else]);
        // a leading zero after the point still moves the point
        code.extend([
            I::LocalGet(dot),
            I::If(BlockType::Empty),
            I::LocalGet(e),
            I::I64Const(1),
            I::I64Sub,
            I::LocalSet(e),
            I::End,
            I::End,
        ]);
        code.extend(add_to(i, I::I32Const(1)));
        code.extend([I::Br(0), I::End, I::End]);
        code.extend([I::LocalGet(seen), I::I32Eqz, I::If(BlockType::Empty)]);
        fail(code);
        code.push(I::End);
        // exponent
        code.extend([I::LocalGet(i), I::LocalGet(l), I::I32LtU, I::If(BlockType::Empty)]);
        byte(code);
        code.extend([I::I32Const(0x20), I::I32Or, I::I32Const(b'e' as i32), I::I32Ne, I::If(BlockType::Empty)]);
        fail(code);
        code.push(I::End);
        code.extend(add_to(i, I::I32Const(1)));
        code.extend([
            I::I32Const(0),
            I::LocalSet(c),
            I::LocalGet(i),
            I::LocalGet(l),
            I::I32LtU,
            I::If(BlockType::Empty),
        ]);
        byte(code);
        code.extend([
            I::LocalTee(c),
            I::I32Const(b'-' as i32),
            I::I32Eq,
            I::LocalGet(c),
            I::I32Const(b'+' as i32),
            I::I32Eq,
            I::I32Or,
            I::If(BlockType::Empty),
        ]);
        code.extend(add_to(i, I::I32Const(1)));
        code.extend([I::End, I::End]);
        // c is '-' for a negative exponent; at least one digit follows
        code.extend([I::LocalGet(i), I::LocalGet(l), I::I32GeU, I::If(BlockType::Empty)]);
        fail(code);
        code.push(I::End);
        code.extend([
            I::Block(BlockType::Empty),
            I::Loop(BlockType::Empty),
            I::LocalGet(i),
            I::LocalGet(l),
            I::I32GeU,
            I::BrIf(1),
        ]);
        byte(code);
        code.extend([
            I::I32Const(b'0' as i32),
            I::I32Sub,
            I::LocalTee(j),
            I::I32Const(10),
            I::I32GeU,
            I::If(BlockType::Empty),
        ]);
        fail(code);
        code.push(I::End);
        // a huge exponent stops growing: the value is already out of range either way
        code.extend([
            I::LocalGet(ex),
            I::I64Const(100_000),
            I::I64LtS,
            I::If(BlockType::Empty),
            I::LocalGet(ex),
            I::I64Const(10),
            I::I64Mul,
            I::LocalGet(j),
            I::I64ExtendI32U,
            I::I64Add,
            I::LocalSet(ex),
            I::End,
        ]);
        code.extend(add_to(i, I::I32Const(1)));
        code.extend([I::Br(0), I::End, I::End]);
        code.extend([
            I::LocalGet(e),
            I::I64Const(0),
            I::LocalGet(ex),
            I::I64Sub,
            I::LocalGet(ex),
            I::LocalGet(c),
            I::I32Const(b'-' as i32),
            I::I32Eq,
            I::Select,
            I::I64Add,
            I::LocalSet(e),
            I::End,
        ]);
        // zero, and values far outside the range
        code.extend([I::LocalGet(digits), I::I32Eqz, I::If(BlockType::Empty), I::I64Const(0), I::LocalSet(bits)]);
        ret_bits(code);
        code.extend([
            I::End,
            I::LocalGet(digits),
            I::I64ExtendI32U,
            I::LocalGet(e),
            I::I64Add,
            I::I64Const(310),
            I::I64GtS,
            I::If(BlockType::Empty),
        ]);
        code.extend([I::I64Const(f64::INFINITY.to_bits() as i64), I::LocalSet(bits)]);
        ret_bits(code);
        code.extend([
            I::End,
            I::LocalGet(digits),
            I::I64ExtendI32U,
            I::LocalGet(e),
            I::I64Add,
            I::I64Const(-330),
            I::I64LtS,
            I::If(BlockType::Empty),
        ]);
        code.extend([I::I64Const(0), I::LocalSet(bits)]);
        ret_bits(code);
        code.push(I::End);
        // q (56 or 57 bits, or all of a small integer) with q * 2^-k = D * 10^e, and the sticky bit
        code.extend([I::LocalGet(e), I::I64Const(0), I::I64GeS, I::If(BlockType::Empty)]);
        code.extend([
            I::LocalGet(r),
            I::LocalGet(e),
            I::I32WrapI64,
            I::Call(pow10),
            I::LocalGet(r),
            I::Call(bitlen),
            I::LocalTee(j),
            I::I32Const(57),
            I::I32LeS,
        ]);
        code.extend([
            I::If(BlockType::Empty),
            I::LocalGet(r),
            I::I32Const(0),
            I::Call(bits_at),
            I::LocalSet(q),
            I::I32Const(0),
            I::LocalSet(k),
            I::Else,
        ]);
        code.extend([
            I::LocalGet(j),
            I::I32Const(57),
            I::I32Sub,
            I::LocalSet(j),
            I::LocalGet(r),
            I::LocalGet(j),
            I::Call(bits_at),
            I::LocalSet(q),
        ]);
        code.extend([
            I::LocalGet(sticky),
            I::LocalGet(r),
            I::LocalGet(j),
            I::Call(low),
            I::I32Or,
            I::LocalSet(sticky),
            I::I32Const(0),
            I::LocalGet(j),
            I::I32Sub,
            I::LocalSet(k),
            I::End,
        ]);
        code.push(I::Else);
        code.extend([
            I::LocalGet(s),
            I::I64Const(1),
            I::Call(set),
            I::LocalGet(s),
            I::I32Const(0),
            I::LocalGet(e),
            I::I32WrapI64,
            I::I32Sub,
            I::Call(pow10),
        ]);
        code.extend([
            I::I32Const(56),
            I::LocalGet(r),
            I::Call(bitlen),
            I::I32Sub,
            I::LocalGet(s),
            I::Call(bitlen),
            I::I32Add,
            I::LocalTee(k),
            I::I32Const(0),
            I::I32GeS,
            I::If(BlockType::Empty),
            I::LocalGet(r),
            I::LocalGet(k),
            I::Call(shl),
            I::Else,
            I::LocalGet(s),
            I::I32Const(0),
            I::LocalGet(k),
            I::I32Sub,
            I::Call(shl),
            I::End,
        ]);
        // long division, one quotient bit at a time
        code.extend([I::I32Const(58), I::LocalSet(j), I::Loop(BlockType::Empty)]);
        code.extend([
            I::LocalGet(t),
            I::LocalGet(s),
            I::I32Const(bn as i32),
            I::MemoryCopy { src_mem: 0, dst_mem: 0 },
            I::LocalGet(t),
            I::LocalGet(j),
            I::Call(shl),
        ]);
        code.extend([
            I::LocalGet(r),
            I::LocalGet(t),
            I::Call(cmp),
            I::I32Const(0),
            I::I32GeS,
            I::If(BlockType::Empty),
            I::LocalGet(r),
            I::LocalGet(r),
            I::LocalGet(t),
            I::Call(sub),
            I::LocalGet(q),
            I::I64Const(1),
            I::LocalGet(j),
            I::I64ExtendI32U,
            I::I64Shl,
            I::I64Or,
            I::LocalSet(q),
            I::End,
            I::LocalGet(j),
            I::I32Const(1),
            I::I32Sub,
            I::LocalTee(j),
            I::I32Const(0),
            I::I32GeS,
            I::BrIf(0),
            I::End,
        ]);
        code.extend([
            I::LocalGet(sticky),
            I::LocalGet(r),
            I::Call(bitlen),
            I::I32Const(0),
            I::I32Ne,
            I::I32Or,
            I::LocalSet(sticky),
            I::End,
        ]);
        // Round q * 2^-k to `keep` bits: 53, or fewer below the normal range.
        // j = binary exponent of q's top bit
        code.extend([
            I::I32Const(63),
            I::LocalGet(q),
            I::I64Clz,
            I::I32WrapI64,
            I::I32Sub,
            I::LocalGet(k),
            I::I32Sub,
            I::LocalTee(j),
        ]);
        code.extend([
            I::I32Const(-1022),
            I::I32GeS,
            I::If(BlockType::Result(I32)),
            I::I32Const(53),
            I::Else,
            I::LocalGet(j),
            I::I32Const(1075),
            I::I32Add,
            I::End,
            I::LocalSet(keep),
        ]);
        // drop = bits of q - keep
        code.extend([
            I::I32Const(64),
            I::LocalGet(q),
            I::I64Clz,
            I::I32WrapI64,
            I::I32Sub,
            I::LocalGet(keep),
            I::I32Sub,
            I::LocalTee(drop),
        ]);
        code.extend([
            I::I32Const(63),
            I::I32GtS,
            I::LocalGet(keep),
            I::I32Const(0),
            I::I32LtS,
            I::I32Or,
            I::If(BlockType::Empty),
            I::I64Const(0),
            I::LocalSet(bits),
        ]);
        ret_bits(code);
        code.extend([I::End, I::LocalGet(drop), I::I32Const(0), I::I32LeS, I::If(BlockType::Empty)]);
        code.extend([
            I::LocalGet(q),
            I::I32Const(0),
            I::LocalGet(drop),
            I::I32Sub,
            I::I64ExtendI32U,
            I::I64Shl,
            I::LocalSet(m),
            I::Else,
        ]);
        code.extend([
            I::LocalGet(q),
            I::LocalGet(drop),
            I::I64ExtendI32U,
            I::I64ShrU,
            I::LocalSet(m),
            I::LocalGet(q),
            I::I64Const(1),
            I::LocalGet(drop),
            I::I64ExtendI32U,
            I::I64Shl,
            I::I64Const(1),
            I::I64Sub,
            I::I64And,
            I::LocalSet(rest),
            I::I64Const(1),
            I::LocalGet(drop),
            I::I32Const(1),
            I::I32Sub,
            I::I64ExtendI32U,
            I::I64Shl,
            I::LocalSet(half),
            // up when above half, or at half with anything below or an odd m (ties to even)
            I::LocalGet(rest),
            I::LocalGet(half),
            I::I64GtU,
            I::LocalGet(rest),
            I::LocalGet(half),
            I::I64Eq,
            I::LocalGet(sticky),
            I::LocalGet(m),
            I::I32WrapI64,
            I::I32Const(1),
            I::I32And,
            I::I32Or,
            I::I32And,
            I::I32Or,
            I::I64ExtendI32U,
            I::LocalGet(m),
            I::I64Add,
            I::LocalSet(m),
            I::End,
        ]);
        // normal: ((j + 1022) << 52) + m (m holds the hidden bit; a carry moves into the exponent);
        // subnormal: m itself; past the top of the range: infinity
        code.extend([
            I::LocalGet(m),
            I::LocalGet(j),
            I::I32Const(1022),
            I::I32Add,
            I::I64ExtendI32S,
            I::I64Const(52),
            I::I64Shl,
            I::LocalGet(m),
            I::I64Add,
            I::LocalGet(keep),
            I::I32Const(53),
            I::I32Ne,
            I::Select,
            I::LocalTee(bits),
            I::I64Const(f64::INFINITY.to_bits() as i64),
            I::I64GeU,
            I::If(BlockType::Empty),
            I::I64Const(f64::INFINITY.to_bits() as i64),
            I::LocalSet(bits),
            I::End,
        ]);
        ret_bits(code);
        code.push(I::Unreachable);
        Ok(locals)
    }
}
