//! The checked program: what `check` hands to `plan` and `lower`. Names are resolved to local
//! ids (scoping is done), types are known, and every operation carries what it needs.

use crate::span::Span;
use crate::stdlib::Intrinsic;
use crate::types::{Type, TypeDefs};

/// A function-wide local slot; names bound in different arms get different ids.
pub type LocalId = u32;

#[derive(Clone, Debug, Default)]
pub struct CheckedProgram {
    pub functions: Vec<Function>,
    /// Declared structs and enums, which `Type::Struct` and `Type::Enum` index.
    pub types: TypeDefs,
    /// Every std operation performed, with the effect declaration that allowed it.
    pub effect_uses: Vec<EffectUse>,
    /// The declared `filesystem(path=..)` of every function that uses the filesystem, normalized
    /// ("" for a declaration without a path), each once: what a host may preopen.
    pub filesystem_roots: Vec<String>,
    /// The declared `network(host=..)` of every function that makes HTTP requests, in lower case
    /// ("" for a declaration without a host), each once: what a host may let through.
    pub network_hosts: Vec<String>,
    /// `extern` snippets bound to a WASI function, by `Intrinsic::Extern` index.
    pub externs: Vec<ExternFn>,
    /// `database` snippets, by the index `Intrinsic::Query` and the transaction intrinsics use.
    pub databases: Vec<Database>,
    /// SQL queries, by `Intrinsic::Query` index.
    pub queries: Vec<SqlQuery>,
    /// The symbol graph as JSON, when the program makes project queries.
    pub symbols: Option<String>,
}

/// A `database` snippet: where its connection comes from.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Database {
    /// The snippet id, e.g. `db.app`; `--db app=URL` names it by its last segment.
    pub id: String,
    pub dialect: crate::sql::Dialect,
    /// The `connection` metadata as written (a URL or `env:NAME`); "" for the embedded default.
    pub connection: String,
    /// True when every function that uses it declares `database(readonly=true)`.
    pub readonly: bool,
}

/// One `query` step in a SQL dialect.
#[derive(Clone, Debug, PartialEq)]
pub struct SqlQuery {
    pub database: u32,
    /// The SQL with its placeholders in the database's positional form.
    pub sql: String,
    /// The parameters' types, in the order the SQL's placeholders number them.
    pub params: Vec<Type>,
    /// What the step's value is made of.
    pub shape: RowShape,
    /// Inside a `transaction` step: runs on the open transaction.
    pub in_transaction: bool,
    /// A failure ends the run (the function cannot return `DbError`); else it is left for
    /// `Intrinsic::DbFailed` and `Intrinsic::DbError`.
    pub traps: bool,
}

/// How result rows become the step's value. A column holds Int, Float, Bool, String or Bytes, or
/// an optional of one of them.
#[derive(Clone, Debug, PartialEq)]
pub enum RowShape {
    /// Nothing (the statement's rows are ignored).
    Unit,
    /// The first column of the first row; an Int of a statement without columns is the number of
    /// rows it changed. Optional: none when there is no row.
    Scalar(Type),
    /// One row as a struct whose fields are read from the columns of the same name; optional:
    /// none when there is no row.
    Row(Type),
    /// Every row, each a struct (by column names) or a scalar (the first column).
    Rows(Type),
}

impl CheckedProgram {
    /// The WASI functions an intrinsic imports.
    pub fn wasi_fns(&self, intrinsic: Intrinsic) -> Vec<crate::stdlib::WasiFn> {
        match intrinsic {
            Intrinsic::Extern(i) => self.externs.get(i as usize).map(|e| e.wasi_fn()).into_iter().collect(),
            Intrinsic::Query(i) => {
                let mut fns = intrinsic.wasi_fns();
                if self.queries.get(i as usize).is_some_and(|q| q.in_transaction) {
                    fns.push(crate::stdlib::db::TX_QUERY);
                }
                fns
            }
            other => other.wasi_fns(),
        }
    }
}

/// An `extern` snippet bound to a WASI function (`metadata wasi_interface=.. wasi_function=..`):
/// the function, and how each Covenant value converts to its WIT type and back.
#[derive(Clone, Debug, PartialEq)]
pub struct ExternFn {
    /// Interface without version, e.g. `wasi:random/random`.
    pub interface: String,
    pub function: String,
    pub params: Vec<ParamConv>,
    pub result: ResultConv,
}

impl ExternFn {
    pub fn wasi_fn(&self) -> crate::stdlib::WasiFn {
        crate::stdlib::WasiFn { interface: self.interface.clone().into(), function: self.function.clone().into() }
    }
}

/// A parameter's conversion from its Covenant representation to the WIT function's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamConv {
    /// The same flat values (s64/u64, f64, bool, string, lists of the same layout).
    Same,
    /// An Int to a narrower integer, checked: out of range is the runtime error integer overflow.
    Narrow { bits: u8, signed: bool },
    /// A Float to f32.
    Demote,
}

/// The result's conversion from the WIT function's to the Covenant representation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResultConv {
    Unit,
    /// One flat value, the same (s64/u64, f64, bool).
    Same,
    /// A narrower integer widened to Int.
    Widen {
        signed: bool,
    },
    /// f32 to Float.
    Promote,
    /// Through a return area of this size and alignment: a string or list read as (pointer,
    /// length), or (`pointer`) a compound value whose layout is the area itself.
    Area {
        size: u32,
        align: u32,
        pointer: bool,
    },
}

#[derive(Clone, Debug)]
pub struct EffectUse {
    pub effect: String,
    pub intrinsic: Intrinsic,
    /// The call that performs the operation.
    pub call_span: Span,
    /// The `effect` declaration that permits it.
    pub decl_span: Span,
}

#[derive(Clone, Debug)]
pub struct Function {
    /// The signature's name, e.g. `main` or `factorial`.
    pub name: String,
    pub snippet_id: String,
    pub params: Vec<(String, LocalId)>,
    pub returns: Type,
    pub body: Vec<Op>,
    /// The type of every local, indexed by `LocalId` (parameters first).
    pub locals: Vec<Type>,
    pub span: Span,
    /// Whether the function is a component export (`main` is exported as `wasi:cli/run`).
    pub exported: bool,
    /// Its `timeout` and `cost_hint` metadata, from which a host sets the run's budget.
    pub budget: Budget,
}

/// What a function's metadata says about its run time.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct Budget {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout_ms: Option<u64>,
    /// `cheap`, `moderate` or `expensive`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost_hint: Option<String>,
}

impl Function {
    pub fn param_types(&self) -> Vec<Type> {
        self.params.iter().map(|(_, l)| self.locals[*l as usize].clone()).collect()
    }
}

#[derive(Clone, Debug)]
pub enum Value {
    Local(LocalId, Type),
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    Unit,
    /// A list literal: constant elements of one type.
    List(Vec<Value>, Type),
    /// The empty map of a key and a value type.
    EmptyMap(Type, Type),
    /// Stands for a value whose expression already produced a diagnostic; its type fits
    /// everything, so one mistake is reported once. Never reaches lowering.
    Poison,
}

impl Value {
    pub fn ty(&self) -> Type {
        match self {
            Value::Local(_, t) => t.clone(),
            Value::Str(_) => Type::String,
            Value::Int(_) => Type::Int,
            Value::Float(_) => Type::Float,
            Value::Bool(_) => Type::Bool,
            Value::Unit => Type::Unit,
            Value::List(_, elem) => Type::List(Box::new(elem.clone())),
            Value::EmptyMap(k, v) => Type::Map(Box::new(k.clone()), Box::new(v.clone())),
            Value::Poison => Type::Error,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Cmp {
    Eq,
    Ne,
    Lt,
    Gt,
    Le,
    Ge,
}

/// A compute operation with its operand types already decided.
#[derive(Clone, Debug, PartialEq)]
pub enum ComputeOp {
    /// Int arithmetic; `add`, `sub`, `mul` and `neg` trap on overflow, `div` and `mod` on zero.
    IntAdd,
    IntSub,
    IntMul,
    IntDiv,
    IntMod,
    IntNeg,
    IntAbs,
    IntMin,
    IntMax,
    FloatAdd,
    FloatSub,
    FloatMul,
    FloatDiv,
    FloatNeg,
    FloatAbs,
    FloatMin,
    FloatMax,
    /// `floor`, `ceil`, `trunc`, `round` (ties away from zero), `sqrt`: Float to Float.
    FloatFloor,
    FloatCeil,
    FloatTrunc,
    FloatRound,
    FloatSqrt,
    /// -1, 0 or 1 (Int); -1.0, 1.0, or the input itself for zeros and NaN (Float).
    IntSign,
    FloatSign,
    /// `clamp(value, lo, hi)`.
    IntClamp,
    FloatClamp,
    /// `pow(base, exponent)` on Ints: traps on a negative exponent or on overflow.
    IntPow,
    /// `pow(base, exponent)` with a Float base and an Int exponent.
    FloatPowInt,
    /// Truncates toward zero; traps on NaN and on values outside Int (LANGUAGE-DECISIONS 13).
    FloatToInt,
    /// Bitwise operations on the 64 bits of an Int; shift counts are taken modulo 64.
    BitAnd,
    BitOr,
    BitXor,
    BitNot,
    BitShl,
    /// Arithmetic (sign-extending) right shift.
    BitShr,
    /// Logical (zero-filling) right shift.
    BitUshr,
    IntToFloat,
    IntCmp(Cmp),
    FloatCmp(Cmp),
    BoolCmp(Cmp),
    StrCmp(Cmp),
    And,
    Or,
    Not,
    Concat,
    IntToString,
    /// The shortest text that reads back to the same Float (LANGUAGE-DECISIONS 12).
    FloatToString,
    /// Text to Int; traps on malformed text (LANGUAGE-DECISIONS 18).
    ParseInt,
    /// Text to the nearest Float; traps on malformed text.
    ParseFloat,
    BoolToString,
    StrLen,
    ByteLen,
    /// String operations (LANGUAGE-DECISIONS 14, 15); indices count characters.
    StrContains,
    StrStartsWith,
    StrEndsWith,
    /// The character index of the first occurrence, or -1.
    StrIndexOf,
    StrUpper,
    StrLower,
    StrTrim,
    StrTrimStart,
    StrTrimEnd,
    StrRepeat,
    /// `char_at(s, i)`: a one-character string; traps when `i` is not a character index.
    StrCharAt,
    /// `slice(s, start, end)`: characters start..end, with both clamped to the string.
    StrSlice,
    StrReverse,
    /// `bytes_len(b)`: the number of bytes.
    BytesLen,
    BytesIsEmpty,
    /// `bytes_get(b, i)`: the byte (0..255) at index i; traps when out of range.
    BytesGet,
    /// `bytes_slice(b, start, end)`: bytes start..end, both clamped.
    BytesSlice,
    BytesConcat,
    /// `bytes_to_string(b)`: the bytes as UTF-8 text; traps (invalid utf-8) when they are not.
    BytesToString,
    /// Lower-case hexadecimal, two digits per byte.
    BytesToHex,
    /// Standard base64 with `=` padding (RFC 4648).
    BytesToBase64,
    /// Every occurrence replaced.
    StrReplace,
    StrSplit,
    /// `pad_start` / `pad_end`: whether padding goes first, and whether a fill string was given
    /// (a space otherwise).
    StrPad {
        at_start: bool,
        fill: bool,
    },
    /// A string or list without elements.
    IsEmpty,
    /// List operations, with the element type they move.
    ListLen,
    ListIsEmpty,
    /// `list_get(list, index)`: traps (index out of range) when the index is not in the list.
    ListGet(Type),
    ListAppend(Type),
    ListConcat(Type),
    /// The first or last element; traps on an empty list (LANGUAGE-DECISIONS 16).
    ListFirst(Type),
    ListLast(Type),
    ListReverse(Type),
    /// `list_slice(list, start, end)`, `list_take(list, n)`, `list_drop(list, n)`: views, with the
    /// bounds clamped to the list.
    ListSlice(Type),
    ListTake(Type),
    ListDrop(Type),
    ListPrepend(Type),
    /// Element search by value, for Int, Float, Bool and String elements.
    ListContains(Type),
    ListIndexOf(Type),
    /// Ascending and stable; NaN last; strings by code point.
    ListSort(Type),
    /// Keeps the first occurrence of each value.
    ListDedup(Type),
    /// A list of lists (of the given element type) to one list.
    ListFlatten(Type),
    /// `join(list of strings, separator)`.
    Join,
    /// A list of the given element type from its elements' values.
    ListOf(Type),
    /// Structural equality (`not_equals` when the flag is set) of structs, enums, optionals,
    /// unions, lists and maps.
    ValueEq(Type, bool),
    /// Set operations, with the element type: sets are lists of distinct values in insertion
    /// order. `Identity` leaves its input as it is (`set_to_list`).
    SetHas(Type),
    SetAdd(Type),
    SetRemove(Type),
    SetUnion(Type),
    SetIntersect(Type),
    SetDiff(Type),
    SetSymmetricDiff(Type),
    SetIsSubset(Type),
    SetIsSuperset(Type),
    /// Equal as sets (the same values in any order); `not_equals` when the flag is set.
    SetEq(Type, bool),
    Identity,
    /// Map operations (LANGUAGE-DECISIONS 15, 17), with the key and value types. `map_get` traps
    /// when the key is missing (check with `map_has`).
    MapGet(Type, Type),
    MapHas(Type, Type),
    MapInsert(Type, Type),
    MapRemove(Type, Type),
    /// The right-hand map wins.
    MapMerge(Type, Type),
    MapKeys(Type, Type),
    MapValues(Type, Type),
    /// A struct value from its fields' values, in declaration order.
    Record(Type),
    /// A value of a variant-like type (enum, optional, result): the case index and its payload
    /// fields' values.
    Variant(Type, u32),
    /// A struct's field, by index.
    Field(Type, u32),
    /// A part of a DateTime, in UTC.
    DtPart(DtPart),
    /// `dt_add_days` / `_hours` / `_minutes` / `_seconds`: plus n units of this many
    /// milliseconds; traps on overflow.
    DtAdd(i64),
    /// `dt_diff(a, b)`: the whole seconds from b to a (truncated toward zero).
    DtDiff,
    /// `dt_format(dt, format)`: strftime-style directives (docs/language.md).
    DtFormat,
    /// `to_string` of a DateTime: ISO 8601 in UTC with milliseconds, as JavaScript's toISOString.
    DtToString,
    /// Whether a variant-like value is of the given case.
    IsCase(Type, u32),
    /// A payload field of a variant-like value known to be of the given case: (type, case, field).
    Payload(Type, u32, u32),
}

/// The parts `dt_*` operators read from a DateTime (UTC, proleptic Gregorian calendar).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DtPart {
    Year = 0,
    /// 1 to 12.
    Month = 1,
    /// 1 to 31.
    Day = 2,
    Hour = 3,
    Minute = 4,
    Second = 5,
    /// 0 (Sunday) to 6 (Saturday), as JavaScript's getUTCDay.
    Weekday = 6,
    Millisecond = 7,
    /// Whole seconds since 1970-01-01T00:00:00Z (floored, so before 1970 too).
    Unix = 8,
}

#[derive(Clone, Debug)]
pub enum Op {
    /// Call a standard-library intrinsic.
    Intrinsic {
        intrinsic: Intrinsic,
        args: Vec<Value>,
        result: Option<LocalId>,
        /// The intrinsic's result type (helpers build values of it).
        returns: Type,
    },
    /// Store a value into a local.
    Set {
        local: LocalId,
        value: Value,
    },
    Compute {
        op: ComputeOp,
        args: Vec<Value>,
        result: LocalId,
    },
    /// Call a user function (index into `CheckedProgram::functions`).
    Call {
        function: usize,
        args: Vec<Value>,
        result: Option<LocalId>,
    },
    If {
        cond: Value,
        then: Vec<Op>,
        otherwise: Vec<Op>,
    },
    /// Runs `body` once per element of `list`, with the element in `item`.
    For {
        list: Value,
        elem: Type,
        item: LocalId,
        body: Vec<Op>,
    },
    /// Leave the function with a value.
    Return(Value),
}

/// True when every path through `ops` ends in a `Return`.
pub fn always_returns(ops: &[Op]) -> bool {
    ops.iter().any(|op| match op {
        Op::Return(_) => true,
        Op::If { then, otherwise, .. } => always_returns(then) && always_returns(otherwise),
        // A loop may run zero times.
        _ => false,
    })
}
