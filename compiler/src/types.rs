//! Covenant types as the checker sees them.

use std::fmt;

#[derive(Clone, Debug, PartialEq)]
pub enum Type {
    Int,
    Float,
    Bool,
    String,
    Unit,
    /// `List<T>` or `T[]`: an immutable sequence laid out as the canonical ABI lays out `list<T>`.
    List(Box<Type>),
    /// The type of an expression that already produced a diagnostic; compatible with everything,
    /// so one mistake is reported once. As a list's element type it is the empty literal `[]`,
    /// which fits any list type (LANGUAGE-DECISIONS 17).
    Error,
}

impl Type {
    /// Parses a type as written in source. `None` for names this version does not know.
    pub fn from_source(text: &str) -> Option<Type> {
        let text = text.trim();
        if let Some(inner) = text.strip_suffix("[]") {
            return Type::from_source(inner).map(|t| Type::List(Box::new(t)));
        }
        if let Some(inner) = text.strip_prefix("List<").and_then(|t| t.strip_suffix('>')) {
            return Type::from_source(inner).map(|t| Type::List(Box::new(t)));
        }
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
        match (self, expected) {
            (Type::Error, _) | (_, Type::Error) => true,
            (Type::List(a), Type::List(b)) => a.fits(b),
            (a, b) => a == b,
        }
    }

    /// The more precise of two types that fit each other (`List<Int>` over the empty list's type).
    pub fn join(&self, other: &Type) -> Type {
        match (self, other) {
            (Type::Error, t) | (t, Type::Error) => t.clone(),
            (Type::List(a), Type::List(b)) => Type::List(Box::new(a.join(b))),
            (a, _) => a.clone(),
        }
    }

    /// Size and alignment of one element of this type in a list (the canonical ABI's layout).
    pub fn elem_layout(&self) -> (u32, u32) {
        match self {
            Type::Int | Type::Float => (8, 8),
            Type::Bool => (1, 1),
            Type::String | Type::List(_) => (8, 4),
            Type::Unit | Type::Error => (0, 1),
        }
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Int => f.write_str("Int"),
            Type::Float => f.write_str("Float"),
            Type::Bool => f.write_str("Bool"),
            Type::String => f.write_str("String"),
            Type::Unit => f.write_str("Unit"),
            Type::List(t) if **t == Type::Error => f.write_str("List<_>"),
            Type::List(t) => write!(f, "List<{t}>"),
            Type::Error => f.write_str("{unknown}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Type;

    #[test]
    fn list_types_parse_in_both_spellings() {
        assert_eq!(Type::from_source("List<Int>"), Some(Type::List(Box::new(Type::Int))));
        assert_eq!(Type::from_source("String[]"), Some(Type::List(Box::new(Type::String))));
        assert_eq!(Type::from_source("List<Int[]>"), Some(Type::List(Box::new(Type::List(Box::new(Type::Int))))));
        assert_eq!(Type::from_source("Map<String, Int>"), None);
    }

    #[test]
    fn the_empty_list_fits_every_list() {
        let empty = Type::List(Box::new(Type::Error));
        let ints = Type::List(Box::new(Type::Int));
        assert!(empty.fits(&ints) && ints.fits(&empty));
        assert_eq!(empty.join(&ints), ints);
        assert!(!ints.fits(&Type::List(Box::new(Type::String))));
    }
}
