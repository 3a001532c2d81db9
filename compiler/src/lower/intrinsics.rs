//! Standard-library and extern calls (`Op::Intrinsic`). Console writes and delays are inline;
//! every other operation is one runtime helper (fs.rs, http.rs, kv.rs, json.rs, path.rs, ...)
//! that takes the arguments' representations and returns the result's.

use super::body::{Frame, push_value, store};
use super::fs::FsHelper;
use super::json::JsonOp;
use super::path::PathOp;
use super::regex::RegexOp;
use super::sql::DbHelper;
use super::url::UrlOp;
use super::*;
use crate::ir::LocalId;
use crate::stdlib::{JsonFn, KvOp, PathFn, RANDOM_U64, RegexFn, TimeFn, UrlFn, WALL_CLOCK_NOW, wasi};

#[allow(clippy::too_many_arguments)]
pub(super) fn emit_intrinsic(
    b: &mut Builder,
    program: &CheckedProgram,
    frame: &mut Frame,
    intrinsic: Intrinsic,
    args: &[Value],
    result: Option<LocalId>,
    returns: &Type,
    code: &mut Vec<I<'static>>,
) -> Result<(), String> {
    match intrinsic {
        Intrinsic::Write { stream, newline } => return write(b, frame, stream, newline, &args[0], code),
        Intrinsic::Delay => return delay(b, frame, &args[0], code),
        // The last database failure: a flag, or the `DbError` itself.
        Intrinsic::DbFailed | Intrinsic::DbError => {
            code.push(I::GlobalGet(b.db_error_global()));
            if intrinsic == Intrinsic::DbFailed {
                code.extend([I::I32Const(0), I::I32Ne]);
            }
            if let Some(local) = result {
                store(frame, local, code);
            } else {
                code.push(I::Drop);
            }
            return Ok(());
        }
        Intrinsic::Regex(f) => return regex_call(b, frame, f, args, result, returns, code),
        Intrinsic::Time(f) => {
            match f {
                TimeFn::Now => {
                    // A `datetime` record (seconds: u64, nanoseconds: u32) in the return area.
                    let now = b.import(&WALL_CLOCK_NOW)?;
                    code.extend([I::I32Const(RETPTR), I::Call(now), I::I32Const(RETPTR), I::I64Load(mem(0, 3))]);
                    code.extend([I::I64Const(1000), I::I64Mul, I::I32Const(RETPTR), I::I64Load32U(mem(8, 2))]);
                    code.extend([I::I64Const(1_000_000), I::I64DivU, I::I64Add]);
                }
                TimeFn::FromUnix => {
                    push_value(b, frame, &args[0], code);
                    code.extend([I::I64Const(1000), I::Call(b.helper(Helper::IntMul)?)]);
                }
                TimeFn::FromUnixMs | TimeFn::UnixMs => push_value(b, frame, &args[0], code),
            }
            match result {
                Some(local) => store(frame, local, code),
                None => code.push(I::Drop),
            }
            return Ok(());
        }
        _ => {}
    }
    // The helper, recording the result types it builds values of.
    let helper = match intrinsic {
        Intrinsic::Fs(op) => {
            b.fs_returns.insert(op, returns.clone());
            if let Type::Result(_, err) = returns {
                b.io_error.get_or_insert((**err).clone());
            }
            Some(Helper::Fs(FsHelper::Op(op)))
        }
        Intrinsic::EnvGet => {
            b.env_returns = Some(returns.clone());
            Some(Helper::EnvGet)
        }
        Intrinsic::Http => {
            b.http_returns = Some(returns.clone());
            Some(Helper::Http)
        }
        Intrinsic::Kv(op) => {
            if op == KvOp::Get {
                b.kv_get_returns = Some(returns.clone());
            }
            Some(Helper::Kv(op))
        }
        Intrinsic::RandomInt => Some(Helper::RandomInt),
        Intrinsic::ReplaceFirst => Some(Helper::ReplaceFirst),
        Intrinsic::PathResolve => Some(Helper::Path(PathOp::Resolve)),
        Intrinsic::RandomBytes => Some(Helper::RandomBytes),
        Intrinsic::Sha256 => Some(Helper::Sha256),
        Intrinsic::Path(f) => match f {
            PathFn::Join => Some(Helper::Path(PathOp::Join)),
            PathFn::Normalize => Some(Helper::Path(PathOp::Normalize)),
            PathFn::Dirname => Some(Helper::Path(PathOp::Dirname)),
            PathFn::Basename => Some(Helper::Path(PathOp::Basename)),
            PathFn::Extname => Some(Helper::Path(PathOp::Extname)),
            PathFn::IsAbsolute => None,
        },
        Intrinsic::Json(f) => Some(Helper::Json(match f {
            JsonFn::Parse => JsonOp::Parse,
            JsonFn::IsValid => JsonOp::IsValid,
            JsonFn::Stringify | JsonFn::Format => JsonOp::Stringify,
            JsonFn::Is(case) => JsonOp::Is(case),
            JsonFn::As(case) => JsonOp::As(case),
            JsonFn::GetField => JsonOp::GetField,
            JsonFn::GetIndex => JsonOp::GetIndex,
        })),
        Intrinsic::Url(f) => {
            // The Url type: parse's result, or format's argument.
            let url = match (returns, args.first().map(Value::ty)) {
                (Type::Result(ok, err), _) => Some(((**ok).clone(), (**err).clone())),
                (_, Some(t @ Type::Struct(_))) => {
                    Some((t, b.url_types.as_ref().map_or(Type::Error, |(_, e)| e.clone())))
                }
                _ => None,
            };
            if let Some(types) = url {
                b.url_types.get_or_insert(types);
            }
            if b.url_types.is_none() {
                // url.resolve alone: the types are the library's, found by name.
                b.url_types = std_url_types(b);
            }
            Some(Helper::Url(match f {
                UrlFn::Parse => UrlOp::Parse,
                UrlFn::Format => UrlOp::Format,
                UrlFn::Resolve => UrlOp::Resolve,
            }))
        }
        Intrinsic::Query(q) => Some(Helper::Db(DbHelper::Query(q))),
        Intrinsic::ProjectQuery => Some(Helper::ProjectQuery),
        Intrinsic::TxBegin(db) => Some(Helper::Db(DbHelper::Begin(db))),
        Intrinsic::TxCommit(db) => Some(Helper::Db(DbHelper::Commit(db))),
        Intrinsic::TxRollback(db) => Some(Helper::Db(DbHelper::Rollback(db))),
        Intrinsic::RandomFloat | Intrinsic::Extern(_) => None,
        // Emitted inline above; an error here would be a compiler bug, reported, not a panic.
        Intrinsic::Write { .. }
        | Intrinsic::Delay
        | Intrinsic::DbFailed
        | Intrinsic::DbError
        | Intrinsic::Regex(_)
        | Intrinsic::Time(_) => {
            return Err("console, delay and database failures are emitted inline".into());
        }
    };
    match (intrinsic, helper) {
        (Intrinsic::Extern(i), _) => {
            let ext = program.externs.get(i as usize).ok_or("extern without a binding")?;
            super::externs::emit_extern_call(b, frame, ext, args, code)?;
        }
        (_, Some(helper)) => {
            let helper = b.helper(helper)?;
            for a in args {
                push_value(b, frame, a, code);
            }
            if intrinsic == Intrinsic::Json(JsonFn::Stringify) {
                // Compact: no indent.
                code.extend([I::I32Const(0), I::I32Const(0)]);
            }
            code.push(I::Call(helper));
        }
        (Intrinsic::RandomFloat, None) => {
            // The top 53 bits, scaled: every Float k / 2^53.
            let random = b.import(&RANDOM_U64)?;
            code.extend([
                I::Call(random),
                I::I64Const(11),
                I::I64ShrU,
                I::F64ConvertI64U,
                I::F64Const((1.0f64 / 9_007_199_254_740_992.0).into()),
                I::F64Mul,
            ]);
        }
        (_, None) => {
            // path.is_absolute: a non-empty path whose first byte is '/'.
            push_value(b, frame, &args[0], code);
            let (p, l) = (frame.scratch(ValType::I32), frame.scratch(ValType::I32));
            code.extend([
                I::LocalSet(l),
                I::LocalSet(p),
                I::LocalGet(l),
                I::If(BlockType::Result(ValType::I32)),
                I::LocalGet(p),
                I::I32Load8U(mem(0, 0)),
                I::I32Const(b'/' as i32),
                I::I32Eq,
                I::Else,
                I::I32Const(0),
                I::End,
            ]);
        }
    }
    match result {
        Some(local) => store(frame, local, code),
        None => code.extend(b.abi().rep(returns).iter().map(|_| I::Drop)),
    }
    Ok(())
}

/// `text.regex_*`: the pattern compiled into the data segment, then the helper on the rest.
fn regex_call(
    b: &mut Builder,
    frame: &mut Frame,
    f: RegexFn,
    args: &[Value],
    result: Option<LocalId>,
    returns: &Type,
    code: &mut Vec<I<'static>>,
) -> Result<(), String> {
    let Some(Value::Str(pattern)) = args.first() else {
        return Err("a regex pattern that is not a literal reached lowering".into());
    };
    let program = crate::regex::compile(pattern).map_err(|e| e.message)?;
    let at = b.place_regex(&program);
    let op = match f {
        RegexFn::Test => RegexOp::Test,
        RegexFn::Match => RegexOp::Match,
        RegexFn::Replace | RegexFn::ReplaceAll => RegexOp::Replace,
        RegexFn::Split => RegexOp::Split,
    };
    let helper = b.helper(Helper::Regex(op))?;
    code.push(I::I32Const(at as i32));
    for a in &args[1..] {
        push_value(b, frame, a, code);
    }
    if op == RegexOp::Replace {
        code.push(I::I32Const(i32::from(f == RegexFn::ReplaceAll)));
    }
    code.push(I::Call(helper));
    match result {
        Some(local) => store(frame, local, code),
        None => code.extend(b.abi().rep(returns).iter().map(|_| I::Drop)),
    }
    Ok(())
}

/// `console.*`: the message, then a newline when asked, on stdout or stderr.
fn write(
    b: &mut Builder,
    frame: &mut Frame,
    stream: OutStream,
    newline: bool,
    message: &Value,
    code: &mut Vec<I<'static>>,
) -> Result<(), String> {
    let handle = b.helper(Helper::StreamHandle(stream))?;
    let write_all = b.helper(Helper::WriteAll)?;
    code.push(I::Call(handle));
    push_value(b, frame, message, code);
    code.push(I::Call(write_all));
    if newline {
        let nl = b.data.intern("\n");
        code.extend([I::Call(handle), I::I32Const(nl as i32), I::I32Const(1), I::Call(write_all)]);
    }
    Ok(())
}

/// `timers.delay(ms)` on the monotonic clock.
fn delay(b: &mut Builder, frame: &mut Frame, ms_value: &Value, code: &mut Vec<I<'static>>) -> Result<(), String> {
    let subscribe = b.import(&wasi("wasi:clocks/monotonic-clock", "subscribe-duration"))?;
    let block = b.import(&wasi("wasi:io/poll", "[method]pollable.block"))?;
    let drop = b.import(&wasi("wasi:io/poll", "[resource-drop]pollable"))?;
    let (ms, pollable) = (frame.scratch(ValType::I64), frame.scratch(ValType::I32));
    push_value(b, frame, ms_value, code);
    // nanoseconds = clamp(ms, 0, i64::MAX / 1e6) * 1e6: negative waits nothing, huge waits saturate.
    code.extend([
        I::LocalTee(ms),
        I::I64Const(0),
        I::LocalGet(ms),
        I::I64Const(0),
        I::I64GtS,
        I::Select,
        I::LocalTee(ms),
        I::I64Const(i64::MAX / 1_000_000),
        I::LocalGet(ms),
        I::I64Const(i64::MAX / 1_000_000),
        I::I64LtS,
        I::Select,
        I::I64Const(1_000_000),
        I::I64Mul,
        I::Call(subscribe),
        I::LocalTee(pollable),
        I::Call(block),
        I::LocalGet(pollable),
        I::Call(drop),
    ]);
    Ok(())
}

/// The program's `Url` and `UrlError` structs (declared when `url.*` is called).
fn std_url_types(b: &Builder) -> Option<(Type, Type)> {
    let find = |name: &str| {
        b.defs
            .defs
            .iter()
            .position(|d| matches!(d, crate::types::TypeDef::Struct { name: n, .. } if n == name))
            .map(|id| Type::Struct(crate::types::Named { id: id as u32, name: name.into() }))
    };
    Some((find("Url")?, find("UrlError")?))
}
