//! `if` and `for` steps: arms with their own scopes, and the values they give.

use super::*;

impl<'a> Checker<'a> {
    pub(super) fn if_step(
        &mut self,
        s: &ast::Snippet,
        step: &ast::Step,
        i: &ast::IfStep,
        body: &mut Body,
        out: &mut Vec<Op>,
    ) -> Value {
        let cond = self.value(&Operand::Var(i.condition.clone()), body, out);
        if !cond.ty().fits(&Type::Bool) {
            self.diags.push(
                Diagnostic::error(
                    "E-TYPE-001",
                    format!("`condition` must be Bool, found {}", cond.ty()),
                    i.condition.span,
                )
                .with_label(format!("this is {}", cond.ty()))
                .with_help("compute a Bool first, e.g. with `op=greater`"),
            );
        }
        let mut arm = |this: &mut Self, steps: &[ast::Step]| {
            body.scopes.push(HashMap::default());
            let mut ops = vec![];
            let last = this.block(s, steps, body, &mut ops);
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
    /// A loop over a list. Its value is the list of each iteration's last value (LANGUAGE-DECISIONS 20).
    pub(super) fn for_step(
        &mut self,
        s: &ast::Snippet,
        step: &ast::Step,
        f: &ast::ForStep,
        body: &mut Body,
        out: &mut Vec<Op>,
    ) -> Value {
        let list = self.value(&Operand::Var(f.over.clone()), body, out);
        let elem = match list.ty() {
            Type::List(t) if *t == Type::Error => {
                self.diags.push(
                    Diagnostic::error(
                        "E-TYPE-001",
                        format!("cannot tell the element type of `{}`", f.over.value),
                        f.over.span,
                    )
                    .with_label("an empty `[]` whose element type is not known")
                    .with_help(
                        "bind the list from a typed value, or let a typed parameter, return or append fix its type",
                    ),
                );
                Type::Error
            }
            Type::List(t) | Type::Set(t) => *t,
            Type::Error => Type::Error,
            // A map iterates its entries in insertion order, each a struct with `key` and `value`.
            Type::Map(k, v) => self.map_entry_type(&k, &v),
            other => {
                self.diags.push(
                    Diagnostic::error(
                        "E-TYPE-001",
                        format!("`for` needs a list, but `{}` is {other}", f.over.value),
                        f.over.span,
                    )
                    .with_label(format!("this is {other}"))
                    .with_help("iterate over a List<T> value"),
                );
                Type::Error
            }
        };
        body.scopes.push(HashMap::default());
        let item = body.new_local(elem.clone());
        body.scopes
            .last_mut()
            .expect("pushed")
            .insert(f.var.value.clone(), Binding { local: item, ty: elem.clone(), mutable: false, span: f.var.span });
        let mut ops = vec![];
        let last = self.block(s, &f.body, body, &mut ops);
        body.scopes.pop();
        let result = match &step.bind_as {
            Some(name) if name.value != "_" => {
                let lty = last.ty();
                let collected = Type::List(Box::new(lty.clone()));
                let local = self.bind(body, name, collected.clone(), false);
                if let Some(local) = local {
                    mark_used(body, &last);
                    out.push(Op::Set { local, value: Value::List(vec![], lty.clone()) });
                    ops.push(Op::Compute {
                        op: ComputeOp::ListAppend(lty),
                        args: vec![Value::Local(local, collected.clone()), last],
                        result: local,
                    });
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
}
