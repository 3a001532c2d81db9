//! Covenant types as the checker sees them, and the table of user-declared structs and enums.

use std::fmt;
use std::sync::Arc;

/// A user-declared struct or enum, by its index in [`TypeDefs`]; the name is kept for messages.
#[derive(Clone, Debug)]
pub struct Named {
    pub id: u32,
    pub name: Arc<str>,
}

impl PartialEq for Named {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Type {
    Int,
    Float,
    Bool,
    String,
    /// Binary data: bytes laid out as a WIT `list<u8>`, represented as (pointer, length).
    Bytes,
    /// An instant in UTC: milliseconds since the Unix epoch (an i64, like Int; WIT `s64`).
    DateTime,
    Unit,
    /// `List<T>` or `T[]`: an immutable sequence laid out as the canonical ABI lays out `list<T>`.
    List(Box<Type>),
    /// A `struct` snippet's type: a WIT record.
    Struct(Named),
    /// An `enum` snippet's type: a WIT variant (or enum, when no variant carries data).
    Enum(Named),
    /// `Map<K, V>`: entries in insertion order (LANGUAGE-DECISIONS 17), laid out as a list of
    /// (key, value) records; a WIT `list<tuple<K, V>>`.
    Map(Box<Type>, Box<Type>),
    /// `Set<T>`: distinct values in insertion order, laid out as a list; a WIT `list<T>`.
    Set(Box<Type>),
    /// `T?`: a WIT option.
    Optional(Box<Type>),
    /// A union of a value type and an error type (`returns union type="T" type="E" end`): a WIT
    /// result. Its cases are `Ok` and `Err`.
    Result(Box<Type>, Box<Type>),
    /// The type of an expression that already produced a diagnostic; compatible with everything,
    /// so one mistake is reported once. As a list's element type it is the empty literal `[]`,
    /// which fits any list type (LANGUAGE-DECISIONS 17).
    Error,
}

/// A declared struct or enum.
#[derive(Clone, Debug, PartialEq)]
pub enum TypeDef {
    Struct {
        name: String,
        fields: Vec<(String, Type)>,
    },
    /// Each variant lists its fields (LANGUAGE-DECISIONS 22: positional, in declaration order).
    Enum {
        name: String,
        variants: Vec<(String, Vec<(String, Type)>)>,
    },
}

impl TypeDef {
    pub fn name(&self) -> &str {
        match self {
            TypeDef::Struct { name, .. } | TypeDef::Enum { name, .. } => name,
        }
    }
}

/// Every declared struct and enum, indexed by `Named::id`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TypeDefs {
    pub defs: Vec<TypeDef>,
}

impl TypeDefs {
    pub fn get(&self, n: &Named) -> &TypeDef {
        &self.defs[n.id as usize]
    }

    /// Whether `n` is a union of three or more members (`A | B | C`): an enum whose variants are
    /// named after the member types, each carrying its member's value (none for Unit).
    pub fn is_union(&self, n: &Named) -> bool {
        matches!(self.get(n), TypeDef::Enum { name, .. } if name.contains(" | "))
    }

    pub fn struct_fields(&self, n: &Named) -> &[(String, Type)] {
        match self.get(n) {
            TypeDef::Struct { fields, .. } => fields,
            TypeDef::Enum { .. } => &[],
        }
    }

    /// The cases of a variant-like type (enum, optional, result), each with its payload fields;
    /// `None` for other types.
    pub fn cases(&self, ty: &Type) -> Option<Vec<(String, Vec<Type>)>> {
        match ty {
            Type::Enum(n) => match self.get(n) {
                TypeDef::Enum { variants, .. } => Some(
                    variants.iter().map(|(v, fs)| (v.clone(), fs.iter().map(|(_, t)| t.clone()).collect())).collect(),
                ),
                TypeDef::Struct { .. } => None,
            },
            Type::Optional(t) => Some(vec![("None".into(), vec![]), ("Some".into(), vec![(**t).clone()])]),
            Type::Result(ok, err) => {
                Some(vec![("Ok".into(), vec![(**ok).clone()]), ("Err".into(), vec![(**err).clone()])])
            }
            _ => None,
        }
    }
}

impl Type {
    pub fn list(elem: Type) -> Type {
        Type::List(Box::new(elem))
    }

    /// Primitive types by name; user types are resolved by the checker.
    pub fn primitive(name: &str) -> Option<Type> {
        Some(match name {
            "Int" => Type::Int,
            "Float" => Type::Float,
            "Bool" => Type::Bool,
            "String" => Type::String,
            "Bytes" => Type::Bytes,
            "DateTime" => Type::DateTime,
            "Unit" => Type::Unit,
            _ => return None,
        })
    }

    /// Values represented by a pointer to their canonical-ABI layout in linear memory.
    pub fn is_compound(&self) -> bool {
        matches!(self, Type::Struct(_) | Type::Enum(_) | Type::Optional(_) | Type::Result(..))
    }

    /// True when a value of type `self` may stand where `expected` is required, as it is.
    pub fn fits(&self, expected: &Type) -> bool {
        match (self, expected) {
            (Type::Error, _) | (_, Type::Error) => true,
            (Type::List(a), Type::List(b)) | (Type::Optional(a), Type::Optional(b)) | (Type::Set(a), Type::Set(b)) => {
                a.fits(b)
            }
            (Type::Result(a, e), Type::Result(b, f)) | (Type::Map(a, e), Type::Map(b, f)) => a.fits(b) && e.fits(f),
            (a, b) => a == b,
        }
    }

    /// How a value of type `self` becomes a value of `expected`: as it is, or injected into a case
    /// of an optional or result (LANGUAGE-DECISIONS 21, 22). `None` when it cannot.
    pub fn coercion(&self, expected: &Type) -> Option<Coercion> {
        if self.fits(expected) {
            return Some(Coercion::Same);
        }
        match expected {
            Type::Optional(t) if self.fits(t) => Some(Coercion::Case(1)),
            // A list where a set is expected: its repeated values are dropped.
            Type::Set(t) if matches!(self, Type::List(e) if e.fits(t)) => Some(Coercion::ToSet),
            Type::Result(ok, _) if self.fits(ok) => Some(Coercion::Case(0)),
            Type::Result(_, err) if self.fits(err) => Some(Coercion::Case(1)),
            _ => None,
        }
    }

    /// The more precise of two types that fit each other (`List<Int>` over the empty list's type).
    pub fn join(&self, other: &Type) -> Type {
        match (self, other) {
            (Type::Error, t) | (t, Type::Error) => t.clone(),
            (Type::List(a), Type::List(b)) => Type::list(a.join(b)),
            (Type::Optional(a), Type::Optional(b)) => Type::Optional(Box::new(a.join(b))),
            (Type::Set(a), Type::Set(b)) => Type::Set(Box::new(a.join(b))),
            (Type::Map(k, v), Type::Map(j, w)) => Type::Map(Box::new(k.join(j)), Box::new(v.join(w))),
            (a, _) => a.clone(),
        }
    }
}

/// How a value is adapted to the type a place expects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Coercion {
    Same,
    /// Wrapped as the payload of this case (`Some`, `Ok` or `Err`).
    Case(u32),
    /// A list made a set (repeated values dropped).
    ToSet,
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Int => f.write_str("Int"),
            Type::Float => f.write_str("Float"),
            Type::Bool => f.write_str("Bool"),
            Type::String => f.write_str("String"),
            Type::Bytes => f.write_str("Bytes"),
            Type::DateTime => f.write_str("DateTime"),
            Type::Unit => f.write_str("Unit"),
            Type::List(t) if **t == Type::Error => f.write_str("List<_>"),
            Type::List(t) => write!(f, "List<{t}>"),
            Type::Struct(n) | Type::Enum(n) => f.write_str(&n.name),
            Type::Optional(t) => write!(f, "{t}?"),
            Type::Map(k, v) => write!(f, "Map<{k}, {v}>"),
            Type::Set(t) => write!(f, "Set<{t}>"),
            Type::Result(t, e) => write!(f, "{t} | {e}"),
            Type::Error => f.write_str("{unknown}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_empty_list_fits_every_list() {
        let empty = Type::list(Type::Error);
        let ints = Type::list(Type::Int);
        assert!(empty.fits(&ints) && ints.fits(&empty));
        assert_eq!(empty.join(&ints), ints);
        assert!(!ints.fits(&Type::list(Type::String)));
    }

    #[test]
    fn values_are_injected_into_optionals_and_results() {
        let opt = Type::Optional(Box::new(Type::Int));
        assert_eq!(Type::Int.coercion(&opt), Some(Coercion::Case(1)));
        assert_eq!(opt.coercion(&opt), Some(Coercion::Same));
        let res = Type::Result(Box::new(Type::Int), Box::new(Type::String));
        assert_eq!(Type::Int.coercion(&res), Some(Coercion::Case(0)));
        assert_eq!(Type::String.coercion(&res), Some(Coercion::Case(1)));
        assert_eq!(Type::Bool.coercion(&res), None);
    }
}
