//! `url.*` inside the component: the WHATWG URL standard's parsing for ordinary URLs (the
//! results of JavaScript's `new URL` for them, which the tests compare against). Special schemes
//! (http, https, ws, wss, ftp, file) get a lower-case host, their default port left out, `.` and
//! `..` segments applied and `\` read as `/`; every URL gets the standard's percent-encoding of
//! its path, query and fragment. LANGUAGE-DECISIONS 30 fixes the fields: `protocol` keeps its
//! `:`, `host` has no port, `search` keeps `?`, `hash` keeps `#`.

use super::body::Frame;
use super::helpers::{HelperSig, add_to, load_byte};
use super::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) enum UrlOp {
    /// (p, l) -> `Url | UrlError`.
    Parse,
    /// (url) -> (p, l).
    Format,
    /// (base p, l, relative p, l) -> (p, l).
    Resolve,
    /// (p, l, set) -> (p, l): bytes percent-encoded when outside the set's allowed ones.
    Encode,
    /// (p, l) -> (p, l): a special URL's path with its dot segments applied.
    Path,
    /// (scheme p, l) -> (default port or -1, special).
    Scheme,
}

impl UrlOp {
    pub(super) fn name(self) -> &'static str {
        match self {
            UrlOp::Parse => "url_parse",
            UrlOp::Format => "url_format",
            UrlOp::Resolve => "url_resolve",
            UrlOp::Encode => "url_encode",
            UrlOp::Path => "url_path",
            UrlOp::Scheme => "url_scheme",
        }
    }
}

/// Percent-encode sets (WHATWG): what each encodes besides C0 controls and non-ASCII (the C0
/// control set, 0, encodes just those: an opaque path's).
pub(super) const C0_SET: i32 = 0;
pub(super) const FRAGMENT_SET: i32 = 1;
pub(super) const QUERY_SET: i32 = 2;
pub(super) const SPECIAL_QUERY_SET: i32 = 3;
pub(super) const PATH_SET: i32 = 4;
const SETS: [(i32, &[u8]); 4] =
    [(FRAGMENT_SET, b" \"<>`"), (QUERY_SET, b" \"#<>"), (SPECIAL_QUERY_SET, b" \"#<>'"), (PATH_SET, b" \"#<>?`{}")];

/// Special schemes and their default ports (-1: none).
const SPECIAL: [(&str, i32); 6] = [("http", 80), ("https", 443), ("ws", 80), ("wss", 443), ("ftp", 21), ("file", -1)];

impl Builder<'_> {
    pub(super) fn url_types(&self) -> Result<(Type, Type), String> {
        self.url_types.clone().ok_or_else(|| "url without its types".to_string())
    }

    pub(super) fn url_helper(&mut self, op: UrlOp, code: &mut Vec<I<'static>>) -> Result<HelperSig, String> {
        use ValType::I32;
        let mut f = Frame { base: vec![], reps: vec![], decls: vec![], next: 0 };
        let sig: (Vec<ValType>, Vec<ValType>) = match op {
            UrlOp::Scheme => {
                let eq = self.helper(Helper::StrEq)?;
                for (name, port) in SPECIAL {
                    let at = self.data.intern(name);
                    code.extend([
                        I::LocalGet(0),
                        I::LocalGet(1),
                        I::I32Const(at as i32),
                        I::I32Const(name.len() as i32),
                    ]);
                    code.extend([
                        I::Call(eq),
                        I::If(BlockType::Empty),
                        I::I32Const(port),
                        I::I32Const(1),
                        I::Return,
                        I::End,
                    ]);
                }
                code.extend([I::I32Const(-1), I::I32Const(0)]);
                (vec![I32; 2], vec![I32; 2])
            }
            UrlOp::Encode => {
                let alloc = self.helper(Helper::Alloc)?;
                let hex = self.data.intern("0123456789ABCDEF");
                let (p, l, set) = (0, 1, 2);
                f.next = 3;
                let (i, b, out, n, enc) =
                    (f.scratch(I32), f.scratch(I32), f.scratch(I32), f.scratch(I32), f.scratch(I32));
                // enc = whether byte b is encoded in `set`.
                let needs = |c: &mut Vec<I<'static>>| {
                    c.extend([
                        I::LocalGet(b),
                        I::I32Const(0x20),
                        I::I32LtU,
                        I::LocalGet(b),
                        I::I32Const(0x7E),
                        I::I32GtU,
                        I::I32Or,
                        I::LocalSet(enc),
                    ]);
                    for (id, chars) in SETS {
                        for ch in chars {
                            c.extend([
                                I::LocalGet(enc),
                                I::LocalGet(set),
                                I::I32Const(id),
                                I::I32Eq,
                                I::LocalGet(b),
                                I::I32Const(*ch as i32),
                                I::I32Eq,
                                I::I32And,
                                I::I32Or,
                                I::LocalSet(enc),
                            ]);
                        }
                    }
                };
                // First: is anything encoded? If not, the input is the result.
                code.extend([I::Block(BlockType::Empty), I::Loop(BlockType::Empty), I::LocalGet(i), I::LocalGet(l)]);
                code.extend([I::I32GeU, I::If(BlockType::Empty), I::LocalGet(p), I::LocalGet(l), I::Return, I::End]);
                code.extend(load_byte(p, i));
                code.push(I::LocalSet(b));
                needs(code);
                code.extend([I::LocalGet(enc), I::BrIf(1)]);
                code.extend(add_to(i, I::I32Const(1)));
                code.extend([I::Br(0), I::End, I::End]);
                code.extend([
                    I::LocalGet(l),
                    I::I32Const(3),
                    I::I32Mul,
                    I::I32Const(1),
                    I::Call(alloc),
                    I::LocalTee(out),
                    I::LocalGet(p),
                    I::LocalGet(i),
                    I::MemoryCopy { src_mem: 0, dst_mem: 0 },
                    I::LocalGet(i),
                    I::LocalSet(n),
                    I::Block(BlockType::Empty),
                    I::Loop(BlockType::Empty),
                    I::LocalGet(i),
                    I::LocalGet(l),
                    I::I32GeU,
                    I::BrIf(1),
                ]);
                code.extend(load_byte(p, i));
                code.push(I::LocalSet(b));
                needs(code);
                code.extend([
                    I::LocalGet(enc),
                    I::If(BlockType::Empty),
                    I::LocalGet(out),
                    I::LocalGet(n),
                    I::I32Add,
                    I::I32Const(b'%' as i32),
                    I::I32Store8(mem(0, 0)),
                    I::LocalGet(out),
                    I::LocalGet(n),
                    I::I32Add,
                    I::LocalGet(b),
                    I::I32Const(4),
                    I::I32ShrU,
                    I::I32Load8U(mem(u64::from(hex), 0)),
                    I::I32Store8(mem(1, 0)),
                    I::LocalGet(out),
                    I::LocalGet(n),
                    I::I32Add,
                    I::LocalGet(b),
                    I::I32Const(15),
                    I::I32And,
                    I::I32Load8U(mem(u64::from(hex), 0)),
                    I::I32Store8(mem(2, 0)),
                ]);
                code.extend(add_to(n, I::I32Const(3)));
                code.extend([
                    I::Else,
                    I::LocalGet(out),
                    I::LocalGet(n),
                    I::I32Add,
                    I::LocalGet(b),
                    I::I32Store8(mem(0, 0)),
                ]);
                code.extend(add_to(n, I::I32Const(1)));
                code.push(I::End);
                code.extend(add_to(i, I::I32Const(1)));
                code.extend([I::Br(0), I::End, I::End, I::LocalGet(out), I::LocalGet(n)]);
                (vec![I32; 3], vec![I32; 2])
            }
            UrlOp::Path => {
                // Segments after each '/': `..` drops the last one kept, `.` nothing; either as the
                // last segment leaves a trailing '/'. An empty result is "/".
                let alloc = self.helper(Helper::Alloc)?;
                let (p, l) = (0, 1);
                f.next = 2;
                let (out, n, i, start, len, trailing) =
                    (f.scratch(I32), f.scratch(I32), f.scratch(I32), f.scratch(I32), f.scratch(I32), f.scratch(I32));
                // The segment is `dots` dots (reading only inside it).
                let seg_is = |c: &mut Vec<I<'static>>, dots: i32| {
                    c.extend([
                        I::LocalGet(len),
                        I::I32Const(dots),
                        I::I32Eq,
                        I::If(BlockType::Result(I32)),
                        I::I32Const(1),
                    ]);
                    for k in 0..dots {
                        c.extend([
                            I::LocalGet(p),
                            I::LocalGet(start),
                            I::I32Add,
                            I::I32Load8U(mem(k as u64, 0)),
                            I::I32Const(b'.' as i32),
                            I::I32Eq,
                            I::I32And,
                        ]);
                    }
                    c.extend([I::Else, I::I32Const(0), I::End]);
                };
                code.extend([
                    I::LocalGet(l),
                    I::I32Const(1),
                    I::I32Add,
                    I::I32Const(1),
                    I::Call(alloc),
                    I::LocalSet(out),
                    // Skip the leading '/'.
                    I::LocalGet(l),
                    I::I32Const(0),
                    I::I32GtU,
                    I::LocalSet(i),
                    I::Block(BlockType::Empty),
                    I::Loop(BlockType::Empty),
                    I::LocalGet(i),
                    I::LocalGet(l),
                    I::I32GtU,
                    I::BrIf(1),
                    I::LocalGet(i),
                    I::LocalSet(start),
                    I::Block(BlockType::Empty),
                    I::Loop(BlockType::Empty),
                    I::LocalGet(i),
                    I::LocalGet(l),
                    I::I32GeU,
                    I::BrIf(1),
                ]);
                code.extend(load_byte(p, i));
                code.extend([I::I32Const(b'/' as i32), I::I32Eq, I::BrIf(1)]);
                code.extend(add_to(i, I::I32Const(1)));
                code.extend([
                    I::Br(0),
                    I::End,
                    I::End,
                    I::LocalGet(i),
                    I::LocalGet(start),
                    I::I32Sub,
                    I::LocalSet(len),
                    I::I32Const(0),
                    I::LocalSet(trailing),
                ]);
                seg_is(code, 2);
                code.extend([
                    I::If(BlockType::Empty),
                    // Drop the last kept segment.
                    I::Block(BlockType::Empty),
                    I::Loop(BlockType::Empty),
                    I::LocalGet(n),
                    I::I32Eqz,
                    I::BrIf(1),
                    I::LocalGet(n),
                    I::I32Const(1),
                    I::I32Sub,
                    I::LocalSet(n),
                    I::LocalGet(out),
                    I::LocalGet(n),
                    I::I32Add,
                    I::I32Load8U(mem(0, 0)),
                    I::I32Const(b'/' as i32),
                    I::I32Eq,
                    I::BrIf(1),
                    I::Br(0),
                    I::End,
                    I::End,
                    I::I32Const(1),
                    I::LocalSet(trailing),
                    I::Else,
                ]);
                seg_is(code, 1);
                code.extend([
                    I::If(BlockType::Empty),
                    I::I32Const(1),
                    I::LocalSet(trailing),
                    I::Else,
                    I::LocalGet(out),
                    I::LocalGet(n),
                    I::I32Add,
                    I::I32Const(b'/' as i32),
                    I::I32Store8(mem(0, 0)),
                    I::LocalGet(out),
                    I::LocalGet(n),
                    I::I32Add,
                    I::I32Const(1),
                    I::I32Add,
                    I::LocalGet(p),
                    I::LocalGet(start),
                    I::I32Add,
                    I::LocalGet(len),
                    I::MemoryCopy { src_mem: 0, dst_mem: 0 },
                    I::LocalGet(n),
                    I::LocalGet(len),
                    I::I32Add,
                    I::I32Const(1),
                    I::I32Add,
                    I::LocalSet(n),
                    I::End,
                    I::End,
                    // A dot segment at the end leaves the directory's '/'.
                    I::LocalGet(trailing),
                    I::LocalGet(i),
                    I::LocalGet(l),
                    I::I32GeU,
                    I::I32And,
                    I::If(BlockType::Empty),
                    I::LocalGet(out),
                    I::LocalGet(n),
                    I::I32Add,
                    I::I32Const(b'/' as i32),
                    I::I32Store8(mem(0, 0)),
                ]);
                code.extend(add_to(n, I::I32Const(1)));
                code.push(I::End);
                code.extend(add_to(i, I::I32Const(1)));
                code.extend([
                    I::Br(0),
                    I::End,
                    I::End,
                    I::LocalGet(n),
                    I::I32Eqz,
                    I::If(BlockType::Empty),
                    I::LocalGet(out),
                    I::I32Const(b'/' as i32),
                    I::I32Store8(mem(0, 0)),
                    I::I32Const(1),
                    I::LocalSet(n),
                    I::End,
                    I::LocalGet(out),
                    I::LocalGet(n),
                ]);
                (vec![I32; 2], vec![I32; 2])
            }
            UrlOp::Parse => return self.url_parse(&mut f, code),
            UrlOp::Format => return self.url_format(&mut f, code),
            UrlOp::Resolve => return self.url_resolve(&mut f, code),
        };
        Ok((sig.0, sig.1, f.decls))
    }
}
