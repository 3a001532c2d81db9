//! `call` steps: user functions and the standard library, arguments and effects.

use super::*;

impl<'a> Checker<'a> {
    pub(super) fn call(
        &mut self,
        s: &ast::Snippet,
        step: &ast::Step,
        call: &ast::CallStep,
        body: &mut Body,
        out: &mut Vec<Op>,
    ) -> Value {
        if let Some(&index) = self.by_id.get(call.target.value.as_str()) {
            return self.call_user(s, step, call, index, body, out);
        }
        if let Some(&index) = self.extern_ids.get(call.target.value.as_str()) {
            return self.call_extern(s, step, call, index, body, out);
        }
        if let Some((id, op, params)) = stdlib::operator_fn(&call.target.value) {
            // An operator under its library name: the arguments are its operands, by name.
            let mut args = vec![];
            for p in *params {
                match call.args.iter().find(|a| a.name.value == *p) {
                    Some(a) => args.push(self.value(&a.value, body, out)),
                    None => {
                        self.diags.push(
                            Diagnostic::error(
                                "E-TYPE-001",
                                format!("missing argument `{p}` for `{id}`"),
                                call.target.span,
                            )
                            .with_label(format!("`{p}` is not given"))
                            .with_help(format!("add `arg name=\"{p}\" lit=...` or `from=\"...\"`")),
                        );
                        args.push(Value::Poison);
                    }
                }
            }
            for a in &call.args {
                if !params.contains(&a.name.value.as_str()) {
                    let names: Vec<String> = params.iter().map(|p| format!("`{p}`")).collect();
                    self.diags.push(
                        Diagnostic::error(
                            "E-SYMBOL-001",
                            format!("`{id}` has no parameter `{}`", a.name.value),
                            a.name.span,
                        )
                        .with_label("unknown parameter")
                        .with_help(format!("its parameters are {}", names.join(", "))),
                    );
                }
            }
            if let Some(case) = call.handle.first() {
                self.diags.push(
                    Diagnostic::error(
                        "E-TYPE-001",
                        format!("`{id}` cannot fail, so it has nothing to handle"),
                        case.type_name.span,
                    )
                    .with_label("no error to handle")
                    .with_help("remove the `handle` block"),
                );
            }
            let op = Spanned { value: op.to_string(), span: call.target.span };
            return self.compute_values(step, &op, args, body, out);
        }
        let Some(f) = stdlib::lookup(&call.target.value) else {
            let names = stdlib::STD_FNS
                .iter()
                .map(|f| f.id)
                .chain(stdlib::OPERATOR_FNS.iter().map(|(id, ..)| *id))
                .chain(self.by_id.keys().copied())
                .collect::<Vec<_>>();
            let mut d = Diagnostic::error(
                "E-SYMBOL-001",
                format!("undefined function `{}`", call.target.value),
                call.target.span,
            )
            .with_label("no function with this name");
            d = match closest(&call.target.value, names.into_iter()) {
                Some(s) => d.with_help(format!("did you mean `{s}`?")).with_edit(call.target.span, format!("\"{s}\"")),
                None => d.with_help("call a function by its snippet id, e.g. `fn=\"math.add\"`"),
            };
            self.diags.push(d);
            return Value::Unit;
        };
        // Effects: the snippet must declare the effect the operation performs.
        let mut decl = None;
        if let Some(effect) = f.effect {
            // A declaration may use another name of the effect (`std.storage` for `storage`).
            decl = s.effects.iter().find(|e| stdlib::canonical_effect(&e.name.value) == effect);
            match decl {
                Some(d) => self.out.effect_uses.push(EffectUse {
                    effect: effect.to_string(),
                    intrinsic: f.intrinsic,
                    call_span: step.span,
                    decl_span: d.span,
                }),
                None => self.missing_effect(s, &call.target, f.id, effect, "E-EFFECT-002"),
            }
        }
        let params: Vec<(String, Type)> =
            f.params.iter().map(|p| (p.name.to_string(), self.std_type_text(p.ty))).collect();
        let defaults: Vec<(&str, Value)> =
            f.params.iter().filter_map(|p| p.default.map(|d| (p.name, default_value(d)))).collect();
        let returns = self.std_type_text(f.returns);
        if f.intrinsic == stdlib::Intrinsic::Url(stdlib::UrlFn::Resolve) {
            // It parses and formats inside: the types it works with must exist.
            self.std_type_text("Url | UrlError");
        }
        let mut args = self.arguments_with_defaults(call, f.id, &params, f.aliases, &defaults, body, out);
        if let stdlib::Intrinsic::Fs(_) = f.intrinsic {
            // The component refuses paths outside the declared `filesystem(path=..)` itself.
            let root = decl.and_then(super::effects::path_param).unwrap_or_default();
            if !self.out.filesystem_roots.contains(&root) {
                self.out.filesystem_roots.push(root.clone());
            }
            args.push(Value::Str(root));
        }
        if f.intrinsic == stdlib::Intrinsic::Http {
            // Every request is lowered with the same arguments, in the same order.
            let given: Vec<(&str, Value)> = f.params.iter().map(|p| p.name).zip(args).collect();
            args = stdlib::HTTP_ARGS
                .iter()
                .map(|(name, default)| match given.iter().find(|(n, _)| n == name) {
                    Some((_, v)) => v.clone(),
                    None if *name == "method" => Value::Str(stdlib::http_method(f.id).unwrap_or("GET").to_string()),
                    None => default_value(*default),
                })
                .collect();
            let host = decl.and_then(super::effects::host_param).unwrap_or_default();
            if !self.out.network_hosts.contains(&host) {
                self.out.network_hosts.push(host.clone());
            }
            args.push(Value::Str(host));
        }
        if let stdlib::Intrinsic::Regex(_) = f.intrinsic {
            // A pattern bound once to a literal is that literal.
            if let Some(Value::Local(local, _)) = args.first()
                && let Some(text) = body.constants.get(local)
            {
                args[0] = Value::Str(text.clone());
            }
            self.check_regex_pattern(call, args.first());
        }
        let intrinsic = f.intrinsic;
        if !call.handle.is_empty() {
            let ret = returns.clone();
            let make = move |result| Op::Intrinsic { intrinsic, args: args.clone(), result, returns: ret.clone() };
            return self.handled_call(s, step, call, &make, returns, body, out);
        }
        let result = match step.bind_as.clone() {
            Some(name) => self.bind(body, &name, returns.clone(), false),
            None => {
                bind_missing(self, step);
                None
            }
        };
        out.push(Op::Intrinsic { intrinsic, args, result, returns: returns.clone() });
        result.map_or(Value::Unit, |l| Value::Local(l, returns))
    }

    /// A standard-library type as written in `stdlib` (always valid).
    pub(super) fn std_type_text(&mut self, text: &str) -> Type {
        self.in_std_signature = true;
        let t = self.parse_type(text).unwrap_or(Type::Error);
        self.in_std_signature = false;
        t
    }

    pub(super) fn missing_effect(
        &mut self,
        s: &ast::Snippet,
        target: &Spanned<String>,
        callee: &str,
        effect: &str,
        code: &'static str,
    ) {
        let d = if s.effects.is_empty() {
            let d = Diagnostic::error("E-EFFECT-001", format!("pure function calls effectful `{callee}`"), target.span)
                .with_label(format!("performs effect `{effect}`"))
                .with_secondary(s.id.span, "this snippet declares no effects")
                .with_help(format!("add `effects effect {effect} end` to the snippet"));
            // Insert an effects section before the first section, at its indentation.
            match s.node.children.iter().find(|c| c.word().is_some_and(|w| crate::parser::SECTIONS.contains(&w))) {
                Some(first) => {
                    let (at, indent) = self.line_start(first.span.start);
                    d.with_edit(
                        Span { start: at, end: at },
                        format!("{indent}effects\n{indent}  effect {effect}\n{indent}end\n\n"),
                    )
                }
                None => d,
            }
        } else {
            let d = Diagnostic::error(
                code,
                format!("`{callee}` needs effect `{effect}`, which this snippet does not declare"),
                target.span,
            )
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
    pub(super) fn line_start(&self, offset: u32) -> (u32, String) {
        let before = &self.source[..(offset as usize).min(self.source.len())];
        let start = before.rfind('\n').map_or(0, |i| i + 1);
        let indent: String = self.source[start..].chars().take_while(|c| *c == ' ' || *c == '\t').collect();
        (start as u32, indent)
    }

    /// The offset of the end of the line holding `offset` (before its newline).
    pub(super) fn line_end(&self, offset: u32) -> u32 {
        let from = (offset as usize).min(self.source.len());
        self.source[from..].find(['\r', '\n']).map_or(self.source.len(), |i| from + i) as u32
    }

    pub(super) fn call_user(
        &mut self,
        s: &ast::Snippet,
        step: &ast::Step,
        call: &ast::CallStep,
        index: usize,
        body: &mut Body,
        out: &mut Vec<Op>,
    ) -> Value {
        let callee = &self.fns[index];
        let callee_id = callee.snippet.id.value.clone();
        let params: Vec<(String, Type)> = callee.params.iter().map(|(n, t)| (n.value.clone(), t.clone())).collect();
        let returns = callee.returns.clone();
        // A caller must declare every effect its callee declares (the callee's are its closure).
        let callee_snippet = callee.snippet;
        self.callee_effects(s, call, callee_snippet);
        let mut args = self.arguments(call, &callee_id, &params, &[], body, out);
        let (mut index, mut returns) = (index, returns);
        if self.fns[index].is_generic() {
            // As for any function, a call to itself does not make it called (W-DEAD-003).
            if s.id.value != callee_id {
                self.generic_calls.insert(index);
            }
            let Some(instance) = self.instantiate(index, call, &args) else {
                if let Some(name) = &step.bind_as {
                    self.bind(body, name, Type::Error, false);
                }
                return Value::Poison;
            };
            // The arguments again, now against the instance's parameter types.
            let typed: Vec<(String, Type)> =
                self.fns[instance].params.iter().map(|(n, t)| (n.value.clone(), t.clone())).collect();
            for (v, (name, ty)) in args.iter_mut().zip(typed) {
                let span = call.args.iter().find(|a| a.name.value == name).map_or(call.target.span, |a| a.span);
                let given = std::mem::replace(v, Value::Poison);
                *v = self.expect(given, &ty, &format!("argument `{name}` of `{callee_id}`"), span, body, out);
            }
            (index, returns) = (instance, self.fns[instance].returns.clone());
        }
        if !call.handle.is_empty() {
            let make = move |result| Op::Call { function: index, args: args.clone(), result };
            return self.handled_call(s, step, call, &make, returns, body, out);
        }
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

    /// A caller must declare every effect its callee (a function or an extern) declares, each
    /// covering the callee's parameters.
    pub(super) fn callee_effects(&mut self, s: &ast::Snippet, call: &ast::CallStep, callee_snippet: &ast::Snippet) {
        let callee_id = callee_snippet.id.value.clone();
        for e in &callee_snippet.effects {
            let wanted = stdlib::canonical_effect(&e.name.value);
            match s.effects.iter().find(|mine| stdlib::canonical_effect(&mine.name.value) == wanted) {
                None => self.missing_effect(s, &call.target, &callee_id, &e.name.value, "E-EFFECT-003"),
                Some(mine) => {
                    // Parameters narrow an effect: the caller's must cover the callee's.
                    if let Some(why) = super::effects::uncovered(mine, e) {
                        self.diags.push(
                            Diagnostic::error(
                                "E-EFFECT-003",
                                format!("`{callee_id}` needs more `{}` than this function allows: {why}", e.name.value),
                                call.target.span,
                            )
                            .with_label("calls beyond this function's capability")
                            .with_secondary(mine.span, "this function's declaration")
                            .with_secondary(e.span, "what the callee declares")
                            .with_help(format!(
                                "widen this function's `effect {}` to cover the callee's, or narrow the callee's",
                                e.name.value
                            )),
                        );
                    }
                }
            }
        }
    }

    /// Checks a call's arguments against the parameters: each exactly once, with the right type.
    pub(super) fn arguments(
        &mut self,
        call: &ast::CallStep,
        callee: &str,
        params: &[(String, Type)],
        aliases: &[(&str, &str)],
        body: &mut Body,
        out: &mut Vec<Op>,
    ) -> Vec<Value> {
        self.arguments_with_defaults(call, callee, params, aliases, &[], body, out)
    }

    /// `arguments`, where a parameter listed in `defaults` may be left out.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn arguments_with_defaults(
        &mut self,
        call: &ast::CallStep,
        callee: &str,
        params: &[(String, Type)],
        aliases: &[(&str, &str)],
        defaults: &[(&str, Value)],
        body: &mut Body,
        out: &mut Vec<Op>,
    ) -> Vec<Value> {
        // An argument may use a documented alias of its parameter's name.
        let param_of = |arg: &str| aliases.iter().find(|(a, _)| *a == arg).map_or(arg, |(_, p)| *p).to_string();
        let mut args = vec![];
        for (pname, pty) in params {
            let given: Vec<_> = call.args.iter().filter(|a| param_of(&a.name.value) == *pname).collect();
            match given.as_slice() {
                [] if defaults.iter().any(|(d, _)| d == pname) => {
                    args.extend(defaults.iter().find(|(d, _)| d == pname).map(|(_, v)| v.clone()));
                }
                [] => {
                    self.diags.push(
                        Diagnostic::error(
                            "E-TYPE-001",
                            format!("missing argument `{pname}` for `{callee}`"),
                            call.target.span,
                        )
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
                    let v = self.value(&arg.value, body, out);
                    args.push(self.expect(v, pty, &format!("argument `{pname}` of `{callee}`"), arg.span, body, out));
                }
            }
        }
        for a in &call.args {
            if !params.iter().any(|(p, _)| *p == param_of(&a.name.value)) {
                let names: Vec<_> = params.iter().map(|(p, _)| format!("`{p}`")).collect();
                self.diags.push(
                    Diagnostic::error(
                        "E-SYMBOL-001",
                        format!("`{callee}` has no parameter `{}`", a.name.value),
                        a.name.span,
                    )
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

/// The value of a standard-library parameter that was left out.
fn default_value(d: stdlib::StdDefault) -> Value {
    match d {
        stdlib::StdDefault::Bool(b) => Value::Bool(b),
        stdlib::StdDefault::Int(n) => Value::Int(n),
        stdlib::StdDefault::Str(s) => Value::Str(s.to_string()),
        stdlib::StdDefault::NoHeaders => Value::EmptyMap(Type::String, Type::String),
    }
}
