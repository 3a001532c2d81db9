//! Plans the component's WIT world from the checked program: one import per interface that a
//! used effect requires (nothing else), one export per entry point, each with the source span
//! that caused it. The plan is both the input to lowering and what users see (`covenant wit`).

use crate::ir::CheckedProgram;
use crate::span::Span;
use crate::stdlib::{WASI_VERSION, WasiFn};
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
    if interface.starts_with("wasi:") { format!("{interface}@{WASI_VERSION}") } else { interface.to_string() }
}

/// The WIT spelling users read: `[method]output-stream.write` becomes `output-stream.write`.
fn display_fn(name: &str) -> String {
    match name.strip_prefix('[') {
        Some(rest) => rest.split_once(']').map_or(name, |(_, n)| n).to_string(),
        None => name.to_string(),
    }
}

pub fn plan(program: &CheckedProgram) -> WorldPlan {
    let mut imports: Vec<ImportRow> = vec![];
    let mut wasi_fns: Vec<WasiFn> = vec![];
    for used in &program.effect_uses {
        for f in used.intrinsic.wasi_fns() {
            let interface = versioned(f.interface);
            let name = display_fn(f.function);
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
    let exports: Vec<ExportRow> = program
        .functions
        .iter()
        .filter(|f| f.name == "main")
        .map(|f| ExportRow {
            name: versioned("wasi:cli/run"),
            function: f.name.clone(),
            snippet: f.snippet_id.clone(),
            span: f.span,
        })
        .collect();

    let mut wit = format!("package {WORLD_PACKAGE};\n\nworld {WORLD_NAME} {{\n");
    // Interfaces reached only through `use` (wasi:io/streams, wasi:io/error) are imported implicitly.
    let mut world_imports: Vec<&str> = imports
        .iter()
        .map(|r| r.interface.as_str())
        .filter(|i| !i.starts_with("wasi:io/"))
        .collect();
    world_imports.dedup();
    for i in &world_imports {
        wit.push_str(&format!("  import {i};\n"));
    }
    for e in &exports {
        wit.push_str(&format!("  export {};\n", e.name));
    }
    wit.push_str("}\n");
    WorldPlan { wit, imports, exports, wasi_fns }
}
