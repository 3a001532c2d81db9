//! `http.*` on `wasi:http/outgoing-handler`: one helper builds the request (method, scheme,
//! authority, path, headers, body, timeouts), sends it, waits on the response and reads it whole.
//! The URL's host is checked against the calling function's `network(host=..)` inside the
//! component first; the host checks it again. Failures are the standard library's
//! `HttpError { message, status }`; a response with any status code is a `Response`.

use super::body::Frame;
use super::compute_data::emit_data;
use super::helpers::{HelperSig, add_to, emit_scan_to, load_byte};
use super::text::TextOp;
use super::*;
use crate::stdlib::http as fns;

/// `wasi:http/types.error-code` cases, in WIT order (the message names them).
const ERROR_CODES: &[&str] = &[
    "DNS timeout",
    "DNS error",
    "destination not found",
    "destination unavailable",
    "destination IP prohibited",
    "destination IP unroutable",
    "connection refused",
    "connection terminated",
    "connection timeout",
    "connection read timeout",
    "connection write timeout",
    "connection limit reached",
    "TLS protocol error",
    "TLS certificate error",
    "TLS alert received",
    "HTTP request denied",
    "HTTP request length required",
    "HTTP request body size",
    "HTTP request method invalid",
    "HTTP request URI invalid",
    "HTTP request URI too long",
    "HTTP request header section size",
    "HTTP request header size",
    "HTTP request trailer section size",
    "HTTP request trailer size",
    "HTTP response incomplete",
    "HTTP response header section size",
    "HTTP response header size",
    "HTTP response body size",
    "HTTP response trailer section size",
    "HTTP response trailer size",
    "HTTP response transfer coding",
    "HTTP response content coding",
    "HTTP response timeout",
    "HTTP upgrade failed",
    "HTTP protocol error",
    "loop detected",
    "configuration error",
    "internal error",
];

/// Methods `set-method` knows by case, in WIT order; others are `other(name)`.
const METHODS: &[&str] = &["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"];
/// Bytes asked for per `blocking-read`.
const READ_CHUNK: i64 = 1 << 16;

impl Builder<'_> {
    /// Emits: return `Err(HttpError { message: <the string on the stack>, status: none })`.
    fn http_fail(&mut self, frame: &mut Frame, ty: &Type, code: &mut Vec<I<'static>>) -> Result<(), String> {
        let Type::Result(_, err) = ty else { return Err("http's type".into()) };
        let fields = self.abi().struct_offsets(err);
        let status_ty = fields.get(1).map(|(t, _)| t.clone()).ok_or("HttpError's fields")?;
        emit_data(self, frame, ComputeOp::Variant(status_ty, 0), &[], code)?;
        emit_data(self, frame, ComputeOp::Record((**err).clone()), &[], code)?;
        emit_data(self, frame, ComputeOp::Variant(ty.clone(), 1), &[], code)?;
        code.push(I::Return);
        Ok(())
    }

    /// Emits: when the i32 on the stack is not zero, fail with `message`.
    fn http_fail_if(
        &mut self,
        frame: &mut Frame,
        ty: &Type,
        message: &str,
        code: &mut Vec<I<'static>>,
    ) -> Result<(), String> {
        let at = self.data.intern(message);
        code.extend([I::If(BlockType::Empty), I::I32Const(at as i32), I::I32Const(message.len() as i32)]);
        self.http_fail(frame, ty, code)?;
        code.push(I::End);
        Ok(())
    }

    /// Emits: fail with "<prefix><name of the error-code whose tag is at `tag_at`>".
    fn http_fail_code(
        &mut self,
        frame: &mut Frame,
        ty: &Type,
        tag_at: u64,
        code: &mut Vec<I<'static>>,
    ) -> Result<(), String> {
        let concat = self.helper(Helper::Concat)?;
        let (g, area) = self.ret_area();
        let mut table = vec![];
        for name in ERROR_CODES {
            let at = self.data.intern(name);
            table.extend_from_slice(&at.to_le_bytes());
            table.extend_from_slice(&(name.len() as u32).to_le_bytes());
        }
        let table = self.data.place(&table, 4);
        let prefix = "HTTP request failed: ";
        let p = self.data.intern(prefix);
        let row = frame.scratch(ValType::I32);
        code.extend([
            I::GlobalGet(g),
            I::I32Load8U(mem(u64::from(area) + tag_at, 0)),
            I::I32Const(ERROR_CODES.len() as i32 - 1),
            I::I32Const(ERROR_CODES.len() as i32 - 1),
            I::GlobalGet(g),
            I::I32Load8U(mem(u64::from(area) + tag_at, 0)),
            I::I32GeU,
            I::Select,
            I::I32Const(8),
            I::I32Mul,
            I::I32Const(table as i32),
            I::I32Add,
            I::LocalSet(row),
            I::I32Const(p as i32),
            I::I32Const(prefix.len() as i32),
            I::LocalGet(row),
            I::I32Load(mem(0, 2)),
            I::LocalGet(row),
            I::I32Load(mem(4, 2)),
            I::I32Const(1),
            I::Call(concat),
        ]);
        self.http_fail(frame, ty, code)
    }

    /// (url, method, body, headers, content type, timeout ms, allowed host) -> `Response | HttpError`.
    pub(super) fn http_request(&mut self, code: &mut Vec<I<'static>>) -> Result<HelperSig, String> {
        use ValType::{I32, I64};
        let ty = self.http_returns.clone().ok_or("http without a type")?;
        let Type::Result(response_ty, _) = &ty else { return Err("http's type".into()) };
        let response_ty = (**response_ty).clone();
        let (g, area) = self.ret_area();
        let at = move |o: u64| mem(u64::from(area) + o, 2);
        let at8 = move |o: u64| mem(u64::from(area) + o, 0);
        let (find, lower, eq, concat, alloc, write_all, utf8) = (
            self.helper(Helper::Text(TextOp::Find))?,
            self.helper(Helper::Text(TextOp::Lower))?,
            self.helper(Helper::StrEq)?,
            self.helper(Helper::Concat)?,
            self.helper(Helper::Alloc)?,
            self.helper(Helper::WriteAll)?,
            self.helper(Helper::Fs(super::fs::FsHelper::Utf8))?,
        );
        let imp = |b: &Builder, f: &WasiFn| b.import(f);
        let (
            url,
            url_len,
            method,
            method_len,
            body,
            body_len,
            headers,
            headers_len,
            ctype,
            ctype_len,
            timeout,
            host,
            host_len,
        ) = (0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
        let mut frame = Frame { base: vec![], reps: vec![], decls: vec![], next: 13 };
        let f = &mut frame;
        let (i, rest, rest_len, auth, auth_len, path, path_len, scheme) = (
            f.scratch(I32),
            f.scratch(I32),
            f.scratch(I32),
            f.scratch(I32),
            f.scratch(I32),
            f.scratch(I32),
            f.scratch(I32),
            f.scratch(I32),
        );
        let (hp, hl, fields, req, opts, fut, resp, status) = (
            f.scratch(I32),
            f.scratch(I32),
            f.scratch(I32),
            f.scratch(I32),
            f.scratch(I32),
            f.scratch(I32),
            f.scratch(I32),
            f.scratch(I64),
        );
        let (out_body, stream, list, count, entry, bp, bl, tag) = (
            f.scratch(I32),
            f.scratch(I32),
            f.scratch(I32),
            f.scratch(I32),
            f.scratch(I32),
            f.scratch(I32),
            f.scratch(I32),
            f.scratch(I32),
        );
        let (j, hmap, pollable) = (f.scratch(I32), f.scratch(I32), f.scratch(I32));

        // The scheme: up to "://".
        let sep = self.data.intern("://");
        code.extend([
            I::LocalGet(url),
            I::LocalGet(url_len),
            I::I32Const(sep as i32),
            I::I32Const(3),
            I::I32Const(0),
            I::Call(find),
            I::LocalTee(i),
            I::I32Const(0),
            I::I32LtS,
        ]);
        self.http_fail_if(f, &ty, "the URL has no scheme (http:// or https://)", code)?;
        code.extend([I::LocalGet(url), I::LocalGet(i), I::Call(lower), I::LocalSet(hl), I::LocalSet(hp)]);
        code.extend([I::I32Const(-1), I::LocalSet(scheme)]);
        for (tag_value, name) in [(0, "http"), (1, "https")] {
            let s = self.data.intern(name);
            code.extend([I::LocalGet(hp), I::LocalGet(hl), I::I32Const(s as i32), I::I32Const(name.len() as i32)]);
            code.extend([I::Call(eq), I::If(BlockType::Empty), I::I32Const(tag_value), I::LocalSet(scheme), I::End]);
        }
        code.extend([I::LocalGet(scheme), I::I32Const(0), I::I32LtS]);
        self.http_fail_if(f, &ty, "only http:// and https:// URLs can be fetched", code)?;
        // rest = after "://"; authority = up to '/', '?' or '#'.
        code.extend([
            I::LocalGet(url),
            I::LocalGet(i),
            I::I32Add,
            I::I32Const(3),
            I::I32Add,
            I::LocalSet(rest),
            I::LocalGet(url_len),
            I::LocalGet(i),
            I::I32Sub,
            I::I32Const(3),
            I::I32Sub,
            I::LocalSet(rest_len),
            I::I32Const(0),
            I::LocalSet(j),
        ]);
        emit_scan_to(code, rest, j, rest_len, b"/?#");
        code.extend([I::LocalGet(rest), I::LocalSet(auth), I::LocalGet(j), I::LocalSet(auth_len)]);
        code.extend([I::LocalGet(auth_len), I::I32Eqz]);
        self.http_fail_if(f, &ty, "the URL has no host", code)?;
        // path = the rest up to '#', "/" when empty; a query alone gets "/" in front.
        code.extend([
            I::LocalGet(rest),
            I::LocalGet(j),
            I::I32Add,
            I::LocalSet(path),
            I::I32Const(0),
            I::LocalSet(path_len),
            I::Block(BlockType::Empty),
            I::Loop(BlockType::Empty),
            I::LocalGet(j),
            I::LocalGet(path_len),
            I::I32Add,
            I::LocalGet(rest_len),
            I::I32GeU,
            I::BrIf(1),
            I::LocalGet(path),
            I::LocalGet(path_len),
            I::I32Add,
            I::I32Load8U(mem(0, 0)),
            I::I32Const(b'#' as i32),
            I::I32Eq,
            I::BrIf(1),
        ]);
        code.extend(add_to(path_len, I::I32Const(1)));
        let slash = self.data.intern("/");
        code.extend([
            I::Br(0),
            I::End,
            I::End,
            I::LocalGet(path_len),
            I::I32Eqz,
            I::If(BlockType::Empty),
            I::I32Const(slash as i32),
            I::LocalSet(path),
            I::I32Const(1),
            I::LocalSet(path_len),
            I::Else,
            I::LocalGet(path),
            I::I32Load8U(mem(0, 0)),
            I::I32Const(b'/' as i32),
            I::I32Ne,
            I::If(BlockType::Empty),
            I::I32Const(slash as i32),
            I::I32Const(1),
            I::LocalGet(path),
            I::LocalGet(path_len),
            I::I32Const(1),
            I::Call(concat),
            I::LocalSet(path_len),
            I::LocalSet(path),
            I::End,
            I::End,
        ]);
        // The declared host: the authority's host (no user, no port), compared case-insensitively;
        // `*.example.com` allows its subdomains.
        code.extend([I::LocalGet(host_len), I::If(BlockType::Empty)]);
        code.extend([I::LocalGet(auth), I::LocalSet(hp), I::LocalGet(auth_len), I::LocalSet(hl)]);
        // After the last '@'.
        code.extend([I::I32Const(0), I::LocalSet(j), I::Block(BlockType::Empty), I::Loop(BlockType::Empty)]);
        code.extend([I::LocalGet(j), I::LocalGet(auth_len), I::I32GeU, I::BrIf(1)]);
        code.extend(load_byte(auth, j));
        code.extend([
            I::I32Const(b'@' as i32),
            I::I32Eq,
            I::If(BlockType::Empty),
            I::LocalGet(auth),
            I::LocalGet(j),
            I::I32Add,
            I::I32Const(1),
            I::I32Add,
            I::LocalSet(hp),
            I::LocalGet(auth_len),
            I::LocalGet(j),
            I::I32Sub,
            I::I32Const(1),
            I::I32Sub,
            I::LocalSet(hl),
            I::End,
        ]);
        code.extend(add_to(j, I::I32Const(1)));
        code.extend([I::Br(0), I::End, I::End]);
        // Before the port: the last ':' that is not inside an IPv6 literal's brackets.
        code.extend([I::I32Const(0), I::LocalSet(j), I::I32Const(-1), I::LocalSet(i)]);
        code.extend([I::Block(BlockType::Empty), I::Loop(BlockType::Empty), I::LocalGet(j), I::LocalGet(hl)]);
        code.extend([I::I32GeU, I::BrIf(1)]);
        code.extend(load_byte(hp, j));
        code.extend([I::LocalTee(tag), I::I32Const(b':' as i32), I::I32Eq, I::If(BlockType::Empty)]);
        code.extend([I::LocalGet(j), I::LocalSet(i), I::End, I::LocalGet(tag), I::I32Const(b']' as i32), I::I32Eq]);
        code.extend([I::If(BlockType::Empty), I::I32Const(-1), I::LocalSet(i), I::End]);
        code.extend(add_to(j, I::I32Const(1)));
        code.extend([I::Br(0), I::End, I::End]);
        code.extend([I::LocalGet(i), I::I32Const(0), I::I32GeS, I::If(BlockType::Empty), I::LocalGet(i)]);
        code.extend([I::LocalSet(hl), I::End]);
        code.extend([I::LocalGet(hp), I::LocalGet(hl), I::Call(lower), I::LocalSet(hl), I::LocalSet(hp)]);
        // Exact, or `*.domain` and the host ends with `.domain`.
        code.extend([I::LocalGet(hp), I::LocalGet(hl), I::LocalGet(host), I::LocalGet(host_len), I::Call(eq)]);
        code.extend([I::I32Eqz, I::If(BlockType::Empty)]);
        code.extend([
            I::I32Const(1),
            I::LocalSet(tag),
            I::LocalGet(host_len),
            I::I32Const(2),
            I::I32GtU,
            I::If(BlockType::Empty),
            I::LocalGet(host),
            I::I32Load8U(mem(0, 0)),
            I::I32Const(b'*' as i32),
            I::I32Eq,
            I::LocalGet(hl),
            I::LocalGet(host_len),
            I::I32Const(1),
            I::I32Sub,
            I::I32GeU,
            I::I32And,
            I::If(BlockType::Empty),
            I::LocalGet(hp),
            I::LocalGet(hl),
            I::I32Add,
            I::LocalGet(host_len),
            I::I32Sub,
            I::I32Const(1),
            I::I32Add,
            I::LocalGet(host_len),
            I::I32Const(1),
            I::I32Sub,
            I::LocalGet(host),
            I::I32Const(1),
            I::I32Add,
            I::LocalGet(host_len),
            I::I32Const(1),
            I::I32Sub,
            I::Call(eq),
            I::I32Eqz,
            I::LocalSet(tag),
            I::End,
            I::End,
            I::LocalGet(tag),
        ]);
        self.http_fail_if(f, &ty, "the host is not the one the function's `network(host=..)` names", code)?;
        code.extend([I::End, I::End]);

        // Headers: the given ones, then content-type when one is given and content-length when
        // there is a body (servers that do not read chunked bodies need it).
        let int_to_string = self.helper(Helper::IntToString)?;
        code.extend([
            I::LocalGet(headers_len),
            I::I32Const(2),
            I::I32Add,
            I::I32Const(16),
            I::I32Mul,
            I::I32Const(4),
            I::Call(alloc),
            I::LocalTee(list),
            I::LocalGet(headers),
            I::LocalGet(headers_len),
            I::I32Const(16),
            I::I32Mul,
            I::MemoryCopy { src_mem: 0, dst_mem: 0 },
            I::LocalGet(headers_len),
            I::LocalSet(count),
        ]);
        for (name, present, value) in [
            ("content-type", I::LocalGet(ctype_len), None),
            ("content-length", I::LocalGet(body_len), Some(int_to_string)),
        ] {
            let at_name = self.data.intern(name);
            code.extend([
                present,
                I::If(BlockType::Empty),
                I::LocalGet(list),
                I::LocalGet(count),
                I::I32Const(16),
                I::I32Mul,
                I::I32Add,
                I::LocalTee(entry),
                I::I32Const(at_name as i32),
                I::I32Store(mem(0, 2)),
                I::LocalGet(entry),
                I::I32Const(name.len() as i32),
                I::I32Store(mem(4, 2)),
            ]);
            match value {
                None => code.extend([I::LocalGet(ctype), I::LocalGet(ctype_len)]),
                Some(to_text) => code.extend([I::LocalGet(body_len), I::I64ExtendI32U, I::Call(to_text)]),
            }
            code.extend([
                I::LocalSet(bl),
                I::LocalSet(bp),
                I::LocalGet(entry),
                I::LocalGet(bp),
                I::I32Store(mem(8, 2)),
                I::LocalGet(entry),
                I::LocalGet(bl),
                I::I32Store(mem(12, 2)),
                I::LocalGet(count),
                I::I32Const(1),
                I::I32Add,
                I::LocalSet(count),
                I::End,
            ]);
        }
        code.extend([
            I::LocalGet(list),
            I::LocalGet(count),
            I::GlobalGet(g),
            I::Call(imp(self, &fns::FIELDS_FROM_LIST)?),
            I::GlobalGet(g),
            I::I32Load8U(at8(0)),
        ]);
        self.http_fail_if(f, &ty, "a header name or value is not valid", code)?;
        code.extend([I::GlobalGet(g), I::I32Load(at(4)), I::LocalSet(fields)]);
        code.extend([I::LocalGet(fields), I::Call(imp(self, &fns::NEW_REQUEST)?), I::LocalSet(req)]);

        // The method: a known one by its case, any other as `other(name)`.
        code.extend([I::I32Const(9), I::LocalSet(tag)]);
        for (n, m) in METHODS.iter().enumerate() {
            let s = self.data.intern(m);
            code.extend([
                I::LocalGet(method),
                I::LocalGet(method_len),
                I::I32Const(s as i32),
                I::I32Const(m.len() as i32),
            ]);
            code.extend([I::Call(eq), I::If(BlockType::Empty), I::I32Const(n as i32), I::LocalSet(tag), I::End]);
        }
        code.extend([I::LocalGet(req), I::LocalGet(tag), I::LocalGet(method), I::LocalGet(method_len)]);
        code.extend([I::Call(imp(self, &fns::SET_METHOD)?)]);
        self.http_fail_if(f, &ty, "the method is not valid", code)?;
        code.extend([I::LocalGet(req), I::I32Const(1), I::LocalGet(scheme), I::I32Const(0), I::I32Const(0)]);
        code.extend([I::Call(imp(self, &fns::SET_SCHEME)?), I::Drop]);
        code.extend([I::LocalGet(req), I::I32Const(1), I::LocalGet(auth), I::LocalGet(auth_len)]);
        code.extend([I::Call(imp(self, &fns::SET_AUTHORITY)?)]);
        self.http_fail_if(f, &ty, "the URL's host is not valid", code)?;
        code.extend([I::LocalGet(req), I::I32Const(1), I::LocalGet(path), I::LocalGet(path_len)]);
        code.extend([I::Call(imp(self, &fns::SET_PATH)?)]);
        self.http_fail_if(f, &ty, "the URL's path is not valid", code)?;
        // A body, when there is one: taken before the request is sent, written after.
        code.extend([
            I::LocalGet(body_len),
            I::If(BlockType::Empty),
            I::LocalGet(req),
            I::GlobalGet(g),
            I::Call(imp(self, &fns::REQUEST_BODY)?),
            I::GlobalGet(g),
            I::I32Load(at(4)),
            I::LocalSet(out_body),
            I::End,
        ]);
        // Timeouts, when given: connecting, the first byte, and between bytes.
        code.extend([I::I32Const(0), I::LocalSet(opts), I::LocalGet(timeout), I::I64Const(0), I::I64GtS]);
        code.extend([I::If(BlockType::Empty), I::Call(imp(self, &fns::NEW_OPTIONS)?), I::LocalSet(opts)]);
        for setter in [fns::SET_CONNECT_TIMEOUT, fns::SET_FIRST_BYTE_TIMEOUT, fns::SET_BETWEEN_BYTES_TIMEOUT] {
            code.extend([
                I::LocalGet(opts),
                I::I32Const(1),
                I::LocalGet(timeout),
                I::I64Const(1_000_000),
                I::I64Mul,
                I::Call(imp(self, &setter)?),
                I::Drop,
            ]);
        }
        code.extend([I::End]);
        code.extend([
            I::LocalGet(req),
            I::LocalGet(opts),
            I::I32Const(0),
            I::I32Ne,
            I::LocalGet(opts),
            I::GlobalGet(g),
            I::Call(imp(self, &fns::HANDLE)?),
            I::GlobalGet(g),
            I::I32Load8U(at8(0)),
            I::If(BlockType::Empty),
        ]);
        self.http_fail_code(f, &ty, 8, code)?;
        code.extend([I::End, I::GlobalGet(g), I::I32Load(at(8)), I::LocalSet(fut)]);
        // Write the body and finish it.
        code.extend([
            I::LocalGet(body_len),
            I::If(BlockType::Empty),
            I::LocalGet(out_body),
            I::GlobalGet(g),
            I::Call(imp(self, &fns::BODY_WRITE)?),
            I::GlobalGet(g),
            I::I32Load(at(4)),
            I::LocalTee(stream),
            I::LocalGet(body),
            I::LocalGet(body_len),
            I::Call(write_all),
            I::LocalGet(stream),
            I::Call(imp(self, &fns::DROP_OUTPUT_STREAM)?),
            I::LocalGet(out_body),
            I::I32Const(0),
            I::I32Const(0),
            I::GlobalGet(g),
            I::Call(imp(self, &fns::BODY_FINISH)?),
            I::End,
        ]);
        // Wait for the response.
        code.extend([
            I::LocalGet(fut),
            I::Call(imp(self, &fns::FUTURE_SUBSCRIBE)?),
            I::LocalTee(pollable),
            I::Call(imp(self, &fns::POLLABLE_BLOCK)?),
            I::LocalGet(pollable),
            I::Call(imp(self, &fns::DROP_POLLABLE)?),
            I::LocalGet(fut),
            I::GlobalGet(g),
            I::Call(imp(self, &fns::FUTURE_GET)?),
            I::LocalGet(fut),
            I::Call(imp(self, &fns::DROP_FUTURE)?),
            I::GlobalGet(g),
            I::I32Load8U(at8(0)),
            I::I32Eqz,
            I::GlobalGet(g),
            I::I32Load8U(at8(8)),
            I::I32Or,
        ]);
        self.http_fail_if(f, &ty, "HTTP request failed: no response", code)?;
        code.extend([I::GlobalGet(g), I::I32Load8U(at8(16)), I::If(BlockType::Empty)]);
        self.http_fail_code(f, &ty, 24, code)?;
        code.extend([I::End, I::GlobalGet(g), I::I32Load(at(24)), I::LocalSet(resp)]);
        code.extend([
            I::LocalGet(resp),
            I::Call(imp(self, &fns::RESPONSE_STATUS)?),
            I::I64ExtendI32U,
            I::LocalSet(status),
        ]);
        // Headers: a map (entries are laid out as list<tuple<string, list<u8>>>); a repeated name
        // joins its values with ", "; values that are not UTF-8 are left out.
        code.extend([
            I::LocalGet(resp),
            I::Call(imp(self, &fns::RESPONSE_HEADERS)?),
            I::LocalTee(fields),
            I::GlobalGet(g),
            I::Call(imp(self, &fns::FIELDS_ENTRIES)?),
            I::LocalGet(fields),
            I::Call(imp(self, &fns::DROP_FIELDS)?),
            I::GlobalGet(g),
            I::I32Load(at(0)),
            I::LocalSet(list),
            I::GlobalGet(g),
            I::I32Load(at(4)),
            I::LocalSet(count),
            I::LocalGet(count),
            I::I32Const(16),
            I::I32Mul,
            I::I32Const(4),
            I::Call(alloc),
            I::LocalSet(hmap),
            I::I32Const(0),
            I::LocalSet(hl),
            I::I32Const(0),
            I::LocalSet(i),
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
            I::LocalSet(entry),
            I::LocalGet(entry),
            I::I32Load(mem(8, 2)),
            I::LocalGet(entry),
            I::I32Load(mem(12, 2)),
            I::Call(utf8),
            I::If(BlockType::Empty),
            // Look for the name among those kept so far.
            I::I32Const(0),
            I::LocalSet(j),
            I::Block(BlockType::Empty),
            I::Loop(BlockType::Empty),
            I::LocalGet(j),
            I::LocalGet(hl),
            I::I32GeU,
            I::BrIf(1),
            I::LocalGet(hmap),
            I::LocalGet(j),
            I::I32Const(16),
            I::I32Mul,
            I::I32Add,
            I::LocalTee(hp),
            I::I32Load(mem(0, 2)),
            I::LocalGet(hp),
            I::I32Load(mem(4, 2)),
            I::LocalGet(entry),
            I::I32Load(mem(0, 2)),
            I::LocalGet(entry),
            I::I32Load(mem(4, 2)),
            I::Call(eq),
            I::BrIf(1),
        ]);
        code.extend(add_to(j, I::I32Const(1)));
        let comma = self.data.intern(", ");
        code.extend([
            I::Br(0),
            I::End,
            I::End,
            I::LocalGet(j),
            I::LocalGet(hl),
            I::I32LtU,
            I::If(BlockType::Empty),
            // Seen: join the values.
            I::LocalGet(hp),
            I::I32Load(mem(8, 2)),
            I::LocalGet(hp),
            I::I32Load(mem(12, 2)),
            I::I32Const(comma as i32),
            I::I32Const(2),
            I::I32Const(1),
            I::Call(concat),
            I::LocalGet(entry),
            I::I32Load(mem(8, 2)),
            I::LocalGet(entry),
            I::I32Load(mem(12, 2)),
            I::I32Const(1),
            I::Call(concat),
            I::LocalSet(bl),
            I::LocalSet(bp),
            I::LocalGet(hp),
            I::LocalGet(bp),
            I::I32Store(mem(8, 2)),
            I::LocalGet(hp),
            I::LocalGet(bl),
            I::I32Store(mem(12, 2)),
            I::Else,
            I::LocalGet(hmap),
            I::LocalGet(hl),
            I::I32Const(16),
            I::I32Mul,
            I::I32Add,
            I::LocalGet(entry),
            I::I32Const(16),
            I::MemoryCopy { src_mem: 0, dst_mem: 0 },
            I::LocalGet(hl),
            I::I32Const(1),
            I::I32Add,
            I::LocalSet(hl),
            I::End,
            I::End,
        ]);
        code.extend(add_to(i, I::I32Const(1)));
        code.extend([I::Br(0), I::End, I::End]);
        // The body, read to its end.
        code.extend([
            I::LocalGet(resp),
            I::GlobalGet(g),
            I::Call(imp(self, &fns::RESPONSE_CONSUME)?),
            I::GlobalGet(g),
            I::I32Load8U(at8(0)),
        ]);
        self.http_fail_if(f, &ty, "HTTP request failed: the response has no body", code)?;
        code.extend([
            I::GlobalGet(g),
            I::I32Load(at(4)),
            I::LocalTee(out_body),
            I::GlobalGet(g),
            I::Call(imp(self, &fns::INCOMING_BODY_STREAM)?),
            I::GlobalGet(g),
            I::I32Load(at(4)),
            I::LocalSet(stream),
            I::I32Const(0),
            I::LocalSet(bp),
            I::I32Const(0),
            I::LocalSet(bl),
            I::Block(BlockType::Empty),
            I::Loop(BlockType::Empty),
            I::LocalGet(stream),
            I::I64Const(READ_CHUNK),
            I::GlobalGet(g),
            I::Call(imp(self, &fns::BLOCKING_READ)?),
            I::GlobalGet(g),
            I::I32Load8U(at8(0)),
            I::BrIf(1),
            I::LocalGet(bp),
            I::LocalGet(bl),
            I::GlobalGet(g),
            I::I32Load(at(4)),
            I::GlobalGet(g),
            I::I32Load(at(8)),
            I::I32Const(1),
            I::Call(concat),
            I::LocalSet(bl),
            I::LocalSet(bp),
            I::Br(0),
            I::End,
            I::End,
            // Closed is the end; a failed read leaves an error resource to drop.
            I::GlobalGet(g),
            I::I32Load8U(at8(4)),
            I::I32Eqz,
            I::LocalSet(tag),
            I::LocalGet(tag),
            I::If(BlockType::Empty),
            I::GlobalGet(g),
            I::I32Load(at(8)),
            I::Call(imp(self, &fns::DROP_IO_ERROR)?),
            I::End,
            I::LocalGet(stream),
            I::Call(imp(self, &fns::DROP_INPUT_STREAM)?),
            I::LocalGet(out_body),
            I::Call(imp(self, &fns::DROP_INCOMING_BODY)?),
            I::LocalGet(resp),
            I::Call(imp(self, &fns::DROP_RESPONSE)?),
            I::LocalGet(tag),
        ]);
        self.http_fail_if(f, &ty, "HTTP request failed: reading the response body failed", code)?;
        code.extend([I::LocalGet(bp), I::LocalGet(bl), I::Call(utf8), I::I32Eqz]);
        self.http_fail_if(f, &ty, "the response body is not UTF-8 text", code)?;
        code.extend([I::LocalGet(status), I::LocalGet(bp), I::LocalGet(bl), I::LocalGet(hmap), I::LocalGet(hl)]);
        emit_data(self, f, ComputeOp::Record(response_ty), &[], code)?;
        emit_data(self, f, ComputeOp::Variant(ty.clone(), 0), &[], code)?;
        Ok((vec![I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I64, I32, I32], vec![I32], frame.decls))
    }
}
