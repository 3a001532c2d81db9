//! `url.parse`, `url.format` and `url.resolve` (see url.rs for what they follow).

use super::body::Frame;
use super::compute_data::emit_data;
use super::helpers::{HelperSig, add_to, emit_scan_to, load_byte};
use super::text::TextOp;
use super::url::UrlOp;
use super::*;

/// Emits: whether byte `b` (at index `i`) may be in a scheme that starts at `start`: a letter,
/// or after the first character a digit, `+`, `-` or `.`. Leaves an i32.
fn scheme_char(code: &mut Vec<I<'static>>, b: u32, i: u32, start: u32) {
    code.extend([
        I::LocalGet(b),
        I::I32Const(0x20),
        I::I32Or,
        I::I32Const(b'a' as i32),
        I::I32Sub,
        I::I32Const(26),
        I::I32LtU,
        I::LocalGet(i),
        I::LocalGet(start),
        I::I32GtU,
    ]);
    code.extend([I::LocalGet(b), I::I32Const(b'0' as i32), I::I32Sub, I::I32Const(10), I::I32LtU]);
    for ch in [b'+', b'-', b'.'] {
        code.extend([I::LocalGet(b), I::I32Const(ch as i32), I::I32Eq, I::I32Or]);
    }
    code.extend([I::I32And, I::I32Or]);
}

impl Builder<'_> {
    /// Emits: return `Err(UrlError { message })` of `ty`.
    fn url_fail(&mut self, f: &mut Frame, ty: &Type, message: &str, code: &mut Vec<I<'static>>) -> Result<(), String> {
        let Type::Result(_, err) = ty else { return Err("url.parse's type".into()) };
        let at = self.data.intern(message);
        code.extend([I::I32Const(at as i32), I::I32Const(message.len() as i32)]);
        emit_data(self, f, ComputeOp::Record((**err).clone()), &[], code)?;
        emit_data(self, f, ComputeOp::Variant(ty.clone(), 1), &[], code)?;
        code.push(I::Return);
        Ok(())
    }

    /// (p, l) -> `Url | UrlError`.
    pub(super) fn url_parse(&mut self, f: &mut Frame, code: &mut Vec<I<'static>>) -> Result<HelperSig, String> {
        use ValType::{I32, I64};
        let (url_ty, err_ty) = self.url_types()?;
        let ty = Type::Result(Box::new(url_ty.clone()), Box::new(err_ty));
        let (lower, concat, scheme_of, encode, norm) = (
            self.helper(Helper::Text(TextOp::Lower))?,
            self.helper(Helper::Concat)?,
            self.helper(Helper::Url(UrlOp::Scheme))?,
            self.helper(Helper::Url(UrlOp::Encode))?,
            self.helper(Helper::Url(UrlOp::Path))?,
        );
        let (p, l) = (0, 1);
        f.next = 2;
        let mut i32s = |n: usize| (0..n).map(|_| f.scratch(I32)).collect::<Vec<u32>>();
        let v = i32s(22);
        let (s, e, i, j, k, b, sp, sl) = (v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]);
        let (default_port, special, proto_p, proto_l, host_p, host_l, a, path_p) =
            (v[8], v[9], v[10], v[11], v[12], v[13], v[14], v[15]);
        let (path_l, q, port_opt, search_opt, hash_opt, is_file) = (v[16], v[17], v[18], v[19], v[20], v[21]);
        let port = f.scratch(I64);
        // Set when the URL has no authority and is not special: its path is opaque.
        let opaque = f.scratch(I32);
        let (opt_int, opt_str) = (Type::Optional(Box::new(Type::Int)), Type::Optional(Box::new(Type::String)));
        // Trim spaces and control characters at both ends.
        code.extend([I::LocalGet(l), I::LocalSet(e), I::Block(BlockType::Empty), I::Loop(BlockType::Empty)]);
        code.extend([I::LocalGet(s), I::LocalGet(e), I::I32GeU, I::BrIf(1)]);
        code.extend(load_byte(p, s));
        code.extend([I::I32Const(0x20), I::I32GtU, I::BrIf(1)]);
        code.extend(add_to(s, I::I32Const(1)));
        code.extend([I::Br(0), I::End, I::End, I::Block(BlockType::Empty), I::Loop(BlockType::Empty)]);
        code.extend([I::LocalGet(e), I::LocalGet(s), I::I32LeU, I::BrIf(1)]);
        code.extend([I::LocalGet(p), I::LocalGet(e), I::I32Add, I::I32Const(1), I::I32Sub, I::I32Load8U(mem(0, 0))]);
        code.extend([I::I32Const(0x20), I::I32GtU, I::BrIf(1), I::LocalGet(e), I::I32Const(1), I::I32Sub]);
        code.extend([I::LocalSet(e), I::Br(0), I::End, I::End]);
        // The scheme: a letter, then letters, digits, +, - and ., then ':'.
        code.extend([I::LocalGet(s), I::LocalSet(i), I::Block(BlockType::Empty), I::Loop(BlockType::Empty)]);
        code.extend([I::LocalGet(i), I::LocalGet(e), I::I32GeU, I::BrIf(1)]);
        code.extend(load_byte(p, i));
        code.extend([I::LocalTee(b)]);
        scheme_char(code, b, i, s);
        code.extend([I::I32Eqz, I::BrIf(1)]);
        code.extend(add_to(i, I::I32Const(1)));
        code.extend([I::Br(0), I::End, I::End]);
        code.extend([I::LocalGet(i), I::LocalGet(s), I::I32Eq, I::LocalGet(i), I::LocalGet(e), I::I32GeU, I::I32Or]);
        code.extend([I::If(BlockType::Result(I32)), I::I32Const(1), I::Else]);
        code.extend(load_byte(p, i));
        code.extend([I::I32Const(b':' as i32), I::I32Ne, I::End, I::If(BlockType::Empty)]);
        self.url_fail(f, &ty, "invalid URL: it has no scheme (like https:)", code)?;
        code.push(I::End);
        code.extend([I::LocalGet(p), I::LocalGet(s), I::I32Add, I::LocalGet(i), I::LocalGet(s), I::I32Sub]);
        code.extend([I::Call(lower), I::LocalSet(sl), I::LocalSet(sp), I::LocalGet(sp), I::LocalGet(sl)]);
        code.extend([I::Call(scheme_of), I::LocalSet(special), I::LocalSet(default_port)]);
        let colon = self.data.intern(":");
        code.extend([I::LocalGet(sp), I::LocalGet(sl), I::I32Const(colon as i32), I::I32Const(1), I::I32Const(1)]);
        code.extend([I::Call(concat), I::LocalSet(proto_l), I::LocalSet(proto_p)]);
        let file = self.data.intern("file");
        let eq = self.helper(Helper::StrEq)?;
        code.extend([I::LocalGet(sp), I::LocalGet(sl), I::I32Const(file as i32), I::I32Const(4), I::Call(eq)]);
        code.extend([I::LocalSet(is_file), I::LocalGet(i), I::I32Const(1), I::I32Add, I::LocalSet(j)]);
        // An authority: always for special schemes, else after "//".
        code.extend([
            I::LocalGet(special),
            I::LocalGet(j),
            I::I32Const(1),
            I::I32Add,
            I::LocalGet(e),
            I::I32LtU,
            I::If(BlockType::Result(I32)),
            I::LocalGet(p),
            I::LocalGet(j),
            I::I32Add,
            I::I32Load16U(mem(0, 0)),
            I::I32Const(i32::from(u16::from_le_bytes(*b"//"))),
            I::I32Eq,
            I::Else,
            I::I32Const(0),
            I::End,
            I::I32Or,
            I::If(BlockType::Empty),
        ]);
        // Slashes: any number for special schemes (at most two for file), else two.
        code.extend([I::LocalGet(j), I::LocalSet(k), I::Block(BlockType::Empty), I::Loop(BlockType::Empty)]);
        code.extend([I::LocalGet(j), I::LocalGet(e), I::I32GeU, I::BrIf(1)]);
        code.extend([I::LocalGet(is_file), I::LocalGet(special), I::I32Eqz, I::I32Or, I::LocalGet(j), I::LocalGet(k)]);
        code.extend([I::I32Sub, I::I32Const(2), I::I32GeU, I::I32And, I::BrIf(1)]);
        code.extend(load_byte(p, j));
        code.extend([
            I::LocalTee(b),
            I::I32Const(b'/' as i32),
            I::I32Eq,
            I::LocalGet(special),
            I::LocalGet(b),
            I::I32Const(b'\\' as i32),
            I::I32Eq,
            I::I32And,
            I::I32Or,
            I::I32Eqz,
            I::BrIf(1),
        ]);
        code.extend(add_to(j, I::I32Const(1)));
        code.extend([I::Br(0), I::End, I::End, I::LocalGet(j), I::LocalSet(a)]);
        // The authority runs to '/', '?', '#' (or '\' for special schemes).
        code.extend([I::Block(BlockType::Empty), I::Loop(BlockType::Empty), I::LocalGet(j), I::LocalGet(e)]);
        code.extend([I::I32GeU, I::BrIf(1)]);
        code.extend(load_byte(p, j));
        code.extend([
            I::LocalTee(b),
            I::I32Const(b'/' as i32),
            I::I32Eq,
            I::LocalGet(b),
            I::I32Const(b'?' as i32),
            I::I32Eq,
            I::I32Or,
            I::LocalGet(b),
            I::I32Const(b'#' as i32),
            I::I32Eq,
            I::I32Or,
            I::LocalGet(special),
            I::LocalGet(b),
            I::I32Const(b'\\' as i32),
            I::I32Eq,
            I::I32And,
            I::I32Or,
            I::BrIf(1),
        ]);
        code.extend(add_to(j, I::I32Const(1)));
        code.extend([I::Br(0), I::End, I::End]);
        // The host starts after the last '@' (the user is not part of a `Url`); the port after the
        // last ':' that is not inside an IPv6 address's brackets.
        code.extend([I::LocalGet(a), I::LocalSet(host_p), I::LocalGet(a), I::LocalSet(k)]);
        code.extend([I::Block(BlockType::Empty), I::Loop(BlockType::Empty), I::LocalGet(k), I::LocalGet(j)]);
        code.extend([I::I32GeU, I::BrIf(1)]);
        code.extend(load_byte(p, k));
        code.extend([I::I32Const(b'@' as i32), I::I32Eq, I::If(BlockType::Empty), I::LocalGet(k), I::I32Const(1)]);
        code.extend([I::I32Add, I::LocalSet(host_p), I::End]);
        code.extend(add_to(k, I::I32Const(1)));
        code.extend([I::Br(0), I::End, I::End, I::LocalGet(j), I::LocalSet(q), I::LocalGet(host_p), I::LocalSet(k)]);
        code.extend([I::Block(BlockType::Empty), I::Loop(BlockType::Empty), I::LocalGet(k), I::LocalGet(j)]);
        code.extend([I::I32GeU, I::BrIf(1)]);
        code.extend(load_byte(p, k));
        code.extend([
            I::LocalTee(b),
            I::I32Const(b':' as i32),
            I::I32Eq,
            I::If(BlockType::Empty),
            I::LocalGet(k),
            I::LocalSet(q),
            I::End,
            I::LocalGet(b),
            I::I32Const(b']' as i32),
            I::I32Eq,
            I::If(BlockType::Empty),
            I::LocalGet(j),
            I::LocalSet(q),
            I::End,
        ]);
        code.extend(add_to(k, I::I32Const(1)));
        code.extend([I::Br(0), I::End, I::End]);
        code.extend([I::LocalGet(q), I::LocalGet(host_p), I::I32Sub, I::LocalSet(host_l)]);
        code.extend([I::LocalGet(p), I::LocalGet(host_p), I::I32Add, I::LocalSet(host_p)]);
        code.extend([I::LocalGet(special), I::If(BlockType::Empty), I::LocalGet(host_p), I::LocalGet(host_l)]);
        code.extend([I::Call(lower), I::LocalSet(host_l), I::LocalSet(host_p), I::End]);
        code.extend([I::LocalGet(special), I::LocalGet(is_file), I::I32Eqz, I::I32And, I::LocalGet(host_l), I::I32Eqz]);
        code.extend([I::I32And, I::If(BlockType::Empty)]);
        self.url_fail(f, &ty, "invalid URL: it has no host", code)?;
        code.push(I::End);
        // The port: digits, at most 65535; the scheme's default is left out.
        code.extend([
            I::I32Const(-1),
            I::LocalSet(b),
            I::LocalGet(q),
            I::LocalGet(j),
            I::I32LtU,
            I::If(BlockType::Empty),
        ]);
        code.extend([I::I64Const(0), I::LocalSet(port), I::LocalGet(q), I::I32Const(1), I::I32Add, I::LocalSet(k)]);
        code.extend([I::Block(BlockType::Empty), I::Loop(BlockType::Empty), I::LocalGet(k), I::LocalGet(j)]);
        code.extend([I::I32GeU, I::BrIf(1)]);
        code.extend(load_byte(p, k));
        code.extend([I::I32Const(b'0' as i32), I::I32Sub, I::LocalTee(b), I::I32Const(10), I::I32GeU]);
        code.extend([I::LocalGet(port), I::I64Const(65535), I::I64GtS, I::I32Or, I::If(BlockType::Empty)]);
        let bad_port = "invalid URL: the port is not a number from 0 to 65535";
        self.url_fail(f, &ty, bad_port, code)?;
        code.extend([I::End, I::LocalGet(port), I::I64Const(10), I::I64Mul, I::LocalGet(b), I::I64ExtendI32U]);
        code.extend([I::I64Add, I::LocalSet(port)]);
        code.extend(add_to(k, I::I32Const(1)));
        code.extend([
            I::Br(0),
            I::End,
            I::End,
            I::LocalGet(port),
            I::I64Const(65535),
            I::I64GtS,
            I::If(BlockType::Empty),
        ]);
        self.url_fail(f, &ty, bad_port, code)?;
        code.extend([I::End]);
        // A port was written (not just ':'): b = its value as i32, -1 when none.
        code.extend([I::LocalGet(q), I::I32Const(1), I::I32Add, I::LocalGet(j), I::I32LtU, I::If(BlockType::Empty)]);
        code.extend([I::LocalGet(port), I::I32WrapI64, I::LocalSet(b), I::End, I::End]);
        code.extend([I::LocalGet(b), I::I32Const(0), I::I32GeS, I::LocalGet(b), I::LocalGet(default_port), I::I32Ne]);
        code.extend([I::I32And, I::If(BlockType::Empty), I::LocalGet(b), I::I64ExtendI32U]);
        emit_data(self, f, ComputeOp::Variant(opt_int.clone(), 1), &[], code)?;
        code.extend([I::LocalSet(port_opt), I::Else]);
        emit_data(self, f, ComputeOp::Variant(opt_int.clone(), 0), &[], code)?;
        code.extend([I::LocalSet(port_opt), I::End]);
        // No authority: an empty host and no port.
        code.extend([I::Else, I::I32Const(0), I::LocalSet(host_p), I::I32Const(0), I::LocalSet(host_l)]);
        code.extend([I::I32Const(1), I::LocalSet(opaque)]);
        emit_data(self, f, ComputeOp::Variant(opt_int, 0), &[], code)?;
        code.extend([I::LocalSet(port_opt), I::End]);
        // The path: to '?' or '#'.
        code.extend([I::LocalGet(j), I::LocalSet(q)]);
        emit_scan_to(code, p, q, e, b"?#");
        code.extend([I::LocalGet(p), I::LocalGet(j), I::I32Add, I::LocalSet(path_p), I::LocalGet(q), I::LocalGet(j)]);
        code.extend([I::I32Sub, I::LocalSet(path_l), I::LocalGet(special), I::If(BlockType::Empty)]);
        // '\' is '/' in special URLs: replace in a copy when there is one.
        let alloc = self.helper(Helper::Alloc)?;
        code.extend([
            I::LocalGet(path_l),
            I::I32Const(1),
            I::Call(alloc),
            I::LocalTee(k),
            I::LocalGet(path_p),
            I::LocalGet(path_l),
            I::MemoryCopy { src_mem: 0, dst_mem: 0 },
            I::LocalGet(k),
            I::LocalSet(path_p),
            I::I32Const(0),
            I::LocalSet(k),
            I::Block(BlockType::Empty),
            I::Loop(BlockType::Empty),
            I::LocalGet(k),
            I::LocalGet(path_l),
            I::I32GeU,
            I::BrIf(1),
        ]);
        code.extend(load_byte(path_p, k));
        code.extend([
            I::I32Const(b'\\' as i32),
            I::I32Eq,
            I::If(BlockType::Empty),
            I::LocalGet(path_p),
            I::LocalGet(k),
            I::I32Add,
            I::I32Const(b'/' as i32),
            I::I32Store8(mem(0, 0)),
            I::End,
        ]);
        code.extend(add_to(k, I::I32Const(1)));
        code.extend([I::Br(0), I::End, I::End, I::LocalGet(path_p), I::LocalGet(path_l), I::Call(norm)]);
        code.extend([I::LocalSet(path_l), I::LocalSet(path_p), I::End]);
        code.extend([I::LocalGet(path_p), I::LocalGet(path_l), I::I32Const(super::url::C0_SET)]);
        code.extend([I::I32Const(super::url::PATH_SET), I::LocalGet(opaque), I::Select, I::Call(encode)]);
        code.extend([I::LocalSet(path_l), I::LocalSet(path_p)]);
        // The query, to '#': "?" and the query (just "?" when it is empty), or none when there is
        // no '?'; then the fragment likewise.
        for (mark_str, is_query, target, stops) in
            [("?", true, search_opt, &b"#"[..]), ("#", false, hash_opt, &b""[..])]
        {
            let mark = mark_str.as_bytes()[0];
            let mark_text = self.data.intern(mark_str);
            code.extend([
                I::LocalGet(q),
                I::LocalGet(e),
                I::I32LtU,
                I::If(BlockType::Result(I32)),
                I::LocalGet(p),
                I::LocalGet(q),
                I::I32Add,
                I::I32Load8U(mem(0, 0)),
                I::I32Const(mark as i32),
                I::I32Eq,
                I::Else,
                I::I32Const(0),
                I::End,
                I::If(BlockType::Empty),
                I::LocalGet(q),
                I::I32Const(1),
                I::I32Add,
                I::LocalTee(k),
                I::LocalSet(j),
            ]);
            emit_scan_to(code, p, j, e, stops);
            code.extend([I::I32Const(mark_text as i32), I::I32Const(1), I::LocalGet(p), I::LocalGet(k), I::I32Add]);
            code.extend([I::LocalGet(j), I::LocalGet(k), I::I32Sub]);
            if is_query {
                let (special_query, query) = (super::url::SPECIAL_QUERY_SET, super::url::QUERY_SET);
                code.extend([I::I32Const(special_query), I::I32Const(query), I::LocalGet(special), I::Select]);
            } else {
                code.push(I::I32Const(super::url::FRAGMENT_SET));
            }
            code.extend([I::Call(encode), I::I32Const(1), I::Call(concat)]);
            emit_data(self, f, ComputeOp::Variant(opt_str.clone(), 1), &[], code)?;
            code.extend([I::LocalSet(target), I::LocalGet(j), I::LocalSet(q), I::End]);
            code.extend([I::LocalGet(target), I::I32Eqz, I::If(BlockType::Empty)]);
            emit_data(self, f, ComputeOp::Variant(opt_str.clone(), 0), &[], code)?;
            code.extend([I::LocalSet(target), I::End]);
        }
        code.extend([
            I::LocalGet(proto_p),
            I::LocalGet(proto_l),
            I::LocalGet(host_p),
            I::LocalGet(host_l),
            I::LocalGet(port_opt),
            I::LocalGet(path_p),
            I::LocalGet(path_l),
            I::LocalGet(search_opt),
            I::LocalGet(hash_opt),
        ]);
        emit_data(self, f, ComputeOp::Record(url_ty), &[], code)?;
        emit_data(self, f, ComputeOp::Variant(ty, 0), &[], code)?;
        Ok((vec![I32; 2], vec![I32], f.decls.clone()))
    }

    /// (url) -> its text: protocol, "//" and the host (and port) when there is an authority,
    /// path, query, fragment.
    pub(super) fn url_format(&mut self, f: &mut Frame, code: &mut Vec<I<'static>>) -> Result<HelperSig, String> {
        use ValType::I32;
        let (url_ty, _) = self.url_types()?;
        let fields = self.abi().struct_offsets(&url_ty);
        let off = |n: usize| u64::from(fields[n].1);
        let opt_int = self.abi().variant(&Type::Optional(Box::new(Type::Int)));
        let opt_str = self.abi().variant(&Type::Optional(Box::new(Type::String)));
        let (concat, scheme_of, int_to_string) =
            (self.helper(Helper::Concat)?, self.helper(Helper::Url(UrlOp::Scheme))?, self.helper(Helper::IntToString)?);
        let u = 0;
        f.next = 1;
        let (rp, rl, o) = (f.scratch(I32), f.scratch(I32), f.scratch(I32));
        let append = |c: &mut Vec<I<'static>>| {
            c.extend([I::I32Const(1), I::Call(concat), I::LocalSet(rl), I::LocalSet(rp)]);
        };
        let (slashes, colon) = (self.data.intern("//"), self.data.intern(":"));
        code.extend([I::LocalGet(u), I::I32Load(mem(off(0), 2)), I::LocalSet(rp), I::LocalGet(u)]);
        code.extend([I::I32Load(mem(off(0) + 4, 2)), I::LocalSet(rl)]);
        // An authority when there is a host, or for a special scheme (file:///).
        code.extend([I::LocalGet(u), I::I32Load(mem(off(1) + 4, 2)), I::LocalGet(rp), I::LocalGet(rl)]);
        code.extend([I::I32Const(1), I::I32Sub, I::Call(scheme_of), I::LocalSet(o), I::Drop, I::LocalGet(o), I::I32Or]);
        code.extend([I::If(BlockType::Empty), I::LocalGet(rp), I::LocalGet(rl), I::I32Const(slashes as i32)]);
        code.extend([I::I32Const(2)]);
        append(code);
        code.extend([I::LocalGet(rp), I::LocalGet(rl), I::LocalGet(u), I::I32Load(mem(off(1), 2)), I::LocalGet(u)]);
        code.extend([I::I32Load(mem(off(1) + 4, 2))]);
        append(code);
        code.extend([I::LocalGet(u), I::I32Const(fields[2].1 as i32), I::I32Add, I::LocalTee(o)]);
        code.extend([I::I32Load8U(mem(0, 0)), I::If(BlockType::Empty), I::LocalGet(rp), I::LocalGet(rl)]);
        code.extend([I::I32Const(colon as i32), I::I32Const(1)]);
        append(code);
        code.extend([
            I::LocalGet(rp),
            I::LocalGet(rl),
            I::LocalGet(o),
            I::I64Load(mem(u64::from(opt_int.cases[1][0].1), 3)),
        ]);
        code.extend([I::Call(int_to_string)]);
        append(code);
        code.extend([I::End, I::End]);
        code.extend([I::LocalGet(rp), I::LocalGet(rl), I::LocalGet(u), I::I32Load(mem(off(3), 2)), I::LocalGet(u)]);
        code.extend([I::I32Load(mem(off(3) + 4, 2))]);
        append(code);
        for field in [4, 5] {
            let at = u64::from(opt_str.cases[1][0].1);
            code.extend([I::LocalGet(u), I::I32Const(fields[field].1 as i32), I::I32Add, I::LocalTee(o)]);
            code.extend([I::I32Load8U(mem(0, 0)), I::If(BlockType::Empty), I::LocalGet(rp), I::LocalGet(rl)]);
            code.extend([I::LocalGet(o), I::I32Load(mem(at, 2)), I::LocalGet(o), I::I32Load(mem(at + 4, 2))]);
            append(code);
            code.push(I::End);
        }
        code.extend([I::LocalGet(rp), I::LocalGet(rl)]);
        Ok((vec![I32], vec![I32; 2], f.decls.clone()))
    }

    /// (base, relative) -> the relative reference resolved against the base, as text; the
    /// relative text itself when either cannot make a URL.
    pub(super) fn url_resolve(&mut self, f: &mut Frame, code: &mut Vec<I<'static>>) -> Result<HelperSig, String> {
        use ValType::I32;
        let (url_ty, _) = self.url_types()?;
        let fields = self.abi().struct_offsets(&url_ty);
        let off = |n: usize| u64::from(fields[n].1);
        let opt_str = self.abi().variant(&Type::Optional(Box::new(Type::String)));
        let ok_at =
            u64::from(self.abi().variant(&Type::Result(Box::new(url_ty.clone()), Box::new(Type::Unit))).cases[0][0].1);
        let (parse, format, concat) = (
            self.helper(Helper::Url(UrlOp::Parse))?,
            self.helper(Helper::Url(UrlOp::Format))?,
            self.helper(Helper::Concat)?,
        );
        let (bp, bl, rp, rl) = (0, 1, 2, 3);
        f.next = 4;
        let (r, u, tp, tl, i, b, cut) = (
            f.scratch(I32),
            f.scratch(I32),
            f.scratch(I32),
            f.scratch(I32),
            f.scratch(I32),
            f.scratch(I32),
            f.scratch(I32),
        );
        // parse(text) as Ok -> its Url pointer in `u`, else return the relative text.
        let parse_or_give_up = |c: &mut Vec<I<'static>>, p: u32, l: u32| {
            c.extend([
                I::LocalGet(p),
                I::LocalGet(l),
                I::Call(parse),
                I::LocalTee(r),
                I::I32Load8U(mem(0, 0)),
                I::If(BlockType::Empty),
                I::LocalGet(rp),
                I::LocalGet(rl),
                I::Return,
                I::End,
                I::LocalGet(r),
                I::I32Const(ok_at as i32),
                I::I32Add,
                I::LocalSet(u),
            ]);
        };
        // A relative text with its own scheme is a URL of its own.
        code.extend([I::Block(BlockType::Empty), I::Loop(BlockType::Empty), I::LocalGet(i), I::LocalGet(rl)]);
        code.extend([I::I32GeU, I::BrIf(1)]);
        code.extend(load_byte(rp, i));
        code.extend([
            I::LocalTee(b),
            I::I32Const(b':' as i32),
            I::I32Eq,
            I::LocalGet(i),
            I::I32Const(0),
            I::I32GtU,
            I::I32And,
            I::If(BlockType::Empty),
        ]);
        parse_or_give_up(code, rp, rl);
        code.extend([I::LocalGet(u), I::Call(format), I::Return, I::End]);
        // The scheme starts at 0: `cut`, set only later, holds that 0 meanwhile.
        code.extend([I::I32Const(0), I::LocalSet(cut)]);
        scheme_char(code, b, i, cut);
        code.extend([I::I32Eqz, I::BrIf(1)]);
        code.extend(add_to(i, I::I32Const(1)));
        code.extend([I::Br(0), I::End, I::End]);
        parse_or_give_up(code, bp, bl);
        // The base's text, and where its path starts (the text before is the scheme and authority).
        code.extend([I::LocalGet(u), I::Call(format), I::LocalSet(tl), I::LocalSet(tp)]);
        code.extend([I::LocalGet(tl), I::LocalGet(u), I::I32Load(mem(off(3) + 4, 2)), I::I32Sub, I::LocalSet(cut)]);
        for field in [4, 5] {
            let at = u64::from(opt_str.cases[1][0].1);
            code.extend([I::LocalGet(u), I::I32Const(fields[field].1 as i32), I::I32Add, I::LocalTee(b)]);
            code.extend([I::I32Load8U(mem(0, 0)), I::If(BlockType::Empty), I::LocalGet(cut), I::LocalGet(b)]);
            code.extend([I::I32Load(mem(at + 4, 2)), I::I32Sub, I::LocalSet(cut), I::End]);
        }
        // How much of the base stays: all but the fragment for "" and "#..", up to the query for
        // "?..", up to the path for "/.." and "//.." (the scheme only), up to the last '/' else.
        let path_end = |c: &mut Vec<I<'static>>| {
            c.extend([I::LocalGet(cut), I::LocalGet(u), I::I32Load(mem(off(3) + 4, 2)), I::I32Add]);
        };
        let first = |c: &mut Vec<I<'static>>, ch: u8| {
            c.extend([
                I::LocalGet(rl),
                I::If(BlockType::Result(I32)),
                I::LocalGet(rp),
                I::I32Load8U(mem(0, 0)),
                I::I32Const(ch as i32),
                I::I32Eq,
                I::Else,
                I::I32Const(0),
                I::End,
            ]);
        };
        code.extend([I::LocalGet(rl), I::I32Eqz, I::If(BlockType::Empty)]);
        path_end(code);
        code.extend([
            I::LocalGet(u),
            I::I32Const(fields[4].1 as i32),
            I::I32Add,
            I::LocalTee(b),
            I::I32Load8U(mem(0, 0)),
        ]);
        code.extend([I::If(BlockType::Result(I32)), I::LocalGet(b)]);
        code.extend([I::I32Load(mem(u64::from(opt_str.cases[1][0].1) + 4, 2)), I::Else, I::I32Const(0), I::End]);
        code.extend([I::I32Add, I::LocalSet(i), I::Else]);
        first(code, b'#');
        code.extend([I::If(BlockType::Empty)]);
        path_end(code);
        code.extend([
            I::LocalGet(u),
            I::I32Const(fields[4].1 as i32),
            I::I32Add,
            I::LocalTee(b),
            I::I32Load8U(mem(0, 0)),
        ]);
        code.extend([I::If(BlockType::Result(I32)), I::LocalGet(b)]);
        code.extend([I::I32Load(mem(u64::from(opt_str.cases[1][0].1) + 4, 2)), I::Else, I::I32Const(0), I::End]);
        code.extend([I::I32Add, I::LocalSet(i), I::Else]);
        first(code, b'?');
        code.extend([I::If(BlockType::Empty)]);
        path_end(code);
        code.extend([I::LocalSet(i), I::Else]);
        first(code, b'/');
        code.extend([I::If(BlockType::Empty), I::LocalGet(cut), I::LocalSet(i)]);
        // "//host/..": keep only the scheme and its ':'.
        code.extend([I::LocalGet(rl), I::I32Const(1), I::I32GtU, I::If(BlockType::Empty), I::LocalGet(rp)]);
        code.extend([I::I32Load8U(mem(1, 0)), I::I32Const(b'/' as i32), I::I32Eq, I::If(BlockType::Empty)]);
        code.extend([I::LocalGet(u), I::I32Load(mem(off(0) + 4, 2)), I::LocalSet(i), I::End, I::End, I::Else]);
        // A relative path: the base's path up to and including its last '/'.
        path_end(code);
        code.extend([I::LocalSet(i), I::Block(BlockType::Empty), I::Loop(BlockType::Empty), I::LocalGet(i)]);
        code.extend([I::LocalGet(cut), I::I32LeU, I::BrIf(1)]);
        code.extend([I::LocalGet(tp), I::LocalGet(i), I::I32Add, I::I32Const(1), I::I32Sub, I::I32Load8U(mem(0, 0))]);
        code.extend([I::I32Const(b'/' as i32), I::I32Eq, I::BrIf(1), I::LocalGet(i), I::I32Const(1), I::I32Sub]);
        code.extend([I::LocalSet(i), I::Br(0), I::End, I::End, I::End, I::End, I::End, I::End]);
        code.extend([
            I::LocalGet(tp),
            I::LocalGet(i),
            I::LocalGet(rp),
            I::LocalGet(rl),
            I::I32Const(1),
            I::Call(concat),
        ]);
        code.extend([I::LocalSet(tl), I::LocalSet(tp)]);
        parse_or_give_up(code, tp, tl);
        code.extend([I::LocalGet(u), I::Call(format)]);
        Ok((vec![I32; 4], vec![I32; 2], f.decls.clone()))
    }
}
