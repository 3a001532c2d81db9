//! String helpers (LANGUAGE-DECISIONS 14, 15): searching, slicing by characters, case, trimming,
//! repeating, replacing, splitting and padding. Strings are UTF-8 (pointer, byte length); a
//! character is a Unicode scalar value, found by skipping continuation bytes (`10xxxxxx`).
//! Results that are part of their input (slices, trims) are views into it: strings never change.

use super::helpers::{HelperSig, add_to, load_byte};
use super::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) enum TextOp {
    /// (hay p, hay len, needle p, needle len, from) -> first byte index >= from, or -1.
    Find,
    /// (p, len, n: i64) -> byte offset of character n, clamped to [0, len].
    CharOffset,
    Upper,
    Lower,
    TrimStart,
    TrimEnd,
    /// (p, len, n: i64) -> the string n times (nothing for n <= 0).
    Repeat,
    /// (s, find, with) -> every occurrence of `find` replaced; an empty `find` changes nothing.
    Replace,
    /// (s, sep) -> list of strings; an empty separator splits into characters.
    Split,
    /// (p, len) -> the characters in reverse order.
    Reverse,
    /// (s, width: i64, fill, at_start: i32) -> `fill` repeated once per missing character.
    Pad,
    /// (p, len) -> the Int written as an optional sign and ASCII digits (LANGUAGE-DECISIONS 18);
    /// traps on other text and on values outside Int.
    ParseInt,
}

impl TextOp {
    pub(super) fn name(self) -> &'static str {
        match self {
            TextOp::Find => "str_find",
            TextOp::CharOffset => "str_char_offset",
            TextOp::Upper => "str_upper",
            TextOp::Lower => "str_lower",
            TextOp::TrimStart => "str_trim_start",
            TextOp::TrimEnd => "str_trim_end",
            TextOp::Repeat => "str_repeat",
            TextOp::Replace => "str_replace",
            TextOp::Split => "str_split",
            TextOp::Reverse => "str_reverse",
            TextOp::Pad => "str_pad",
            TextOp::ParseInt => "parse_int",
        }
    }
}

/// `byte(p + i)` is not a UTF-8 continuation byte: leaves an i32 (0 or 1).
fn starts_char(p: u32, i: u32) -> Vec<I<'static>> {
    let mut c = load_byte(p, i).to_vec();
    c.extend([I::I32Const(0xC0), I::I32And, I::I32Const(0x80), I::I32Ne]);
    c
}

/// `byte(p + i)` is ASCII whitespace (tab, newline, vertical tab, form feed, carriage return, space).
fn is_space(p: u32, i: u32, b: u32) -> Vec<I<'static>> {
    let mut c = load_byte(p, i).to_vec();
    c.extend([
        I::LocalTee(b),
        I::I32Const(32),
        I::I32Eq,
        I::LocalGet(b),
        I::I32Const(9),
        I::I32Sub,
        I::I32Const(5),
        I::I32LtU,
        I::I32Or,
    ]);
    c
}

fn copy(dst: I<'static>, src: I<'static>, len: I<'static>) -> [I<'static>; 4] {
    [dst, src, len, I::MemoryCopy { src_mem: 0, dst_mem: 0 }]
}

impl Builder<'_> {
    /// The body of a text helper: (params, results, extra locals), with its code appended.
    pub(super) fn text_helper(&mut self, op: TextOp, code: &mut Vec<I<'static>>) -> Result<HelperSig, String> {
        use ValType::{I32, I64};
        Ok(match op {
            TextOp::Find => {
                let (hp, hl, np, nl, from, j) = (0, 1, 2, 3, 4, 5);
                code.extend([
                    I::Block(BlockType::Empty),
                    I::Loop(BlockType::Empty),
                    // from + nl > hl: no room left
                    I::LocalGet(from),
                    I::LocalGet(nl),
                    I::I32Add,
                    I::LocalGet(hl),
                    I::I32GtU,
                    I::BrIf(1),
                    I::I32Const(0),
                    I::LocalSet(j),
                    I::Block(BlockType::Empty),
                    I::Loop(BlockType::Empty),
                    I::LocalGet(j),
                    I::LocalGet(nl),
                    I::I32Eq,
                    I::If(BlockType::Empty),
                    I::LocalGet(from),
                    I::Return,
                    I::End,
                    I::LocalGet(hp),
                    I::LocalGet(from),
                    I::I32Add,
                    I::LocalGet(j),
                    I::I32Add,
                    I::I32Load8U(mem(0, 0)),
                ]);
                code.extend(load_byte(np, j));
                code.extend([I::I32Ne, I::BrIf(1)]);
                code.extend(add_to(j, I::I32Const(1)));
                code.extend([I::Br(0), I::End, I::End]);
                code.extend(add_to(from, I::I32Const(1)));
                code.extend([I::Br(0), I::End, I::End, I::I32Const(-1)]);
                (vec![I32; 5], vec![I32], vec![I32])
            }
            TextOp::CharOffset => {
                let (p, l, n, i, count) = (0, 1, 2, 3, 4);
                code.extend([
                    I::LocalGet(n),
                    I::I64Const(0),
                    I::I64LeS,
                    I::If(BlockType::Empty),
                    I::I32Const(0),
                    I::Return,
                    I::End,
                ]);
                code.extend([
                    I::Block(BlockType::Empty),
                    I::Loop(BlockType::Empty),
                    I::LocalGet(i),
                    I::LocalGet(l),
                    I::I32GeU,
                    I::BrIf(1),
                ]);
                code.extend(starts_char(p, i));
                code.extend([
                    I::If(BlockType::Empty),
                    I::LocalGet(count),
                    I::LocalGet(n),
                    I::I64Eq,
                    I::If(BlockType::Empty),
                    I::LocalGet(i),
                    I::Return,
                    I::End,
                    I::LocalGet(count),
                    I::I64Const(1),
                    I::I64Add,
                    I::LocalSet(count),
                    I::End,
                ]);
                code.extend(add_to(i, I::I32Const(1)));
                code.extend([I::Br(0), I::End, I::End, I::LocalGet(l)]);
                (vec![I32, I32, I64], vec![I32], vec![I32, I64])
            }
            TextOp::Upper | TextOp::Lower => {
                // ASCII letters only; other characters are copied unchanged.
                let alloc = self.helper(Helper::Alloc)?;
                let (p, l, dst, i, b) = (0, 1, 2, 3, 4);
                let (from, to) = if op == TextOp::Upper { (b'a', -32) } else { (b'A', 32) };
                code.extend([I::LocalGet(l), I::I32Const(1), I::Call(alloc), I::LocalSet(dst)]);
                code.extend([
                    I::Block(BlockType::Empty),
                    I::Loop(BlockType::Empty),
                    I::LocalGet(i),
                    I::LocalGet(l),
                    I::I32GeU,
                    I::BrIf(1),
                ]);
                code.extend([I::LocalGet(dst), I::LocalGet(i), I::I32Add]);
                code.extend(load_byte(p, i));
                code.extend([
                    I::LocalSet(b),
                    I::LocalGet(b),
                    I::I32Const(to),
                    I::I32Add,
                    I::LocalGet(b),
                    I::LocalGet(b),
                    I::I32Const(i32::from(from)),
                    I::I32Sub,
                    I::I32Const(26),
                    I::I32LtU,
                    I::Select,
                    I::I32Store8(mem(0, 0)),
                ]);
                code.extend(add_to(i, I::I32Const(1)));
                code.extend([I::Br(0), I::End, I::End, I::LocalGet(dst), I::LocalGet(l)]);
                (vec![I32, I32], vec![I32, I32], vec![I32, I32, I32])
            }
            TextOp::TrimStart => {
                let (p, l, i, b) = (0, 1, 2, 3);
                code.extend([
                    I::Block(BlockType::Empty),
                    I::Loop(BlockType::Empty),
                    I::LocalGet(i),
                    I::LocalGet(l),
                    I::I32GeU,
                    I::BrIf(1),
                ]);
                code.extend(is_space(p, i, b));
                code.extend([I::I32Eqz, I::BrIf(1)]);
                code.extend(add_to(i, I::I32Const(1)));
                code.extend([
                    I::Br(0),
                    I::End,
                    I::End,
                    I::LocalGet(p),
                    I::LocalGet(i),
                    I::I32Add,
                    I::LocalGet(l),
                    I::LocalGet(i),
                    I::I32Sub,
                ]);
                (vec![I32, I32], vec![I32, I32], vec![I32, I32])
            }
            TextOp::TrimEnd => {
                let (p, l, i, b) = (0, 1, 2, 3);
                code.extend([
                    I::Block(BlockType::Empty),
                    I::Loop(BlockType::Empty),
                    I::LocalGet(l),
                    I::I32Eqz,
                    I::BrIf(1),
                ]);
                code.extend([I::LocalGet(l), I::I32Const(1), I::I32Sub, I::LocalSet(i)]);
                code.extend(is_space(p, i, b));
                code.extend([
                    I::I32Eqz,
                    I::BrIf(1),
                    I::LocalGet(i),
                    I::LocalSet(l),
                    I::Br(0),
                    I::End,
                    I::End,
                    I::LocalGet(p),
                    I::LocalGet(l),
                ]);
                (vec![I32, I32], vec![I32, I32], vec![I32, I32])
            }
            TextOp::Repeat => {
                let alloc = self.helper(Helper::Alloc)?;
                let oom = self.helper(Helper::Trap(Fault::OutOfMemory))?;
                let (p, l, n, total, dst, pos) = (0, 1, 2, 3, 4, 5);
                code.extend([
                    I::LocalGet(n),
                    I::I64Const(0),
                    I::I64LeS,
                    I::LocalGet(l),
                    I::I32Eqz,
                    I::I32Or,
                    I::If(BlockType::Empty),
                    I::I32Const(0),
                    I::I32Const(0),
                    I::Return,
                    I::End,
                    // More than 4 GiB is out of memory.
                    I::LocalGet(n),
                    I::LocalGet(l),
                    I::I64ExtendI32U,
                    I::I64Mul,
                    I::LocalTee(total),
                    I::I64Const(u32::MAX as i64),
                    I::I64GtU,
                    I::LocalGet(n),
                    I::I64Const(u32::MAX as i64),
                    I::I64GtU,
                    I::I32Or,
                    I::If(BlockType::Empty),
                    I::Call(oom),
                    I::End,
                    I::LocalGet(total),
                    I::I32WrapI64,
                    I::I32Const(1),
                    I::Call(alloc),
                    I::LocalTee(dst),
                    I::LocalSet(pos),
                    I::Loop(BlockType::Empty),
                ]);
                code.extend(copy(I::LocalGet(pos), I::LocalGet(p), I::LocalGet(l)));
                code.extend(add_to(pos, I::LocalGet(l)));
                code.extend([
                    I::LocalGet(n),
                    I::I64Const(1),
                    I::I64Sub,
                    I::LocalTee(n),
                    I::I64Const(0),
                    I::I64GtS,
                    I::BrIf(0),
                    I::End,
                    I::LocalGet(dst),
                    I::LocalGet(total),
                    I::I32WrapI64,
                ]);
                (vec![I32, I32, I64], vec![I32, I32], vec![I64, I32, I32])
            }
            TextOp::Replace => {
                let find = self.helper(Helper::Text(TextOp::Find))?;
                let alloc = self.helper(Helper::Alloc)?;
                let (sp, sl, fp, fl, wp, wl, at, count, dst, pos, from) = (0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
                code.extend([
                    I::LocalGet(fl),
                    I::I32Eqz,
                    I::If(BlockType::Empty),
                    I::LocalGet(sp),
                    I::LocalGet(sl),
                    I::Return,
                    I::End,
                ]);
                let find_from = |code: &mut Vec<I<'static>>| {
                    code.extend([
                        I::LocalGet(sp),
                        I::LocalGet(sl),
                        I::LocalGet(fp),
                        I::LocalGet(fl),
                        I::LocalGet(from),
                        I::Call(find),
                        I::LocalTee(at),
                    ]);
                };
                // Count the occurrences.
                code.extend([I::Block(BlockType::Empty), I::Loop(BlockType::Empty)]);
                find_from(code);
                code.extend([I::I32Const(0), I::I32LtS, I::BrIf(1)]);
                code.extend(add_to(count, I::I32Const(1)));
                code.extend([I::LocalGet(at), I::LocalGet(fl), I::I32Add, I::LocalSet(from), I::Br(0), I::End, I::End]);
                // Allocate sl + count * (wl - fl) bytes, then copy the pieces.
                code.extend([
                    I::LocalGet(sl),
                    I::LocalGet(count),
                    I::LocalGet(wl),
                    I::LocalGet(fl),
                    I::I32Sub,
                    I::I32Mul,
                    I::I32Add,
                    I::I32Const(1),
                    I::Call(alloc),
                    I::LocalTee(dst),
                    I::LocalSet(pos),
                    I::I32Const(0),
                    I::LocalSet(from),
                    I::Block(BlockType::Empty),
                    I::Loop(BlockType::Empty),
                ]);
                find_from(code);
                code.extend([I::I32Const(0), I::I32LtS, I::BrIf(1)]);
                // the text before the match, then the replacement
                code.extend([
                    I::LocalGet(pos),
                    I::LocalGet(sp),
                    I::LocalGet(from),
                    I::I32Add,
                    I::LocalGet(at),
                    I::LocalGet(from),
                    I::I32Sub,
                ]);
                code.push(I::MemoryCopy { src_mem: 0, dst_mem: 0 });
                code.extend([
                    I::LocalGet(pos),
                    I::LocalGet(at),
                    I::LocalGet(from),
                    I::I32Sub,
                    I::I32Add,
                    I::LocalSet(pos),
                ]);
                code.extend(copy(I::LocalGet(pos), I::LocalGet(wp), I::LocalGet(wl)));
                code.extend(add_to(pos, I::LocalGet(wl)));
                code.extend([I::LocalGet(at), I::LocalGet(fl), I::I32Add, I::LocalSet(from), I::Br(0), I::End, I::End]);
                // the rest
                code.extend([
                    I::LocalGet(pos),
                    I::LocalGet(sp),
                    I::LocalGet(from),
                    I::I32Add,
                    I::LocalGet(sl),
                    I::LocalGet(from),
                    I::I32Sub,
                    I::MemoryCopy { src_mem: 0, dst_mem: 0 },
                    I::LocalGet(dst),
                    I::LocalGet(pos),
                    I::LocalGet(sl),
                    I::LocalGet(from),
                    I::I32Sub,
                    I::I32Add,
                    I::LocalGet(dst),
                    I::I32Sub,
                ]);
                (vec![I32; 6], vec![I32, I32], vec![I32; 5])
            }
            TextOp::Split => {
                let find = self.helper(Helper::Text(TextOp::Find))?;
                let alloc = self.helper(Helper::Alloc)?;
                let (sp, sl, dp, dl, at, count, list, from, slot, i) = (0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
                // An empty separator: one string per character.
                code.extend([I::LocalGet(dl), I::I32Eqz, I::If(BlockType::Empty)]);
                code.extend([
                    I::LocalGet(sl),
                    I::I32Const(8),
                    I::I32Mul,
                    I::I32Const(4),
                    I::Call(alloc),
                    I::LocalSet(list),
                ]);
                code.extend([
                    I::Block(BlockType::Empty),
                    I::Loop(BlockType::Empty),
                    I::LocalGet(i),
                    I::LocalGet(sl),
                    I::I32GeU,
                    I::BrIf(1),
                ]);
                // each character starts at i and runs to the next start
                code.extend([I::LocalGet(i), I::LocalSet(from)]);
                code.extend(add_to(i, I::I32Const(1)));
                code.extend([
                    I::Block(BlockType::Empty),
                    I::Loop(BlockType::Empty),
                    I::LocalGet(i),
                    I::LocalGet(sl),
                    I::I32GeU,
                    I::BrIf(1),
                ]);
                code.extend(starts_char(sp, i));
                code.extend([I::BrIf(1)]);
                code.extend(add_to(i, I::I32Const(1)));
                code.extend([I::Br(0), I::End, I::End]);
                code.extend([
                    I::LocalGet(list),
                    I::LocalGet(count),
                    I::I32Const(8),
                    I::I32Mul,
                    I::I32Add,
                    I::LocalTee(slot),
                    I::LocalGet(sp),
                    I::LocalGet(from),
                    I::I32Add,
                    I::I32Store(mem(0, 2)),
                    I::LocalGet(slot),
                    I::LocalGet(i),
                    I::LocalGet(from),
                    I::I32Sub,
                    I::I32Store(mem(4, 2)),
                ]);
                code.extend(add_to(count, I::I32Const(1)));
                code.extend([I::Br(0), I::End, I::End, I::LocalGet(list), I::LocalGet(count), I::Return, I::End]);
                // Count the separators, allocate count + 1 slots, fill them with views.
                let find_from = |code: &mut Vec<I<'static>>| {
                    code.extend([
                        I::LocalGet(sp),
                        I::LocalGet(sl),
                        I::LocalGet(dp),
                        I::LocalGet(dl),
                        I::LocalGet(from),
                        I::Call(find),
                        I::LocalTee(at),
                    ]);
                };
                code.extend([I::Block(BlockType::Empty), I::Loop(BlockType::Empty)]);
                find_from(code);
                code.extend([I::I32Const(0), I::I32LtS, I::BrIf(1)]);
                code.extend(add_to(count, I::I32Const(1)));
                code.extend([I::LocalGet(at), I::LocalGet(dl), I::I32Add, I::LocalSet(from), I::Br(0), I::End, I::End]);
                code.extend([
                    I::LocalGet(count),
                    I::I32Const(1),
                    I::I32Add,
                    I::LocalTee(count),
                    I::I32Const(8),
                    I::I32Mul,
                    I::I32Const(4),
                    I::Call(alloc),
                    I::LocalTee(list),
                    I::LocalSet(slot),
                    I::I32Const(0),
                    I::LocalSet(from),
                    I::Loop(BlockType::Empty),
                ]);
                find_from(code);
                // no further separator: the piece runs to the end
                code.extend([
                    I::I32Const(0),
                    I::I32LtS,
                    I::If(BlockType::Empty),
                    I::LocalGet(sl),
                    I::LocalSet(at),
                    I::End,
                    I::LocalGet(slot),
                    I::LocalGet(sp),
                    I::LocalGet(from),
                    I::I32Add,
                    I::I32Store(mem(0, 2)),
                    I::LocalGet(slot),
                    I::LocalGet(at),
                    I::LocalGet(from),
                    I::I32Sub,
                    I::I32Store(mem(4, 2)),
                ]);
                code.extend(add_to(slot, I::I32Const(8)));
                code.extend([
                    I::LocalGet(at),
                    I::LocalGet(dl),
                    I::I32Add,
                    I::LocalSet(from),
                    I::LocalGet(at),
                    I::LocalGet(sl),
                    I::I32LtU,
                    I::BrIf(0),
                    I::End,
                    I::LocalGet(list),
                    I::LocalGet(count),
                ]);
                (vec![I32; 4], vec![I32, I32], vec![I32; 6])
            }
            TextOp::Reverse => {
                // Copy each character (a start byte and its continuation bytes) to the mirrored place.
                let alloc = self.helper(Helper::Alloc)?;
                let (p, l, dst, i, start) = (0, 1, 2, 3, 4);
                code.extend([I::LocalGet(l), I::I32Const(1), I::Call(alloc), I::LocalSet(dst)]);
                code.extend([
                    I::Block(BlockType::Empty),
                    I::Loop(BlockType::Empty),
                    I::LocalGet(i),
                    I::LocalGet(l),
                    I::I32GeU,
                    I::BrIf(1),
                ]);
                code.extend([I::LocalGet(i), I::LocalSet(start)]);
                code.extend(add_to(i, I::I32Const(1)));
                code.extend([
                    I::Block(BlockType::Empty),
                    I::Loop(BlockType::Empty),
                    I::LocalGet(i),
                    I::LocalGet(l),
                    I::I32GeU,
                    I::BrIf(1),
                ]);
                code.extend(starts_char(p, i));
                code.push(I::BrIf(1));
                code.extend(add_to(i, I::I32Const(1)));
                code.extend([I::Br(0), I::End, I::End]);
                // dst + (l - i) <- p + start, (i - start) bytes
                code.extend([
                    I::LocalGet(dst),
                    I::LocalGet(l),
                    I::LocalGet(i),
                    I::I32Sub,
                    I::I32Add,
                    I::LocalGet(p),
                    I::LocalGet(start),
                    I::I32Add,
                    I::LocalGet(i),
                    I::LocalGet(start),
                    I::I32Sub,
                    I::MemoryCopy { src_mem: 0, dst_mem: 0 },
                    I::Br(0),
                    I::End,
                    I::End,
                    I::LocalGet(dst),
                    I::LocalGet(l),
                ]);
                (vec![I32, I32], vec![I32, I32], vec![I32, I32, I32])
            }
            TextOp::ParseInt => {
                let invalid = self.helper(Helper::Trap(Fault::InvalidNumber))?;
                let overflow = self.helper(Helper::Trap(Fault::IntegerOverflow))?;
                let (p, l, i, neg, acc, b) = (0, 1, 2, 3, 4, 5);
                // sign
                code.extend([I::LocalGet(l), I::If(BlockType::Empty)]);
                code.extend(load_byte(p, i));
                code.extend([
                    I::LocalTee(b),
                    I::I32Const(b'-' as i32),
                    I::I32Eq,
                    I::LocalTee(neg),
                    I::LocalGet(b),
                    I::I32Const(b'+' as i32),
                    I::I32Eq,
                    I::I32Or,
                    I::LocalSet(i),
                    I::End,
                ]);
                // at least one digit
                code.extend([
                    I::LocalGet(i),
                    I::LocalGet(l),
                    I::I32GeU,
                    I::If(BlockType::Empty),
                    I::Call(invalid),
                    I::End,
                ]);
                code.extend([I::Loop(BlockType::Empty)]);
                code.extend(load_byte(p, i));
                code.extend([
                    I::I32Const(b'0' as i32),
                    I::I32Sub,
                    I::LocalTee(b),
                    I::I32Const(10),
                    I::I32GeU,
                    I::If(BlockType::Empty),
                    I::Call(invalid),
                    I::End,
                    // the magnitude stays <= 2^63: acc <= 922337203685477580 before acc * 10 + digit
                    I::LocalGet(acc),
                    I::I64Const(922_337_203_685_477_580),
                    I::I64GtU,
                    I::If(BlockType::Empty),
                    I::Call(overflow),
                    I::End,
                    I::LocalGet(acc),
                    I::I64Const(10),
                    I::I64Mul,
                    I::LocalGet(b),
                    I::I64ExtendI32U,
                    I::I64Add,
                    I::LocalSet(acc),
                ]);
                code.extend(add_to(i, I::I32Const(1)));
                code.extend([I::LocalGet(i), I::LocalGet(l), I::I32LtU, I::BrIf(0), I::End]);
                // 2^63 is in range only as -2^63
                code.extend([
                    I::LocalGet(acc),
                    I::I64Const(i64::MAX),
                    I::LocalGet(neg),
                    I::I64ExtendI32U,
                    I::I64Add,
                    I::I64GtU,
                    I::If(BlockType::Empty),
                    I::Call(overflow),
                    I::End,
                    I::I64Const(0),
                    I::LocalGet(acc),
                    I::I64Sub,
                    I::LocalGet(acc),
                    I::LocalGet(neg),
                    I::Select,
                ]);
                (vec![I32, I32], vec![I64], vec![I32, I32, I64, I32])
            }
            TextOp::Pad => {
                let len = self.helper(Helper::StrLen)?;
                let repeat = self.helper(Helper::Text(TextOp::Repeat))?;
                let concat = self.helper(Helper::Concat)?;
                let (sp, sl, width, fp, fl, at_start, missing, pp, pl) = (0, 1, 2, 3, 4, 5, 6, 7, 8);
                // width <= characters: nothing to add (compared first, so width - count cannot overflow).
                code.extend([
                    I::LocalGet(sp),
                    I::LocalGet(sl),
                    I::Call(len),
                    I::LocalSet(missing),
                    I::LocalGet(width),
                    I::LocalGet(missing),
                    I::I64LeS,
                    I::If(BlockType::Empty),
                    I::LocalGet(sp),
                    I::LocalGet(sl),
                    I::Return,
                    I::End,
                    I::LocalGet(width),
                    I::LocalGet(missing),
                    I::I64Sub,
                    I::LocalSet(missing),
                    I::LocalGet(fp),
                    I::LocalGet(fl),
                    I::LocalGet(missing),
                    I::Call(repeat),
                    I::LocalSet(pl),
                    I::LocalSet(pp),
                    I::LocalGet(at_start),
                    I::If(BlockType::FunctionType(self.type_index(vec![], vec![I32, I32]))),
                    I::LocalGet(pp),
                    I::LocalGet(pl),
                    I::LocalGet(sp),
                    I::LocalGet(sl),
                    I::I32Const(1),
                    I::Call(concat),
                    I::Else,
                    I::LocalGet(sp),
                    I::LocalGet(sl),
                    I::LocalGet(pp),
                    I::LocalGet(pl),
                    I::I32Const(1),
                    I::Call(concat),
                    I::End,
                ]);
                (vec![I32, I32, I64, I32, I32, I32], vec![I32, I32], vec![I64, I32, I32])
            }
        })
    }
}
