//! Name resolution, type and effect checking, and target rules. Turns the syntax tree into the
//! checked program (`ir`), reporting every problem it finds rather than stopping at the first.

use crate::Target;
use crate::ast::{self, LitValue, Operand, SnippetKind, StepKind};
use crate::diagnostic::Diagnostic;
use crate::ir::*;
use crate::span::{Span, Spanned};
use crate::stdlib;
use crate::types::Type;
use std::collections::HashMap;

pub fn check(program: &ast::Program, source: &str, target: Target) -> (CheckedProgram, Vec<Diagnostic>) {
    let mut cx = Checker { diags: vec![], out: CheckedProgram::default(), target, fns: vec![], by_id: HashMap::new(), source };
    cx.program(program);
    (cx.out, cx.diags)
}

/// A user function's signature, known before any body is checked (so calls may go forward,
/// and functions may recurse).
struct FnInfo<'a> {
    snippet: &'a ast::Snippet,
    name: Spanned<String>,
    params: Vec<(Spanned<String>, Type)>,
    returns: Type,
}

struct Checker<'a> {
    diags: Vec<Diagnostic>,
    out: CheckedProgram,
    target: Target,
    fns: Vec<FnInfo<'a>>,
    by_id: HashMap<&'a str, usize>,
    /// The source text, for edits that must match its indentation.
    source: &'a str,
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
    effects: Vec<String>,
    /// Every name a step bound, for the unused-binding warning (W-DEAD-001).
    bound: Vec<(Spanned<String>, LocalId)>,
    /// Locals whose value is read somewhere.
    used: std::collections::HashSet<LocalId>,
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
        let mut seen: HashMap<&str, Span> = HashMap::new();
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
        for (_, s) in program.snippets.iter().enumerate().filter(|(i, _)| !duplicates.contains(i)) {
            self.target_rules(s);
            match s.kind.value {
                SnippetKind::Fn => self.signature(s),
                // Documentation and tests carry no code for the component.
                SnippetKind::Data | SnippetKind::Test => {}
                k => self.diags.push(unsupported(
                    format!("`{}` snippets are", kind_name(k)),
                    s.kind.span,
                    "see the README's language status",
                )),
            }
        }
        let mut names: HashMap<&str, Span> = HashMap::new();
        for f in &self.fns {
            if let Some(first) = names.insert(&f.name.value, f.name.span) {
                self.diags.push(
                    Diagnostic::error("E-SYMBOL-002", format!("two functions are named `{}`", f.name.value), f.name.span)
                        .with_label("named again here")
                        .with_secondary(first, "first named here")
                        .with_help("each function becomes a component export of that name; rename one"),
                );
            }
        }
        for i in 0..self.fns.len() {
            let f = self.function(i);
            self.out.functions.push(f);
        }
    }

    fn target_rules(&mut self, s: &ast::Snippet) {
        if self.target != Target::Wasi {
            return;
        }
        for e in &s.effects {
            if e.name.value == "std.concurrent" {
                self.diags.push(
                    Diagnostic::error("E_WASI_001", "Structured concurrency requires WASI 0.3", e.span)
                        .with_label("'std.concurrent' not available on WASI 0.2 target")
                        .with_help("Use --target=browser or --target=node, or wait for WASI 0.3 support"),
                );
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
        let params = sig.params.iter().map(|p| (p.name.clone(), self.resolve_type(&p.ty))).collect::<Vec<_>>();
        let returns = match &sig.returns {
            None => Type::Unit,
            Some(ast::Returns::Type(t)) => self.resolve_type(t),
            Some(ast::Returns::Collection(t)) => {
                self.diags.push(unsupported("collection returns are".into(), t.span, "return a single value for now"));
                Type::Error
            }
            Some(ast::Returns::Union(ts)) => {
                let span = ts.first().map_or(sig.name.span, |t| t.span);
                self.diags.push(unsupported("union returns are".into(), span, "return a single value for now"));
                Type::Error
            }
        };
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
        self.by_id.insert(&s.id.value, self.fns.len());
        self.fns.push(FnInfo { snippet: s, name: sig.name.clone(), params, returns });
    }

    fn resolve_type(&mut self, t: &ast::TypeRef) -> Type {
        Type::from_source(&t.text).unwrap_or_else(|| {
            self.diags.push(
                Diagnostic::error("E-TYPE-002", format!("unknown type `{}`", t.text), t.span)
                    .with_label("not a known type")
                    .with_help("use Int, Float, Bool, String or Unit"),
            );
            Type::Error
        })
    }

    fn function(&mut self, index: usize) -> Function {
        let info = &self.fns[index];
        let s = info.snippet;
        let mut body = Body {
            locals: vec![],
            scopes: vec![HashMap::new()],
            returns: info.returns.clone(),
            effects: s.effects.iter().map(|e| e.name.value.clone()).collect(),
            bound: vec![],
            used: Default::default(),
        };
        let mut params = vec![];
        for (name, ty) in info.params.clone() {
            let local = body.new_local(ty.clone());
            body.scopes[0].insert(name.value.clone(), Binding { local, ty, mutable: false, span: name.span });
            params.push((name.value, local));
        }
        let (name, returns, name_span) = (info.name.value.clone(), info.returns.clone(), info.name.span);
        let mut ops = vec![];
        for step in s.body.iter().flatten() {
            self.step(s, step, &mut body, &mut ops);
        }
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
        if returns != Type::Unit && returns != Type::Error && !always_returns(&ops) {
            self.diags.push(
                Diagnostic::error("E-TYPE-001", format!("`{name}` returns {returns} but can end without a `return` step"), name_span)
                    .with_label(format!("declared to return {returns}"))
                    .with_help("end every path through the body with a `return` step"),
            );
        }
        Function { name, snippet_id: s.id.value.clone(), params, returns, body: ops, locals: body.locals, span: s.span }
    }

    fn value(&mut self, operand: &Operand, body: &mut Body) -> Value {
        match operand {
            Operand::Var(name) => match body.lookup(&name.value) {
                Some(b) => {
                    let (local, ty) = (b.local, b.ty.clone());
                    body.used.insert(local);
                    Value::Local(local, ty)
                }
                None => {
                    let mut d = Diagnostic::error("E-SYMBOL-001", format!("undefined name `{}`", name.value), name.span)
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
                    let values: Vec<Value> = items.iter().map(|i| self.value(&Operand::Lit(i.clone()), body)).collect();
                    let mut elem = Type::Error;
                    for (v, item) in values.iter().zip(items) {
                        if !v.ty().fits(&elem) {
                            self.diags.push(
                                Diagnostic::error("E-TYPE-001", format!("this list mixes {elem} and {}", v.ty()), item.span)
                                    .with_label(format!("this element is {}", v.ty()))
                                    .with_help("every element of a list has the same type"),
                            );
                            return Value::Poison;
                        }
                        elem = elem.join(&v.ty());
                    }
                    Value::List(values, elem)
                }
                _ => {
                    self.diags.push(unsupported("this literal form is".into(), lit.span, "use a string, number, boolean or list literal"));
                    Value::Poison
                }
            },
        }
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
                body.locals[old.local as usize] = refined.clone();
                if let Some(b) = body.scopes.iter_mut().rev().find_map(|s| s.get_mut(&name.value)) {
                    b.ty = refined;
                }
            }
            return Some(old.local);
        }
        let local = body.new_local(ty.clone());
        let scope = body.scopes.last_mut().expect("a scope");
        scope.insert(name.value.clone(), Binding { local, ty, mutable, span: name.span });
        body.bound.push((name.clone(), local));
        Some(local)
    }

    /// Checks one step, appending its operations; returns the step's value (what `as=` names).
    fn step(&mut self, s: &ast::Snippet, step: &ast::Step, body: &mut Body, out: &mut Vec<Op>) -> Value {
        let bind_as = |this: &mut Self| {
            if step.bind_as.is_none() {
                this.diags.push(
                    Diagnostic::error("E-PARSE-002", "this step is missing `as=`", step.node.head_span())
                        .with_label("needs `as=\"name\"`")
                        .with_help("add `as=\"name\"` to bind the result, or `as=\"_\"` to discard it"),
                );
            }
            step.bind_as.clone()
        };
        match &step.kind {
            StepKind::Bind(b) => {
                let value = self.value(&b.value, body);
                let Some(name) = bind_as(self) else { return Value::Unit };
                match self.bind(body, &name, value.ty(), b.mutable) {
                    Some(local) => {
                        out.push(Op::Set { local, value: value.clone() });
                        Value::Local(local, value.ty())
                    }
                    None => value,
                }
            }
            StepKind::Return(r) => {
                let value = r.value.as_ref().map_or(Value::Unit, |v| self.value(v, body));
                if !value.ty().fits(&body.returns) {
                    self.diags.push(
                        Diagnostic::error(
                            "E-TYPE-001",
                            format!("this function returns {}, but this step returns {}", body.returns, value.ty()),
                            step.node.head_span(),
                        )
                        .with_label(format!("returns {}", value.ty()))
                        .with_help(format!("return a {}", body.returns)),
                    );
                }
                out.push(Op::Return(value));
                Value::Unit
            }
            StepKind::Call(call) => self.call(s, step, call, body, out),
            StepKind::Compute(c) => self.compute(step, c, body, out),
            StepKind::If(i) => self.if_step(s, step, i, body, out),
            StepKind::Match(m) => self.match_step(s, step, m, body, out),
            StepKind::For(f) => self.for_step(s, step, f, body, out),
            StepKind::Other { kind } => {
                self.diags.push(unsupported(
                    format!("`{}` steps are", kind.value),
                    kind.span,
                    "see the README's language status; `call`, `bind`, `return`, `compute` and `if` steps work today",
                ));
                Value::Unit
            }
        }
    }

    fn if_step(&mut self, s: &ast::Snippet, step: &ast::Step, i: &ast::IfStep, body: &mut Body, out: &mut Vec<Op>) -> Value {
        let cond = self.value(&Operand::Var(i.condition.clone()), body);
        if !cond.ty().fits(&Type::Bool) {
            self.diags.push(
                Diagnostic::error("E-TYPE-001", format!("`condition` must be Bool, found {}", cond.ty()), i.condition.span)
                    .with_label(format!("this is {}", cond.ty()))
                    .with_help("compute a Bool first, e.g. with `op=greater`"),
            );
        }
        let mut arm = |this: &mut Self, steps: &[ast::Step]| {
            body.scopes.push(HashMap::new());
            let mut ops = vec![];
            let mut last = Value::Unit;
            for st in steps {
                last = this.step(s, st, body, &mut ops);
            }
            body.scopes.pop();
            (ops, last)
        };
        let (mut then, then_value) = arm(self, &i.then);
        let (mut otherwise, else_value) = match &i.otherwise {
            Some(steps) => arm(self, steps),
            None => (vec![], Value::Unit),
        };
        let result = match &step.bind_as {
            Some(name) if name.value != "_" => {
                // The step's value is the last value of the arm taken (LANGUAGE-DECISIONS 20).
                let ty = then_value.ty();
                let ends = |ops: &[Op]| always_returns(ops);
                let ty = if ends(&then) { else_value.ty() } else { ty };
                if !ends(&then) && !ends(&otherwise) && !else_value.ty().fits(&ty) {
                    self.diags.push(
                        Diagnostic::error(
                            "E-TYPE-001",
                            format!("the arms of this `if` give {} and {}", then_value.ty(), else_value.ty()),
                            name.span,
                        )
                        .with_label("bound here")
                        .with_help("make both arms end with a value of the same type, or use `as=\"_\"`"),
                    );
                }
                let local = self.bind(body, name, ty.clone(), false);
                if let Some(local) = local {
                    mark_used(body, &then_value);
                    mark_used(body, &else_value);
                    then.push(Op::Set { local, value: then_value });
                    otherwise.push(Op::Set { local, value: else_value });
                    Some(Value::Local(local, ty))
                } else {
                    None
                }
            }
            Some(_) => None,
            None => {
                bind_missing(self, step);
                None
            }
        };
        out.push(Op::If { cond, then, otherwise });
        result.unwrap_or(Value::Unit)
    }

    /// A match on a primitive value becomes comparisons and nested `if`s; its value, like an `if`
    /// step's, is the last value of the arm taken (LANGUAGE-DECISIONS 20).
    fn match_step(&mut self, s: &ast::Snippet, step: &ast::Step, m: &ast::MatchStep, body: &mut Body, out: &mut Vec<Op>) -> Value {
        let subject = self.value(&Operand::Var(m.on.clone()), body);
        let ty = subject.ty();
        // Check every arm (in its own scope), remembering each pattern's test.
        enum Test {
            Always,
            Equals(Value),
        }
        let mut arms: Vec<(Test, Vec<Op>, Value, Span)> = vec![];
        for case in &m.cases {
            body.scopes.push(HashMap::new());
            let mut ops = vec![];
            let test = match &case.pattern {
                ast::Pattern::Wildcard => Test::Always,
                ast::Pattern::Binding(name) => {
                    if let Some(local) = self.bind(body, name, ty.clone(), false) {
                        ops.push(Op::Set { local, value: subject.clone() });
                    }
                    Test::Always
                }
                ast::Pattern::Literal(lit) => {
                    let v = self.value(&Operand::Lit(lit.clone()), body);
                    if !v.ty().fits(&ty) {
                        self.diags.push(
                            Diagnostic::error("E-TYPE-001", format!("this pattern is {}, but `{}` is {ty}", v.ty(), m.on.value), lit.span)
                                .with_label(format!("a {} literal", v.ty()))
                                .with_help(format!("match a {ty} with literals of type {ty}")),
                        );
                    }
                    Test::Equals(v)
                }
                ast::Pattern::Destructure { kind, .. } => {
                    self.diags.push(unsupported(
                        format!("`{}` patterns are", kind.value),
                        kind.span,
                        "enums and structs come with a later version; match literals, `binding=` or `wildcard` today",
                    ));
                    Test::Always
                }
            };
            let mut last = Value::Unit;
            for st in &case.steps {
                last = self.step(s, st, body, &mut ops);
            }
            body.scopes.pop();
            arms.push((test, ops, last, case.span));
        }
        // Exhaustive: a wildcard or binding arm, or (for Bool) both literals.
        let has_default = arms.iter().any(|(t, ..)| matches!(t, Test::Always));
        let covers_bool = ty == Type::Bool
            && [true, false].iter().all(|b| arms.iter().any(|(t, ..)| matches!(t, Test::Equals(Value::Bool(x)) if x == b)));
        if !has_default && !covers_bool && ty != Type::Error {
            self.diags.push(
                Diagnostic::error("E-TYPE-004", format!("this match on {ty} does not cover every value"), step.node.head_span())
                    .with_label("no arm for some values")
                    .with_help("add `case wildcard` (or `case binding=\"x\"`) as the last arm"),
            );
        }
        // The step's value.
        let result = match &step.bind_as {
            Some(name) if name.value != "_" => {
                let taken: Vec<&Value> = arms.iter().filter(|(_, ops, ..)| !always_returns(ops)).map(|(_, _, v, _)| v).collect();
                let rty = taken.first().map_or(Type::Unit, |v| v.ty());
                if taken.iter().any(|v| !v.ty().fits(&rty)) {
                    self.diags.push(
                        Diagnostic::error("E-TYPE-001", "the arms of this `match` give values of different types", name.span)
                            .with_label("bound here")
                            .with_help("make every arm end with a value of the same type, or use `as=\"_\"`"),
                    );
                }
                self.bind(body, name, rty.clone(), false).map(|l| (l, rty))
            }
            Some(_) => None,
            None => {
                bind_missing(self, step);
                None
            }
        };
        // Build the chain from the last arm backwards: if test then arm else (the rest).
        let mut rest: Vec<Op> = vec![];
        for (test, mut ops, last, _) in arms.into_iter().rev() {
            if let Some((local, _)) = &result {
                mark_used(body, &last);
                ops.push(Op::Set { local: *local, value: last });
            }
            rest = match test {
                Test::Always => ops,
                Test::Equals(v) => {
                    let op = match ty {
                        Type::Int => ComputeOp::IntCmp(Cmp::Eq),
                        Type::Float => ComputeOp::FloatCmp(Cmp::Eq),
                        Type::Bool => ComputeOp::BoolCmp(Cmp::Eq),
                        Type::String => ComputeOp::StrCmp(Cmp::Eq),
                        _ => {
                            if ty != Type::Error {
                                self.diags.push(unsupported(format!("matching a {ty} value is"), m.on.span, "match Int, Float, Bool or String values"));
                            }
                            ComputeOp::IntCmp(Cmp::Eq)
                        }
                    };
                    let cond = body.new_local(Type::Bool);
                    vec![
                        Op::Compute { op, args: vec![subject.clone(), v], result: cond },
                        Op::If { cond: Value::Local(cond, Type::Bool), then: ops, otherwise: rest },
                    ]
                }
            };
        }
        out.extend(rest);
        result.map_or(Value::Unit, |(l, t)| Value::Local(l, t))
    }

    /// A loop over a list. Its value is the list of each iteration's last value (LANGUAGE-DECISIONS 20).
    fn for_step(&mut self, s: &ast::Snippet, step: &ast::Step, f: &ast::ForStep, body: &mut Body, out: &mut Vec<Op>) -> Value {
        let list = self.value(&Operand::Var(f.over.clone()), body);
        let elem = match list.ty() {
            Type::List(t) => *t,
            Type::Error => Type::Error,
            other => {
                self.diags.push(
                    Diagnostic::error("E-TYPE-001", format!("`for` needs a list, but `{}` is {other}", f.over.value), f.over.span)
                        .with_label(format!("this is {other}"))
                        .with_help("iterate over a List<T> value"),
                );
                Type::Error
            }
        };
        body.scopes.push(HashMap::new());
        let item = body.new_local(elem.clone());
        body.scopes.last_mut().expect("pushed").insert(f.var.value.clone(), Binding { local: item, ty: elem.clone(), mutable: false, span: f.var.span });
        let mut ops = vec![];
        let mut last = Value::Unit;
        for st in &f.body {
            last = self.step(s, st, body, &mut ops);
        }
        body.scopes.pop();
        let result = match &step.bind_as {
            Some(name) if name.value != "_" => {
                let lty = last.ty();
                let collected = Type::List(Box::new(lty.clone()));
                let local = self.bind(body, name, collected.clone(), false);
                if let Some(local) = local {
                    mark_used(body, &last);
                    out.push(Op::Set { local, value: Value::List(vec![], lty.clone()) });
                    ops.push(Op::Compute { op: ComputeOp::ListAppend(lty), args: vec![Value::Local(local, collected.clone()), last], result: local });
                }
                local.map(|l| Value::Local(l, collected))
            }
            Some(_) => None,
            None => {
                bind_missing(self, step);
                None
            }
        };
        out.push(Op::For { list, elem, item, body: ops });
        result.unwrap_or(Value::Unit)
    }

    fn compute(&mut self, step: &ast::Step, c: &ast::ComputeStep, body: &mut Body, out: &mut Vec<Op>) -> Value {
        let args: Vec<Value> = c.inputs.iter().map(|i| self.value(i, body)).collect();
        let types: Vec<Type> = args.iter().map(Value::ty).collect();
        let Some((op, result_ty)) = self.resolve_op(&c.op, &types) else {
            // Bind the name anyway (poisoned), so its later uses are not reported again.
            if let Some(name) = &step.bind_as {
                self.bind(body, name, Type::Error, false);
            }
            return Value::Poison;
        };
        // Mixed Int/Float arithmetic promotes the Int (LANGUAGE-DECISIONS 12).
        let mut args = args;
        if matches!(op, ComputeOp::FloatAdd | ComputeOp::FloatSub | ComputeOp::FloatMul | ComputeOp::FloatDiv | ComputeOp::FloatCmp(_)) {
            for a in args.iter_mut() {
                if a.ty() == Type::Int {
                    let local = body.new_local(Type::Float);
                    out.push(Op::Compute { op: ComputeOp::IntToFloat, args: vec![a.clone()], result: local });
                    *a = Value::Local(local, Type::Float);
                }
            }
        }
        let Some(name) = step.bind_as.clone() else {
            bind_missing(self, step);
            return Value::Unit;
        };
        let local = match self.bind(body, &name, result_ty.clone(), false) {
            Some(l) => l,
            None => body.new_local(result_ty.clone()),
        };
        out.push(Op::Compute { op, args, result: local });
        Value::Local(local, result_ty)
    }

    /// Picks the typed operation for an operator and its input types, or reports why none fits.
    fn resolve_op(&mut self, op: &Spanned<String>, types: &[Type]) -> Option<(ComputeOp, Type)> {
        use ComputeOp::*;
        use Type::*;
        if types.contains(&Error) {
            return None;
        }
        let cmp = match op.value.as_str() {
            "equals" => Some(Cmp::Eq),
            "not_equals" => Some(Cmp::Ne),
            "less" => Some(Cmp::Lt),
            "greater" => Some(Cmp::Gt),
            "less_eq" => Some(Cmp::Le),
            "greater_eq" => Some(Cmp::Ge),
            _ => None,
        };
        let numeric = |t: &Type| matches!(t, Int | Float);
        let resolved = match (op.value.as_str(), types) {
            (_, [a, b]) if cmp.is_some() => {
                let c = cmp.expect("checked");
                match (a, b) {
                    (Int, Int) => Some((IntCmp(c), Bool)),
                    (x, y) if numeric(x) && numeric(y) => Some((FloatCmp(c), Bool)),
                    (Bool, Bool) if matches!(c, Cmp::Eq | Cmp::Ne) => Some((BoolCmp(c), Bool)),
                    (String, String) => Some((StrCmp(c), Bool)),
                    _ => None,
                }
            }
            ("add" | "sub" | "mul" | "div" | "mod" | "min" | "max", [Int, Int]) => Some((
                match op.value.as_str() {
                    "add" => IntAdd,
                    "sub" => IntSub,
                    "mul" => IntMul,
                    "div" => IntDiv,
                    "mod" => IntMod,
                    "min" => IntMin,
                    _ => IntMax,
                },
                Int,
            )),
            ("add" | "sub" | "mul" | "div", [a, b]) if numeric(a) && numeric(b) => Some((
                match op.value.as_str() {
                    "add" => FloatAdd,
                    "sub" => FloatSub,
                    "mul" => FloatMul,
                    _ => FloatDiv,
                },
                Float,
            )),
            ("neg", [Int]) => Some((IntNeg, Int)),
            ("neg", [Float]) => Some((FloatNeg, Float)),
            ("abs", [Int]) => Some((IntAbs, Int)),
            ("to_float", [Int]) => Some((IntToFloat, Float)),
            ("and", [Bool, Bool]) => Some((And, Bool)),
            ("or", [Bool, Bool]) => Some((Or, Bool)),
            ("not", [Bool]) => Some((Not, Bool)),
            ("concat", [String, String]) => Some((Concat, String)),
            ("to_string", [Int]) => Some((IntToString, String)),
            ("to_string", [Bool]) => Some((BoolToString, String)),
            ("str_len", [String]) => Some((StrLen, Int)),
            ("byte_len", [String]) => Some((ByteLen, Int)),
            ("list_len", [List(_)]) => Some((ListLen, Int)),
            ("list_is_empty", [List(_)]) => Some((ListIsEmpty, Bool)),
            ("list_get", [List(t), Int]) => Some((ListGet((**t).clone()), (**t).clone())),
            ("list_append", [List(t), x]) if x.fits(t) => {
                let e = t.join(x);
                Some((ListAppend(e.clone()), List(Box::new(e))))
            }
            ("list_concat", [List(a), List(b)]) if a.fits(b) => {
                let e = a.join(b);
                Some((ListConcat(e.clone()), List(Box::new(e))))
            }
            ("join", [List(t), String]) if t.fits(&String) => Some((Join, String)),
            _ => None,
        };
        if resolved.is_none() {
            let list: Vec<std::string::String> = types.iter().map(ToString::to_string).collect();
            let d = if KNOWN_OPS.contains(&op.value.as_str()) {
                Diagnostic::error(
                    "E-TYPE-001",
                    format!("`{}` does not apply to ({})", op.value, list.join(", ")),
                    op.span,
                )
                .with_label(format!("inputs are ({})", list.join(", ")))
                .with_help(if op.value == "add" && types.iter().all(|t| *t == String) {
                    "to join strings, use `op=concat`".to_string()
                } else {
                    "check the number and the types of the `input` lines".to_string()
                })
            } else if GRAMMAR_OPS.contains(&op.value.as_str()) {
                unsupported(format!("the `{}` operator is", op.value), op.span, "see the README's language status")
            } else {
                let mut d = Diagnostic::error("E-SYMBOL-001", format!("unknown operator `{}`", op.value), op.span)
                    .with_label("not an operator");
                if let Some(s) = closest(&op.value, KNOWN_OPS.iter().copied()) {
                    d = d.with_help(format!("did you mean `{s}`?")).with_edit(op.span, s);
                } else {
                    d = d.with_help("see the operator list in the language reference");
                }
                d
            };
            self.diags.push(d);
        }
        resolved
    }

    fn call(&mut self, s: &ast::Snippet, step: &ast::Step, call: &ast::CallStep, body: &mut Body, out: &mut Vec<Op>) -> Value {
        if let Some(&index) = self.by_id.get(call.target.value.as_str()) {
            return self.call_user(s, step, call, index, body, out);
        }
        let Some(f) = stdlib::lookup(&call.target.value) else {
            let names = stdlib::STD_FNS.iter().map(|f| f.id).chain(self.by_id.keys().copied()).collect::<Vec<_>>();
            let mut d = Diagnostic::error("E-SYMBOL-001", format!("undefined function `{}`", call.target.value), call.target.span)
                .with_label("no function with this name");
            d = match closest(&call.target.value, names.into_iter()) {
                Some(s) => d.with_help(format!("did you mean `{s}`?")).with_edit(call.target.span, format!("\"{s}\"")),
                None => d.with_help("call a function by its snippet id, e.g. `fn=\"math.add\"`"),
            };
            self.diags.push(d);
            return Value::Unit;
        };
        // Effects: the snippet must declare the effect the operation performs.
        match s.effects.iter().find(|e| e.name.value == f.effect) {
            Some(decl) => self.out.effect_uses.push(EffectUse {
                effect: f.effect.to_string(),
                intrinsic: f.intrinsic,
                call_span: step.span,
                decl_span: decl.span,
            }),
            None => self.missing_effect(s, &call.target, f.id, f.effect, "E-EFFECT-002"),
        }
        let params: Vec<(String, Type)> = f.params.iter().map(|(n, t)| (n.to_string(), t.clone())).collect();
        let args = self.arguments(call, f.id, &params, f.aliases, body);
        out.push(Op::Intrinsic { intrinsic: f.intrinsic, args });
        if let Some(name) = step.bind_as.clone().or_else(|| {
            bind_missing(self, step);
            None
        }) {
            self.bind(body, &name, f.returns.clone(), false);
        }
        Value::Unit
    }

    fn missing_effect(&mut self, s: &ast::Snippet, target: &Spanned<String>, callee: &str, effect: &str, code: &'static str) {
        let d = if s.effects.is_empty() {
            let d = Diagnostic::error("E-EFFECT-001", format!("pure function calls effectful `{callee}`"), target.span)
                .with_label(format!("performs effect `{effect}`"))
                .with_secondary(s.id.span, "this snippet declares no effects")
                .with_help(format!("add `effects effect {effect} end` to the snippet"));
            // Insert an effects section before the first section, at its indentation.
            match s.node.children.iter().find(|c| c.word().is_some_and(|w| crate::parser::SECTIONS.contains(&w))) {
                Some(first) => {
                    let (at, indent) = self.line_start(first.span.start);
                    d.with_edit(Span { start: at, end: at }, format!("{indent}effects\n{indent}  effect {effect}\n{indent}end\n\n"))
                }
                None => d,
            }
        } else {
            let d = Diagnostic::error(code, format!("`{callee}` needs effect `{effect}`, which this snippet does not declare"), target.span)
                .with_label(format!("performs effect `{effect}`"))
                .with_help(format!("add `effect {effect}` to the snippet's `effects` section"));
            // Insert the declaration after the last one, at its indentation.
            match s.effects.last() {
                Some(last) => {
                    let (_, indent) = self.line_start(last.span.start);
                    let end = self.line_end(last.span.end);
                    d.with_edit(Span { start: end, end }, format!("\n{indent}effect {effect}"))
                }
                None => d,
            }
        };
        self.diags.push(d);
    }

    /// The offset where the line holding `offset` starts, and that line's indentation.
    fn line_start(&self, offset: u32) -> (u32, String) {
        let before = &self.source[..(offset as usize).min(self.source.len())];
        let start = before.rfind('\n').map_or(0, |i| i + 1);
        let indent: String = self.source[start..].chars().take_while(|c| *c == ' ' || *c == '\t').collect();
        (start as u32, indent)
    }

    /// The offset of the end of the line holding `offset` (before its newline).
    fn line_end(&self, offset: u32) -> u32 {
        let from = (offset as usize).min(self.source.len());
        self.source[from..].find(['\r', '\n']).map_or(self.source.len(), |i| from + i) as u32
    }

    fn call_user(&mut self, s: &ast::Snippet, step: &ast::Step, call: &ast::CallStep, index: usize, body: &mut Body, out: &mut Vec<Op>) -> Value {
        let callee = &self.fns[index];
        let callee_id = callee.snippet.id.value.clone();
        let params: Vec<(String, Type)> = callee.params.iter().map(|(n, t)| (n.value.clone(), t.clone())).collect();
        let returns = callee.returns.clone();
        // A caller must declare every effect its callee declares (the callee's are its closure).
        let callee_effects: Vec<String> = callee.snippet.effects.iter().map(|e| e.name.value.clone()).collect();
        for e in callee_effects {
            if !body.effects.contains(&e) {
                self.missing_effect(s, &call.target, &callee_id, &e, "E-EFFECT-003");
            }
        }
        let args = self.arguments(call, &callee_id, &params, &[], body);
        let result = match step.bind_as.clone() {
            Some(name) => self.bind(body, &name, returns.clone(), false),
            None => {
                bind_missing(self, step);
                None
            }
        };
        out.push(Op::Call { function: index, args, result });
        result.map_or(Value::Unit, |l| Value::Local(l, returns))
    }

    /// Checks a call's arguments against the parameters: each exactly once, with the right type.
    fn arguments(
        &mut self,
        call: &ast::CallStep,
        callee: &str,
        params: &[(String, Type)],
        aliases: &[(&str, &str)],
        body: &mut Body,
    ) -> Vec<Value> {
        // An argument may use a documented alias of its parameter's name.
        let param_of = |arg: &str| aliases.iter().find(|(a, _)| *a == arg).map_or(arg, |(_, p)| *p).to_string();
        let mut args = vec![];
        for (pname, pty) in params {
            let given: Vec<_> = call.args.iter().filter(|a| param_of(&a.name.value) == *pname).collect();
            match given.as_slice() {
                [] => {
                    self.diags.push(
                        Diagnostic::error("E-TYPE-001", format!("missing argument `{pname}` for `{callee}`"), call.target.span)
                            .with_label(format!("`{pname}` is not given"))
                            .with_help(format!("add `arg name=\"{pname}\" lit=...` or `from=\"...\"`")),
                    );
                    args.push(Value::Poison);
                }
                [arg, rest @ ..] => {
                    for dup in rest {
                        self.diags.push(
                            Diagnostic::error("E-SYMBOL-002", format!("argument `{pname}` given twice"), dup.name.span)
                                .with_label("given again here")
                                .with_secondary(arg.name.span, "first given here")
                                .with_help("remove one of them"),
                        );
                    }
                    let v = self.value(&arg.value, body);
                    if !v.ty().fits(pty) {
                        self.diags.push(
                            Diagnostic::error(
                                "E-TYPE-001",
                                format!("argument `{pname}` of `{callee}` must be {pty}, found {}", v.ty()),
                                arg.span,
                            )
                            .with_label(format!("this is {}", v.ty()))
                            .with_help(format!("pass a {pty}")),
                        );
                    }
                    args.push(v);
                }
            }
        }
        for a in &call.args {
            if !params.iter().any(|(p, _)| *p == param_of(&a.name.value)) {
                let names: Vec<_> = params.iter().map(|(p, _)| format!("`{p}`")).collect();
                self.diags.push(
                    Diagnostic::error("E-SYMBOL-001", format!("`{callee}` has no parameter `{}`", a.name.value), a.name.span)
                        .with_label("unknown parameter")
                        .with_help(if names.is_empty() {
                            "it takes no parameters".to_string()
                        } else {
                            format!("its parameters are {}", names.join(", "))
                        }),
                );
            }
        }
        args
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

/// Operators this version compiles (for "did you mean" and for telling type errors apart).
const KNOWN_OPS: &[&str] = &[
    "add", "sub", "mul", "div", "mod", "min", "max", "neg", "abs", "to_float", "equals", "not_equals", "less", "greater",
    "less_eq", "greater_eq", "and", "or", "not", "concat", "to_string", "str_len", "byte_len", "list_len",
    "list_is_empty", "list_get", "list_append", "list_concat", "join",
];

/// Every operator the grammar lists; those not in KNOWN_OPS are reported as not supported yet.
const GRAMMAR_OPS: &[&str] = &[
    "contains", "starts_with", "ends_with", "index_of", "replace", "split", "join", "repeat", "pad_start", "pad_end",
    "clamp", "pow", "bit_and", "bit_or", "bit_xor", "bit_shl", "bit_shr", "bit_ushr", "list_get", "list_append",
    "list_prepend", "list_concat", "list_slice", "list_take", "list_drop", "list_contains", "list_index_of", "map_get",
    "map_has", "map_insert", "map_remove", "map_merge", "set_has", "set_add", "set_remove", "set_union", "set_intersect",
    "set_diff", "set_symmetric_diff", "set_is_subset", "set_is_superset", "dt_add_days", "dt_add_hours",
    "dt_add_minutes", "dt_add_seconds", "dt_diff", "dt_format", "bytes_get", "bytes_slice", "bytes_concat",
    "is_empty", "upper", "lower", "trim", "trim_start", "trim_end", "str_reverse", "char_at", "sqrt", "floor", "ceil",
    "round", "trunc", "sign", "bit_not", "to_int", "parse_int", "parse_float", "list_len", "list_first", "list_last",
    "list_reverse", "list_is_empty", "list_sort", "list_dedup", "list_flatten", "map_len", "map_keys", "map_values",
    "map_entries", "map_is_empty", "set_len", "set_is_empty", "set_to_list", "dt_year", "dt_month", "dt_day", "dt_hour",
    "dt_minute", "dt_second", "dt_weekday", "dt_unix", "bytes_len", "bytes_is_empty", "bytes_to_string",
    "bytes_to_base64", "bytes_to_hex", "slice",
];

/// The candidate closest to `name` by edit distance, if close enough to be a likely typo.
fn closest<'x>(name: &str, candidates: impl Iterator<Item = &'x str>) -> Option<&'x str> {
    candidates
        .map(|c| (edit_distance(name, c), c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 3))
        .min()
        .map(|(_, c)| c)
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
