//! From the concrete tree to the abstract one: reads the attributes each construct needs,
//! reporting missing or malformed ones (E-PARSE-002) at the construct that lacks them.

use crate::ast::*;
use crate::cst::{Item, Node};
use crate::diagnostic::Diagnostic;
use crate::span::{Span, Spanned};

pub fn build(nodes: &[Node]) -> (Program, Vec<Diagnostic>) {
    let mut b = Builder { diags: vec![] };
    let snippets = nodes.iter().filter(|n| n.is("snippet")).filter_map(|n| b.snippet(n)).collect();
    (Program { snippets }, b.diags)
}

struct Builder {
    diags: Vec<Diagnostic>,
}

/// The string value of `key` on a node (a quoted string or a bare word).
fn text_attr(node: &Node, key: &str) -> Option<Spanned<String>> {
    node.attr(key).and_then(|a| match &a.value.value {
        LitValue::Str(s) | LitValue::Word(s) => Some(Spanned::new(s.clone(), a.value.span)),
        _ => None,
    })
}

/// Attribute lines among a node's children (`as="x"`, `fn="..."`), plus the attributes on its own line.
fn all_attrs(node: &Node) -> Vec<&Attr> {
    let own = node.attrs();
    let lines = node.children.iter().filter(|c| c.word.is_none()).flat_map(|c| c.attrs());
    own.chain(lines).collect()
}

fn find<'n>(attrs: &[&'n Attr], key: &str) -> Option<&'n Attr> {
    attrs.iter().copied().find(|a| a.key.value == key)
}

/// Where a value comes from: `from=`/`var=`, `lit=`, or `field=".." of=".."`.
fn operand(attrs: &[&Attr]) -> Option<Operand> {
    if let (Some(field), Some(of)) = (find(attrs, "field").and_then(as_text), find(attrs, "of").and_then(as_text)) {
        return Some(Operand::Field { field, of });
    }
    attrs.iter().find_map(|a| match a.key.value.as_str() {
        "from" | "var" => as_text(a).map(Operand::Var),
        "lit" => Some(Operand::Lit(a.value.clone())),
        _ => None,
    })
}

fn as_text(a: &Attr) -> Option<Spanned<String>> {
    match &a.value.value {
        LitValue::Str(s) | LitValue::Word(s) => Some(Spanned::new(s.clone(), a.value.span)),
        _ => None,
    }
}

impl Builder {
    fn missing(&mut self, at: Span, what: &str, needs: &str) {
        self.diags.push(
            Diagnostic::error("E-PARSE-002", format!("{what} is missing {needs}"), at)
                .with_label(format!("needs {needs}"))
                .with_help(format!("write {what} with {needs}")),
        );
    }

    fn snippet(&mut self, n: &Node) -> Option<Snippet> {
        let (Some(id), Some(kind_s)) = (text_attr(n, "id"), text_attr(n, "kind")) else {
            self.missing(n.head_span(), "`snippet`", "`id=\"...\"` and `kind=\"...\"`");
            return None;
        };
        let Some(kind) = SnippetKind::from_name(&kind_s.value) else {
            let names: Vec<_> = SnippetKind::ALL.iter().map(|(n, _)| *n).collect();
            self.diags.push(
                Diagnostic::error("E-PARSE-001", format!("unknown snippet kind `{}`", kind_s.value), kind_s.span)
                    .with_label("not a snippet kind")
                    .with_help(format!("use one of: {}", names.join(", "))),
            );
            return None;
        };
        let mut s = Snippet {
            id,
            kind: Spanned::new(kind, kind_s.span),
            notes: vec![],
            effects: vec![],
            signature: None,
            body: None,
            metadata: vec![],
            attrs: vec![],
            type_decl: None,
            local_types: vec![],
            span: n.span,
            node: n.without_steps(),
        };
        for c in &n.children {
            match c.word() {
                Some("note") => {
                    if let Some(text) = c.literals().find_map(|l| match &l.value {
                        LitValue::Str(t) => Some(t.clone()),
                        _ => None,
                    }) {
                        s.notes.push(Spanned::new(text, c.span));
                    } else {
                        self.missing(c.head_span(), "`note`", "its text in quotes");
                    }
                }
                Some("effects") => s.effects.extend(c.children.iter().filter_map(|e| self.effect(e))),
                Some("signature") => {
                    s.signature = c.children.iter().find(|f| f.is("fn")).and_then(|f| self.fn_signature(f));
                    s.type_decl =
                        c.children.iter().find(|t| t.is("struct") || t.is("enum")).and_then(|t| self.type_decl(t));
                }
                Some("types") => {
                    let decls = c.children.iter().filter(|t| t.is("struct") || t.is("enum") || t.is("alias"));
                    s.local_types.extend(decls.filter_map(|t| self.type_decl(t)).collect::<Vec<_>>());
                }
                Some("body") => s.body = Some(c.children.iter().filter_map(|st| self.step(st)).collect()),
                Some("metadata") => s.metadata.extend(c.children.iter().flat_map(|m| m.attrs().cloned())),
                None => s.attrs.extend(c.attrs().cloned()),
                _ => {}
            }
        }
        Some(s)
    }

    fn type_decl(&mut self, t: &Node) -> Option<TypeDecl> {
        let Some(name) = text_attr(t, "name") else {
            self.missing(t.head_span(), &format!("`{}`", t.word().unwrap_or("struct")), "`name=\"...\"`");
            return None;
        };
        let body = if t.is("alias") {
            match text_attr(t, "type") {
                Some(ty) => TypeDeclBody::Alias(TypeRef { text: ty.value.trim().to_string(), span: ty.span }),
                None => {
                    self.missing(t.head_span(), "`alias`", "`type=\"...\"`");
                    return None;
                }
            }
        } else if t.is("struct") {
            TypeDeclBody::Struct(self.fields(t))
        } else {
            let mut variants = vec![];
            for v in t.children.iter().filter(|v| v.is("variant")) {
                let Some(vname) = text_attr(v, "name") else {
                    self.missing(v.head_span(), "`variant`", "`name=\"...\"`");
                    continue;
                };
                variants.push(VariantDecl { name: vname, fields: self.fields(v), span: v.span });
            }
            TypeDeclBody::Enum(variants)
        };
        Some(TypeDecl { name, body, span: t.span })
    }

    /// The `field name=".." type=".."` lines of a struct or variant.
    fn fields(&mut self, parent: &Node) -> Vec<FieldDecl> {
        let mut out = vec![];
        for f in parent.children.iter().filter(|f| f.is("field")) {
            match (text_attr(f, "name"), text_attr(f, "type")) {
                (Some(name), Some(ty)) => {
                    let text = if f.has_flag("optional") {
                        format!("{}?", ty.value.trim())
                    } else {
                        ty.value.trim().to_string()
                    };
                    out.push(FieldDecl { name, ty: TypeRef { text, span: ty.span }, span: f.span });
                }
                _ => self.missing(f.head_span(), "`field`", "`name=\"...\"` and `type=\"...\"`"),
            }
        }
        out
    }

    /// `struct type="T" field name=".." from=".." end` (or `variant`), with its field values.
    fn constructor(&mut self, c: &Node, type_name: Option<Spanned<String>>) -> Option<Constructor> {
        let kind = c.word.clone().unwrap_or_else(|| Spanned::new("struct".into(), c.span));
        let Some(type_name) = type_name.or_else(|| text_attr(c, "type")) else {
            self.missing(c.head_span(), &format!("`{}`", kind.value), "`type=\"...\"`");
            return None;
        };
        let mut fields = vec![];
        for f in c.children.iter().filter(|f| f.is("field")) {
            let line: Vec<&Attr> = f.attrs().collect();
            match (text_attr(f, "name"), operand(&line)) {
                (Some(name), Some(value)) => fields.push(FieldInit { name, value, span: f.span }),
                _ => self.missing(f.head_span(), "`field`", "`name=\"...\"` and `from=\"...\"` or `lit=...`"),
            }
        }
        Some(Constructor { kind, type_name, fields, span: c.span })
    }

    fn effect(&mut self, e: &Node) -> Option<EffectDecl> {
        if !e.is("effect") {
            self.diags.push(
                Diagnostic::error("E-PARSE-001", "expected `effect NAME` in the `effects` section", e.head_span())
                    .with_label("not an effect declaration")
                    .with_help("write one `effect NAME` per line, e.g. `effect console`"),
            );
            return None;
        }
        let Some(name) = e.flags().next().cloned() else {
            self.missing(e.head_span(), "`effect`", "a name, e.g. `effect console`");
            return None;
        };
        let params = e
            .items
            .iter()
            .filter_map(|i| match i {
                Item::Group(attrs, _) => Some(attrs.clone()),
                _ => None,
            })
            .flatten()
            .collect();
        Some(EffectDecl { name, params, span: e.span })
    }

    fn fn_signature(&mut self, f: &Node) -> Option<FnSignature> {
        let Some(name) = text_attr(f, "name") else {
            self.missing(f.head_span(), "`fn`", "`name=\"...\"`");
            return None;
        };
        let mut sig = FnSignature { name, generics: vec![], params: vec![], returns: None, span: f.span };
        for c in &f.children {
            match c.word() {
                Some("param") => match (text_attr(c, "name"), text_attr(c, "type")) {
                    (Some(name), Some(ty)) => {
                        // `param .. optional` is `T?`.
                        let text = if c.has_flag("optional") { format!("{}?", ty.value.trim()) } else { ty.value };
                        sig.params.push(Param { name, ty: TypeRef { text, span: ty.span }, span: c.span })
                    }
                    _ => self.missing(c.head_span(), "`param`", "`name=\"...\"` and `type=\"...\"`"),
                },
                Some("returns") => sig.returns = self.returns(c),
                Some("generic") => match text_attr(c, "name") {
                    Some(name) => {
                        let constraint = text_attr(c, "constraint")
                            .map(|t| TypeRef { text: t.value.trim().to_string(), span: t.span });
                        sig.generics.push(Generic { name, constraint, span: c.span });
                    }
                    None => self.missing(c.head_span(), "`generic`", "`name=\"...\"`"),
                },
                _ => {}
            }
        }
        Some(sig)
    }

    fn returns(&mut self, r: &Node) -> Option<Returns> {
        let type_ref = |t: Spanned<String>| TypeRef { text: t.value.trim().to_string(), span: t.span };
        if r.has_flag("union") {
            // A member line may carry `optional` (`type="String" optional`): that member is `T?`.
            let members = r.children.iter().flat_map(|c| {
                let optional = c.has_flag("optional");
                c.attrs().filter(|a| a.key.value == "type").filter_map(as_text).map(move |t| {
                    let t = type_ref(t);
                    if optional { TypeRef { text: format!("{}?", t.text), ..t } } else { t }
                })
            });
            return Some(Returns::Union(members.collect()));
        }
        if r.has_flag("collection") {
            return match text_attr(r, "of") {
                Some(of) => Some(Returns::Collection(type_ref(of))),
                None => {
                    self.missing(r.head_span(), "`returns collection`", "`of=\"...\"`");
                    None
                }
            };
        }
        match text_attr(r, "type") {
            Some(t) if r.has_flag("optional") => {
                Some(Returns::Type(TypeRef { text: format!("{}?", t.value), span: t.span }))
            }
            Some(t) => Some(Returns::Type(type_ref(t))),
            None => {
                self.missing(r.head_span(), "`returns`", "`type=\"...\"`, `collection of=\"...\"` or `union`");
                None
            }
        }
    }

    fn step(&mut self, st: &Node) -> Option<Step> {
        if !st.is("step") {
            self.diags.push(
                Diagnostic::error("E-PARSE-001", "expected `step` in the body", st.head_span())
                    .with_label("not a step")
                    .with_help("a body is a sequence of `step id=\"...\" kind=\"...\" ... end` blocks"),
            );
            return None;
        }
        let (Some(id), Some(kind)) = (text_attr(st, "id"), text_attr(st, "kind")) else {
            self.missing(st.head_span(), "`step`", "`id=\"...\"` and `kind=\"...\"`");
            return None;
        };
        let attrs = all_attrs(st);
        let bind_as = find(&attrs, "as").and_then(as_text);
        let step_kind = match kind.value.as_str() {
            "call" => {
                let Some(target) = find(&attrs, "fn").or_else(|| find(&attrs, "tool")).and_then(as_text) else {
                    self.missing(st.head_span(), "a `call` step", "`fn=\"...\"`");
                    return None;
                };
                let mut args = vec![];
                for a in st.children.iter().filter(|c| c.is("arg")) {
                    let line: Vec<&Attr> = a.attrs().collect();
                    match (text_attr(a, "name"), operand(&line)) {
                        (Some(name), Some(value)) => args.push(Arg { name, value, span: a.span }),
                        _ => self.missing(a.head_span(), "`arg`", "`name=\"...\"` and `from=\"...\"` or `lit=...`"),
                    }
                }
                let mut handle = vec![];
                for h in st.children.iter().filter(|c| c.is("handle")) {
                    for c in h.children.iter().filter(|c| c.is("case")) {
                        match text_attr(c, "type") {
                            Some(type_name) => {
                                let steps =
                                    c.children.iter().filter(|s| s.is("step")).filter_map(|s| self.step(s)).collect();
                                handle.push(HandleCase { type_name, steps, span: c.span });
                            }
                            None => self.missing(c.head_span(), "a `handle` case", "`type=\"...\"`"),
                        }
                    }
                }
                StepKind::Call(CallStep { target, args, handle })
            }
            "bind" => match operand(&attrs) {
                Some(value) => {
                    let mutable = st.has_flag("mut") || st.children.iter().any(|c| c.is("mut"));
                    StepKind::Bind(BindStep { mutable, value })
                }
                None => {
                    self.missing(st.head_span(), "a `bind` step", "`from=\"...\"` or `lit=...`");
                    return None;
                }
            },
            "return" => match st.children.iter().find(|c| c.is("struct") || c.is("variant")) {
                Some(c) => {
                    let ctor = self.constructor(c, None)?;
                    StepKind::Return(ReturnStep { value: Some(Operand::Ctor(Box::new(ctor))) })
                }
                None => StepKind::Return(ReturnStep { value: operand(&attrs) }),
            },
            "construct" => {
                // `construct type="T"` with field lines, or the grammar's `struct .. end` block.
                if let Some(c) = st.children.iter().find(|c| c.is("collection")) {
                    let mut items = vec![];
                    for i in c.children.iter().filter(|i| i.is("item")) {
                        let line: Vec<&Attr> = i.attrs().collect();
                        match operand(&line) {
                            Some(v) => items.push(v),
                            None => self.missing(i.head_span(), "`item`", "`from=\"...\"` or `lit=...`"),
                        }
                    }
                    return Some(Step {
                        id,
                        kind: StepKind::Collection(items),
                        bind_as,
                        span: st.span,
                        node: st.clone(),
                    });
                }
                let inner = st.children.iter().find(|c| c.is("struct"));
                let ctor = match inner {
                    Some(c) => self.constructor(c, find(&attrs, "type").and_then(as_text))?,
                    None => self.constructor(st, find(&attrs, "type").and_then(as_text))?,
                };
                StepKind::Construct(ctor)
            }
            "compute" => {
                let Some(op) = find(&attrs, "op").and_then(as_text) else {
                    self.missing(st.head_span(), "a `compute` step", "`op=...`");
                    return None;
                };
                let mut values = vec![];
                for i in st.children.iter().filter(|c| c.is("input")) {
                    let line: Vec<&Attr> = i.attrs().collect();
                    match operand(&line) {
                        Some(v) => values.push(v),
                        None => self.missing(
                            i.head_span(),
                            "`input`",
                            "`var=\"...\"`, `lit=...` or `field=\"...\" of=\"...\"`",
                        ),
                    }
                }
                StepKind::Compute(ComputeStep { op, inputs: values })
            }
            "for" => {
                let (Some(var), Some(over)) =
                    (find(&attrs, "var").and_then(as_text), find(&attrs, "in").and_then(as_text))
                else {
                    self.missing(st.head_span(), "a `for` step", "`var=\"...\"` and `in=\"...\"`");
                    return None;
                };
                let body = st.children.iter().filter(|c| c.is("step")).filter_map(|s| self.step(s)).collect();
                StepKind::For(ForStep { var, over, body })
            }
            "match" => {
                let Some(on) = find(&attrs, "on").and_then(as_text) else {
                    self.missing(st.head_span(), "a `match` step", "`on=\"...\"`");
                    return None;
                };
                let mut cases = vec![];
                for c in st.children.iter().filter(|c| c.is("case")) {
                    let pattern = if let Some(b) = text_attr(c, "binding") {
                        Pattern::Binding(b)
                    } else if let Some(l) = c.attr("literal") {
                        Pattern::Literal(l.value.clone())
                    } else if let Some(k) = c.flags().find(|f| f.value == "variant" || f.value == "struct") {
                        let key = if k.value == "variant" { "bindings" } else { "fields" };
                        let names = match c.attr(key).map(|a| &a.value.value) {
                            Some(LitValue::Array(items)) => items
                                .iter()
                                .filter_map(|l| match &l.value {
                                    LitValue::Str(s) | LitValue::Word(s) => Some(Spanned::new(s.clone(), l.span)),
                                    _ => None,
                                })
                                .collect(),
                            Some(LitValue::Str(s)) => {
                                vec![Spanned::new(s.clone(), c.attr(key).map_or(c.span, |a| a.value.span))]
                            }
                            _ => vec![],
                        };
                        Pattern::Destructure { kind: k.clone(), type_name: text_attr(c, "type"), names }
                    } else if c.has_flag("wildcard") {
                        Pattern::Wildcard
                    } else {
                        self.missing(
                            c.head_span(),
                            "`case`",
                            "a pattern: `wildcard`, `binding=`, `literal=`, `variant type=` or `struct type=`",
                        );
                        continue;
                    };
                    let steps = c.children.iter().filter(|s| s.is("step")).filter_map(|s| self.step(s)).collect();
                    cases.push(MatchCase { pattern, steps, span: c.span });
                }
                StepKind::Match(MatchStep { on, cases })
            }
            "if" => {
                let Some(condition) = find(&attrs, "condition").and_then(as_text) else {
                    self.missing(st.head_span(), "an `if` step", "`condition=\"...\"`");
                    return None;
                };
                let arm = |b: &mut Self, word: &str| {
                    st.children
                        .iter()
                        .find(|c| c.is(word))
                        .map(|c| c.children.iter().filter_map(|s| b.step(s)).collect())
                };
                let then = arm(self, "then").unwrap_or_default();
                let otherwise = arm(self, "else");
                StepKind::If(IfStep { condition, then, otherwise })
            }
            "transaction" => StepKind::Transaction(
                st.children.iter().filter(|c| c.is("step")).filter_map(|c| self.step(c)).collect(),
            ),
            _ => StepKind::Other { kind },
        };
        Some(Step { id, kind: step_kind, bind_as, span: st.span, node: st.without_steps() })
    }
}
