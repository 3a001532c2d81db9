//! Lowering: the checked program to a core wasm module with wasm-encoder. Every import name,
//! export name and signature comes from wit-parser (the canonical ABI's `Legacy` mangling, as
//! wit-bindgen emits), never from hand-written strings.
//!
//! Values live in wasm locals, flattened: Int -> i64, Float -> f64, Bool -> i32, String ->
//! (i32 pointer, i32 length) of UTF-8, Unit -> nothing. Each Covenant function becomes an internal
//! function over flattened values; exports are thin wrappers that follow the canonical ABI.
//!
//! Memory: bytes 0..8 unused (no value lives at address 0), 8..24 a return area for import
//! results, string literals from 32, then the arena. The arena is a bump allocator (`cabi_realloc`
//! uses it too) reset after every export call by its post-return function (`cm32p2||name_post`).

use crate::abi::Abi;
use crate::ir::{CheckedProgram, Cmp, ComputeOp, Function as IrFunction, Op, Value};
use crate::plan::{WorldPlan, versioned};
use crate::stdlib::{Intrinsic, OutStream, WasiFn};
use crate::types::{Type, TypeDefs};
use std::collections::HashMap;

mod body;
mod bytes;
mod compute;
mod compute_data;
mod data;
mod datetime;
mod digest;
mod env;
mod equality;
mod exports;
mod externs;
mod float_parse;
mod float_text;
mod fs;
mod helpers;
mod http;
mod intrinsics;
mod json;
mod json_parse;
mod kv;
mod lists;
mod maps;
mod memory;
mod path;
mod project;
mod regex;
mod sql;
mod text;
mod url;
mod url_parse;

use body::emit_function;
use data::DataPool;
use exports::{emit_export, export_funcs};
use helpers::{Fault, Helper};
use wasm_encoder::{
    BlockType, CodeSection, ConstExpr, DataSection, EntityType, ExportKind, ExportSection, Function, FunctionSection,
    GlobalSection, GlobalType, ImportSection, Instruction as I, MemArg, MemArgTarget, MemorySection, MemoryType,
    Module, NameMap, NameSection, TypeSection, ValType,
};
use wit_parser::{
    Function as WitFunction, ManglingAndAbi, Resolve, WasmExport, WasmExportKind, WasmImport, WorldId, WorldItem,
    WorldKey,
    abi::{AbiVariant, WasmType},
};

const RETPTR: i32 = 8;
const DATA_START: u32 = 32;
/// `blocking-write-and-flush` accepts at most this many bytes per call.
const MAX_WRITE: i32 = 4096;
/// The standard (`cm32p2`) core names: wit-component looks each export up by name, where the
/// legacy names made it search every world export for each one (quadratic in the exports).
const MANGLING: ManglingAndAbi = ManglingAndAbi::Standard32;
/// The core module's memory and allocator under that mangling.
const MEMORY_EXPORT: &str = "cm32p2_memory";
const REALLOC_EXPORT: &str = "cm32p2_realloc";

fn mem(offset: u64, align: u32) -> MemArg {
    MemArg { offset, align, target: MemArgTarget::Memory(0), ordering: None }
}

struct Import {
    module: String,
    name: String,
    params: Vec<ValType>,
    results: Vec<ValType>,
}

fn val_type(t: WasmType) -> ValType {
    match t {
        WasmType::I32 | WasmType::Pointer | WasmType::Length => ValType::I32,
        WasmType::I64 | WasmType::PointerOrI64 => ValType::I64,
        WasmType::F32 => ValType::F32,
        WasmType::F64 => ValType::F64,
    }
}

struct Builder<'r> {
    resolve: &'r Resolve,
    defs: &'r TypeDefs,
    types: Vec<(Vec<ValType>, Vec<ValType>)>,
    imports: Vec<(Import, u32)>,
    import_index: HashMap<WasiFn, u32>,
    /// Defined functions by index (offset by the import count); `None` while being generated.
    functions: Vec<Option<(u32, Function)>>,
    names: Vec<(u32, String)>,
    helpers: HashMap<Helper, u32>,
    /// Internal function index of each IR function.
    user: Vec<u32>,
    data: DataPool,
    /// Globals: (initial value source, mutable).
    globals: Vec<GlobalInit>,
    heap: Option<(u32, u32)>, // (heap pointer, heap base)
    /// Static scratch memory after the data segment (zeroed, never in the arena): its global
    /// and size in bytes.
    scratch: Option<u32>,
    scratch_size: u32,
    /// The types that have an equality helper (`Helper::Eq` indexes this).
    eq_types: Vec<Type>,
    /// The result type of each `fs.*` operation used, and the program's `IoError`.
    fs_returns: HashMap<crate::stdlib::FsOp, Type>,
    io_error: Option<Type>,
    /// Static return area for filesystem and HTTP imports (global, offset), reserved on first use.
    ret_area_at: Option<(u32, u32)>,
    /// The result type of `http.*` (`Response | HttpError`).
    http_returns: Option<Type>,
    /// The program's `Url` and `UrlError` types, when it uses `url.*`.
    url_types: Option<(Type, Type)>,
    /// The globals of the JSON parser and writer, made on first use.
    json_state: Option<json::JsonState>,
    /// The regex matcher's backtrack stack (buffer, top, capacity globals), made on first use.
    regex_stack: Option<(u32, u32, u32)>,
    /// The result type of `std.storage.kv.get` (`String?`).
    kv_get_returns: Option<Type>,
    /// The result type of `os.env_get` (`String?`).
    env_returns: Option<Type>,
    /// Set when something the host handed over must outlive export calls (the preopens): the
    /// arena's base global becomes mutable and moves past it.
    pin_arena: bool,
    /// The `covenant:capabilities` custom section (declared paths and hosts), when there are any.
    capabilities: Option<Vec<u8>>,
    exports: ExportSection,
    /// The program's databases and queries, and the globals their helpers share.
    databases: Vec<crate::ir::Database>,
    queries: Vec<crate::ir::SqlQuery>,
    db: sql::DbGlobals,
    /// The symbol graph (JSON), for the `covenant:symbols` section.
    symbols: Option<String>,
}

#[derive(Clone, Copy)]
enum GlobalInit {
    MinusOne,
    Zero,
    HeapBase,
    /// The start of the static scratch memory (immutable).
    Scratch,
}

impl<'r> Builder<'r> {
    fn abi(&self) -> Abi<'r> {
        Abi { defs: self.defs }
    }

    /// Reserves `bytes` of static scratch memory (8-aligned): the global holding its base, and the
    /// offset of this reservation from it.
    fn scratch(&mut self, bytes: u32) -> (u32, u32) {
        let global = *self.scratch.get_or_insert_with(|| {
            self.globals.push(GlobalInit::Scratch);
            self.globals.len() as u32 - 1
        });
        let offset = self.scratch_size;
        self.scratch_size += bytes.next_multiple_of(8);
        (global, offset)
    }

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

    fn reserve(&mut self, name: impl Into<String>) -> u32 {
        let idx = self.imports.len() as u32 + self.functions.len() as u32;
        self.functions.push(None);
        self.names.push((idx, name.into()));
        idx
    }

    fn define(&mut self, idx: u32, params: Vec<ValType>, results: Vec<ValType>, f: Function) {
        let ty = self.type_index(params, results);
        self.functions[(idx - self.imports.len() as u32) as usize] = Some((ty, f));
    }

    fn import(&self, f: &WasiFn) -> Result<u32, String> {
        self.import_index.get(f).copied().ok_or(format!("import {} {} was not planned", f.interface, f.function))
    }

    fn heap_globals(&mut self) -> (u32, u32) {
        if let Some(h) = self.heap {
            return h;
        }
        let ptr = self.globals.len() as u32;
        self.globals.push(GlobalInit::HeapBase);
        self.globals.push(GlobalInit::HeapBase);
        self.heap = Some((ptr, ptr + 1));
        (ptr, ptr + 1)
    }

    /// The index of a helper, generating it on first use.
    fn helper(&mut self, h: Helper) -> Result<u32, String> {
        if let Some(&i) = self.helpers.get(&h) {
            return Ok(i);
        }
        let idx = self.reserve(h.name());
        self.helpers.insert(h, idx);
        let (params, results, body) = self.helper_body(h)?;
        self.define(idx, params, results, body);
        Ok(idx)
    }
}

fn find_interface<'r>(
    resolve: &'r Resolve,
    world: WorldId,
    name: &str,
) -> Option<(&'r WorldKey, wit_parser::InterfaceId)> {
    resolve.worlds[world].imports.iter().chain(resolve.worlds[world].exports.iter()).find_map(
        |(key, item)| match item {
            WorldItem::Interface { id, .. } if resolve.id_of(*id).as_deref() == Some(name) => Some((key, *id)),
            _ => None,
        },
    )
}

fn wit_import(resolve: &Resolve, world: WorldId, f: &WasiFn) -> Result<Import, String> {
    let name = versioned(&f.interface);
    let (key, id) = find_interface(resolve, world, &name).ok_or(format!("world does not import {name}"))?;
    if let Some(resource) = f.function.strip_prefix("[resource-drop]") {
        let ty = *resolve.interfaces[id].types.get(resource).ok_or(format!("{name} has no resource {resource}"))?;
        let (module, name) = resolve.wasm_import_name(
            MANGLING,
            WasmImport::ResourceIntrinsic {
                interface: Some(key),
                resource: ty,
                intrinsic: wit_parser::ResourceIntrinsic::ImportedDrop,
            },
        );
        return Ok(Import { module, name, params: vec![ValType::I32], results: vec![] });
    }
    let func: &WitFunction = resolve.interfaces[id]
        .functions
        .get(f.function.as_ref())
        .ok_or(format!("{name} has no function {}", f.function))?;
    let (module, name) = resolve.wasm_import_name(MANGLING, WasmImport::Func { interface: Some(key), func });
    let sig = resolve.wasm_signature(AbiVariant::GuestImport, func);
    Ok(Import {
        module,
        name,
        params: sig.params.into_iter().map(val_type).collect(),
        results: sig.results.into_iter().map(val_type).collect(),
    })
}

pub fn lower<'r>(
    program: &'r CheckedProgram,
    plan: &WorldPlan,
    resolve: &'r Resolve,
    world: WorldId,
) -> Result<Vec<u8>, String> {
    let mut b = Builder {
        resolve,
        defs: &program.types,
        types: vec![],
        imports: vec![],
        import_index: HashMap::new(),
        functions: vec![],
        names: vec![],
        helpers: HashMap::new(),
        user: vec![],
        data: DataPool::default(),
        globals: vec![],
        heap: None,
        scratch: None,
        scratch_size: 0,
        eq_types: vec![],
        fs_returns: HashMap::new(),
        io_error: None,
        ret_area_at: None,
        http_returns: None,
        kv_get_returns: None,
        json_state: None,
        regex_stack: None,
        url_types: None,
        env_returns: None,
        pin_arena: false,
        capabilities: capabilities(program),
        exports: ExportSection::new(),
        databases: program.databases.clone(),
        queries: program.queries.clone(),
        db: sql::DbGlobals::default(),
        symbols: program.symbols.clone(),
    };
    for f in &plan.wasi_fns {
        let imp = wit_import(resolve, world, f)?;
        let ty = b.type_index(imp.params.clone(), imp.results.clone());
        b.import_index.insert(f.clone(), b.imports.len() as u32);
        b.imports.push((imp, ty));
    }
    // Internal functions first, so calls (also forward and recursive ones) know their indices.
    for f in &program.functions {
        let idx = b.reserve(f.snippet_id.clone());
        b.user.push(idx);
    }
    for (i, f) in program.functions.iter().enumerate() {
        let body = emit_function(&mut b, program, f)?;
        let params = f.param_types().iter().flat_map(|t| b.abi().rep(t)).collect();
        let results = b.abi().rep(&f.returns);
        b.define(b.user[i], params, results, body);
    }
    // Export lookups by name, built once (a linear search per export is quadratic in large programs).
    let by_snippet: HashMap<&str, usize> =
        program.functions.iter().enumerate().map(|(i, f)| (f.snippet_id.as_str(), i)).collect();
    let world_exports = export_funcs(resolve, world);
    for export in &plan.exports {
        let index = *by_snippet.get(export.snippet.as_str()).ok_or("export without function")?;
        let (key, wit_fn) =
            *world_exports.get(export.name.as_str()).ok_or(format!("world lacks export {}", export.name))?;
        emit_export(&mut b, program, index, export, key, wit_fn)?;
    }
    // The host hands lists and strings to some imports through `cabi_realloc`.
    let receives = program.effect_uses.iter().any(|u| u.intrinsic.receives_memory());
    if receives && !b.helpers.contains_key(&Helper::Realloc) {
        let realloc = b.helper(Helper::Realloc)?;
        b.exports.export(REALLOC_EXPORT, ExportKind::Func, realloc);
    }
    b.exports.export(MEMORY_EXPORT, ExportKind::Memory, 0);
    encode(b)
}

/// Name of the custom section that carries a program's declared capabilities.
pub const CAPABILITIES_SECTION: &str = "covenant:capabilities";
pub use project::SYMBOLS_SECTION;

/// The declared `filesystem(path=..)` and `network(host=..)` values and the databases as JSON
/// (`{"filesystem": [...], "network": [...], "databases": [...]}`), so a host given only the
/// component can narrow its grants as it does for source. `None` when the program declares none.
fn capabilities(program: &CheckedProgram) -> Option<Vec<u8>> {
    let databases: Vec<&crate::ir::Database> = program
        .databases
        .iter()
        .enumerate()
        .filter(|(i, _)| program.queries.iter().any(|q| q.database as usize == *i))
        .map(|(_, d)| d)
        .collect();
    // The exported functions' budgets, by function name (`main` for `wasi:cli/run`).
    let budgets: serde_json::Map<String, serde_json::Value> = program
        .functions
        .iter()
        .filter(|f| f.exported && f.budget != Default::default())
        .filter_map(|f| Some((f.name.clone(), serde_json::to_value(&f.budget).ok()?)))
        .collect();
    if program.filesystem_roots.is_empty()
        && program.network_hosts.is_empty()
        && databases.is_empty()
        && budgets.is_empty()
    {
        return None;
    }
    let value = serde_json::json!({
        "filesystem": program.filesystem_roots,
        "network": program.network_hosts,
        "databases": databases,
        "budgets": budgets,
    });
    serde_json::to_vec(&value).ok()
}

fn encode(b: Builder) -> Result<Vec<u8>, String> {
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
    let mut bodies = vec![];
    for f in &b.functions {
        let (ty, body) = f.as_ref().ok_or("a function was reserved but never defined")?;
        funcs.function(*ty);
        bodies.push(body);
    }
    module.section(&funcs);
    let data_end = DATA_START + b.data.bytes.len() as u32;
    let scratch_base = data_end.next_multiple_of(8);
    let heap_base = scratch_base + b.scratch_size;
    let mut memories = MemorySection::new();
    memories.memory(MemoryType {
        minimum: (heap_base as u64).div_ceil(65536).max(1),
        maximum: None,
        memory64: false,
        shared: false,
        page_size_log2: None,
    });
    module.section(&memories);
    let mut globals = GlobalSection::new();
    for (i, g) in b.globals.iter().enumerate() {
        let (init, mutable) = match g {
            GlobalInit::MinusOne => (-1, true),
            GlobalInit::Zero => (0, true),
            GlobalInit::Scratch => (scratch_base as i32, false),
            // The heap base global (the second of the pair) never changes.
            GlobalInit::HeapBase => {
                (heap_base as i32, b.pin_arena || b.heap.is_none_or(|(_, base)| base as usize != i))
            }
        };
        globals.global(GlobalType { val_type: ValType::I32, mutable, shared: false }, &ConstExpr::i32_const(init));
    }
    module.section(&globals);
    module.section(&b.exports);
    let mut code = CodeSection::new();
    for body in bodies {
        code.function(body);
    }
    module.section(&code);
    if !b.data.bytes.is_empty() {
        let mut data = DataSection::new();
        data.active(0, &ConstExpr::i32_const(DATA_START as i32), b.data.bytes.iter().copied());
        module.section(&data);
    }
    // Function names, so a trap's backtrace says which error it was (covenant_error_*).
    let mut names = NameMap::new();
    for (idx, name) in &b.names {
        if name.starts_with("covenant_error_") {
            names.append(*idx, name);
        }
    }
    if !names.is_empty() {
        let mut section = NameSection::new();
        section.functions(&names);
        module.section(&section);
    }
    if let Some(symbols) = &b.symbols {
        module.section(&wasm_encoder::CustomSection {
            name: project::SYMBOLS_SECTION.into(),
            data: symbols.as_bytes().into(),
        });
    }
    if let Some(data) = &b.capabilities {
        module.section(&wasm_encoder::CustomSection { name: CAPABILITIES_SECTION.into(), data: data.into() });
    }
    Ok(module.finish())
}
