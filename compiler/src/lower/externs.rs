//! Calls of `extern` snippets bound to a WASI function: each argument converted to the WIT
//! parameter's flat type, the import called, the result converted back (see `ir::ExternFn`).

use super::body::{Frame, push_value};
use super::compute::allocate;
use super::*;
use crate::ir::{ExternFn, ParamConv, ResultConv};

/// Emits the call; leaves the result's representation on the stack.
pub(super) fn emit_extern_call(
    b: &mut Builder,
    frame: &mut Frame,
    ext: &ExternFn,
    args: &[Value],
    code: &mut Vec<I<'static>>,
) -> Result<(), String> {
    let import = b.import(&ext.wasi_fn())?;
    for (arg, conv) in args.iter().zip(&ext.params) {
        push_value(b, frame, arg, code);
        match *conv {
            ParamConv::Same => {}
            ParamConv::Demote => code.push(I::F32DemoteF64),
            ParamConv::Narrow { bits, signed } => {
                // Out of the WIT type's range: the runtime error integer overflow, never a silent wrap.
                let overflow = b.helper(Helper::Trap(Fault::IntegerOverflow))?;
                let x = frame.scratch(ValType::I64);
                let shift = i64::from(64 - bits);
                code.push(I::LocalTee(x));
                if signed {
                    code.extend([I::LocalGet(x), I::I64Const(shift), I::I64Shl, I::I64Const(shift), I::I64ShrS]);
                    code.push(I::I64Ne);
                } else {
                    code.extend([I::I64Const(i64::from(bits)), I::I64ShrU, I::I64Const(0), I::I64Ne]);
                }
                code.extend([I::If(BlockType::Empty), I::Call(overflow), I::End, I::LocalGet(x), I::I32WrapI64]);
            }
        }
    }
    match ext.result {
        ResultConv::Area { size, align, pointer } => {
            let area = allocate(b, frame, size, align, code)?;
            code.extend([I::LocalGet(area), I::Call(import), I::LocalGet(area)]);
            if !pointer {
                code.extend([I::I32Load(mem(0, 2)), I::LocalGet(area), I::I32Load(mem(4, 2))]);
            }
        }
        ResultConv::Unit | ResultConv::Same => code.push(I::Call(import)),
        ResultConv::Widen { signed } => {
            code.extend([I::Call(import), if signed { I::I64ExtendI32S } else { I::I64ExtendI32U }]);
        }
        ResultConv::Promote => code.extend([I::Call(import), I::F64PromoteF32]),
    }
    Ok(())
}
