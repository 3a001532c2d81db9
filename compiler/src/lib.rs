//! The Covenant compiler: `.cov` source to a WASI 0.2 component.
//!
//! Pure: no filesystem, clock, threads or network, so the same code runs in the CLI, the host and
//! the browser playground, and the same input gives byte-identical output everywhere.
//!
//! Phases (each a module): `lexer` -> `parser` (concrete tree, `cst`) -> `syntax` (`ast`) -> `check` ->
//! `plan` -> `lower` -> `wrap`.
//! The one entry point is [`compile`].

pub mod abi;
pub mod ast;
pub mod check;
pub mod cst;
pub mod diagnostic;
pub mod format;
pub mod ir;
pub mod lexer;
pub mod lower;
pub mod parser;
pub mod plan;
pub mod regex;
pub mod span;
pub mod sql;
pub mod stdlib;
pub mod syntax;
pub mod types;
pub mod wit;
pub mod wrap;

pub use diagnostic::{Diagnostic, Severity};
pub use plan::{ExportRow, ImportRow};
pub use span::Span;

/// The compiler's version, carried in share links and `covenant --version`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Target {
    /// WASI 0.2 component model.
    #[default]
    Wasi,
}

#[derive(Clone, Debug, Default)]
pub struct Options {
    pub target: Target,
}

/// Everything one compilation produces. When `diagnostics` holds an error, `component` is `None`;
/// the world and tables are filled in as far as the program could be understood.
#[derive(Clone, Debug, Default)]
pub struct Compilation {
    pub component: Option<Vec<u8>>,
    /// The generated world as WIT text.
    pub wit: Option<String>,
    pub imports: Vec<ImportRow>,
    pub exports: Vec<ExportRow>,
    pub diagnostics: Vec<Diagnostic>,
    /// The directories the program may touch: each declared `filesystem(path=..)`, normalized
    /// (`/data`, `notes`, `.`), or "" when a function declares the effect without a path. A host
    /// preopens only these (see `covenant run --dir`).
    pub filesystem_roots: Vec<String>,
    /// The hosts the program may reach: each declared `network(host=..)` in lower case
    /// (`api.example.com`, `*.example.com`), or "" when a function declares no host.
    pub network_hosts: Vec<String>,
}

impl Compilation {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// The custom section (in the component's core module) that lists the declared capabilities.
pub use lower::{CAPABILITIES_SECTION, SYMBOLS_SECTION};

pub fn compile(source: &str, options: &Options) -> Compilation {
    let (tree, mut diagnostics) = parser::parse_tree(source);
    let (ast, syntax_diags) = syntax::build(&tree);
    diagnostics.extend(syntax_diags);
    let (checked, check_diags) = check::check(&ast, source, options.target);
    diagnostics.extend(check_diags);
    diagnostics.sort_by_key(|d| (d.span.start, d.span.end));
    let world_plan = plan::plan(&checked);
    let mut out = Compilation {
        component: None,
        wit: Some(world_plan.wit.clone()),
        imports: world_plan.imports.clone(),
        exports: world_plan.exports.clone(),
        diagnostics,
        filesystem_roots: checked.filesystem_roots.clone(),
        network_hosts: checked.network_hosts.clone(),
    };
    if out.has_errors() {
        return out;
    }
    let built = wit::resolve_world(&world_plan.wit, plan::WORLD_NAME).and_then(|(resolve, world)| {
        let core = lower::lower(&checked, &world_plan, &resolve, world)?;
        wrap::wrap(core, &resolve, world)
    });
    match built {
        Ok(bytes) => out.component = Some(bytes),
        // Reaching this is a compiler bug, never the user's: say so plainly instead of panicking.
        Err(e) => out.diagnostics.push(
            Diagnostic::error("E-INTERNAL-001", format!("internal compiler error: {e}"), Span::default())
                .with_label("the compiler failed on this program")
                .with_help("please report this program; it should have compiled or produced a diagnostic"),
        ),
    }
    out
}
