//! List helpers that compare elements (LANGUAGE-DECISIONS 16): search, sort and dedup, one body per
//! element kind. Lists are (pointer, count) with elements laid out as the canonical ABI says.

use super::helpers::{HelperSig, add_to};
use super::*;

/// The element kinds that compare by value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) enum ElemKind {
    Int,
    Float,
    Bool,
    Str,
}

impl ElemKind {
    pub(super) fn of(t: &Type) -> Option<ElemKind> {
        Some(match t {
            Type::Int | Type::DateTime => ElemKind::Int,
            Type::Float => ElemKind::Float,
            Type::Bool => ElemKind::Bool,
            Type::String => ElemKind::Str,
            _ => return None,
        })
    }

    pub(super) fn size(self) -> i32 {
        if self == ElemKind::Bool { 1 } else { 8 }
    }

    /// The wasm locals one element's value occupies.
    fn rep(self) -> Vec<ValType> {
        match self {
            ElemKind::Int => vec![ValType::I64],
            ElemKind::Float => vec![ValType::F64],
            ElemKind::Bool => vec![ValType::I32],
            ElemKind::Str => vec![ValType::I32, ValType::I32],
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) enum ListOp {
    /// (p, n, x) -> index of the first element equal to x, or -1 (i32).
    IndexOf(ElemKind),
    /// (p, n) -> a sorted copy, ascending and stable; NaN sorts last, strings by code point.
    Sort(ElemKind),
    /// (p, n) -> a copy without repeated elements, keeping each first occurrence.
    Dedup(ElemKind),
    /// (pa, na, pb, nb) -> the elements of the first list that are (`true`) or are not (`false`)
    /// in the second, in order.
    Filter(ElemKind, bool),
    /// (p, n, x) -> the list without the first element equal to x.
    Remove(ElemKind),
    /// (p, n, x) -> the list with x appended, unless an element equals it.
    Add(ElemKind),
    /// (p, n) -> a reversed copy, for elements of this size.
    Reverse(u32),
    /// (p, n) of lists -> one list of their elements, for elements of this size and alignment.
    Flatten(u32, u32),
}

impl ListOp {
    pub(super) fn name(self) -> &'static str {
        match self {
            ListOp::IndexOf(_) => "list_index_of",
            ListOp::Sort(_) => "list_sort",
            ListOp::Dedup(_) => "list_dedup",
            ListOp::Reverse(_) => "list_reverse",
            ListOp::Filter(..) => "set_filter",
            ListOp::Remove(_) => "set_remove",
            ListOp::Add(_) => "set_add",
            ListOp::Flatten(..) => "list_flatten",
        }
    }
}

impl Builder<'_> {
    /// Pushes the element at `base + index * size` (locals) as its value.
    fn load_kind(kind: ElemKind, base: u32, index: u32, code: &mut Vec<I<'static>>) {
        let addr = [I::LocalGet(base), I::LocalGet(index), I::I32Const(kind.size()), I::I32Mul, I::I32Add];
        code.extend(addr.clone());
        match kind {
            ElemKind::Int => code.push(I::I64Load(mem(0, 3))),
            ElemKind::Float => code.push(I::F64Load(mem(0, 3))),
            ElemKind::Bool => code.push(I::I32Load8U(mem(0, 0))),
            ElemKind::Str => {
                code.push(I::I32Load(mem(0, 2)));
                code.extend(addr);
                code.push(I::I32Load(mem(4, 2)));
            }
        }
    }

    /// Consumes two values of `kind` (a, b) and leaves whether they are equal.
    fn equal_kind(&mut self, kind: ElemKind, code: &mut Vec<I<'static>>) -> Result<(), String> {
        match kind {
            ElemKind::Int => code.push(I::I64Eq),
            ElemKind::Float => code.push(I::F64Eq),
            ElemKind::Bool => code.push(I::I32Eq),
            ElemKind::Str => code.push(I::Call(self.helper(Helper::StrEq)?)),
        }
        Ok(())
    }

    pub(super) fn list_helper(&mut self, op: ListOp, code: &mut Vec<I<'static>>) -> Result<HelperSig, String> {
        use ValType::I32;
        Ok(match op {
            ListOp::IndexOf(kind) => {
                let rep = kind.rep();
                let (p, n) = (0, 1);
                let x: Vec<u32> = (2..2 + rep.len() as u32).collect();
                let i = 2 + rep.len() as u32;
                code.extend([
                    I::Block(BlockType::Empty),
                    I::Loop(BlockType::Empty),
                    I::LocalGet(i),
                    I::LocalGet(n),
                    I::I32GeU,
                    I::BrIf(1),
                ]);
                Self::load_kind(kind, p, i, code);
                code.extend(x.iter().map(|l| I::LocalGet(*l)));
                self.equal_kind(kind, code)?;
                code.extend([I::If(BlockType::Empty), I::LocalGet(i), I::Return, I::End]);
                code.extend(add_to(i, I::I32Const(1)));
                code.extend([I::Br(0), I::End, I::End, I::I32Const(-1)]);
                let mut params = vec![I32, I32];
                params.extend(rep);
                (params, vec![I32], vec![I32])
            }
            ListOp::Dedup(kind) => {
                // O(n^2): each element is kept when no earlier kept element equals it.
                let index_of = self.helper(Helper::List(ListOp::IndexOf(kind)))?;
                let alloc = self.helper(Helper::Alloc)?;
                let (p, n, dst, kept, i) = (0, 1, 2, 3, 4);
                let size = kind.size();
                code.extend([
                    I::LocalGet(n),
                    I::I32Const(size),
                    I::I32Mul,
                    I::I32Const(size),
                    I::Call(alloc),
                    I::LocalSet(dst),
                ]);
                code.extend([
                    I::Block(BlockType::Empty),
                    I::Loop(BlockType::Empty),
                    I::LocalGet(i),
                    I::LocalGet(n),
                    I::I32GeU,
                    I::BrIf(1),
                ]);
                code.extend([I::LocalGet(dst), I::LocalGet(kept)]);
                Self::load_kind(kind, p, i, code);
                code.extend([I::Call(index_of), I::I32Const(0), I::I32LtS, I::If(BlockType::Empty)]);
                // copy element i to dst[kept]
                code.extend([
                    I::LocalGet(dst),
                    I::LocalGet(kept),
                    I::I32Const(size),
                    I::I32Mul,
                    I::I32Add,
                    I::LocalGet(p),
                    I::LocalGet(i),
                    I::I32Const(size),
                    I::I32Mul,
                    I::I32Add,
                    I::I32Const(size),
                    I::MemoryCopy { src_mem: 0, dst_mem: 0 },
                ]);
                code.extend(add_to(kept, I::I32Const(1)));
                code.push(I::End);
                code.extend(add_to(i, I::I32Const(1)));
                code.extend([I::Br(0), I::End, I::End, I::LocalGet(dst), I::LocalGet(kept)]);
                (vec![I32, I32], vec![I32, I32], vec![I32; 3])
            }
            ListOp::Filter(kind, keep) => {
                let index_of = self.helper(Helper::List(ListOp::IndexOf(kind)))?;
                let alloc = self.helper(Helper::Alloc)?;
                let (pa, na, pb, nb, dst, kept, i) = (0, 1, 2, 3, 4, 5, 6);
                let size = kind.size();
                code.extend([
                    I::LocalGet(na),
                    I::I32Const(size),
                    I::I32Mul,
                    I::I32Const(size),
                    I::Call(alloc),
                    I::LocalSet(dst),
                ]);
                code.extend([
                    I::Block(BlockType::Empty),
                    I::Loop(BlockType::Empty),
                    I::LocalGet(i),
                    I::LocalGet(na),
                    I::I32GeU,
                    I::BrIf(1),
                ]);
                code.extend([I::LocalGet(pb), I::LocalGet(nb)]);
                Self::load_kind(kind, pa, i, code);
                code.extend([
                    I::Call(index_of),
                    I::I32Const(0),
                    I::I32GeS,
                    I::I32Const(i32::from(keep)),
                    I::I32Eq,
                    I::If(BlockType::Empty),
                ]);
                code.extend([
                    I::LocalGet(dst),
                    I::LocalGet(kept),
                    I::I32Const(size),
                    I::I32Mul,
                    I::I32Add,
                    I::LocalGet(pa),
                    I::LocalGet(i),
                    I::I32Const(size),
                    I::I32Mul,
                    I::I32Add,
                    I::I32Const(size),
                    I::MemoryCopy { src_mem: 0, dst_mem: 0 },
                ]);
                code.extend(add_to(kept, I::I32Const(1)));
                code.push(I::End);
                code.extend(add_to(i, I::I32Const(1)));
                code.extend([I::Br(0), I::End, I::End, I::LocalGet(dst), I::LocalGet(kept)]);
                (vec![I32; 4], vec![I32, I32], vec![I32; 3])
            }
            ListOp::Remove(kind) | ListOp::Add(kind) => {
                let index_of = self.helper(Helper::List(ListOp::IndexOf(kind)))?;
                let rep = kind.rep();
                let (p, n) = (0, 1);
                let x: Vec<u32> = (2..2 + rep.len() as u32).collect();
                let (at, dst) = (2 + rep.len() as u32, 3 + rep.len() as u32);
                let size = kind.size();
                code.extend([I::LocalGet(p), I::LocalGet(n)]);
                code.extend(x.iter().map(|l| I::LocalGet(*l)));
                code.extend([I::Call(index_of), I::LocalSet(at)]);
                if op == ListOp::Add(kind) {
                    // present: unchanged; absent: a copy with x at the end
                    code.extend([
                        I::LocalGet(at),
                        I::I32Const(0),
                        I::I32GeS,
                        I::If(BlockType::Empty),
                        I::LocalGet(p),
                        I::LocalGet(n),
                        I::Return,
                        I::End,
                    ]);
                    self.emit_grow_by_one(p, n, dst, size as u32, size as u32, code)?;
                    code.extend([I::LocalGet(dst), I::LocalGet(n), I::I32Const(size), I::I32Mul, I::I32Add]);
                    match kind {
                        ElemKind::Int => code.extend([I::LocalGet(x[0]), I::I64Store(mem(0, 3))]),
                        ElemKind::Float => code.extend([I::LocalGet(x[0]), I::F64Store(mem(0, 3))]),
                        ElemKind::Bool => code.extend([I::LocalGet(x[0]), I::I32Store8(mem(0, 0))]),
                        ElemKind::Str => code.extend([
                            I::LocalTee(at),
                            I::LocalGet(x[0]),
                            I::I32Store(mem(0, 2)),
                            I::LocalGet(at),
                            I::LocalGet(x[1]),
                            I::I32Store(mem(4, 2)),
                        ]),
                    }
                    code.extend([I::LocalGet(dst), I::LocalGet(n), I::I32Const(1), I::I32Add]);
                } else {
                    // absent: unchanged; present: the elements before and after it
                    code.extend([
                        I::LocalGet(at),
                        I::I32Const(0),
                        I::I32LtS,
                        I::If(BlockType::Empty),
                        I::LocalGet(p),
                        I::LocalGet(n),
                        I::Return,
                        I::End,
                    ]);
                    self.emit_without(p, n, at, dst, size as u32, size as u32, code)?;
                }
                let mut params = vec![I32, I32];
                params.extend(rep);
                (params, vec![I32, I32], vec![I32, I32])
            }
            ListOp::Sort(ElemKind::Int) => self.radix_sort_ints_body(code)?,
            ListOp::Sort(kind) => self.sort_body(kind, code)?,
            ListOp::Reverse(size) => {
                let alloc = self.helper(Helper::Alloc)?;
                let (p, n, dst, i) = (0, 1, 2, 3);
                let size = size as i32;
                code.extend([
                    I::LocalGet(n),
                    I::I32Const(size),
                    I::I32Mul,
                    I::I32Const(8),
                    I::Call(alloc),
                    I::LocalSet(dst),
                ]);
                code.extend([
                    I::Block(BlockType::Empty),
                    I::Loop(BlockType::Empty),
                    I::LocalGet(i),
                    I::LocalGet(n),
                    I::I32GeU,
                    I::BrIf(1),
                ]);
                // dst[n - 1 - i] = p[i]
                code.extend([
                    I::LocalGet(dst),
                    I::LocalGet(n),
                    I::I32Const(1),
                    I::I32Sub,
                    I::LocalGet(i),
                    I::I32Sub,
                    I::I32Const(size),
                    I::I32Mul,
                    I::I32Add,
                    I::LocalGet(p),
                    I::LocalGet(i),
                    I::I32Const(size),
                    I::I32Mul,
                    I::I32Add,
                    I::I32Const(size),
                    I::MemoryCopy { src_mem: 0, dst_mem: 0 },
                ]);
                code.extend(add_to(i, I::I32Const(1)));
                code.extend([I::Br(0), I::End, I::End, I::LocalGet(dst), I::LocalGet(n)]);
                (vec![I32, I32], vec![I32, I32], vec![I32, I32])
            }
            ListOp::Flatten(size, align) => {
                let alloc = self.helper(Helper::Alloc)?;
                let (p, n, total, i, dst, pos) = (0, 1, 2, 3, 4, 5);
                let size = size as i32;
                let inner = |field: u64| {
                    [I::LocalGet(p), I::LocalGet(i), I::I32Const(8), I::I32Mul, I::I32Add, I::I32Load(mem(field, 2))]
                };
                code.extend([
                    I::Block(BlockType::Empty),
                    I::Loop(BlockType::Empty),
                    I::LocalGet(i),
                    I::LocalGet(n),
                    I::I32GeU,
                    I::BrIf(1),
                    I::LocalGet(total),
                ]);
                code.extend(inner(4));
                code.extend([I::I32Add, I::LocalSet(total)]);
                code.extend(add_to(i, I::I32Const(1)));
                code.extend([I::Br(0), I::End, I::End]);
                code.extend([
                    I::LocalGet(total),
                    I::I32Const(size),
                    I::I32Mul,
                    I::I32Const(align as i32),
                    I::Call(alloc),
                    I::LocalTee(dst),
                    I::LocalSet(pos),
                    I::I32Const(0),
                    I::LocalSet(i),
                ]);
                code.extend([
                    I::Block(BlockType::Empty),
                    I::Loop(BlockType::Empty),
                    I::LocalGet(i),
                    I::LocalGet(n),
                    I::I32GeU,
                    I::BrIf(1),
                    I::LocalGet(pos),
                ]);
                code.extend(inner(0));
                code.extend(inner(4));
                code.extend([I::I32Const(size), I::I32Mul, I::MemoryCopy { src_mem: 0, dst_mem: 0 }, I::LocalGet(pos)]);
                code.extend(inner(4));
                code.extend([I::I32Const(size), I::I32Mul, I::I32Add, I::LocalSet(pos)]);
                code.extend(add_to(i, I::I32Const(1)));
                code.extend([I::Br(0), I::End, I::End, I::LocalGet(dst), I::LocalGet(total)]);
                (vec![I32, I32], vec![I32, I32], vec![I32; 4])
            }
        })
    }

    /// Int lists, the common case: an LSD radix sort on bytes (stable, linear), with the sign bit
    /// flipped so negative numbers order first, skipping the byte positions where every number has
    /// the same byte (the high bytes of small numbers).
    fn radix_sort_ints_body(&mut self, code: &mut Vec<I<'static>>) -> Result<HelperSig, String> {
        use ValType::{I32, I64};
        let alloc = self.helper(Helper::Alloc)?;
        let (p, n, src, dst, cnt, pass, i, d, sum, t) = (0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        let (x, shift) = (10, 11);
        let elem = |base: u32| [I::LocalGet(base), I::LocalGet(i), I::I32Const(3), I::I32Shl, I::I32Add];
        let bucket = |idx: Vec<I<'static>>| {
            let mut c = vec![I::LocalGet(cnt)];
            c.extend(idx);
            c.extend([I::I32Const(2), I::I32Shl, I::I32Add]);
            c
        };
        // digit of x at the current shift, sign bit flipped
        let digit = [
            I::LocalGet(x),
            I::I64Const(i64::MIN),
            I::I64Xor,
            I::LocalGet(shift),
            I::I64ShrU,
            I::I32WrapI64,
            I::I32Const(255),
            I::I32And,
            I::LocalSet(d),
        ];
        let bytes = [I::LocalGet(n), I::I32Const(3), I::I32Shl];
        code.extend(bytes.clone());
        code.extend([I::I32Const(8), I::Call(alloc), I::LocalTee(src), I::LocalGet(p)]);
        code.extend(bytes.clone());
        code.push(I::MemoryCopy { src_mem: 0, dst_mem: 0 });
        code.extend([
            I::LocalGet(n),
            I::I32Const(2),
            I::I32LtU,
            I::If(BlockType::Empty),
            I::LocalGet(src),
            I::LocalGet(n),
            I::Return,
            I::End,
        ]);
        code.extend(bytes);
        code.extend([
            I::I32Const(8),
            I::Call(alloc),
            I::LocalSet(dst),
            I::I32Const(1024),
            I::I32Const(4),
            I::Call(alloc),
            I::LocalSet(cnt),
        ]);
        code.extend([
            I::Block(BlockType::Empty),
            I::Loop(BlockType::Empty),
            I::LocalGet(pass),
            I::I32Const(8),
            I::I32GeU,
            I::BrIf(1),
        ]);
        code.extend([
            I::LocalGet(pass),
            I::I32Const(3),
            I::I32Shl,
            I::I64ExtendI32U,
            I::LocalSet(shift),
            I::LocalGet(cnt),
            I::I32Const(0),
            I::I32Const(1024),
            I::MemoryFill(0),
        ]);
        // count the digits
        code.extend([I::I32Const(0), I::LocalSet(i), I::Loop(BlockType::Empty)]);
        code.extend(elem(src));
        code.extend([I::I64Load(mem(0, 3)), I::LocalSet(x)]);
        code.extend(digit.clone());
        code.extend(bucket(vec![I::LocalGet(d)]));
        code.extend(bucket(vec![I::LocalGet(d)]));
        code.extend([I::I32Load(mem(0, 2)), I::I32Const(1), I::I32Add, I::I32Store(mem(0, 2))]);
        code.extend(add_to(i, I::I32Const(1)));
        code.extend([I::LocalGet(i), I::LocalGet(n), I::I32LtU, I::BrIf(0), I::End]);
        // every number has the last digit seen: nothing to do at this position
        code.extend(bucket(vec![I::LocalGet(d)]));
        code.extend([I::I32Load(mem(0, 2)), I::LocalGet(n), I::I32Ne, I::If(BlockType::Empty)]);
        // bucket starts
        code.extend([I::I32Const(0), I::LocalSet(sum), I::I32Const(0), I::LocalSet(i), I::Loop(BlockType::Empty)]);
        code.extend(bucket(vec![I::LocalGet(i)]));
        code.extend([I::I32Load(mem(0, 2)), I::LocalSet(t)]);
        code.extend(bucket(vec![I::LocalGet(i)]));
        code.extend([
            I::LocalGet(sum),
            I::I32Store(mem(0, 2)),
            I::LocalGet(sum),
            I::LocalGet(t),
            I::I32Add,
            I::LocalSet(sum),
        ]);
        code.extend(add_to(i, I::I32Const(1)));
        code.extend([I::LocalGet(i), I::I32Const(256), I::I32LtU, I::BrIf(0), I::End]);
        // scatter, in order (stable)
        code.extend([I::I32Const(0), I::LocalSet(i), I::Loop(BlockType::Empty)]);
        code.extend(elem(src));
        code.extend([I::I64Load(mem(0, 3)), I::LocalSet(x)]);
        code.extend(digit.clone());
        code.extend(bucket(vec![I::LocalGet(d)]));
        code.extend([
            I::I32Load(mem(0, 2)),
            I::LocalSet(t),
            I::LocalGet(dst),
            I::LocalGet(t),
            I::I32Const(3),
            I::I32Shl,
            I::I32Add,
            I::LocalGet(x),
            I::I64Store(mem(0, 3)),
        ]);
        code.extend(bucket(vec![I::LocalGet(d)]));
        code.extend([I::LocalGet(t), I::I32Const(1), I::I32Add, I::I32Store(mem(0, 2))]);
        code.extend(add_to(i, I::I32Const(1)));
        code.extend([I::LocalGet(i), I::LocalGet(n), I::I32LtU, I::BrIf(0), I::End]);
        code.extend([I::LocalGet(src), I::LocalGet(dst), I::LocalSet(src), I::LocalSet(dst), I::End]);
        code.extend(add_to(pass, I::I32Const(1)));
        code.extend([I::Br(0), I::End, I::End, I::LocalGet(src), I::LocalGet(n)]);
        let mut locals = vec![I32; 8];
        locals.extend([I64; 2]);
        Ok((vec![I32, I32], vec![I32, I32], locals))
    }

    /// Bottom-up merge sort: runs of `width` are merged from `src` into `dst`, which then swap.
    fn sort_body(&mut self, kind: ElemKind, code: &mut Vec<I<'static>>) -> Result<HelperSig, String> {
        use ValType::I32;
        let alloc = self.helper(Helper::Alloc)?;
        let size = kind.size();
        let (p, n, src, dst, width, lo, mid, hi, a, b, k, t) = (0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
        let bytes = |code: &mut Vec<I<'static>>| code.extend([I::LocalGet(n), I::I32Const(size), I::I32Mul]);
        bytes(code);
        code.extend([I::I32Const(8), I::Call(alloc), I::LocalTee(src), I::LocalGet(p)]);
        bytes(code);
        code.push(I::MemoryCopy { src_mem: 0, dst_mem: 0 });
        bytes(code);
        code.extend([I::I32Const(8), I::Call(alloc), I::LocalSet(dst), I::I32Const(1), I::LocalSet(width)]);
        let min_n = |code: &mut Vec<I<'static>>, target: u32| {
            // target = min(target, n)
            code.extend([
                I::LocalGet(target),
                I::LocalGet(n),
                I::LocalGet(target),
                I::LocalGet(n),
                I::I32LtU,
                I::Select,
                I::LocalSet(target),
            ]);
        };
        // while width < n
        code.extend([
            I::Block(BlockType::Empty),
            I::Loop(BlockType::Empty),
            I::LocalGet(width),
            I::LocalGet(n),
            I::I32GeU,
            I::BrIf(1),
        ]);
        code.extend([I::I32Const(0), I::LocalSet(lo)]);
        // for each pair of runs
        code.extend([
            I::Block(BlockType::Empty),
            I::Loop(BlockType::Empty),
            I::LocalGet(lo),
            I::LocalGet(n),
            I::I32GeU,
            I::BrIf(1),
        ]);
        code.extend([I::LocalGet(lo), I::LocalGet(width), I::I32Add, I::LocalSet(mid)]);
        min_n(code, mid);
        code.extend([I::LocalGet(mid), I::LocalGet(width), I::I32Add, I::LocalSet(hi)]);
        min_n(code, hi);
        code.extend([I::LocalGet(lo), I::LocalTee(a), I::LocalSet(k), I::LocalGet(mid), I::LocalSet(b)]);
        // merge: while k < hi
        code.extend([
            I::Block(BlockType::Empty),
            I::Loop(BlockType::Empty),
            I::LocalGet(k),
            I::LocalGet(hi),
            I::I32GeU,
            I::BrIf(1),
        ]);
        // take from the left run when the right one is used up, or when not (right < left)
        code.extend([
            I::LocalGet(b),
            I::LocalGet(hi),
            I::I32GeU,
            I::If(BlockType::Result(I32)),
            I::I32Const(1),
            I::Else,
        ]);
        code.extend([I::LocalGet(a), I::LocalGet(mid), I::I32LtU, I::If(BlockType::Result(I32))]);
        self.less(kind, src, b, a, code)?;
        code.extend([I::I32Eqz, I::Else, I::I32Const(0), I::End, I::End, I::LocalSet(t)]);
        // dst[k] = src[t ? a : b]
        code.extend([I::LocalGet(dst), I::LocalGet(k), I::I32Const(size), I::I32Mul, I::I32Add]);
        code.extend([
            I::LocalGet(src),
            I::LocalGet(a),
            I::LocalGet(b),
            I::LocalGet(t),
            I::Select,
            I::I32Const(size),
            I::I32Mul,
            I::I32Add,
        ]);
        // Elements are 8 bytes (or one for Bool): a load and a store beat a `memory.copy` call.
        code.extend(if size == 8 {
            [I::I64Load(mem(0, 3)), I::I64Store(mem(0, 3))]
        } else {
            [I::I32Load8U(mem(0, 0)), I::I32Store8(mem(0, 0))]
        });
        code.extend([I::LocalGet(t), I::If(BlockType::Empty)]);
        code.extend(add_to(a, I::I32Const(1)));
        code.push(I::Else);
        code.extend(add_to(b, I::I32Const(1)));
        code.push(I::End);
        code.extend(add_to(k, I::I32Const(1)));
        code.extend([I::Br(0), I::End, I::End]);
        code.extend([I::LocalGet(hi), I::LocalSet(lo), I::Br(0), I::End, I::End]);
        // swap, double
        code.extend([I::LocalGet(src), I::LocalGet(dst), I::LocalSet(src), I::LocalSet(dst)]);
        code.extend([I::LocalGet(width), I::I32Const(1), I::I32Shl, I::LocalSet(width), I::Br(0), I::End, I::End]);
        code.extend([I::LocalGet(src), I::LocalGet(n)]);
        Ok((vec![I32, I32], vec![I32, I32], vec![I32; 10]))
    }

    /// Leaves whether `base[i] < base[j]`, with NaN greater than every number.
    fn less(&mut self, kind: ElemKind, base: u32, i: u32, j: u32, code: &mut Vec<I<'static>>) -> Result<(), String> {
        match kind {
            ElemKind::Int => {
                Self::load_kind(kind, base, i, code);
                Self::load_kind(kind, base, j, code);
                code.push(I::I64LtS);
            }
            ElemKind::Bool => {
                Self::load_kind(kind, base, i, code);
                Self::load_kind(kind, base, j, code);
                code.push(I::I32LtU);
            }
            ElemKind::Float => {
                // x < y, or y is NaN and x is not
                Self::load_kind(kind, base, i, code);
                Self::load_kind(kind, base, j, code);
                code.push(I::F64Lt);
                Self::load_kind(kind, base, j, code);
                Self::load_kind(kind, base, j, code);
                code.push(I::F64Ne);
                Self::load_kind(kind, base, i, code);
                Self::load_kind(kind, base, i, code);
                code.extend([I::F64Eq, I::I32And, I::I32Or]);
            }
            ElemKind::Str => {
                Self::load_kind(kind, base, i, code);
                Self::load_kind(kind, base, j, code);
                code.extend([I::Call(self.helper(Helper::StrCmp)?), I::I32Const(0), I::I32LtS]);
            }
        }
        Ok(())
    }
}
