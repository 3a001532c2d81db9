//! Function bodies: IR locals to wasm locals, and every IR operation but `compute`.

use super::compute::emit_compute;
use super::helpers::add_to;
use super::memory::load_rep;
use super::*;

/// Maps each IR local to its first wasm local index; scratch locals follow.
pub(super) struct Frame {
    pub(super) base: Vec<u32>,
    /// Each IR local's representation (its wasm value types).
    pub(super) reps: Vec<Vec<ValType>>,
    pub(super) decls: Vec<ValType>,
    pub(super) next: u32,
}

impl Frame {
    pub(super) fn scratch(&mut self, t: ValType) -> u32 {
        self.decls.push(t);
        self.next += 1;
        self.next - 1
    }
}

pub(super) fn emit_function(b: &mut Builder, program: &CheckedProgram, f: &IrFunction) -> Result<Function, String> {
    let reps: Vec<Vec<ValType>> = f.locals.iter().map(|t| b.abi().rep(t)).collect();
    let mut frame = Frame { base: vec![], reps: reps.clone(), decls: vec![], next: 0 };
    let n_params = f.params.len();
    for (i, parts) in reps.into_iter().enumerate() {
        frame.base.push(frame.next);
        frame.next += parts.len() as u32;
        if i >= n_params {
            frame.decls.extend(parts);
        }
    }
    let mut code = vec![];
    emit_ops(b, program, &mut frame, &f.body, &mut code)?;
    if f.returns != Type::Unit {
        // The checker proved every path returns; the fall-through end is unreachable.
        code.push(I::Unreachable);
    }
    code.push(I::End);
    let mut func = Function::new(frame.decls.iter().map(|t| (1, *t)));
    for ins in &code {
        func.instruction(ins);
    }
    Ok(func)
}

pub(super) fn store(frame: &Frame, local: u32, code: &mut Vec<I<'static>>) {
    let base = frame.base[local as usize];
    for i in (0..frame.reps[local as usize].len() as u32).rev() {
        code.push(I::LocalSet(base + i));
    }
}

pub(super) fn emit_ops(
    b: &mut Builder,
    program: &CheckedProgram,
    frame: &mut Frame,
    ops: &[Op],
    code: &mut Vec<I<'static>>,
) -> Result<(), String> {
    for op in ops {
        match op {
            Op::Intrinsic { intrinsic: Intrinsic::Write { stream, newline }, args, .. } => {
                let handle = b.helper(Helper::StreamHandle(*stream))?;
                let write_all = b.helper(Helper::WriteAll)?;
                code.push(I::Call(handle));
                push_value(b, frame, &args[0], code);
                code.push(I::Call(write_all));
                if *newline {
                    let nl = b.data.intern("\n");
                    code.extend([I::Call(handle), I::I32Const(nl as i32), I::I32Const(1), I::Call(write_all)]);
                }
            }
            Op::Intrinsic {
                intrinsic: intrinsic @ (Intrinsic::Fs(_) | Intrinsic::EnvGet | Intrinsic::Http | Intrinsic::Kv(_)),
                args,
                result,
                returns,
            } => {
                // One helper per operation, which builds the result value.
                let helper = match *intrinsic {
                    Intrinsic::Http => {
                        b.http_returns = Some(returns.clone());
                        Helper::Http
                    }
                    Intrinsic::Kv(op) => {
                        if op == crate::stdlib::KvOp::Get {
                            b.kv_get_returns = Some(returns.clone());
                        }
                        Helper::Kv(op)
                    }
                    Intrinsic::Fs(op) => {
                        b.fs_returns.insert(op, returns.clone());
                        if let Type::Result(_, err) = returns {
                            b.io_error.get_or_insert((**err).clone());
                        }
                        Helper::Fs(super::fs::FsHelper::Op(op))
                    }
                    _ => {
                        b.env_returns = Some(returns.clone());
                        Helper::EnvGet
                    }
                };
                let helper = b.helper(helper)?;
                for a in args {
                    push_value(b, frame, a, code);
                }
                code.push(I::Call(helper));
                match result {
                    Some(local) => store(frame, *local, code),
                    None => code.extend(b.abi().rep(returns).iter().map(|_| I::Drop)),
                }
            }
            Op::Intrinsic {
                intrinsic:
                    intrinsic @ (Intrinsic::RandomInt | Intrinsic::RandomFloat | Intrinsic::Sha256 | Intrinsic::Path(_)),
                args,
                result,
                ..
            } => {
                if let Intrinsic::Path(f) = *intrinsic {
                    for a in args {
                        push_value(b, frame, a, code);
                    }
                    use super::path::PathOp;
                    let op = match f {
                        crate::stdlib::PathFn::Join => PathOp::Join,
                        crate::stdlib::PathFn::Normalize => PathOp::Normalize,
                        crate::stdlib::PathFn::Dirname => PathOp::Dirname,
                        crate::stdlib::PathFn::Basename => PathOp::Basename,
                        crate::stdlib::PathFn::Extname => PathOp::Extname,
                        crate::stdlib::PathFn::IsAbsolute => {
                            // A non-empty path whose first byte is '/'.
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
                            if let Some(local) = result {
                                store(frame, *local, code);
                            } else {
                                code.push(I::Drop);
                            }
                            continue;
                        }
                    };
                    code.push(I::Call(b.helper(Helper::Path(op))?));
                } else if *intrinsic == Intrinsic::Sha256 {
                    for a in args {
                        push_value(b, frame, a, code);
                    }
                    code.push(I::Call(b.helper(Helper::Sha256)?));
                } else if *intrinsic == Intrinsic::RandomInt {
                    for a in args {
                        push_value(b, frame, a, code);
                    }
                    code.push(I::Call(b.helper(Helper::RandomInt)?));
                } else {
                    // The top 53 bits, scaled: every Float k / 2^53.
                    let random = b.import(&crate::stdlib::RANDOM_U64)?;
                    code.extend([
                        I::Call(random),
                        I::I64Const(11),
                        I::I64ShrU,
                        I::F64ConvertI64U,
                        I::F64Const((1.0f64 / 9_007_199_254_740_992.0).into()),
                        I::F64Mul,
                    ]);
                }
                match result {
                    Some(local) => store(frame, *local, code),
                    None => code.push(I::Drop),
                }
            }
            Op::Intrinsic { intrinsic: Intrinsic::Json(f), args, result, returns } => {
                use super::json::JsonOp;
                use crate::stdlib::JsonFn;
                for a in args {
                    push_value(b, frame, a, code);
                }
                let op = match *f {
                    JsonFn::Parse => JsonOp::Parse,
                    JsonFn::IsValid => JsonOp::IsValid,
                    JsonFn::Stringify => {
                        // No indent.
                        code.extend([I::I32Const(0), I::I32Const(0)]);
                        JsonOp::Stringify
                    }
                    JsonFn::Format => JsonOp::Stringify,
                    JsonFn::Is(case) => JsonOp::Is(case),
                    JsonFn::As(case) => JsonOp::As(case),
                    JsonFn::GetField => JsonOp::GetField,
                    JsonFn::GetIndex => JsonOp::GetIndex,
                };
                code.push(I::Call(b.helper(Helper::Json(op))?));
                match result {
                    Some(local) => store(frame, *local, code),
                    None => code.extend(b.abi().rep(returns).iter().map(|_| I::Drop)),
                }
            }
            Op::Intrinsic { intrinsic: Intrinsic::Extern(i), args, result, returns } => {
                let ext = program.externs.get(*i as usize).ok_or("extern without a binding")?;
                super::externs::emit_extern_call(b, frame, ext, args, code)?;
                match result {
                    Some(local) => store(frame, *local, code),
                    None => code.extend(b.abi().rep(returns).iter().map(|_| I::Drop)),
                }
            }
            Op::Intrinsic { intrinsic: Intrinsic::Delay, args, .. } => {
                let subscribe = b.import(&crate::stdlib::wasi("wasi:clocks/monotonic-clock", "subscribe-duration"))?;
                let block = b.import(&crate::stdlib::wasi("wasi:io/poll", "[method]pollable.block"))?;
                let drop = b.import(&crate::stdlib::wasi("wasi:io/poll", "[resource-drop]pollable"))?;
                let (ms, pollable) = (frame.scratch(ValType::I64), frame.scratch(ValType::I32));
                push_value(b, frame, &args[0], code);
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
            }
            Op::Set { local, value } => {
                push_value(b, frame, value, code);
                store(frame, *local, code);
            }
            Op::Compute { op, args, result } => {
                for a in args {
                    push_value(b, frame, a, code);
                }
                emit_compute(b, frame, op.clone(), args, code)?;
                store(frame, *result, code);
            }
            Op::Call { function, args, result } => {
                for a in args {
                    push_value(b, frame, a, code);
                }
                code.push(I::Call(b.user[*function]));
                match result {
                    Some(local) => store(frame, *local, code),
                    None => code.extend(b.abi().rep(&program.functions[*function].returns).iter().map(|_| I::Drop)),
                }
            }
            Op::If { cond, then, otherwise } => {
                push_value(b, frame, cond, code);
                code.push(I::If(BlockType::Empty));
                emit_ops(b, program, frame, then, code)?;
                if !otherwise.is_empty() {
                    code.push(I::Else);
                    emit_ops(b, program, frame, otherwise, code)?;
                }
                code.push(I::End);
            }
            Op::Return(v) => {
                push_value(b, frame, v, code);
                code.push(I::Return);
            }
            Op::For { list, elem, item, body } => {
                let (ptr, len, i) =
                    (frame.scratch(ValType::I32), frame.scratch(ValType::I32), frame.scratch(ValType::I32));
                let (size, _) = b.abi().size_align(elem);
                push_value(b, frame, list, code);
                code.extend([
                    I::LocalSet(len),
                    I::LocalSet(ptr),
                    I::I32Const(0),
                    I::LocalSet(i),
                    I::Block(BlockType::Empty),
                    I::Loop(BlockType::Empty),
                    I::LocalGet(i),
                    I::LocalGet(len),
                    I::I32GeU,
                    I::BrIf(1),
                    I::LocalGet(ptr),
                    I::LocalGet(i),
                    I::I32Const(size as i32),
                    I::I32Mul,
                    I::I32Add,
                ]);
                load_rep(b, frame, elem, 0, code);
                store(frame, *item, code);
                emit_ops(b, program, frame, body, code)?;
                code.extend(add_to(i, I::I32Const(1)));
                code.extend([I::Br(0), I::End, I::End]);
            }
        }
    }
    Ok(())
}

pub(super) fn push_value(b: &mut Builder, frame: &Frame, v: &Value, code: &mut Vec<I<'static>>) {
    match v {
        Value::Local(local, _) => {
            let base = frame.base[*local as usize];
            for i in 0..frame.reps[*local as usize].len() as u32 {
                code.push(I::LocalGet(base + i));
            }
        }
        Value::Str(s) => {
            let at = b.data.intern(s);
            code.extend([I::I32Const(at as i32), I::I32Const(s.len() as i32)]);
        }
        Value::Int(n) => code.push(I::I64Const(*n)),
        Value::Float(x) => code.push(I::F64Const((*x).into())),
        Value::Bool(x) => code.push(I::I32Const(i32::from(*x))),
        Value::List(items, elem) => {
            let (at, len) = b.data.list(items, elem);
            code.extend([I::I32Const(at as i32), I::I32Const(len as i32)]);
        }
        Value::EmptyMap(..) => code.extend([I::I32Const(0), I::I32Const(0)]),
        Value::Unit | Value::Poison => {}
    }
}
