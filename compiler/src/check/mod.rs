//! Name resolution, type and effect checking, and target rules. Turns the syntax tree into the
//! checked program (`ir`), reporting every problem it finds rather than stopping at the first.

use crate::Target;
use crate::ast::{self, LitValue, Operand, SnippetKind, StepKind};
use crate::diagnostic::Diagnostic;
use crate::ir::*;
use crate::span::{Span, Spanned};
use crate::stdlib;
use crate::types::Type;
// The checker hashes names all the time: FxHash is several times faster than SipHash there, and
// a compiler has no use for SipHash's resistance to chosen keys.
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

mod calls;
mod compute;
mod control;
mod covenant_sql;
mod effects;
mod externs;
mod generics;
mod handle;
mod matching;
mod project;
mod query;
mod regex;
mod steps;
mod types;
mod values;

pub fn check(program: &ast::Program, source: &str, target: Target) -> (CheckedProgram, Vec<Diagnostic>) {
    let mut cx = Checker {
        diags: vec![],
        out: CheckedProgram::default(),
        target,
        fns: vec![],
        by_id: HashMap::default(),
        type_names: HashMap::default(),
        std_types: HashMap::default(),
        externs: vec![],
        extern_ids: HashMap::default(),
        in_std_signature: false,
        aliases: HashMap::default(),
        alias_depth: Default::default(),
        source,
        schemas: HashMap::default(),
        generic_env: vec![],
        instances: vec![],
        generic_calls: Default::default(),
    };
    cx.program(program);
    (cx.out, cx.diags)
}

/// The types a generic function's type parameters stand for, by name.
type TypeArgs = Vec<(String, Type)>;

/// A user function's signature, known before any body is checked (so calls may go forward,
/// and functions may recurse).
struct FnInfo<'a> {
    snippet: &'a ast::Snippet,
    name: Spanned<String>,
    params: Vec<(Spanned<String>, Type)>,
    returns: Type,
    exported: bool,
    /// A generic function's type parameters (with their constraints); empty otherwise.
    generics: Vec<&'a ast::Generic>,
    /// For an instance of a generic function: its type arguments, and the call that made it.
    instance_of: Option<(TypeArgs, Span)>,
}

impl FnInfo<'_> {
    fn is_generic(&self) -> bool {
        !self.generics.is_empty()
    }
}

struct Checker<'a> {
    diags: Vec<Diagnostic>,
    out: CheckedProgram,
    target: Target,
    fns: Vec<FnInfo<'a>>,
    by_id: HashMap<&'a str, usize>,
    /// Declared types by name (and by snippet id), indexing `out.types`.
    type_names: HashMap<&'a str, u32>,
    /// `extern` snippets, and their index by snippet id.
    externs: Vec<externs::ExternInfo<'a>>,
    extern_ids: HashMap<&'a str, usize>,
    /// Standard-library structs declared so far (`stdlib::STD_TYPES`).
    std_types: HashMap<&'static str, u32>,
    /// While resolving a standard-library signature, its own struct names win over a program's.
    in_std_signature: bool,
    /// `alias` declarations: name -> the type it stands for.
    aliases: HashMap<&'a str, &'a ast::TypeRef>,
    /// How deep alias resolution is (a cycle of aliases stops, unresolved).
    alias_depth: std::cell::Cell<u32>,
    /// The source text, for edits that must match its indentation.
    source: &'a str,
    /// The tables of each database's `schema` (by database index).
    schemas: HashMap<u32, Vec<covenant_sql::Table>>,
    /// The type each type parameter in scope stands for (unknown, `Error`, in a generic
    /// function's own check; the type arguments in an instance's).
    generic_env: Vec<(String, Type)>,
    /// Instances of generic functions: (the generic function, its type arguments, the instance).
    instances: Vec<(usize, TypeArgs, usize)>,
    /// Generic functions some other function calls (even with arguments that made no instance).
    generic_calls: HashSet<usize>,
}

#[derive(Clone)]
struct Binding {
    local: LocalId,
    ty: Type,
    mutable: bool,
    span: Span,
}

/// The state of one function body: its locals and the scopes that name them.
struct Body {
    locals: Vec<Type>,
    scopes: Vec<HashMap<String, Binding>>,
    returns: Type,
    /// Every name a step bound, for the unused-binding warning (W-DEAD-001).
    bound: Vec<(Spanned<String>, LocalId)>,
    /// Locals whose value is read somewhere.
    used: HashSet<LocalId>,
    /// Types learned for `bind mut` names in an earlier pass over this body (by the offset of the
    /// binding's name): `bind mut lit=[]` becomes `List<Int>` from the start once an append showed it.
    hints: HashMap<u32, Type>,
    /// Types learned in this pass.
    refined: HashMap<u32, Type>,
    /// The `bind mut` locals, with the offset of their binding's name (the key of `hints`).
    mutable_sites: HashMap<LocalId, u32>,
    /// The database of the `transaction` step being checked, if any.
    transaction: Option<u32>,
    /// Immutable locals bound to a string literal (a regex pattern may be given by such a name).
    constants: HashMap<LocalId, String>,
}

impl Body {
    fn lookup(&self, name: &str) -> Option<&Binding> {
        self.scopes.iter().rev().find_map(|s| s.get(name))
    }

    fn new_local(&mut self, ty: Type) -> LocalId {
        self.locals.push(ty);
        self.locals.len() as LocalId - 1
    }

    fn visible_names(&self) -> Vec<&str> {
        self.scopes.iter().flat_map(|s| s.keys().map(String::as_str)).collect()
    }
}

/// A function's `timeout` and `cost_hint` metadata (LANGUAGE-DECISIONS 10).
fn budget(s: &ast::Snippet) -> crate::ir::Budget {
    let mut b = crate::ir::Budget::default();
    for a in &s.metadata {
        match (a.key.value.as_str(), &a.value.value) {
            ("timeout", LitValue::Duration(ms)) => b.timeout_ms = Some(*ms),
            ("timeout", LitValue::Int(n)) if *n >= 0 => b.timeout_ms = Some(*n as u64 * 1000),
            ("cost_hint", LitValue::Str(h) | LitValue::Word(h)) => b.cost_hint = Some(h.clone()),
            _ => {}
        }
    }
    b
}

fn kind_name(kind: SnippetKind) -> &'static str {
    SnippetKind::ALL.iter().find(|(_, k)| *k == kind).map_or("?", |(n, _)| *n)
}

fn unsupported(what: String, span: Span, help: &str) -> Diagnostic {
    Diagnostic::error("E-UNSUPPORTED-001", format!("{what} not supported by this compiler version yet"), span)
        .with_label("not supported yet")
        .with_help(help.to_string())
}

impl<'a> Checker<'a> {
    fn program(&mut self, program: &'a ast::Program) {
        let mut seen: HashMap<&str, Span> = HashMap::default();
        let mut duplicates = vec![];
        for (i, s) in program.snippets.iter().enumerate() {
            if let Some(first) = seen.get(s.id.value.as_str()) {
                duplicates.push(i);
                self.diags.push(
                    Diagnostic::error("E-SYMBOL-002", format!("duplicate snippet id `{}`", s.id.value), s.id.span)
                        .with_label("defined again here")
                        .with_secondary(*first, "first defined here")
                        .with_help("give each snippet a unique id"),
                );
            } else {
                seen.insert(&s.id.value, s.id.span);
            }
        }
        // A duplicate is reported once, above; only the first snippet with an id is checked further.
        let unique: Vec<&'a ast::Snippet> =
            program.snippets.iter().enumerate().filter(|(i, _)| !duplicates.contains(i)).map(|(_, s)| s).collect();
        // Struct and enum snippets, and the `types` section of any snippet.
        let mut decls: Vec<(&'a ast::Snippet, Option<&'a ast::TypeDecl>)> = vec![];
        for s in &unique {
            if matches!(s.kind.value, SnippetKind::Struct | SnippetKind::Enum) {
                decls.push((s, s.type_decl.as_ref()));
            }
            decls.extend(s.local_types.iter().map(|d| (*s, Some(d))));
        }
        self.declare_types(&decls);
        // `extern-impl` snippets for the WASI platform, by the id they implement.
        let attr = |s: &'a ast::Snippet, key: &str| {
            s.attrs.iter().find(|a| a.key.value == key).and_then(|a| match &a.value.value {
                LitValue::Str(t) | LitValue::Word(t) => Some(t.as_str()),
                _ => None,
            })
        };
        let wasi_impls: HashMap<&str, &'a ast::Snippet> = unique
            .iter()
            .filter(|s| s.kind.value == SnippetKind::ExternImpl && attr(s, "platform") == Some("wasi"))
            .filter_map(|s| attr(s, "implements").map(|id| (id, *s)))
            .collect();
        let all_snippets = unique.clone();
        for s in unique {
            self.target_rules(s);
            match s.kind.value {
                SnippetKind::Fn => self.signature(s),
                SnippetKind::Extern => self.extern_snippet(s, None),
                // The implementation for this target, if any, carries the binding.
                SnippetKind::ExternAbstract => {
                    let imp = wasi_impls.get(s.id.value.as_str()).copied();
                    self.extern_snippet(s, imp)
                }
                // Read with the abstract snippet it implements; other platforms' are for other targets.
                SnippetKind::ExternImpl => {}
                SnippetKind::Database => self.database_snippet(s),
                // Types were declared above; documentation and tests carry no code for the component.
                SnippetKind::Struct | SnippetKind::Enum | SnippetKind::Data | SnippetKind::Test => {}
                k => self.diags.push(unsupported(
                    format!("`{}` snippets are", kind_name(k)),
                    s.kind.span,
                    "see the README's language status",
                )),
            }
        }
        let mut names: HashMap<&str, Span> = HashMap::default();
        for f in &self.fns {
            if let Some(first) = names.insert(&f.name.value, f.name.span) {
                self.diags.push(
                    Diagnostic::error(
                        "E-SYMBOL-002",
                        format!("two functions are named `{}`", f.name.value),
                        f.name.span,
                    )
                    .with_label("named again here")
                    .with_secondary(first, "first named here")
                    .with_help("each function becomes a component export of that name; rename one"),
                );
            }
        }
        // Instances of generic functions are added while bodies are checked, and checked in turn.
        let mut i = 0;
        while i < self.fns.len() {
            let diags = self.diags.len();
            let f = self.function(i);
            self.instance_diagnostics(diags, i);
            self.out.functions.push(f);
            i += 1;
        }
        self.uncalled_functions();
        if self.out.effect_uses.iter().any(|u| u.effect == "meta") {
            self.out.symbols = Some(self.symbol_graph(&all_snippets));
        }
    }

    /// W-DEAD-003: a function that is neither an export nor the entry point, and that no other
    /// function calls, can never run.
    fn uncalled_functions(&mut self) {
        // Every function some other function calls (a call to itself does not count).
        let called: HashSet<&str> = self
            .call_graph()
            .into_iter()
            .flat_map(|(from, to)| to.into_iter().filter(move |callee| *callee != from))
            .collect();
        let mut warnings = vec![];
        for (i, f) in self.fns.iter().enumerate() {
            let id = f.snippet.id.value.as_str();
            // A generic function called with arguments that made no instance was still called.
            let generic_call = self.generic_calls.contains(&i);
            if f.instance_of.is_none() && !f.exported && f.name.value != "main" && !called.contains(id) && !generic_call
            {
                warnings.push(
                    Diagnostic::warning("W-DEAD-003", format!("`{id}` is never called"), f.name.span)
                        .with_label("not exported, not the entry point, and no function calls it")
                        .with_help("call it from an exported function or `main`, or delete the snippet"),
                );
            }
        }
        self.diags.extend(warnings);
    }

    fn target_rules(&mut self, s: &ast::Snippet) {
        if self.target != Target::Wasi {
            return;
        }
        // `parallel` and `race` steps anywhere in the body (LANGUAGE-DECISIONS 25).
        let mut concurrent = vec![];
        collect_concurrent(s.body.as_deref().unwrap_or_default(), &mut concurrent);
        let error = |span: Span, what: &str| {
            Diagnostic::error("E_WASI_001", "Structured concurrency requires WASI 0.3", span)
                .with_label(format!("'{what}' not available on WASI 0.2 target"))
                .with_help("Use --target=browser or --target=node, or wait for WASI 0.3 support")
        };
        match s.effects.iter().find(|e| e.name.value == "std.concurrent") {
            // The declaration is the primary span, the steps secondary.
            Some(e) => {
                let mut d = error(e.span, "std.concurrent");
                for (span, kind) in &concurrent {
                    d = d.with_secondary(*span, format!("`{kind}` step"));
                }
                self.diags.push(d);
            }
            None => {
                for (span, kind) in concurrent {
                    self.diags.push(error(span, &kind));
                }
            }
        }
    }

    fn signature(&mut self, s: &'a ast::Snippet) {
        let Some(sig) = &s.signature else {
            self.diags.push(
                Diagnostic::error("E-PARSE-002", format!("fn snippet `{}` has no signature", s.id.value), s.id.span)
                    .with_label("missing `signature` section")
                    .with_help("add `signature fn name=\"...\" returns type=\"Unit\" end end`"),
            );
            return;
        };
        // A generic function's own types are read with its type parameters unknown.
        let generics = self.declare_generics(sig);
        self.generic_env = generics.iter().map(|g| (g.name.value.clone(), Type::Error)).collect();
        let params = sig.params.iter().map(|p| (p.name.clone(), self.resolve_type(&p.ty))).collect::<Vec<_>>();
        let returns = self.signature_returns(sig);
        self.generic_env.clear();
        if sig.name.value == "main" {
            if let Some(p) = sig.params.first() {
                self.diags.push(
                    Diagnostic::error("E-TYPE-001", "`main` takes no parameters", p.span)
                        .with_label("parameter not allowed here")
                        .with_help("remove the parameter; `main` is the program's entry point (`wasi:cli/run`)"),
                );
            }
            if !returns.fits(&Type::Unit) {
                self.diags.push(
                    Diagnostic::error("E-TYPE-001", format!("`main` must return Unit, not {returns}"), sig.name.span)
                        .with_label("`main` is exported as `wasi:cli/run`")
                        .with_help("write `returns type=\"Unit\"`"),
                );
            }
        }
        // A signature that uses a recursive type cannot be expressed in WIT: such a function stays
        // internal to the component.
        // WIT has no generics: a generic function is used inside the component only.
        let mut exported = generics.is_empty();
        if exported
            && sig.name.value != "main"
            && let Some(t) = params.iter().map(|(_, t)| t).chain([&returns]).find_map(|t| self.recursive_part(t))
        {
            exported = false;
            self.diags.push(
                Diagnostic::warning(
                    "W-EXPORT-001",
                    format!("`{}` is not exported: it uses the recursive type `{t}`", sig.name.value),
                    sig.name.span,
                )
                .with_label("internal to the component")
                .with_help(
                    "component types (WIT) cannot be recursive; export a function that takes and returns other types",
                ),
            );
        }
        self.by_id.insert(&s.id.value, self.fns.len());
        self.fns.push(FnInfo {
            snippet: s,
            name: sig.name.clone(),
            params,
            returns,
            exported,
            generics,
            instance_of: None,
        });
    }

    fn signature_returns(&mut self, sig: &ast::FnSignature) -> Type {
        match &sig.returns {
            None => Type::Unit,
            Some(ast::Returns::Type(t)) => self.resolve_type(t),
            // `returns collection of="T"` is a list of T.
            Some(ast::Returns::Collection(t)) => Type::list(self.resolve_type(t)),
            Some(ast::Returns::Union(ts)) => self.union_type(ts, sig.name.span),
        }
    }

    /// Checks a function body. A `bind mut` whose type is only partly known (`[]`, `{}`, `none`)
    /// learns it from a later rebinding; when that happens the body is checked again with the
    /// learned types from the start, so every operation sees the final types.
    fn function(&mut self, index: usize) -> Function {
        // The type parameters' meaning while this body is checked.
        self.generic_env = match (&self.fns[index].instance_of, self.fns[index].is_generic()) {
            (Some((types, _)), _) => types.clone(),
            (None, true) => self.fns[index].generics.iter().map(|g| (g.name.value.clone(), Type::Error)).collect(),
            (None, false) => vec![],
        };
        let diags = self.diags.len();
        let f = self.function_body(index);
        self.generic_env.clear();
        if self.fns[index].is_generic() {
            // With its type parameters unknown, a generic body's names, effects and structure are
            // checked here; its types are checked in each instance.
            let found = self.diags.split_off(diags);
            self.diags.extend(found.into_iter().filter(|d| !d.code.starts_with("E-TYPE-")));
            // The generic function itself has no code: its instances do. It stays in the list so
            // that function indices stay those of `fns`.
            return Function { body: vec![], params: vec![], locals: vec![], returns: Type::Unit, ..f };
        }
        f
    }

    fn function_body(&mut self, index: usize) -> Function {
        let (diags, uses, queries) = (self.diags.len(), self.out.effect_uses.len(), self.out.queries.len());
        let mut hints = HashMap::default();
        for _ in 0..3 {
            let (f, refined) = self.function_pass(index, hints.clone());
            if refined.is_empty() || refined.iter().all(|(k, t)| hints.get(k) == Some(t)) {
                return f;
            }
            self.diags.truncate(diags);
            self.out.effect_uses.truncate(uses);
            self.out.queries.truncate(queries);
            hints.extend(refined);
        }
        self.function_pass(index, hints).0
    }

    fn function_pass(&mut self, index: usize, hints: HashMap<u32, Type>) -> (Function, HashMap<u32, Type>) {
        let info = &self.fns[index];
        let s = info.snippet;
        let mut body = Body {
            locals: vec![],
            scopes: vec![HashMap::default()],
            returns: info.returns.clone(),
            bound: vec![],
            used: Default::default(),
            hints,
            refined: HashMap::default(),
            mutable_sites: HashMap::default(),
            transaction: None,
            constants: HashMap::default(),
        };
        let mut params = vec![];
        for (name, ty) in info.params.clone() {
            let local = body.new_local(ty.clone());
            body.scopes[0].insert(name.value.clone(), Binding { local, ty, mutable: false, span: name.span });
            params.push((name.value, local));
        }
        let (name, returns, name_span, exported) =
            (info.name.value.clone(), info.returns.clone(), info.name.span, info.exported);
        let mut ops = vec![];
        self.block(s, s.body.as_deref().unwrap_or_default(), &mut body, &mut ops);
        for (name, local) in &body.bound {
            if !body.used.contains(local) && !name.value.starts_with('_') {
                self.diags.push(
                    Diagnostic::warning("W-DEAD-001", format!("`{}` is bound but never used", name.value), name.span)
                        .with_label("never used")
                        .with_help("use it, or write `as=\"_\"` to discard the value")
                        .with_edit(name.span, "\"_\""),
                );
            }
        }
        // A function that returns `Unit | E` and reaches its end has succeeded, as a Unit function
        // does (upstream's database and file examples end with a write step, not a `return`).
        let unit_member = match &returns {
            Type::Result(ok, _) => **ok == Type::Unit,
            Type::Enum(n) => {
                self.out.types.is_union(n)
                    && self.out.types.cases(&returns).is_some_and(|cs| cs.iter().any(|(c, _)| c == "Unit"))
            }
            _ => false,
        };
        if unit_member
            && !always_returns(&ops)
            && let Some(ok) = self.coerce(Value::Unit, &returns, &mut body, &mut ops)
        {
            ops.push(Op::Return(ok));
        }
        if returns != Type::Unit && returns != Type::Error && !always_returns(&ops) {
            self.diags.push(
                Diagnostic::error(
                    "E-TYPE-001",
                    format!("`{name}` returns {returns} but can end without a `return` step"),
                    name_span,
                )
                .with_label(format!("declared to return {returns}"))
                .with_help("end every path through the body with a `return` step"),
            );
        }
        let f = Function {
            name,
            snippet_id: s.id.value.clone(),
            params,
            returns,
            body: ops,
            locals: body.locals,
            span: s.span,
            exported,
            budget: budget(s),
        };
        (f, body.refined)
    }

    /// Binds `name` to a value of type `ty`: a new local, or (for a `mut` name) the existing one.
    /// Returns the local to store into, if any.
    fn bind(&mut self, body: &mut Body, name: &Spanned<String>, ty: Type, mutable: bool) -> Option<LocalId> {
        if name.value == "_" {
            return None;
        }
        if let Some(old) = body.lookup(&name.value).cloned() {
            if !old.mutable {
                self.diags.push(
                    Diagnostic::error("E-SYMBOL-002", format!("`{}` is already bound", name.value), name.span)
                        .with_label("bound again here")
                        .with_secondary(old.span, "first bound here")
                        .with_help("choose another name, or declare the first binding with `mut`"),
                );
                return None;
            }
            if !ty.fits(&old.ty) {
                self.diags.push(
                    Diagnostic::error("E-TYPE-001", format!("`{}` holds {}, not {ty}", name.value, old.ty), name.span)
                        .with_label(format!("this value is {ty}"))
                        .with_secondary(old.span, format!("bound as {} here", old.ty))
                        .with_help("a mutable binding keeps the type it was first bound with"),
                );
                return None;
            }
            // `bind mut lit=[]` learns its element type from the first list stored into it.
            let refined = old.ty.join(&ty);
            if refined != old.ty {
                body.refined.insert(old.span.start, refined.clone());
                body.locals[old.local as usize] = refined.clone();
                if let Some(b) = body.scopes.iter_mut().rev().find_map(|s| s.get_mut(&name.value)) {
                    b.ty = refined;
                }
            }
            return Some(old.local);
        }
        // A type learned for this `mut` name in an earlier pass.
        let ty = match body.hints.get(&name.span.start) {
            Some(hint) if mutable && ty.fits(hint) => hint.clone(),
            _ => ty,
        };
        let local = body.new_local(ty.clone());
        if mutable {
            body.mutable_sites.insert(local, name.span.start);
        }
        let scope = body.scopes.last_mut().expect("a scope");
        scope.insert(name.value.clone(), Binding { local, ty, mutable, span: name.span });
        body.bound.push((name.clone(), local));
        Some(local)
    }
}

/// A value that flows into a step's result (an arm's last value) counts as used.
fn mark_used(body: &mut Body, v: &Value) {
    if let Value::Local(l, _) = v {
        body.used.insert(*l);
    }
}

fn bind_missing(cx: &mut Checker, step: &ast::Step) {
    cx.diags.push(
        Diagnostic::error("E-PARSE-002", "this step is missing `as=`", step.node.head_span())
            .with_label("needs `as=\"name\"`")
            .with_help("add `as=\"name\"` to bind the result, or `as=\"_\"` to discard it"),
    );
}

/// The candidate closest to `name` by edit distance, if close enough to be a likely typo.
fn closest<'x>(name: &str, candidates: impl Iterator<Item = &'x str>) -> Option<&'x str> {
    candidates.map(|c| (edit_distance(name, c), c)).filter(|(d, c)| *d <= 2.max(c.len() / 3)).min().map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

/// The `parallel` and `race` steps in `steps` and in the arms nested in them: (the `step` keyword, kind).
fn collect_concurrent(steps: &[ast::Step], out: &mut Vec<(Span, String)>) {
    for st in steps {
        match &st.kind {
            StepKind::Other { kind } if kind.value == "parallel" || kind.value == "race" => {
                out.push((st.node.head_span(), kind.value.clone()))
            }
            StepKind::If(i) => {
                collect_concurrent(&i.then, out);
                collect_concurrent(i.otherwise.as_deref().unwrap_or_default(), out);
            }
            StepKind::For(f) => collect_concurrent(&f.body, out),
            StepKind::Transaction(steps) => collect_concurrent(steps, out),
            StepKind::Match(m) => m.cases.iter().for_each(|c| collect_concurrent(&c.steps, out)),
            StepKind::Call(c) => c.handle.iter().for_each(|h| collect_concurrent(&h.steps, out)),
            _ => {}
        }
    }
}
