//! `std.storage.kv.*` on `wasi:keyvalue/store`: the default store ("") is opened once per
//! instance and its bucket kept in a global; values are UTF-8 text. The documented signatures
//! have no error case, so a store that fails ends the run with the named error `storage failed`.

use super::body::Frame;
use super::compute_data::emit_data;
use super::helpers::{Fault, HelperSig, add_to};
use super::lists::{ElemKind, ListOp};
use super::memory::{Growing, emit_room_for_one};
use super::*;
use crate::stdlib::{KvOp, kv};

impl Builder<'_> {
    /// Emits: trap with `storage failed` when the result tag at the return area's start is set.
    fn kv_check(&mut self, code: &mut Vec<I<'static>>) -> Result<(), String> {
        let (g, area) = self.ret_area();
        let fail = self.helper(Helper::Trap(Fault::StorageFailed))?;
        code.extend([I::GlobalGet(g), I::I32Load8U(mem(u64::from(area), 0)), I::If(BlockType::Empty)]);
        code.extend([I::Call(fail), I::End]);
        Ok(())
    }

    /// () -> the bucket of the default store, opened on first use.
    pub(super) fn kv_bucket(&mut self, code: &mut Vec<I<'static>>) -> Result<HelperSig, String> {
        let open = self.import(&kv::OPEN)?;
        let (g, area) = self.ret_area();
        let bucket = self.globals.len() as u32;
        self.globals.push(GlobalInit::MinusOne);
        code.extend([
            I::GlobalGet(bucket),
            I::I32Const(-1),
            I::I32Eq,
            I::If(BlockType::Empty),
            I::I32Const(0),
            I::I32Const(0),
            I::GlobalGet(g),
            I::Call(open),
        ]);
        self.kv_check(code)?;
        code.extend([I::GlobalGet(g), I::I32Load(mem(u64::from(area) + 4, 2)), I::GlobalSet(bucket), I::End]);
        code.push(I::GlobalGet(bucket));
        Ok((vec![], vec![ValType::I32], vec![]))
    }

    pub(super) fn kv_op(&mut self, op: KvOp, code: &mut Vec<I<'static>>) -> Result<HelperSig, String> {
        use ValType::I32;
        let bucket = self.helper(Helper::KvBucket)?;
        let (g, area) = self.ret_area();
        let at = move |o: u64| mem(u64::from(area) + o, 2);
        let byte = move |o: u64| mem(u64::from(area) + o, 0);
        let (key, key_len) = (0, 1);
        let mut frame = Frame { base: vec![], reps: vec![], decls: vec![], next: 2 };
        let f = &mut frame;
        let sig = match op {
            KvOp::Set => {
                f.next = 4;
                code.extend([I::Call(bucket), I::LocalGet(key), I::LocalGet(key_len), I::LocalGet(2), I::LocalGet(3)]);
                code.extend([I::GlobalGet(g), I::Call(self.import(&kv::SET)?)]);
                self.kv_check(code)?;
                (vec![I32; 4], vec![])
            }
            KvOp::Delete => {
                code.extend([I::Call(bucket), I::LocalGet(key), I::LocalGet(key_len), I::GlobalGet(g)]);
                code.extend([I::Call(self.import(&kv::DELETE)?)]);
                self.kv_check(code)?;
                (vec![I32; 2], vec![])
            }
            KvOp::Has => {
                code.extend([I::Call(bucket), I::LocalGet(key), I::LocalGet(key_len), I::GlobalGet(g)]);
                code.extend([I::Call(self.import(&kv::EXISTS)?)]);
                self.kv_check(code)?;
                code.extend([I::GlobalGet(g), I::I32Load8U(byte(4))]);
                (vec![I32; 2], vec![I32])
            }
            KvOp::Get => {
                let ty = self.kv_get_returns.clone().ok_or("kv get without a type")?;
                let utf8 = self.helper(Helper::Fs(super::fs::FsHelper::Utf8))?;
                let (p, l) = (f.scratch(I32), f.scratch(I32));
                code.extend([I::Call(bucket), I::LocalGet(key), I::LocalGet(key_len), I::GlobalGet(g)]);
                code.extend([I::Call(self.import(&kv::GET)?)]);
                self.kv_check(code)?;
                // Some and UTF-8 text: the value; anything else: none.
                code.extend([
                    I::GlobalGet(g),
                    I::I32Load(at(8)),
                    I::LocalSet(p),
                    I::GlobalGet(g),
                    I::I32Load(at(12)),
                    I::LocalSet(l),
                    I::GlobalGet(g),
                    I::I32Load8U(byte(4)),
                    I::If(BlockType::Empty),
                    I::LocalGet(p),
                    I::LocalGet(l),
                    I::Call(utf8),
                    I::If(BlockType::Empty),
                    I::LocalGet(p),
                    I::LocalGet(l),
                ]);
                emit_data(self, f, ComputeOp::Variant(ty.clone(), 1), &[], code)?;
                code.extend([I::Return, I::End, I::End]);
                emit_data(self, f, ComputeOp::Variant(ty, 0), &[], code)?;
                (vec![I32; 2], vec![I32])
            }
            KvOp::List => {
                // Every page of keys; those with the prefix into a growing buffer; then sorted.
                let (list_keys, alloc, eq) =
                    (self.import(&kv::LIST_KEYS)?, self.helper(Helper::Alloc)?, self.helper(Helper::StrEq)?);
                let sort = self.helper(Helper::List(ListOp::Sort(ElemKind::Str)))?;
                let grown = f.scratch(I32);
                let (buf, n, cap, keys, count, i, k, more, cursor) = (
                    f.scratch(I32),
                    f.scratch(I32),
                    f.scratch(I32),
                    f.scratch(I32),
                    f.scratch(I32),
                    f.scratch(I32),
                    f.scratch(I32),
                    f.scratch(I32),
                    f.scratch(ValType::I64),
                );
                code.extend([
                    I::Loop(BlockType::Empty),
                    I::Call(bucket),
                    I::LocalGet(more),
                    I::LocalGet(cursor),
                    I::GlobalGet(g),
                    I::Call(list_keys),
                ]);
                self.kv_check(code)?;
                code.extend([
                    I::GlobalGet(g),
                    I::I32Load(at(8)),
                    I::LocalSet(keys),
                    I::GlobalGet(g),
                    I::I32Load(at(12)),
                    I::LocalSet(count),
                    I::GlobalGet(g),
                    I::I32Load8U(byte(16)),
                    I::LocalSet(more),
                    I::GlobalGet(g),
                    I::I64Load(mem(u64::from(area) + 24, 3)),
                    I::LocalSet(cursor),
                    I::I32Const(0),
                    I::LocalSet(i),
                    I::Block(BlockType::Empty),
                    I::Loop(BlockType::Empty),
                    I::LocalGet(i),
                    I::LocalGet(count),
                    I::I32GeU,
                    I::BrIf(1),
                    I::LocalGet(keys),
                    I::LocalGet(i),
                    I::I32Const(8),
                    I::I32Mul,
                    I::I32Add,
                    I::LocalSet(k),
                    // key starts with the prefix?
                    I::LocalGet(k),
                    I::I32Load(mem(4, 2)),
                    I::LocalGet(key_len),
                    I::I32GeU,
                    I::If(BlockType::Empty),
                    I::LocalGet(k),
                    I::I32Load(mem(0, 2)),
                    I::LocalGet(key_len),
                    I::LocalGet(key),
                    I::LocalGet(key_len),
                    I::Call(eq),
                    I::If(BlockType::Empty),
                ]);
                emit_room_for_one(alloc, &Growing { buf, n, cap, stride: 8, align: 4 }, 16, grown, code);
                code.extend([
                    I::LocalGet(buf),
                    I::LocalGet(n),
                    I::I32Const(8),
                    I::I32Mul,
                    I::I32Add,
                    I::LocalGet(k),
                    I::I64Load(mem(0, 2)),
                    I::I64Store(mem(0, 2)),
                ]);
                code.extend(add_to(n, I::I32Const(1)));
                code.extend([I::End, I::End]);
                code.extend(add_to(i, I::I32Const(1)));
                code.extend([I::Br(0), I::End, I::End, I::LocalGet(more), I::BrIf(0), I::End]);
                code.extend([I::LocalGet(buf), I::LocalGet(n), I::Call(sort)]);
                (vec![I32; 2], vec![I32; 2])
            }
            KvOp::Clear => {
                let list = self.helper(Helper::Kv(KvOp::List))?;
                let delete = self.import(&kv::DELETE)?;
                let (keys, n, i, k) = (f.scratch(I32), f.scratch(I32), f.scratch(I32), f.scratch(I32));
                code.extend([I::LocalGet(key), I::LocalGet(key_len), I::Call(list), I::LocalSet(n), I::LocalSet(keys)]);
                code.extend([
                    I::Block(BlockType::Empty),
                    I::Loop(BlockType::Empty),
                    I::LocalGet(i),
                    I::LocalGet(n),
                    I::I32GeU,
                    I::BrIf(1),
                    I::LocalGet(keys),
                    I::LocalGet(i),
                    I::I32Const(8),
                    I::I32Mul,
                    I::I32Add,
                    I::LocalSet(k),
                    I::Call(bucket),
                    I::LocalGet(k),
                    I::I32Load(mem(0, 2)),
                    I::LocalGet(k),
                    I::I32Load(mem(4, 2)),
                    I::GlobalGet(g),
                    I::Call(delete),
                ]);
                self.kv_check(code)?;
                code.extend(add_to(i, I::I32Const(1)));
                code.extend([I::Br(0), I::End, I::End]);
                (vec![I32; 2], vec![])
            }
        };
        Ok((sig.0, sig.1, frame.decls))
    }
}
