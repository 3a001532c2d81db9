//! Generic functions (`generic name="T"` in a signature), by instantiation: a call infers each
//! type parameter from its arguments' types, and the body is checked again, and later lowered,
//! once per distinct list of type arguments, as an ordinary function. The generic function itself
//! (the template) is checked once with its parameters unknown, which finds every mistake that
//! does not depend on them; an instance reports only what its own types break, pointing at the
//! call that made it. A component type (WIT) has no generics, so these functions are not exports.

use super::*;

/// At most this many instances of one generic function: a function that calls itself with an
/// ever larger type (`List<T>`, then `List<List<T>>`, ...) would otherwise never stop.
const MAX_INSTANCES: usize = 64;

/// The type-parameter constraints with a name of their own: each stands for the types listed.
const NAMED_CONSTRAINTS: [(&str, &[Type]); 2] = [
    ("Numeric", &[Type::Int, Type::Float]),
    ("Comparable", &[Type::Int, Type::Float, Type::String, Type::Bool, Type::DateTime]),
];

/// Whether `ty` still has a part nothing has decided (an empty list's element, an error).
fn undecided(ty: &Type) -> bool {
    match ty {
        Type::Error => true,
        Type::List(t) | Type::Set(t) | Type::Optional(t) => undecided(t),
        Type::Map(k, v) | Type::Result(k, v) => undecided(k) || undecided(v),
        _ => false,
    }
}

/// Learns the type parameters in `text` (a parameter's declared type) from `actual`, the type of
/// the argument given for it. A parameter seen twice keeps the more precise of its two types.
fn infer(text: &str, actual: &Type, names: &[&str], found: &mut Vec<(String, Type)>) {
    let text = text.trim();
    if names.contains(&text) {
        match found.iter_mut().find(|(n, _)| n == text) {
            Some((_, known)) if actual.fits(known) => *known = known.join(actual),
            Some(_) => {}
            None => found.push((text.to_string(), actual.clone())),
        }
        return;
    }
    let inner = |prefix: &str| text.strip_prefix(prefix).and_then(|t| t.strip_suffix('>'));
    if let Some((ok, err)) = text.split_once('|') {
        if let Type::Result(a, e) = actual {
            infer(ok, a, names, found);
            infer(err, e, names, found);
        }
    } else if let Some(t) = text.strip_suffix('?').or_else(|| text.strip_prefix("optional ")) {
        if let Type::Optional(a) = actual {
            infer(t, a, names, found);
        }
    } else if let Some(t) = text.strip_suffix("[]").or_else(|| inner("List<")) {
        if let Type::List(a) = actual {
            infer(t, a, names, found);
        }
    } else if let Some(t) = inner("Set<") {
        if let Type::Set(a) = actual {
            infer(t, a, names, found);
        }
    } else if let Some((k, v)) = inner("Map<").and_then(super::types::split_pair)
        && let Type::Map(a, b) = actual
    {
        infer(k, a, names, found);
        infer(v, b, names, found);
    }
}

impl<'a> Checker<'a> {
    /// A generic signature's type parameters, checked: distinct names that are not type names,
    /// and constraints that name a type. Those that are well declared are returned.
    pub(super) fn declare_generics(&mut self, sig: &'a ast::FnSignature) -> Vec<&'a ast::Generic> {
        let mut env: Vec<&'a ast::Generic> = vec![];
        for g in &sig.generics {
            let name = &g.name.value;
            if env.iter().any(|e| e.name.value == *name) {
                self.diags.push(
                    Diagnostic::error(
                        "E-SYMBOL-002",
                        format!("type parameter `{name}` is declared twice"),
                        g.name.span,
                    )
                    .with_label("declared again here")
                    .with_help("give each type parameter its own name"),
                );
                continue;
            }
            if Type::primitive(name).is_some() || self.type_by_name(name).is_some() {
                self.diags.push(
                    Diagnostic::error(
                        "E-SYMBOL-002",
                        format!("type parameter `{name}` hides the type `{name}`"),
                        g.name.span,
                    )
                    .with_label("already a type")
                    .with_help("name type parameters with a letter or word no type uses, such as `T`"),
                );
                continue;
            }
            if let Some(c) = &g.constraint
                && !NAMED_CONSTRAINTS.iter().any(|(n, _)| *n == c.text)
            {
                self.resolve_type(c);
            }
            env.push(g);
        }
        if sig.name.value == "main" && !sig.generics.is_empty() {
            self.diags.push(
                Diagnostic::error("E-TYPE-001", "`main` cannot be generic", sig.generics[0].span)
                    .with_label("type parameter not allowed here")
                    .with_help("remove the `generic` line; `main` is the program's entry point (`wasi:cli/run`)"),
            );
            // Checked as the ordinary function it must be.
            env.clear();
        }
        env
    }

    /// The instance of generic function `index` for this call's arguments, created on first use:
    /// its index and its return type. `None` (after a diagnostic, unless an argument already had
    /// one) when a type parameter cannot be learned or breaks its constraint.
    pub(super) fn instantiate(&mut self, index: usize, call: &ast::CallStep, args: &[Value]) -> Option<usize> {
        let template = &self.fns[index];
        let sig = template.snippet.signature.as_ref()?;
        let names: Vec<&str> = template.generics.iter().map(|g| g.name.value.as_str()).collect();
        let generics = template.generics.clone();
        let mut found = vec![];
        for (p, v) in sig.params.iter().zip(args) {
            if matches!(v, Value::Poison) {
                return None;
            }
            infer(&p.ty.text, &v.ty(), &names, &mut found);
        }
        let id = template.snippet.id.value.clone();
        let mut types = vec![];
        for g in generics {
            let learned = found.iter().find(|(n, _)| *n == g.name.value).map(|(_, t)| t.clone());
            let Some(ty) = learned.filter(|t| !undecided(t)) else {
                self.diags.push(
                    Diagnostic::error(
                        "E-TYPE-001",
                        format!("cannot tell which type `{}` stands for in this call of `{id}`", g.name.value),
                        call.target.span,
                    )
                    .with_label(format!("`{}` is not known from the arguments", g.name.value))
                    .with_secondary(g.name.span, "declared here")
                    .with_help(format!(
                        "a type parameter is learned from the arguments: give `{id}` a parameter whose type uses `{}`, \
                         and pass a value whose type is known (an empty list's is not)",
                        g.name.value
                    )),
                );
                return None;
            };
            if let Some(c) = &g.constraint
                && !self.satisfies(&ty, c)
            {
                self.diags.push(
                    Diagnostic::error(
                        "E-TYPE-001",
                        format!("`{}` must be {}, but this call of `{id}` makes it {ty}", g.name.value, c.text),
                        call.target.span,
                    )
                    .with_label(format!("`{}` = {ty} here", g.name.value))
                    .with_secondary(c.span, "the constraint")
                    .with_help(format!("pass values whose type is {}", self.constraint_text(c))),
                );
                return None;
            }
            types.push((g.name.value.clone(), ty));
        }
        if let Some(&(_, _, existing)) = self.instances.iter().find(|(t, ts, _)| *t == index && *ts == types) {
            return Some(existing);
        }
        if self.instances.iter().filter(|(t, ..)| *t == index).count() >= MAX_INSTANCES {
            self.diags.push(
                Diagnostic::error(
                    "E-TYPE-001",
                    format!("`{id}` is used with too many different types"),
                    call.target.span,
                )
                .with_label(format!("more than {MAX_INSTANCES} instances"))
                .with_help("a generic function that calls itself must pass its type parameters on unchanged"),
            );
            return None;
        }
        // The instance's signature: the template's, read with the type arguments.
        let saved = std::mem::replace(&mut self.generic_env, types.clone());
        let params: Vec<(Spanned<String>, Type)> =
            sig.params.iter().map(|p| (p.name.clone(), self.resolve_type(&p.ty))).collect();
        let returns = self.signature_returns(sig);
        self.generic_env = saved;
        let template = &self.fns[index];
        let info = FnInfo {
            snippet: template.snippet,
            name: template.name.clone(),
            params,
            returns,
            exported: false,
            generics: vec![],
            instance_of: Some((types.clone(), call.target.span)),
        };
        let instance = self.fns.len();
        self.fns.push(info);
        self.instances.push((index, types, instance));
        Some(instance)
    }

    fn satisfies(&mut self, ty: &Type, constraint: &ast::TypeRef) -> bool {
        match NAMED_CONSTRAINTS.iter().find(|(n, _)| *n == constraint.text) {
            Some((_, allowed)) => allowed.contains(ty),
            None => self.parse_type(&constraint.text).is_none_or(|c| ty.fits(&c)),
        }
    }

    fn constraint_text(&self, constraint: &ast::TypeRef) -> String {
        match NAMED_CONSTRAINTS.iter().find(|(n, _)| *n == constraint.text) {
            Some((_, allowed)) => allowed.iter().map(|t| t.to_string()).collect::<Vec<_>>().join(", "),
            None => constraint.text.clone(),
        }
    }

    /// After an instance's body was checked: what the template's own check already reported is
    /// dropped, and what is left names the types and the call that made this instance.
    pub(super) fn instance_diagnostics(&mut self, from: usize, index: usize) {
        let Some((types, origin)) = self.fns[index].instance_of.clone() else { return };
        let with: Vec<String> = types.iter().map(|(n, t)| format!("{n} = {t}")).collect();
        let new = self.diags.split_off(from);
        for d in new {
            let seen = self.diags.iter().any(|e| e.code == d.code && e.span == d.span && e.message == d.message);
            if seen {
                continue;
            }
            // An error at the call itself needs no pointer to it.
            let d = if d.span == origin {
                d
            } else {
                d.with_secondary(origin, format!("with {}, from this call", with.join(", ")))
            };
            self.diags.push(d);
        }
    }
}
