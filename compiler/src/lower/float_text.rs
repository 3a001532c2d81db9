//! `to_string` of a Float (LANGUAGE-DECISIONS 12): the shortest decimal text that reads back to the
//! same value, always with a `.` or an exponent (`2.0`, `0.1`, `1e21`, `1.5e-7`), and `NaN`,
//! `inf`, `-inf`. Digits come from the Burger & Dybvig free-format algorithm ("Printing
//! floating-point numbers quickly and accurately", 1996) on exact big integers, so every double
//! prints correctly, subnormals and extremes included. Plain notation is used for decimal
//! exponents from -6 to 20, as JavaScript does.
//!
//! Big integers are 80 little-endian 32-bit limbs (2,560 bits: printing needs about 1,140 for the
//! smallest subnormal, parsing up to about 2,460 for 400 significant digits) in static scratch
//! memory, not in the arena, so converting many floats in one run uses no memory.

use super::helpers::{HelperSig, add_to};
use super::*;

const LIMBS: i32 = 80;
const BN: u32 = (LIMBS * 4) as u32;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) enum FloatText {
    /// (dst, v: i64): dst = v.
    Set,
    /// (dst, k: i64 < 2^32): dst *= k.
    MulSmall,
    /// (dst, x, y): dst = x + y.
    Add,
    /// (dst, x, y): dst = x - y, for x >= y.
    Sub,
    /// (x, y) -> -1, 0 or 1.
    Cmp,
    /// (dst, bits): dst <<= bits.
    Shl,
    /// (dst, n): dst *= 10^n.
    MulPow10,
    /// (v: f64) -> (pointer, length).
    ToString,
    /// (dst, d: i64 < 2^32): dst += d.
    AddSmall,
    /// (x) -> the number of significant bits.
    BitLen,
    /// (x, shift) -> bits shift..shift+64 of x, as an i64.
    Bits,
    /// (x, shift) -> whether any of the bits below `shift` is set.
    LowNonzero,
    /// (p, len) -> the Float the text denotes, correctly rounded (see float_parse.rs).
    Parse,
}

impl FloatText {
    pub(super) fn name(self) -> &'static str {
        match self {
            FloatText::Set => "bignum_set",
            FloatText::MulSmall => "bignum_mul_small",
            FloatText::Add => "bignum_add",
            FloatText::Sub => "bignum_sub",
            FloatText::Cmp => "bignum_cmp",
            FloatText::Shl => "bignum_shl",
            FloatText::MulPow10 => "bignum_mul_pow10",
            FloatText::ToString => "float_to_string",
            FloatText::AddSmall => "bignum_add_small",
            FloatText::BitLen => "bignum_bit_len",
            FloatText::Bits => "bignum_bits",
            FloatText::LowNonzero => "bignum_low_nonzero",
            FloatText::Parse => "parse_float",
        }
    }
}

/// Limb `i` (an i32 local) of the big integer at address local `a`, as an unsigned i64.
fn limb(a: u32, i: u32) -> [I<'static>; 6] {
    [I::LocalGet(a), I::LocalGet(i), I::I32Const(4), I::I32Mul, I::I32Add, I::I64Load32U(mem(0, 2))]
}

/// Address of limb `i` of `a`.
fn limb_addr(a: u32, i: u32) -> [I<'static>; 5] {
    [I::LocalGet(a), I::LocalGet(i), I::I32Const(4), I::I32Mul, I::I32Add]
}

/// `for i in 0..LIMBS { body }` with `i` an i32 local starting at 0.
fn each_limb(i: u32, body: Vec<I<'static>>, code: &mut Vec<I<'static>>) {
    code.extend([I::I32Const(0), I::LocalSet(i), I::Loop(BlockType::Empty)]);
    code.extend(body);
    code.extend(add_to(i, I::I32Const(1)));
    code.extend([I::LocalGet(i), I::I32Const(LIMBS), I::I32LtU, I::BrIf(0), I::End]);
}

impl Builder<'_> {
    pub(super) fn float_text_helper(&mut self, op: FloatText, code: &mut Vec<I<'static>>) -> Result<HelperSig, String> {
        use ValType::{F64, I32, I64};
        Ok(match op {
            FloatText::Set => {
                let (dst, v) = (0, 1);
                code.extend([
                    I::LocalGet(dst),
                    I::I32Const(0),
                    I::I32Const(BN as i32),
                    I::MemoryFill(0),
                    I::LocalGet(dst),
                    I::LocalGet(v),
                    I::I64Store(mem(0, 2)),
                ]);
                (vec![I32, I64], vec![], vec![])
            }
            FloatText::MulSmall => {
                let (dst, k, i, carry) = (0, 1, 2, 3);
                let mut body = vec![];
                body.extend(limb_addr(dst, i));
                body.extend(limb(dst, i));
                body.extend([
                    I::LocalGet(k),
                    I::I64Mul,
                    I::LocalGet(carry),
                    I::I64Add,
                    I::LocalTee(carry),
                    I::I64Store32(mem(0, 2)),
                    I::LocalGet(carry),
                    I::I64Const(32),
                    I::I64ShrU,
                    I::LocalSet(carry),
                ]);
                each_limb(i, body, code);
                (vec![I32, I64], vec![], vec![I32, I64])
            }
            FloatText::Add | FloatText::Sub => {
                let (dst, x, y, i, t) = (0, 1, 2, 3, 4);
                let mut body = vec![];
                body.extend(limb_addr(dst, i));
                body.extend(limb(x, i));
                body.extend(limb(y, i));
                if op == FloatText::Add {
                    // t = x + y + carry (carry kept in t's high half from the previous limb)
                    body.extend([I::I64Add, I::LocalGet(t), I::I64Const(32), I::I64ShrU, I::I64Add, I::LocalTee(t)]);
                } else {
                    // t = x - y - borrow, where borrow is 1 when the previous t was negative
                    body.extend([I::I64Sub, I::LocalGet(t), I::I64Const(63), I::I64ShrU, I::I64Sub, I::LocalTee(t)]);
                }
                body.push(I::I64Store32(mem(0, 2)));
                each_limb(i, body, code);
                (vec![I32; 3], vec![], vec![I32, I64])
            }
            FloatText::Cmp => {
                let (x, y, i, a, b) = (0, 1, 2, 3, 4);
                code.extend([I::I32Const(LIMBS), I::LocalSet(i), I::Loop(BlockType::Empty)]);
                code.extend([I::LocalGet(i), I::I32Const(1), I::I32Sub, I::LocalSet(i)]);
                code.extend(limb(x, i));
                code.push(I::LocalSet(a));
                code.extend(limb(y, i));
                code.extend([
                    I::LocalTee(b),
                    I::LocalGet(a),
                    I::I64Ne,
                    I::If(BlockType::Empty),
                    I::I32Const(1),
                    I::I32Const(-1),
                    I::LocalGet(a),
                    I::LocalGet(b),
                    I::I64GtU,
                    I::Select,
                    I::Return,
                    I::End,
                    I::LocalGet(i),
                    I::BrIf(0),
                    I::End,
                    I::I32Const(0),
                ]);
                (vec![I32, I32], vec![I32], vec![I32, I64, I64])
            }
            FloatText::Shl => {
                let mul = self.helper(Helper::Float(FloatText::MulSmall))?;
                let (dst, bits, s) = (0, 1, 2);
                code.extend([
                    I::Block(BlockType::Empty),
                    I::Loop(BlockType::Empty),
                    I::LocalGet(bits),
                    I::I32Const(0),
                    I::I32LeS,
                    I::BrIf(1),
                    // s = min(bits, 31)
                    I::LocalGet(bits),
                    I::I32Const(31),
                    I::LocalGet(bits),
                    I::I32Const(31),
                    I::I32LtS,
                    I::Select,
                    I::LocalSet(s),
                    I::LocalGet(dst),
                    I::I64Const(1),
                    I::LocalGet(s),
                    I::I64ExtendI32U,
                    I::I64Shl,
                    I::Call(mul),
                    I::LocalGet(bits),
                    I::LocalGet(s),
                    I::I32Sub,
                    I::LocalSet(bits),
                    I::Br(0),
                    I::End,
                    I::End,
                ]);
                (vec![I32, I32], vec![], vec![I32])
            }
            FloatText::MulPow10 => {
                let mul = self.helper(Helper::Float(FloatText::MulSmall))?;
                let (dst, n, p) = (0, 1, 2);
                code.extend([
                    I::Block(BlockType::Empty),
                    I::Loop(BlockType::Empty),
                    I::LocalGet(n),
                    I::I32Const(9),
                    I::I32LtS,
                    I::BrIf(1),
                    I::LocalGet(dst),
                    I::I64Const(1_000_000_000),
                    I::Call(mul),
                    I::LocalGet(n),
                    I::I32Const(9),
                    I::I32Sub,
                    I::LocalSet(n),
                    I::Br(0),
                    I::End,
                    I::End,
                    I::I64Const(1),
                    I::LocalSet(p),
                    I::Block(BlockType::Empty),
                    I::Loop(BlockType::Empty),
                    I::LocalGet(n),
                    I::I32Const(0),
                    I::I32LeS,
                    I::BrIf(1),
                    I::LocalGet(p),
                    I::I64Const(10),
                    I::I64Mul,
                    I::LocalSet(p),
                    I::LocalGet(n),
                    I::I32Const(1),
                    I::I32Sub,
                    I::LocalSet(n),
                    I::Br(0),
                    I::End,
                    I::End,
                    I::LocalGet(dst),
                    I::LocalGet(p),
                    I::Call(mul),
                ]);
                (vec![I32, I32], vec![], vec![I64])
            }
            FloatText::ToString => {
                let locals = self.float_to_string_body(code)?;
                (vec![F64], vec![I32, I32], locals)
            }
            FloatText::AddSmall => {
                let (dst, carry, i) = (0, 1, 2);
                code.extend([
                    I::Block(BlockType::Empty),
                    I::Loop(BlockType::Empty),
                    I::LocalGet(carry),
                    I::I64Eqz,
                    I::BrIf(1),
                ]);
                code.extend(limb_addr(dst, i));
                code.extend(limb(dst, i));
                code.extend([
                    I::LocalGet(carry),
                    I::I64Add,
                    I::LocalTee(carry),
                    I::I64Store32(mem(0, 2)),
                    I::LocalGet(carry),
                    I::I64Const(32),
                    I::I64ShrU,
                    I::LocalSet(carry),
                ]);
                code.extend(add_to(i, I::I32Const(1)));
                code.extend([I::LocalGet(i), I::I32Const(LIMBS), I::I32GeU, I::BrIf(1), I::Br(0), I::End, I::End]);
                (vec![I32, I64], vec![], vec![I32])
            }
            FloatText::BitLen => {
                // the highest nonzero limb: 32 * index + its bit length
                let (x, i) = (0, 1);
                code.extend([
                    I::I32Const(LIMBS),
                    I::LocalSet(i),
                    I::Block(BlockType::Empty),
                    I::Loop(BlockType::Empty),
                ]);
                code.extend([
                    I::LocalGet(i),
                    I::I32Eqz,
                    I::BrIf(1),
                    I::LocalGet(i),
                    I::I32Const(1),
                    I::I32Sub,
                    I::LocalSet(i),
                ]);
                code.extend(limb_addr(x, i));
                code.extend([
                    I::I32Load(mem(0, 2)),
                    I::I32Eqz,
                    I::BrIf(0),
                    I::LocalGet(i),
                    I::I32Const(32),
                    I::I32Mul,
                    I::I32Const(32),
                    I::I32Add,
                ]);
                code.extend(limb_addr(x, i));
                code.extend([I::I32Load(mem(0, 2)), I::I32Clz, I::I32Sub, I::Return, I::End, I::End, I::I32Const(0)]);
                (vec![I32], vec![I32], vec![I32])
            }
            FloatText::Bits => {
                // (limb2:limb1:limb0) >> s at limb w = shift / 32, s = shift % 32; limbs past the
                // number's end are 0.
                let (x, shift, w) = (0, 1, 2);
                code.extend([
                    I::LocalGet(x),
                    I::LocalGet(shift),
                    I::I32Const(5),
                    I::I32ShrU,
                    I::I32Const(4),
                    I::I32Mul,
                    I::I32Add,
                    I::LocalSet(w),
                ]);
                let part = |code: &mut Vec<I<'static>>, k: i32| {
                    code.extend([
                        I::LocalGet(shift),
                        I::I32Const(5),
                        I::I32ShrU,
                        I::I32Const(k),
                        I::I32Add,
                        I::I32Const(LIMBS),
                        I::I32LtU,
                        I::If(BlockType::Result(I64)),
                        I::LocalGet(w),
                        I::I64Load32U(mem(k as u64 * 4, 2)),
                        I::Else,
                        I::I64Const(0),
                        I::End,
                    ]);
                };
                let s = || [I::LocalGet(shift), I::I32Const(31), I::I32And, I::I64ExtendI32U];
                part(code, 0);
                code.extend(s());
                code.push(I::I64ShrU);
                part(code, 1);
                code.push(I::I64Const(32));
                code.extend(s());
                code.extend([I::I64Sub, I::I64Shl, I::I64Or]);
                // the third limb counts only when s > 0 (a wasm shift by 64 is a shift by 0)
                part(code, 2);
                code.push(I::I64Const(64));
                code.extend(s());
                code.extend([I::I64Sub, I::I64Shl, I::I64Const(0)]);
                code.extend([I::LocalGet(shift), I::I32Const(31), I::I32And, I::Select, I::I64Or]);
                (vec![I32, I32], vec![I64], vec![I32])
            }
            FloatText::LowNonzero => {
                // any whole limb below shift / 32, or the low shift % 32 bits of the next
                let (x, shift, i) = (0, 1, 2);
                code.extend([
                    I::Block(BlockType::Empty),
                    I::Loop(BlockType::Empty),
                    I::LocalGet(i),
                    I::LocalGet(shift),
                    I::I32Const(5),
                    I::I32ShrU,
                    I::I32GeU,
                    I::BrIf(1),
                ]);
                code.extend(limb_addr(x, i));
                code.extend([I::I32Load(mem(0, 2)), I::If(BlockType::Empty), I::I32Const(1), I::Return, I::End]);
                code.extend(add_to(i, I::I32Const(1)));
                code.extend([I::Br(0), I::End, I::End]);
                code.extend([
                    I::LocalGet(i),
                    I::I32Const(LIMBS),
                    I::I32GeU,
                    I::If(BlockType::Empty),
                    I::I32Const(0),
                    I::Return,
                    I::End,
                ]);
                code.extend(limb_addr(x, i));
                code.extend([
                    I::I32Load(mem(0, 2)),
                    I::I32Const(1),
                    I::LocalGet(shift),
                    I::I32Const(31),
                    I::I32And,
                    I::I32Shl,
                    I::I32Const(1),
                    I::I32Sub,
                    I::I32And,
                    I::I32Const(0),
                    I::I32Ne,
                ]);
                (vec![I32, I32], vec![I32], vec![I32])
            }
            FloatText::Parse => {
                let locals = self.parse_float_body(code)?;
                (vec![I32, I32], vec![F64], locals)
            }
        })
    }

    fn float_to_string_body(&mut self, code: &mut Vec<I<'static>>) -> Result<Vec<ValType>, String> {
        use ValType::{I32, I64};
        let set = self.helper(Helper::Float(FloatText::Set))?;
        let mul = self.helper(Helper::Float(FloatText::MulSmall))?;
        let add = self.helper(Helper::Float(FloatText::Add))?;
        let sub = self.helper(Helper::Float(FloatText::Sub))?;
        let cmp = self.helper(Helper::Float(FloatText::Cmp))?;
        let shl = self.helper(Helper::Float(FloatText::Shl))?;
        let pow10 = self.helper(Helper::Float(FloatText::MulPow10))?;
        let alloc = self.helper(Helper::Alloc)?;
        let (global, offset) = self.scratch(5 * BN + 64);
        let texts: Vec<(u32, i32)> =
            ["NaN", "inf", "-inf", "0.0", "-0.0"].iter().map(|t| (self.data.intern(t), t.len() as i32)).collect();
        // Locals: v is the parameter.
        let v = 0;
        let [bits, f] = [1, 2];
        let [be, e, even, k, n, d, tc1, tc2, neg, r, s, mp, mm, t, dig, out, pos, x, i, len, lo] =
            [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23];
        let mut locals = vec![I64, I64];
        locals.extend([I32; 21]);
        let ret_text = |code: &mut Vec<I<'static>>, (at, l): (u32, i32)| {
            code.extend([I::I32Const(at as i32), I::I32Const(l), I::Return])
        };
        // Scratch addresses.
        code.extend([I::GlobalGet(global), I::I32Const(offset as i32), I::I32Add, I::LocalTee(r)]);
        for (local, nth) in [(s, 1), (mp, 2), (mm, 3), (t, 4), (dig, 5)] {
            code.extend([I::LocalGet(r), I::I32Const(nth * BN as i32), I::I32Add, I::LocalSet(local)]);
        }
        code.push(I::Drop);
        // Specials.
        code.extend([I::LocalGet(v), I::LocalGet(v), I::F64Ne, I::If(BlockType::Empty)]);
        ret_text(code, texts[0]);
        code.extend([
            I::End,
            I::LocalGet(v),
            I::I64ReinterpretF64,
            I::I64Const(63),
            I::I64ShrU,
            I::I32WrapI64,
            I::LocalSet(neg),
        ]);
        code.extend([
            I::LocalGet(v),
            I::F64Abs,
            I::F64Const(f64::INFINITY.into()),
            I::F64Eq,
            I::If(BlockType::Empty),
            I::LocalGet(neg),
            I::If(BlockType::Empty),
        ]);
        ret_text(code, texts[2]);
        code.push(I::End);
        ret_text(code, texts[1]);
        code.extend([
            I::End,
            I::LocalGet(v),
            I::F64Const(0.0.into()),
            I::F64Eq,
            I::If(BlockType::Empty),
            I::LocalGet(neg),
            I::If(BlockType::Empty),
        ]);
        ret_text(code, texts[4]);
        code.push(I::End);
        ret_text(code, texts[3]);
        code.push(I::End);
        // f and e with v = f * 2^e.
        code.extend([
            I::LocalGet(v),
            I::F64Abs,
            I::I64ReinterpretF64,
            I::LocalTee(bits),
            I::I64Const(52),
            I::I64ShrU,
            I::I32WrapI64,
            I::LocalTee(be),
            I::If(BlockType::Empty),
            I::LocalGet(bits),
            I::I64Const((1 << 52) - 1),
            I::I64And,
            I::I64Const(1 << 52),
            I::I64Or,
            I::LocalSet(f),
            I::LocalGet(be),
            I::I32Const(1075),
            I::I32Sub,
            I::LocalSet(e),
            I::Else,
            I::LocalGet(bits),
            I::LocalSet(f),
            I::I32Const(-1074),
            I::LocalSet(e),
            I::End,
            I::LocalGet(f),
            I::I64Const(1),
            I::I64And,
            I::I64Eqz,
            I::LocalSet(even),
        ]);
        // r, s, m+, m- (Burger & Dybvig, table 1). `lo` marks the unequal gaps at a power of two.
        code.extend([
            I::LocalGet(f),
            I::I64Const(1 << 52),
            I::I64Eq,
            I::LocalGet(be),
            I::I32Const(1),
            I::I32GtU,
            I::I32And,
            I::LocalSet(lo),
        ]);
        let set_to =
            |code: &mut Vec<I<'static>>, dst: u32, val: I<'static>| code.extend([I::LocalGet(dst), val, I::Call(set)]);
        let shift = |code: &mut Vec<I<'static>>, dst: u32, by: Vec<I<'static>>| {
            code.push(I::LocalGet(dst));
            code.extend(by);
            code.push(I::Call(shl));
        };
        set_to(code, r, I::LocalGet(f));
        set_to(code, mp, I::I64Const(1));
        set_to(code, mm, I::I64Const(1));
        code.extend([I::LocalGet(e), I::I32Const(0), I::I32GeS, I::If(BlockType::Empty)]);
        // e >= 0: r = f * 2^(e+1+lo), s = 2 << lo, m+ = 2^(e+lo), m- = 2^e
        shift(code, r, vec![I::LocalGet(e), I::I32Const(1), I::I32Add, I::LocalGet(lo), I::I32Add]);
        set_to(code, s, I::I64Const(2));
        shift(code, s, vec![I::LocalGet(lo)]);
        shift(code, mp, vec![I::LocalGet(e), I::LocalGet(lo), I::I32Add]);
        shift(code, mm, vec![I::LocalGet(e)]);
        code.push(I::Else);
        // e < 0: r = f * 2^(1+lo), s = 2^(1+lo-e), m+ = 2^lo, m- = 1
        shift(code, r, vec![I::I32Const(1), I::LocalGet(lo), I::I32Add]);
        set_to(code, s, I::I64Const(1));
        shift(code, s, vec![I::I32Const(1), I::LocalGet(lo), I::I32Add, I::LocalGet(e), I::I32Sub]);
        shift(code, mp, vec![I::LocalGet(lo)]);
        code.push(I::End);
        // k = ceil(log10(v) - 1e-10), estimated from floor(log2(v)); it is exact or one too small.
        code.extend([
            I::I32Const(63),
            I::LocalGet(f),
            I::I64Clz,
            I::I32WrapI64,
            I::I32Sub,
            I::LocalGet(e),
            I::I32Add,
            I::F64ConvertI32S,
            I::F64Const(std::f64::consts::LOG10_2.into()),
            I::F64Mul,
            I::F64Const(1e-10.into()),
            I::F64Sub,
            I::F64Ceil,
            I::I32TruncF64S,
            I::LocalTee(k),
            I::I32Const(0),
            I::I32GeS,
            I::If(BlockType::Empty),
            I::LocalGet(s),
            I::LocalGet(k),
            I::Call(pow10),
            I::Else,
        ]);
        for bn in [r, mp, mm] {
            code.extend([I::LocalGet(bn), I::I32Const(0), I::LocalGet(k), I::I32Sub, I::Call(pow10)]);
        }
        code.push(I::End);
        let times10 = |code: &mut Vec<I<'static>>| {
            for bn in [r, mp, mm] {
                code.extend([I::LocalGet(bn), I::I64Const(10), I::Call(mul)]);
            }
        };
        // high_ok (even) ? r + m+ >= s : r + m+ > s, as c compared with 0: c >= even ? 0 : 1
        let reaches_s = |code: &mut Vec<I<'static>>| {
            code.extend([
                I::LocalGet(t),
                I::LocalGet(r),
                I::LocalGet(mp),
                I::Call(add),
                I::LocalGet(t),
                I::LocalGet(s),
                I::Call(cmp),
                I::I32Const(1),
                I::LocalGet(even),
                I::I32Sub,
                I::I32GeS,
            ]);
        };
        // fixup: while r + m+ reaches s, k was too small (the estimate is never too large)
        code.extend([I::Block(BlockType::Empty), I::Loop(BlockType::Empty)]);
        reaches_s(code);
        code.extend([I::I32Eqz, I::BrIf(1)]);
        code.extend(add_to(k, I::I32Const(1)));
        code.extend([I::LocalGet(s), I::I64Const(10), I::Call(mul), I::Br(0), I::End, I::End]);
        times10(code);
        // generate the digits
        code.extend([I::I32Const(0), I::LocalSet(n), I::Block(BlockType::Empty), I::Loop(BlockType::Empty)]);
        code.extend([I::I32Const(0), I::LocalSet(d), I::Block(BlockType::Empty), I::Loop(BlockType::Empty)]);
        code.extend([I::LocalGet(r), I::LocalGet(s), I::Call(cmp), I::I32Const(0), I::I32LtS, I::BrIf(1)]);
        code.extend([I::LocalGet(r), I::LocalGet(r), I::LocalGet(s), I::Call(sub)]);
        code.extend(add_to(d, I::I32Const(1)));
        code.extend([I::Br(0), I::End, I::End]);
        // tc1: low_ok ? r <= m- : r < m-
        code.extend([
            I::LocalGet(r),
            I::LocalGet(mm),
            I::Call(cmp),
            I::LocalGet(even),
            I::I32Const(1),
            I::I32Sub,
            I::I32LeS,
            I::LocalSet(tc1),
        ]);
        reaches_s(code);
        code.extend([
            I::LocalSet(tc2),
            I::LocalGet(tc1),
            I::LocalGet(tc2),
            I::I32Or,
            I::I32Eqz,
            I::If(BlockType::Empty),
        ]);
        // neither: emit d, scale, continue
        code.extend([I::LocalGet(dig), I::LocalGet(n), I::I32Add, I::LocalGet(d), I::I32Store8(mem(0, 0))]);
        code.extend(add_to(n, I::I32Const(1)));
        times10(code);
        code.extend([I::Br(1), I::End]);
        // both: round by comparing 2r with s; only tc2: round up
        code.extend([I::LocalGet(tc1), I::LocalGet(tc2), I::I32And, I::If(BlockType::Empty)]);
        code.extend([
            I::LocalGet(t),
            I::LocalGet(r),
            I::LocalGet(r),
            I::Call(add),
            I::LocalGet(t),
            I::LocalGet(s),
            I::Call(cmp),
            I::I32Const(0),
            I::I32GeS,
            I::LocalGet(d),
            I::I32Add,
            I::LocalSet(d),
            I::Else,
            I::LocalGet(d),
            I::LocalGet(tc2),
            I::I32Add,
            I::LocalSet(d),
            I::End,
        ]);
        code.extend([I::LocalGet(dig), I::LocalGet(n), I::I32Add, I::LocalGet(d), I::I32Store8(mem(0, 0))]);
        code.extend(add_to(n, I::I32Const(1)));
        code.extend([I::Br(1), I::End, I::End]);
        // Format 0.D x 10^k into the scratch output area, then copy out exactly.
        // The digits occupy the first 32 bytes after the big integers; the text the next 32.
        let out_area = offset + 5 * BN + 32;
        code.extend([
            I::GlobalGet(global),
            I::I32Const(out_area as i32),
            I::I32Add,
            I::LocalSet(out),
            I::I32Const(0),
            I::LocalSet(pos),
        ]);
        let put = |code: &mut Vec<I<'static>>, byte: Vec<I<'static>>| {
            code.extend([I::LocalGet(out), I::LocalGet(pos), I::I32Add]);
            code.extend(byte);
            code.push(I::I32Store8(mem(0, 0)));
            code.extend(add_to(pos, I::I32Const(1)));
        };
        // digit i of D as ASCII
        let digit = |i_local: u32| {
            vec![I::LocalGet(dig), I::LocalGet(i_local), I::I32Add, I::I32Load8U(mem(0, 0)), I::I32Const(48), I::I32Add]
        };
        // for i in from..to { body }
        let range = |code: &mut Vec<I<'static>>,
                     from: Vec<I<'static>>,
                     to: Vec<I<'static>>,
                     body: &dyn Fn(&mut Vec<I<'static>>)| {
            code.extend(from);
            code.extend([I::LocalSet(i), I::Block(BlockType::Empty), I::Loop(BlockType::Empty), I::LocalGet(i)]);
            code.extend(to);
            code.extend([I::I32GeS, I::BrIf(1)]);
            body(code);
            code.extend(add_to(i, I::I32Const(1)));
            code.extend([I::Br(0), I::End, I::End]);
        };
        code.extend([I::LocalGet(neg), I::If(BlockType::Empty)]);
        put(code, vec![I::I32Const(b'-' as i32)]);
        code.push(I::End);
        // x = k - 1; exponent form when x < -6 or x > 20
        code.extend([
            I::LocalGet(k),
            I::I32Const(1),
            I::I32Sub,
            I::LocalTee(x),
            I::I32Const(-6),
            I::I32LtS,
            I::LocalGet(x),
            I::I32Const(20),
            I::I32GtS,
            I::I32Or,
            I::If(BlockType::Empty),
        ]);
        put(code, digit_at(dig, 0));
        code.extend([I::LocalGet(n), I::I32Const(1), I::I32GtS, I::If(BlockType::Empty)]);
        put(code, vec![I::I32Const(b'.' as i32)]);
        range(code, vec![I::I32Const(1)], vec![I::LocalGet(n)], &|code| put(code, digit(i)));
        code.push(I::End);
        put(code, vec![I::I32Const(b'e' as i32)]);
        code.extend([I::LocalGet(x), I::I32Const(0), I::I32LtS, I::If(BlockType::Empty)]);
        put(code, vec![I::I32Const(b'-' as i32)]);
        code.extend([I::I32Const(0), I::LocalGet(x), I::I32Sub, I::LocalSet(x), I::End]);
        // |x| <= 324: up to three digits
        code.extend([I::LocalGet(x), I::I32Const(100), I::I32GeU, I::If(BlockType::Empty)]);
        put(code, vec![I::LocalGet(x), I::I32Const(100), I::I32DivU, I::I32Const(48), I::I32Add]);
        code.push(I::End);
        code.extend([I::LocalGet(x), I::I32Const(10), I::I32GeU, I::If(BlockType::Empty)]);
        put(
            code,
            vec![I::LocalGet(x), I::I32Const(100), I::I32RemU, I::I32Const(10), I::I32DivU, I::I32Const(48), I::I32Add],
        );
        code.push(I::End);
        put(code, vec![I::LocalGet(x), I::I32Const(10), I::I32RemU, I::I32Const(48), I::I32Add]);
        code.push(I::Else);
        // plain: k <= 0 -> 0.000D; k >= n -> D000.0; otherwise D[..k].D[k..]
        code.extend([I::LocalGet(k), I::I32Const(0), I::I32LeS, I::If(BlockType::Empty)]);
        put(code, vec![I::I32Const(b'0' as i32)]);
        put(code, vec![I::I32Const(b'.' as i32)]);
        range(code, vec![I::LocalGet(k)], vec![I::I32Const(0)], &|code| put(code, vec![I::I32Const(b'0' as i32)]));
        range(code, vec![I::I32Const(0)], vec![I::LocalGet(n)], &|code| put(code, digit(i)));
        code.push(I::Else);
        code.extend([I::LocalGet(k), I::LocalGet(n), I::I32GeS, I::If(BlockType::Empty)]);
        range(code, vec![I::I32Const(0)], vec![I::LocalGet(n)], &|code| put(code, digit(i)));
        range(code, vec![I::LocalGet(n)], vec![I::LocalGet(k)], &|code| put(code, vec![I::I32Const(b'0' as i32)]));
        put(code, vec![I::I32Const(b'.' as i32)]);
        put(code, vec![I::I32Const(b'0' as i32)]);
        code.push(I::Else);
        range(code, vec![I::I32Const(0)], vec![I::LocalGet(k)], &|code| put(code, digit(i)));
        put(code, vec![I::I32Const(b'.' as i32)]);
        range(code, vec![I::LocalGet(k)], vec![I::LocalGet(n)], &|code| put(code, digit(i)));
        code.extend([I::End, I::End, I::End]);
        // Copy out of the scratch area.
        code.extend([
            I::LocalGet(pos),
            I::I32Const(1),
            I::Call(alloc),
            I::LocalTee(len),
            I::LocalGet(out),
            I::LocalGet(pos),
            I::MemoryCopy { src_mem: 0, dst_mem: 0 },
            I::LocalGet(len),
            I::LocalGet(pos),
        ]);
        Ok(locals)
    }
}

/// Digit `index` (a constant) of the digit buffer as ASCII.
fn digit_at(dig: u32, index: i32) -> Vec<I<'static>> {
    vec![I::LocalGet(dig), I::I32Const(index), I::I32Add, I::I32Load8U(mem(0, 0)), I::I32Const(48), I::I32Add]
}
