//! `os.env_get` on `wasi:cli/environment`: the program sees only the variables the host passes.

use super::body::Frame;
use super::compute_data::emit_data;
use super::helpers::{HelperSig, add_to};
use super::*;
use crate::stdlib::GET_ENVIRONMENT;

impl Builder<'_> {
    /// (name ptr, len) -> `String?` pointer: the first variable with that name.
    pub(super) fn env_get(&mut self, code: &mut Vec<I<'static>>) -> Result<HelperSig, String> {
        use ValType::I32;
        let ty = self.env_returns.clone().ok_or("os.env_get without a type")?;
        let get = self.import(&GET_ENVIRONMENT)?;
        let eq = self.helper(Helper::StrEq)?;
        let (name, len) = (0, 1);
        let mut frame = Frame { base: vec![], reps: vec![], decls: vec![], next: 2 };
        let (list, count, i, entry) = (frame.scratch(I32), frame.scratch(I32), frame.scratch(I32), frame.scratch(I32));
        code.extend([
            I::I32Const(RETPTR),
            I::Call(get),
            I::I32Const(RETPTR),
            I::I32Load(mem(0, 2)),
            I::LocalSet(list),
            I::I32Const(RETPTR),
            I::I32Load(mem(4, 2)),
            I::LocalSet(count),
            I::Block(BlockType::Empty),
            I::Loop(BlockType::Empty),
            I::LocalGet(i),
            I::LocalGet(count),
            I::I32GeU,
            I::BrIf(1),
            I::LocalGet(list),
            I::LocalGet(i),
            I::I32Const(16),
            I::I32Mul,
            I::I32Add,
            I::LocalTee(entry),
            I::I32Load(mem(0, 2)),
            I::LocalGet(entry),
            I::I32Load(mem(4, 2)),
            I::LocalGet(name),
            I::LocalGet(len),
            I::Call(eq),
            I::If(BlockType::Empty),
            I::LocalGet(entry),
            I::I32Load(mem(8, 2)),
            I::LocalGet(entry),
            I::I32Load(mem(12, 2)),
        ]);
        emit_data(self, &mut frame, ComputeOp::Variant(ty.clone(), 1), &[], code)?;
        code.extend([I::Return, I::End]);
        code.extend(add_to(i, I::I32Const(1)));
        code.extend([I::Br(0), I::End, I::End]);
        emit_data(self, &mut frame, ComputeOp::Variant(ty, 0), &[], code)?;
        Ok((vec![I32; 2], vec![I32], frame.decls))
    }
}
