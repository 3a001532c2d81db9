//! The canonical ABI's view of Covenant types: sizes, alignments and field offsets in linear
//! memory, and the flattened core types of a value at a component boundary.
//!
//! Inside generated code a value's *representation* (`rep`) is: Int -> i64, Float -> f64, Bool ->
//! i32, String and List -> (pointer, length), Unit -> nothing, and every compound value (struct,
//! enum, optional, result) -> one i32 pointer to its canonical-ABI layout. Because compound values
//! never change (LANGUAGE-DECISIONS 19), a pointer into a list or a struct is as good as a copy.

use crate::types::{Type, TypeDefs};
use wasm_encoder::ValType;

/// Where a variant-like value keeps its parts.
#[derive(Clone, Debug, PartialEq)]
pub struct VariantLayout {
    /// Bytes of the discriminant: 1, 2 or 4.
    pub tag_size: u32,
    pub payload_offset: u32,
    pub size: u32,
    pub align: u32,
    /// Each case's payload field types and their offsets from the start of the value.
    pub cases: Vec<Vec<(Type, u32)>>,
}

pub struct Abi<'a> {
    pub defs: &'a TypeDefs,
}

fn align_to(n: u32, align: u32) -> u32 {
    n.div_ceil(align) * align
}

impl Abi<'_> {
    pub fn size_align(&self, ty: &Type) -> (u32, u32) {
        match ty {
            Type::Int | Type::DateTime | Type::Float => (8, 8),
            Type::Bool => (1, 1),
            Type::String | Type::Bytes | Type::List(_) | Type::Set(_) | Type::Map(..) => (8, 4),
            Type::Unit | Type::Error => (0, 1),
            Type::Struct(n) => {
                let fields: Vec<Type> = self.defs.struct_fields(n).iter().map(|(_, t)| t.clone()).collect();
                let (_, size, align) = self.record(&fields);
                (size, align)
            }
            _ => {
                let l = self.variant(ty);
                (l.size, l.align)
            }
        }
    }

    /// Field offsets, size and alignment of a record of `fields` (also a case's payload).
    pub fn record(&self, fields: &[Type]) -> (Vec<u32>, u32, u32) {
        let (mut offset, mut align) = (0, 1);
        let mut offsets = vec![];
        for f in fields {
            let (s, a) = self.size_align(f);
            offset = align_to(offset, a);
            offsets.push(offset);
            offset += s;
            align = align.max(a);
        }
        (offsets, align_to(offset, align), align)
    }

    /// A map entry's layout: (value offset, entry size, entry alignment); the key is at offset 0.
    pub fn entry(&self, key: &Type, value: &Type) -> (u32, u32, u32) {
        let (offsets, size, align) = self.record(&[key.clone(), value.clone()]);
        (offsets[1], size, align)
    }

    pub fn struct_offsets(&self, ty: &Type) -> Vec<(Type, u32)> {
        let Type::Struct(n) = ty else { return vec![] };
        let fields: Vec<Type> = self.defs.struct_fields(n).iter().map(|(_, t)| t.clone()).collect();
        let (offsets, ..) = self.record(&fields);
        fields.into_iter().zip(offsets).collect()
    }

    /// The layout of an enum, optional or result.
    pub fn variant(&self, ty: &Type) -> VariantLayout {
        let cases = self.defs.cases(ty).unwrap_or_default();
        let tag_size = match cases.len() {
            0..=256 => 1,
            257..=65536 => 2,
            _ => 4,
        };
        let payloads: Vec<(Vec<u32>, u32, u32)> = cases.iter().map(|(_, fs)| self.record(fs)).collect();
        let max_align = payloads.iter().map(|p| p.2).max().unwrap_or(1);
        let max_size = payloads.iter().map(|p| p.1).max().unwrap_or(0);
        let payload_offset = align_to(tag_size, max_align);
        let align = tag_size.max(max_align);
        let size = align_to(payload_offset + max_size, align);
        let cases = cases
            .into_iter()
            .zip(payloads)
            .map(|((_, fs), (offsets, ..))| {
                fs.into_iter().zip(offsets.into_iter().map(|o| o + payload_offset)).collect()
            })
            .collect();
        VariantLayout { tag_size, payload_offset, size, align, cases }
    }

    /// The value's representation inside generated code, as core wasm locals.
    pub fn rep(&self, ty: &Type) -> Vec<ValType> {
        match ty {
            Type::String | Type::Bytes | Type::List(_) | Type::Set(_) | Type::Map(..) => {
                vec![ValType::I32, ValType::I32]
            }
            Type::Int | Type::DateTime => vec![ValType::I64],
            Type::Float => vec![ValType::F64],
            Type::Bool => vec![ValType::I32],
            Type::Unit | Type::Error => vec![],
            _ => vec![ValType::I32],
        }
    }

    /// The canonical ABI's flattening of a value at a component boundary.
    pub fn flat(&self, ty: &Type) -> Vec<ValType> {
        match ty {
            Type::Struct(_) => self.struct_offsets(ty).iter().flat_map(|(t, _)| self.flat(t)).collect(),
            Type::Enum(_) | Type::Optional(_) | Type::Result(..) => {
                let mut joined: Vec<ValType> = vec![];
                for (_, fields) in self.defs.cases(ty).unwrap_or_default() {
                    let case: Vec<ValType> = fields.iter().flat_map(|t| self.flat(t)).collect();
                    for (i, t) in case.into_iter().enumerate() {
                        match joined.get_mut(i) {
                            Some(j) => *j = join(*j, t),
                            None => joined.push(t),
                        }
                    }
                }
                let mut out = vec![ValType::I32];
                out.extend(joined);
                out
            }
            _ => self.rep(ty),
        }
    }

    /// Whether a value of this type holds pointers (strings or lists) somewhere inside, so that
    /// passing it in needs `cabi_realloc`.
    pub fn has_pointers(&self, ty: &Type) -> bool {
        match ty {
            Type::String | Type::Bytes | Type::List(_) | Type::Set(_) | Type::Map(..) => true,
            Type::Struct(_) => self.struct_offsets(ty).iter().any(|(t, _)| self.has_pointers(t)),
            Type::Enum(_) | Type::Optional(_) | Type::Result(..) => self
                .defs
                .cases(ty)
                .unwrap_or_default()
                .iter()
                .flat_map(|(_, fs)| fs.iter())
                .any(|t| self.has_pointers(t)),
            _ => false,
        }
    }
}

/// The canonical ABI's join of two flat types that share a slot in a variant's flattening.
pub fn join(a: ValType, b: ValType) -> ValType {
    match (a, b) {
        (a, b) if a == b => a,
        (ValType::I32, ValType::F32) | (ValType::F32, ValType::I32) => ValType::I32,
        _ => ValType::I64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{Named, TypeDef};

    fn defs() -> TypeDefs {
        TypeDefs {
            defs: vec![
                TypeDef::Struct {
                    name: "P".into(),
                    fields: vec![("ok".into(), Type::Bool), ("n".into(), Type::Int), ("s".into(), Type::String)],
                },
                TypeDef::Enum {
                    name: "E".into(),
                    variants: vec![
                        ("A".into(), vec![]),
                        ("B".into(), vec![("x".into(), Type::Float)]),
                        ("C".into(), vec![("s".into(), Type::String)]),
                    ],
                },
            ],
        }
    }

    #[test]
    fn records_are_laid_out_as_the_canonical_abi_says() {
        let d = defs();
        let abi = Abi { defs: &d };
        let p = Type::Struct(Named { id: 0, name: "P".into() });
        assert_eq!(abi.struct_offsets(&p).iter().map(|(_, o)| *o).collect::<Vec<_>>(), vec![0, 8, 16]);
        assert_eq!(abi.size_align(&p), (24, 8));
        assert_eq!(abi.flat(&p), vec![ValType::I32, ValType::I64, ValType::I32, ValType::I32]);
    }

    #[test]
    fn variants_join_their_cases() {
        let d = defs();
        let abi = Abi { defs: &d };
        let e = Type::Enum(Named { id: 1, name: "E".into() });
        let l = abi.variant(&e);
        assert_eq!((l.tag_size, l.payload_offset, l.size, l.align), (1, 8, 16, 8));
        // f64 and i32 share a slot as i64; the string's length has a slot of its own.
        assert_eq!(abi.flat(&e), vec![ValType::I32, ValType::I64, ValType::I32]);
        let opt = Type::Optional(Box::new(Type::Bool));
        assert_eq!(abi.size_align(&opt), (2, 1));
    }
}
