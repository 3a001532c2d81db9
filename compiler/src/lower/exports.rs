//! Export wrappers: the canonical ABI between a component's caller and the internal functions.

use super::body::Frame;
use super::compute::allocate;
use super::memory::load_rep;
use super::*;

/// The world's exports by name: functions at the world's top level, and `wasi:cli/run`'s `run`
/// under the interface's name; with the key wit-parser needs for their core names.
pub(super) fn export_funcs(resolve: &Resolve, world: WorldId) -> HashMap<String, (Option<&WorldKey>, &WitFunction)> {
    let mut out = HashMap::new();
    for (key, item) in &resolve.worlds[world].exports {
        match item {
            WorldItem::Function(f) => {
                out.insert(f.name.clone(), (None, f));
            }
            WorldItem::Interface { id, .. } => {
                if let (Some(name), Some(run)) = (resolve.id_of(*id), resolve.interfaces[*id].functions.get("run")) {
                    out.insert(name, (Some(key), run));
                }
            }
            _ => {}
        }
    }
    out
}

pub(super) fn emit_export(
    b: &mut Builder,
    program: &CheckedProgram,
    index: usize,
    export: &crate::plan::ExportRow,
    key: Option<&WorldKey>,
    wit_fn: &WitFunction,
) -> Result<(), String> {
    let f = &program.functions[index];
    let resolve = b.resolve;
    let core_name = resolve
        .wasm_export_name(MANGLING, WasmExport::Func { interface: key, func: wit_fn, kind: WasmExportKind::Normal });
    let sig = resolve.wasm_signature(AbiVariant::GuestExport, wit_fn);
    let params: Vec<ValType> = sig.params.iter().copied().map(val_type).collect();
    let results: Vec<ValType> = sig.results.iter().copied().map(val_type).collect();
    let internal = b.user[index];
    let idx = b.reserve(format!("export {}", export.name));
    let is_run = key.is_some();
    let mut frame = Frame { base: vec![], reps: vec![], decls: vec![], next: params.len() as u32 };
    let mut code: Vec<I<'static>> = vec![];
    let param_types = f.param_types();
    // Lift the arguments into their internal representations.
    if sig.indirect_params {
        // Too many flat values: the caller passed a pointer to them, laid out as a record.
        let (offsets, ..) = b.abi().record(&param_types);
        for (t, offset) in param_types.iter().zip(offsets) {
            code.push(I::LocalGet(0));
            load_rep(b, &mut frame, t, offset, &mut code);
        }
    } else {
        let mut next = 0u32;
        for t in &param_types {
            let flat = b.abi().flat(t);
            let srcs: Vec<(u32, ValType)> = flat.iter().enumerate().map(|(i, v)| (next + i as u32, *v)).collect();
            next += flat.len() as u32;
            if t.is_compound() {
                let (size, align) = b.abi().size_align(t);
                let p = allocate(b, &mut frame, size, align, &mut code)?;
                store_flat(b, t, &srcs, p, 0, &mut code);
                code.push(I::LocalGet(p));
            } else {
                code.extend(srcs.iter().map(|(l, _)| I::LocalGet(*l)));
                // A set from the caller is a list that may repeat values: keep the first of each.
                if let Type::Set(elem) = t
                    && let Some(kind) = super::lists::ElemKind::of(elem)
                {
                    code.push(I::Call(b.helper(Helper::List(super::lists::ListOp::Dedup(kind)))?));
                }
            }
        }
    }
    code.push(I::Call(internal));
    if is_run {
        // `run` returns result<_, _>: 0 is ok.
        code.push(I::I32Const(0));
    } else if sig.retptr {
        // More than one flat result: the caller reads them from the returned address, laid out as
        // the canonical ABI says, which is how compound values already live in memory.
        if matches!(f.returns, Type::String | Type::Bytes | Type::List(_) | Type::Set(_) | Type::Map(..)) {
            let alloc = b.helper(Helper::Alloc)?;
            let (len, ptr, area) =
                (frame.scratch(ValType::I32), frame.scratch(ValType::I32), frame.scratch(ValType::I32));
            code.extend([
                I::LocalSet(len),
                I::LocalSet(ptr),
                I::I32Const(8),
                I::I32Const(4),
                I::Call(alloc),
                I::LocalTee(area),
                I::LocalGet(ptr),
                I::I32Store(mem(0, 2)),
                I::LocalGet(area),
                I::LocalGet(len),
                I::I32Store(mem(4, 2)),
                I::LocalGet(area),
            ]);
        }
    } else if f.returns.is_compound() {
        // One flat result (a one-field record, an enum without data): read it out.
        load_flat_one(b, &f.returns, 0, &mut code);
    }
    code.push(I::End);
    let mut func = Function::new(frame.decls.iter().map(|t| (1, *t)));
    for ins in &code {
        func.instruction(ins);
    }
    b.define(idx, params, results.clone(), func);
    b.exports.export(&core_name, ExportKind::Func, idx);
    if !is_run {
        // After the host has read the results, the arena is reset: a long-lived instance serving
        // many calls does not grow.
        let (heap, base) = b.heap_globals();
        let post = resolve.wasm_export_name(
            MANGLING,
            WasmExport::Func { interface: key, func: wit_fn, kind: WasmExportKind::PostReturn },
        );
        let post_idx = b.reserve(format!("post-return {}", export.name));
        let mut pf = Function::new([]);
        for ins in [I::GlobalGet(base), I::GlobalSet(heap), I::End] {
            pf.instruction(&ins);
        }
        // A post-return function takes the export's flat results as its parameters.
        b.define(post_idx, results, vec![], pf);
        b.exports.export(&post, ExportKind::Func, post_idx);
        let needs_memory = sig.indirect_params || param_types.iter().any(|t| b.abi().has_pointers(t));
        if needs_memory && !b.helpers.contains_key(&Helper::Realloc) {
            let realloc = b.helper(Helper::Realloc)?;
            b.exports.export(super::REALLOC_EXPORT, ExportKind::Func, realloc);
        }
    }
    Ok(())
}

/// Pushes the local `src` converted to `want`, undoing the canonical ABI's join of variant cases.
fn get_as(src: (u32, ValType), want: ValType, code: &mut Vec<I<'static>>) {
    code.push(I::LocalGet(src.0));
    match (src.1, want) {
        (ValType::I64, ValType::I32) => code.push(I::I32WrapI64),
        (ValType::I64, ValType::F64) => code.push(I::F64ReinterpretI64),
        (ValType::I64, ValType::F32) => code.extend([I::I32WrapI64, I::F32ReinterpretI32]),
        (ValType::I32, ValType::F32) => code.push(I::F32ReinterpretI32),
        _ => {}
    }
}

/// Stores a value given as flat values (`srcs`: local and its type) at `addr + offset`, in the
/// canonical ABI's memory layout.
fn store_flat(b: &Builder, ty: &Type, srcs: &[(u32, ValType)], addr: u32, offset: u32, code: &mut Vec<I<'static>>) {
    let o = u64::from(offset);
    match ty {
        Type::Int | Type::DateTime => {
            code.push(I::LocalGet(addr));
            get_as(srcs[0], ValType::I64, code);
            code.push(I::I64Store(mem(o, 3)));
        }
        Type::Float => {
            code.push(I::LocalGet(addr));
            get_as(srcs[0], ValType::F64, code);
            code.push(I::F64Store(mem(o, 3)));
        }
        Type::Bool => {
            code.push(I::LocalGet(addr));
            get_as(srcs[0], ValType::I32, code);
            code.push(I::I32Store8(mem(o, 0)));
        }
        Type::String | Type::Bytes | Type::List(_) | Type::Set(_) | Type::Map(..) => {
            for (i, src) in srcs.iter().take(2).enumerate() {
                code.push(I::LocalGet(addr));
                get_as(*src, ValType::I32, code);
                code.push(I::I32Store(mem(o + 4 * i as u64, 2)));
            }
        }
        Type::Unit | Type::Error => {}
        Type::Struct(_) => {
            let mut next = 0;
            for (t, foff) in b.abi().struct_offsets(ty) {
                let n = b.abi().flat(&t).len();
                store_flat(b, &t, &srcs[next..next + n], addr, offset + foff, code);
                next += n;
            }
        }
        _ => {
            let layout = b.abi().variant(ty);
            code.push(I::LocalGet(addr));
            get_as(srcs[0], ValType::I32, code);
            code.push(match layout.tag_size {
                1 => I::I32Store8(mem(o, 0)),
                2 => I::I32Store16(mem(o, 1)),
                _ => I::I32Store(mem(o, 2)),
            });
            for (case, fields) in layout.cases.iter().enumerate() {
                if fields.is_empty() {
                    continue;
                }
                get_as(srcs[0], ValType::I32, code);
                code.extend([I::I32Const(case as i32), I::I32Eq, I::If(BlockType::Empty)]);
                let mut next = 1;
                for (t, foff) in fields {
                    let n = b.abi().flat(t).len();
                    store_flat(b, t, &srcs[next..next + n], addr, offset + foff, code);
                    next += n;
                }
                code.push(I::End);
            }
        }
    }
}

/// Replaces the address on the stack with the single flat value of a compound value stored there
/// (a one-field record, possibly nested, or a variant without payloads).
fn load_flat_one(b: &Builder, ty: &Type, offset: u32, code: &mut Vec<I<'static>>) {
    let o = u64::from(offset);
    match ty {
        Type::Int | Type::DateTime => code.push(I::I64Load(mem(o, 3))),
        Type::Float => code.push(I::F64Load(mem(o, 3))),
        Type::Bool => code.push(I::I32Load8U(mem(o, 0))),
        Type::Struct(_) => {
            let fields = b.abi().struct_offsets(ty);
            if let Some((t, foff)) = fields.iter().find(|(t, _)| !b.abi().flat(t).is_empty()) {
                load_flat_one(b, t, offset + foff, code);
            }
        }
        _ => code.push(match b.abi().variant(ty).tag_size {
            1 => I::I32Load8U(mem(o, 0)),
            2 => I::I32Load16U(mem(o, 1)),
            _ => I::I32Load(mem(o, 2)),
        }),
    }
}
