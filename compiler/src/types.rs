//! Covenant types as the checker sees them.

use std::fmt;

#[derive(Clone, Debug, PartialEq)]
pub enum Type {
    Int,
    Float,
    Bool,
    String,
    Unit,
    /// The type of an expression that already produced a diagnostic; compatible with everything,
    /// so one mistake is reported once.
    Error,
}

impl Type {
    /// Parses a type as written in source. `None` for names this version does not know.
    pub fn from_source(text: &str) -> Option<Type> {
        Some(match text {
            "Int" => Type::Int,
            "Float" => Type::Float,
            "Bool" => Type::Bool,
            "String" => Type::String,
            "Unit" => Type::Unit,
            _ => return None,
        })
    }

    /// True when a value of type `self` may stand where `expected` is required.
    pub fn fits(&self, expected: &Type) -> bool {
        self == expected || *self == Type::Error || *expected == Type::Error
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Type::Int => "Int",
            Type::Float => "Float",
            Type::Bool => "Bool",
            Type::String => "String",
            Type::Unit => "Unit",
            Type::Error => "{unknown}",
        })
    }
}
