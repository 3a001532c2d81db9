//! Reading and writing values in linear memory, in the canonical ABI's layout.

use super::body::Frame;
use super::*;

/// Loads a value of type `ty` from `address + offset` (the address on the stack) as its
/// representation. A compound value is its address: values never change, so no copy is made.
pub(super) fn load_rep(b: &Builder, frame: &mut Frame, ty: &Type, offset: u32, code: &mut Vec<I<'static>>) {
    let o = u64::from(offset);
    match ty {
        Type::Int | Type::DateTime => code.push(I::I64Load(mem(o, 3))),
        Type::Float => code.push(I::F64Load(mem(o, 3))),
        Type::Bool => code.push(I::I32Load8U(mem(o, 0))),
        Type::String | Type::Bytes | Type::List(_) | Type::Set(_) | Type::Map(..) => {
            let addr = frame.scratch(ValType::I32);
            code.extend([I::LocalTee(addr), I::I32Load(mem(o, 2)), I::LocalGet(addr), I::I32Load(mem(o + 4, 2))]);
        }
        Type::Unit | Type::Error => code.push(I::Drop),
        _ => {
            let _ = b;
            if offset != 0 {
                code.extend([I::I32Const(offset as i32), I::I32Add]);
            }
        }
    }
}

/// Stores the value held in the locals `x` (its representation) at `address + offset` (the
/// address on the stack). A compound value is copied byte for byte.
pub(super) fn store_rep(b: &Builder, frame: &mut Frame, ty: &Type, offset: u32, x: &[u32], code: &mut Vec<I<'static>>) {
    let o = u64::from(offset);
    match ty {
        Type::Int | Type::DateTime => code.extend([I::LocalGet(x[0]), I::I64Store(mem(o, 3))]),
        Type::Float => code.extend([I::LocalGet(x[0]), I::F64Store(mem(o, 3))]),
        Type::Bool => code.extend([I::LocalGet(x[0]), I::I32Store8(mem(o, 0))]),
        Type::String | Type::Bytes | Type::List(_) | Type::Set(_) | Type::Map(..) => {
            let addr = frame.scratch(ValType::I32);
            code.extend([
                I::LocalTee(addr),
                I::LocalGet(x[0]),
                I::I32Store(mem(o, 2)),
                I::LocalGet(addr),
                I::LocalGet(x[1]),
                I::I32Store(mem(o + 4, 2)),
            ]);
        }
        Type::Unit | Type::Error => code.push(I::Drop),
        _ => {
            let (size, _) = b.abi().size_align(ty);
            if offset != 0 {
                code.extend([I::I32Const(offset as i32), I::I32Add]);
            }
            code.extend([I::LocalGet(x[0]), I::I32Const(size as i32), I::MemoryCopy { src_mem: 0, dst_mem: 0 }]);
        }
    }
}

/// Stores a variant's discriminant (the address on the stack).
pub(super) fn store_tag(tag_size: u32, case: u32, code: &mut Vec<I<'static>>) {
    code.push(I::I32Const(case as i32));
    code.push(match tag_size {
        1 => I::I32Store8(mem(0, 0)),
        2 => I::I32Store16(mem(0, 1)),
        _ => I::I32Store(mem(0, 2)),
    });
}

/// Loads a variant's discriminant (the address on the stack).
pub(super) fn load_tag(tag_size: u32, code: &mut Vec<I<'static>>) {
    code.push(match tag_size {
        1 => I::I32Load8U(mem(0, 0)),
        2 => I::I32Load16U(mem(0, 1)),
        _ => I::I32Load(mem(0, 2)),
    });
}

/// Pops a value of each type in `tys` (pushed in order) into fresh scratch locals; returns the
/// locals of each value.
pub(super) fn pop_values(b: &Builder, frame: &mut Frame, tys: &[Type], code: &mut Vec<I<'static>>) -> Vec<Vec<u32>> {
    let locals: Vec<Vec<u32>> =
        tys.iter().map(|t| b.abi().rep(t).into_iter().map(|v| frame.scratch(v)).collect()).collect();
    for l in locals.iter().flatten().rev() {
        code.push(I::LocalSet(*l));
    }
    locals
}

/// Array surgery shared by lists, sets and maps (all i32 locals: addresses and element counts).
impl Builder<'_> {
    /// Leaves (new, n - 1): a fresh copy of the `n` elements at `p` without element `at`.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn emit_without(
        &mut self,
        p: u32,
        n: u32,
        at: u32,
        new: u32,
        stride: u32,
        align: u32,
        code: &mut Vec<I<'static>>,
    ) -> Result<(), String> {
        let alloc = self.helper(Helper::Alloc)?;
        let bytes = |count: Vec<I<'static>>| {
            let mut c = count;
            c.extend([I::I32Const(stride as i32), I::I32Mul]);
            c
        };
        code.extend(bytes(vec![I::LocalGet(n), I::I32Const(1), I::I32Sub]));
        code.extend([I::I32Const(align as i32), I::Call(alloc), I::LocalTee(new), I::LocalGet(p)]);
        code.extend(bytes(vec![I::LocalGet(at)]));
        code.push(I::MemoryCopy { src_mem: 0, dst_mem: 0 });
        // the elements after `at` move down by one
        code.push(I::LocalGet(new));
        code.extend(bytes(vec![I::LocalGet(at)]));
        code.extend([I::I32Add, I::LocalGet(p)]);
        code.extend(bytes(vec![I::LocalGet(at), I::I32Const(1), I::I32Add]));
        code.push(I::I32Add);
        code.extend(bytes(vec![I::LocalGet(n), I::LocalGet(at), I::I32Sub, I::I32Const(1), I::I32Sub]));
        code.extend([
            I::MemoryCopy { src_mem: 0, dst_mem: 0 },
            I::LocalGet(new),
            I::LocalGet(n),
            I::I32Const(1),
            I::I32Sub,
        ]);
        Ok(())
    }

    /// Sets `new` to an array with room for one more element after the `n` at `p`. When the array
    /// ends where the arena's free space begins (the latest allocation, as in a loop that
    /// accumulates), it grows in place, amortised O(1): no value can see the bytes past its end.
    /// Otherwise it is copied. The new element goes at `new + n * stride`.
    pub(super) fn emit_grow_by_one(
        &mut self,
        p: u32,
        n: u32,
        new: u32,
        stride: u32,
        align: u32,
        code: &mut Vec<I<'static>>,
    ) -> Result<(), String> {
        let alloc = self.helper(Helper::Alloc)?;
        let (heap, _) = self.heap_globals();
        let (stride, align) = (stride as i32, align as i32);
        code.extend([
            I::LocalGet(p),
            I::LocalGet(n),
            I::I32Const(stride),
            I::I32Mul,
            I::I32Add,
            I::GlobalGet(heap),
            I::I32Eq,
            I::LocalGet(n),
            I::I32Const(0),
            I::I32Ne,
            I::I32And,
            I::If(BlockType::Empty),
            I::I32Const(stride),
            I::I32Const(align),
            I::Call(alloc),
            I::Drop,
            I::LocalGet(p),
            I::LocalSet(new),
            I::Else,
            I::LocalGet(n),
            I::I32Const(1),
            I::I32Add,
            I::I32Const(stride),
            I::I32Mul,
            I::I32Const(align),
            I::Call(alloc),
            I::LocalTee(new),
            I::LocalGet(p),
            I::LocalGet(n),
            I::I32Const(stride),
            I::I32Mul,
            I::MemoryCopy { src_mem: 0, dst_mem: 0 },
            I::End,
        ]);
        Ok(())
    }
}

/// A buffer that grows as elements are added, in i32 locals: its address, element count and
/// capacity (elements of `stride` bytes, aligned to `align`).
pub(super) struct Growing {
    pub(super) buf: u32,
    pub(super) n: u32,
    pub(super) cap: u32,
    pub(super) stride: u32,
    pub(super) align: u32,
}

/// Emits: make room for one more element, doubling the capacity (starting at `first`) and
/// copying the elements when full. `spare` is a scratch i32 local.
pub(super) fn emit_room_for_one(alloc: u32, g: &Growing, first: i32, spare: u32, code: &mut Vec<I<'static>>) {
    code.extend([
        I::LocalGet(g.n),
        I::LocalGet(g.cap),
        I::I32Eq,
        I::If(BlockType::Empty),
        I::LocalGet(g.cap),
        I::I32Const(1),
        I::I32Shl,
        I::I32Const(first),
        I::LocalGet(g.cap),
        I::Select,
        I::LocalTee(g.cap),
        I::I32Const(g.stride as i32),
        I::I32Mul,
        I::I32Const(g.align as i32),
        I::Call(alloc),
        I::LocalTee(spare),
        I::LocalGet(g.buf),
        I::LocalGet(g.n),
        I::I32Const(g.stride as i32),
        I::I32Mul,
        I::MemoryCopy { src_mem: 0, dst_mem: 0 },
        I::LocalGet(spare),
        I::LocalSet(g.buf),
        I::End,
    ]);
}
