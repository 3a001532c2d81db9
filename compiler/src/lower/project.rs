//! Project queries on `covenant:project/query`: the query AST (JSON text) goes to `query`, and
//! every node `next` gives becomes a `Symbol { id, kind, data }` in the result list. The symbol
//! graph the host answers from is the `covenant:symbols` custom section (`SYMBOLS_SECTION`).

use super::helpers::{Fault, HelperSig, add_to};
use super::memory::{Growing, emit_room_for_one};
use super::*;
use crate::stdlib::project;

/// The custom section that holds the program's symbol graph (JSON), for a host to query.
pub const SYMBOLS_SECTION: &str = "covenant:symbols";

/// The `node-kind` enum's cases, in order.
const KINDS: [&str; 7] = ["snippet", "function", "type-def", "requirement", "test", "data", "relation"];
/// `Symbol`: three strings.
const SYMBOL_SIZE: u32 = 24;

impl Builder<'_> {
    /// (query ptr, len) -> (Symbol list ptr, len); a query the host rejects ends the run.
    pub(super) fn project_query(&mut self, code: &mut Vec<I<'static>>) -> Result<HelperSig, String> {
        use ValType::I32;
        let (g, area) = self.ret_area();
        let at = move |o: u64| mem(u64::from(area) + o, 2);
        let fail = self.helper(Helper::Trap(Fault::ProjectQueryFailed))?;
        let alloc = self.helper(Helper::Alloc)?;
        // The kinds' names as (pointer, length) pairs in the data segment.
        let mut table = vec![];
        for k in KINDS {
            let p = self.data.intern(k);
            table.extend_from_slice(&p.to_le_bytes());
            table.extend_from_slice(&(k.len() as u32).to_le_bytes());
        }
        let kinds = self.data.place(&table, 4) as i32;
        let (result, buf, n, cap, spare, slot, kind) = (2, 3, 4, 5, 6, 7, 8);
        code.extend([I::LocalGet(0), I::LocalGet(1), I::GlobalGet(g), I::Call(self.import(&project::QUERY)?)]);
        code.extend([I::GlobalGet(g), I::I32Load8U(mem(u64::from(area), 0)), I::If(BlockType::Empty), I::Call(fail)]);
        code.extend([I::End, I::GlobalGet(g), I::I32Load(at(4)), I::LocalSet(result)]);
        code.extend([I::Block(BlockType::Empty), I::Loop(BlockType::Empty)]);
        code.extend([I::LocalGet(result), I::GlobalGet(g), I::Call(self.import(&project::NEXT)?)]);
        code.extend([I::GlobalGet(g), I::I32Load8U(mem(u64::from(area), 0)), I::I32Eqz, I::BrIf(1)]);
        emit_room_for_one(alloc, &Growing { buf, n, cap, stride: SYMBOL_SIZE, align: 4 }, 16, spare, code);
        code.extend([I::LocalGet(buf), I::LocalGet(n), I::I32Const(SYMBOL_SIZE as i32), I::I32Mul, I::I32Add]);
        code.push(I::LocalSet(slot));
        // node: id (4, 8), kind (12, a byte), data (16, 20) after the option's tag.
        for (from, to) in [(4, 0), (8, 4), (16, 16), (20, 20)] {
            code.extend([I::LocalGet(slot), I::GlobalGet(g), I::I32Load(at(from)), I::I32Store(mem(to, 2))]);
        }
        // A kind past the table (a newer host) reads as the first, `snippet`.
        code.extend([I::GlobalGet(g), I::I32Load8U(mem(u64::from(area) + 12, 0)), I::LocalTee(kind)]);
        code.extend([I::I32Const(0), I::LocalGet(kind), I::I32Const(KINDS.len() as i32), I::I32LtU, I::Select]);
        code.extend([I::I32Const(8), I::I32Mul, I::I32Const(kinds), I::I32Add, I::LocalSet(kind)]);
        code.extend([I::LocalGet(slot), I::LocalGet(kind), I::I32Load(mem(0, 2)), I::I32Store(mem(8, 2))]);
        code.extend([I::LocalGet(slot), I::LocalGet(kind), I::I32Load(mem(4, 2)), I::I32Store(mem(12, 2))]);
        code.extend(add_to(n, I::I32Const(1)));
        code.extend([I::Br(0), I::End, I::End]);
        code.extend([I::LocalGet(result), I::Call(self.import(&project::DROP)?), I::LocalGet(buf), I::LocalGet(n)]);
        Ok((vec![I32, I32], vec![I32, I32], vec![I32; 7]))
    }
}
