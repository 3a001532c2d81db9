//! Operands: names, literals, fields and constructors, and their coercion to expected types.

use super::*;
use crate::types::Coercion;

impl<'a> Checker<'a> {
    pub(super) fn value(&mut self, operand: &Operand, body: &mut Body, out: &mut Vec<Op>) -> Value {
        match operand {
            Operand::Var(name) => match body.lookup(&name.value) {
                Some(b) => {
                    let (local, ty) = (b.local, b.ty.clone());
                    body.used.insert(local);
                    Value::Local(local, ty)
                }
                None => {
                    let mut d =
                        Diagnostic::error("E-SYMBOL-001", format!("undefined name `{}`", name.value), name.span)
                            .with_label("not bound by any earlier step");
                    let suggestion = closest(&name.value, body.visible_names().into_iter()).map(str::to_string);
                    // The suggested name was meant to be used here: do not also call it unused.
                    if let Some(local) = suggestion.as_deref().and_then(|s| body.lookup(s)).map(|b| b.local) {
                        body.used.insert(local);
                    }
                    d = match suggestion {
                        Some(s) => d.with_help(format!("did you mean `{s}`?")).with_edit(name.span, format!("\"{s}\"")),
                        None => d.with_help("bind it first with a step whose `as=` is this name"),
                    };
                    self.diags.push(d);
                    Value::Poison
                }
            },
            Operand::Lit(lit) => match &lit.value {
                LitValue::Str(s) => Value::Str(s.clone()),
                LitValue::Int(n) => Value::Int(*n),
                LitValue::Float(f) => Value::Float(*f),
                LitValue::Bool(b) => Value::Bool(*b),
                LitValue::Array(items) => {
                    let values: Vec<Value> =
                        items.iter().map(|i| self.value(&Operand::Lit(i.clone()), body, out)).collect();
                    let mut elem = Type::Error;
                    for (v, item) in values.iter().zip(items) {
                        if !v.ty().fits(&elem) {
                            self.diags.push(
                                Diagnostic::error(
                                    "E-TYPE-001",
                                    format!("this list mixes {elem} and {}", v.ty()),
                                    item.span,
                                )
                                .with_label(format!("this element is {}", v.ty()))
                                .with_help("every element of a list has the same type"),
                            );
                            return Value::Poison;
                        }
                        elem = elem.join(&v.ty());
                    }
                    Value::List(values, elem)
                }
                LitValue::Struct(fields) => {
                    // Where nothing gives an expected type, `{ "k": v }` is a Map<String, T> whose
                    // values share one type (LANGUAGE-DECISIONS 17).
                    let values: Vec<(String, Value, Span)> = fields
                        .iter()
                        .map(|(k, l)| (k.clone(), self.value(&Operand::Lit(l.clone()), body, out), l.span))
                        .collect();
                    let mut vt = Type::Error;
                    for (_, v, span) in &values {
                        if !v.ty().fits(&vt) {
                            self.diags.push(
                                Diagnostic::error(
                                    "E-TYPE-001",
                                    format!("this map mixes {vt} and {} values", v.ty()),
                                    *span,
                                )
                                .with_label(format!("this value is {}", v.ty()))
                                .with_help("every value of a map has the same type"),
                            );
                            return Value::Poison;
                        }
                        vt = vt.join(&v.ty());
                    }
                    let ty = Type::Map(Box::new(Type::String), Box::new(vt.clone()));
                    let mut map = Value::EmptyMap(Type::String, vt.clone());
                    for (k, v, _) in values {
                        let local = body.new_local(ty.clone());
                        out.push(Op::Compute {
                            op: ComputeOp::MapInsert(Type::String, vt.clone()),
                            args: vec![map, Value::Str(k), v],
                            result: local,
                        });
                        map = Value::Local(local, ty.clone());
                    }
                    map
                }
                LitValue::None => {
                    // `none` of a type still unknown; `coerce` re-makes it at the optional type expected.
                    let ty = Type::Optional(Box::new(Type::Error));
                    let local = body.new_local(ty.clone());
                    out.push(Op::Compute { op: ComputeOp::Variant(ty.clone(), 0), args: vec![], result: local });
                    Value::Local(local, ty)
                }
                _ => {
                    self.diags.push(unsupported(
                        "this literal form is".into(),
                        lit.span,
                        "use a string, number, boolean, `none` or list literal",
                    ));
                    Value::Poison
                }
            },
            Operand::Field { field, of } => {
                let mut v = self.value(&Operand::Var(of.clone()), body, out);
                // A dotted path reads nested fields: `field="address.city"`. Each part gets its own
                // span when the source spells the path plainly (no escapes or triple quotes).
                let written = self.source.get(field.span.start as usize..field.span.end as usize);
                let plain = written == Some(format!("\"{}\"", field.value).as_str());
                let mut offset = 0u32;
                for part in field.value.split('.') {
                    let span = if plain {
                        Span {
                            start: field.span.start + 1 + offset,
                            end: field.span.start + 1 + offset + part.len() as u32,
                        }
                    } else {
                        field.span
                    };
                    offset += part.len() as u32 + 1;
                    v = self.field_of(v, part, span, body, out);
                }
                v
            }
            Operand::Ctor(c) => self.constructor(c, body, out),
        }
    }

    /// Reads field `name` of a struct value.
    pub(super) fn field_of(&mut self, v: Value, name: &str, span: Span, body: &mut Body, out: &mut Vec<Op>) -> Value {
        let ty = v.ty();
        let Type::Struct(n) = &ty else {
            if ty != Type::Error {
                self.diags.push(
                    Diagnostic::error("E-TYPE-001", format!("{ty} has no fields"), span)
                        .with_label(format!("a field of a {ty} value"))
                        .with_help("`field=` reads a field of a struct value"),
                );
            }
            return Value::Poison;
        };
        let fields = self.out.types.struct_fields(n);
        let Some(index) = fields.iter().position(|(f, _)| f == name) else {
            let mut d = Diagnostic::error("E-SYMBOL-001", format!("struct `{}` has no field `{name}`", n.name), span)
                .with_label("no such field");
            let names: Vec<&str> = fields.iter().map(|(f, _)| f.as_str()).collect();
            d = match closest(name, names.iter().copied()) {
                Some(s) => d.with_help(format!("did you mean `{s}`?")).with_edit(span, s),
                None => d.with_help(format!(
                    "its fields are {}",
                    names.iter().map(|f| format!("`{f}`")).collect::<Vec<_>>().join(", ")
                )),
            };
            self.diags.push(d);
            return Value::Poison;
        };
        let fty = fields[index].1.clone();
        let local = body.new_local(fty.clone());
        out.push(Op::Compute { op: ComputeOp::Field(ty.clone(), index as u32), args: vec![v], result: local });
        Value::Local(local, fty)
    }

    /// Adapts `v` to `expected` (injecting it into an optional or result case where needed), or
    /// `None` when its type cannot stand there.
    pub(super) fn coerce(&mut self, v: Value, expected: &Type, body: &mut Body, out: &mut Vec<Op>) -> Option<Value> {
        let ty = v.ty();
        // A `none` whose type was not known yet is made again at the expected optional type.
        if let (Type::Optional(inner), Type::Optional(want)) = (&ty, expected)
            && **inner == Type::Error
            && **want != Type::Error
        {
            let local = body.new_local(expected.clone());
            out.push(Op::Compute { op: ComputeOp::Variant(expected.clone(), 0), args: vec![], result: local });
            return Some(Value::Local(local, expected.clone()));
        }
        // A member's value where its union is expected: the member's case.
        if let Type::Enum(n) = expected
            && self.out.types.is_union(n)
            && ty != *expected
        {
            let cases = self.out.types.cases(expected)?;
            let case = cases.iter().position(|(_, fields)| match fields.as_slice() {
                [] => ty == Type::Unit,
                [member] => ty.fits(member),
                _ => false,
            })?;
            let args = if ty == Type::Unit { vec![] } else { vec![v] };
            let local = body.new_local(expected.clone());
            out.push(Op::Compute { op: ComputeOp::Variant(expected.clone(), case as u32), args, result: local });
            return Some(Value::Local(local, expected.clone()));
        }
        match ty.coercion(expected)? {
            Coercion::Same => {
                // A `bind mut` value of a partly known type (`{}`, `[]`) used where the type is
                // known: the next pass over the body starts the binding with that type.
                if let Value::Local(local, t) = &v {
                    let learned = t.join(expected);
                    if let (Some(&site), true) = (body.mutable_sites.get(local), learned != *t) {
                        body.refined.insert(site, learned);
                    }
                }
                Some(v)
            }
            Coercion::ToSet => {
                let Type::List(elem) = &ty else { return None };
                let local = body.new_local(expected.clone());
                out.push(Op::Compute { op: ComputeOp::ListDedup((**elem).clone()), args: vec![v], result: local });
                Some(Value::Local(local, expected.clone()))
            }
            Coercion::Case(case) => {
                let payload =
                    self.coerce(v, &self.out.types.cases(expected)?[case as usize].1[0].clone(), body, out)?;
                let local = body.new_local(expected.clone());
                out.push(Op::Compute {
                    op: ComputeOp::Variant(expected.clone(), case),
                    args: vec![payload],
                    result: local,
                });
                Some(Value::Local(local, expected.clone()))
            }
        }
    }

    /// `coerce`, reporting E-TYPE-001 with `what` (e.g. "argument `x` of `f`") when it fails.
    pub(super) fn expect(
        &mut self,
        v: Value,
        expected: &Type,
        what: &str,
        span: Span,
        body: &mut Body,
        out: &mut Vec<Op>,
    ) -> Value {
        let found = v.ty();
        match self.coerce(v, expected, body, out) {
            Some(v) => v,
            None => {
                self.diags.push(
                    Diagnostic::error("E-TYPE-001", format!("{what} must be {expected}, found {found}"), span)
                        .with_label(format!("this is {found}"))
                        .with_help(format!("give a {expected} here")),
                );
                Value::Poison
            }
        }
    }

    /// `struct type="T" field .. end` or `variant type="E::V" field .. end` (also `Some`, `Ok`, `Err`).
    pub(super) fn constructor(&mut self, c: &ast::Constructor, body: &mut Body, out: &mut Vec<Op>) -> Value {
        let name = c.type_name.value.as_str();
        let (ty, case) = if c.kind.value == "variant" {
            match self.variant_by_name(name, &body.returns) {
                Some(found) => found,
                None => {
                    let d = Diagnostic::error("E-TYPE-002", format!("unknown variant `{name}`"), c.type_name.span)
                        .with_label("no enum declares this variant");
                    // Suggest the closest variant of the named enum (or of every enum).
                    let (enum_part, short) = name.rsplit_once("::").map_or((None, name), |(e, v)| (Some(e), v));
                    let mut candidates = vec![];
                    for def in &self.out.types.defs {
                        if let crate::types::TypeDef::Enum { name: n, variants } = def
                            && enum_part.is_none_or(|e| e == n)
                        {
                            candidates.extend(variants.iter().map(|(v, _)| format!("{n}::{v}")));
                        }
                    }
                    let best =
                        closest(short, candidates.iter().map(|c| c.rsplit_once("::").map_or(c.as_str(), |(_, v)| v)))
                            .and_then(|v| candidates.iter().find(|c| c.ends_with(&format!("::{v}"))).cloned());
                    self.diags.push(match best {
                        Some(s) => {
                            d.with_help(format!("did you mean `{s}`?")).with_edit(c.type_name.span, format!("\"{s}\""))
                        }
                        None => {
                            d.with_help("write `type=\"Enum::Variant\"` naming a declared enum and one of its variants")
                        }
                    });
                    return Value::Poison;
                }
            }
        } else {
            match self.type_by_name(name) {
                Some(t @ Type::Struct(_)) => (t, u32::MAX),
                _ => {
                    self.diags.push(
                        Diagnostic::error("E-TYPE-002", format!("unknown struct `{name}`"), c.type_name.span)
                            .with_label("not a declared struct")
                            .with_help("declare it with a `kind=\"struct\"` snippet, or check the spelling"),
                    );
                    return Value::Poison;
                }
            }
        };
        let fields: Vec<(String, Type)> =
            match &ty {
                Type::Struct(n) => self.out.types.struct_fields(n).to_vec(),
                Type::Enum(n) => match self.out.types.get(n) {
                    crate::types::TypeDef::Enum { variants, .. } => variants[case as usize].1.clone(),
                    _ => vec![],
                },
                // `Some`/`Ok`/`Err` take one value, written `field name="value"`.
                other => self.out.types.cases(other).map_or(vec![], |cs| {
                    cs[case as usize].1.iter().map(|t| ("value".to_string(), t.clone())).collect()
                }),
            };
        let mut args = vec![];
        for (fname, fty) in &fields {
            let given: Vec<&ast::FieldInit> = c.fields.iter().filter(|f| f.name.value == *fname).collect();
            match given.as_slice() {
                [] => {
                    self.diags.push(
                        Diagnostic::error(
                            "E-TYPE-001",
                            format!("missing field `{fname}` for `{name}`"),
                            c.type_name.span,
                        )
                        .with_label(format!("`{fname}` is not given"))
                        .with_help(format!("add `field name=\"{fname}\" from=\"...\"` (or `lit=...`)")),
                    );
                    args.push(Value::Poison);
                }
                [f, rest @ ..] => {
                    for dup in rest {
                        self.diags.push(
                            Diagnostic::error("E-SYMBOL-002", format!("field `{fname}` given twice"), dup.name.span)
                                .with_label("given again here")
                                .with_secondary(f.name.span, "first given here")
                                .with_help("remove one of them"),
                        );
                    }
                    let v = self.value(&f.value, body, out);
                    args.push(self.expect(v, fty, &format!("field `{fname}` of `{name}`"), f.span, body, out));
                }
            }
        }
        for f in &c.fields {
            if !fields.iter().any(|(n, _)| *n == f.name.value) {
                let names: Vec<&str> = fields.iter().map(|(n, _)| n.as_str()).collect();
                let mut d =
                    Diagnostic::error("E-SYMBOL-001", format!("`{name}` has no field `{}`", f.name.value), f.name.span)
                        .with_label("no such field");
                d = match closest(&f.name.value, names.iter().copied()) {
                    Some(s) => d.with_help(format!("did you mean `{s}`?")).with_edit(f.name.span, format!("\"{s}\"")),
                    None if names.is_empty() => d.with_help("this variant carries no data"),
                    None => d.with_help(format!(
                        "its fields are {}",
                        names.iter().map(|f| format!("`{f}`")).collect::<Vec<_>>().join(", ")
                    )),
                };
                self.diags.push(d);
            }
        }
        if args.iter().any(|a| matches!(a, Value::Poison)) {
            return Value::Poison;
        }
        let local = body.new_local(ty.clone());
        let op = if case == u32::MAX { ComputeOp::Record(ty.clone()) } else { ComputeOp::Variant(ty.clone(), case) };
        out.push(Op::Compute { op, args, result: local });
        Value::Local(local, ty)
    }

    /// A variant named `Enum::Variant` (or a bare `Variant` of exactly one declared enum), or one of
    /// `Some`/`None`/`Ok`/`Err` of the function's own optional or result return type.
    pub(super) fn variant_by_name(&self, name: &str, context: &Type) -> Option<(Type, u32)> {
        if let Some(cases) = self.out.types.cases(context)
            && !matches!(context, Type::Enum(_))
            && let Some(i) = cases.iter().position(|(c, _)| c == name)
        {
            return Some((context.clone(), i as u32));
        }
        let (enum_name, variant) = match name.rsplit_once("::") {
            Some((e, v)) => (Some(e), v),
            None => (None, name),
        };
        let mut found = None;
        for (id, def) in self.out.types.defs.iter().enumerate() {
            if let crate::types::TypeDef::Enum { name: n, variants } = def {
                if enum_name.is_some_and(|e| e != n && !e.ends_with(&format!(".{n}"))) {
                    continue;
                }
                if let Some(i) = variants.iter().position(|(v, _)| v == variant) {
                    if found.is_some() {
                        return None; // ambiguous bare name
                    }
                    found =
                        Some((Type::Enum(crate::types::Named { id: id as u32, name: n.as_str().into() }), i as u32));
                }
            }
        }
        found
    }
}
