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
            Op::Intrinsic { intrinsic, args, result, returns } => {
                super::intrinsics::emit_intrinsic(b, program, frame, *intrinsic, args, *result, returns, code)?;
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
