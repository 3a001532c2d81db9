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
//! uses it too) reset after every export call by its `cabi_post_*` function.

use crate::ir::{CheckedProgram, Cmp, ComputeOp, Function as IrFunction, Op, Value};
use crate::plan::{WorldPlan, versioned};
use crate::stdlib::{Intrinsic, OutStream, WasiFn};
use crate::types::Type;
use std::collections::HashMap;
use wasm_encoder::{
    BlockType, CodeSection, ConstExpr, DataSection, EntityType, ExportKind, ExportSection, Function, FunctionSection,
    GlobalSection, GlobalType, ImportSection, Instruction as I, MemArg, MemArgTarget, MemorySection, MemoryType, Module,
    NameMap, NameSection, TypeSection, ValType,
};
use wit_parser::{
    Function as WitFunction, LiftLowerAbi, ManglingAndAbi, Resolve, WasmExport, WasmExportKind, WasmImport, WorldId,
    WorldItem, WorldKey,
    abi::{AbiVariant, WasmType},
};

const RETPTR: i32 = 8;
const DATA_START: u32 = 32;
/// `blocking-write-and-flush` accepts at most this many bytes per call.
const MAX_WRITE: i32 = 4096;
const MANGLING: ManglingAndAbi = ManglingAndAbi::Legacy(LiftLowerAbi::Sync);

fn mem(offset: u64, align: u32) -> MemArg {
    MemArg { offset, align, target: MemArgTarget::Memory(0), ordering: None }
}

/// `(a > b) - (a < b)` on two i32 locals, unsigned: -1, 0 or 1.
fn three_way(a: u32, b: u32) -> [I<'static>; 8] {
    [I::LocalGet(a), I::LocalGet(b), I::I32GtU, I::LocalGet(a), I::LocalGet(b), I::I32LtU, I::I32Sub, I::Return]
}

/// The byte at `base + index` (two i32 locals).
fn load_byte(base: u32, index: u32) -> [I<'static>; 4] {
    [I::LocalGet(base), I::LocalGet(index), I::I32Add, I::I32Load8U(mem(0, 0))]
}

/// `local += by` on an i32 local.
fn add_to(local: u32, by: I<'static>) -> [I<'static>; 4] {
    [I::LocalGet(local), by, I::I32Add, I::LocalSet(local)]
}

/// The unsigned minimum of an i32 local and `other` (a constant or another local's get).
fn min_u32(local: u32, other: I<'static>) -> [I<'static>; 5] {
    [I::LocalGet(local), other.clone(), I::LocalGet(local), other, I::I32LtU]
}

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
    /// Appends `bytes` at an `align`-aligned offset (no sharing).
    fn place(&mut self, bytes: &[u8], align: u32) -> u32 {
        while (DATA_START + self.bytes.len() as u32) % align.max(1) != 0 {
            self.bytes.push(0);
        }
        let o = DATA_START + self.bytes.len() as u32;
        self.bytes.extend_from_slice(bytes);
        o
    }

    /// Lays out a constant list as the canonical ABI does; returns (pointer, length).
    fn list(&mut self, items: &[Value], elem: &Type) -> (u32, u32) {
        let mut bytes = vec![];
        for v in items {
            match v {
                Value::Int(n) => bytes.extend_from_slice(&n.to_le_bytes()),
                Value::Float(x) => bytes.extend_from_slice(&x.to_le_bytes()),
                Value::Bool(b) => bytes.push(u8::from(*b)),
                Value::Str(s) => {
                    let at = self.intern(s);
                    bytes.extend_from_slice(&at.to_le_bytes());
                    bytes.extend_from_slice(&(s.len() as u32).to_le_bytes());
                }
                Value::List(inner, t) => {
                    let (at, len) = self.list(inner, t);
                    bytes.extend_from_slice(&at.to_le_bytes());
                    bytes.extend_from_slice(&len.to_le_bytes());
                }
                _ => {}
            }
        }
        let (_, align) = elem.elem_layout();
        (self.place(&bytes, align), items.len() as u32)
    }

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

/// Runtime helpers, each emitted once per module and only when used.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Helper {
    WriteAll,
    StreamHandle(OutStream),
    Alloc,
    Realloc,
    TrapOverflow,
    TrapOutOfMemory,
    TrapIndex,
    Join,
    IntAdd,
    IntSub,
    IntMul,
    IntNeg,
    IntAbs,
    StrEq,
    StrCmp,
    Concat,
    IntToString,
    StrLen,
}

impl Helper {
    fn name(self) -> &'static str {
        match self {
            Helper::WriteAll => "write_all",
            Helper::StreamHandle(OutStream::Stdout) => "stdout",
            Helper::StreamHandle(OutStream::Stderr) => "stderr",
            Helper::Alloc => "alloc",
            Helper::Realloc => "cabi_realloc",
            Helper::TrapOverflow => "covenant_error_integer_overflow",
            Helper::TrapOutOfMemory => "covenant_error_out_of_memory",
            Helper::TrapIndex => "covenant_error_index_out_of_range",
            Helper::Join => "join",
            Helper::IntAdd => "int_add",
            Helper::IntSub => "int_sub",
            Helper::IntMul => "int_mul",
            Helper::IntNeg => "int_neg",
            Helper::IntAbs => "int_abs",
            Helper::StrEq => "str_eq",
            Helper::StrCmp => "str_cmp",
            Helper::Concat => "concat",
            Helper::IntToString => "int_to_string",
            Helper::StrLen => "str_len",
        }
    }
}

fn flat(ty: &Type) -> Vec<ValType> {
    match ty {
        Type::String | Type::List(_) => vec![ValType::I32, ValType::I32],
        Type::Int => vec![ValType::I64],
        Type::Float => vec![ValType::F64],
        Type::Bool => vec![ValType::I32],
        Type::Unit | Type::Error => vec![],
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

struct Builder<'r> {
    resolve: &'r Resolve,
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
    exports: ExportSection,
}

#[derive(Clone, Copy)]
enum GlobalInit {
    MinusOne,
    HeapBase,
}

impl<'r> Builder<'r> {
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

    fn helper_body(&mut self, h: Helper) -> Result<(Vec<ValType>, Vec<ValType>, Function), String> {
        use ValType::{I32, I64};
        let mut code: Vec<I<'static>> = vec![];
        let (params, results, locals): (Vec<ValType>, Vec<ValType>, Vec<ValType>) = match h {
            Helper::WriteAll => {
                let write = self.import(&WasiFn {
                    interface: "wasi:io/streams",
                    function: "[method]output-stream.blocking-write-and-flush",
                })?;
                let (handle, ptr, len, chunk) = (0, 1, 2, 3);
                code.extend([
                    I::Block(BlockType::Empty),
                    I::Loop(BlockType::Empty),
                    I::LocalGet(len),
                    I::I32Eqz,
                    I::BrIf(1),
                ]);
                // chunk = min(len, MAX_WRITE)
                code.extend(min_u32(len, I::I32Const(MAX_WRITE)));
                code.extend([
                    I::Select,
                    I::LocalSet(chunk),
                    I::LocalGet(handle),
                    I::LocalGet(ptr),
                    I::LocalGet(chunk),
                    I::I32Const(RETPTR),
                    I::Call(write),
                    // A failed write (closed stream) ends the write; output is best effort, like a closed pipe.
                    I::I32Const(RETPTR),
                    I::I32Load8U(mem(0, 0)),
                    I::BrIf(1),
                ]);
                code.extend(add_to(ptr, I::LocalGet(chunk)));
                code.extend([
                    I::LocalGet(len),
                    I::LocalGet(chunk),
                    I::I32Sub,
                    I::LocalSet(len),
                    I::Br(0),
                    I::End,
                    I::End,
                ]);
                (vec![I32; 3], vec![], vec![I32])
            }
            Helper::StreamHandle(stream) => {
                let getter = match stream {
                    OutStream::Stdout => WasiFn { interface: "wasi:cli/stdout", function: "get-stdout" },
                    OutStream::Stderr => WasiFn { interface: "wasi:cli/stderr", function: "get-stderr" },
                };
                let get = self.import(&getter)?;
                // Fetched once, cached in a global (-1 = not yet).
                let global = self.globals.len() as u32;
                self.globals.push(GlobalInit::MinusOne);
                code.extend([
                    I::GlobalGet(global),
                    I::I32Const(-1),
                    I::I32Eq,
                    I::If(BlockType::Empty),
                    I::Call(get),
                    I::GlobalSet(global),
                    I::End,
                    I::GlobalGet(global),
                ]);
                (vec![], vec![I32], vec![])
            }
            Helper::TrapOverflow | Helper::TrapOutOfMemory | Helper::TrapIndex => {
                // A function of its own, so the trap's backtrace names the error.
                code.push(I::Unreachable);
                (vec![], vec![], vec![])
            }
            Helper::Alloc => {
                let (heap, _) = self.heap_globals();
                let oom = self.helper(Helper::TrapOutOfMemory)?;
                let (size, align, ptr, end) = (0, 1, 2, 3);
                code.extend([
                    // ptr = (heap + align - 1) & -align
                    I::GlobalGet(heap),
                    I::LocalGet(align),
                    I::I32Add,
                    I::I32Const(1),
                    I::I32Sub,
                    I::I32Const(0),
                    I::LocalGet(align),
                    I::I32Sub,
                    I::I32And,
                    I::LocalTee(ptr),
                    I::LocalGet(size),
                    I::I32Add,
                    I::LocalTee(end),
                    // wrapped around the address space?
                    I::LocalGet(ptr),
                    I::I32LtU,
                    I::If(BlockType::Empty),
                    I::Call(oom),
                    I::End,
                    // grow when end > memory.size * 64 KiB
                    I::LocalGet(end),
                    I::MemorySize(0),
                    I::I32Const(16),
                    I::I32Shl,
                    I::I32GtU,
                    I::If(BlockType::Empty),
                    I::LocalGet(end),
                    I::MemorySize(0),
                    I::I32Const(16),
                    I::I32Shl,
                    I::I32Sub,
                    I::I32Const(65535),
                    I::I32Add,
                    I::I32Const(16),
                    I::I32ShrU,
                    I::MemoryGrow(0),
                    I::I32Const(-1),
                    I::I32Eq,
                    I::If(BlockType::Empty),
                    I::Call(oom),
                    I::End,
                    I::End,
                    I::LocalGet(end),
                    I::GlobalSet(heap),
                    I::LocalGet(ptr),
                ]);
                (vec![I32, I32], vec![I32], vec![I32, I32])
            }
            Helper::Realloc => {
                let alloc = self.helper(Helper::Alloc)?;
                let (old_ptr, old_size, align, new_size, new) = (0, 1, 2, 3, 4);
                code.extend([
                    I::LocalGet(new_size),
                    I::LocalGet(align),
                    I::Call(alloc),
                    I::LocalSet(new),
                    I::LocalGet(old_size),
                    I::If(BlockType::Empty),
                    I::LocalGet(new),
                    I::LocalGet(old_ptr),
                ]);
                code.extend(min_u32(old_size, I::LocalGet(new_size)));
                code.extend([I::Select, I::MemoryCopy { src_mem: 0, dst_mem: 0 }, I::End, I::LocalGet(new)]);
                (vec![I32; 4], vec![I32], vec![I32])
            }
            Helper::IntAdd | Helper::IntSub => {
                let trap = self.helper(Helper::TrapOverflow)?;
                let (a, b, r) = (0, 1, 2);
                let op = if h == Helper::IntAdd { I::I64Add } else { I::I64Sub };
                code.extend([I::LocalGet(a), I::LocalGet(b), op, I::LocalSet(r)]);
                // add overflows iff (a ^ r) & (b ^ r) < 0; sub iff (a ^ b) & (a ^ r) < 0
                if h == Helper::IntAdd {
                    code.extend([I::LocalGet(a), I::LocalGet(r), I::I64Xor, I::LocalGet(b), I::LocalGet(r), I::I64Xor]);
                } else {
                    code.extend([I::LocalGet(a), I::LocalGet(b), I::I64Xor, I::LocalGet(a), I::LocalGet(r), I::I64Xor]);
                }
                code.extend([I::I64And, I::I64Const(0), I::I64LtS, I::If(BlockType::Empty), I::Call(trap), I::End, I::LocalGet(r)]);
                (vec![I64, I64], vec![I64], vec![I64])
            }
            Helper::IntMul => {
                let trap = self.helper(Helper::TrapOverflow)?;
                let (a, b, r) = (0, 1, 2);
                // r = a * b; overflow iff a != 0 and r / a != b (MIN / -1 itself traps as an overflow).
                code.extend([
                    I::LocalGet(a),
                    I::LocalGet(b),
                    I::I64Mul,
                    I::LocalSet(r),
                    I::LocalGet(a),
                    I::I64Const(0),
                    I::I64Ne,
                    I::If(BlockType::Empty),
                    I::LocalGet(r),
                    I::LocalGet(a),
                    I::I64DivS,
                    I::LocalGet(b),
                    I::I64Ne,
                    I::If(BlockType::Empty),
                    I::Call(trap),
                    I::End,
                    I::End,
                    I::LocalGet(r),
                ]);
                (vec![I64, I64], vec![I64], vec![I64])
            }
            Helper::IntNeg | Helper::IntAbs => {
                let trap = self.helper(Helper::TrapOverflow)?;
                code.extend([I::LocalGet(0), I::I64Const(i64::MIN), I::I64Eq, I::If(BlockType::Empty), I::Call(trap), I::End]);
                if h == Helper::IntNeg {
                    code.extend([I::I64Const(0), I::LocalGet(0), I::I64Sub]);
                } else {
                    code.extend([
                        I::I64Const(0),
                        I::LocalGet(0),
                        I::I64Sub,
                        I::LocalGet(0),
                        I::LocalGet(0),
                        I::I64Const(0),
                        I::I64LtS,
                        I::Select,
                    ]);
                }
                (vec![I64], vec![I64], vec![])
            }
            Helper::StrEq => {
                let (p1, l1, p2, l2, i) = (0, 1, 2, 3, 4);
                code.extend([
                    I::LocalGet(l1),
                    I::LocalGet(l2),
                    I::I32Ne,
                    I::If(BlockType::Empty),
                    I::I32Const(0),
                    I::Return,
                    I::End,
                    I::Loop(BlockType::Empty),
                    I::LocalGet(i),
                    I::LocalGet(l1),
                    I::I32Eq,
                    I::If(BlockType::Empty),
                    I::I32Const(1),
                    I::Return,
                    I::End,
                ]);
                code.extend(load_byte(p1, i));
                code.extend(load_byte(p2, i));
                code.extend([I::I32Ne, I::If(BlockType::Empty), I::I32Const(0), I::Return, I::End]);
                code.extend(add_to(i, I::I32Const(1)));
                code.extend([I::Br(0), I::End, I::Unreachable]);
                (vec![I32; 4], vec![I32], vec![I32])
            }
            Helper::StrCmp => {
                // -1, 0 or 1 by bytes, which for UTF-8 is code point order.
                let (p1, l1, p2, l2, i, n, a, b) = (0, 1, 2, 3, 4, 5, 6, 7);
                code.extend(min_u32(l1, I::LocalGet(l2)));
                code.extend([I::Select, I::LocalSet(n), I::Loop(BlockType::Empty)]);
                // An equal prefix: the shorter string is less.
                code.extend([I::LocalGet(i), I::LocalGet(n), I::I32Eq, I::If(BlockType::Empty)]);
                code.extend(three_way(l1, l2));
                code.push(I::End);
                code.extend(load_byte(p1, i));
                code.push(I::LocalSet(a));
                code.extend(load_byte(p2, i));
                code.extend([I::LocalSet(b), I::LocalGet(a), I::LocalGet(b), I::I32Ne, I::If(BlockType::Empty)]);
                code.extend(three_way(a, b));
                code.push(I::End);
                code.extend(add_to(i, I::I32Const(1)));
                code.extend([I::Br(0), I::End, I::Unreachable]);
                (vec![I32; 4], vec![I32], vec![I32; 4])
            }
            Helper::Concat => {
                // (p1, bytes1, p2, bytes2, align) -> (pointer, bytes): strings, and lists of any element.
                let alloc = self.helper(Helper::Alloc)?;
                let (p1, l1, p2, l2, align, dst) = (0, 1, 2, 3, 4, 5);
                code.extend([
                    I::LocalGet(l1),
                    I::LocalGet(l2),
                    I::I32Add,
                    I::LocalGet(align),
                    I::Call(alloc),
                    I::LocalTee(dst),
                    I::LocalGet(p1),
                    I::LocalGet(l1),
                    I::MemoryCopy { src_mem: 0, dst_mem: 0 },
                    I::LocalGet(dst),
                    I::LocalGet(l1),
                    I::I32Add,
                    I::LocalGet(p2),
                    I::LocalGet(l2),
                    I::MemoryCopy { src_mem: 0, dst_mem: 0 },
                    I::LocalGet(dst),
                    I::LocalGet(l1),
                    I::LocalGet(l2),
                    I::I32Add,
                ]);
                (vec![I32; 5], vec![I32, I32], vec![I32])
            }
            Helper::Join => {
                // (list pointer, count, separator pointer, separator bytes) -> (pointer, bytes)
                let alloc = self.helper(Helper::Alloc)?;
                let (lp, n, sp, sl, i, total, pos, e) = (0, 1, 2, 3, 4, 5, 6, 7);
                let elem_at = |code: &mut Vec<I<'static>>| {
                    code.extend([I::LocalGet(lp), I::LocalGet(i), I::I32Const(8), I::I32Mul, I::I32Add, I::LocalSet(e)]);
                };
                // total = sum of lengths + separator * (n - 1)
                code.extend([I::Block(BlockType::Empty), I::Loop(BlockType::Empty), I::LocalGet(i), I::LocalGet(n), I::I32GeU, I::BrIf(1)]);
                elem_at(&mut code);
                code.extend([I::LocalGet(total), I::LocalGet(e), I::I32Load(mem(4, 2)), I::I32Add, I::LocalSet(total)]);
                code.extend(add_to(i, I::I32Const(1)));
                code.extend([I::Br(0), I::End, I::End]);
                code.extend([
                    I::LocalGet(n),
                    I::If(BlockType::Empty),
                    I::LocalGet(total),
                    I::LocalGet(sl),
                    I::LocalGet(n),
                    I::I32Const(1),
                    I::I32Sub,
                    I::I32Mul,
                    I::I32Add,
                    I::LocalSet(total),
                    I::End,
                    I::LocalGet(total),
                    I::I32Const(1),
                    I::Call(alloc),
                    I::LocalSet(pos),
                    I::I32Const(0),
                    I::LocalSet(i),
                    I::Block(BlockType::Empty),
                    I::Loop(BlockType::Empty),
                    I::LocalGet(i),
                    I::LocalGet(n),
                    I::I32GeU,
                    I::BrIf(1),
                    // a separator before every element but the first
                    I::LocalGet(i),
                    I::If(BlockType::Empty),
                    I::LocalGet(pos),
                    I::LocalGet(sp),
                    I::LocalGet(sl),
                    I::MemoryCopy { src_mem: 0, dst_mem: 0 },
                ]);
                code.extend(add_to(pos, I::LocalGet(sl)));
                code.push(I::End);
                elem_at(&mut code);
                code.extend([
                    I::LocalGet(pos),
                    I::LocalGet(e),
                    I::I32Load(mem(0, 2)),
                    I::LocalGet(e),
                    I::I32Load(mem(4, 2)),
                    I::MemoryCopy { src_mem: 0, dst_mem: 0 },
                    I::LocalGet(pos),
                    I::LocalGet(e),
                    I::I32Load(mem(4, 2)),
                    I::I32Add,
                    I::LocalSet(pos),
                ]);
                code.extend(add_to(i, I::I32Const(1)));
                code.extend([
                    I::Br(0),
                    I::End,
                    I::End,
                    I::LocalGet(pos),
                    I::LocalGet(total),
                    I::I32Sub,
                    I::LocalGet(total),
                ]);
                (vec![I32; 4], vec![I32, I32], vec![I32; 4])
            }
            Helper::IntToString => {
                let alloc = self.helper(Helper::Alloc)?;
                let (v, buf, pos, neg, u) = (0, 1, 2, 3, 4);
                code.extend([
                    I::I32Const(20),
                    I::I32Const(1),
                    I::Call(alloc),
                    I::LocalTee(buf),
                    I::I32Const(20),
                    I::I32Add,
                    I::LocalSet(pos),
                    I::LocalGet(v),
                    I::I64Const(0),
                    I::I64LtS,
                    I::LocalSet(neg),
                    // u = |v| as unsigned (wrapping: MIN stays MIN, which is 2^63 unsigned)
                    I::I64Const(0),
                    I::LocalGet(v),
                    I::I64Sub,
                    I::LocalGet(v),
                    I::LocalGet(neg),
                    I::Select,
                    I::LocalSet(u),
                    I::Loop(BlockType::Empty),
                    I::LocalGet(pos),
                    I::I32Const(1),
                    I::I32Sub,
                    I::LocalTee(pos),
                    I::LocalGet(u),
                    I::I64Const(10),
                    I::I64RemU,
                    I::I32WrapI64,
                    I::I32Const(48),
                    I::I32Add,
                    I::I32Store8(mem(0, 0)),
                    I::LocalGet(u),
                    I::I64Const(10),
                    I::I64DivU,
                    I::LocalTee(u),
                    I::I64Const(0),
                    I::I64Ne,
                    I::BrIf(0),
                    I::End,
                    I::LocalGet(neg),
                    I::If(BlockType::Empty),
                    I::LocalGet(pos),
                    I::I32Const(1),
                    I::I32Sub,
                    I::LocalTee(pos),
                    I::I32Const(45),
                    I::I32Store8(mem(0, 0)),
                    I::End,
                    I::LocalGet(pos),
                    I::LocalGet(buf),
                    I::I32Const(20),
                    I::I32Add,
                    I::LocalGet(pos),
                    I::I32Sub,
                ]);
                (vec![I64], vec![I32, I32], vec![I32, I32, I32, I64])
            }
            Helper::StrLen => {
                // Characters are Unicode scalar values: count the bytes that do not continue one.
                let (p, l, i, n) = (0, 1, 2, 3);
                code.extend([
                    I::Block(BlockType::Empty),
                    I::Loop(BlockType::Empty),
                    I::LocalGet(i),
                    I::LocalGet(l),
                    I::I32GeU,
                    I::BrIf(1),
                    I::LocalGet(n),
                ]);
                code.extend(load_byte(p, i));
                code.extend([I::I32Const(0xC0), I::I32And, I::I32Const(0x80), I::I32Ne, I::I32Add, I::LocalSet(n)]);
                code.extend(add_to(i, I::I32Const(1)));
                code.extend([I::Br(0), I::End, I::End, I::LocalGet(n), I::I64ExtendI32U]);
                (vec![I32, I32], vec![I64], vec![I32, I32])
            }
        };
        code.push(I::End);
        let mut f = Function::new(locals.into_iter().map(|t| (1, t)));
        for ins in &code {
            f.instruction(ins);
        }
        Ok((params, results, f))
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
    if let Some(resource) = f.function.strip_prefix("[resource-drop]") {
        let ty = *resolve.interfaces[id].types.get(resource).ok_or(format!("{name} has no resource {resource}"))?;
        let (module, name) = resolve.wasm_import_name(
            MANGLING,
            WasmImport::ResourceIntrinsic { interface: Some(key), resource: ty, intrinsic: wit_parser::ResourceIntrinsic::ImportedDrop },
        );
        return Ok(Import { module, name, params: vec![ValType::I32], results: vec![] });
    }
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

pub fn lower(program: &CheckedProgram, plan: &WorldPlan, resolve: &Resolve, world: WorldId) -> Result<Vec<u8>, String> {
    let mut b = Builder {
        resolve,
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
        exports: ExportSection::new(),
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
        let params = f.param_types().iter().flat_map(flat).collect();
        b.define(b.user[i], params, flat(&f.returns), body);
    }
    // Export lookups by name, built once (a linear search per export is quadratic in large programs).
    let by_snippet: HashMap<&str, usize> = program.functions.iter().enumerate().map(|(i, f)| (f.snippet_id.as_str(), i)).collect();
    let world_exports = export_funcs(resolve, world);
    for export in &plan.exports {
        let index = *by_snippet.get(export.snippet.as_str()).ok_or("export without function")?;
        let (key, wit_fn) = *world_exports.get(export.name.as_str()).ok_or(format!("world lacks export {}", export.name))?;
        emit_export(&mut b, program, index, export, key, wit_fn)?;
    }
    b.exports.export("memory", ExportKind::Memory, 0);
    encode(b)
}

/// The world's exports by name: functions at the world's top level, and `wasi:cli/run`'s `run`
/// under the interface's name; with the key wit-parser needs for their core names.
fn export_funcs(resolve: &Resolve, world: WorldId) -> HashMap<String, (Option<&WorldKey>, &WitFunction)> {
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

fn emit_export(
    b: &mut Builder,
    program: &CheckedProgram,
    index: usize,
    export: &crate::plan::ExportRow,
    key: Option<&WorldKey>,
    wit_fn: &WitFunction,
) -> Result<(), String> {
    let f = &program.functions[index];
    let resolve = b.resolve;
    let core_name = resolve.wasm_export_name(MANGLING, WasmExport::Func { interface: key, func: wit_fn, kind: WasmExportKind::Normal });
    let sig = resolve.wasm_signature(AbiVariant::GuestExport, wit_fn);
    let params: Vec<ValType> = sig.params.into_iter().map(val_type).collect();
    let results: Vec<ValType> = sig.results.into_iter().map(val_type).collect();
    let internal = b.user[index];
    let idx = b.reserve(format!("export {}", export.name));
    let is_run = key.is_some();
    let mut code: Vec<I<'static>> = (0..params.len() as u32).map(I::LocalGet).collect();
    code.push(I::Call(internal));
    let mut locals = vec![];
    if is_run {
        // `run` returns result<_, _>: 0 is ok.
        code.push(I::I32Const(0));
    } else if matches!(f.returns, Type::String | Type::List(_)) {
        // A string result goes through a return area: (pointer, length) at the returned address.
        let alloc = b.helper(Helper::Alloc)?;
        let (len, ptr, area) = (params.len() as u32, params.len() as u32 + 1, params.len() as u32 + 2);
        locals = vec![ValType::I32; 3];
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
    code.push(I::End);
    let mut func = Function::new(locals.into_iter().map(|t| (1, t)));
    for ins in &code {
        func.instruction(ins);
    }
    b.define(idx, params, results.clone(), func);
    b.exports.export(&core_name, ExportKind::Func, idx);
    if !is_run {
        // After the host has read the results, the arena is reset: a long-lived instance serving
        // many calls does not grow.
        let (heap, base) = b.heap_globals();
        let post = resolve.wasm_export_name(MANGLING, WasmExport::Func { interface: key, func: wit_fn, kind: WasmExportKind::PostReturn });
        let post_idx = b.reserve(format!("post-return {}", export.name));
        let mut pf = Function::new([]);
        for ins in [I::GlobalGet(base), I::GlobalSet(heap), I::End] {
            pf.instruction(&ins);
        }
        // A post-return function takes the export's flat results as its parameters.
        b.define(post_idx, results, vec![], pf);
        b.exports.export(&post, ExportKind::Func, post_idx);
        let needs_memory = f.param_types().iter().any(|t| matches!(t, Type::String | Type::List(_)));
        if needs_memory && !b.helpers.contains_key(&Helper::Realloc) {
            let realloc = b.helper(Helper::Realloc)?;
            b.exports.export("cabi_realloc", ExportKind::Func, realloc);
        }
    }
    Ok(())
}

/// Maps each IR local to its first wasm local index; scratch locals follow.
struct Frame {
    base: Vec<u32>,
    types: Vec<Type>,
    decls: Vec<ValType>,
    next: u32,
}

impl Frame {
    fn scratch(&mut self, t: ValType) -> u32 {
        self.decls.push(t);
        self.next += 1;
        self.next - 1
    }
}

fn emit_function(b: &mut Builder, program: &CheckedProgram, f: &IrFunction) -> Result<Function, String> {
    let mut frame = Frame { base: vec![], types: f.locals.clone(), decls: vec![], next: 0 };
    let n_params = f.params.len();
    for (i, ty) in f.locals.iter().enumerate() {
        frame.base.push(frame.next);
        let parts = flat(ty);
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

fn store(frame: &Frame, local: u32, code: &mut Vec<I<'static>>) {
    let base = frame.base[local as usize];
    for i in (0..flat(&frame.types[local as usize]).len() as u32).rev() {
        code.push(I::LocalSet(base + i));
    }
}

fn emit_ops(b: &mut Builder, program: &CheckedProgram, frame: &mut Frame, ops: &[Op], code: &mut Vec<I<'static>>) -> Result<(), String> {
    for op in ops {
        match op {
            Op::Intrinsic { intrinsic: Intrinsic::Write { stream, newline }, args } => {
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
            Op::Intrinsic { intrinsic: Intrinsic::Delay, args } => {
                let subscribe = b.import(&WasiFn { interface: "wasi:clocks/monotonic-clock", function: "subscribe-duration" })?;
                let block = b.import(&WasiFn { interface: "wasi:io/poll", function: "[method]pollable.block" })?;
                let drop = b.import(&WasiFn { interface: "wasi:io/poll", function: "[resource-drop]pollable" })?;
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
                emit_compute(b, frame, op.clone(), code)?;
                store(frame, *result, code);
            }
            Op::Call { function, args, result } => {
                for a in args {
                    push_value(b, frame, a, code);
                }
                code.push(I::Call(b.user[*function]));
                match result {
                    Some(local) => store(frame, *local, code),
                    None => code.extend(flat(&program.functions[*function].returns).iter().map(|_| I::Drop)),
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
                let (ptr, len, i) = (frame.scratch(ValType::I32), frame.scratch(ValType::I32), frame.scratch(ValType::I32));
                let (size, _) = elem.elem_layout();
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
                load_elem(frame, elem, code);
                store(frame, *item, code);
                emit_ops(b, program, frame, body, code)?;
                code.extend(add_to(i, I::I32Const(1)));
                code.extend([I::Br(0), I::End, I::End]);
            }
        }
    }
    Ok(())
}

fn emit_compute(b: &mut Builder, frame: &mut Frame, op: ComputeOp, code: &mut Vec<I<'static>>) -> Result<(), String> {
    use ComputeOp::*;
    let cmp_i64 = |c: Cmp| match c {
        Cmp::Eq => I::I64Eq,
        Cmp::Ne => I::I64Ne,
        Cmp::Lt => I::I64LtS,
        Cmp::Gt => I::I64GtS,
        Cmp::Le => I::I64LeS,
        Cmp::Ge => I::I64GeS,
    };
    match op {
        IntAdd => code.push(I::Call(b.helper(Helper::IntAdd)?)),
        IntSub => code.push(I::Call(b.helper(Helper::IntSub)?)),
        IntMul => code.push(I::Call(b.helper(Helper::IntMul)?)),
        // Wasm traps on a zero divisor and on MIN / -1: defined, named runtime errors.
        IntDiv => code.push(I::I64DivS),
        IntMod => code.push(I::I64RemS),
        IntNeg => code.push(I::Call(b.helper(Helper::IntNeg)?)),
        IntAbs => code.push(I::Call(b.helper(Helper::IntAbs)?)),
        IntMin | IntMax => {
            let (x, y) = (frame.scratch(ValType::I64), frame.scratch(ValType::I64));
            let c = if op == IntMin { I::I64LtS } else { I::I64GtS };
            code.extend([I::LocalSet(y), I::LocalTee(x), I::LocalGet(y), I::LocalGet(x), I::LocalGet(y), c, I::Select]);
        }
        FloatAdd => code.push(I::F64Add),
        FloatSub => code.push(I::F64Sub),
        FloatMul => code.push(I::F64Mul),
        FloatDiv => code.push(I::F64Div),
        FloatNeg => code.push(I::F64Neg),
        IntToFloat => code.push(I::F64ConvertI64S),
        IntCmp(c) => code.push(cmp_i64(c)),
        FloatCmp(c) => code.push(match c {
            Cmp::Eq => I::F64Eq,
            Cmp::Ne => I::F64Ne,
            Cmp::Lt => I::F64Lt,
            Cmp::Gt => I::F64Gt,
            Cmp::Le => I::F64Le,
            Cmp::Ge => I::F64Ge,
        }),
        BoolCmp(c) => code.push(if c == Cmp::Eq { I::I32Eq } else { I::I32Ne }),
        StrCmp(Cmp::Eq) => code.push(I::Call(b.helper(Helper::StrEq)?)),
        StrCmp(Cmp::Ne) => code.extend([I::Call(b.helper(Helper::StrEq)?), I::I32Eqz]),
        StrCmp(c) => {
            code.extend([I::Call(b.helper(Helper::StrCmp)?), I::I64ExtendI32S, I::I64Const(0), cmp_i64(c)]);
        }
        And => code.push(I::I32And),
        Or => code.push(I::I32Or),
        Not => code.push(I::I32Eqz),
        Concat => code.extend([I::I32Const(1), I::Call(b.helper(Helper::Concat)?)]),
        ListLen | ListIsEmpty => {
            let len = frame.scratch(ValType::I32);
            code.extend([I::LocalSet(len), I::Drop, I::LocalGet(len)]);
            code.push(if op == ListLen { I::I64ExtendI32U } else { I::I32Eqz });
        }
        ListGet(elem) => {
            let trap = b.helper(Helper::TrapIndex)?;
            let (idx, len, ptr) = (frame.scratch(ValType::I64), frame.scratch(ValType::I32), frame.scratch(ValType::I32));
            let (size, _) = elem.elem_layout();
            code.extend([
                I::LocalSet(idx),
                I::LocalSet(len),
                I::LocalSet(ptr),
                // A negative index, read unsigned, is out of range too.
                I::LocalGet(idx),
                I::LocalGet(len),
                I::I64ExtendI32U,
                I::I64GeU,
                I::If(BlockType::Empty),
                I::Call(trap),
                I::End,
                I::LocalGet(ptr),
                I::LocalGet(idx),
                I::I32WrapI64,
                I::I32Const(size as i32),
                I::I32Mul,
                I::I32Add,
            ]);
            load_elem(frame, &elem, code);
        }
        ListAppend(elem) => {
            let alloc = b.helper(Helper::Alloc)?;
            let (size, align) = elem.elem_layout();
            let x: Vec<u32> = flat(&elem).iter().map(|t| frame.scratch(*t)).collect();
            for l in x.iter().rev() {
                code.push(I::LocalSet(*l));
            }
            let (len, ptr, new) = (frame.scratch(ValType::I32), frame.scratch(ValType::I32), frame.scratch(ValType::I32));
            code.extend([
                I::LocalSet(len),
                I::LocalSet(ptr),
                I::LocalGet(len),
                I::I32Const(1),
                I::I32Add,
                I::I32Const(size as i32),
                I::I32Mul,
                I::I32Const(align as i32),
                I::Call(alloc),
                I::LocalTee(new),
                I::LocalGet(ptr),
                I::LocalGet(len),
                I::I32Const(size as i32),
                I::I32Mul,
                I::MemoryCopy { src_mem: 0, dst_mem: 0 },
                I::LocalGet(new),
                I::LocalGet(len),
                I::I32Const(size as i32),
                I::I32Mul,
                I::I32Add,
            ]);
            store_elem(frame, &elem, &x, code);
            code.extend([I::LocalGet(new), I::LocalGet(len), I::I32Const(1), I::I32Add]);
        }
        ListConcat(elem) => {
            let (size, align) = elem.elem_layout();
            let (p1, l1, p2, l2) = (frame.scratch(ValType::I32), frame.scratch(ValType::I32), frame.scratch(ValType::I32), frame.scratch(ValType::I32));
            code.extend([
                I::LocalSet(l2),
                I::LocalSet(p2),
                I::LocalSet(l1),
                I::LocalSet(p1),
                I::LocalGet(p1),
                I::LocalGet(l1),
                I::I32Const(size as i32),
                I::I32Mul,
                I::LocalGet(p2),
                I::LocalGet(l2),
                I::I32Const(size as i32),
                I::I32Mul,
                I::I32Const(align as i32),
                I::Call(b.helper(Helper::Concat)?),
                I::Drop,
                I::LocalGet(l1),
                I::LocalGet(l2),
                I::I32Add,
            ]);
        }
        Join => code.push(I::Call(b.helper(Helper::Join)?)),
        IntToString => code.push(I::Call(b.helper(Helper::IntToString)?)),
        BoolToString => {
            let (t, f) = (b.data.intern("true"), b.data.intern("false"));
            let x = frame.scratch(ValType::I32);
            code.extend([
                I::LocalSet(x),
                I::I32Const(t as i32),
                I::I32Const(f as i32),
                I::LocalGet(x),
                I::Select,
                I::I32Const(4),
                I::I32Const(5),
                I::LocalGet(x),
                I::Select,
            ]);
        }
        StrLen => code.push(I::Call(b.helper(Helper::StrLen)?)),
        ByteLen => {
            let len = frame.scratch(ValType::I32);
            code.extend([I::LocalSet(len), I::Drop, I::LocalGet(len), I::I64ExtendI32U]);
        }
    }
    Ok(())
}

fn push_value(b: &mut Builder, frame: &Frame, v: &Value, code: &mut Vec<I<'static>>) {
    match v {
        Value::Local(local, _) => {
            let base = frame.base[*local as usize];
            for i in 0..flat(&frame.types[*local as usize]).len() as u32 {
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
        Value::Unit | Value::Poison => {}
    }
}

/// Loads the element whose address is on the stack.
fn load_elem(frame: &mut Frame, elem: &Type, code: &mut Vec<I<'static>>) {
    match elem {
        Type::Int => code.push(I::I64Load(mem(0, 3))),
        Type::Float => code.push(I::F64Load(mem(0, 3))),
        Type::Bool => code.push(I::I32Load8U(mem(0, 0))),
        Type::String | Type::List(_) => {
            let addr = frame.scratch(ValType::I32);
            code.extend([I::LocalTee(addr), I::I32Load(mem(0, 2)), I::LocalGet(addr), I::I32Load(mem(4, 2))]);
        }
        Type::Unit | Type::Error => code.push(I::Drop),
    }
}

/// Stores the value held in the locals `x` (flattened) at the address on the stack.
fn store_elem(frame: &mut Frame, elem: &Type, x: &[u32], code: &mut Vec<I<'static>>) {
    match elem {
        Type::Int => code.extend([I::LocalGet(x[0]), I::I64Store(mem(0, 3))]),
        Type::Float => code.extend([I::LocalGet(x[0]), I::F64Store(mem(0, 3))]),
        Type::Bool => code.extend([I::LocalGet(x[0]), I::I32Store8(mem(0, 0))]),
        Type::String | Type::List(_) => {
            let addr = frame.scratch(ValType::I32);
            code.extend([
                I::LocalTee(addr),
                I::LocalGet(x[0]),
                I::I32Store(mem(0, 2)),
                I::LocalGet(addr),
                I::LocalGet(x[1]),
                I::I32Store(mem(4, 2)),
            ]);
        }
        Type::Unit | Type::Error => code.push(I::Drop),
    }
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
    let heap_base = data_end.next_multiple_of(8);
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
            // The heap base global (the second of the pair) never changes.
            GlobalInit::HeapBase => (heap_base as i32, b.heap.is_none_or(|(_, base)| base as usize != i)),
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
    Ok(module.finish())
}
