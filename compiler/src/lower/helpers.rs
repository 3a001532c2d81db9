//! Runtime helpers (allocation, checked arithmetic, strings), each emitted once per module and
//! only when used.

use super::*;

/// `(a > b) - (a < b)` on two i32 locals, unsigned: -1, 0 or 1.
pub(super) fn three_way(a: u32, b: u32) -> [I<'static>; 8] {
    [I::LocalGet(a), I::LocalGet(b), I::I32GtU, I::LocalGet(a), I::LocalGet(b), I::I32LtU, I::I32Sub, I::Return]
}

/// The byte at `base + index` (two i32 locals).
pub(super) fn load_byte(base: u32, index: u32) -> [I<'static>; 4] {
    [I::LocalGet(base), I::LocalGet(index), I::I32Add, I::I32Load8U(mem(0, 0))]
}

/// `local += by` on an i32 local.
pub(super) fn add_to(local: u32, by: I<'static>) -> [I<'static>; 4] {
    [I::LocalGet(local), by, I::I32Add, I::LocalSet(local)]
}

/// The unsigned minimum of an i32 local and `other` (a constant or another local's get).
pub(super) fn min_u32(local: u32, other: I<'static>) -> [I<'static>; 5] {
    [I::LocalGet(local), other.clone(), I::LocalGet(local), other, I::I32LtU]
}

/// Emits: advance the i32 local `i` until the byte at `p + i` is one of `stops`, or `i` reaches
/// `end` (all i32 locals).
pub(super) fn emit_scan_to(code: &mut Vec<I<'static>>, p: u32, i: u32, end: u32, stops: &[u8]) {
    code.extend([I::Block(BlockType::Empty), I::Loop(BlockType::Empty), I::LocalGet(i), I::LocalGet(end)]);
    code.extend([I::I32GeU, I::BrIf(1)]);
    for s in stops {
        code.extend(load_byte(p, i));
        code.extend([I::I32Const(*s as i32), I::I32Eq, I::BrIf(1)]);
    }
    code.extend(add_to(i, I::I32Const(1)));
    code.extend([I::Br(0), I::End, I::End]);
}

/// Runtime helpers, each emitted once per module and only when used.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) enum Helper {
    WriteAll,
    StreamHandle(OutStream),
    Alloc,
    Realloc,
    /// A function that traps, named so a backtrace says which runtime error it was.
    Trap(Fault),
    Join,
    IntMul,
    IntNeg,
    IntAbs,
    StrEq,
    StrCmp,
    Concat,
    IntToString,
    StrLen,
    IntPow,
    FloatPowInt,
    Text(super::text::TextOp),
    List(super::lists::ListOp),
    Float(super::float_text::FloatText),
    Map(super::maps::MapOp),
    /// Structural equality of a type (index into `Builder::eq_types`).
    Eq(u32),
    Fs(super::fs::FsHelper),
    /// `os.env_get`: (name ptr, len) -> option<string> pointer.
    EnvGet,
    /// `random.int`: (min, max) -> uniform Int in [min, max].
    RandomInt,
    /// `http.*`: one request and its whole response.
    Http,
    /// `crypto.sha256`: (ptr, len) -> hex (ptr, 64).
    Sha256,
    /// The default key-value store's bucket, opened once.
    KvBucket,
    Path(super::path::PathOp),
    Json(super::json::JsonOp),
    Url(super::url::UrlOp),
    /// `text.replace`: (s, from, to) -> s with the first `from` replaced.
    ReplaceFirst,
    Bytes(super::bytes::BytesOp),
    /// `crypto.random_bytes`: (length) -> Bytes.
    RandomBytes,
    Kv(crate::stdlib::KvOp),
    /// Database connections, queries and transactions.
    Db(super::sql::DbHelper),
    /// A project query: (query JSON) -> Symbol[].
    ProjectQuery,
    /// `text.regex_*` and the matcher under them.
    Regex(super::regex::RegexOp),
    /// DateTime parts and formatting.
    DateTime(super::datetime::DtOp),
}

/// A helper's parameter, result and extra local types.
pub(super) type HelperSig = (Vec<ValType>, Vec<ValType>, Vec<ValType>);

/// Runtime errors that end a run with a named trap (LANGUAGE-DECISIONS 11, 13, 16, 18). The host
/// finds the `covenant_error_*` name in the trap's backtrace and reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) enum Fault {
    IntegerOverflow,
    OutOfMemory,
    IndexOutOfRange,
    NegativeExponent,
    EmptyList,
    /// `parse_int` of text that is not an integer.
    InvalidNumber,
    /// `map_get` of a key the map does not hold.
    MissingKey,
    /// `random.int` with max below min.
    InvalidRange,
    /// The key-value store failed (the documented functions have no error case).
    StorageFailed,
    /// `bytes_to_string` of bytes that are not UTF-8 text.
    InvalidUtf8,
    /// A query or transaction failed in a function that cannot return `DbError`.
    DatabaseFailed,
    /// The host rejected a project query.
    ProjectQueryFailed,
}

impl Fault {
    fn symbol(self) -> &'static str {
        match self {
            Fault::IntegerOverflow => "covenant_error_integer_overflow",
            Fault::OutOfMemory => "covenant_error_out_of_memory",
            Fault::IndexOutOfRange => "covenant_error_index_out_of_range",
            Fault::NegativeExponent => "covenant_error_negative_exponent",
            Fault::EmptyList => "covenant_error_empty_list",
            Fault::InvalidNumber => "covenant_error_invalid_number",
            Fault::MissingKey => "covenant_error_missing_key",
            Fault::InvalidRange => "covenant_error_invalid_range",
            Fault::StorageFailed => "covenant_error_storage_failed",
            Fault::InvalidUtf8 => "covenant_error_bytes_not_text",
            Fault::DatabaseFailed => "covenant_error_database_failed",
            Fault::ProjectQueryFailed => "covenant_error_project_query_failed",
        }
    }
}

impl Helper {
    pub(super) fn name(self) -> &'static str {
        match self {
            Helper::WriteAll => "write_all",
            Helper::StreamHandle(OutStream::Stdout) => "stdout",
            Helper::StreamHandle(OutStream::Stderr) => "stderr",
            Helper::Alloc => "alloc",
            Helper::Realloc => "cabi_realloc",
            Helper::Trap(fault) => fault.symbol(),
            Helper::Join => "join",
            Helper::IntMul => "int_mul",
            Helper::IntNeg => "int_neg",
            Helper::IntAbs => "int_abs",
            Helper::StrEq => "str_eq",
            Helper::StrCmp => "str_cmp",
            Helper::Concat => "concat",
            Helper::IntToString => "int_to_string",
            Helper::StrLen => "str_len",
            Helper::IntPow => "int_pow",
            Helper::Text(t) => t.name(),
            Helper::List(l) => l.name(),
            Helper::Float(f) => f.name(),
            Helper::Map(m) => m.name(),
            Helper::Eq(_) => "equals",
            Helper::FloatPowInt => "float_pow_int",
            Helper::Fs(f) => f.name(),
            Helper::EnvGet => "env_get",
            Helper::RandomInt => "random_int",
            Helper::Http => "http_request",
            Helper::Sha256 => "sha256",
            Helper::KvBucket => "kv_bucket",
            Helper::ProjectQuery => "project_query",
            Helper::Regex(op) => op.name(),
            Helper::DateTime(op) => op.name(),
            Helper::Db(h) => match h {
                super::sql::DbHelper::Connection(_) => "db_connection",
                super::sql::DbHelper::Query(_) => "db_query",
                super::sql::DbHelper::Begin(_) => "db_begin",
                super::sql::DbHelper::Commit(_) => "db_commit",
                super::sql::DbHelper::Rollback(_) => "db_rollback",
            },
            Helper::Path(op) => op.name(),
            Helper::Json(op) => op.name(),
            Helper::Url(op) => op.name(),
            Helper::ReplaceFirst => "str_replace_first",
            Helper::Bytes(op) => op.name(),
            Helper::RandomBytes => "random_bytes",
            Helper::Kv(op) => match op {
                crate::stdlib::KvOp::Set => "kv_set",
                crate::stdlib::KvOp::Get => "kv_get",
                crate::stdlib::KvOp::Delete => "kv_delete",
                crate::stdlib::KvOp::Has => "kv_has",
                crate::stdlib::KvOp::List => "kv_list",
                crate::stdlib::KvOp::Clear => "kv_clear",
            },
        }
    }
}

impl Builder<'_> {
    pub(super) fn helper_body(&mut self, h: Helper) -> Result<(Vec<ValType>, Vec<ValType>, Function), String> {
        use ValType::{I32, I64};
        let mut code: Vec<I<'static>> = vec![];
        let (params, results, locals): (Vec<ValType>, Vec<ValType>, Vec<ValType>) = match h {
            Helper::WriteAll => {
                let write = self.import(&crate::stdlib::wasi(
                    "wasi:io/streams",
                    "[method]output-stream.blocking-write-and-flush",
                ))?;
                let (handle, ptr, len, chunk) = (0, 1, 2, 3);
                code.extend([
                    I::Block(BlockType::Empty),
                    I::Loop(BlockType::Empty),
                    I::LocalGet(len),
                    I::I32Eqz,
                    I::BrIf(1),
                ]);
                // chunk = min(len, MAX_WRITE)
                code.extend(min_u32(len, I::I32Const(MAX_WRITE)));
                code.extend([
                    I::Select,
                    I::LocalSet(chunk),
                    I::LocalGet(handle),
                    I::LocalGet(ptr),
                    I::LocalGet(chunk),
                    I::I32Const(RETPTR),
                    I::Call(write),
                    // A failed write (closed stream) ends the write; output is best effort, like a closed pipe.
                    I::I32Const(RETPTR),
                    I::I32Load8U(mem(0, 0)),
                    I::BrIf(1),
                ]);
                code.extend(add_to(ptr, I::LocalGet(chunk)));
                code.extend([
                    I::LocalGet(len),
                    I::LocalGet(chunk),
                    I::I32Sub,
                    I::LocalSet(len),
                    I::Br(0),
                    I::End,
                    I::End,
                ]);
                (vec![I32; 3], vec![], vec![I32])
            }
            Helper::StreamHandle(stream) => {
                let getter = match stream {
                    OutStream::Stdout => crate::stdlib::wasi("wasi:cli/stdout", "get-stdout"),
                    OutStream::Stderr => crate::stdlib::wasi("wasi:cli/stderr", "get-stderr"),
                };
                let get = self.import(&getter)?;
                // Fetched once, cached in a global (-1 = not yet).
                let global = self.globals.len() as u32;
                self.globals.push(GlobalInit::MinusOne);
                code.extend([
                    I::GlobalGet(global),
                    I::I32Const(-1),
                    I::I32Eq,
                    I::If(BlockType::Empty),
                    I::Call(get),
                    I::GlobalSet(global),
                    I::End,
                    I::GlobalGet(global),
                ]);
                (vec![], vec![I32], vec![])
            }
            Helper::Trap(_) => {
                // A function of its own, so the trap's backtrace names the error.
                code.push(I::Unreachable);
                (vec![], vec![], vec![])
            }
            Helper::Alloc => {
                let (heap, _) = self.heap_globals();
                let oom = self.helper(Helper::Trap(Fault::OutOfMemory))?;
                let (size, align, ptr, end) = (0, 1, 2, 3);
                code.extend([
                    // ptr = (heap + align - 1) & -align
                    I::GlobalGet(heap),
                    I::LocalGet(align),
                    I::I32Add,
                    I::I32Const(1),
                    I::I32Sub,
                    I::I32Const(0),
                    I::LocalGet(align),
                    I::I32Sub,
                    I::I32And,
                    I::LocalTee(ptr),
                    I::LocalGet(size),
                    I::I32Add,
                    I::LocalTee(end),
                    // wrapped around the address space?
                    I::LocalGet(ptr),
                    I::I32LtU,
                    I::If(BlockType::Empty),
                    I::Call(oom),
                    I::End,
                    // grow when end > memory.size * 64 KiB
                    I::LocalGet(end),
                    I::MemorySize(0),
                    I::I32Const(16),
                    I::I32Shl,
                    I::I32GtU,
                    I::If(BlockType::Empty),
                    I::LocalGet(end),
                    I::MemorySize(0),
                    I::I32Const(16),
                    I::I32Shl,
                    I::I32Sub,
                    I::I32Const(65535),
                    I::I32Add,
                    I::I32Const(16),
                    I::I32ShrU,
                    I::MemoryGrow(0),
                    I::I32Const(-1),
                    I::I32Eq,
                    I::If(BlockType::Empty),
                    I::Call(oom),
                    I::End,
                    I::End,
                    I::LocalGet(end),
                    I::GlobalSet(heap),
                    I::LocalGet(ptr),
                ]);
                (vec![I32, I32], vec![I32], vec![I32, I32])
            }
            Helper::Realloc => {
                let alloc = self.helper(Helper::Alloc)?;
                let (old_ptr, old_size, align, new_size, new) = (0, 1, 2, 3, 4);
                code.extend([
                    I::LocalGet(new_size),
                    I::LocalGet(align),
                    I::Call(alloc),
                    I::LocalSet(new),
                    I::LocalGet(old_size),
                    I::If(BlockType::Empty),
                    I::LocalGet(new),
                    I::LocalGet(old_ptr),
                ]);
                code.extend(min_u32(old_size, I::LocalGet(new_size)));
                code.extend([I::Select, I::MemoryCopy { src_mem: 0, dst_mem: 0 }, I::End, I::LocalGet(new)]);
                (vec![I32; 4], vec![I32], vec![I32])
            }
            Helper::IntMul => {
                let trap = self.helper(Helper::Trap(Fault::IntegerOverflow))?;
                let (a, b, r) = (0, 1, 2);
                // a = -1: the result is -b, which overflows only for b = MIN. Otherwise r = a * b
                // overflows iff a != 0 and r / a != b (and r / a cannot overflow itself).
                code.extend([
                    I::LocalGet(a),
                    I::I64Const(-1),
                    I::I64Eq,
                    I::If(BlockType::Empty),
                    I::LocalGet(b),
                    I::I64Const(i64::MIN),
                    I::I64Eq,
                    I::If(BlockType::Empty),
                    I::Call(trap),
                    I::End,
                    I::I64Const(0),
                    I::LocalGet(b),
                    I::I64Sub,
                    I::Return,
                    I::End,
                    I::LocalGet(a),
                    I::LocalGet(b),
                    I::I64Mul,
                    I::LocalSet(r),
                    I::LocalGet(a),
                    I::I64Const(0),
                    I::I64Ne,
                    I::If(BlockType::Empty),
                    I::LocalGet(r),
                    I::LocalGet(a),
                    I::I64DivS,
                    I::LocalGet(b),
                    I::I64Ne,
                    I::If(BlockType::Empty),
                    I::Call(trap),
                    I::End,
                    I::End,
                    I::LocalGet(r),
                ]);
                (vec![I64, I64], vec![I64], vec![I64])
            }
            Helper::IntNeg | Helper::IntAbs => {
                let trap = self.helper(Helper::Trap(Fault::IntegerOverflow))?;
                code.extend([
                    I::LocalGet(0),
                    I::I64Const(i64::MIN),
                    I::I64Eq,
                    I::If(BlockType::Empty),
                    I::Call(trap),
                    I::End,
                ]);
                if h == Helper::IntNeg {
                    code.extend([I::I64Const(0), I::LocalGet(0), I::I64Sub]);
                } else {
                    code.extend([
                        I::I64Const(0),
                        I::LocalGet(0),
                        I::I64Sub,
                        I::LocalGet(0),
                        I::LocalGet(0),
                        I::I64Const(0),
                        I::I64LtS,
                        I::Select,
                    ]);
                }
                (vec![I64], vec![I64], vec![])
            }
            Helper::StrEq => {
                let (p1, l1, p2, l2, i) = (0, 1, 2, 3, 4);
                code.extend([
                    I::LocalGet(l1),
                    I::LocalGet(l2),
                    I::I32Ne,
                    I::If(BlockType::Empty),
                    I::I32Const(0),
                    I::Return,
                    I::End,
                    I::Loop(BlockType::Empty),
                    I::LocalGet(i),
                    I::LocalGet(l1),
                    I::I32Eq,
                    I::If(BlockType::Empty),
                    I::I32Const(1),
                    I::Return,
                    I::End,
                ]);
                code.extend(load_byte(p1, i));
                code.extend(load_byte(p2, i));
                code.extend([I::I32Ne, I::If(BlockType::Empty), I::I32Const(0), I::Return, I::End]);
                code.extend(add_to(i, I::I32Const(1)));
                code.extend([I::Br(0), I::End, I::Unreachable]);
                (vec![I32; 4], vec![I32], vec![I32])
            }
            Helper::StrCmp => {
                // -1, 0 or 1 by bytes, which for UTF-8 is code point order.
                let (p1, l1, p2, l2, i, n, a, b) = (0, 1, 2, 3, 4, 5, 6, 7);
                code.extend(min_u32(l1, I::LocalGet(l2)));
                code.extend([I::Select, I::LocalSet(n), I::Loop(BlockType::Empty)]);
                // An equal prefix: the shorter string is less.
                code.extend([I::LocalGet(i), I::LocalGet(n), I::I32Eq, I::If(BlockType::Empty)]);
                code.extend(three_way(l1, l2));
                code.push(I::End);
                code.extend(load_byte(p1, i));
                code.push(I::LocalSet(a));
                code.extend(load_byte(p2, i));
                code.extend([I::LocalSet(b), I::LocalGet(a), I::LocalGet(b), I::I32Ne, I::If(BlockType::Empty)]);
                code.extend(three_way(a, b));
                code.push(I::End);
                code.extend(add_to(i, I::I32Const(1)));
                code.extend([I::Br(0), I::End, I::Unreachable]);
                (vec![I32; 4], vec![I32], vec![I32; 4])
            }
            Helper::Concat => {
                // (p1, bytes1, p2, bytes2, align) -> (pointer, bytes): strings, and lists of any element.
                let alloc = self.helper(Helper::Alloc)?;
                let (heap, _) = self.heap_globals();
                let (p1, l1, p2, l2, align, dst) = (0, 1, 2, 3, 4, 5);
                // The parts are adjacent in memory: their concatenation is already there (values
                // never change, so the bytes stay as they are).
                code.extend([
                    I::LocalGet(p1),
                    I::LocalGet(l1),
                    I::I32Add,
                    I::LocalGet(p2),
                    I::I32Eq,
                    I::If(BlockType::Empty),
                    I::LocalGet(p1),
                    I::LocalGet(l1),
                    I::LocalGet(l2),
                    I::I32Add,
                    I::Return,
                    I::End,
                ]);
                // The first part ends where the arena's free space begins (it is the latest
                // allocation, as when a loop accumulates): grow it in place. No value can see the
                // bytes past its end, so this is safe although values never change.
                code.extend([
                    I::LocalGet(p1),
                    I::LocalGet(l1),
                    I::I32Add,
                    I::GlobalGet(heap),
                    I::I32Eq,
                    I::LocalGet(l1),
                    I::I32Const(0),
                    I::I32Ne,
                    I::I32And,
                    I::If(BlockType::Empty),
                    I::LocalGet(l2),
                    I::LocalGet(align),
                    I::Call(alloc),
                    I::LocalGet(p2),
                    I::LocalGet(l2),
                    I::MemoryCopy { src_mem: 0, dst_mem: 0 },
                    I::LocalGet(p1),
                    I::LocalGet(l1),
                    I::LocalGet(l2),
                    I::I32Add,
                    I::Return,
                    I::End,
                ]);
                code.extend([
                    I::LocalGet(l1),
                    I::LocalGet(l2),
                    I::I32Add,
                    I::LocalGet(align),
                    I::Call(alloc),
                    I::LocalTee(dst),
                    I::LocalGet(p1),
                    I::LocalGet(l1),
                    I::MemoryCopy { src_mem: 0, dst_mem: 0 },
                    I::LocalGet(dst),
                    I::LocalGet(l1),
                    I::I32Add,
                    I::LocalGet(p2),
                    I::LocalGet(l2),
                    I::MemoryCopy { src_mem: 0, dst_mem: 0 },
                    I::LocalGet(dst),
                    I::LocalGet(l1),
                    I::LocalGet(l2),
                    I::I32Add,
                ]);
                (vec![I32; 5], vec![I32, I32], vec![I32])
            }
            Helper::Join => {
                // (list pointer, count, separator pointer, separator bytes) -> (pointer, bytes)
                let alloc = self.helper(Helper::Alloc)?;
                let (lp, n, sp, sl, i, total, pos, e) = (0, 1, 2, 3, 4, 5, 6, 7);
                let elem_at = |code: &mut Vec<I<'static>>| {
                    code.extend([
                        I::LocalGet(lp),
                        I::LocalGet(i),
                        I::I32Const(8),
                        I::I32Mul,
                        I::I32Add,
                        I::LocalSet(e),
                    ]);
                };
                // total = sum of lengths + separator * (n - 1)
                code.extend([
                    I::Block(BlockType::Empty),
                    I::Loop(BlockType::Empty),
                    I::LocalGet(i),
                    I::LocalGet(n),
                    I::I32GeU,
                    I::BrIf(1),
                ]);
                elem_at(&mut code);
                code.extend([I::LocalGet(total), I::LocalGet(e), I::I32Load(mem(4, 2)), I::I32Add, I::LocalSet(total)]);
                code.extend(add_to(i, I::I32Const(1)));
                code.extend([I::Br(0), I::End, I::End]);
                code.extend([
                    I::LocalGet(n),
                    I::If(BlockType::Empty),
                    I::LocalGet(total),
                    I::LocalGet(sl),
                    I::LocalGet(n),
                    I::I32Const(1),
                    I::I32Sub,
                    I::I32Mul,
                    I::I32Add,
                    I::LocalSet(total),
                    I::End,
                    I::LocalGet(total),
                    I::I32Const(1),
                    I::Call(alloc),
                    I::LocalSet(pos),
                    I::I32Const(0),
                    I::LocalSet(i),
                    I::Block(BlockType::Empty),
                    I::Loop(BlockType::Empty),
                    I::LocalGet(i),
                    I::LocalGet(n),
                    I::I32GeU,
                    I::BrIf(1),
                    // a separator before every element but the first
                    I::LocalGet(i),
                    I::If(BlockType::Empty),
                    I::LocalGet(pos),
                    I::LocalGet(sp),
                    I::LocalGet(sl),
                    I::MemoryCopy { src_mem: 0, dst_mem: 0 },
                ]);
                code.extend(add_to(pos, I::LocalGet(sl)));
                code.push(I::End);
                elem_at(&mut code);
                code.extend([
                    I::LocalGet(pos),
                    I::LocalGet(e),
                    I::I32Load(mem(0, 2)),
                    I::LocalGet(e),
                    I::I32Load(mem(4, 2)),
                    I::MemoryCopy { src_mem: 0, dst_mem: 0 },
                    I::LocalGet(pos),
                    I::LocalGet(e),
                    I::I32Load(mem(4, 2)),
                    I::I32Add,
                    I::LocalSet(pos),
                ]);
                code.extend(add_to(i, I::I32Const(1)));
                code.extend([
                    I::Br(0),
                    I::End,
                    I::End,
                    I::LocalGet(pos),
                    I::LocalGet(total),
                    I::I32Sub,
                    I::LocalGet(total),
                ]);
                (vec![I32; 4], vec![I32, I32], vec![I32; 4])
            }
            Helper::IntToString => {
                // Exactly as many bytes as the text needs, so a string built by appending numbers
                // stays adjacent in the arena and `concat` joins it without copying.
                let alloc = self.helper(Helper::Alloc)?;
                let (v, buf, pos, neg, u, t, len) = (0, 1, 2, 3, 4, 5, 6);
                code.extend([
                    I::LocalGet(v),
                    I::I64Const(0),
                    I::I64LtS,
                    I::LocalTee(neg),
                    I::LocalSet(len),
                    // u = |v| as unsigned (wrapping: MIN stays MIN, which is 2^63 unsigned)
                    I::I64Const(0),
                    I::LocalGet(v),
                    I::I64Sub,
                    I::LocalGet(v),
                    I::LocalGet(neg),
                    I::Select,
                    I::LocalTee(u),
                    I::LocalSet(t),
                    I::Loop(BlockType::Empty),
                ]);
                code.extend(add_to(len, I::I32Const(1)));
                code.extend([
                    I::LocalGet(t),
                    I::I64Const(10),
                    I::I64DivU,
                    I::LocalTee(t),
                    I::I64Const(0),
                    I::I64Ne,
                    I::BrIf(0),
                    I::End,
                    I::LocalGet(len),
                    I::I32Const(1),
                    I::Call(alloc),
                    I::LocalTee(buf),
                    I::LocalGet(len),
                    I::I32Add,
                    I::LocalSet(pos),
                    I::Loop(BlockType::Empty),
                    I::LocalGet(pos),
                    I::I32Const(1),
                    I::I32Sub,
                    I::LocalTee(pos),
                    I::LocalGet(u),
                    I::I64Const(10),
                    I::I64RemU,
                    I::I32WrapI64,
                    I::I32Const(48),
                    I::I32Add,
                    I::I32Store8(mem(0, 0)),
                    I::LocalGet(u),
                    I::I64Const(10),
                    I::I64DivU,
                    I::LocalTee(u),
                    I::I64Const(0),
                    I::I64Ne,
                    I::BrIf(0),
                    I::End,
                    I::LocalGet(neg),
                    I::If(BlockType::Empty),
                    I::LocalGet(buf),
                    I::I32Const(45),
                    I::I32Store8(mem(0, 0)),
                    I::End,
                    I::LocalGet(buf),
                    I::LocalGet(len),
                ]);
                (vec![I64], vec![I32, I32], vec![I32, I32, I32, I64, I64, I32])
            }
            Helper::Text(t) => self.text_helper(t, &mut code)?,
            Helper::List(l) => self.list_helper(l, &mut code)?,
            Helper::Float(f) => self.float_text_helper(f, &mut code)?,
            Helper::Map(m) => self.map_helper(m, &mut code)?,
            Helper::Eq(id) => self.eq_body(id, &mut code)?,
            Helper::Fs(f) => self.fs_helper(f, &mut code)?,
            Helper::EnvGet => self.env_get(&mut code)?,
            Helper::Http => self.http_request(&mut code)?,
            Helper::Sha256 => self.sha256(&mut code)?,
            Helper::KvBucket => self.kv_bucket(&mut code)?,
            Helper::Path(op) => self.path_helper(op, &mut code)?,
            Helper::Json(op) => self.json_helper(op, &mut code)?,
            Helper::Url(op) => self.url_helper(op, &mut code)?,
            Helper::Regex(op) => self.regex_helper(op, &mut code)?,
            Helper::DateTime(op) => self.datetime_helper(op, &mut code)?,
            Helper::Bytes(op) => self.bytes_helper(op, &mut code)?,
            Helper::RandomBytes => {
                let get = self.import(&crate::stdlib::RANDOM_BYTES)?;
                let invalid = self.helper(Helper::Trap(Fault::InvalidRange))?;
                code.extend([
                    I::LocalGet(0),
                    I::I64Const(0),
                    I::I64LtS,
                    I::If(BlockType::Empty),
                    I::Call(invalid),
                    I::End,
                    I::LocalGet(0),
                    I::I32Const(RETPTR),
                    I::Call(get),
                    I::I32Const(RETPTR),
                    I::I32Load(mem(0, 2)),
                    I::I32Const(RETPTR),
                    I::I32Load(mem(4, 2)),
                ]);
                (vec![I64], vec![I32, I32], vec![])
            }
            Helper::ReplaceFirst => {
                let find = self.helper(Helper::Text(super::text::TextOp::Find))?;
                let concat = self.helper(Helper::Concat)?;
                let (s, sl, from, fl, to, tl, at) = (0, 1, 2, 3, 4, 5, 6);
                code.extend([
                    // An empty `from`, or no occurrence: the text as it is.
                    I::LocalGet(s),
                    I::LocalGet(sl),
                    I::LocalGet(from),
                    I::LocalGet(fl),
                    I::I32Const(0),
                    I::Call(find),
                    I::LocalTee(at),
                    I::I32Const(0),
                    I::I32LtS,
                    I::LocalGet(fl),
                    I::I32Eqz,
                    I::I32Or,
                    I::If(BlockType::Empty),
                    I::LocalGet(s),
                    I::LocalGet(sl),
                    I::Return,
                    I::End,
                    I::LocalGet(s),
                    I::LocalGet(at),
                    I::LocalGet(to),
                    I::LocalGet(tl),
                    I::I32Const(1),
                    I::Call(concat),
                    I::LocalGet(s),
                    I::LocalGet(at),
                    I::I32Add,
                    I::LocalGet(fl),
                    I::I32Add,
                    I::LocalGet(sl),
                    I::LocalGet(at),
                    I::I32Sub,
                    I::LocalGet(fl),
                    I::I32Sub,
                    I::I32Const(1),
                    I::Call(concat),
                ]);
                (vec![I32; 6], vec![I32, I32], vec![I32])
            }
            Helper::Kv(op) => self.kv_op(op, &mut code)?,
            Helper::Db(h) => self.db_helper(h, &mut code)?,
            Helper::ProjectQuery => self.project_query(&mut code)?,
            Helper::RandomInt => {
                let random = self.import(&crate::stdlib::RANDOM_U64)?;
                let invalid = self.helper(Helper::Trap(Fault::InvalidRange))?;
                let (min, max, range, threshold, r) = (0, 1, 2, 3, 4);
                code.extend([
                    I::LocalGet(max),
                    I::LocalGet(min),
                    I::I64LtS,
                    I::If(BlockType::Empty),
                    I::Call(invalid),
                    I::End,
                    // range = max - min + 1 (mod 2^64); 0 means every Int.
                    I::LocalGet(max),
                    I::LocalGet(min),
                    I::I64Sub,
                    I::I64Const(1),
                    I::I64Add,
                    I::LocalTee(range),
                    I::I64Eqz,
                    I::If(BlockType::Empty),
                    I::Call(random),
                    I::Return,
                    I::End,
                    // Reject draws below 2^64 mod range, so every value is equally likely.
                    I::I64Const(0),
                    I::LocalGet(range),
                    I::I64Sub,
                    I::LocalGet(range),
                    I::I64RemU,
                    I::LocalSet(threshold),
                    I::Loop(BlockType::Empty),
                    I::Call(random),
                    I::LocalTee(r),
                    I::LocalGet(threshold),
                    I::I64LtU,
                    I::BrIf(0),
                    I::End,
                    I::LocalGet(min),
                    I::LocalGet(r),
                    I::LocalGet(range),
                    I::I64RemU,
                    I::I64Add,
                ]);
                (vec![I64, I64], vec![I64], vec![I64, I64, I64])
            }
            Helper::IntPow => {
                // Square-and-multiply with checked multiplication; a negative exponent traps.
                let (base, exp, acc) = (0, 1, 2);
                let neg = self.helper(Helper::Trap(Fault::NegativeExponent))?;
                let mul = self.helper(Helper::IntMul)?;
                code.extend([
                    I::LocalGet(exp),
                    I::I64Const(0),
                    I::I64LtS,
                    I::If(BlockType::Empty),
                    I::Call(neg),
                    I::End,
                    I::I64Const(1),
                    I::LocalSet(acc),
                    I::Block(BlockType::Empty),
                    I::Loop(BlockType::Empty),
                    I::LocalGet(exp),
                    I::I64Eqz,
                    I::BrIf(1),
                    I::LocalGet(exp),
                    I::I64Const(1),
                    I::I64And,
                    I::I32WrapI64,
                    I::If(BlockType::Empty),
                    I::LocalGet(acc),
                    I::LocalGet(base),
                    I::Call(mul),
                    I::LocalSet(acc),
                    I::End,
                    I::LocalGet(exp),
                    I::I64Const(1),
                    I::I64ShrU,
                    I::LocalTee(exp),
                    I::I64Eqz,
                    I::BrIf(1),
                    I::LocalGet(base),
                    I::LocalGet(base),
                    I::Call(mul),
                    I::LocalSet(base),
                    I::Br(0),
                    I::End,
                    I::End,
                    I::LocalGet(acc),
                ]);
                (vec![I64, I64], vec![I64], vec![I64])
            }
            Helper::FloatPowInt => {
                // Square-and-multiply on |exponent|, then 1/result for a negative exponent.
                let (base, exp, acc, e) = (0, 1, 2, 3);
                code.extend([
                    I::F64Const(1.0.into()),
                    I::LocalSet(acc),
                    // e = |exp| as unsigned (MIN stays 2^63)
                    I::I64Const(0),
                    I::LocalGet(exp),
                    I::I64Sub,
                    I::LocalGet(exp),
                    I::LocalGet(exp),
                    I::I64Const(0),
                    I::I64LtS,
                    I::Select,
                    I::LocalSet(e),
                    I::Block(BlockType::Empty),
                    I::Loop(BlockType::Empty),
                    I::LocalGet(e),
                    I::I64Eqz,
                    I::BrIf(1),
                    I::LocalGet(e),
                    I::I64Const(1),
                    I::I64And,
                    I::I32WrapI64,
                    I::If(BlockType::Empty),
                    I::LocalGet(acc),
                    I::LocalGet(base),
                    I::F64Mul,
                    I::LocalSet(acc),
                    I::End,
                    I::LocalGet(base),
                    I::LocalGet(base),
                    I::F64Mul,
                    I::LocalSet(base),
                    I::LocalGet(e),
                    I::I64Const(1),
                    I::I64ShrU,
                    I::LocalSet(e),
                    I::Br(0),
                    I::End,
                    I::End,
                    I::F64Const(1.0.into()),
                    I::LocalGet(acc),
                    I::F64Div,
                    I::LocalGet(acc),
                    I::LocalGet(exp),
                    I::I64Const(0),
                    I::I64LtS,
                    I::Select,
                ]);
                (vec![ValType::F64, I64], vec![ValType::F64], vec![ValType::F64, I64])
            }
            Helper::StrLen => {
                // Characters are Unicode scalar values: count the bytes that do not continue one.
                let (p, l, i, n) = (0, 1, 2, 3);
                code.extend([
                    I::Block(BlockType::Empty),
                    I::Loop(BlockType::Empty),
                    I::LocalGet(i),
                    I::LocalGet(l),
                    I::I32GeU,
                    I::BrIf(1),
                    I::LocalGet(n),
                ]);
                code.extend(load_byte(p, i));
                code.extend([I::I32Const(0xC0), I::I32And, I::I32Const(0x80), I::I32Ne, I::I32Add, I::LocalSet(n)]);
                code.extend(add_to(i, I::I32Const(1)));
                code.extend([I::Br(0), I::End, I::End, I::LocalGet(n), I::I64ExtendI32U]);
                (vec![I32, I32], vec![I64], vec![I32, I32])
            }
        };
        code.push(I::End);
        let mut f = Function::new(locals.into_iter().map(|t| (1, t)));
        for ins in &code {
            f.instruction(ins);
        }
        Ok((params, results, f))
    }
}
