//! Lowering: the checked program to a core wasm module with wasm-encoder. Every import name,
//! export name and signature comes from wit-parser (the canonical ABI's `Legacy` mangling, as
//! wit-bindgen emits), never from hand-written strings.
//!
//! Memory layout: bytes 0..8 unused (so no value lives at address 0), 8..24 a return-pointer
//! scratch area for import results, string literals from 32 on.

use crate::ir::{CheckedProgram, Op, Value};
use crate::plan::{WorldPlan, versioned};
use crate::stdlib::{Intrinsic, OutStream, WasiFn};
use crate::types::Type;
use std::collections::HashMap;
use wasm_encoder::{
    CodeSection, ConstExpr, DataSection, EntityType, ExportKind, ExportSection, Function, FunctionSection,
    GlobalSection, GlobalType, ImportSection, Instruction as I, MemArg, MemArgTarget, MemorySection, MemoryType, Module,
    TypeSection, ValType,
};
use wit_parser::{
    Function as WitFunction, LiftLowerAbi, ManglingAndAbi, Resolve, WasmExport, WasmExportKind, WasmImport,
    WorldId, WorldItem, WorldKey, abi::{AbiVariant, WasmType},
};

const RETPTR: i32 = 8;
const DATA_START: u32 = 32;
/// `blocking-write-and-flush` accepts at most this many bytes per call.
const MAX_WRITE: i32 = 4096;
const MANGLING: ManglingAndAbi = ManglingAndAbi::Legacy(LiftLowerAbi::Sync);

struct Import {
    module: String,
    name: String,
    params: Vec<ValType>,
    results: Vec<ValType>,
}

/// String literals laid out in the data segment, each stored once.
#[derive(Default)]
struct DataPool {
    bytes: Vec<u8>,
    offsets: HashMap<String, u32>,
}

impl DataPool {
    fn intern(&mut self, s: &str) -> u32 {
        if let Some(&o) = self.offsets.get(s) {
            return o;
        }
        let o = DATA_START + self.bytes.len() as u32;
        self.bytes.extend_from_slice(s.as_bytes());
        self.offsets.insert(s.to_string(), o);
        o
    }
}

fn val_type(t: WasmType) -> ValType {
    match t {
        WasmType::I32 | WasmType::Pointer | WasmType::Length => ValType::I32,
        WasmType::I64 | WasmType::PointerOrI64 => ValType::I64,
        WasmType::F32 => ValType::F32,
        WasmType::F64 => ValType::F64,
    }
}

fn find_interface<'r>(resolve: &'r Resolve, world: WorldId, name: &str) -> Option<(&'r WorldKey, wit_parser::InterfaceId)> {
    resolve.worlds[world].imports.iter().chain(resolve.worlds[world].exports.iter()).find_map(|(key, item)| match item {
        WorldItem::Interface { id, .. } if resolve.id_of(*id).as_deref() == Some(name) => Some((key, *id)),
        _ => None,
    })
}

fn wit_import(resolve: &Resolve, world: WorldId, f: &WasiFn) -> Result<Import, String> {
    let name = versioned(f.interface);
    let (key, id) = find_interface(resolve, world, &name).ok_or(format!("world does not import {name}"))?;
    let func: &WitFunction =
        resolve.interfaces[id].functions.get(f.function).ok_or(format!("{name} has no function {}", f.function))?;
    let (module, name) = resolve.wasm_import_name(MANGLING, WasmImport::Func { interface: Some(key), func });
    let sig = resolve.wasm_signature(AbiVariant::GuestImport, func);
    Ok(Import {
        module,
        name,
        params: sig.params.into_iter().map(val_type).collect(),
        results: sig.results.into_iter().map(val_type).collect(),
    })
}

/// Indices of the helper functions a module needs, decided before any code is emitted.
#[derive(Default)]
struct Helpers {
    write_all: Option<u32>,
    stream_handle: HashMap<OutStream, (u32, u32)>, // stream -> (function, global)
}

struct Builder {
    types: Vec<(Vec<ValType>, Vec<ValType>)>,
    imports: Vec<(Import, u32)>,
    import_index: HashMap<WasiFn, u32>,
    functions: Vec<(u32, Function)>,
    data: DataPool,
    globals: u32,
    helpers: Helpers,
}

impl Builder {
    fn type_index(&mut self, params: Vec<ValType>, results: Vec<ValType>) -> u32 {
        let key = (params, results);
        match self.types.iter().position(|t| *t == key) {
            Some(i) => i as u32,
            None => {
                self.types.push(key);
                self.types.len() as u32 - 1
            }
        }
    }

    fn defined_base(&self) -> u32 {
        self.imports.len() as u32
    }
}

fn local_types(ty: &Type) -> Vec<ValType> {
    match ty {
        Type::String => vec![ValType::I32, ValType::I32],
        Type::Int => vec![ValType::I64],
        Type::Float => vec![ValType::F64],
        Type::Bool => vec![ValType::I32],
        Type::Unit | Type::Error => vec![],
    }
}

pub fn lower(program: &CheckedProgram, plan: &WorldPlan, resolve: &Resolve, world: WorldId) -> Result<Vec<u8>, String> {
    let mut b = Builder {
        types: vec![],
        imports: vec![],
        import_index: HashMap::new(),
        functions: vec![],
        data: DataPool::default(),
        globals: 0,
        helpers: Helpers::default(),
    };
    for f in &plan.wasi_fns {
        let imp = wit_import(resolve, world, f)?;
        let ty = b.type_index(imp.params.clone(), imp.results.clone());
        b.import_index.insert(f.clone(), b.imports.len() as u32);
        b.imports.push((imp, ty));
    }

    // Decide helper indices up front: write_all, then one handle getter per stream used.
    let mut streams: Vec<OutStream> = program
        .effect_uses
        .iter()
        .map(|u| match u.intrinsic {
            Intrinsic::Write { stream, .. } => stream,
        })
        .collect();
    streams.sort();
    streams.dedup();
    let mut next = b.defined_base();
    if !streams.is_empty() {
        b.helpers.write_all = Some(next);
        next += 1;
    }
    for s in &streams {
        b.helpers.stream_handle.insert(*s, (next, b.globals));
        next += 1;
        b.globals += 1;
    }
    if let Some(idx) = b.helpers.write_all {
        debug_assert_eq!(idx, b.defined_base());
        emit_write_all(&mut b)?;
    }
    for s in &streams {
        emit_stream_handle(&mut b, *s)?;
    }

    let mut exports = ExportSection::new();
    for export in &plan.exports {
        let func = program.functions.iter().find(|f| f.name == export.function).ok_or("export without function")?;
        let (key, id) = find_interface(resolve, world, &export.name).ok_or("run interface missing")?;
        let run = resolve.interfaces[id].functions.get("run").ok_or("wasi:cli/run has no run")?;
        let name = resolve.wasm_export_name(
            MANGLING,
            WasmExport::Func { interface: Some(key), func: run, kind: WasmExportKind::Normal },
        );
        let idx = b.defined_base() + b.functions.len() as u32;
        let body = emit_run(&mut b, func)?;
        let ty = b.type_index(vec![], vec![ValType::I32]);
        b.functions.push((ty, body));
        exports.export(&name, ExportKind::Func, idx);
    }
    exports.export("memory", ExportKind::Memory, 0);
    Ok(encode(b, exports))
}

fn emit_write_all(b: &mut Builder) -> Result<(), String> {
    let write = WasiFn { interface: "wasi:io/streams", function: "[method]output-stream.blocking-write-and-flush" };
    let write_idx = b.import_index[&write];
    let (imp, _) = &b.imports[write_idx as usize];
    if imp.params != [ValType::I32; 4] || !imp.results.is_empty() {
        return Err("unexpected signature for blocking-write-and-flush".into());
    }
    // (handle, ptr, len); local 3 = chunk
    let (handle, ptr, len, chunk) = (0, 1, 2, 3);
    let mut f = Function::new([(1, ValType::I32)]);
    for ins in [
        I::Block(wasm_encoder::BlockType::Empty),
        I::Loop(wasm_encoder::BlockType::Empty),
        I::LocalGet(len),
        I::I32Eqz,
        I::BrIf(1),
        // chunk = min(len, MAX_WRITE)
        I::LocalGet(len),
        I::I32Const(MAX_WRITE),
        I::LocalGet(len),
        I::I32Const(MAX_WRITE),
        I::I32LtU,
        I::Select,
        I::LocalSet(chunk),
        I::LocalGet(handle),
        I::LocalGet(ptr),
        I::LocalGet(chunk),
        I::I32Const(RETPTR),
        I::Call(write_idx),
        // A failed write (closed stream) ends the write; output is best effort, like a closed pipe.
        I::I32Const(RETPTR),
        I::I32Load8U(MemArg { offset: 0, align: 0, target: MemArgTarget::Memory(0), ordering: None }),
        I::BrIf(1),
        I::LocalGet(ptr),
        I::LocalGet(chunk),
        I::I32Add,
        I::LocalSet(ptr),
        I::LocalGet(len),
        I::LocalGet(chunk),
        I::I32Sub,
        I::LocalSet(len),
        I::Br(0),
        I::End,
        I::End,
        I::End,
    ] {
        f.instruction(&ins);
    }
    let ty = b.type_index(vec![ValType::I32; 3], vec![]);
    b.functions.push((ty, f));
    Ok(())
}

/// A function returning the stream's handle, fetched once and cached in a global (-1 = not yet).
fn emit_stream_handle(b: &mut Builder, stream: OutStream) -> Result<(), String> {
    let getter = match stream {
        OutStream::Stdout => WasiFn { interface: "wasi:cli/stdout", function: "get-stdout" },
        OutStream::Stderr => WasiFn { interface: "wasi:cli/stderr", function: "get-stderr" },
    };
    let get_idx = b.import_index[&getter];
    let global = b.helpers.stream_handle[&stream].1;
    let mut f = Function::new([]);
    for ins in [
        I::GlobalGet(global),
        I::I32Const(-1),
        I::I32Eq,
        I::If(wasm_encoder::BlockType::Empty),
        I::Call(get_idx),
        I::GlobalSet(global),
        I::End,
        I::GlobalGet(global),
        I::End,
    ] {
        f.instruction(&ins);
    }
    let ty = b.type_index(vec![], vec![ValType::I32]);
    b.functions.push((ty, f));
    Ok(())
}

/// Maps each IR local to its first wasm local index.
struct Locals {
    index: HashMap<String, (u32, Type)>,
    decls: Vec<(u32, ValType)>,
}

fn emit_run(b: &mut Builder, func: &crate::ir::Function) -> Result<Function, String> {
    let mut locals = Locals { index: HashMap::new(), decls: vec![] };
    let mut next = 0u32;
    for (name, ty) in &func.locals {
        locals.index.insert(name.clone(), (next, ty.clone()));
        for vt in local_types(ty) {
            locals.decls.push((1, vt));
            next += 1;
        }
    }
    let mut code: Vec<I<'static>> = vec![];
    for op in &func.body {
        match op {
            Op::Intrinsic { intrinsic: Intrinsic::Write { stream, newline }, args } => {
                let (handle_fn, _) = b.helpers.stream_handle[stream];
                let write_all = b.helpers.write_all.ok_or("write_all missing")?;
                code.push(I::Call(handle_fn));
                push_value(b, &locals, &args[0], &mut code)?;
                code.push(I::Call(write_all));
                if *newline {
                    let nl = b.data.intern("\n");
                    code.extend([I::Call(handle_fn), I::I32Const(nl as i32), I::I32Const(1), I::Call(write_all)]);
                }
            }
            Op::Set { local, value } => {
                let (base, ty) = locals.index.get(local).cloned().ok_or(format!("unknown local {local}"))?;
                push_value(b, &locals, value, &mut code)?;
                let n = local_types(&ty).len() as u32;
                for i in (0..n).rev() {
                    code.push(I::LocalSet(base + i));
                }
            }
            Op::Return(_) => code.extend([I::I32Const(0), I::Return]),
        }
    }
    code.extend([I::I32Const(0), I::End]);
    let mut f = Function::new(locals.decls.iter().copied());
    for ins in &code {
        f.instruction(ins);
    }
    Ok(f)
}

fn push_value(b: &mut Builder, locals: &Locals, v: &Value, code: &mut Vec<I<'static>>) -> Result<(), String> {
    match v {
        Value::Local(name, _) => {
            let (base, ty) = locals.index.get(name).cloned().ok_or(format!("unknown local {name}"))?;
            for i in 0..local_types(&ty).len() as u32 {
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
        Value::Unit => {}
    }
    Ok(())
}

fn encode(b: Builder, exports: ExportSection) -> Vec<u8> {
    let mut module = Module::new();
    let mut types = TypeSection::new();
    for (p, r) in &b.types {
        types.ty().function(p.iter().copied(), r.iter().copied());
    }
    module.section(&types);
    let mut imports = ImportSection::new();
    for (imp, ty) in &b.imports {
        imports.import(&imp.module, &imp.name, EntityType::Function(*ty));
    }
    module.section(&imports);
    let mut funcs = FunctionSection::new();
    for (ty, _) in &b.functions {
        funcs.function(*ty);
    }
    module.section(&funcs);
    let data_end = DATA_START as u64 + b.data.bytes.len() as u64;
    let mut memories = MemorySection::new();
    memories.memory(MemoryType {
        minimum: data_end.div_ceil(65536).max(1),
        maximum: None,
        memory64: false,
        shared: false,
        page_size_log2: None,
    });
    module.section(&memories);
    let mut globals = GlobalSection::new();
    for _ in 0..b.globals {
        globals.global(GlobalType { val_type: ValType::I32, mutable: true, shared: false }, &ConstExpr::i32_const(-1));
    }
    module.section(&globals);
    module.section(&exports);
    let mut code = CodeSection::new();
    for (_, f) in &b.functions {
        code.function(f);
    }
    module.section(&code);
    if !b.data.bytes.is_empty() {
        let mut data = DataSection::new();
        data.active(0, &ConstExpr::i32_const(DATA_START as i32), b.data.bytes.iter().copied());
        module.section(&data);
    }
    module.finish()
}
