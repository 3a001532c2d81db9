//! Plans the component's WIT world from the checked program: one import per interface that a
//! used effect requires (nothing else), one export per entry point, each with the source span
//! that caused it. The plan is both the input to lowering and what users see (`covenant wit`).

use crate::ir::CheckedProgram;
use crate::span::Span;
use crate::stdlib::{WASI_VERSION, WasiFn};
use crate::types::{Type, TypeDef, TypeDefs};
use serde::Serialize;

pub const WORLD_PACKAGE: &str = "covenant:program";
pub const WORLD_NAME: &str = "app";

/// One row of the import table: which effect asked for which interface, and for which functions.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ImportRow {
    pub effect: String,
    /// Versioned interface name, e.g. `wasi:cli/stdout@0.2.12`.
    pub interface: String,
    /// Functions of the interface the program calls, as WIT names them.
    pub functions: Vec<String>,
    /// The first call that needs this import.
    pub span: Span,
    /// The `effect` declaration that permits it.
    pub effect_span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ExportRow {
    /// The export's name in the world, e.g. `wasi:cli/run@0.2.12`.
    pub name: String,
    /// The Covenant function behind it.
    pub function: String,
    pub snippet: String,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct WorldPlan {
    /// The world as WIT text.
    pub wit: String,
    pub imports: Vec<ImportRow>,
    pub exports: Vec<ExportRow>,
    /// Every WASI function the lowered code imports, in a stable order.
    pub wasi_fns: Vec<WasiFn>,
}

pub fn versioned(interface: &str) -> String {
    if interface.starts_with("wasi:keyvalue/") {
        // Not part of WASI 0.2.12: the draft that Wasmtime 48 implements.
        format!("{interface}@{}", crate::stdlib::KEYVALUE_VERSION)
    } else if interface.starts_with("wasi:") {
        format!("{interface}@{WASI_VERSION}")
    } else {
        interface.to_string()
    }
}

/// The WIT spelling users read: `[method]output-stream.write` becomes `output-stream.write`,
/// `[resource-drop]pollable` becomes `pollable.drop`.
fn display_fn(name: &str) -> String {
    if let Some(resource) = name.strip_prefix("[resource-drop]") {
        return format!("{resource}.drop");
    }
    match name.strip_prefix('[') {
        Some(rest) => rest.split_once(']').map_or(name, |(_, n)| n).to_string(),
        None => name.to_string(),
    }
}

pub fn plan(program: &CheckedProgram) -> WorldPlan {
    let mut imports: Vec<ImportRow> = vec![];
    let mut wasi_fns: Vec<WasiFn> = vec![];
    for used in &program.effect_uses {
        for f in program.wasi_fns(used.intrinsic) {
            let interface = versioned(&f.interface);
            let name = display_fn(&f.function);
            match imports.iter_mut().find(|r| r.interface == interface) {
                Some(row) if !row.functions.contains(&name) => row.functions.push(name),
                Some(_) => {}
                None => imports.push(ImportRow {
                    effect: used.effect.clone(),
                    interface,
                    functions: vec![name],
                    span: used.call_span,
                    effect_span: used.decl_span,
                }),
            }
            if !wasi_fns.contains(&f) {
                wasi_fns.push(f);
            }
        }
    }
    let mut exports: Vec<ExportRow> = vec![];
    let mut export_lines: Vec<String> = vec![];
    for f in program.functions.iter().filter(|f| f.exported) {
        if f.name == "main" {
            exports.push(ExportRow {
                name: versioned("wasi:cli/run"),
                function: f.name.clone(),
                snippet: f.snippet_id.clone(),
                span: f.span,
            });
            export_lines.push(format!("export {};", versioned("wasi:cli/run")));
        } else {
            let name = kebab(&f.name);
            let params: Vec<String> = f
                .params
                .iter()
                .map(|(p, local)| format!("{}: {}", escaped(&kebab(p)), wit_type(&f.locals[*local as usize])))
                .collect();
            let result = match &f.returns {
                Type::Unit => String::new(),
                t => format!(" -> {}", wit_type(t)),
            };
            export_lines.push(format!("export {}: func({}){result};", escaped(&name), params.join(", ")));
            exports.push(ExportRow { name, function: f.name.clone(), snippet: f.snippet_id.clone(), span: f.span });
        }
    }

    let mut wit = format!("package {WORLD_PACKAGE};\n\nworld {WORLD_NAME} {{\n");
    // Interfaces reached only through `use` (wasi:io/streams, wasi:io/error) are imported implicitly.
    let mut world_imports: Vec<&str> =
        imports.iter().map(|r| r.interface.as_str()).filter(|i| !i.starts_with("wasi:io/")).collect();
    world_imports.dedup();
    for i in &world_imports {
        wit.push_str(&format!("  import {i};\n"));
    }
    // The records, variants and enums the exports mention, each after the types it uses.
    let mut order = vec![];
    for f in program.functions.iter().filter(|f| f.exported && f.name != "main") {
        for t in f.param_types().iter().chain([&f.returns]) {
            type_order(&program.types, t, &mut order);
        }
    }
    for id in order {
        wit.push_str(&type_definition(&program.types, id));
    }
    for line in &export_lines {
        wit.push_str(&format!("  {line}\n"));
    }
    wit.push_str("}\n");
    WorldPlan { wit, imports, exports, wasi_fns }
}

/// The WIT type a Covenant type is exported as (DESIGN.md's mapping).
fn wit_type(t: &Type) -> String {
    match t {
        Type::Int | Type::DateTime => "s64".into(),
        Type::Float => "f64".into(),
        Type::Bool => "bool".into(),
        Type::String => "string".into(),
        Type::Bytes => "list<u8>".into(),
        Type::List(e) | Type::Set(e) => format!("list<{}>", wit_type(e)),
        Type::Map(k, v) => format!("list<tuple<{}, {}>>", wit_type(k), wit_type(v)),
        Type::Struct(n) | Type::Enum(n) => escaped(&type_name(&n.name)),
        Type::Optional(t) => format!("option<{}>", wit_type(t)),
        Type::Result(ok, err) => match (&**ok, &**err) {
            (Type::Unit, Type::Unit) => "result".into(),
            (Type::Unit, e) => format!("result<_, {}>", wit_type(e)),
            (o, Type::Unit) => format!("result<{}>", wit_type(o)),
            (o, e) => format!("result<{}, {}>", wit_type(o), wit_type(e)),
        },
        Type::Unit | Type::Error => "tuple<>".into(),
    }
}

/// A declared type's WIT name: `ParseError` -> `parse-error`, `HTTPError` -> `http-error`.
pub fn type_name(name: &str) -> String {
    // A union's enum (`Unit | IoError | HttpError`) is `unit-or-io-error-or-http-error`.
    let name = name.replace(" | ", "_Or_");
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::new();
    for (i, c) in chars.iter().enumerate() {
        let prev = i.checked_sub(1).map(|j| chars[j]);
        let next = chars.get(i + 1);
        let boundary = c.is_uppercase()
            && prev.is_some_and(|p| p.is_lowercase() || (p.is_uppercase() && next.is_some_and(|n| n.is_lowercase())));
        if boundary {
            out.push('_');
        }
        out.push(*c);
    }
    kebab(&out)
}

/// Appends the declared types `t` mentions to `order`, each after the types it uses.
fn type_order(defs: &TypeDefs, t: &Type, order: &mut Vec<u32>) {
    match t {
        Type::List(e) | Type::Set(e) | Type::Optional(e) => type_order(defs, e, order),
        Type::Result(a, b) | Type::Map(a, b) => {
            type_order(defs, a, order);
            type_order(defs, b, order);
        }
        Type::Struct(n) | Type::Enum(n) if !order.contains(&n.id) => {
            let inner: Vec<Type> = match defs.get(n) {
                TypeDef::Struct { fields, .. } => fields.iter().map(|(_, t)| t.clone()).collect(),
                TypeDef::Enum { variants, .. } => {
                    variants.iter().flat_map(|(_, fs)| fs.iter().map(|(_, t)| t.clone())).collect()
                }
            };
            for t in &inner {
                type_order(defs, t, order);
            }
            order.push(n.id);
        }
        _ => {}
    }
}

/// The WIT definition of a declared type: a record, a variant, or an enum when no variant carries
/// data. A variant with several fields carries a record named `<enum>-<variant>`.
fn type_definition(defs: &TypeDefs, id: u32) -> String {
    let field_list = |fields: &[(String, Type)]| -> String {
        fields.iter().map(|(n, t)| format!("{}: {}", escaped(&kebab(n)), wit_type(t))).collect::<Vec<_>>().join(", ")
    };
    match &defs.defs[id as usize] {
        TypeDef::Struct { name, fields } => {
            format!("  record {} {{ {} }}\n", escaped(&type_name(name)), field_list(fields))
        }
        TypeDef::Enum { name, variants } if variants.iter().all(|(_, fs)| fs.is_empty()) => {
            let cases: Vec<String> = variants.iter().map(|(v, _)| escaped(&type_name(v))).collect();
            format!("  enum {} {{ {} }}\n", escaped(&type_name(name)), cases.join(", "))
        }
        TypeDef::Enum { name, variants } => {
            let mut out = String::new();
            let mut cases = vec![];
            for (v, fields) in variants {
                let case = escaped(&type_name(v));
                match fields.as_slice() {
                    [] => cases.push(case),
                    [(_, t)] => cases.push(format!("{case}({})", wit_type(t))),
                    _ => {
                        let record = format!("{}-{}", type_name(name), type_name(v));
                        out.push_str(&format!("  record {} {{ {} }}\n", escaped(&record), field_list(fields)));
                        cases.push(format!("{case}({})", escaped(&record)));
                    }
                }
            }
            out.push_str(&format!("  variant {} {{ {} }}\n", escaped(&type_name(name)), cases.join(", ")));
            out
        }
    }
}

/// WIT words that must be escaped with `%` when used as names.
const WIT_KEYWORDS: &[&str] = &[
    "use",
    "type",
    "func",
    "u8",
    "u16",
    "u32",
    "u64",
    "s8",
    "s16",
    "s32",
    "s64",
    "f32",
    "f64",
    "char",
    "bool",
    "string",
    "option",
    "result",
    "list",
    "tuple",
    "record",
    "variant",
    "enum",
    "flags",
    "resource",
    "own",
    "borrow",
    "static",
    "interface",
    "world",
    "import",
    "export",
    "package",
    "constructor",
    "include",
    "with",
    "as",
    "from",
    "future",
    "stream",
    "async",
    "error-context",
];

/// A name as WIT text must spell it: keywords are escaped (`%type` names `type`).
pub fn escaped(name: &str) -> String {
    if WIT_KEYWORDS.contains(&name) { format!("%{name}") } else { name.to_string() }
}

/// A Covenant name as a WIT identifier: `fetch_user` -> `fetch-user`. Words that would start with a
/// digit join the previous one (`n_1` -> `n1`).
pub fn kebab(name: &str) -> String {
    let mut out = String::new();
    for word in name.split(['_', '-']).filter(|w| !w.is_empty()) {
        let word: String = word.chars().filter(char::is_ascii_alphanumeric).collect::<String>().to_ascii_lowercase();
        if word.is_empty() {
            continue;
        }
        if !out.is_empty() && !word.starts_with(|c: char| c.is_ascii_digit()) {
            out.push('-');
        }
        out.push_str(&word);
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert_str(0, "f-");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::kebab;

    #[test]
    fn names_become_wit_identifiers() {
        assert_eq!(kebab("fetch_user"), "fetch-user");
        assert_eq!(kebab("n_1"), "n1");
        assert_eq!(kebab("getHTTP"), "gethttp");
        assert_eq!(kebab("type"), "type");
        assert_eq!(super::escaped("f32"), "%f32");
        assert_eq!(kebab("_1x"), "f-1x");
        assert_eq!(super::type_name("ParseError"), "parse-error");
        assert_eq!(super::type_name("HTTPError"), "http-error");
        assert_eq!(super::type_name("Point3D"), "point3d");
        assert_eq!(super::type_name("Unit | IoError | HttpError"), "unit-or-io-error-or-http-error");
    }
}
