//! Structural equality of any value (`equals` / `not_equals` on structs, enums, optionals, unions,
//! lists and maps): one helper per type, comparing field by field, element by element, and for
//! variants the tag and then that case's payload. Padding bytes are never compared.

use super::helpers::{HelperSig, add_to};
use super::*;

impl Builder<'_> {
    /// The helper comparing two values of `ty` (given as their representations), generated once.
    pub(super) fn eq_helper(&mut self, ty: &Type) -> Result<u32, String> {
        let id = match self.eq_types.iter().position(|t| t == ty) {
            Some(i) => i,
            None => {
                self.eq_types.push(ty.clone());
                self.eq_types.len() - 1
            }
        };
        self.helper(Helper::Eq(id as u32))
    }

    pub(super) fn eq_body(&mut self, id: u32, code: &mut Vec<I<'static>>) -> Result<HelperSig, String> {
        use ValType::I32;
        let ty = self.eq_types[id as usize].clone();
        let rep = self.abi().rep(&ty);
        let mut params = rep.clone();
        params.extend(rep.clone());
        match &ty {
            Type::List(_) | Type::Map(..) => {
                // (pa, na, pb, nb): equal lengths, then every element.
                let elem_ty = match &ty {
                    Type::List(e) => (**e).clone(),
                    _ => Type::Error,
                };
                let (size, entry) = match &ty {
                    Type::Map(k, v) => {
                        let (_, stride, _) = self.abi().entry(k, v);
                        (stride, Some(((**k).clone(), (**v).clone())))
                    }
                    _ => (self.abi().size_align(&elem_ty).0, None),
                };
                let (pa, na, pb, nb, i, ea, eb) = (0, 1, 2, 3, 4, 5, 6);
                code.extend([
                    I::LocalGet(na),
                    I::LocalGet(nb),
                    I::I32Ne,
                    I::If(BlockType::Empty),
                    I::I32Const(0),
                    I::Return,
                    I::End,
                ]);
                code.extend([
                    I::Block(BlockType::Empty),
                    I::Loop(BlockType::Empty),
                    I::LocalGet(i),
                    I::LocalGet(na),
                    I::I32GeU,
                    I::BrIf(1),
                ]);
                for (base, at) in [(pa, ea), (pb, eb)] {
                    code.extend([
                        I::LocalGet(base),
                        I::LocalGet(i),
                        I::I32Const(size as i32),
                        I::I32Mul,
                        I::I32Add,
                        I::LocalSet(at),
                    ]);
                }
                // (for a map, `eb` is replaced below by the entry holding the same key)
                let parts: Vec<(Type, u32)> = match entry {
                    // Maps are equal when they hold the same entries, in any order: find each key
                    // of the first in the second, then compare the values.
                    Some((k, v)) => {
                        let kind = super::lists::ElemKind::of(&k).ok_or("map keys compare by value")?;
                        let (voff, stride, align) = self.abi().entry(&k, &v);
                        let (vsize, _) = self.abi().size_align(&v);
                        let e = super::maps::Entry { key: kind, stride, voff, vsize, align };
                        let find = self.helper(Helper::Map(super::maps::MapOp::Find(e)))?;
                        code.extend([I::LocalGet(pb), I::LocalGet(nb), I::LocalGet(ea)]);
                        match kind {
                            super::lists::ElemKind::Int => code.push(I::I64Load(mem(0, 3))),
                            super::lists::ElemKind::Float => code.push(I::F64Load(mem(0, 3))),
                            super::lists::ElemKind::Bool => code.push(I::I32Load8U(mem(0, 0))),
                            super::lists::ElemKind::Str => {
                                code.extend([I::I32Load(mem(0, 2)), I::LocalGet(ea), I::I32Load(mem(4, 2))])
                            }
                        }
                        code.extend([
                            I::Call(find),
                            I::LocalTee(eb),
                            I::I32Const(0),
                            I::I32LtS,
                            I::If(BlockType::Empty),
                            I::I32Const(0),
                            I::Return,
                            I::End,
                        ]);
                        code.extend([
                            I::LocalGet(pb),
                            I::LocalGet(eb),
                            I::I32Const(size as i32),
                            I::I32Mul,
                            I::I32Add,
                            I::LocalSet(eb),
                        ]);
                        vec![(v, voff)]
                    }
                    None => vec![(elem_ty, 0)],
                };
                for (t, off) in parts {
                    self.eq_in_memory(&t, ea, eb, off, code)?;
                    code.extend([I::I32Eqz, I::If(BlockType::Empty), I::I32Const(0), I::Return, I::End]);
                }
                code.extend(add_to(i, I::I32Const(1)));
                code.extend([I::Br(0), I::End, I::End, I::I32Const(1)]);
                Ok((params, vec![I32], vec![I32; 3]))
            }
            Type::Struct(_) => {
                let (a, b) = (0, 1);
                for (t, off) in self.abi().struct_offsets(&ty) {
                    self.eq_in_memory(&t, a, b, off, code)?;
                    code.extend([I::I32Eqz, I::If(BlockType::Empty), I::I32Const(0), I::Return, I::End]);
                }
                code.push(I::I32Const(1));
                Ok((params, vec![I32], vec![]))
            }
            Type::Enum(_) | Type::Optional(_) | Type::Result(..) => {
                let (a, b, tag) = (0, 1, 2);
                let layout = self.abi().variant(&ty);
                let load_tag = |code: &mut Vec<I<'static>>, p: u32| {
                    code.push(I::LocalGet(p));
                    code.push(match layout.tag_size {
                        1 => I::I32Load8U(mem(0, 0)),
                        2 => I::I32Load16U(mem(0, 1)),
                        _ => I::I32Load(mem(0, 2)),
                    });
                };
                load_tag(code, a);
                code.push(I::LocalTee(tag));
                load_tag(code, b);
                code.extend([I::I32Ne, I::If(BlockType::Empty), I::I32Const(0), I::Return, I::End]);
                for (case, fields) in layout.cases.iter().enumerate() {
                    if fields.is_empty() {
                        continue;
                    }
                    code.extend([I::LocalGet(tag), I::I32Const(case as i32), I::I32Eq, I::If(BlockType::Empty)]);
                    for (t, off) in fields {
                        self.eq_in_memory(t, a, b, *off, code)?;
                        code.extend([I::I32Eqz, I::If(BlockType::Empty), I::I32Const(0), I::Return, I::End]);
                    }
                    code.push(I::End);
                }
                code.push(I::I32Const(1));
                Ok((params, vec![I32], vec![I32]))
            }
            other => Err(format!("no equality helper for {other}")),
        }
    }

    /// Leaves whether the values of `ty` at `a + off` and `b + off` (address locals) are equal.
    fn eq_in_memory(&mut self, ty: &Type, a: u32, b: u32, off: u32, code: &mut Vec<I<'static>>) -> Result<(), String> {
        let o = u64::from(off);
        let both = |code: &mut Vec<I<'static>>, load: I<'static>| {
            code.extend([I::LocalGet(a), load.clone(), I::LocalGet(b), load]);
        };
        match ty {
            Type::Int | Type::DateTime => {
                both(code, I::I64Load(mem(o, 3)));
                code.push(I::I64Eq);
            }
            Type::Float => {
                both(code, I::F64Load(mem(o, 3)));
                code.push(I::F64Eq);
            }
            Type::Bool => {
                both(code, I::I32Load8U(mem(o, 0)));
                code.push(I::I32Eq);
            }
            Type::Unit | Type::Error => code.push(I::I32Const(1)),
            Type::String | Type::Bytes | Type::List(_) | Type::Map(..) => {
                for p in [a, b] {
                    code.extend([I::LocalGet(p), I::I32Load(mem(o, 2)), I::LocalGet(p), I::I32Load(mem(o + 4, 2))]);
                }
                // Strings and bytes are equal byte for byte.
                let f = if matches!(ty, Type::String | Type::Bytes) {
                    self.helper(Helper::StrEq)?
                } else {
                    self.eq_helper(ty)?
                };
                code.push(I::Call(f));
            }
            _ => {
                // compound values: their addresses
                let f = self.eq_helper(ty)?;
                for p in [a, b] {
                    code.extend([I::LocalGet(p), I::I32Const(off as i32), I::I32Add]);
                }
                code.push(I::Call(f));
            }
        }
        Ok(())
    }
}
