//! Name resolution, type and effect checking, and target rules. Turns the syntax tree into the
//! checked program (`ir`), reporting every problem it finds rather than stopping at the first.

use crate::ast::{self, LitValue, Operand, SnippetKind, StepKind};
use crate::diagnostic::Diagnostic;
use crate::ir::*;
use crate::span::Span;
use crate::stdlib;
use crate::types::Type;
use crate::Target;
use std::collections::HashMap;

pub fn check(program: &ast::Program, target: Target) -> (CheckedProgram, Vec<Diagnostic>) {
    let mut cx = Checker { diags: vec![], out: CheckedProgram::default(), target };
    cx.program(program);
    (cx.out, cx.diags)
}

struct Checker {
    diags: Vec<Diagnostic>,
    out: CheckedProgram,
    target: Target,
}

/// Locals visible while checking one body.
struct Scope {
    bound: HashMap<String, (Type, bool, Span)>,
    order: Vec<(String, Type)>,
}

impl Checker {
    fn program(&mut self, program: &ast::Program) {
        let mut seen: HashMap<&str, Span> = HashMap::new();
        for s in &program.snippets {
            if let Some(first) = seen.get(s.id.value.as_str()) {
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
        for s in &program.snippets {
            self.target_rules(s);
            match s.kind.value {
                SnippetKind::Fn => self.function(s),
                // Documentation and tests carry no code for the component.
                SnippetKind::Data | SnippetKind::Test => {}
                _ => self.diags.push(
                    Diagnostic::error(
                        "E-UNSUPPORTED-001",
                        format!("`{}` snippets are not supported by this compiler version yet", kind_name(s.kind.value)),
                        s.kind.span,
                    )
                    .with_label("not supported yet")
                    .with_help("see the README's language status"),
                ),
            }
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

    fn function(&mut self, s: &ast::Snippet) {
        let Some(sig) = &s.signature else {
            self.diags.push(
                Diagnostic::error("E-PARSE-002", format!("fn snippet `{}` has no signature", s.id.value), s.id.span)
                    .with_label("missing `signature` section")
                    .with_help("add `signature fn name=\"...\" returns type=\"Unit\" end end`"),
            );
            return;
        };
        if sig.name.value != "main" {
            self.diags.push(
                Diagnostic::error(
                    "E-UNSUPPORTED-001",
                    "functions other than `main` are not supported by this compiler version yet",
                    sig.name.span,
                )
                .with_label("not supported yet")
                .with_help("see the README's language status"),
            );
            return;
        }
        if let Some(p) = sig.params.first() {
            self.diags.push(
                Diagnostic::error("E-TYPE-001", "`main` takes no parameters", p.span)
                    .with_label("parameter not allowed here")
                    .with_help("remove the parameter; `main` is the program's entry point (`wasi:cli/run`)"),
            );
        }
        let returns = match &sig.returns {
            None => Type::Unit,
            Some(ast::Returns::Type(t)) => self.resolve_type(t),
            Some(_) => {
                self.diags.push(
                    Diagnostic::error("E-TYPE-001", "`main` must return Unit", sig.name.span)
                        .with_label("`main` is exported as `wasi:cli/run`")
                        .with_help("write `returns type=\"Unit\"`"),
                );
                Type::Error
            }
        };
        if !returns.fits(&Type::Unit) {
            self.diags.push(
                Diagnostic::error("E-TYPE-001", format!("`main` must return Unit, not {returns}"), sig.name.span)
                    .with_label("`main` is exported as `wasi:cli/run`")
                    .with_help("write `returns type=\"Unit\"`"),
            );
        }
        let mut scope = Scope { bound: HashMap::new(), order: vec![] };
        let mut body = vec![];
        for step in s.body.iter().flatten() {
            self.step(s, step, &mut scope, &mut body);
        }
        self.out.functions.push(Function {
            name: sig.name.value.clone(),
            snippet_id: s.id.value.clone(),
            returns: Type::Unit,
            body,
            locals: scope.order,
            span: s.span,
        });
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

    fn value(&mut self, operand: &Operand, scope: &Scope) -> Value {
        match operand {
            Operand::Var(name) => match scope.bound.get(&name.value) {
                Some((ty, _, _)) => Value::Local(name.value.clone(), ty.clone()),
                None => {
                    let mut d = Diagnostic::error("E-SYMBOL-001", format!("undefined name `{}`", name.value), name.span)
                        .with_label("not bound by any earlier step");
                    d = match closest(&name.value, scope.bound.keys().map(String::as_str)) {
                        Some(s) => d.with_help(format!("did you mean `{s}`?")),
                        None => d.with_help("bind it first with a step whose `as=` is this name"),
                    };
                    self.diags.push(d);
                    Value::Local(name.value.clone(), Type::Error)
                }
            },
            Operand::Lit(lit) => match &lit.value {
                LitValue::Str(s) => Value::Str(s.clone()),
                LitValue::Int(n) => Value::Int(*n),
                LitValue::Float(f) => Value::Float(*f),
                LitValue::Bool(b) => Value::Bool(*b),
                _ => {
                    self.diags.push(
                        Diagnostic::error("E-UNSUPPORTED-001", "this literal form is not supported here yet", lit.span)
                            .with_label("not supported yet")
                            .with_help("use a string, number or boolean literal"),
                    );
                    Value::Unit
                }
            },
        }
    }

    fn bind(&mut self, scope: &mut Scope, name: &crate::span::Spanned<String>, ty: Type, mutable: bool, out: &mut Vec<Op>, value: Option<Value>) {
        if name.value == "_" {
            return;
        }
        if let Some((old_ty, was_mut, first)) = scope.bound.get(&name.value).cloned() {
            if !was_mut {
                self.diags.push(
                    Diagnostic::error("E-SYMBOL-002", format!("`{}` is already bound", name.value), name.span)
                        .with_label("bound again here")
                        .with_secondary(first, "first bound here")
                        .with_help("choose another name, or declare the first binding with `mut`"),
                );
                return;
            }
            if !ty.fits(&old_ty) {
                self.diags.push(
                    Diagnostic::error("E-TYPE-001", format!("`{}` holds {old_ty}, not {ty}", name.value), name.span)
                        .with_label(format!("this value is {ty}"))
                        .with_secondary(first, format!("bound as {old_ty} here"))
                        .with_help("a mutable binding keeps the type it was first bound with"),
                );
                return;
            }
        } else {
            scope.bound.insert(name.value.clone(), (ty.clone(), mutable, name.span));
            scope.order.push((name.value.clone(), ty));
        }
        if let Some(value) = value {
            out.push(Op::Set { local: name.value.clone(), value });
        }
    }

    fn step(&mut self, s: &ast::Snippet, step: &ast::Step, scope: &mut Scope, out: &mut Vec<Op>) {
        match &step.kind {
            StepKind::Bind(b) => {
                let value = self.value(&b.value, scope);
                let Some(name) = &step.bind_as else {
                    self.missing_as(step);
                    return;
                };
                self.bind(scope, name, value.ty(), b.mutable, out, Some(value));
            }
            StepKind::Return(r) => {
                let value = r.value.as_ref().map_or(Value::Unit, |v| self.value(v, scope));
                if !value.ty().fits(&Type::Unit) {
                    self.diags.push(
                        Diagnostic::error("E-TYPE-001", format!("`main` returns Unit, but this returns {}", value.ty()), step.span)
                            .with_label("returns a value")
                            .with_help("remove `from=`/`lit=` from the return step"),
                    );
                }
                out.push(Op::Return(Value::Unit));
            }
            StepKind::Call(call) => self.call(s, step, call, scope, out),
            StepKind::Other { kind } => self.diags.push(
                Diagnostic::error(
                    "E-UNSUPPORTED-001",
                    format!("`{}` steps are not supported by this compiler version yet", kind.value),
                    kind.span,
                )
                .with_label("not supported yet")
                .with_help("see the README's language status; `call`, `bind` and `return` steps work today"),
            ),
        }
    }

    fn missing_as(&mut self, step: &ast::Step) {
        self.diags.push(
            Diagnostic::error("E-PARSE-002", "this step is missing `as=`", step.span)
                .with_label("needs `as=\"name\"`")
                .with_help("add `as=\"name\"` to bind the result, or `as=\"_\"` to discard it"),
        );
    }

    fn call(&mut self, s: &ast::Snippet, step: &ast::Step, call: &ast::CallStep, scope: &mut Scope, out: &mut Vec<Op>) {
        let Some(f) = stdlib::lookup(&call.target.value) else {
            let names = stdlib::STD_FNS.iter().map(|f| f.id);
            let mut d = Diagnostic::error("E-SYMBOL-001", format!("undefined function `{}`", call.target.value), call.target.span)
                .with_label("no function with this name");
            if let Some(s) = closest(&call.target.value, names) {
                d = d.with_help(format!("did you mean `{s}`?"));
            }
            self.diags.push(d);
            return;
        };
        // Effects: the snippet must declare the effect the operation performs.
        let decl = s.effects.iter().find(|e| e.name.value == f.effect);
        match decl {
            Some(decl) => self.out.effect_uses.push(EffectUse {
                effect: f.effect.to_string(),
                intrinsic: f.intrinsic,
                call_span: step.span,
                decl_span: decl.span,
            }),
            None if s.effects.is_empty() => self.diags.push(
                Diagnostic::error(
                    "E-EFFECT-001",
                    format!("pure function calls effectful `{}`", f.id),
                    call.target.span,
                )
                .with_label(format!("performs effect `{}`", f.effect))
                .with_secondary(s.id.span, "this snippet declares no effects")
                .with_help(format!("add `effects effect {} end` to the snippet", f.effect)),
            ),
            None => self.diags.push(
                Diagnostic::error(
                    "E-EFFECT-002",
                    format!("`{}` needs effect `{}`, which this snippet does not declare", f.id, f.effect),
                    call.target.span,
                )
                .with_label(format!("performs effect `{}`", f.effect))
                .with_help(format!("add `effect {}` to the snippet's `effects` section", f.effect)),
            ),
        }
        // Arguments: each parameter exactly once, with the right type.
        let mut args = vec![];
        for (pname, pty) in f.params {
            let given: Vec<_> = call.args.iter().filter(|a| a.name.value == *pname).collect();
            match given.as_slice() {
                [] => {
                    self.diags.push(
                        Diagnostic::error("E-TYPE-001", format!("missing argument `{pname}` for `{}`", f.id), call.target.span)
                            .with_label(format!("`{pname}` is not given"))
                            .with_help(format!("add `arg name=\"{pname}\" lit=...` or `from=\"...\"`")),
                    );
                    args.push(Value::Unit);
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
                    let v = self.value(&arg.value, scope);
                    if !v.ty().fits(pty) {
                        self.diags.push(
                            Diagnostic::error(
                                "E-TYPE-001",
                                format!("argument `{pname}` of `{}` must be {pty}, found {}", f.id, v.ty()),
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
            if !f.params.iter().any(|(p, _)| *p == a.name.value) {
                let names: Vec<_> = f.params.iter().map(|(p, _)| format!("`{p}`")).collect();
                self.diags.push(
                    Diagnostic::error("E-SYMBOL-001", format!("`{}` has no parameter `{}`", f.id, a.name.value), a.name.span)
                        .with_label("unknown parameter")
                        .with_help(format!("its parameters are {}", names.join(", "))),
                );
            }
        }
        out.push(Op::Intrinsic { intrinsic: f.intrinsic, args });
        match &step.bind_as {
            // Std calls return Unit today: the name is bound, nothing is stored.
            Some(name) => self.bind(scope, name, f.returns.clone(), false, out, None),
            None => self.missing_as(step),
        }
    }
}

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

fn kind_name(kind: SnippetKind) -> &'static str {
    SnippetKind::ALL.iter().find(|(_, k)| *k == kind).map_or("?", |(n, _)| *n)
}
