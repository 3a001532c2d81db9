//! `path.*`: POSIX path manipulation inside the component, with the exact results of Node's
//! `path.posix` (join, normalize, dirname, basename, extname), which the tests compare against.
//! Paths are bytes here: `/` and `.` are ASCII, so UTF-8 names pass through untouched.

use super::helpers::{HelperSig, add_to, load_byte};
use super::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) enum PathOp {
    /// (p, l, allow above root) -> (p, l): Node's `normalizeString`.
    NormalizeString,
    /// (p, l) -> (p, l): `path.normalize`.
    Normalize,
    /// (a, b) -> (p, l): `path.join(a, b)`.
    Join,
    Dirname,
    Basename,
    Extname,
    /// (p, l) -> (p, l): `path.resolve(p)` against the initial working directory (or `/`).
    Resolve,
}

impl PathOp {
    pub(super) fn name(self) -> &'static str {
        match self {
            PathOp::NormalizeString => "path_normalize_string",
            PathOp::Normalize => "path_normalize",
            PathOp::Join => "path_join",
            PathOp::Dirname => "path_dirname",
            PathOp::Basename => "path_basename",
            PathOp::Extname => "path_extname",
            PathOp::Resolve => "path_resolve",
        }
    }
}

const SLASH: i32 = b'/' as i32;

/// Emits: set `i` to `l`, then open a loop (a block and a loop, closed by the caller with `Br(0),
/// End, End`) whose body sees `i` stepped down by one, leaving when `i` falls below `min`.
fn backward_from_end(code: &mut Vec<I<'static>>, i: u32, l: u32, min: i32) {
    code.extend([
        I::LocalGet(l),
        I::LocalSet(i),
        I::Block(BlockType::Empty),
        I::Loop(BlockType::Empty),
        I::LocalGet(i),
        I::I32Const(1),
        I::I32Sub,
        I::LocalTee(i),
        I::I32Const(min),
        I::I32LtS,
        I::BrIf(1),
    ]);
}
const DOT: i32 = b'.' as i32;

impl Builder<'_> {
    pub(super) fn path_helper(&mut self, op: PathOp, code: &mut Vec<I<'static>>) -> Result<HelperSig, String> {
        use ValType::I32;
        Ok(match op {
            PathOp::NormalizeString => {
                let alloc = self.helper(Helper::Alloc)?;
                let (p, l, above) = (0, 1, 2);
                let (res, n, seg_len, last_slash, dots, i, ch, j) = (3, 4, 5, 6, 7, 8, 9, 10);
                // res[n - k]
                let res_at = |k: i32| [I::LocalGet(res), I::LocalGet(n), I::I32Add, I::I32Const(k), I::I32Sub];
                // n = index of the last '/' in res (or -1): into j.
                let last_index_of_slash = |c: &mut Vec<I<'static>>| {
                    c.extend([
                        I::LocalGet(n),
                        I::LocalSet(j),
                        I::Block(BlockType::Empty),
                        I::Loop(BlockType::Empty),
                        I::LocalGet(j),
                        I::I32Const(1),
                        I::I32Sub,
                        I::LocalTee(j),
                        I::I32Const(0),
                        I::I32LtS,
                        I::BrIf(1),
                    ]);
                    c.extend(load_byte(res, j));
                    c.extend([I::I32Const(SLASH), I::I32Eq, I::BrIf(1), I::Br(0), I::End, I::End]);
                };
                code.extend([
                    I::LocalGet(l),
                    I::I32Const(2),
                    I::I32Add,
                    I::I32Const(1),
                    I::Call(alloc),
                    I::LocalSet(res),
                    I::I32Const(-1),
                    I::LocalSet(last_slash),
                    I::Block(BlockType::Empty),
                    I::Loop(BlockType::Empty),
                    I::LocalGet(i),
                    I::LocalGet(l),
                    I::I32GtU,
                    I::BrIf(1),
                    // ch = i < l ? p[i] : '/' (never reading past the end)
                    I::LocalGet(i),
                    I::LocalGet(l),
                    I::I32LtU,
                    I::If(BlockType::Result(I32)),
                    I::LocalGet(p),
                    I::LocalGet(i),
                    I::I32Add,
                    I::I32Load8U(mem(0, 0)),
                    I::Else,
                    I::I32Const(SLASH),
                    I::End,
                    I::LocalTee(ch),
                    I::I32Const(SLASH),
                    I::I32Eq,
                    I::If(BlockType::Empty),
                    // A separator: what came since the last one was a segment (or nothing, or `.`).
                    I::Block(BlockType::Empty),
                    I::LocalGet(last_slash),
                    I::LocalGet(i),
                    I::I32Const(1),
                    I::I32Sub,
                    I::I32Eq,
                    I::LocalGet(dots),
                    I::I32Const(1),
                    I::I32Eq,
                    I::I32Or,
                    I::BrIf(0),
                    I::LocalGet(dots),
                    I::I32Const(2),
                    I::I32Eq,
                    I::If(BlockType::Empty),
                    // `..`: drop the last segment unless it is `..` itself.
                    I::LocalGet(n),
                    I::I32Const(2),
                    I::I32LtU,
                    I::LocalGet(seg_len),
                    I::I32Const(2),
                    I::I32Ne,
                    I::I32Or,
                ]);
                code.extend(res_at(1));
                code.extend([I::I32Load8U(mem(0, 0)), I::I32Const(DOT), I::I32Ne, I::I32Or]);
                code.extend(res_at(2));
                code.extend([
                    I::I32Load8U(mem(0, 0)),
                    I::I32Const(DOT),
                    I::I32Ne,
                    I::I32Or,
                    I::If(BlockType::Empty),
                    I::LocalGet(n),
                    I::I32Const(2),
                    I::I32GtU,
                    I::If(BlockType::Empty),
                ]);
                last_index_of_slash(code);
                code.extend([
                    I::LocalGet(j),
                    I::I32Const(0),
                    I::I32LtS,
                    I::If(BlockType::Empty),
                    I::I32Const(0),
                    I::LocalSet(n),
                    I::I32Const(0),
                    I::LocalSet(seg_len),
                    I::Else,
                    I::LocalGet(j),
                    I::LocalSet(n),
                ]);
                // seg_len = n - 1 - lastIndexOf('/')
                last_index_of_slash(code);
                code.extend([
                    I::LocalGet(n),
                    I::I32Const(1),
                    I::I32Sub,
                    I::LocalGet(j),
                    I::I32Sub,
                    I::LocalSet(seg_len),
                    I::End,
                    I::LocalGet(i),
                    I::LocalSet(last_slash),
                    I::I32Const(0),
                    I::LocalSet(dots),
                    I::Br(3),
                    I::End,
                    I::LocalGet(n),
                    I::If(BlockType::Empty),
                    I::I32Const(0),
                    I::LocalSet(n),
                    I::I32Const(0),
                    I::LocalSet(seg_len),
                    I::LocalGet(i),
                    I::LocalSet(last_slash),
                    I::I32Const(0),
                    I::LocalSet(dots),
                    I::Br(3),
                    I::End,
                    I::End,
                    // Relative paths keep a `..` that climbs above their start.
                    I::LocalGet(above),
                    I::If(BlockType::Empty),
                    I::LocalGet(n),
                    I::If(BlockType::Empty),
                ]);
                code.extend(res_at(0));
                code.extend([I::I32Const(SLASH), I::I32Store8(mem(0, 0))]);
                code.extend(add_to(n, I::I32Const(1)));
                code.extend([I::End]);
                for _ in 0..2 {
                    code.extend(res_at(0));
                    code.extend([I::I32Const(DOT), I::I32Store8(mem(0, 0))]);
                    code.extend(add_to(n, I::I32Const(1)));
                }
                code.extend([I::I32Const(2), I::LocalSet(seg_len), I::End, I::Else]);
                // A segment: append it (after a '/' unless first).
                code.extend([I::LocalGet(n), I::If(BlockType::Empty)]);
                code.extend(res_at(0));
                code.extend([I::I32Const(SLASH), I::I32Store8(mem(0, 0))]);
                code.extend(add_to(n, I::I32Const(1)));
                code.extend([I::End]);
                code.extend(res_at(0));
                code.extend([
                    I::LocalGet(p),
                    I::LocalGet(last_slash),
                    I::I32Add,
                    I::I32Const(1),
                    I::I32Add,
                    I::LocalGet(i),
                    I::LocalGet(last_slash),
                    I::I32Sub,
                    I::I32Const(1),
                    I::I32Sub,
                    I::LocalTee(seg_len),
                    I::MemoryCopy { src_mem: 0, dst_mem: 0 },
                    I::LocalGet(n),
                    I::LocalGet(seg_len),
                    I::I32Add,
                    I::LocalSet(n),
                    I::End,
                    I::End,
                    I::LocalGet(i),
                    I::LocalSet(last_slash),
                    I::I32Const(0),
                    I::LocalSet(dots),
                    I::Else,
                    // `.` counts while the segment is only dots; anything else ends the count.
                    I::LocalGet(dots),
                    I::I32Const(1),
                    I::I32Add,
                    I::I32Const(-1),
                    I::LocalGet(ch),
                    I::I32Const(DOT),
                    I::I32Eq,
                    I::LocalGet(dots),
                    I::I32Const(-1),
                    I::I32Ne,
                    I::I32And,
                    I::Select,
                    I::LocalSet(dots),
                    I::End,
                ]);
                code.extend(add_to(i, I::I32Const(1)));
                code.extend([I::Br(0), I::End, I::End, I::LocalGet(res), I::LocalGet(n)]);
                (vec![I32; 3], vec![I32; 2], vec![I32; 8])
            }
            PathOp::Normalize => {
                let norm = self.helper(Helper::Path(PathOp::NormalizeString))?;
                let concat = self.helper(Helper::Concat)?;
                let (p, l, abs, trailing, rp, rl) = (0, 1, 2, 3, 4, 5);
                let (dot, dot_slash, slash) = (self.data.intern("."), self.data.intern("./"), self.data.intern("/"));
                code.extend([
                    I::LocalGet(l),
                    I::I32Eqz,
                    I::If(BlockType::Empty),
                    I::I32Const(dot as i32),
                    I::I32Const(1),
                    I::Return,
                    I::End,
                    I::LocalGet(p),
                    I::I32Load8U(mem(0, 0)),
                    I::I32Const(SLASH),
                    I::I32Eq,
                    I::LocalSet(abs),
                    I::LocalGet(p),
                    I::LocalGet(l),
                    I::I32Add,
                    I::I32Const(1),
                    I::I32Sub,
                    I::I32Load8U(mem(0, 0)),
                    I::I32Const(SLASH),
                    I::I32Eq,
                    I::LocalSet(trailing),
                    I::LocalGet(p),
                    I::LocalGet(l),
                    I::LocalGet(abs),
                    I::I32Eqz,
                    I::Call(norm),
                    I::LocalSet(rl),
                    I::LocalSet(rp),
                    I::LocalGet(rl),
                    I::I32Eqz,
                    I::If(BlockType::Empty),
                    I::LocalGet(abs),
                    I::If(BlockType::Empty),
                    I::I32Const(slash as i32),
                    I::I32Const(1),
                    I::Return,
                    I::End,
                    I::I32Const(dot_slash as i32),
                    I::I32Const(dot as i32),
                    I::LocalGet(trailing),
                    I::Select,
                    I::LocalGet(trailing),
                    I::I32Const(1),
                    I::I32Add,
                    I::Return,
                    I::End,
                    I::LocalGet(trailing),
                    I::If(BlockType::Empty),
                    I::LocalGet(rp),
                    I::LocalGet(rl),
                    I::I32Const(slash as i32),
                    I::I32Const(1),
                    I::I32Const(1),
                    I::Call(concat),
                    I::LocalSet(rl),
                    I::LocalSet(rp),
                    I::End,
                    I::LocalGet(abs),
                    I::If(BlockType::Empty),
                    I::I32Const(slash as i32),
                    I::I32Const(1),
                    I::LocalGet(rp),
                    I::LocalGet(rl),
                    I::I32Const(1),
                    I::Call(concat),
                    I::Return,
                    I::End,
                    I::LocalGet(rp),
                    I::LocalGet(rl),
                ]);
                (vec![I32; 2], vec![I32; 2], vec![I32; 4])
            }
            PathOp::Join => {
                let normalize = self.helper(Helper::Path(PathOp::Normalize))?;
                let concat = self.helper(Helper::Concat)?;
                let slash = self.data.intern("/");
                let (a, al, b, bl) = (0, 1, 2, 3);
                // Empty parts are left out; nothing at all is `.` (normalize of "").
                code.extend([
                    I::LocalGet(al),
                    I::I32Eqz,
                    I::If(BlockType::Empty),
                    I::LocalGet(b),
                    I::LocalGet(bl),
                    I::Call(normalize),
                    I::Return,
                    I::End,
                    I::LocalGet(bl),
                    I::I32Eqz,
                    I::If(BlockType::Empty),
                    I::LocalGet(a),
                    I::LocalGet(al),
                    I::Call(normalize),
                    I::Return,
                    I::End,
                    I::LocalGet(a),
                    I::LocalGet(al),
                    I::I32Const(slash as i32),
                    I::I32Const(1),
                    I::I32Const(1),
                    I::Call(concat),
                    I::LocalGet(b),
                    I::LocalGet(bl),
                    I::I32Const(1),
                    I::Call(concat),
                    I::Call(normalize),
                ]);
                (vec![I32; 4], vec![I32; 2], vec![])
            }
            PathOp::Dirname => {
                let (p, l, end, matched, i) = (0, 1, 2, 3, 4);
                let (dot, slash, two) = (self.data.intern("."), self.data.intern("/"), self.data.intern("//"));
                code.extend([
                    I::LocalGet(l),
                    I::I32Eqz,
                    I::If(BlockType::Empty),
                    I::I32Const(dot as i32),
                    I::I32Const(1),
                    I::Return,
                    I::End,
                    I::I32Const(-1),
                    I::LocalSet(end),
                    I::I32Const(1),
                    I::LocalSet(matched),
                ]);
                backward_from_end(code, i, l, 1);
                code.extend(load_byte(p, i));
                code.extend([
                    I::I32Const(SLASH),
                    I::I32Eq,
                    I::If(BlockType::Empty),
                    I::LocalGet(matched),
                    I::I32Eqz,
                    I::If(BlockType::Empty),
                    I::LocalGet(i),
                    I::LocalSet(end),
                    I::Br(3),
                    I::End,
                    I::Else,
                    I::I32Const(0),
                    I::LocalSet(matched),
                    I::End,
                    I::Br(0),
                    I::End,
                    I::End,
                    I::LocalGet(end),
                    I::I32Const(-1),
                    I::I32Eq,
                    I::If(BlockType::Empty),
                    I::I32Const(slash as i32),
                    I::I32Const(dot as i32),
                    I::LocalGet(p),
                    I::I32Load8U(mem(0, 0)),
                    I::I32Const(SLASH),
                    I::I32Eq,
                    I::Select,
                    I::I32Const(1),
                    I::Return,
                    I::End,
                    I::LocalGet(end),
                    I::I32Const(1),
                    I::I32Eq,
                    I::LocalGet(p),
                    I::I32Load8U(mem(0, 0)),
                    I::I32Const(SLASH),
                    I::I32Eq,
                    I::I32And,
                    I::If(BlockType::Empty),
                    I::I32Const(two as i32),
                    I::I32Const(2),
                    I::Return,
                    I::End,
                    I::LocalGet(p),
                    I::LocalGet(end),
                ]);
                (vec![I32; 2], vec![I32; 2], vec![I32; 3])
            }
            PathOp::Basename => {
                let (p, l, start, end, matched, i) = (0, 1, 2, 3, 4, 5);
                code.extend([I::I32Const(-1), I::LocalSet(end), I::I32Const(1), I::LocalSet(matched)]);
                backward_from_end(code, i, l, 0);
                code.extend(load_byte(p, i));
                code.extend([
                    I::I32Const(SLASH),
                    I::I32Eq,
                    I::If(BlockType::Empty),
                    I::LocalGet(matched),
                    I::I32Eqz,
                    I::If(BlockType::Empty),
                    I::LocalGet(i),
                    I::I32Const(1),
                    I::I32Add,
                    I::LocalSet(start),
                    I::Br(3),
                    I::End,
                    I::Else,
                    I::LocalGet(end),
                    I::I32Const(-1),
                    I::I32Eq,
                    I::If(BlockType::Empty),
                    I::I32Const(0),
                    I::LocalSet(matched),
                    I::LocalGet(i),
                    I::I32Const(1),
                    I::I32Add,
                    I::LocalSet(end),
                    I::End,
                    I::End,
                    I::Br(0),
                    I::End,
                    I::End,
                    I::LocalGet(end),
                    I::I32Const(-1),
                    I::I32Eq,
                    I::If(BlockType::Empty),
                    I::I32Const(0),
                    I::I32Const(0),
                    I::Return,
                    I::End,
                    I::LocalGet(p),
                    I::LocalGet(start),
                    I::I32Add,
                    I::LocalGet(end),
                    I::LocalGet(start),
                    I::I32Sub,
                ]);
                (vec![I32; 2], vec![I32; 2], vec![I32; 4])
            }
            PathOp::Resolve => {
                // Node's posix.resolve with one path: an absolute path as it is, else the working
                // directory, '/', the path; then normalized with no trailing '/'.
                let cwd = self.import(&crate::stdlib::INITIAL_CWD)?;
                let norm = self.helper(Helper::Path(PathOp::NormalizeString))?;
                let concat = self.helper(Helper::Concat)?;
                let (slash, dot) = (self.data.intern("/"), self.data.intern("."));
                let (p, l, tp, tl, abs, cp, cl) = (0, 1, 2, 3, 4, 5, 6);
                code.extend([
                    I::LocalGet(p),
                    I::LocalSet(tp),
                    I::LocalGet(l),
                    I::LocalSet(tl),
                    I::LocalGet(l),
                    I::If(BlockType::Result(I32)),
                    I::LocalGet(p),
                    I::I32Load8U(mem(0, 0)),
                    I::I32Const(SLASH),
                    I::I32Eq,
                    I::Else,
                    I::I32Const(0),
                    I::End,
                    I::I32Eqz,
                    I::If(BlockType::Empty),
                    // initial-cwd: option<string> in the return area (tag, then pointer and length).
                    I::I32Const(RETPTR),
                    I::Call(cwd),
                    I::I32Const(slash as i32),
                    I::LocalSet(cp),
                    I::I32Const(1),
                    I::LocalSet(cl),
                    I::I32Const(RETPTR),
                    I::I32Load8U(mem(0, 0)),
                    I::If(BlockType::Empty),
                    I::I32Const(RETPTR),
                    I::I32Load(mem(4, 2)),
                    I::LocalSet(cp),
                    I::I32Const(RETPTR),
                    I::I32Load(mem(8, 2)),
                    I::LocalSet(cl),
                    I::End,
                    I::LocalGet(cp),
                    I::LocalGet(cl),
                    I::I32Const(slash as i32),
                    I::I32Const(1),
                    I::I32Const(1),
                    I::Call(concat),
                    I::LocalGet(p),
                    I::LocalGet(l),
                    I::I32Const(1),
                    I::Call(concat),
                    I::LocalSet(tl),
                    I::LocalSet(tp),
                    I::End,
                    I::LocalGet(tl),
                    I::If(BlockType::Result(I32)),
                    I::LocalGet(tp),
                    I::I32Load8U(mem(0, 0)),
                    I::I32Const(SLASH),
                    I::I32Eq,
                    I::Else,
                    I::I32Const(0),
                    I::End,
                    I::LocalSet(abs),
                    I::LocalGet(tp),
                    I::LocalGet(tl),
                    I::LocalGet(abs),
                    I::I32Eqz,
                    I::Call(norm),
                    I::LocalSet(tl),
                    I::LocalSet(tp),
                    I::LocalGet(abs),
                    I::If(BlockType::Empty),
                    I::I32Const(slash as i32),
                    I::I32Const(1),
                    I::LocalGet(tp),
                    I::LocalGet(tl),
                    I::I32Const(1),
                    I::Call(concat),
                    I::Return,
                    I::End,
                    I::LocalGet(tl),
                    I::If(BlockType::Empty),
                    I::LocalGet(tp),
                    I::LocalGet(tl),
                    I::Return,
                    I::End,
                    I::I32Const(dot as i32),
                    I::I32Const(1),
                ]);
                (vec![I32; 2], vec![I32; 2], vec![I32; 5])
            }
            PathOp::Extname => {
                let (p, l, start_dot, start_part, end, matched, pre_dot, i, ch) = (0, 1, 2, 3, 4, 5, 6, 7, 8);
                code.extend([
                    I::I32Const(-1),
                    I::LocalSet(start_dot),
                    I::I32Const(-1),
                    I::LocalSet(end),
                    I::I32Const(1),
                    I::LocalSet(matched),
                ]);
                backward_from_end(code, i, l, 0);
                code.extend(load_byte(p, i));
                code.extend([
                    I::LocalTee(ch),
                    I::I32Const(SLASH),
                    I::I32Eq,
                    I::If(BlockType::Empty),
                    I::LocalGet(matched),
                    I::I32Eqz,
                    I::If(BlockType::Empty),
                    I::LocalGet(i),
                    I::I32Const(1),
                    I::I32Add,
                    I::LocalSet(start_part),
                    I::Br(3),
                    I::End,
                    I::Br(1),
                    I::End,
                    I::LocalGet(end),
                    I::I32Const(-1),
                    I::I32Eq,
                    I::If(BlockType::Empty),
                    I::I32Const(0),
                    I::LocalSet(matched),
                    I::LocalGet(i),
                    I::I32Const(1),
                    I::I32Add,
                    I::LocalSet(end),
                    I::End,
                    I::LocalGet(ch),
                    I::I32Const(DOT),
                    I::I32Eq,
                    I::If(BlockType::Empty),
                    I::LocalGet(start_dot),
                    I::I32Const(-1),
                    I::I32Eq,
                    I::If(BlockType::Empty),
                    I::LocalGet(i),
                    I::LocalSet(start_dot),
                    I::Else,
                    I::LocalGet(pre_dot),
                    I::I32Const(1),
                    I::I32Ne,
                    I::If(BlockType::Empty),
                    I::I32Const(1),
                    I::LocalSet(pre_dot),
                    I::End,
                    I::End,
                    I::Else,
                    I::LocalGet(start_dot),
                    I::I32Const(-1),
                    I::I32Ne,
                    I::If(BlockType::Empty),
                    I::I32Const(-1),
                    I::LocalSet(pre_dot),
                    I::End,
                    I::End,
                    I::Br(0),
                    I::End,
                    I::End,
                    // No extension: no dot, nothing, a name that is only dots, or a leading dot.
                    I::LocalGet(start_dot),
                    I::I32Const(-1),
                    I::I32Eq,
                    I::LocalGet(end),
                    I::I32Const(-1),
                    I::I32Eq,
                    I::I32Or,
                    I::LocalGet(pre_dot),
                    I::I32Eqz,
                    I::I32Or,
                    I::LocalGet(pre_dot),
                    I::I32Const(1),
                    I::I32Eq,
                    I::LocalGet(start_dot),
                    I::LocalGet(end),
                    I::I32Const(1),
                    I::I32Sub,
                    I::I32Eq,
                    I::I32And,
                    I::LocalGet(start_dot),
                    I::LocalGet(start_part),
                    I::I32Const(1),
                    I::I32Add,
                    I::I32Eq,
                    I::I32And,
                    I::I32Or,
                    I::If(BlockType::Empty),
                    I::I32Const(0),
                    I::I32Const(0),
                    I::Return,
                    I::End,
                    I::LocalGet(p),
                    I::LocalGet(start_dot),
                    I::I32Add,
                    I::LocalGet(end),
                    I::LocalGet(start_dot),
                    I::I32Sub,
                ]);
                (vec![I32; 2], vec![I32; 2], vec![I32; 7])
            }
        })
    }
}
