//! SQL queries and transactions on `covenant:database/sql`. Each database's connection is opened
//! on first use and kept in a global, as is its open transaction. A query builds its `value`
//! list, runs, and turns the rows into the step's value: struct fields are read from the columns
//! of their names. A failure leaves a `DbError` in a global (0 when the last operation succeeded):
//! the database's own `error` record (its first two fields are `DbError`'s layout), or a static
//! E-QUERY-013 when a row does not fit. Then the query either ends the run (the named error
//! `database failed`) or returns, for the caller to test with `Intrinsic::DbFailed`.

use super::body::Frame;
use super::compute_data::emit_data;
use super::helpers::{Fault, HelperSig, add_to};
use super::memory::{Growing, emit_room_for_one, store_rep};
use super::*;
use crate::ir::{Database, RowShape, SqlQuery};
use crate::stdlib::db;

/// The tags of the `value` variant.
const NULL: i32 = 0;
const BOOL: i32 = 1;
const INT: i32 = 2;
const FLOAT: i32 = 3;
const TEXT: i32 = 4;
const BLOB: i32 = 5;
/// `value`: 16 bytes, its payload at 8; `tuple<string, value>`: 24 bytes, the value at 8.
const VALUE_SIZE: u32 = 16;
const COLUMN_SIZE: u32 = 24;

/// Database helpers and the globals they share.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) enum DbHelper {
    /// () -> the database's connection, opened on first use; -1 when it cannot be opened.
    Connection(u32),
    /// (params..) -> the step's value.
    Query(u32),
    /// (traps) -> (): open a transaction.
    Begin(u32),
    /// (traps) -> (): commit the open transaction.
    Commit(u32),
    /// () -> (): roll back the open transaction, if any (its errors are ignored).
    Rollback(u32),
}

#[derive(Default)]
pub(super) struct DbGlobals {
    error: Option<u32>,
    connections: HashMap<u32, u32>,
    transactions: HashMap<u32, u32>,
}

impl Builder<'_> {
    fn db_global(&mut self, pick: fn(&mut DbGlobals) -> &mut HashMap<u32, u32>, db: u32) -> u32 {
        let next = self.globals.len() as u32;
        let g = *pick(&mut self.db).entry(db).or_insert(next);
        if g == next {
            self.globals.push(GlobalInit::MinusOne);
        }
        g
    }

    /// The global holding the last failure's `DbError` (0: none).
    pub(super) fn db_error_global(&mut self) -> u32 {
        if let Some(g) = self.db.error {
            return g;
        }
        let g = self.globals.len() as u32;
        self.globals.push(GlobalInit::Zero);
        self.db.error = Some(g);
        g
    }

    /// A `DbError` laid out in the data segment.
    fn static_db_error(&mut self, code: &str, message: &str) -> i32 {
        let (c, m) = (self.data.intern(code), self.data.intern(message));
        let mut bytes = vec![];
        for n in [c, code.len() as u32, m, message.len() as u32] {
            bytes.extend_from_slice(&n.to_le_bytes());
        }
        self.data.place(&bytes, 4) as i32
    }

    /// Emits: when the result tag in the return area is set, copy its `error` into a fresh
    /// `DbError`, make it the last failure, and run `fail`.
    fn db_check(&mut self, fail: &[I<'static>], code: &mut Vec<I<'static>>) -> Result<(), String> {
        let (g, area) = self.ret_area();
        let err = self.db_error_global();
        let alloc = self.helper(Helper::Alloc)?;
        code.extend([I::GlobalGet(g), I::I32Load8U(mem(u64::from(area), 0)), I::If(BlockType::Empty)]);
        code.extend([I::I32Const(16), I::I32Const(4), I::Call(alloc), I::GlobalSet(err)]);
        code.extend([I::GlobalGet(err), I::GlobalGet(g), I::I32Const(area as i32 + 4), I::I32Add, I::I32Const(16)]);
        code.extend([I::MemoryCopy { src_mem: 0, dst_mem: 0 }]);
        code.extend(fail.iter().cloned());
        code.push(I::End);
        Ok(())
    }

    /// What a failed operation does: end the run, or return zero values of `results`.
    fn db_fail(&mut self, traps: bool, results: &[ValType]) -> Result<Vec<I<'static>>, String> {
        if traps {
            return Ok(vec![I::Call(self.helper(Helper::Trap(Fault::DatabaseFailed))?), I::Unreachable]);
        }
        let mut code: Vec<I<'static>> = results
            .iter()
            .map(|t| match t {
                ValType::I64 => I::I64Const(0),
                ValType::F64 => I::F64Const(0.0.into()),
                ValType::F32 => I::F32Const(0.0.into()),
                _ => I::I32Const(0),
            })
            .collect();
        code.push(I::Return);
        Ok(code)
    }

    /// What a failed `begin` or `commit` does, by its `traps` parameter (local 0): end the run,
    /// or return for the caller to test with `Intrinsic::DbFailed`.
    fn tx_fail(&mut self) -> Result<Vec<I<'static>>, String> {
        let trap = self.helper(Helper::Trap(Fault::DatabaseFailed))?;
        Ok(vec![I::LocalGet(0), I::If(BlockType::Empty), I::Call(trap), I::End, I::Return])
    }

    pub(super) fn db_helper(&mut self, h: DbHelper, code: &mut Vec<I<'static>>) -> Result<HelperSig, String> {
        use ValType::I32;
        let (g, area) = self.ret_area();
        let err = self.db_error_global();
        let reset = [I::I32Const(0), I::GlobalSet(err)];
        match h {
            DbHelper::Connection(db) => {
                let database: Database = self.databases.get(db as usize).cloned().ok_or("no such database")?;
                let conn = self.db_global(|d| &mut d.connections, db);
                let text = self.data.intern(&database.connection) as i32;
                code.extend([I::GlobalGet(conn), I::I32Const(-1), I::I32Eq, I::If(BlockType::Empty)]);
                code.extend([I::I32Const(i32::from(database.dialect.case_index())), I::I32Const(text)]);
                code.extend([I::I32Const(database.connection.len() as i32), I::GlobalGet(g)]);
                code.push(I::Call(self.import(&db::OPEN)?));
                self.db_check(&[I::I32Const(-1), I::Return], code)?;
                code.extend([I::GlobalGet(g), I::I32Load(mem(u64::from(area) + 4, 2)), I::GlobalSet(conn), I::End]);
                code.push(I::GlobalGet(conn));
                Ok((vec![], vec![I32], vec![]))
            }
            DbHelper::Begin(db) => {
                let connection = self.helper(Helper::Db(DbHelper::Connection(db)))?;
                let tx = self.db_global(|d| &mut d.transactions, db);
                let fail = self.tx_fail()?;
                code.extend(reset);
                code.extend([I::Call(connection), I::LocalTee(1), I::I32Const(-1), I::I32Eq, I::If(BlockType::Empty)]);
                code.extend(fail.iter().cloned());
                code.extend([I::End, I::LocalGet(1), I::GlobalGet(g), I::Call(self.import(&db::BEGIN)?)]);
                self.db_check(&fail, code)?;
                code.extend([I::GlobalGet(g), I::I32Load(mem(u64::from(area) + 4, 2)), I::GlobalSet(tx)]);
                Ok((vec![I32], vec![], vec![I32]))
            }
            DbHelper::Commit(db) => {
                let tx = self.db_global(|d| &mut d.transactions, db);
                let fail = self.tx_fail()?;
                code.extend(reset);
                code.extend([I::GlobalGet(tx), I::LocalTee(1), I::I32Const(-1), I::I32Eq, I::If(BlockType::Empty)]);
                code.extend([I::Return, I::End, I::I32Const(-1), I::GlobalSet(tx)]);
                code.extend([I::LocalGet(1), I::GlobalGet(g), I::Call(self.import(&db::COMMIT)?)]);
                code.extend([I::LocalGet(1), I::Call(self.import(&db::DROP_TX)?)]);
                self.db_check(&fail, code)?;
                Ok((vec![I32], vec![], vec![I32]))
            }
            DbHelper::Rollback(db) => {
                let tx = self.db_global(|d| &mut d.transactions, db);
                code.extend([I::GlobalGet(tx), I::LocalTee(0), I::I32Const(-1), I::I32Ne, I::If(BlockType::Empty)]);
                code.extend([I::I32Const(-1), I::GlobalSet(tx), I::LocalGet(0), I::GlobalGet(g)]);
                code.extend([
                    I::Call(self.import(&db::ROLLBACK)?),
                    I::LocalGet(0),
                    I::Call(self.import(&db::DROP_TX)?),
                ]);
                code.push(I::End);
                Ok((vec![], vec![], vec![I32]))
            }
            DbHelper::Query(q) => self.query(q, code),
        }
    }

    fn query(&mut self, index: u32, code: &mut Vec<I<'static>>) -> Result<HelperSig, String> {
        use ValType::I32;
        let q: SqlQuery = self.queries.get(index as usize).cloned().ok_or("no such query")?;
        let (g, area) = self.ret_area();
        let err = self.db_error_global();
        let params: Vec<Vec<ValType>> = q.params.iter().map(|t| self.abi().rep(t)).collect();
        let returns = match &q.shape {
            RowShape::Unit => Type::Unit,
            RowShape::Scalar(t) | RowShape::Row(t) => t.clone(),
            RowShape::Rows(t) => Type::list(t.clone()),
        };
        let results = self.abi().rep(&returns);
        let count = params.iter().map(Vec::len).sum::<usize>() as u32;
        let mut frame = Frame { base: vec![], reps: vec![], decls: vec![], next: count };
        let f = &mut frame;
        let (conn, list, rows) = (f.scratch(I32), f.scratch(I32), f.scratch(I32));
        let fail = self.db_fail(q.traps, &results)?;
        // After the rows exist, a failure drops them first.
        let drop_rows = self.import(&db::DROP_ROWS)?;
        let mut fail_rows = vec![I::LocalGet(rows), I::Call(drop_rows)];
        fail_rows.extend(fail.iter().cloned());
        code.extend([I::I32Const(0), I::GlobalSet(err)]);
        code.extend([I::Call(self.helper(Helper::Db(DbHelper::Connection(q.database)))?), I::LocalTee(conn)]);
        code.extend([I::I32Const(-1), I::I32Eq, I::If(BlockType::Empty)]);
        code.extend(fail.iter().cloned());
        code.push(I::End);
        // The parameters as a list<value>.
        if !q.params.is_empty() {
            let alloc = self.helper(Helper::Alloc)?;
            code.extend([I::I32Const((VALUE_SIZE * q.params.len() as u32) as i32), I::I32Const(8), I::Call(alloc)]);
            code.push(I::LocalSet(list));
            let mut next = 0;
            for (i, t) in q.params.iter().enumerate() {
                let locals: Vec<u32> = (next..next + params[i].len() as u32).collect();
                next += params[i].len() as u32;
                self.store_value(f, list, VALUE_SIZE * i as u32, t, &locals, code)?;
            }
        }
        let sql = self.data.intern(&q.sql) as i32;
        let args = |handle: I<'static>| {
            [handle, I::I32Const(sql), I::I32Const(q.sql.len() as i32), I::LocalGet(list)]
                .into_iter()
                .chain([I::I32Const(q.params.len() as i32), I::GlobalGet(g)])
                .collect::<Vec<_>>()
        };
        if q.in_transaction {
            let tx = self.db_global(|d| &mut d.transactions, q.database);
            code.extend([I::GlobalGet(tx), I::I32Const(-1), I::I32Ne, I::If(BlockType::Empty)]);
            code.extend(args(I::GlobalGet(tx)));
            code.extend([I::Call(self.import(&db::TX_QUERY)?), I::Else]);
            code.extend(args(I::LocalGet(conn)));
            code.extend([I::Call(self.import(&db::QUERY)?), I::End]);
        } else {
            code.extend(args(I::LocalGet(conn)));
            code.push(I::Call(self.import(&db::QUERY)?));
        }
        self.db_check(&fail, code)?;
        code.extend([I::GlobalGet(g), I::I32Load(mem(u64::from(area) + 4, 2)), I::LocalSet(rows)]);
        let (row, row_len, v) = (f.scratch(I32), f.scratch(I32), f.scratch(I32));
        // rows.next(): leaves 1 and sets (row, row_len) when there is a row.
        let next_row = [
            I::LocalGet(rows),
            I::GlobalGet(g),
            I::Call(self.import(&db::NEXT)?),
            I::GlobalGet(g),
            I::I32Load(mem(u64::from(area) + 4, 2)),
            I::LocalSet(row),
            I::GlobalGet(g),
            I::I32Load(mem(u64::from(area) + 8, 2)),
            I::LocalSet(row_len),
            I::GlobalGet(g),
            I::I32Load8U(mem(u64::from(area), 0)),
        ];
        let no_row = self.static_db_error("E-QUERY-013", "the query returned no row");
        let out: Vec<u32> = results.iter().map(|t| f.scratch(*t)).collect();
        let set_out = |code: &mut Vec<I<'static>>| code.extend(out.iter().rev().map(|l| I::LocalSet(*l)));
        match &q.shape {
            RowShape::Unit => {}
            RowShape::Scalar(t) => {
                if *t == Type::Int {
                    // A statement without columns (the list's length is 0): the number of rows it changed.
                    let cols = f.scratch(I32);
                    code.extend([I::LocalGet(rows), I::GlobalGet(g), I::Call(self.import(&db::COLUMNS)?)]);
                    code.extend([I::GlobalGet(g), I::I32Load(mem(u64::from(area) + 4, 2)), I::LocalSet(cols)]);
                    code.extend([I::LocalGet(cols), I::I32Eqz, I::If(BlockType::Empty), I::LocalGet(rows)]);
                    code.extend([I::Call(self.import(&db::ROWS_AFFECTED)?), I::LocalSet(out[0])]);
                    code.extend([I::LocalGet(rows), I::Call(drop_rows), I::LocalGet(out[0]), I::Return, I::End]);
                }
                code.extend(next_row.iter().cloned());
                code.extend([I::I32Eqz, I::If(BlockType::Empty)]);
                match t {
                    Type::Optional(_) => {
                        emit_data(self, f, ComputeOp::Variant(t.clone(), 0), &[], code)?;
                        code.extend([I::LocalSet(out[0]), I::LocalGet(rows), I::Call(drop_rows), I::LocalGet(out[0])]);
                        code.push(I::Return);
                    }
                    _ => {
                        code.extend([I::I32Const(no_row), I::GlobalSet(err)]);
                        code.extend(fail_rows.iter().cloned());
                    }
                }
                code.push(I::End);
                let mismatch = self.static_db_error("E-QUERY-013", "the query returned no column");
                code.extend([I::LocalGet(row_len), I::I32Eqz, I::If(BlockType::Empty), I::I32Const(mismatch)]);
                code.push(I::GlobalSet(err));
                code.extend(fail_rows.iter().cloned());
                code.extend([I::End, I::LocalGet(row), I::I32Const(8), I::I32Add, I::LocalSet(v)]);
                let x = self.decode(f, v, t, "the first column", &fail_rows, code)?;
                code.extend(x.iter().map(|l| I::LocalGet(*l)));
                set_out(code);
            }
            RowShape::Row(t) => {
                let row_ty = match t {
                    Type::Optional(inner) => (**inner).clone(),
                    t => t.clone(),
                };
                let columns = self.column_indices(f, rows, &row_ty, &fail_rows, code)?;
                code.extend(next_row.iter().cloned());
                code.extend([I::I32Eqz, I::If(BlockType::Empty)]);
                if let Type::Optional(_) = t {
                    emit_data(self, f, ComputeOp::Variant(t.clone(), 0), &[], code)?;
                    code.extend([I::LocalSet(out[0]), I::LocalGet(rows), I::Call(drop_rows), I::LocalGet(out[0])]);
                    code.push(I::Return);
                } else {
                    code.extend([I::I32Const(no_row), I::GlobalSet(err)]);
                    code.extend(fail_rows.iter().cloned());
                }
                code.push(I::End);
                self.decode_row(f, row, row_len, &row_ty, &columns, &fail_rows, code)?;
                if let Type::Optional(_) = t {
                    emit_data(self, f, ComputeOp::Variant(t.clone(), 1), &[], code)?;
                }
                set_out(code);
            }
            RowShape::Rows(t) => {
                let columns = match t {
                    Type::Struct(_) => self.column_indices(f, rows, t, &fail_rows, code)?,
                    _ => vec![],
                };
                let (stride, align) = self.abi().size_align(t);
                let (buf, n, cap, spare) = (f.scratch(I32), f.scratch(I32), f.scratch(I32), f.scratch(I32));
                let alloc = self.helper(Helper::Alloc)?;
                code.extend([I::Block(BlockType::Empty), I::Loop(BlockType::Empty)]);
                code.extend(next_row.iter().cloned());
                code.extend([I::I32Eqz, I::BrIf(1)]);
                let element = match t {
                    Type::Struct(_) => {
                        self.decode_row(f, row, row_len, t, &columns, &fail_rows, code)?;
                        let p = f.scratch(I32);
                        code.push(I::LocalSet(p));
                        vec![p]
                    }
                    _ => {
                        let mismatch = self.static_db_error("E-QUERY-013", "the query returned no column");
                        code.extend([I::LocalGet(row_len), I::I32Eqz, I::If(BlockType::Empty), I::I32Const(mismatch)]);
                        code.push(I::GlobalSet(err));
                        code.extend(fail_rows.iter().cloned());
                        code.extend([I::End, I::LocalGet(row), I::I32Const(8), I::I32Add, I::LocalSet(v)]);
                        self.decode(f, v, t, "the first column", &fail_rows, code)?
                    }
                };
                emit_room_for_one(alloc, &Growing { buf, n, cap, stride: stride.max(1), align }, 8, spare, code);
                code.extend([I::LocalGet(buf), I::LocalGet(n), I::I32Const(stride as i32), I::I32Mul, I::I32Add]);
                store_rep(self, f, t, 0, &element, code);
                code.extend(add_to(n, I::I32Const(1)));
                code.extend([I::Br(0), I::End, I::End, I::LocalGet(buf), I::LocalGet(n)]);
                set_out(code);
            }
        }
        code.extend([I::LocalGet(rows), I::Call(drop_rows)]);
        code.extend(out.iter().map(|l| I::LocalGet(*l)));
        Ok((params.concat(), results, frame.decls))
    }

    /// Emits: write the value held in `x` (of type `t`) as a `value` at `list + offset`.
    fn store_value(
        &mut self,
        f: &mut Frame,
        list: u32,
        offset: u32,
        t: &Type,
        x: &[u32],
        code: &mut Vec<I<'static>>,
    ) -> Result<(), String> {
        let o = u64::from(offset);
        let tag = |code: &mut Vec<I<'static>>, tag: i32| {
            code.extend([I::LocalGet(list), I::I32Const(tag), I::I32Store8(mem(o, 0))])
        };
        match t {
            Type::Int => {
                tag(code, INT);
                code.extend([I::LocalGet(list), I::LocalGet(x[0]), I::I64Store(mem(o + 8, 3))]);
            }
            Type::Float => {
                tag(code, FLOAT);
                code.extend([I::LocalGet(list), I::LocalGet(x[0]), I::F64Store(mem(o + 8, 3))]);
            }
            Type::Bool => {
                tag(code, BOOL);
                code.extend([I::LocalGet(list), I::LocalGet(x[0]), I::I32Store8(mem(o + 8, 0))]);
            }
            Type::String | Type::Bytes => {
                tag(code, if *t == Type::String { TEXT } else { BLOB });
                code.extend([I::LocalGet(list), I::LocalGet(x[0]), I::I32Store(mem(o + 8, 2))]);
                code.extend([I::LocalGet(list), I::LocalGet(x[1]), I::I32Store(mem(o + 12, 2))]);
            }
            Type::Optional(inner) => {
                // none: null; some: the payload, loaded into scratch locals.
                let layout = self.abi().variant(t);
                let (payload_ty, payload_at) = layout.cases[1].first().cloned().ok_or("optional without payload")?;
                code.extend([I::LocalGet(x[0]), I::I32Load8U(mem(0, 0)), I::I32Eqz, I::If(BlockType::Empty)]);
                tag(code, NULL);
                code.push(I::Else);
                let inner_locals: Vec<u32> = self.abi().rep(&payload_ty).into_iter().map(|v| f.scratch(v)).collect();
                code.push(I::LocalGet(x[0]));
                super::memory::load_rep(self, f, &payload_ty, payload_at, code);
                code.extend(inner_locals.iter().rev().map(|l| I::LocalSet(*l)));
                self.store_value(f, list, offset, inner, &inner_locals, code)?;
                code.push(I::End);
            }
            other => return Err(format!("a {other} parameter reached the query")),
        }
        Ok(())
    }

    /// Emits: the index of each field's column in the rows' columns (in locals), or the
    /// failure "column `f` is missing".
    fn column_indices(
        &mut self,
        f: &mut Frame,
        rows: u32,
        ty: &Type,
        fail: &[I<'static>],
        code: &mut Vec<I<'static>>,
    ) -> Result<Vec<u32>, String> {
        use ValType::I32;
        let Type::Struct(n) = ty else { return Err("rows of a non-struct".into()) };
        let fields: Vec<String> = self.defs.struct_fields(n).iter().map(|(name, _)| name.clone()).collect();
        let (g, area) = self.ret_area();
        let err = self.db_error_global();
        let eq = self.helper(Helper::StrEq)?;
        let (cols, count) = (f.scratch(I32), f.scratch(I32));
        code.extend([I::LocalGet(rows), I::GlobalGet(g), I::Call(self.import(&db::COLUMNS)?)]);
        // `list<string>`: (pointer, length) at the start of the return area.
        code.extend([I::GlobalGet(g), I::I32Load(mem(u64::from(area), 2)), I::LocalSet(cols)]);
        code.extend([I::GlobalGet(g), I::I32Load(mem(u64::from(area) + 4, 2)), I::LocalSet(count)]);
        let mut indices = vec![];
        for name in fields {
            let i = f.scratch(I32);
            let text = self.data.intern(&name) as i32;
            let missing = self.static_db_error("E-QUERY-013", &format!("column `{name}` is missing from the result"));
            code.extend([I::I32Const(0), I::LocalSet(i), I::Block(BlockType::Empty), I::Loop(BlockType::Empty)]);
            code.extend([I::LocalGet(i), I::LocalGet(count), I::I32GeU, I::If(BlockType::Empty)]);
            code.extend([I::I32Const(missing), I::GlobalSet(err)]);
            code.extend(fail.iter().cloned());
            code.push(I::End);
            code.extend([
                I::LocalGet(cols),
                I::LocalGet(i),
                I::I32Const(8),
                I::I32Mul,
                I::I32Add,
                I::LocalTee(f.scratch(I32)),
            ]);
            let at = f.next - 1;
            code.extend([I::I32Load(mem(0, 2)), I::LocalGet(at), I::I32Load(mem(4, 2))]);
            code.extend([I::I32Const(text), I::I32Const(name.len() as i32), I::Call(eq), I::BrIf(1)]);
            code.extend(add_to(i, I::I32Const(1)));
            code.extend([I::Br(0), I::End, I::End]);
            indices.push(i);
        }
        Ok(indices)
    }

    /// Emits: the struct `ty` built from the row (`row`, `row_len`), each field from its column.
    #[allow(clippy::too_many_arguments)]
    fn decode_row(
        &mut self,
        f: &mut Frame,
        row: u32,
        row_len: u32,
        ty: &Type,
        columns: &[u32],
        fail: &[I<'static>],
        code: &mut Vec<I<'static>>,
    ) -> Result<(), String> {
        let Type::Struct(n) = ty else { return Err("a row of a non-struct".into()) };
        let fields: Vec<(String, Type)> = self.defs.struct_fields(n).to_vec();
        let err = self.db_error_global();
        let short = self.static_db_error("E-QUERY-013", "a row has fewer values than columns");
        let mut values = vec![];
        for ((name, t), col) in fields.iter().zip(columns) {
            let v = f.scratch(ValType::I32);
            code.extend([I::LocalGet(*col), I::LocalGet(row_len), I::I32GeU, I::If(BlockType::Empty)]);
            code.extend([I::I32Const(short), I::GlobalSet(err)]);
            code.extend(fail.iter().cloned());
            code.extend([I::End, I::LocalGet(row), I::LocalGet(*col), I::I32Const(COLUMN_SIZE as i32), I::I32Mul]);
            code.extend([I::I32Add, I::I32Const(8), I::I32Add, I::LocalSet(v)]);
            values.push(self.decode(f, v, t, &format!("column `{name}`"), fail, code)?);
        }
        for x in &values {
            code.extend(x.iter().map(|l| I::LocalGet(*l)));
        }
        emit_data(self, f, ComputeOp::Record(ty.clone()), &[], code)
    }

    /// Emits: the `value` at the address in `v` as a `t`, in fresh locals; a value of another
    /// kind is the failure "`what` does not hold a T".
    fn decode(
        &mut self,
        f: &mut Frame,
        v: u32,
        t: &Type,
        what: &str,
        fail: &[I<'static>],
        code: &mut Vec<I<'static>>,
    ) -> Result<Vec<u32>, String> {
        use ValType::{F64, I32, I64};
        let err = self.db_error_global();
        let mismatch = self.static_db_error("E-QUERY-013", &format!("{what} does not hold {}", article(t)));
        let tag = f.scratch(I32);
        code.extend([I::LocalGet(v), I::I32Load8U(mem(0, 0)), I::LocalSet(tag), I::Block(BlockType::Empty)]);
        // Each accepted tag: `if tag == k { x = ..; br out }`.
        let when = |code: &mut Vec<I<'static>>, k: i32| {
            code.extend([I::LocalGet(tag), I::I32Const(k), I::I32Eq, I::If(BlockType::Empty)])
        };
        let out = match t {
            Type::Int => {
                let x = f.scratch(I64);
                when(code, INT);
                code.extend([I::LocalGet(v), I::I64Load(mem(8, 3)), I::LocalSet(x), I::Br(1), I::End]);
                when(code, BOOL);
                code.extend([I::LocalGet(v), I::I64Load8U(mem(8, 0)), I::LocalSet(x), I::Br(1), I::End]);
                vec![x]
            }
            Type::Float => {
                let x = f.scratch(F64);
                when(code, FLOAT);
                code.extend([I::LocalGet(v), I::F64Load(mem(8, 3)), I::LocalSet(x), I::Br(1), I::End]);
                when(code, INT);
                code.extend([
                    I::LocalGet(v),
                    I::I64Load(mem(8, 3)),
                    I::F64ConvertI64S,
                    I::LocalSet(x),
                    I::Br(1),
                    I::End,
                ]);
                vec![x]
            }
            Type::Bool => {
                let x = f.scratch(I32);
                when(code, BOOL);
                code.extend([I::LocalGet(v), I::I32Load8U(mem(8, 0)), I::LocalSet(x), I::Br(1), I::End]);
                // SQLite and MySQL keep booleans as integers.
                when(code, INT);
                code.extend([I::LocalGet(v), I::I64Load(mem(8, 3)), I::I64Const(0), I::I64Ne, I::LocalSet(x)]);
                code.extend([I::Br(1), I::End]);
                vec![x]
            }
            Type::String | Type::Bytes => {
                let (p, l) = (f.scratch(I32), f.scratch(I32));
                let tags: &[i32] = if *t == Type::String { &[TEXT] } else { &[BLOB, TEXT] };
                for k in tags {
                    when(code, *k);
                    code.extend([I::LocalGet(v), I::I32Load(mem(8, 2)), I::LocalSet(p)]);
                    code.extend([I::LocalGet(v), I::I32Load(mem(12, 2)), I::LocalSet(l), I::Br(1), I::End]);
                }
                vec![p, l]
            }
            Type::Optional(inner) => {
                let x = f.scratch(I32);
                when(code, NULL);
                emit_data(self, f, ComputeOp::Variant(t.clone(), 0), &[], code)?;
                code.extend([I::LocalSet(x), I::Br(1), I::End]);
                let inner_x = self.decode(f, v, inner, what, fail, code)?;
                code.extend(inner_x.iter().map(|l| I::LocalGet(*l)));
                emit_data(self, f, ComputeOp::Variant(t.clone(), 1), &[], code)?;
                code.extend([I::LocalSet(x), I::Br(0)]);
                vec![x]
            }
            other => return Err(format!("a column cannot hold {other}")),
        };
        code.extend([I::I32Const(mismatch), I::GlobalSet(err)]);
        code.extend(fail.iter().cloned());
        code.push(I::End);
        Ok(out)
    }
}

/// "an Int", "a String", "a String?".
fn article(t: &Type) -> String {
    let name = t.to_string();
    let vowel = name.starts_with(['A', 'E', 'I', 'O', 'U']);
    format!("{} {name}", if vowel { "an" } else { "a" })
}
