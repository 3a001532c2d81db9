//! The checked program: what `check` hands to `plan` and `lower`. Names are resolved, types known,
//! and every operation carries the span that caused it.

use crate::span::Span;
use crate::stdlib::Intrinsic;
use crate::types::Type;

#[derive(Clone, Debug, Default)]
pub struct CheckedProgram {
    pub functions: Vec<Function>,
    /// Every std operation performed, with the effect declaration that allowed it.
    pub effect_uses: Vec<EffectUse>,
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
    /// The signature's name, e.g. `main`.
    pub name: String,
    pub snippet_id: String,
    pub returns: Type,
    pub body: Vec<Op>,
    /// Every local the body binds, in order of first binding.
    pub locals: Vec<(String, Type)>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum Value {
    Local(String, Type),
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    Unit,
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
        }
    }
}

#[derive(Clone, Debug)]
pub enum Op {
    /// Call a standard-library intrinsic; its Unit result is discarded.
    Intrinsic { intrinsic: Intrinsic, args: Vec<Value> },
    /// Store a value into a local.
    Set { local: String, value: Value },
    /// Leave the function with a value.
    Return(Value),
}
