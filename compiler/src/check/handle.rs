//! `handle` blocks on calls that return a value | error union: the call's `as=` names the value,
//! and each case says what to do with an error (LANGUAGE-DECISIONS 20): return from the function,
//! or bind the call's own `as=` name to a fallback value.

use super::*;

impl<'a> Checker<'a> {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn handled_call(
        &mut self,
        s: &ast::Snippet,
        step: &ast::Step,
        call: &ast::CallStep,
        make_call: &dyn Fn(Option<LocalId>) -> Op,
        returns: Type,
        body: &mut Body,
        out: &mut Vec<Op>,
    ) -> Value {
        let Type::Result(ok, err) = &returns else {
            if returns != Type::Error {
                self.diags.push(
                    Diagnostic::error(
                        "E-TYPE-001",
                        format!("`{}` returns {returns}, which has no error to handle", call.target.value),
                        call.handle[0].type_name.span,
                    )
                    .with_label("no error to handle")
                    .with_help("`handle` applies to calls that return a union of a value and an error"),
                );
            }
            out.push(make_call(None));
            return Value::Poison;
        };
        let (ok, err) = ((**ok).clone(), (**err).clone());
        let outcome = body.new_local(returns.clone());
        out.push(make_call(Some(outcome)));
        let Some(name) = step.bind_as.clone() else {
            bind_missing(self, step);
            return Value::Poison;
        };
        let value = self.bind(body, &name, ok.clone(), false);
        let mut on_ok = vec![];
        if let Some(local) = value {
            on_ok.push(Op::Compute {
                op: ComputeOp::Payload(returns.clone(), 0, 0),
                args: vec![Value::Local(outcome, returns.clone())],
                result: local,
            });
        }
        // The error, then one test per case; the first case that matches runs.
        let error = body.new_local(err.clone());
        let mut arms: Vec<(Option<u32>, Vec<Op>, Span)> = vec![];
        let err_cases = self.out.types.cases(&err).filter(|_| matches!(err, Type::Enum(_)));
        for case in &call.handle {
            let wanted = case.type_name.value.as_str();
            let test = if type_named(&err, wanted) {
                None
            } else {
                let short = wanted.rsplit_once("::");
                let variant = match (&err_cases, short) {
                    (Some(cs), Some((e, v))) if type_named(&err, e) => cs.iter().position(|(c, _)| c == v),
                    _ => None,
                };
                match variant {
                    Some(v) => Some(v as u32),
                    None => {
                        self.diags.push(
                            Diagnostic::error(
                                "E-TYPE-001",
                                format!("`{wanted}` is not the error `{}` returns", call.target.value),
                                case.type_name.span,
                            )
                            .with_label(format!("the error is {err}"))
                            .with_help(format!(
                                "write `case type=\"{err}\"`, or one of its variants as `{err}::Variant`"
                            )),
                        );
                        continue;
                    }
                }
            };
            // In the case, the call's own `as=` may be bound to a fallback: it is the value, not a
            // second binding.
            let mut scope = HashMap::default();
            if let Some(local) = value {
                scope.insert(name.value.clone(), Binding { local, ty: ok.clone(), mutable: true, span: name.span });
            }
            body.scopes.push(scope);
            let mut ops = vec![];
            self.block(s, &case.steps, body, &mut ops);
            body.scopes.pop();
            let binds_value = value.is_some_and(|l| sets(&ops, l));
            if !always_returns(&ops) && !binds_value && value.is_some() {
                self.diags.push(
                    Diagnostic::error(
                        "E-TYPE-001",
                        format!("this case neither returns nor gives `{}` a value", name.value),
                        case.type_name.span,
                    )
                    .with_label("the call's value is missing after this case")
                    .with_help(format!(
                        "end the case with a `return` step, or bind a fallback with `as=\"{}\"`",
                        name.value
                    )),
                );
            }
            arms.push((test, ops, case.span));
        }
        // Every error must be handled.
        let covered = arms.iter().any(|(t, ..)| t.is_none())
            || err_cases
                .as_ref()
                .is_some_and(|cs| (0..cs.len() as u32).all(|v| arms.iter().any(|(t, ..)| *t == Some(v))));
        if !covered && !arms.is_empty() {
            let missing: Vec<String> = err_cases
                .iter()
                .flatten()
                .enumerate()
                .filter(|(v, _)| !arms.iter().any(|(t, ..)| *t == Some(*v as u32)))
                .map(|(_, (c, _))| format!("`{err}::{c}`"))
                .collect();
            self.diags.push(
                Diagnostic::error(
                    "E-TYPE-004",
                    format!("this `handle` does not cover every {err}"),
                    call.handle[0].type_name.span,
                )
                .with_label(format!("not handled: {}", missing.join(", ")))
                .with_help(format!("add `case type=\"{err}\"` to handle the rest")),
            );
        }
        let mut on_err: Vec<Op> = vec![];
        for (test, ops, _) in arms.into_iter().rev() {
            on_err = match test {
                None => ops,
                Some(v) => {
                    let cond = body.new_local(Type::Bool);
                    vec![
                        Op::Compute {
                            op: ComputeOp::IsCase(err.clone(), v),
                            args: vec![Value::Local(error, err.clone())],
                            result: cond,
                        },
                        Op::If { cond: Value::Local(cond, Type::Bool), then: ops, otherwise: on_err },
                    ]
                }
            };
        }
        on_err.insert(
            0,
            Op::Compute {
                op: ComputeOp::Payload(returns.clone(), 1, 0),
                args: vec![Value::Local(outcome, returns.clone())],
                result: error,
            },
        );
        let is_ok = body.new_local(Type::Bool);
        out.push(Op::Compute {
            op: ComputeOp::IsCase(returns.clone(), 0),
            args: vec![Value::Local(outcome, returns.clone())],
            result: is_ok,
        });
        out.push(Op::If { cond: Value::Local(is_ok, Type::Bool), then: on_ok, otherwise: on_err });
        value.map_or(Value::Unit, |l| Value::Local(l, ok))
    }
}

/// Whether `name` names type `t` (a struct or enum by its declared name).
fn type_named(t: &Type, name: &str) -> bool {
    matches!(t, Type::Struct(n) | Type::Enum(n) if *n.name == *name || name.ends_with(&format!(".{}", n.name)))
}

/// Whether `ops` store into `local` on every path that does not return.
fn sets(ops: &[Op], local: LocalId) -> bool {
    ops.iter().any(|op| match op {
        Op::Set { local: l, .. } | Op::Compute { result: l, .. } => *l == local,
        Op::Call { result: Some(l), .. } | Op::Intrinsic { result: Some(l), .. } => *l == local,
        Op::If { then, otherwise, .. } => {
            (sets(then, local) || always_returns(then)) && (sets(otherwise, local) || always_returns(otherwise))
        }
        _ => false,
    })
}
