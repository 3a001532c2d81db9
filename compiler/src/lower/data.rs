//! Constants laid out in the data segment: string literals (each stored once) and list literals.

use super::*;

/// String literals laid out in the data segment, each stored once.
#[derive(Default)]
pub(super) struct DataPool {
    pub(super) bytes: Vec<u8>,
    pub(super) offsets: HashMap<String, u32>,
}

impl DataPool {
    /// Appends `bytes` at an `align`-aligned offset (no sharing).
    pub(super) fn place(&mut self, bytes: &[u8], align: u32) -> u32 {
        while !(DATA_START + self.bytes.len() as u32).is_multiple_of(align.max(1)) {
            self.bytes.push(0);
        }
        let o = DATA_START + self.bytes.len() as u32;
        self.bytes.extend_from_slice(bytes);
        o
    }

    /// Lays out a constant list as the canonical ABI does; returns (pointer, length).
    pub(super) fn list(&mut self, items: &[Value], elem: &Type) -> (u32, u32) {
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
        // List literals hold primitives and lists only (the checker builds compound values with ops).
        let align = match elem {
            Type::Int | Type::DateTime | Type::Float => 8,
            Type::String | Type::Bytes | Type::List(_) | Type::Set(_) | Type::Map(..) => 4,
            _ => 1,
        };
        (self.place(&bytes, align), items.len() as u32)
    }

    pub(super) fn intern(&mut self, s: &str) -> u32 {
        if let Some(&o) = self.offsets.get(s) {
            return o;
        }
        let o = DATA_START + self.bytes.len() as u32;
        self.bytes.extend_from_slice(s.as_bytes());
        self.offsets.insert(s.to_string(), o);
        o
    }
}
