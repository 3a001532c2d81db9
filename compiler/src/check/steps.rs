//! One step: dispatch by kind; `bind`, `return` and `construct`.

use super::*;

impl<'a> Checker<'a> {
    /// Checks a sequence of steps (a body or an arm); returns the last step's value. Steps after one
    /// that always returns never run: W-DEAD-002 on the first of them.
    pub(super) fn block(&mut self, s: &ast::Snippet, steps: &[ast::Step], body: &mut Body, out: &mut Vec<Op>) -> Value {
        let mut last = Value::Unit;
        let (mut returned, mut warned) = (always_returns(out), false);
        for st in steps {
            if returned && !warned {
                warned = true;
                self.diags.push(
                    Diagnostic::warning("W-DEAD-002", "this step never runs", st.node.head_span())
                        .with_label("unreachable: every path before it returns")
                        .with_help("remove it, or move it before the `return`"),
                );
            }
            let before = out.len();
            last = self.step(s, st, body, out);
            returned = returned || always_returns(&out[before..]);
        }
        last
    }

    /// Checks one step, appending its operations; returns the step's value (what `as=` names).
    pub(super) fn step(&mut self, s: &ast::Snippet, step: &ast::Step, body: &mut Body, out: &mut Vec<Op>) -> Value {
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
                let mut value = self.value(&b.value, body, out);
                let Some(name) = bind_as(self) else { return Value::Unit };
                // Rebinding a `mut` name: the value is adapted to the type it was first bound with.
                if let Some(old) = body.lookup(&name.value).filter(|o| o.mutable).map(|o| o.ty.clone())
                    && let Some(v) = self.coerce(value.clone(), &old, body, out)
                {
                    value = v;
                }
                match self.bind(body, &name, value.ty(), b.mutable) {
                    Some(local) => {
                        if let (Value::Str(text), false) = (&value, b.mutable) {
                            body.constants.insert(local, text.clone());
                        }
                        out.push(Op::Set { local, value: value.clone() });
                        Value::Local(local, value.ty())
                    }
                    None => value,
                }
            }
            StepKind::Return(r) => {
                let value = r.value.as_ref().map_or(Value::Unit, |v| self.value(v, body, out));
                let returns = body.returns.clone();
                let coerced = self.coerce(value.clone(), &returns, body, out);
                if coerced.is_none() {
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
                out.push(Op::Return(coerced.unwrap_or(Value::Poison)));
                Value::Unit
            }
            StepKind::Collection(items) => {
                let values: Vec<Value> = items.iter().map(|i| self.value(i, body, out)).collect();
                let mut elem = Type::Error;
                for v in &values {
                    elem = elem.join(&v.ty());
                }
                let mut args = vec![];
                for (v, item) in values.into_iter().zip(items) {
                    let span = match item {
                        Operand::Var(n) => n.span,
                        Operand::Lit(l) => l.span,
                        Operand::Field { field, .. } => field.span,
                        Operand::Ctor(c) => c.span,
                    };
                    args.push(self.expect(v, &elem, "every item of a collection", span, body, out));
                }
                let Some(name) = bind_as(self) else { return Value::Unit };
                let ty = Type::list(elem.clone());
                let local = self.bind(body, &name, ty.clone(), false).unwrap_or_else(|| body.new_local(ty.clone()));
                out.push(Op::Compute { op: ComputeOp::ListOf(elem), args, result: local });
                Value::Local(local, ty)
            }
            StepKind::Construct(c) => {
                let value = self.constructor(c, body, out);
                let Some(name) = bind_as(self) else { return Value::Unit };
                match self.bind(body, &name, value.ty(), false) {
                    Some(local) => {
                        out.push(Op::Set { local, value: value.clone() });
                        Value::Local(local, value.ty())
                    }
                    None => value,
                }
            }
            StepKind::Call(call) => self.call(s, step, call, body, out),
            StepKind::Compute(c) => self.compute(step, c, body, out),
            StepKind::If(i) => self.if_step(s, step, i, body, out),
            StepKind::Match(m) => self.match_step(s, step, m, body, out),
            StepKind::For(f) => self.for_step(s, step, f, body, out),
            // Structured concurrency is E_WASI_001 on this target (reported by `target_rules`).
            StepKind::Other { kind }
                if self.target == crate::Target::Wasi && (kind.value == "parallel" || kind.value == "race") =>
            {
                Value::Unit
            }
            StepKind::Other { kind } if kind.value == "query" => self.query_step(s, step, body, out),
            StepKind::Other { kind } if kind.value == "traverse" => self.project_query(s, step, body, out),
            StepKind::Other { kind } if matches!(kind.value.as_str(), "insert" | "update" | "delete") => {
                self.write_step(s, step, &kind.value, body, out)
            }
            StepKind::Transaction(steps) => self.transaction_step(s, step, steps, body, out),
            StepKind::Other { kind } => {
                self.diags.push(unsupported(
                    format!("`{}` steps are", kind.value),
                    kind.span,
                    "see the README's language status for the step kinds this version compiles",
                ));
                Value::Unit
            }
        }
    }
}
