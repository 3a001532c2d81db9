//! `crypto.sha256`: SHA-256 (FIPS 180-4) of a string's UTF-8 bytes, as 64 lower-case hex digits.
//! Pure: computed inside the component on every target (LANGUAGE-DECISIONS 28).

use super::helpers::{HelperSig, add_to};
use super::*;

const K: [u32; 64] = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
    0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
    0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
    0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
    0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
    0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
    0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
    0xc67178f2,
];
const H0: [u32; 8] = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

/// `rotr(x, a) ^ rotr(x, b) ^ (x op c)` on local `x`, where the third term is a rotation when
/// `rotate_c`, else a logical shift.
fn sigma(x: u32, a: i32, b: i32, c: i32, rotate_c: bool) -> [I<'static>; 11] {
    [
        I::LocalGet(x),
        I::I32Const(a),
        I::I32Rotr,
        I::LocalGet(x),
        I::I32Const(b),
        I::I32Rotr,
        I::I32Xor,
        I::LocalGet(x),
        I::I32Const(c),
        if rotate_c { I::I32Rotr } else { I::I32ShrU },
        I::I32Xor,
    ]
}

impl Builder<'_> {
    /// (ptr, len) -> (hex ptr, 64).
    pub(super) fn sha256(&mut self, code: &mut Vec<I<'static>>) -> Result<HelperSig, String> {
        use ValType::I32;
        let alloc = self.helper(Helper::Alloc)?;
        let k = self.data.place(&K.iter().flat_map(|w| w.to_le_bytes()).collect::<Vec<_>>(), 4);
        let digits = self.data.intern("0123456789abcdef");
        let (w_global, w_offset) = self.scratch(256);
        let (p, l) = (0, 1);
        // Locals: the padded message and its length, the block, the round, the state (8) and
        // the working variables (8), two temporaries.
        let (msg, total, block, t, t1, t2) = (2, 3, 4, 5, 6, 7);
        let h: Vec<u32> = (8..16).collect();
        let v: Vec<u32> = (16..24).collect();
        let (a, b, c, d, e, f, g, hh) = (v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]);
        let w_at = |t_local: u32| [I::GlobalGet(w_global), I::LocalGet(t_local), I::I32Const(4), I::I32Mul, I::I32Add];
        let wmem = |o: u32| mem(u64::from(w_offset + o * 4), 2);
        // Padding: the message, 0x80, zeros, and the length in bits as a big-endian u64.
        code.extend([
            I::LocalGet(l),
            I::I32Const(9 + 63),
            I::I32Add,
            I::I32Const(-64),
            I::I32And,
            I::LocalTee(total),
            I::I32Const(8),
            I::Call(alloc),
            I::LocalTee(msg),
            I::LocalGet(p),
            I::LocalGet(l),
            I::MemoryCopy { src_mem: 0, dst_mem: 0 },
            I::LocalGet(msg),
            I::LocalGet(l),
            I::I32Add,
            I::I32Const(0x80),
            I::I32Store8(mem(0, 0)),
            I::LocalGet(msg),
            I::LocalGet(l),
            I::I32Add,
            I::I32Const(1),
            I::I32Add,
            I::I32Const(0),
            I::LocalGet(total),
            I::LocalGet(l),
            I::I32Sub,
            I::I32Const(1),
            I::I32Sub,
            I::MemoryFill(0),
        ]);
        // Bit length (l * 8 fits 35 bits), big-endian in the last 8 bytes.
        for byte in 0..8 {
            code.extend([
                I::LocalGet(msg),
                I::LocalGet(total),
                I::I32Add,
                I::I32Const(-(byte + 1)),
                I::I32Add,
                I::LocalGet(l),
                I::I64ExtendI32U,
                I::I64Const(3),
                I::I64Shl,
                I::I64Const(i64::from(byte) * 8),
                I::I64ShrU,
                I::I32WrapI64,
                I::I32Store8(mem(0, 0)),
            ]);
        }
        for (i, init) in H0.iter().enumerate() {
            code.extend([I::I32Const(*init as i32), I::LocalSet(h[i])]);
        }
        code.extend([I::Block(BlockType::Empty), I::Loop(BlockType::Empty), I::LocalGet(block), I::LocalGet(total)]);
        code.extend([I::I32GeU, I::BrIf(1)]);
        // W[0..16]: the block's words, big-endian.
        code.extend([I::I32Const(0), I::LocalSet(t), I::Loop(BlockType::Empty)]);
        code.extend(w_at(t));
        for byte in 0..4u64 {
            code.extend([
                I::LocalGet(msg),
                I::LocalGet(block),
                I::I32Add,
                I::LocalGet(t),
                I::I32Const(4),
                I::I32Mul,
                I::I32Add,
                I::I32Load8U(mem(byte, 0)),
                I::I32Const(24 - 8 * byte as i32),
                I::I32Shl,
            ]);
            if byte > 0 {
                code.push(I::I32Or);
            }
        }
        code.push(I::I32Store(wmem(0)));
        code.extend(add_to(t, I::I32Const(1)));
        code.extend([I::LocalGet(t), I::I32Const(16), I::I32LtU, I::BrIf(0), I::End]);
        // W[16..64] = σ1(W[t-2]) + W[t-7] + σ0(W[t-15]) + W[t-16], addressed from W[t-16].
        let back = |c: &mut Vec<I<'static>>| {
            c.extend(w_at(t));
            c.extend([I::I32Const(64), I::I32Sub]);
        };
        code.extend([I::Loop(BlockType::Empty)]);
        back(code);
        back(code);
        code.extend([I::I32Load(wmem(14)), I::LocalSet(t1)]);
        code.extend(sigma(t1, 17, 19, 10, false));
        back(code);
        code.extend([I::I32Load(wmem(9)), I::I32Add]);
        back(code);
        code.extend([I::I32Load(wmem(1)), I::LocalSet(t1)]);
        code.extend(sigma(t1, 7, 18, 3, false));
        code.push(I::I32Add);
        back(code);
        code.extend([I::I32Load(wmem(0)), I::I32Add, I::I32Store(wmem(16))]);
        code.extend(add_to(t, I::I32Const(1)));
        code.extend([I::LocalGet(t), I::I32Const(64), I::I32LtU, I::BrIf(0), I::End]);
        // The 64 rounds.
        for i in 0..8 {
            code.extend([I::LocalGet(h[i]), I::LocalSet(v[i])]);
        }
        code.extend([I::I32Const(0), I::LocalSet(t), I::Loop(BlockType::Empty)]);
        // t1 = hh + Σ1(e) + Ch(e, f, g) + K[t] + W[t]
        code.push(I::LocalGet(hh));
        code.extend(sigma(e, 6, 11, 25, true));
        code.extend([
            I::I32Add,
            I::LocalGet(e),
            I::LocalGet(f),
            I::I32And,
            I::LocalGet(e),
            I::I32Const(-1),
            I::I32Xor,
            I::LocalGet(g),
            I::I32And,
            I::I32Xor,
            I::I32Add,
            I::LocalGet(t),
            I::I32Const(4),
            I::I32Mul,
            I::I32Load(mem(u64::from(k), 2)),
            I::I32Add,
        ]);
        code.extend(w_at(t));
        code.extend([I::I32Load(wmem(0)), I::I32Add, I::LocalSet(t1)]);
        // t2 = Σ0(a) + Maj(a, b, c)
        code.extend(sigma(a, 2, 13, 22, true));
        code.extend([
            I::LocalGet(a),
            I::LocalGet(b),
            I::I32And,
            I::LocalGet(a),
            I::LocalGet(c),
            I::I32And,
            I::I32Xor,
            I::LocalGet(b),
            I::LocalGet(c),
            I::I32And,
            I::I32Xor,
            I::I32Add,
            I::LocalSet(t2),
        ]);
        code.extend([
            I::LocalGet(g),
            I::LocalSet(hh),
            I::LocalGet(f),
            I::LocalSet(g),
            I::LocalGet(e),
            I::LocalSet(f),
            I::LocalGet(d),
            I::LocalGet(t1),
            I::I32Add,
            I::LocalSet(e),
            I::LocalGet(c),
            I::LocalSet(d),
            I::LocalGet(b),
            I::LocalSet(c),
            I::LocalGet(a),
            I::LocalSet(b),
            I::LocalGet(t1),
            I::LocalGet(t2),
            I::I32Add,
            I::LocalSet(a),
        ]);
        code.extend(add_to(t, I::I32Const(1)));
        code.extend([I::LocalGet(t), I::I32Const(64), I::I32LtU, I::BrIf(0), I::End]);
        for i in 0..8 {
            code.extend([I::LocalGet(h[i]), I::LocalGet(v[i]), I::I32Add, I::LocalSet(h[i])]);
        }
        code.extend(add_to(block, I::I32Const(64)));
        code.extend([I::Br(0), I::End, I::End]);
        // Hex: 8 digits per word, most significant first.
        code.extend([I::I32Const(64), I::I32Const(1), I::Call(alloc), I::LocalSet(msg)]);
        for (i, word) in h.iter().enumerate() {
            for nibble in 0..8u64 {
                code.extend([
                    I::LocalGet(msg),
                    I::LocalGet(*word),
                    I::I32Const(28 - 4 * nibble as i32),
                    I::I32ShrU,
                    I::I32Const(15),
                    I::I32And,
                    I::I32Load8U(mem(u64::from(digits), 0)),
                    I::I32Store8(mem(i as u64 * 8 + nibble, 0)),
                ]);
            }
        }
        code.extend([I::LocalGet(msg), I::I32Const(64)]);
        Ok((vec![I32; 2], vec![I32; 2], vec![I32; 22]))
    }
}
