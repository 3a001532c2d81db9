//! `compute` operations on lists, maps and compound values (structs, enums, optionals, unions).

use super::body::Frame;
use super::compute::{allocate, entry};
use super::lists::{ElemKind, ListOp};
use super::maps::MapOp;
use super::memory::{load_rep, load_tag, pop_values, store_rep, store_tag};
use super::*;

/// Emits a list, map or compound-value operation on the values of `args`, already on the stack.
pub(super) fn emit_data(
    b: &mut Builder,
    frame: &mut Frame,
    op: ComputeOp,
    args: &[Value],
    code: &mut Vec<I<'static>>,
) -> Result<(), String> {
    use ComputeOp::*;
    let arity = args.len();
    match op {
        MapGet(ref k, ref v)
        | MapHas(ref k, ref v)
        | MapInsert(ref k, ref v)
        | MapRemove(ref k, ref v)
        | MapMerge(ref k, ref v) => {
            let Some(e) = entry(b, k, v) else {
                return Err(format!("map key type {k} does not compare by value"));
            };
            match &op {
                MapHas(..) => {
                    code.extend([I::Call(b.helper(Helper::Map(MapOp::Find(e)))?), I::I32Const(0), I::I32GeS]);
                }
                MapGet(..) => {
                    let find = b.helper(Helper::Map(MapOp::Find(e)))?;
                    let trap = b.helper(Helper::Trap(Fault::MissingKey))?;
                    let key = pop_values(b, frame, std::slice::from_ref(k), code).remove(0);
                    let (p, n, at) =
                        (frame.scratch(ValType::I32), frame.scratch(ValType::I32), frame.scratch(ValType::I32));
                    code.extend([I::LocalSet(n), I::LocalTee(p), I::LocalGet(n)]);
                    code.extend(key.iter().map(|l| I::LocalGet(*l)));
                    code.extend([
                        I::Call(find),
                        I::LocalTee(at),
                        I::I32Const(0),
                        I::I32LtS,
                        I::If(BlockType::Empty),
                        I::Call(trap),
                        I::End,
                        I::LocalGet(p),
                        I::LocalGet(at),
                        I::I32Const(e.stride as i32),
                        I::I32Mul,
                        I::I32Add,
                    ]);
                    load_rep(b, frame, v, e.voff, code);
                }
                MapInsert(..) => {
                    // The value goes to the helper by address: a compound value is one already.
                    let value = pop_values(b, frame, std::slice::from_ref(v), code).remove(0);
                    if v.is_compound() {
                        code.push(I::LocalGet(value[0]));
                    } else {
                        let (size, align) = b.abi().size_align(v);
                        let at = allocate(b, frame, size, align, code)?;
                        code.push(I::LocalGet(at));
                        store_rep(b, frame, v, 0, &value, code);
                        code.push(I::LocalGet(at));
                    }
                    code.push(I::Call(b.helper(Helper::Map(MapOp::Insert(e)))?));
                }
                MapRemove(..) => code.push(I::Call(b.helper(Helper::Map(MapOp::Remove(e)))?)),
                _ => code.push(I::Call(b.helper(Helper::Map(MapOp::Merge(e)))?)),
            }
        }
        MapKeys(ref k, ref v) | MapValues(ref k, ref v) => {
            let (voff, stride, _) = b.abi().entry(k, v);
            let part = if matches!(op, MapKeys(..)) { k } else { v };
            let (size, align) = b.abi().size_align(part);
            let offset = if matches!(op, MapKeys(..)) { 0 } else { voff };
            code.push(I::Call(b.helper(Helper::Map(MapOp::Project { stride, offset, size, align }))?));
        }
        ListLen | ListIsEmpty => {
            let len = frame.scratch(ValType::I32);
            code.extend([I::LocalSet(len), I::Drop, I::LocalGet(len)]);
            code.push(if op == ListLen { I::I64ExtendI32U } else { I::I32Eqz });
        }
        ListGet(elem) => {
            let trap = b.helper(Helper::Trap(Fault::IndexOutOfRange))?;
            let (idx, len, ptr) =
                (frame.scratch(ValType::I64), frame.scratch(ValType::I32), frame.scratch(ValType::I32));
            let (size, _) = b.abi().size_align(&elem);
            code.extend([
                I::LocalSet(idx),
                I::LocalSet(len),
                I::LocalSet(ptr),
                // A negative index, read unsigned, is out of range too.
                I::LocalGet(idx),
                I::LocalGet(len),
                I::I64ExtendI32U,
                I::I64GeU,
                I::If(BlockType::Empty),
                I::Call(trap),
                I::End,
                I::LocalGet(ptr),
                I::LocalGet(idx),
                I::I32WrapI64,
                I::I32Const(size as i32),
                I::I32Mul,
                I::I32Add,
            ]);
            load_rep(b, frame, &elem, 0, code);
        }
        ListFirst(ref elem) | ListLast(ref elem) => {
            let trap = b.helper(Helper::Trap(Fault::EmptyList))?;
            let (size, _) = b.abi().size_align(elem);
            let (p, n) = (frame.scratch(ValType::I32), frame.scratch(ValType::I32));
            code.extend([
                I::LocalSet(n),
                I::LocalTee(p),
                I::LocalGet(n),
                I::I32Eqz,
                I::If(BlockType::Empty),
                I::Call(trap),
                I::End,
            ]);
            if matches!(op, ListLast(_)) {
                code.extend([
                    I::LocalGet(n),
                    I::I32Const(1),
                    I::I32Sub,
                    I::I32Const(size as i32),
                    I::I32Mul,
                    I::I32Add,
                ]);
            }
            load_rep(b, frame, elem, 0, code);
        }
        ListReverse(elem) => {
            let (size, _) = b.abi().size_align(&elem);
            code.push(I::Call(b.helper(Helper::List(ListOp::Reverse(size)))?));
        }
        ListSlice(ref elem) | ListTake(ref elem) | ListDrop(ref elem) => {
            // Views: (p + start * size, end - start), with 0 <= start <= end <= n.
            let (size, _) = b.abi().size_align(elem);
            let (p, n) = (frame.scratch(ValType::I32), frame.scratch(ValType::I64));
            let (start, end) = (frame.scratch(ValType::I64), frame.scratch(ValType::I64));
            match &op {
                ListSlice(_) => code.extend([I::LocalSet(end), I::LocalSet(start)]),
                ListTake(_) => code.extend([I::LocalSet(end), I::I64Const(0), I::LocalSet(start)]),
                _ => code.extend([I::LocalSet(start), I::I64Const(i64::MAX), I::LocalSet(end)]),
            }
            code.extend([I::I64ExtendI32U, I::LocalSet(n), I::LocalSet(p)]);
            // x = max(x, lo); x = min(x, hi) on i64 locals
            let clamp = |code: &mut Vec<I<'static>>, x: u32, lo: I<'static>, hi: u32| {
                code.extend([I::LocalGet(x), lo.clone(), I::LocalGet(x), lo, I::I64GtS, I::Select, I::LocalSet(x)]);
                code.extend([
                    I::LocalGet(x),
                    I::LocalGet(hi),
                    I::LocalGet(x),
                    I::LocalGet(hi),
                    I::I64LtS,
                    I::Select,
                    I::LocalSet(x),
                ]);
            };
            clamp(code, start, I::I64Const(0), n);
            clamp(code, end, I::LocalGet(start), n);
            code.extend([
                I::LocalGet(p),
                I::LocalGet(start),
                I::I32WrapI64,
                I::I32Const(size as i32),
                I::I32Mul,
                I::I32Add,
                I::LocalGet(end),
                I::LocalGet(start),
                I::I64Sub,
                I::I32WrapI64,
            ]);
        }
        ListPrepend(elem) => {
            let alloc = b.helper(Helper::Alloc)?;
            let (size, align) = b.abi().size_align(&elem);
            let x: Vec<u32> = b.abi().rep(&elem).iter().map(|t| frame.scratch(*t)).collect();
            for l in x.iter().rev() {
                code.push(I::LocalSet(*l));
            }
            let (len, ptr, new) =
                (frame.scratch(ValType::I32), frame.scratch(ValType::I32), frame.scratch(ValType::I32));
            code.extend([
                I::LocalSet(len),
                I::LocalSet(ptr),
                I::LocalGet(len),
                I::I32Const(1),
                I::I32Add,
                I::I32Const(size as i32),
                I::I32Mul,
                I::I32Const(align as i32),
                I::Call(alloc),
                I::LocalTee(new),
                I::I32Const(size as i32),
                I::I32Add,
                I::LocalGet(ptr),
                I::LocalGet(len),
                I::I32Const(size as i32),
                I::I32Mul,
                I::MemoryCopy { src_mem: 0, dst_mem: 0 },
                I::LocalGet(new),
            ]);
            store_rep(b, frame, &elem, 0, &x, code);
            code.extend([I::LocalGet(new), I::LocalGet(len), I::I32Const(1), I::I32Add]);
        }
        ListContains(ref elem) | ListIndexOf(ref elem) => match ElemKind::of(elem) {
            Some(kind) => {
                code.push(I::Call(b.helper(Helper::List(ListOp::IndexOf(kind)))?));
                if matches!(op, ListContains(_)) {
                    code.extend([I::I32Const(0), I::I32GeS]);
                } else {
                    code.push(I::I64ExtendI32S);
                }
            }
            // The empty list literal: nothing is in it.
            None => {
                code.extend([I::Drop, I::Drop]);
                code.push(if matches!(op, ListContains(_)) { I::I32Const(0) } else { I::I64Const(-1) });
            }
        },
        ListSort(ref elem) | ListDedup(ref elem) => {
            if let Some(kind) = ElemKind::of(elem) {
                let l = if matches!(op, ListSort(_)) { ListOp::Sort(kind) } else { ListOp::Dedup(kind) };
                code.push(I::Call(b.helper(Helper::List(l))?));
            }
        }
        ListFlatten(elem) => {
            let (size, align) = b.abi().size_align(&elem);
            code.push(I::Call(b.helper(Helper::List(ListOp::Flatten(size, align)))?));
        }
        ListAppend(elem) => {
            let (size, align) = b.abi().size_align(&elem);
            let x: Vec<u32> = b.abi().rep(&elem).iter().map(|t| frame.scratch(*t)).collect();
            for l in x.iter().rev() {
                code.push(I::LocalSet(*l));
            }
            let (len, ptr, new) =
                (frame.scratch(ValType::I32), frame.scratch(ValType::I32), frame.scratch(ValType::I32));
            code.extend([I::LocalSet(len), I::LocalSet(ptr)]);
            b.emit_grow_by_one(ptr, len, new, size, align, code)?;
            code.extend([I::LocalGet(new), I::LocalGet(len), I::I32Const(size as i32), I::I32Mul, I::I32Add]);
            store_rep(b, frame, &elem, 0, &x, code);
            code.extend([I::LocalGet(new), I::LocalGet(len), I::I32Const(1), I::I32Add]);
        }
        ListConcat(elem) => {
            let (size, align) = b.abi().size_align(&elem);
            let (p1, l1, p2, l2) = (
                frame.scratch(ValType::I32),
                frame.scratch(ValType::I32),
                frame.scratch(ValType::I32),
                frame.scratch(ValType::I32),
            );
            code.extend([
                I::LocalSet(l2),
                I::LocalSet(p2),
                I::LocalSet(l1),
                I::LocalSet(p1),
                I::LocalGet(p1),
                I::LocalGet(l1),
                I::I32Const(size as i32),
                I::I32Mul,
                I::LocalGet(p2),
                I::LocalGet(l2),
                I::I32Const(size as i32),
                I::I32Mul,
                I::I32Const(align as i32),
                I::Call(b.helper(Helper::Concat)?),
                I::Drop,
                I::LocalGet(l1),
                I::LocalGet(l2),
                I::I32Add,
            ]);
        }
        Join => code.push(I::Call(b.helper(Helper::Join)?)),
        ValueEq(ref ty, negate) => {
            code.push(I::Call(b.eq_helper(ty)?));
            if negate {
                code.push(I::I32Eqz);
            }
        }
        ListOf(elem) => {
            let (size, align) = b.abi().size_align(&elem);
            let tys = vec![elem.clone(); arity];
            let values = pop_values(b, frame, &tys, code);
            let p = allocate(b, frame, size * arity as u32, align, code)?;
            for (i, x) in values.iter().enumerate() {
                code.push(I::LocalGet(p));
                store_rep(b, frame, &elem, size * i as u32, x, code);
            }
            code.extend([I::LocalGet(p), I::I32Const(arity as i32)]);
        }
        Record(ty) => {
            let (size, align) = b.abi().size_align(&ty);
            let fields = b.abi().struct_offsets(&ty);
            let tys: Vec<Type> = fields.iter().map(|(t, _)| t.clone()).collect();
            let values = pop_values(b, frame, &tys, code);
            let p = allocate(b, frame, size, align, code)?;
            for ((t, offset), x) in fields.iter().zip(&values) {
                code.push(I::LocalGet(p));
                store_rep(b, frame, t, *offset, x, code);
            }
            code.push(I::LocalGet(p));
        }
        Variant(ty, case) => {
            let layout = b.abi().variant(&ty);
            let fields = layout.cases[case as usize].clone();
            let tys: Vec<Type> = fields.iter().map(|(t, _)| t.clone()).collect();
            let values = pop_values(b, frame, &tys, code);
            let p = allocate(b, frame, layout.size, layout.align, code)?;
            code.push(I::LocalGet(p));
            store_tag(layout.tag_size, case, code);
            for ((t, offset), x) in fields.iter().zip(&values) {
                code.push(I::LocalGet(p));
                store_rep(b, frame, t, *offset, x, code);
            }
            code.push(I::LocalGet(p));
        }
        Field(ty, index) => {
            let (t, offset) = b.abi().struct_offsets(&ty)[index as usize].clone();
            load_rep(b, frame, &t, offset, code);
        }
        IsCase(ty, case) => {
            load_tag(b.abi().variant(&ty).tag_size, code);
            code.extend([I::I32Const(case as i32), I::I32Eq]);
        }
        Payload(ty, case, field) => {
            let (t, offset) = b.abi().variant(&ty).cases[case as usize][field as usize].clone();
            load_rep(b, frame, &t, offset, code);
        }
        Identity => {}
        SetHas(ref t) | SetAdd(ref t) | SetRemove(ref t) => {
            let kind = ElemKind::of(t).ok_or("set elements compare by value")?;
            match &op {
                SetHas(_) => {
                    code.extend([I::Call(b.helper(Helper::List(ListOp::IndexOf(kind)))?), I::I32Const(0), I::I32GeS])
                }
                SetAdd(_) => code.push(I::Call(b.helper(Helper::List(ListOp::Add(kind)))?)),
                _ => code.push(I::Call(b.helper(Helper::List(ListOp::Remove(kind)))?)),
            }
        }
        SetUnion(ref t)
        | SetIntersect(ref t)
        | SetDiff(ref t)
        | SetSymmetricDiff(ref t)
        | SetIsSubset(ref t)
        | SetIsSuperset(ref t)
        | SetEq(ref t, _) => {
            let kind = ElemKind::of(t).ok_or("set elements compare by value")?;
            let keep = b.helper(Helper::List(ListOp::Filter(kind, true)))?;
            let drop = b.helper(Helper::List(ListOp::Filter(kind, false)))?;
            let concat = b.helper(Helper::Concat)?;
            let size = kind.size();
            let (pa, na, pb, nb) = (
                frame.scratch(ValType::I32),
                frame.scratch(ValType::I32),
                frame.scratch(ValType::I32),
                frame.scratch(ValType::I32),
            );
            let (pc, nc) = (frame.scratch(ValType::I32), frame.scratch(ValType::I32));
            code.extend([I::LocalSet(nb), I::LocalSet(pb), I::LocalSet(na), I::LocalSet(pa)]);
            // (pc, nc) = the elements of one set that are not in the other
            let without = |code: &mut Vec<I<'static>>, x: (u32, u32), y: (u32, u32)| {
                code.extend([
                    I::LocalGet(x.0),
                    I::LocalGet(x.1),
                    I::LocalGet(y.0),
                    I::LocalGet(y.1),
                    I::Call(drop),
                    I::LocalSet(nc),
                    I::LocalSet(pc),
                ]);
            };
            // concatenation of (p1, n1) and (p2, n2) elements
            let join = |code: &mut Vec<I<'static>>, x: (u32, u32), y: (u32, u32)| {
                code.extend([
                    I::LocalGet(x.0),
                    I::LocalGet(x.1),
                    I::I32Const(size),
                    I::I32Mul,
                    I::LocalGet(y.0),
                    I::LocalGet(y.1),
                    I::I32Const(size),
                    I::I32Mul,
                    I::I32Const(size),
                    I::Call(concat),
                    I::I32Const(size),
                    I::I32DivU,
                ]);
            };
            match &op {
                SetUnion(_) => {
                    without(code, (pb, nb), (pa, na));
                    join(code, (pa, na), (pc, nc));
                }
                SetIntersect(_) => {
                    code.extend([I::LocalGet(pa), I::LocalGet(na), I::LocalGet(pb), I::LocalGet(nb), I::Call(keep)])
                }
                SetDiff(_) => {
                    code.extend([I::LocalGet(pa), I::LocalGet(na), I::LocalGet(pb), I::LocalGet(nb), I::Call(drop)])
                }
                SetSymmetricDiff(_) => {
                    let (pd, nd) = (frame.scratch(ValType::I32), frame.scratch(ValType::I32));
                    without(code, (pa, na), (pb, nb));
                    code.extend([I::LocalGet(pc), I::LocalSet(pd), I::LocalGet(nc), I::LocalSet(nd)]);
                    without(code, (pb, nb), (pa, na));
                    join(code, (pd, nd), (pc, nc));
                }
                SetIsSubset(_) => {
                    without(code, (pa, na), (pb, nb));
                    code.extend([I::LocalGet(nc), I::I32Eqz]);
                }
                SetIsSuperset(_) => {
                    without(code, (pb, nb), (pa, na));
                    code.extend([I::LocalGet(nc), I::I32Eqz]);
                }
                SetEq(_, negate) => {
                    without(code, (pa, na), (pb, nb));
                    code.extend([I::LocalGet(nc), I::I32Eqz, I::LocalGet(na), I::LocalGet(nb), I::I32Eq, I::I32And]);
                    if *negate {
                        code.push(I::I32Eqz);
                    }
                }
                _ => {}
            }
        }
        other => return Err(format!("{other:?} is not a data operation")),
    }
    Ok(())
}
