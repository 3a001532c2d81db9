//! Map helpers (LANGUAGE-DECISIONS 17). A map is a list of (key, value) entries in insertion order,
//! laid out as the canonical ABI lays out `list<tuple<K, V>>`: the key at offset 0 of each entry,
//! the value at `voff`. Keys compare by value (Int, Float, Bool, String); values are passed to
//! helpers by address, so one helper serves every value type of a given size.

use super::helpers::{HelperSig, add_to};
use super::lists::ElemKind;
use super::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) struct Entry {
    pub key: ElemKind,
    pub stride: u32,
    pub voff: u32,
    pub vsize: u32,
    pub align: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) enum MapOp {
    /// (p, n, key) -> the entry index of `key`, or -1.
    Find(Entry),
    /// (p, n, key, value address) -> a map with `key` set: in place of an existing entry (the
    /// order is kept), or appended.
    Insert(Entry),
    /// (p, n, key) -> the map without `key`.
    Remove(Entry),
    /// (p1, n1, p2, n2) -> every entry of the second inserted into the first (the right wins).
    Merge(Entry),
    /// (p, n) -> the list of `size` bytes at `offset` of each entry (keys or values).
    Project { stride: u32, offset: u32, size: u32, align: u32 },
}

impl MapOp {
    pub(super) fn name(self) -> &'static str {
        match self {
            MapOp::Find(_) => "map_find",
            MapOp::Insert(_) => "map_insert",
            MapOp::Remove(_) => "map_remove",
            MapOp::Merge(_) => "map_merge",
            MapOp::Project { .. } => "map_project",
        }
    }
}

/// Address of entry `i` (a local) of the map at `p` (a local).
fn entry_at(p: u32, i: u32, stride: u32) -> [I<'static>; 5] {
    [I::LocalGet(p), I::LocalGet(i), I::I32Const(stride as i32), I::I32Mul, I::I32Add]
}

/// Pushes the key stored at the address on the stack.
fn load_key(kind: ElemKind, tmp: u32, code: &mut Vec<I<'static>>) {
    match kind {
        ElemKind::Int => code.push(I::I64Load(mem(0, 3))),
        ElemKind::Float => code.push(I::F64Load(mem(0, 3))),
        ElemKind::Bool => code.push(I::I32Load8U(mem(0, 0))),
        ElemKind::Str => {
            code.extend([I::LocalTee(tmp), I::I32Load(mem(0, 2)), I::LocalGet(tmp), I::I32Load(mem(4, 2))])
        }
    }
}

/// Stores the key held in `key` locals at the address on the stack (kept in `tmp`).
fn store_key(kind: ElemKind, key: &[u32], tmp: u32, code: &mut Vec<I<'static>>) {
    match kind {
        ElemKind::Int => code.extend([I::LocalGet(key[0]), I::I64Store(mem(0, 3))]),
        ElemKind::Float => code.extend([I::LocalGet(key[0]), I::F64Store(mem(0, 3))]),
        ElemKind::Bool => code.extend([I::LocalGet(key[0]), I::I32Store8(mem(0, 0))]),
        ElemKind::Str => code.extend([
            I::LocalTee(tmp),
            I::LocalGet(key[0]),
            I::I32Store(mem(0, 2)),
            I::LocalGet(tmp),
            I::LocalGet(key[1]),
            I::I32Store(mem(4, 2)),
        ]),
    }
}

fn key_rep(kind: ElemKind) -> Vec<ValType> {
    match kind {
        ElemKind::Int => vec![ValType::I64],
        ElemKind::Float => vec![ValType::F64],
        ElemKind::Bool => vec![ValType::I32],
        ElemKind::Str => vec![ValType::I32, ValType::I32],
    }
}

impl Builder<'_> {
    pub(super) fn map_helper(&mut self, op: MapOp, code: &mut Vec<I<'static>>) -> Result<HelperSig, String> {
        use ValType::I32;
        Ok(match op {
            MapOp::Find(e) => {
                let (p, n) = (0, 1);
                let krep = key_rep(e.key);
                let key: Vec<u32> = (2..2 + krep.len() as u32).collect();
                let (i, tmp) = (2 + krep.len() as u32, 3 + krep.len() as u32);
                code.extend([
                    I::Block(BlockType::Empty),
                    I::Loop(BlockType::Empty),
                    I::LocalGet(i),
                    I::LocalGet(n),
                    I::I32GeU,
                    I::BrIf(1),
                ]);
                code.extend(entry_at(p, i, e.stride));
                load_key(e.key, tmp, code);
                code.extend(key.iter().map(|l| I::LocalGet(*l)));
                code.push(match e.key {
                    ElemKind::Int => I::I64Eq,
                    ElemKind::Float => I::F64Eq,
                    ElemKind::Bool => I::I32Eq,
                    ElemKind::Str => I::Call(self.helper(Helper::StrEq)?),
                });
                code.extend([I::If(BlockType::Empty), I::LocalGet(i), I::Return, I::End]);
                code.extend(add_to(i, I::I32Const(1)));
                code.extend([I::Br(0), I::End, I::End, I::I32Const(-1)]);
                let mut params = vec![I32, I32];
                params.extend(krep);
                (params, vec![I32], vec![I32, I32])
            }
            MapOp::Insert(e) => {
                let find = self.helper(Helper::Map(MapOp::Find(e)))?;
                let alloc = self.helper(Helper::Alloc)?;
                let krep = key_rep(e.key);
                let (p, n) = (0, 1);
                let key: Vec<u32> = (2..2 + krep.len() as u32).collect();
                let vaddr = 2 + krep.len() as u32;
                let (at, new, tmp) = (vaddr + 1, vaddr + 2, vaddr + 3);
                let stride = e.stride as i32;
                code.extend([I::LocalGet(p), I::LocalGet(n)]);
                code.extend(key.iter().map(|l| I::LocalGet(*l)));
                code.extend([I::Call(find), I::LocalTee(at), I::I32Const(0), I::I32GeS, I::If(BlockType::Empty)]);
                // an existing key: a copy with the value replaced, in the same place
                code.extend([
                    I::LocalGet(n),
                    I::I32Const(stride),
                    I::I32Mul,
                    I::I32Const(e.align as i32),
                    I::Call(alloc),
                    I::LocalTee(new),
                    I::LocalGet(p),
                    I::LocalGet(n),
                    I::I32Const(stride),
                    I::I32Mul,
                    I::MemoryCopy { src_mem: 0, dst_mem: 0 },
                ]);
                code.extend(entry_at(new, at, e.stride));
                code.extend([
                    I::I32Const(e.voff as i32),
                    I::I32Add,
                    I::LocalGet(vaddr),
                    I::I32Const(e.vsize as i32),
                    I::MemoryCopy { src_mem: 0, dst_mem: 0 },
                    I::LocalGet(new),
                    I::LocalGet(n),
                    I::Return,
                    I::End,
                ]);
                // a new key: appended (in place when the map is the latest allocation)
                self.emit_grow_by_one(p, n, new, e.stride, e.align, code)?;
                code.extend(entry_at(new, n, e.stride));
                store_key(e.key, &key, tmp, code);
                code.extend(entry_at(new, n, e.stride));
                code.extend([
                    I::I32Const(e.voff as i32),
                    I::I32Add,
                    I::LocalGet(vaddr),
                    I::I32Const(e.vsize as i32),
                    I::MemoryCopy { src_mem: 0, dst_mem: 0 },
                    I::LocalGet(new),
                    I::LocalGet(n),
                    I::I32Const(1),
                    I::I32Add,
                ]);
                let mut params = vec![I32, I32];
                params.extend(krep);
                params.push(I32);
                (params, vec![I32, I32], vec![I32; 3])
            }
            MapOp::Remove(e) => {
                let find = self.helper(Helper::Map(MapOp::Find(e)))?;
                let krep = key_rep(e.key);
                let (p, n) = (0, 1);
                let key: Vec<u32> = (2..2 + krep.len() as u32).collect();
                let (at, new) = (2 + krep.len() as u32, 3 + krep.len() as u32);
                code.extend([I::LocalGet(p), I::LocalGet(n)]);
                code.extend(key.iter().map(|l| I::LocalGet(*l)));
                code.extend([
                    I::Call(find),
                    I::LocalTee(at),
                    I::I32Const(0),
                    I::I32LtS,
                    I::If(BlockType::Empty),
                    I::LocalGet(p),
                    I::LocalGet(n),
                    I::Return,
                    I::End,
                ]);
                self.emit_without(p, n, at, new, e.stride, e.align, code)?;
                let mut params = vec![I32, I32];
                params.extend(krep);
                (params, vec![I32, I32], vec![I32, I32])
            }
            MapOp::Merge(e) => {
                let insert = self.helper(Helper::Map(MapOp::Insert(e)))?;
                let (p1, n1, p2, n2, i, entry, tmp) = (0, 1, 2, 3, 4, 5, 6);
                code.extend([
                    I::Block(BlockType::Empty),
                    I::Loop(BlockType::Empty),
                    I::LocalGet(i),
                    I::LocalGet(n2),
                    I::I32GeU,
                    I::BrIf(1),
                ]);
                code.extend(entry_at(p2, i, e.stride));
                code.extend([I::LocalSet(entry), I::LocalGet(p1), I::LocalGet(n1), I::LocalGet(entry)]);
                load_key(e.key, tmp, code);
                code.extend([
                    I::LocalGet(entry),
                    I::I32Const(e.voff as i32),
                    I::I32Add,
                    I::Call(insert),
                    I::LocalSet(n1),
                    I::LocalSet(p1),
                ]);
                code.extend(add_to(i, I::I32Const(1)));
                code.extend([I::Br(0), I::End, I::End, I::LocalGet(p1), I::LocalGet(n1)]);
                (vec![I32; 4], vec![I32, I32], vec![I32; 3])
            }
            MapOp::Project { stride, offset, size, align } => {
                let alloc = self.helper(Helper::Alloc)?;
                let (p, n, new, i) = (0, 1, 2, 3);
                code.extend([
                    I::LocalGet(n),
                    I::I32Const(size as i32),
                    I::I32Mul,
                    I::I32Const(align as i32),
                    I::Call(alloc),
                    I::LocalSet(new),
                ]);
                code.extend([
                    I::Block(BlockType::Empty),
                    I::Loop(BlockType::Empty),
                    I::LocalGet(i),
                    I::LocalGet(n),
                    I::I32GeU,
                    I::BrIf(1),
                ]);
                code.extend([I::LocalGet(new), I::LocalGet(i), I::I32Const(size as i32), I::I32Mul, I::I32Add]);
                code.extend(entry_at(p, i, stride));
                code.extend([
                    I::I32Const(offset as i32),
                    I::I32Add,
                    I::I32Const(size as i32),
                    I::MemoryCopy { src_mem: 0, dst_mem: 0 },
                ]);
                code.extend(add_to(i, I::I32Const(1)));
                code.extend([I::Br(0), I::End, I::End, I::LocalGet(new), I::LocalGet(n)]);
                (vec![I32, I32], vec![I32, I32], vec![I32, I32])
            }
        })
    }
}
