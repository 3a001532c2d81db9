//! Declared types: `struct` and `enum` snippets become the type table, and type references as
//! written (`Config`, `Int[]`, `List<User>`, `String?`) resolve against it.

use super::*;
use crate::types::{Named, TypeDef};

impl<'a> Checker<'a> {
    /// Registers every struct and enum first (so types may refer to each other in any order),
    /// then resolves their fields, then rejects recursive types, which WIT cannot express.
    pub(super) fn declare_types(&mut self, all: &[(&'a ast::Snippet, Option<&'a ast::TypeDecl>)]) {
        let mut decls: Vec<(u32, &ast::TypeDecl)> = vec![];
        for &(s, decl) in all {
            let Some(decl) = decl else {
                self.diags.push(
                    Diagnostic::error("E-PARSE-002", format!("`{}` snippet has no declaration", s.id.value), s.id.span)
                        .with_label("missing `signature` with a `struct` or `enum` block")
                        .with_help("add `signature struct name=\"...\" field name=\"...\" type=\"...\" end end`"),
                );
                continue;
            };
            if self.type_names.contains_key(decl.name.value.as_str())
                || self.aliases.contains_key(decl.name.value.as_str())
            {
                let first_span = decls
                    .iter()
                    .find(|(_, d)| d.name.value == decl.name.value)
                    .map_or(decl.name.span, |(_, d)| d.name.span);
                self.diags.push(
                    Diagnostic::error(
                        "E-SYMBOL-002",
                        format!("two types are named `{}`", decl.name.value),
                        decl.name.span,
                    )
                    .with_label("named again here")
                    .with_secondary(first_span, "first named here")
                    .with_help("rename one of them"),
                );
                continue;
            }
            // runtime/std's own files declare the library's types (`Json`, `Response`): a declaration
            // with the library's shape is that type, so the library's functions accept its values.
            if declares_std_type(decl)
                && let Some(Type::Struct(named) | Type::Enum(named)) = self.std_type(&decl.name.value)
            {
                self.type_names.insert(&decl.name.value, named.id);
                self.type_names.entry(&s.id.value).or_insert(named.id);
                continue;
            }
            let id = self.out.types.defs.len() as u32;
            let placeholder = match &decl.body {
                ast::TypeDeclBody::Struct(_) => TypeDef::Struct { name: decl.name.value.clone(), fields: vec![] },
                ast::TypeDeclBody::Enum(_) => TypeDef::Enum { name: decl.name.value.clone(), variants: vec![] },
                ast::TypeDeclBody::Alias(target) => {
                    self.aliases.insert(&decl.name.value, target);
                    continue;
                }
            };
            self.out.types.defs.push(placeholder);
            self.type_names.insert(&decl.name.value, id);
            if s.type_decl.as_ref().is_some_and(|d| std::ptr::eq(d, decl)) {
                self.type_names.entry(&s.id.value).or_insert(id);
            }
            decls.push((id, decl));
        }
        for (id, decl) in &decls {
            let def = match &decl.body {
                ast::TypeDeclBody::Struct(fields) => {
                    if fields.is_empty() {
                        self.diags.push(
                            Diagnostic::error(
                                "E-PARSE-002",
                                format!("struct `{}` has no fields", decl.name.value),
                                decl.name.span,
                            )
                            .with_label("a struct needs at least one field")
                            .with_help("add `field name=\"...\" type=\"...\"`, or use an enum variant without data"),
                        );
                    }
                    TypeDef::Struct { name: decl.name.value.clone(), fields: self.field_types(fields) }
                }
                ast::TypeDeclBody::Alias(_) => continue,
                ast::TypeDeclBody::Enum(variants) => {
                    if variants.is_empty() {
                        self.diags.push(
                            Diagnostic::error(
                                "E-PARSE-002",
                                format!("enum `{}` has no variants", decl.name.value),
                                decl.name.span,
                            )
                            .with_label("an enum needs at least one variant")
                            .with_help("add `variant name=\"...\"`"),
                        );
                    }
                    let mut seen: HashMap<&str, Span> = HashMap::default();
                    for v in variants {
                        if let Some(first) = seen.insert(&v.name.value, v.name.span) {
                            self.diags.push(
                                Diagnostic::error(
                                    "E-SYMBOL-002",
                                    format!("variant `{}` is declared twice", v.name.value),
                                    v.name.span,
                                )
                                .with_label("declared again here")
                                .with_secondary(first, "first declared here")
                                .with_help("rename or remove one"),
                            );
                        }
                    }
                    let variants =
                        variants.iter().map(|v| (v.name.value.clone(), self.field_types(&v.fields))).collect();
                    TypeDef::Enum { name: decl.name.value.clone(), variants }
                }
            };
            self.out.types.defs[*id as usize] = def;
        }
        for (id, decl) in &decls {
            if self.reaches(*id, *id, false, &mut vec![]) {
                self.diags.push(
                    Diagnostic::error(
                        "E-TYPE-005",
                        format!("type `{}` contains itself", decl.name.value),
                        decl.name.span,
                    )
                    .with_label("recursive type")
                    .with_help("component types (WIT) cannot be recursive; refer to the value by an id instead"),
                );
                // Break the cycle so later phases terminate.
                self.out.types.defs[*id as usize] = match &self.out.types.defs[*id as usize] {
                    TypeDef::Struct { name, .. } => TypeDef::Struct { name: name.clone(), fields: vec![] },
                    TypeDef::Enum { name, .. } => TypeDef::Enum { name: name.clone(), variants: vec![] },
                };
            }
        }
    }

    fn field_types(&mut self, fields: &[ast::FieldDecl]) -> Vec<(String, Type)> {
        let mut seen: HashMap<&str, Span> = HashMap::default();
        let mut out = vec![];
        for f in fields {
            if let Some(first) = seen.insert(&f.name.value, f.name.span) {
                self.diags.push(
                    Diagnostic::error(
                        "E-SYMBOL-002",
                        format!("field `{}` is declared twice", f.name.value),
                        f.name.span,
                    )
                    .with_label("declared again here")
                    .with_secondary(first, "first declared here")
                    .with_help("rename or remove one"),
                );
                continue;
            }
            out.push((f.name.value.clone(), self.resolve_type(&f.ty)));
        }
        out
    }

    /// Whether type `from` contains type `target` (through fields, payloads and optionals, and
    /// through lists when `via_lists`). Without lists such a type would be infinitely large; through
    /// a list it is fine in memory, but WIT cannot express it.
    pub(super) fn reaches(&self, from: u32, target: u32, via_lists: bool, path: &mut Vec<u32>) -> bool {
        if path.contains(&from) {
            return false;
        }
        path.push(from);
        let tys: Vec<Type> = match &self.out.types.defs[from as usize] {
            TypeDef::Struct { fields, .. } => fields.iter().map(|(_, t)| t.clone()).collect(),
            TypeDef::Enum { variants, .. } => {
                variants.iter().flat_map(|(_, fs)| fs.iter().map(|(_, t)| t.clone())).collect()
            }
        };
        tys.iter().any(|t| {
            self.mentions(t, via_lists).iter().any(|&id| id == target || self.reaches(id, target, via_lists, path))
        })
    }

    /// The declared types `t` refers to directly (and through lists when `via_lists`).
    fn mentions(&self, t: &Type, via_lists: bool) -> Vec<u32> {
        match t {
            Type::Struct(n) | Type::Enum(n) => vec![n.id],
            Type::List(t) | Type::Set(t) if via_lists => self.mentions(t, via_lists),
            Type::Optional(t) => self.mentions(t, via_lists),
            Type::Result(a, b) => [self.mentions(a, via_lists), self.mentions(b, via_lists)].concat(),
            Type::Map(k, v) if via_lists => [self.mentions(k, via_lists), self.mentions(v, via_lists)].concat(),
            _ => vec![],
        }
    }

    /// A recursive type that `t` uses (such a type cannot cross the component boundary).
    pub(super) fn recursive_part(&self, t: &Type) -> Option<String> {
        let mut seen = vec![];
        let mut todo = self.mentions(t, true);
        while let Some(id) = todo.pop() {
            if seen.contains(&id) {
                continue;
            }
            seen.push(id);
            if self.reaches(id, id, true, &mut vec![]) {
                return Some(self.out.types.defs[id as usize].name().to_string());
            }
            let def = self.out.types.defs[id as usize].clone();
            let inner: Vec<Type> = match def {
                TypeDef::Struct { fields, .. } => fields.into_iter().map(|(_, t)| t).collect(),
                TypeDef::Enum { variants, .. } => {
                    variants.into_iter().flat_map(|(_, fs)| fs.into_iter().map(|(_, t)| t)).collect()
                }
            };
            for t in &inner {
                todo.extend(self.mentions(t, true));
            }
        }
        None
    }

    /// The struct a map's entries are (`key`, `value`), declared on first use: its layout is the
    /// map's entry layout, so `map_entries` and `for` over a map read the map as it is.
    pub(super) fn map_entry_type(&mut self, k: &Type, v: &Type) -> Type {
        let part = |t: &Type| t.to_string().chars().filter(char::is_ascii_alphanumeric).collect::<String>();
        let name = format!("{}{}Entry", part(k), part(v));
        let fields = vec![("key".to_string(), k.clone()), ("value".to_string(), v.clone())];
        let existing = self
            .out
            .types
            .defs
            .iter()
            .position(|d| matches!(d, TypeDef::Struct { name: n, fields: f } if *n == name && *f == fields));
        let id = existing.unwrap_or_else(|| {
            self.out.types.defs.push(TypeDef::Struct { name: name.clone(), fields });
            self.out.types.defs.len() - 1
        });
        Type::Struct(Named { id: id as u32, name: name.into() })
    }

    pub(super) fn type_by_name(&self, name: &str) -> Option<Type> {
        let id = *self.type_names.get(name)?;
        let def = &self.out.types.defs[id as usize];
        let named = Named { id, name: def.name().into() };
        Some(match def {
            TypeDef::Struct { .. } => Type::Struct(named),
            TypeDef::Enum { .. } => Type::Enum(named),
        })
    }

    /// A type as written, or E-TYPE-002.
    pub(super) fn resolve_type(&mut self, t: &ast::TypeRef) -> Type {
        self.parse_type(t.text.trim()).unwrap_or_else(|| {
            let mut names: Vec<&str> = ["Int", "Float", "Bool", "String", "Unit", "Bytes", "DateTime"].to_vec();
            names.extend(self.out.types.defs.iter().map(TypeDef::name));
            let mut d = Diagnostic::error("E-TYPE-002", format!("unknown type `{}`", t.text), t.span)
                .with_label("not a known type");
            let any = t.text.split(|c: char| !c.is_alphanumeric()).any(|w| w == "Any");
            d = match closest(t.text.trim(), names.iter().copied()) {
                // `Any` (some documents use it) has no layout a component could give it.
                _ if any => d.with_help(
                    "a component needs a concrete type for every value, so there is no `Any`: use `Json` for \
                     data of any shape, or declare a struct or enum",
                ),
                Some(s) => d.with_help(format!("did you mean `{s}`?")).with_edit(t.span, format!("\"{s}\"")),
                None => d.with_help(
                    "use Int, Float, Bool, String, Unit, a declared struct or enum, `T?`, `T[]` or `List<T>`",
                ),
            };
            self.diags.push(d);
            Type::Error
        })
    }

    pub(super) fn parse_type(&mut self, text: &str) -> Option<Type> {
        if let Some((_, t)) = self.generic_env.iter().find(|(n, _)| n == text) {
            return Some(t.clone());
        }
        // `T | E` written inline: a value type and an error type, as a `returns union` gives.
        if let Some((ok, err)) = text.split_once('|') {
            let (ok, err) = (self.parse_type(ok.trim())?, self.parse_type(err.trim())?);
            return Some(Type::Result(Box::new(ok), Box::new(err)));
        }
        // `T?`, and `optional T` as runtime/std writes parameter types.
        if let Some(inner) = text.strip_suffix('?').or_else(|| text.strip_prefix("optional ")) {
            return self.parse_type(inner.trim()).map(|t| Type::Optional(Box::new(t)));
        }
        if let Some(inner) = text.strip_suffix("[]") {
            return self.parse_type(inner.trim()).map(Type::list);
        }
        if let Some(inner) = text.strip_prefix("List<").and_then(|t| t.strip_suffix('>')) {
            return self.parse_type(inner.trim()).map(Type::list);
        }
        if let Some(inner) = text.strip_prefix("Set<").and_then(|t| t.strip_suffix('>')) {
            return self.parse_type(inner.trim()).map(|t| Type::Set(Box::new(t)));
        }
        // `MapEntry<K, V>`: what `map_entries` and `for` over a map give.
        if let Some(inner) = text.strip_prefix("MapEntry<").and_then(|t| t.strip_suffix('>')) {
            let (k, v) = split_pair(inner)?;
            let (k, v) = (self.parse_type(k)?, self.parse_type(v)?);
            return Some(self.map_entry_type(&k, &v));
        }
        if let Some(inner) = text.strip_prefix("Map<").and_then(|t| t.strip_suffix('>')) {
            let (k, v) = split_pair(inner)?;
            return Some(Type::Map(Box::new(self.parse_type(k)?), Box::new(self.parse_type(v)?)));
        }
        if let Some(target) = self.aliases.get(text) {
            // An alias names another type; a cycle of aliases names nothing.
            return if self.alias_depth.get() > 16 {
                None
            } else {
                self.alias_depth.set(self.alias_depth.get() + 1);
                let t = self.parse_type(target.text.trim());
                self.alias_depth.set(self.alias_depth.get() - 1);
                t
            };
        }
        if self.in_std_signature {
            return Type::primitive(text).or_else(|| self.std_type(text)).or_else(|| self.type_by_name(text));
        }
        Type::primitive(text).or_else(|| self.type_by_name(text)).or_else(|| self.std_type(text))
    }

    /// A standard-library struct (`IoError`, `FileStat`, ...), declared on first use.
    fn std_type(&mut self, name: &str) -> Option<Type> {
        use crate::stdlib::{STD_ENUMS, STD_TYPES};
        let (std_name, is_enum) = match STD_TYPES.iter().find(|(n, _)| *n == name) {
            Some((n, _)) => (*n, false),
            None => (STD_ENUMS.iter().find(|(n, _)| *n == name)?.0, true),
        };
        let named = |id| Named { id, name: std_name.into() };
        let make = |id| if is_enum { Type::Enum(named(id)) } else { Type::Struct(named(id)) };
        if let Some(&id) = self.std_types.get(std_name) {
            return Some(make(id));
        }
        // Registered before its fields are read, so a type may refer to itself (`Json[]`).
        let id = self.out.types.defs.len() as u32;
        let placeholder = if is_enum {
            TypeDef::Enum { name: std_name.to_string(), variants: vec![] }
        } else {
            TypeDef::Struct { name: std_name.to_string(), fields: vec![] }
        };
        self.out.types.defs.push(placeholder);
        self.std_types.insert(std_name, id);
        let mut fields_of = |fields: &[(&str, &str)]| -> Vec<(String, Type)> {
            fields.iter().map(|(f, t)| (f.to_string(), self.parse_type(t).unwrap_or(Type::Error))).collect()
        };
        let def = match STD_TYPES.iter().find(|(n, _)| *n == std_name) {
            Some((_, fields)) => TypeDef::Struct { name: std_name.to_string(), fields: fields_of(fields) },
            None => {
                let (_, variants) = STD_ENUMS.iter().find(|(n, _)| *n == std_name)?;
                let variants = variants.iter().map(|(v, fields)| (v.to_string(), fields_of(fields))).collect();
                TypeDef::Enum { name: std_name.to_string(), variants }
            }
        };
        self.out.types.defs[id as usize] = def;
        Some(make(id))
    }

    /// `returns union type="T" type="E" end`: a value type and an error type, a WIT result.
    pub(super) fn union_type(&mut self, members: &[ast::TypeRef], at: Span) -> Type {
        let tys: Vec<Type> = members.iter().map(|m| self.resolve_type(m)).collect();
        match tys.as_slice() {
            [ok, err] if ok == err && *ok != Type::Error => {
                self.diags.push(
                    Diagnostic::error("E-TYPE-003", format!("both members of this union are {ok}"), members[1].span)
                        .with_label("the same type again")
                        .with_help(
                            "a union's members must be told apart at run time: use a value type and an error type",
                        ),
                );
                Type::Error
            }
            [ok, err] => Type::Result(Box::new(ok.clone()), Box::new(err.clone())),
            // `returns union type="String" optional end` (runtime/std writes it so): just the type.
            [only] => only.clone(),
            _ if tys.contains(&Type::Error) => Type::Error,
            _ if tys.len() > 2 && tys.iter().all(|t| union_case_name(t).is_some()) => {
                let names: Vec<String> = tys.iter().filter_map(union_case_name).collect();
                if let Some(i) = (1..names.len()).find(|&i| names[..i].contains(&names[i])) {
                    let first = names.iter().position(|n| *n == names[i]).unwrap_or(0);
                    self.diags.push(
                        Diagnostic::error(
                            "E-TYPE-003",
                            format!("{} is a member of this union twice", names[i]),
                            members[i].span,
                        )
                        .with_label("the same type again")
                        .with_secondary(members[first].span, "first named here")
                        .with_help("a union's members must be told apart at run time: name each type once"),
                    );
                    return Type::Error;
                }
                self.union_enum(&tys, &names)
            }
            [] => {
                self.diags.push(unsupported(
                    "a union without members is".into(),
                    at,
                    "list its members: `type=\"T\"` lines",
                ));
                Type::Error
            }
            _ => {
                // A member without a name of its own (`List<T>`, `T?`) could not name its case.
                let i = tys.iter().position(|t| union_case_name(t).is_none()).unwrap_or(0);
                self.diags.push(unsupported(
                    format!("`{}` as a member of a union of {} types is", tys[i], tys.len()),
                    members[i].span,
                    "the members of a union of three or more types are primitives or declared types: wrap this one \
                     in a struct",
                ));
                Type::Error
            }
        }
    }
}

impl Checker<'_> {
    /// The enum that stands for the union of `tys` (one per distinct member list): WIT has no
    /// unions, so `A | B | C` is a variant with a case per member.
    fn union_enum(&mut self, tys: &[Type], names: &[String]) -> Type {
        let name = names.join(" | ");
        let variants: Vec<(String, Vec<(String, Type)>)> = tys
            .iter()
            .zip(names)
            .map(|(t, n)| (n.clone(), if *t == Type::Unit { vec![] } else { vec![("value".to_string(), t.clone())] }))
            .collect();
        let id = match self.out.types.defs.iter().position(|d| d.name() == name) {
            Some(id) => id as u32,
            None => {
                self.out.types.defs.push(TypeDef::Enum { name: name.clone(), variants });
                self.out.types.defs.len() as u32 - 1
            }
        };
        Type::Enum(Named { id, name: name.into() })
    }
}

/// A union member's case name: its type's name. Members are primitives or declared types (a case
/// needs a name; `List<T>` has none).
fn union_case_name(t: &Type) -> Option<String> {
    match t {
        Type::Int | Type::Float | Type::Bool | Type::String | Type::Bytes | Type::DateTime | Type::Unit => {
            Some(t.to_string())
        }
        Type::Struct(n) | Type::Enum(n) if !n.name.contains(" | ") => Some(n.name.to_string()),
        _ => None,
    }
}

/// Whether `decl` declares a standard-library struct or enum field for field as the library does
/// (the same names in the same order, the same type texts).
fn declares_std_type(decl: &ast::TypeDecl) -> bool {
    use crate::stdlib::{STD_ENUMS, STD_TYPES};
    let same = |fields: &[ast::FieldDecl], std: &[(&str, &str)]| {
        let text = |t: &str| t.split_whitespace().collect::<String>();
        fields.len() == std.len()
            && fields.iter().zip(std).all(|(f, (n, t))| f.name.value == *n && text(&f.ty.text) == text(t))
    };
    let name = decl.name.value.as_str();
    match &decl.body {
        ast::TypeDeclBody::Struct(fields) => STD_TYPES.iter().any(|(n, std)| *n == name && same(fields, std)),
        ast::TypeDeclBody::Enum(variants) => STD_ENUMS.iter().any(|(n, std)| {
            *n == name
                && variants.len() == std.len()
                && variants.iter().zip(*std).all(|(v, (vn, fs))| v.name.value == *vn && same(&v.fields, fs))
        }),
        ast::TypeDeclBody::Alias(_) => false,
    }
}

/// `K, V` split at the top-level comma.
pub(super) fn split_pair(text: &str) -> Option<(&str, &str)> {
    let mut depth = 0;
    for (i, c) in text.char_indices() {
        match c {
            '<' => depth += 1,
            '>' => depth -= 1,
            ',' if depth == 0 => return Some((text[..i].trim(), text[i + 1..].trim())),
            _ => {}
        }
    }
    None
}
