//! `fs.*` on `wasi:filesystem`: paths are normalized inside the component, checked against the
//! calling function's declared `filesystem(path=..)`, and resolved against the preopened
//! directories (the longest preopen that holds the path). The host narrows what it preopens as
//! well; the component's check means a path outside the declaration never reaches the host.
//!
//! Failures become the standard library's `IoError { message, code }`, with POSIX-style codes
//! (`ENOENT`, `EACCES`, ...) as Node reports them; the message names the path.

use super::body::Frame;
use super::compute_data::emit_data;
use super::helpers::{HelperSig, add_to, emit_scan_to, load_byte};
use super::memory::{Growing, emit_room_for_one};
use super::*;
use crate::stdlib::{
    DROP_DESCRIPTOR, DROP_DIR_STREAM, FsOp, GET_DIRECTORIES, MKDIR_AT, OPEN_AT, READ, READ_DIR, READ_DIR_ENTRY,
    RENAME_AT, RMDIR_AT, STAT_AT, UNLINK_AT, WRITE_AT,
};

/// Runtime helpers behind `fs.*`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) enum FsHelper {
    /// (ptr, len) -> (ptr, len, ok): the path's components without `.`, `..` applied; `ok` = 0
    /// when `..` climbs above the start. An absolute path keeps its `/`; an empty relative one is `.`.
    Normalize,
    /// (path ptr, len, root ptr, len) -> i32: whether a normalized path is the root or below it.
    Within,
    /// (path ptr, len, allowed ptr, len) -> (descriptor, relative ptr, len, error): the preopen
    /// that holds the path and the path relative to it; `error` is an error number (see `CODES`).
    Resolve,
    /// (error, path ptr, len) -> IoError pointer.
    Error,
    /// (descriptor) -> (ptr, len, error): the whole file.
    ReadAll,
    /// (descriptor, ptr, len) -> error: writes every byte.
    WriteAll,
    /// (ptr, len) -> i32: whether the bytes are UTF-8.
    Utf8,
    /// One `fs.*` operation: its parameters (flattened) and the declared path -> its result.
    Op(FsOp),
}

impl FsHelper {
    pub(super) fn name(self) -> &'static str {
        match self {
            FsHelper::Normalize => "fs_normalize",
            FsHelper::Within => "fs_within",
            FsHelper::Resolve => "fs_resolve",
            FsHelper::Error => "fs_error",
            FsHelper::ReadAll => "fs_read_all",
            FsHelper::WriteAll => "fs_write_all",
            FsHelper::Utf8 => "utf8_valid",
            FsHelper::Op(op) => match op {
                FsOp::ReadFile => "fs_read_file",
                FsOp::WriteFile => "fs_write_file",
                FsOp::WriteBytes => "fs_write_bytes",
                FsOp::Exists => "fs_exists",
                FsOp::Mkdir => "fs_mkdir",
                FsOp::Remove => "fs_remove",
                FsOp::Stat => "fs_stat",
                FsOp::ReadDir => "fs_read_dir",
                FsOp::Copy => "fs_copy",
                FsOp::Rename => "fs_rename",
            },
        }
    }
}

/// `wasi:filesystem` error codes in WIT order, then the component's own: (code, message).
const CODES: &[(&str, &str)] = &[
    ("EACCES", "permission denied"),
    ("EAGAIN", "resource temporarily unavailable"),
    ("EALREADY", "operation already in progress"),
    ("EBADF", "bad file descriptor"),
    ("EBUSY", "device or resource busy"),
    ("EDEADLK", "resource deadlock avoided"),
    ("EDQUOT", "disk quota exceeded"),
    ("EEXIST", "file exists"),
    ("EFBIG", "file too large"),
    ("EILSEQ", "illegal byte sequence"),
    ("EINPROGRESS", "operation in progress"),
    ("EINTR", "interrupted"),
    ("EINVAL", "invalid argument"),
    ("EIO", "input/output error"),
    ("EISDIR", "is a directory"),
    ("ELOOP", "too many levels of symbolic links"),
    ("EMLINK", "too many links"),
    ("EMSGSIZE", "message too long"),
    ("ENAMETOOLONG", "file name too long"),
    ("ENODEV", "no such device"),
    ("ENOENT", "no such file or directory"),
    ("ENOLCK", "no locks available"),
    ("ENOMEM", "cannot allocate memory"),
    ("ENOSPC", "no space left on device"),
    ("ENOTDIR", "not a directory"),
    ("ENOTEMPTY", "directory not empty"),
    ("ENOTRECOVERABLE", "state not recoverable"),
    ("ENOTSUP", "operation not supported"),
    ("ENOTTY", "inappropriate ioctl for device"),
    ("ENXIO", "no such device or address"),
    ("EOVERFLOW", "value too large"),
    ("EPERM", "operation not permitted"),
    ("EPIPE", "broken pipe"),
    ("EROFS", "read-only file system"),
    ("ESPIPE", "illegal seek"),
    ("ETXTBSY", "text file busy"),
    ("EXDEV", "cross-device link"),
    // The component's own refusals.
    ("EACCES", "outside the function's declared filesystem path"),
    ("EACCES", "the path climbs above its start with `..`"),
    ("EACCES", "no directory is granted to the program for this path (the host's --dir)"),
    ("EILSEQ", "the file is not UTF-8 text"),
];
const OUTSIDE: i32 = 37;
const CLIMBS: i32 = 38;
const NOT_GRANTED: i32 = 39;
const NOT_UTF8: i32 = 40;
const EXISTS: i32 = 7;
/// No error (error numbers index `CODES`).
const OK: i32 = -1;

/// `path-flags.symlink-follow`; `open-flags`; `descriptor-flags`.
const FOLLOW: i32 = 1;
const CREATE: i32 = 1;
const DIRECTORY: i32 = 2;
const TRUNCATE: i32 = 8;
const READ_FLAG: i32 = 1;
const WRITE_FLAG: i32 = 2;
/// `descriptor-type.directory` and `.regular-file`.
const TYPE_DIRECTORY: i32 = 3;
const TYPE_FILE: i32 = 6;
/// Bytes asked for per `read` call.
const READ_CHUNK: i64 = 1 << 20;
/// The return area for filesystem and HTTP imports: `result<descriptor-stat, error-code>` is the
/// largest (104 bytes).
const RET_AREA: u32 = 112;

impl Builder<'_> {
    pub(super) fn ret_area(&mut self) -> (u32, u32) {
        if let Some(r) = self.ret_area_at {
            return r;
        }
        let r = self.scratch(RET_AREA);
        self.ret_area_at = Some(r);
        r
    }

    /// The IoError type of this program (the error of any `fs.*` result).
    fn io_error(&self) -> Result<Type, String> {
        self.io_error.clone().ok_or_else(|| "fs helper without IoError".to_string())
    }

    pub(super) fn fs_helper(&mut self, h: FsHelper, code: &mut Vec<I<'static>>) -> Result<HelperSig, String> {
        use ValType::I32;
        Ok(match h {
            FsHelper::Normalize => {
                let alloc = self.helper(Helper::Alloc)?;
                let (p, l, out, n, base, i, start) = (0, 1, 2, 3, 4, 5, 6);
                let seg_len = |c: &mut Vec<I<'static>>| c.extend([I::LocalGet(i), I::LocalGet(start), I::I32Sub]);
                code.extend([
                    I::LocalGet(l),
                    I::I32Const(1),
                    I::I32Add,
                    I::I32Const(1),
                    I::Call(alloc),
                    I::LocalSet(out),
                    // Absolute: the output starts with `/`, which no `..` removes.
                    I::LocalGet(l),
                    I::If(BlockType::Empty),
                    I::LocalGet(p),
                    I::I32Load8U(mem(0, 0)),
                    I::I32Const(b'/' as i32),
                    I::I32Eq,
                    I::If(BlockType::Empty),
                    I::LocalGet(out),
                    I::I32Const(b'/' as i32),
                    I::I32Store8(mem(0, 0)),
                    I::I32Const(1),
                    I::LocalSet(base),
                    I::End,
                    I::End,
                    I::LocalGet(base),
                    I::LocalSet(n),
                    I::Block(BlockType::Empty),
                    I::Loop(BlockType::Empty),
                    // Skip separators.
                    I::Block(BlockType::Empty),
                    I::Loop(BlockType::Empty),
                    I::LocalGet(i),
                    I::LocalGet(l),
                    I::I32GeU,
                    I::BrIf(1),
                ]);
                code.extend(load_byte(p, i));
                code.extend([I::I32Const(b'/' as i32), I::I32Ne, I::BrIf(1)]);
                code.extend(add_to(i, I::I32Const(1)));
                code.extend([I::Br(0), I::End, I::End, I::LocalGet(i), I::LocalGet(l), I::I32GeU, I::BrIf(1)]);
                // One component: [start, i).
                code.extend([I::LocalGet(i), I::LocalSet(start)]);
                emit_scan_to(code, p, i, l, b"/");
                // `.`: nothing.
                seg_len(code);
                code.extend([I::I32Const(1), I::I32Eq]);
                code.extend(load_byte(p, start));
                code.extend([I::I32Const(b'.' as i32), I::I32Eq, I::I32And, I::BrIf(0)]);
                // `..`: drop the last component, or fail when there is none.
                seg_len(code);
                code.extend([I::I32Const(2), I::I32Eq]);
                code.extend(load_byte(p, start));
                code.extend([I::I32Const(b'.' as i32), I::I32Eq, I::I32And, I::LocalGet(p), I::LocalGet(start)]);
                code.extend([I::I32Add, I::I32Load8U(mem(1, 0)), I::I32Const(b'.' as i32), I::I32Eq, I::I32And]);
                code.extend([
                    I::If(BlockType::Empty),
                    I::LocalGet(n),
                    I::LocalGet(base),
                    I::I32Eq,
                    I::If(BlockType::Empty),
                    I::I32Const(0),
                    I::I32Const(0),
                    I::I32Const(0),
                    I::Return,
                    I::End,
                    I::Block(BlockType::Empty),
                    I::Loop(BlockType::Empty),
                    I::LocalGet(n),
                    I::LocalGet(base),
                    I::I32LeU,
                    I::BrIf(1),
                    I::LocalGet(out),
                    I::LocalGet(n),
                    I::I32Add,
                    I::I32Const(1),
                    I::I32Sub,
                    I::I32Load8U(mem(0, 0)),
                    I::I32Const(b'/' as i32),
                    I::I32Eq,
                    I::BrIf(1),
                    I::LocalGet(n),
                    I::I32Const(1),
                    I::I32Sub,
                    I::LocalSet(n),
                    I::Br(0),
                    I::End,
                    I::End,
                    // Drop the separator before it too: n -= (n > base).
                    I::LocalGet(n),
                    I::LocalGet(n),
                    I::LocalGet(base),
                    I::I32GtU,
                    I::I32Sub,
                    I::LocalSet(n),
                    I::Br(1),
                    I::End,
                    // A name: a separator unless first, then the name.
                    I::LocalGet(n),
                    I::LocalGet(base),
                    I::I32GtU,
                    I::If(BlockType::Empty),
                    I::LocalGet(out),
                    I::LocalGet(n),
                    I::I32Add,
                    I::I32Const(b'/' as i32),
                    I::I32Store8(mem(0, 0)),
                    I::End,
                    I::LocalGet(n),
                    I::LocalGet(base),
                    I::I32GtU,
                    I::LocalGet(n),
                    I::I32Add,
                    I::LocalSet(n),
                    I::LocalGet(out),
                    I::LocalGet(n),
                    I::I32Add,
                    I::LocalGet(p),
                    I::LocalGet(start),
                    I::I32Add,
                ]);
                seg_len(code);
                code.push(I::MemoryCopy { src_mem: 0, dst_mem: 0 });
                code.extend([I::LocalGet(n)]);
                seg_len(code);
                code.extend([I::I32Add, I::LocalSet(n), I::Br(0), I::End, I::End]);
                // Nothing left of a relative path: `.`.
                code.extend([
                    I::LocalGet(n),
                    I::I32Eqz,
                    I::If(BlockType::Empty),
                    I::LocalGet(out),
                    I::I32Const(b'.' as i32),
                    I::I32Store8(mem(0, 0)),
                    I::I32Const(1),
                    I::LocalSet(n),
                    I::End,
                    I::LocalGet(out),
                    I::LocalGet(n),
                    I::I32Const(1),
                ]);
                (vec![I32; 2], vec![I32; 3], vec![I32; 5])
            }
            FsHelper::Within => {
                let eq = self.helper(Helper::StrEq)?;
                let (p, l, r, rl) = (0, 1, 2, 3);
                // `.` holds every relative path; `/` every absolute one.
                let is_root = |c: &mut Vec<I<'static>>, ch: u8| {
                    c.extend([
                        I::LocalGet(rl),
                        I::I32Const(1),
                        I::I32Eq,
                        I::If(BlockType::Empty),
                        I::LocalGet(r),
                        I::I32Load8U(mem(0, 0)),
                        I::I32Const(ch as i32),
                        I::I32Eq,
                        I::If(BlockType::Empty),
                        I::LocalGet(p),
                        I::I32Load8U(mem(0, 0)),
                        I::I32Const(b'/' as i32),
                        I::I32Eq,
                    ]);
                    if ch == b'.' {
                        c.push(I::I32Eqz);
                    }
                    c.extend([I::Return, I::End, I::End]);
                };
                is_root(code, b'.');
                is_root(code, b'/');
                code.extend([
                    I::LocalGet(l),
                    I::LocalGet(rl),
                    I::I32LtU,
                    I::If(BlockType::Empty),
                    I::I32Const(0),
                    I::Return,
                    I::End,
                    I::LocalGet(p),
                    I::LocalGet(rl),
                    I::LocalGet(r),
                    I::LocalGet(rl),
                    I::Call(eq),
                    I::I32Eqz,
                    I::If(BlockType::Empty),
                    I::I32Const(0),
                    I::Return,
                    I::End,
                    I::LocalGet(l),
                    I::LocalGet(rl),
                    I::I32Eq,
                    I::If(BlockType::Empty),
                    I::I32Const(1),
                    I::Return,
                    I::End,
                ]);
                code.extend(load_byte(p, rl));
                code.extend([I::I32Const(b'/' as i32), I::I32Eq]);
                (vec![I32; 4], vec![I32], vec![])
            }
            FsHelper::Resolve => self.fs_resolve(code)?,
            FsHelper::Error => {
                let concat = self.helper(Helper::Concat)?;
                // A table of (code ptr, code len, message ptr, message len) per error number.
                let mut table = vec![];
                for (c, m) in CODES {
                    for s in [c.to_string(), format!("{m}: ")] {
                        let at = self.data.intern(&s);
                        table.extend_from_slice(&at.to_le_bytes());
                        table.extend_from_slice(&(s.len() as u32).to_le_bytes());
                    }
                }
                let table = self.data.place(&table, 4);
                let io_error = self.io_error()?;
                let (e, p, l) = (0, 1, 2);
                let mut frame = Frame { base: vec![], reps: vec![], decls: vec![], next: 3 };
                let row = frame.scratch(I32);
                code.extend([
                    I::LocalGet(e),
                    I::I32Const(16),
                    I::I32Mul,
                    I::I32Const(table as i32),
                    I::I32Add,
                    I::LocalTee(row),
                    I::I32Load(mem(8, 2)),
                    I::LocalGet(row),
                    I::I32Load(mem(12, 2)),
                    I::LocalGet(p),
                    I::LocalGet(l),
                    I::I32Const(1),
                    I::Call(concat),
                    I::LocalGet(row),
                    I::I32Load(mem(0, 2)),
                    I::LocalGet(row),
                    I::I32Load(mem(4, 2)),
                ]);
                emit_data(self, &mut frame, ComputeOp::Record(io_error), &[], code)?;
                (vec![I32; 3], vec![I32], frame.decls)
            }
            FsHelper::ReadAll => {
                let (area_global, area) = self.ret_area();
                let read = self.import(&READ)?;
                let concat = self.helper(Helper::Concat)?;
                let (fd, p, l, offset) = (0, 1, 2, 3);
                let at = |o: u64| mem(u64::from(area) + o, 2);
                code.extend([
                    I::Loop(BlockType::Empty),
                    I::LocalGet(fd),
                    I::I64Const(READ_CHUNK),
                    I::LocalGet(offset),
                    I::GlobalGet(area_global),
                    I::Call(read),
                    I::GlobalGet(area_global),
                    I::I32Load8U(mem(u64::from(area), 0)),
                    I::If(BlockType::Empty),
                    I::I32Const(0),
                    I::I32Const(0),
                    I::GlobalGet(area_global),
                    I::I32Load8U(mem(u64::from(area) + 4, 0)),
                    I::Return,
                    I::End,
                    // Chunks arrive one after another in the arena, so joining them rarely copies.
                    I::LocalGet(p),
                    I::LocalGet(l),
                    I::GlobalGet(area_global),
                    I::I32Load(at(4)),
                    I::GlobalGet(area_global),
                    I::I32Load(at(8)),
                    I::I32Const(1),
                    I::Call(concat),
                    I::LocalSet(l),
                    I::LocalSet(p),
                    I::LocalGet(offset),
                    I::GlobalGet(area_global),
                    I::I32Load(at(8)),
                    I::I64ExtendI32U,
                    I::I64Add,
                    I::LocalSet(offset),
                    // Until the end of the file, or a read that gives nothing.
                    I::GlobalGet(area_global),
                    I::I32Load8U(mem(u64::from(area) + 12, 0)),
                    I::I32Eqz,
                    I::GlobalGet(area_global),
                    I::I32Load(at(8)),
                    I::I32Const(0),
                    I::I32Ne,
                    I::I32And,
                    I::BrIf(0),
                    I::End,
                    I::LocalGet(p),
                    I::LocalGet(l),
                    I::I32Const(OK),
                ]);
                (vec![I32], vec![I32; 3], vec![I32, I32, ValType::I64])
            }
            FsHelper::WriteAll => {
                let (area_global, area) = self.ret_area();
                let write = self.import(&WRITE_AT)?;
                let (fd, p, l, offset, written) = (0, 1, 2, 3, 4);
                let at = |o: u64| mem(u64::from(area) + o, 2);
                code.extend([
                    I::Block(BlockType::Empty),
                    I::Loop(BlockType::Empty),
                    I::LocalGet(l),
                    I::I32Eqz,
                    I::BrIf(1),
                    I::LocalGet(fd),
                    I::LocalGet(p),
                    I::LocalGet(l),
                    I::LocalGet(offset),
                    I::GlobalGet(area_global),
                    I::Call(write),
                    I::GlobalGet(area_global),
                    I::I32Load8U(mem(u64::from(area), 0)),
                    I::If(BlockType::Empty),
                    I::GlobalGet(area_global),
                    I::I32Load8U(mem(u64::from(area) + 8, 0)),
                    I::Return,
                    I::End,
                    // The count written: a u64 no larger than `l`.
                    I::GlobalGet(area_global),
                    I::I32Load(at(8)),
                    I::LocalSet(written),
                ]);
                code.extend(add_to(p, I::LocalGet(written)));
                code.extend([
                    I::LocalGet(l),
                    I::LocalGet(written),
                    I::I32Sub,
                    I::LocalSet(l),
                    I::LocalGet(offset),
                    I::LocalGet(written),
                    I::I64ExtendI32U,
                    I::I64Add,
                    I::LocalSet(offset),
                    // A write of nothing would loop forever: report an I/O error.
                    I::LocalGet(written),
                    I::I32Eqz,
                    I::If(BlockType::Empty),
                    I::I32Const(13),
                    I::Return,
                    I::End,
                    I::Br(0),
                    I::End,
                    I::End,
                    I::I32Const(OK),
                ]);
                (vec![I32; 3], vec![I32], vec![ValType::I64, I32])
            }
            FsHelper::Utf8 => {
                let (p, l, i, b, n, lo, hi) = (0, 1, 2, 3, 4, 5, 6);
                // For a lead byte: how many continuation bytes follow, and the range of the first.
                let case = |c: &mut Vec<I<'static>>, from: u8, to: u8, count: i32, low: u8, high: u8| {
                    c.extend([
                        I::LocalGet(b),
                        I::I32Const(from as i32),
                        I::I32GeU,
                        I::LocalGet(b),
                        I::I32Const(to as i32),
                        I::I32LeU,
                        I::I32And,
                        I::If(BlockType::Empty),
                        I::I32Const(count),
                        I::LocalSet(n),
                        I::I32Const(low as i32),
                        I::LocalSet(lo),
                        I::I32Const(high as i32),
                        I::LocalSet(hi),
                        I::End,
                    ]);
                };
                code.extend([
                    I::Block(BlockType::Empty),
                    I::Loop(BlockType::Empty),
                    I::LocalGet(i),
                    I::LocalGet(l),
                    I::I32GeU,
                    I::BrIf(1),
                ]);
                code.extend(load_byte(p, i));
                code.extend([
                    I::LocalTee(b),
                    I::I32Const(0x80),
                    I::I32LtU,
                    I::If(BlockType::Empty),
                    I::LocalGet(i),
                    I::I32Const(1),
                    I::I32Add,
                    I::LocalSet(i),
                    I::Br(1),
                    I::End,
                    I::I32Const(0),
                    I::LocalSet(n),
                ]);
                case(code, 0xC2, 0xDF, 1, 0x80, 0xBF);
                case(code, 0xE0, 0xE0, 2, 0xA0, 0xBF);
                case(code, 0xE1, 0xEC, 2, 0x80, 0xBF);
                case(code, 0xED, 0xED, 2, 0x80, 0x9F);
                case(code, 0xEE, 0xEF, 2, 0x80, 0xBF);
                case(code, 0xF0, 0xF0, 3, 0x90, 0xBF);
                case(code, 0xF1, 0xF3, 3, 0x80, 0xBF);
                case(code, 0xF4, 0xF4, 3, 0x80, 0x8F);
                code.extend([
                    // Not a lead byte, or the text ends inside the character.
                    I::LocalGet(n),
                    I::I32Eqz,
                    I::LocalGet(i),
                    I::LocalGet(n),
                    I::I32Add,
                    I::LocalGet(l),
                    I::I32GeU,
                    I::I32Or,
                    I::If(BlockType::Empty),
                    I::I32Const(0),
                    I::Return,
                    I::End,
                    I::LocalGet(i),
                    I::I32Const(1),
                    I::I32Add,
                    I::LocalSet(i),
                ]);
                code.extend(load_byte(p, i));
                code.extend([
                    I::LocalTee(b),
                    I::LocalGet(lo),
                    I::I32LtU,
                    I::LocalGet(b),
                    I::LocalGet(hi),
                    I::I32GtU,
                    I::I32Or,
                    I::If(BlockType::Empty),
                    I::I32Const(0),
                    I::Return,
                    I::End,
                    // The rest are continuation bytes.
                    I::Block(BlockType::Empty),
                    I::Loop(BlockType::Empty),
                    I::LocalGet(i),
                    I::I32Const(1),
                    I::I32Add,
                    I::LocalSet(i),
                    I::LocalGet(n),
                    I::I32Const(1),
                    I::I32Sub,
                    I::LocalTee(n),
                    I::I32Eqz,
                    I::BrIf(1),
                ]);
                code.extend(load_byte(p, i));
                code.extend([
                    I::I32Const(0xC0),
                    I::I32And,
                    I::I32Const(0x80),
                    I::I32Ne,
                    I::If(BlockType::Empty),
                    I::I32Const(0),
                    I::Return,
                    I::End,
                    I::Br(0),
                    I::End,
                    I::End,
                    I::Br(0),
                    I::End,
                    I::End,
                    I::I32Const(1),
                ]);
                (vec![I32; 2], vec![I32], vec![I32; 5])
            }
            FsHelper::Op(op) => self.fs_op(op, code)?,
        })
    }

    /// Finds the preopen that holds a path (fetched once; see `Builder::pin_arena`).
    fn fs_resolve(&mut self, code: &mut Vec<I<'static>>) -> Result<HelperSig, String> {
        use ValType::I32;
        let normalize = self.helper(Helper::Fs(FsHelper::Normalize))?;
        let within = self.helper(Helper::Fs(FsHelper::Within))?;
        let get_dirs = self.import(&GET_DIRECTORIES)?;
        let (heap, base) = self.heap_globals();
        self.pin_arena = true;
        let list = self.globals.len() as u32;
        self.globals.push(GlobalInit::MinusOne);
        self.globals.push(GlobalInit::MinusOne);
        let count = list + 1;
        let (path, path_len, allowed, allowed_len) = (0, 1, 2, 3);
        let (np, nl, ok, i, entry, rp, rl, best, best_len, best_root) = (4, 5, 6, 7, 8, 9, 10, 11, 12, 13);
        let fail = |c: &mut Vec<I<'static>>, e: i32| {
            c.extend([I::I32Const(0), I::I32Const(0), I::I32Const(0), I::I32Const(e), I::Return]);
        };
        code.extend([I::LocalGet(path), I::LocalGet(path_len), I::Call(normalize), I::LocalSet(ok)]);
        code.extend([I::LocalSet(nl), I::LocalSet(np), I::LocalGet(ok), I::I32Eqz, I::If(BlockType::Empty)]);
        fail(code, CLIMBS);
        code.extend([
            I::End,
            I::LocalGet(allowed_len),
            I::If(BlockType::Empty),
            I::LocalGet(np),
            I::LocalGet(nl),
            I::LocalGet(allowed),
            I::LocalGet(allowed_len),
            I::Call(within),
            I::I32Eqz,
            I::If(BlockType::Empty),
        ]);
        fail(code, OUTSIDE);
        code.extend([I::End, I::End]);
        // The preopens, once per instance; the arena's base moves past them so a reset keeps them.
        code.extend([
            I::GlobalGet(count),
            I::I32Const(-1),
            I::I32Eq,
            I::If(BlockType::Empty),
            I::I32Const(RETPTR),
            I::Call(get_dirs),
            I::I32Const(RETPTR),
            I::I32Load(mem(0, 2)),
            I::GlobalSet(list),
            I::I32Const(RETPTR),
            I::I32Load(mem(4, 2)),
            I::GlobalSet(count),
            I::GlobalGet(heap),
            I::GlobalSet(base),
            I::End,
        ]);
        // The longest preopen name (normalized) that holds the path.
        code.extend([
            I::I32Const(-1),
            I::LocalSet(best),
            I::I32Const(-1),
            I::LocalSet(best_len),
            I::Block(BlockType::Empty),
            I::Loop(BlockType::Empty),
            I::LocalGet(i),
            I::GlobalGet(count),
            I::I32GeU,
            I::BrIf(1),
            I::GlobalGet(list),
            I::LocalGet(i),
            I::I32Const(12),
            I::I32Mul,
            I::I32Add,
            I::LocalTee(entry),
            I::I32Load(mem(4, 2)),
            I::LocalGet(entry),
            I::I32Load(mem(8, 2)),
            I::Call(normalize),
            I::LocalSet(ok),
            I::LocalSet(rl),
            I::LocalSet(rp),
            I::LocalGet(ok),
            I::If(BlockType::Empty),
            I::LocalGet(np),
            I::LocalGet(nl),
            I::LocalGet(rp),
            I::LocalGet(rl),
            I::Call(within),
            I::LocalGet(rl),
            I::LocalGet(best_len),
            I::I32GtS,
            I::I32And,
            I::If(BlockType::Empty),
            I::LocalGet(entry),
            I::I32Load(mem(0, 2)),
            I::LocalSet(best),
            I::LocalGet(rl),
            I::LocalSet(best_len),
            I::LocalGet(rp),
            I::I32Load8U(mem(0, 0)),
            I::LocalSet(best_root),
            I::End,
            I::End,
        ]);
        code.extend(add_to(i, I::I32Const(1)));
        code.extend([I::Br(0), I::End, I::End, I::LocalGet(best), I::I32Const(-1), I::I32Eq, I::If(BlockType::Empty)]);
        fail(code, NOT_GRANTED);
        // The rest of the path below the preopen (into rp, rl), or `.` for the preopen itself.
        let dot = self.data.intern(".");
        code.extend([
            I::End,
            I::LocalGet(np),
            I::LocalGet(best_len),
            I::I32Add,
            I::I32Const(1),
            I::I32Add,
            I::LocalSet(rp),
            I::LocalGet(nl),
            I::LocalGet(best_len),
            I::I32Sub,
            I::I32Const(1),
            I::I32Sub,
            I::LocalSet(rl),
            // Under `.` the path is relative already; under `/` it loses its slash.
            I::LocalGet(best_len),
            I::I32Const(1),
            I::I32Eq,
            I::If(BlockType::Empty),
            I::LocalGet(best_root),
            I::I32Const(b'.' as i32),
            I::I32Eq,
            I::If(BlockType::Empty),
            I::LocalGet(np),
            I::LocalSet(rp),
            I::LocalGet(nl),
            I::LocalSet(rl),
            I::End,
            I::LocalGet(best_root),
            I::I32Const(b'/' as i32),
            I::I32Eq,
            I::If(BlockType::Empty),
            I::LocalGet(np),
            I::I32Const(1),
            I::I32Add,
            I::LocalSet(rp),
            I::LocalGet(nl),
            I::I32Const(1),
            I::I32Sub,
            I::LocalSet(rl),
            I::End,
            I::End,
            I::LocalGet(nl),
            I::LocalGet(best_len),
            I::I32Eq,
            I::LocalGet(rl),
            I::I32Eqz,
            I::I32Or,
            I::If(BlockType::Empty),
            I::I32Const(dot as i32),
            I::LocalSet(rp),
            I::I32Const(1),
            I::LocalSet(rl),
            I::End,
            I::LocalGet(best),
            I::LocalGet(rp),
            I::LocalGet(rl),
            I::I32Const(OK),
        ]);
        Ok((vec![I32; 4], vec![I32; 4], vec![I32; 10]))
    }

    /// Emits: resolve the path in locals `path` (checked against `allowed`) into (fd, rp, rl); on
    /// failure return `Err(IoError)` of `ty`.
    #[allow(clippy::too_many_arguments)]
    fn fs_open_path(
        &mut self,
        frame: &mut Frame,
        ty: &Type,
        path: (u32, u32),
        allowed: (u32, u32),
        code: &mut Vec<I<'static>>,
    ) -> Result<(u32, u32, u32), String> {
        let resolve = self.helper(Helper::Fs(FsHelper::Resolve))?;
        let (fd, rp, rl, err) = (
            frame.scratch(ValType::I32),
            frame.scratch(ValType::I32),
            frame.scratch(ValType::I32),
            frame.scratch(ValType::I32),
        );
        code.extend([I::LocalGet(path.0), I::LocalGet(path.1), I::LocalGet(allowed.0), I::LocalGet(allowed.1)]);
        code.extend([I::Call(resolve), I::LocalSet(err), I::LocalSet(rl), I::LocalSet(rp), I::LocalSet(fd)]);
        self.fs_fail_if(frame, ty, err, path, code)?;
        Ok((fd, rp, rl))
    }

    /// Emits: when the error number in local `err` is not OK, return `Err(IoError)` of `ty` (or
    /// false, for `Bool`).
    fn fs_fail_if(
        &mut self,
        frame: &mut Frame,
        ty: &Type,
        err: u32,
        path: (u32, u32),
        code: &mut Vec<I<'static>>,
    ) -> Result<(), String> {
        code.extend([I::LocalGet(err), I::I32Const(OK), I::I32Ne, I::If(BlockType::Empty)]);
        if *ty == Type::Bool {
            code.extend([I::I32Const(0), I::Return, I::End]);
            return Ok(());
        }
        let error = self.helper(Helper::Fs(FsHelper::Error))?;
        code.extend([I::LocalGet(err), I::LocalGet(path.0), I::LocalGet(path.1), I::Call(error)]);
        emit_data(self, frame, ComputeOp::Variant(ty.clone(), 1), &[], code)?;
        code.extend([I::Return, I::End]);
        Ok(())
    }

    /// Emits: the error number of a `result<_, error-code>` in the return area (OK when none),
    /// into a fresh local; `at` is the error's offset.
    fn fs_result_error(&mut self, frame: &mut Frame, at: u64, code: &mut Vec<I<'static>>) -> u32 {
        let (g, area) = self.ret_area();
        let err = frame.scratch(ValType::I32);
        code.extend([
            I::GlobalGet(g),
            I::I32Load8U(mem(u64::from(area) + at, 0)),
            I::I32Const(OK),
            I::GlobalGet(g),
            I::I32Load8U(mem(u64::from(area), 0)),
            I::Select,
            I::LocalSet(err),
        ]);
        err
    }

    /// Emits: open `rel` under `fd` with the given flags; the new descriptor (or the error) in locals.
    fn fs_open_at(
        &mut self,
        frame: &mut Frame,
        (fd, rp, rl): (u32, u32, u32),
        open_flags: i32,
        flags: i32,
        code: &mut Vec<I<'static>>,
    ) -> Result<(u32, u32), String> {
        let open = self.import(&OPEN_AT)?;
        let (g, area) = self.ret_area();
        code.extend([I::LocalGet(fd), I::I32Const(FOLLOW), I::LocalGet(rp), I::LocalGet(rl)]);
        code.extend([I::I32Const(open_flags), I::I32Const(flags), I::GlobalGet(g), I::Call(open)]);
        let err = self.fs_result_error(frame, 4, code);
        let file = frame.scratch(ValType::I32);
        code.extend([I::GlobalGet(g), I::I32Load(mem(u64::from(area) + 4, 2)), I::LocalSet(file)]);
        Ok((file, err))
    }

    /// Emits: `Ok` of `ty` from the payload on the stack, returned.
    fn fs_ok(&mut self, frame: &mut Frame, ty: &Type, code: &mut Vec<I<'static>>) -> Result<(), String> {
        emit_data(self, frame, ComputeOp::Variant(ty.clone(), 0), &[], code)?;
        code.push(I::Return);
        Ok(())
    }

    fn fs_op(&mut self, op: FsOp, code: &mut Vec<I<'static>>) -> Result<HelperSig, String> {
        use ValType::I32;
        let ty = self.fs_returns.get(&op).cloned().ok_or("fs operation without a type")?;
        if let Type::Result(_, err) = &ty {
            self.io_error = Some((**err).clone());
        }
        let (g, area) = self.ret_area();
        let params: Vec<ValType> = match op {
            FsOp::WriteFile | FsOp::WriteBytes | FsOp::Copy | FsOp::Rename => vec![I32; 6],
            FsOp::Mkdir => vec![I32; 5],
            _ => vec![I32; 4],
        };
        let n = params.len() as u32;
        let allowed = (n - 2, n - 1);
        let path = (0, 1);
        let mut frame = Frame { base: vec![], reps: vec![], decls: vec![], next: n };
        let f = &mut frame;
        let drop_fd = |c: &mut Vec<I<'static>>, b: &Builder, local: u32| -> Result<(), String> {
            c.extend([I::LocalGet(local), I::Call(b.import(&DROP_DESCRIPTOR)?)]);
            Ok(())
        };
        match op {
            FsOp::ReadFile => {
                let read_all = self.helper(Helper::Fs(FsHelper::ReadAll))?;
                let utf8 = self.helper(Helper::Fs(FsHelper::Utf8))?;
                let dir = self.fs_open_path(f, &ty, path, allowed, code)?;
                let (file, err) = self.fs_open_at(f, dir, 0, READ_FLAG, code)?;
                self.fs_fail_if(f, &ty, err, path, code)?;
                let (p, l) = (f.scratch(I32), f.scratch(I32));
                code.extend([I::LocalGet(file), I::Call(read_all), I::LocalSet(err), I::LocalSet(l), I::LocalSet(p)]);
                drop_fd(code, self, file)?;
                self.fs_fail_if(f, &ty, err, path, code)?;
                code.extend([I::I32Const(OK), I::I32Const(NOT_UTF8), I::LocalGet(p), I::LocalGet(l)]);
                code.extend([I::Call(utf8), I::Select, I::LocalSet(err)]);
                self.fs_fail_if(f, &ty, err, path, code)?;
                code.extend([I::LocalGet(p), I::LocalGet(l)]);
                self.fs_ok(f, &ty, code)?;
            }
            // Text and bytes are written alike: (pointer, length).
            FsOp::WriteFile | FsOp::WriteBytes => {
                let write_all = self.helper(Helper::Fs(FsHelper::WriteAll))?;
                let dir = self.fs_open_path(f, &ty, path, allowed, code)?;
                let (file, err) = self.fs_open_at(f, dir, CREATE | TRUNCATE, WRITE_FLAG, code)?;
                self.fs_fail_if(f, &ty, err, path, code)?;
                code.extend([I::LocalGet(file), I::LocalGet(2), I::LocalGet(3), I::Call(write_all), I::LocalSet(err)]);
                drop_fd(code, self, file)?;
                self.fs_fail_if(f, &ty, err, path, code)?;
                self.fs_ok(f, &ty, code)?;
            }
            FsOp::Copy => {
                let (read_all, write_all) =
                    (self.helper(Helper::Fs(FsHelper::ReadAll))?, self.helper(Helper::Fs(FsHelper::WriteAll))?);
                let dest = (2, 3);
                let src_dir = self.fs_open_path(f, &ty, path, allowed, code)?;
                let (file, err) = self.fs_open_at(f, src_dir, 0, READ_FLAG, code)?;
                self.fs_fail_if(f, &ty, err, path, code)?;
                let (p, l) = (f.scratch(I32), f.scratch(I32));
                code.extend([I::LocalGet(file), I::Call(read_all), I::LocalSet(err), I::LocalSet(l), I::LocalSet(p)]);
                drop_fd(code, self, file)?;
                self.fs_fail_if(f, &ty, err, path, code)?;
                let dest_dir = self.fs_open_path(f, &ty, dest, allowed, code)?;
                let (out, err) = self.fs_open_at(f, dest_dir, CREATE | TRUNCATE, WRITE_FLAG, code)?;
                self.fs_fail_if(f, &ty, err, dest, code)?;
                code.extend([I::LocalGet(out), I::LocalGet(p), I::LocalGet(l), I::Call(write_all), I::LocalSet(err)]);
                drop_fd(code, self, out)?;
                self.fs_fail_if(f, &ty, err, dest, code)?;
                self.fs_ok(f, &ty, code)?;
            }
            FsOp::Exists | FsOp::Stat | FsOp::Remove => {
                let stat_at = self.import(&STAT_AT)?;
                let (fd, rp, rl) = self.fs_open_path(f, &ty, path, allowed, code)?;
                // `remove` looks at a symbolic link itself, not at what it points to.
                let follow = if op == FsOp::Remove { 0 } else { FOLLOW };
                code.extend([I::LocalGet(fd), I::I32Const(follow), I::LocalGet(rp), I::LocalGet(rl)]);
                code.extend([I::GlobalGet(g), I::Call(stat_at)]);
                if op == FsOp::Exists {
                    code.extend([I::GlobalGet(g), I::I32Load8U(mem(u64::from(area), 0)), I::I32Eqz, I::Return]);
                } else {
                    let err = self.fs_result_error(f, 8, code);
                    self.fs_fail_if(f, &ty, err, path, code)?;
                    let kind = f.scratch(I32);
                    code.extend([I::GlobalGet(g), I::I32Load8U(mem(u64::from(area) + 8, 0)), I::LocalSet(kind)]);
                    if op == FsOp::Stat {
                        let Type::Result(stat, _) = &ty else { return Err("fs.stat's type".into()) };
                        code.extend([I::GlobalGet(g), I::I64Load(mem(u64::from(area) + 24, 3))]);
                        code.extend([I::LocalGet(kind), I::I32Const(TYPE_FILE), I::I32Eq]);
                        code.extend([I::LocalGet(kind), I::I32Const(TYPE_DIRECTORY), I::I32Eq]);
                        if self.abi().struct_offsets(stat).len() == 4 {
                            // `modified`: the descriptor-stat's data-modification-timestamp, an
                            // option<datetime> at +56 (tag), +64 (seconds), +72 (nanoseconds).
                            let opt = Type::Optional(Box::new(Type::DateTime));
                            let at = u64::from(area);
                            code.extend([
                                I::GlobalGet(g),
                                I::I32Load8U(mem(at + 56, 0)),
                                I::If(BlockType::Result(I32)),
                            ]);
                            code.extend([I::GlobalGet(g), I::I64Load(mem(at + 64, 3)), I::I64Const(1000), I::I64Mul]);
                            code.extend([I::GlobalGet(g), I::I64Load32U(mem(at + 72, 2)), I::I64Const(1_000_000)]);
                            code.extend([I::I64DivU, I::I64Add]);
                            emit_data(self, f, ComputeOp::Variant(opt.clone(), 1), &[], code)?;
                            code.push(I::Else);
                            emit_data(self, f, ComputeOp::Variant(opt, 0), &[], code)?;
                            code.push(I::End);
                        }
                        emit_data(self, f, ComputeOp::Record((**stat).clone()), &[], code)?;
                        self.fs_ok(f, &ty, code)?;
                    } else {
                        let (rmdir, unlink) = (self.import(&RMDIR_AT)?, self.import(&UNLINK_AT)?);
                        let args = [I::LocalGet(fd), I::LocalGet(rp), I::LocalGet(rl), I::GlobalGet(g)];
                        code.extend([
                            I::LocalGet(kind),
                            I::I32Const(TYPE_DIRECTORY),
                            I::I32Eq,
                            I::If(BlockType::Empty),
                        ]);
                        code.extend(args.clone());
                        code.extend([I::Call(rmdir), I::Else]);
                        code.extend(args);
                        code.extend([I::Call(unlink), I::End]);
                        let err = self.fs_result_error(f, 1, code);
                        self.fs_fail_if(f, &ty, err, path, code)?;
                        self.fs_ok(f, &ty, code)?;
                    }
                }
            }
            FsOp::Mkdir => {
                let mkdir = self.import(&MKDIR_AT)?;
                let recursive = 2;
                let (fd, rp, rl) = self.fs_open_path(f, &ty, path, allowed, code)?;
                // Recursive: each prefix that ends before a `/`, then the whole path; existing
                // directories are fine. Otherwise just the whole path.
                let (j, err) = (f.scratch(I32), f.scratch(I32));
                let create = |c: &mut Vec<I<'static>>, len: I<'static>| {
                    c.extend([I::LocalGet(fd), I::LocalGet(rp), len, I::GlobalGet(g), I::Call(mkdir)]);
                };
                code.extend([
                    I::LocalGet(recursive),
                    I::If(BlockType::Empty),
                    I::Block(BlockType::Empty),
                    I::Loop(BlockType::Empty),
                    I::LocalGet(j),
                    I::LocalGet(rl),
                    I::I32GeU,
                    I::BrIf(1),
                ]);
                code.extend(load_byte(rp, j));
                code.extend([I::I32Const(b'/' as i32), I::I32Eq, I::If(BlockType::Empty)]);
                create(code, I::LocalGet(j));
                let e = self.fs_result_error(f, 1, code);
                code.extend([I::LocalGet(e), I::LocalSet(err)]);
                code.extend([I::LocalGet(err), I::I32Const(EXISTS), I::I32Ne, I::LocalGet(err), I::I32Const(OK)]);
                code.extend([I::I32Ne, I::I32And, I::If(BlockType::Empty)]);
                let error = self.helper(Helper::Fs(FsHelper::Error))?;
                code.extend([I::LocalGet(err), I::LocalGet(path.0), I::LocalGet(path.1), I::Call(error)]);
                emit_data(self, f, ComputeOp::Variant(ty.clone(), 1), &[], code)?;
                code.extend([I::Return, I::End, I::End]);
                code.extend(add_to(j, I::I32Const(1)));
                code.extend([I::Br(0), I::End, I::End, I::End]);
                create(code, I::LocalGet(rl));
                let e = self.fs_result_error(f, 1, code);
                // Recursive: the directory may exist already.
                code.extend([
                    I::I32Const(OK),
                    I::LocalGet(e),
                    I::LocalGet(e),
                    I::I32Const(EXISTS),
                    I::I32Eq,
                    I::LocalGet(recursive),
                    I::I32And,
                    I::Select,
                    I::LocalSet(err),
                ]);
                self.fs_fail_if(f, &ty, err, path, code)?;
                self.fs_ok(f, &ty, code)?;
            }
            FsOp::Rename => {
                let rename = self.import(&RENAME_AT)?;
                let dest = (2, 3);
                let (fd, rp, rl) = self.fs_open_path(f, &ty, path, allowed, code)?;
                let (fd2, rp2, rl2) = self.fs_open_path(f, &ty, dest, allowed, code)?;
                code.extend([I::LocalGet(fd), I::LocalGet(rp), I::LocalGet(rl)]);
                code.extend([I::LocalGet(fd2), I::LocalGet(rp2), I::LocalGet(rl2), I::GlobalGet(g), I::Call(rename)]);
                let err = self.fs_result_error(f, 1, code);
                self.fs_fail_if(f, &ty, err, path, code)?;
                self.fs_ok(f, &ty, code)?;
            }
            FsOp::ReadDir => self.fs_read_dir(f, &ty, code)?,
        }
        code.push(I::Unreachable);
        Ok((params, vec![I32], frame.decls))
    }

    /// `fs.read_dir`: the entries as `DirEntry` records, in the order the host gives them.
    fn fs_read_dir(&mut self, f: &mut Frame, ty: &Type, code: &mut Vec<I<'static>>) -> Result<(), String> {
        use ValType::I32;
        let (read_dir, read_entry, drop_stream, drop_fd) = (
            self.import(&READ_DIR)?,
            self.import(&READ_DIR_ENTRY)?,
            self.import(&DROP_DIR_STREAM)?,
            self.import(&DROP_DESCRIPTOR)?,
        );
        let alloc = self.helper(Helper::Alloc)?;
        let Type::Result(list, _) = ty else { return Err("fs.read_dir's type".into()) };
        let Type::List(entry) = &**list else { return Err("fs.read_dir's type".into()) };
        let (size, align) = self.abi().size_align(entry);
        let fields = self.abi().struct_offsets(entry);
        let (g, area) = self.ret_area();
        let at = move |o: u64| mem(u64::from(area) + o, 2);
        let (path, allowed) = ((0, 1), (2, 3));
        let dir = self.fs_open_path(f, ty, path, allowed, code)?;
        let (file, err) = self.fs_open_at(f, dir, DIRECTORY, READ_FLAG, code)?;
        self.fs_fail_if(f, ty, err, path, code)?;
        code.extend([I::LocalGet(file), I::GlobalGet(g), I::Call(read_dir)]);
        let err = self.fs_result_error(f, 4, code);
        code.extend([I::LocalGet(err), I::I32Const(OK), I::I32Ne, I::If(BlockType::Empty), I::LocalGet(file)]);
        code.extend([I::Call(drop_fd), I::End]);
        self.fs_fail_if(f, ty, err, path, code)?;
        let (stream, buf, count, cap, next) =
            (f.scratch(I32), f.scratch(I32), f.scratch(I32), f.scratch(I32), f.scratch(I32));
        code.extend([I::GlobalGet(g), I::I32Load(at(4)), I::LocalSet(stream)]);
        code.extend([I::Block(BlockType::Empty), I::Loop(BlockType::Empty), I::LocalGet(stream), I::GlobalGet(g)]);
        code.extend([I::Call(read_entry)]);
        let e = self.fs_result_error(f, 4, code);
        code.extend([I::LocalGet(e), I::LocalSet(err), I::LocalGet(err), I::I32Const(OK), I::I32Ne, I::BrIf(1)]);
        // `none`: the end.
        code.extend([I::GlobalGet(g), I::I32Load8U(mem(u64::from(area) + 4, 0)), I::I32Eqz, I::BrIf(1)]);
        // Room for one more: double the buffer when full.
        let growing = Growing { buf, n: count, cap, stride: size, align };
        emit_room_for_one(alloc, &growing, 8, next, code);
        code.extend([
            // The entry's address.
            I::LocalGet(buf),
            I::LocalGet(count),
            I::I32Const(size as i32),
            I::I32Mul,
            I::I32Add,
            I::LocalSet(next),
        ]);
        for (name, (_, offset)) in ["name", "is_file", "is_directory"].iter().zip(&fields) {
            let o = u64::from(*offset);
            code.push(I::LocalGet(next));
            match *name {
                "name" => code.extend([
                    I::GlobalGet(g),
                    I::I32Load(at(12)),
                    I::I32Store(mem(o, 2)),
                    I::LocalGet(next),
                    I::GlobalGet(g),
                    I::I32Load(at(16)),
                    I::I32Store(mem(o + 4, 2)),
                ]),
                kind => code.extend([
                    I::GlobalGet(g),
                    I::I32Load8U(mem(u64::from(area) + 8, 0)),
                    I::I32Const(if kind == "is_file" { TYPE_FILE } else { TYPE_DIRECTORY }),
                    I::I32Eq,
                    I::I32Store8(mem(o, 0)),
                ]),
            }
        }
        code.extend(add_to(count, I::I32Const(1)));
        code.extend([I::Br(0), I::End, I::End]);
        code.extend([I::LocalGet(stream), I::Call(drop_stream), I::LocalGet(file), I::Call(drop_fd)]);
        self.fs_fail_if(f, ty, err, path, code)?;
        code.extend([I::LocalGet(buf), I::LocalGet(count)]);
        self.fs_ok(f, ty, code)
    }
}
