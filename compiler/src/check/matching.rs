//! `match` steps: patterns become tests and bindings, checked for exhaustiveness.

use super::*;

impl<'a> Checker<'a> {
    pub(super) fn match_step(
        &mut self,
        s: &ast::Snippet,
        step: &ast::Step,
        m: &ast::MatchStep,
        body: &mut Body,
        out: &mut Vec<Op>,
    ) -> Value {
        let subject = self.value(&Operand::Var(m.on.clone()), body, out);
        let ty = subject.ty();
        // Check every arm (in its own scope), remembering each pattern's test.
        enum Test {
            Always,
            Equals(Value),
            /// The value is of this case of a variant-like type.
            Case(u32),
        }
        let cases = self.out.types.cases(&ty);
        let mut arms: Vec<(Test, Vec<Op>, Value, Span)> = vec![];
        for case in &m.cases {
            body.scopes.push(HashMap::default());
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
                    let v = self.value(&Operand::Lit(lit.clone()), body, &mut ops);
                    if !v.ty().fits(&ty) {
                        self.diags.push(
                            Diagnostic::error(
                                "E-TYPE-001",
                                format!("this pattern is {}, but `{}` is {ty}", v.ty(), m.on.value),
                                lit.span,
                            )
                            .with_label(format!("a {} literal", v.ty()))
                            .with_help(format!("match a {ty} with literals of type {ty}")),
                        );
                    }
                    Test::Equals(v)
                }
                ast::Pattern::Destructure { kind, type_name, names } => self
                    .destructure(&ty, cases.as_deref(), kind, type_name.as_ref(), names, &subject, body, &mut ops)
                    .map_or(Test::Always, Test::Case),
            };
            let last = self.block(s, &case.steps, body, &mut ops);
            body.scopes.pop();
            arms.push((test, ops, last, case.span));
        }
        // Exhaustive: a wildcard or binding arm, or (for Bool) both literals.
        let has_default = arms.iter().any(|(t, ..)| matches!(t, Test::Always));
        let covers_bool = ty == Type::Bool
            && [true, false]
                .iter()
                .all(|b| arms.iter().any(|(t, ..)| matches!(t, Test::Equals(Value::Bool(x)) if x == b)));
        let missing: Vec<String> = cases.as_ref().map_or(vec![], |cs| {
            (0..cs.len() as u32)
                .filter(|i| !arms.iter().any(|(t, ..)| matches!(t, Test::Case(c) if c == i)))
                .map(|i| match &ty {
                    Type::Enum(n) if !self.out.types.is_union(n) => format!("{}::{}", n.name, cs[i as usize].0),
                    _ => cs[i as usize].0.clone(),
                })
                .collect()
        });
        let covers_cases = cases.is_some() && missing.is_empty();
        if !has_default && !covers_bool && !covers_cases && ty != Type::Error {
            let d = Diagnostic::error(
                "E-TYPE-004",
                format!("this match on {ty} does not cover every value"),
                step.node.head_span(),
            );
            self.diags.push(if missing.is_empty() {
                d.with_label("no arm for some values")
                    .with_help("add `case wildcard` (or `case binding=\"x\"`) as the last arm")
            } else {
                let list: Vec<String> = missing.iter().map(|m| format!("`{m}`")).collect();
                d.with_label(format!("no arm for {}", list.join(", ")))
                    .with_help(format!("add `case variant type=\"{}\"` or `case wildcard`", missing[0]))
            });
        }
        // The step's value.
        let result = match &step.bind_as {
            Some(name) if name.value != "_" => {
                let taken: Vec<&Value> =
                    arms.iter().filter(|(_, ops, ..)| !always_returns(ops)).map(|(_, _, v, _)| v).collect();
                let rty = taken.first().map_or(Type::Unit, |v| v.ty());
                if taken.iter().any(|v| !v.ty().fits(&rty)) {
                    self.diags.push(
                        Diagnostic::error(
                            "E-TYPE-001",
                            "the arms of this `match` give values of different types",
                            name.span,
                        )
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
        // When the arms cover every value, the last one needs no test: so a match whose every
        // arm returns is known to return.
        let exhaustive = covers_cases || covers_bool;
        for (i, (test, mut ops, last, _)) in arms.into_iter().rev().enumerate() {
            let test = if i == 0 && exhaustive { Test::Always } else { test };
            if let Some((local, _)) = &result {
                mark_used(body, &last);
                ops.push(Op::Set { local: *local, value: last });
            }
            rest = match test {
                Test::Always => ops,
                Test::Case(case) => {
                    let cond = body.new_local(Type::Bool);
                    vec![
                        Op::Compute {
                            op: ComputeOp::IsCase(ty.clone(), case),
                            args: vec![subject.clone()],
                            result: cond,
                        },
                        Op::If { cond: Value::Local(cond, Type::Bool), then: ops, otherwise: rest },
                    ]
                }
                Test::Equals(v) => {
                    let op = match ty {
                        Type::Int => ComputeOp::IntCmp(Cmp::Eq),
                        Type::Float => ComputeOp::FloatCmp(Cmp::Eq),
                        Type::Bool => ComputeOp::BoolCmp(Cmp::Eq),
                        Type::String => ComputeOp::StrCmp(Cmp::Eq),
                        _ => {
                            if ty != Type::Error {
                                self.diags.push(unsupported(
                                    format!("matching a {ty} value is"),
                                    m.on.span,
                                    "match Int, Float, Bool or String values",
                                ));
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

    /// A `variant` or `struct` pattern: checks it against the matched type and binds its names.
    /// Returns the case a variant pattern tests for (`None` for struct patterns, which always match).
    #[allow(clippy::too_many_arguments)]
    fn destructure(
        &mut self,
        ty: &Type,
        cases: Option<&[(String, Vec<Type>)]>,
        kind: &Spanned<String>,
        type_name: Option<&Spanned<String>>,
        names: &[Spanned<String>],
        subject: &Value,
        body: &mut Body,
        ops: &mut Vec<Op>,
    ) -> Option<u32> {
        if *ty == Type::Error {
            for n in names {
                self.bind(body, n, Type::Error, false);
            }
            return None;
        }
        let Some(type_name) = type_name else {
            self.diags.push(
                Diagnostic::error("E-PARSE-002", format!("`case {}` is missing `type=`", kind.value), kind.span)
                    .with_label("needs `type=\"...\"`")
                    .with_help("name the variant, e.g. `case variant type=\"Some\" bindings=(\"x\")`"),
            );
            return None;
        };
        if kind.value == "struct" {
            let Type::Struct(n) = ty else {
                self.diags.push(
                    Diagnostic::error("E-TYPE-001", format!("a struct pattern cannot match {ty}"), kind.span)
                        .with_label(format!("the value is {ty}"))
                        .with_help("use `case variant type=...` for enums, optionals and results"),
                );
                return None;
            };
            if n.name.as_ref() != type_name.value && self.type_by_name(&type_name.value).as_ref() != Some(ty) {
                self.diags.push(
                    Diagnostic::error(
                        "E-TYPE-001",
                        format!("this pattern is `{}`, but the value is {ty}", type_name.value),
                        type_name.span,
                    )
                    .with_label("another type")
                    .with_help(format!("write `type=\"{}\"`", n.name)),
                );
                return None;
            }
            for name in names {
                let v = self.field_of(subject.clone(), &name.value, name.span, body, ops);
                if let Some(local) = self.bind(body, name, v.ty(), false) {
                    ops.push(Op::Set { local, value: v });
                }
            }
            return None;
        }
        let Some(cases) = cases else {
            self.diags.push(
                Diagnostic::error("E-TYPE-001", format!("a variant pattern cannot match {ty}"), kind.span)
                    .with_label(format!("the value is {ty}"))
                    .with_help("variant patterns match enums, optionals and results"),
            );
            return None;
        };
        let wanted = type_name.value.as_str();
        let short = wanted.rsplit_once("::").map_or(wanted, |(_, v)| v);
        // A result may also be matched on its member types (LANGUAGE-DECISIONS 22).
        let by_member = match ty {
            Type::Result(ok, err) => {
                [ok, err].iter().position(|t| matches!(&***t, Type::Struct(n) | Type::Enum(n) if *n.name == *wanted))
            }
            _ => None,
        };
        let qualified_ok = match (ty, wanted.rsplit_once("::")) {
            (Type::Enum(n), Some((e, _))) => *n.name == *e || e.ends_with(&format!(".{}", n.name)),
            (_, Some(_)) => false,
            _ => true,
        };
        let Some(case) = by_member.or_else(|| cases.iter().position(|(c, _)| c == short).filter(|_| qualified_ok))
        else {
            let list: Vec<String> = cases.iter().map(|(c, _)| format!("`{c}`")).collect();
            let mut d = Diagnostic::error("E-TYPE-001", format!("{ty} has no variant `{wanted}`"), type_name.span)
                .with_label("not a variant of the matched value");
            d = match closest(short, cases.iter().map(|(c, _)| c.as_str())) {
                Some(c) => d.with_help(format!("did you mean `{c}`? its variants are {}", list.join(", "))),
                None => d.with_help(format!("its variants are {}", list.join(", "))),
            };
            self.diags.push(d);
            return None;
        };
        let fields = &cases[case].1;
        if names.len() > fields.len() {
            self.diags.push(
                Diagnostic::error(
                    "E-TYPE-001",
                    format!("`{wanted}` carries {} value(s), but the pattern binds {}", fields.len(), names.len()),
                    names[fields.len()].span,
                )
                .with_label("nothing to bind here")
                .with_help("bind at most one name per field, in declaration order"),
            );
        }
        for (i, (name, fty)) in names.iter().zip(fields).enumerate() {
            if let Some(local) = self.bind(body, name, fty.clone(), false) {
                ops.push(Op::Compute {
                    op: ComputeOp::Payload(ty.clone(), case as u32, i as u32),
                    args: vec![subject.clone()],
                    result: local,
                });
            }
        }
        Some(case as u32)
    }
}
