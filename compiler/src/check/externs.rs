//! `extern` snippets (seed, "Extern Snippet Compatibility"): `metadata wasi_interface=..
//! wasi_function=..` binds the extern to that function of a vendored WIT interface. Each
//! parameter and the result must be carried by the WIT type without loss: s64/u64 by Int (and
//! narrower integers, range-checked), f64/f32 by Float, bool, string, lists of those, and as
//! results options, records (same field names) and results of those. An extern whose id is a
//! standard-library function is the library's own implementation for WASI, which must use the
//! named function. `contract` and `platform` metadata are kept for the JavaScript targets.

use super::*;
use crate::ir::{ExternFn, ParamConv, ResultConv};
use crate::types::TypeDefs;
use wit_parser::{Resolve, Type as Wit, TypeDefKind};

/// A declared extern, callable by its snippet id.
pub(super) struct ExternInfo<'a> {
    pub(super) snippet: &'a ast::Snippet,
    pub(super) params: Vec<(String, Type)>,
    pub(super) returns: Type,
    /// Index into `CheckedProgram::externs`; `None` when it names no WASI function.
    pub(super) binding: Option<u32>,
}

fn text(a: &ast::Attr) -> Option<&str> {
    match &a.value.value {
        LitValue::Str(s) | LitValue::Word(s) => Some(s),
        _ => None,
    }
}

impl<'a> Checker<'a> {
    /// An `extern` snippet, or an `extern-abstract` one with its WASI `extern-impl` (`impl_for`),
    /// whose metadata holds the binding.
    pub(super) fn extern_snippet(&mut self, s: &'a ast::Snippet, impl_for: Option<&'a ast::Snippet>) {
        let Some(sig) = &s.signature else {
            self.diags.push(
                Diagnostic::error("E-PARSE-002", format!("extern `{}` has no signature", s.id.value), s.id.span)
                    .with_label("missing `signature` section")
                    .with_help("add `signature fn name=\"...\" returns type=\"...\" end end`"),
            );
            return;
        };
        let params: Vec<(String, Type)> =
            sig.params.iter().map(|p| (p.name.value.clone(), self.resolve_type(&p.ty))).collect();
        let returns = match &sig.returns {
            None => Type::Unit,
            Some(ast::Returns::Type(t)) => self.resolve_type(t),
            Some(ast::Returns::Collection(t)) => Type::list(self.resolve_type(t)),
            Some(ast::Returns::Union(ts)) => self.union_type(ts, sig.name.span),
        };
        let binding_source = impl_for.unwrap_or(s);
        let meta = |key: &str| binding_source.metadata.iter().find(|a| a.key.value == key);
        // A standard-library function without a WASI binding of its own is the library's
        // implementation (runtime/std's `extern-impl`s name JavaScript-style contracts).
        if let Some(std) = stdlib::lookup(&s.id.value)
            && meta("wasi_interface").is_none()
            && meta("wasi_function").is_none()
        {
            self.std_signature_matches(s, sig, std, &params, &returns);
            return;
        }
        let binding = match (meta("wasi_interface"), meta("wasi_function")) {
            (None, None) => None,
            (Some(one), None) | (None, Some(one)) => {
                self.diags.push(
                    Diagnostic::error(
                        "E-EXTERN-001",
                        "an extern's WASI binding needs both metadata keys",
                        one.key.span,
                    )
                    .with_label("the other is missing")
                    .with_help(
                        "write both `wasi_interface=\"wasi:random/random\"` and `wasi_function=\"get-random-u64\"`",
                    ),
                );
                None
            }
            (Some(iface), Some(func)) => {
                let (Some(i), Some(f)) = (text(iface), text(func)) else { return };
                if let Some(std) = stdlib::lookup(&s.id.value) {
                    // The library's own function: calls go to its implementation, which must be
                    // the one named.
                    let uses = std.intrinsic.wasi_fns();
                    if !uses.iter().any(|w| w.interface == i && w.function == f) {
                        self.diags.push(
                            Diagnostic::error(
                                "E-EXTERN-001",
                                format!("`{}` is implemented with {}, not `{i}.{f}`", s.id.value, describe(&uses)),
                                func.value.span,
                            )
                            .with_label("not what the standard library calls")
                            .with_help(
                                "name the interface and function the standard library uses, or rename the extern",
                            ),
                        );
                    }
                    self.std_signature_matches(s, sig, std, &params, &returns);
                    return;
                }
                match bind(i, f, &params, &returns, &self.out.types) {
                    Ok(ext) => {
                        self.out.externs.push(ext);
                        Some(self.out.externs.len() as u32 - 1)
                    }
                    Err((at, why, help)) => {
                        let span = match at {
                            At::Interface => iface.value.span,
                            At::Function => func.value.span,
                            At::Param(n) => sig.params.get(n).map_or(sig.name.span, |p| p.ty.span),
                            At::Result => sig.name.span,
                        };
                        self.diags.push(
                            Diagnostic::error("E-EXTERN-001", why, span).with_label("cannot be bound").with_help(help),
                        );
                        None
                    }
                }
            }
        };
        self.extern_ids.insert(&s.id.value, self.externs.len());
        self.externs.push(ExternInfo { snippet: s, params, returns, binding });
    }

    /// An extern with a standard-library id declares the library's signature: the declared
    /// parameters (a prefix of the library's, the rest optional) and result.
    fn std_signature_matches(
        &mut self,
        s: &ast::Snippet,
        sig: &ast::FnSignature,
        std: &stdlib::StdFn,
        params: &[(String, Type)],
        returns: &Type,
    ) {
        let std_params: Vec<(String, Type)> =
            std.params.iter().map(|p| (p.name.to_string(), self.std_type_text(p.ty))).collect();
        let std_returns = self.std_type_text(std.returns);
        let declared_fit = params.len() <= std_params.len()
            && params.iter().zip(&std_params).all(|((n, t), (sn, st))| {
                // A documented alias names the same parameter (stdlib.md's `msg` for `message`).
                (n == sn || std.aliases.iter().any(|(a, p)| a == n && p == sn)) && t == st
            })
            && std.params[params.len()..].iter().all(|p| p.default.is_some());
        if !declared_fit || *returns != std_returns {
            let shown: Vec<String> = std_params.iter().map(|(n, t)| format!("{n}: {t}")).collect();
            self.diags.push(
                Diagnostic::error(
                    "E-EXTERN-001",
                    format!("`{}` does not match the standard library's signature", s.id.value),
                    sig.name.span,
                )
                .with_label("declared differently")
                .with_help(format!("the library's is ({}) -> {std_returns}", shown.join(", "))),
            );
        }
    }

    /// A call of an extern: effects as for a user function, arguments, and the bound import.
    pub(super) fn call_extern(
        &mut self,
        s: &ast::Snippet,
        step: &ast::Step,
        call: &ast::CallStep,
        index: usize,
        body: &mut Body,
        out: &mut Vec<Op>,
    ) -> Value {
        let ext = &self.externs[index];
        let (callee, params, returns, binding) = (ext.snippet, ext.params.clone(), ext.returns.clone(), ext.binding);
        self.callee_effects(s, call, callee);
        let args = self.arguments(call, &callee.id.value, &params, &[], body, out);
        let Some(binding) = binding else {
            self.diags.push(
                Diagnostic::error(
                    "E-EXTERN-002",
                    format!("extern `{}` has no implementation for the WASI target", callee.id.value),
                    call.target.span,
                )
                .with_label("nothing to call in a component")
                .with_secondary(callee.id.span, "declared here")
                .with_help("bind it with `metadata wasi_interface=\"..\" wasi_function=\"..\" end`"),
            );
            // Bound anyway (poisoned), so later uses are not reported again.
            if let Some(name) = &step.bind_as {
                self.bind(body, name, Type::Error, false);
            }
            return Value::Poison;
        };
        // The import table names the extern's first effect, or `extern` when it declares none.
        let (effect, decl_span) = match callee.effects.first() {
            Some(e) => (e.name.value.clone(), e.span),
            None => ("extern".to_string(), callee.id.span),
        };
        self.out.effect_uses.push(EffectUse {
            effect,
            intrinsic: stdlib::Intrinsic::Extern(binding),
            call_span: step.span,
            decl_span,
        });
        let intrinsic = stdlib::Intrinsic::Extern(binding);
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
}

fn describe(uses: &[stdlib::WasiFn]) -> String {
    match uses.first() {
        Some(w) => format!("`{}.{}`", w.interface, w.function),
        None => "no WASI function (it is computed inside the component)".to_string(),
    }
}

/// Where a binding fails.
enum At {
    Interface,
    Function,
    Param(usize),
    Result,
}

type BindError = (At, String, String);

fn bind(
    iface: &str,
    func: &str,
    params: &[(String, Type)],
    returns: &Type,
    defs: &TypeDefs,
) -> Result<ExternFn, BindError> {
    let resolve = crate::wit::vendored().map_err(|e| (At::Interface, e, String::new()))?;
    let versioned = crate::plan::versioned(iface);
    let Some((id, _)) = resolve.interfaces.iter().find(|(id, _)| resolve.id_of(*id).as_deref() == Some(&versioned))
    else {
        return Err((
            At::Interface,
            format!("no WASI interface `{iface}`"),
            "name an interface of WASI 0.2 without its version, e.g. `wasi:random/random`".into(),
        ));
    };
    let interface = &resolve.interfaces[id];
    let Some(f) = interface.functions.get(func) else {
        let mut names: Vec<&str> =
            interface.functions.keys().map(String::as_str).filter(|n| !n.starts_with('[')).collect();
        names.sort();
        return Err((
            At::Function,
            format!("`{iface}` has no function `{func}`"),
            format!("its functions are {}", names.join(", ")),
        ));
    };
    if f.params.len() != params.len() {
        return Err((
            At::Function,
            format!("`{iface}.{func}` takes {} parameters; the extern declares {}", f.params.len(), params.len()),
            "declare one parameter per WIT parameter, in order".into(),
        ));
    }
    let mut convs = vec![];
    for (n, (p, (_, ty))) in f.params.iter().zip(params).enumerate() {
        convs.push(param_conv(resolve, &p.ty, ty).ok_or_else(|| {
            (
                At::Param(n),
                format!("parameter `{}` is WIT `{}`, which {ty} cannot carry", p.name, wit_name(resolve, &p.ty)),
                "parameters map Int to integers, Float to f64/f32, Bool, String, and lists of those".into(),
            )
        })?);
    }
    let result = match &f.result {
        None if *returns == Type::Unit => ResultConv::Unit,
        None => {
            return Err((At::Result, format!("`{iface}.{func}` returns nothing, not {returns}"), "return Unit".into()));
        }
        Some(t) => result_conv(resolve, t, returns, defs).ok_or_else(|| {
            (
                At::Result,
                format!("the result is WIT `{}`, which {returns} cannot carry", wit_name(resolve, t)),
                "results map as parameters do, and options, records (same field names) and results of those".into(),
            )
        })?,
    };
    Ok(ExternFn { interface: iface.to_string(), function: func.to_string(), params: convs, result })
}

fn wit_name(resolve: &Resolve, t: &Wit) -> String {
    let Wit::Id(id) = t else { return format!("{t:?}").to_lowercase() };
    let def = &resolve.types[*id];
    if let Some(name) = &def.name {
        return name.clone();
    }
    let name = |t: &Option<Wit>| t.as_ref().map_or("_".to_string(), |t| wit_name(resolve, t));
    match &def.kind {
        TypeDefKind::List(e) => format!("list<{}>", wit_name(resolve, e)),
        TypeDefKind::Option(e) => format!("option<{}>", wit_name(resolve, e)),
        TypeDefKind::Result(r) => format!("result<{}, {}>", name(&r.ok), name(&r.err)),
        TypeDefKind::Tuple(tu) => {
            format!("tuple<{}>", tu.types.iter().map(|t| wit_name(resolve, t)).collect::<Vec<_>>().join(", "))
        }
        TypeDefKind::Handle(_) => "a resource handle".to_string(),
        TypeDefKind::Type(inner) => wit_name(resolve, inner),
        other => other.as_str().to_string(),
    }
}

/// Follows type aliases.
fn unalias<'r>(resolve: &'r Resolve, t: &'r Wit) -> &'r Wit {
    match t {
        Wit::Id(id) => match &resolve.types[*id].kind {
            TypeDefKind::Type(inner) => unalias(resolve, inner),
            _ => t,
        },
        _ => t,
    }
}

/// Whether `wit` and `cov` have the same canonical-ABI layout and flat values.
fn same_layout(resolve: &Resolve, wit: &Wit, cov: &Type, defs: &TypeDefs) -> bool {
    match (unalias(resolve, wit), cov) {
        (Wit::S64 | Wit::U64, Type::Int)
        | (Wit::F64, Type::Float)
        | (Wit::Bool, Type::Bool)
        | (Wit::String, Type::String) => true,
        (Wit::Id(id), _) => match (&resolve.types[*id].kind, cov) {
            (TypeDefKind::List(e), Type::List(c)) => same_layout(resolve, e, c, defs),
            // A map is laid out as a list of (key, value) pairs.
            (TypeDefKind::List(e), Type::Map(k, v)) => match unalias(resolve, e) {
                Wit::Id(pair) => match &resolve.types[*pair].kind {
                    TypeDefKind::Tuple(t) if t.types.len() == 2 => {
                        same_layout(resolve, &t.types[0], k, defs) && same_layout(resolve, &t.types[1], v, defs)
                    }
                    _ => false,
                },
                _ => false,
            },
            (TypeDefKind::Option(e), Type::Optional(c)) => same_layout(resolve, e, c, defs),
            (TypeDefKind::Result(r), Type::Result(ok, err)) => {
                r.ok.as_ref().map_or(**ok == Type::Unit, |t| same_layout(resolve, t, ok, defs))
                    && r.err.as_ref().map_or(**err == Type::Unit, |t| same_layout(resolve, t, err, defs))
            }
            (TypeDefKind::Record(r), Type::Struct(n)) => {
                let fields = defs.struct_fields(n);
                fields.len() == r.fields.len()
                    && r.fields
                        .iter()
                        .zip(fields)
                        .all(|(w, (name, t))| w.name.replace('-', "_") == *name && same_layout(resolve, &w.ty, t, defs))
            }
            _ => false,
        },
        _ => false,
    }
}

fn param_conv(resolve: &Resolve, wit: &Wit, cov: &Type) -> Option<ParamConv> {
    let narrow = |bits, signed| Some(ParamConv::Narrow { bits, signed });
    match (unalias(resolve, wit), cov) {
        (Wit::U8, Type::Int) => narrow(8, false),
        (Wit::U16, Type::Int) => narrow(16, false),
        (Wit::U32, Type::Int) => narrow(32, false),
        (Wit::S8, Type::Int) => narrow(8, true),
        (Wit::S16, Type::Int) => narrow(16, true),
        (Wit::S32, Type::Int) => narrow(32, true),
        (Wit::F32, Type::Float) => Some(ParamConv::Demote),
        // Compound parameters flatten into their fields; only lists (pointer, length) match ours.
        (Wit::Id(id), Type::List(_) | Type::Map(..)) if matches!(resolve.types[*id].kind, TypeDefKind::List(_)) => {
            same_layout(resolve, wit, cov, &TypeDefs::default()).then_some(ParamConv::Same)
        }
        (w, c) if !matches!(w, Wit::Id(_)) && same_layout(resolve, w, c, &TypeDefs::default()) => Some(ParamConv::Same),
        _ => None,
    }
}

fn result_conv(resolve: &Resolve, wit: &Wit, cov: &Type, defs: &TypeDefs) -> Option<ResultConv> {
    let t = unalias(resolve, wit);
    match (t, cov) {
        (Wit::U8 | Wit::U16 | Wit::U32, Type::Int) => return Some(ResultConv::Widen { signed: false }),
        (Wit::S8 | Wit::S16 | Wit::S32, Type::Int) => return Some(ResultConv::Widen { signed: true }),
        (Wit::F32, Type::Float) => return Some(ResultConv::Promote),
        _ => {}
    }
    if !same_layout(resolve, t, cov, defs) {
        return None;
    }
    if !matches!(t, Wit::Id(_)) && *cov != Type::String {
        return Some(ResultConv::Same);
    }
    // Strings, lists and compound values come back through a return area.
    let mut sizes = wit_parser::SizeAlign::default();
    sizes.fill(resolve).ok()?;
    let (size, align) = (sizes.size(t).size_wasm32() as u32, sizes.align(t).align_wasm32() as u32);
    // A compound value whose flat form is one value would not come through the area.
    let mut one = [wit_parser::abi::WasmType::I32; 1];
    if cov.is_compound() && resolve.push_flat(t, &mut wit_parser::abi::FlatTypes::new(&mut one)) {
        return None;
    }
    Some(ResultConv::Area { size, align, pointer: cov.is_compound() })
}
