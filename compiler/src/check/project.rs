//! Project queries (`query target="project"`, effect `meta`, LANGUAGE-DECISIONS 31): the query
//! becomes the JSON query AST that `covenant:project/query` takes, built at run time where it
//! holds a `var`; its rows are `Symbol { id, kind, data }` (`data`: the node as JSON). The program's
//! symbol graph goes into the component (`symbol_graph`) for the host to answer from.

use super::covenant_sql::text_of;
use super::*;
use crate::cst::Node;
use crate::stdlib::{Intrinsic, JsonFn};
use serde_json::{Value as Json, json};

/// A query AST being built: JSON text, with values known only at run time spliced in.
struct QueryText {
    parts: Vec<Value>,
    text: String,
}

impl QueryText {
    fn lit(&mut self, s: &str) {
        self.text.push_str(s);
    }

    fn flush(&mut self) {
        if !self.text.is_empty() {
            self.parts.push(Value::Str(std::mem::take(&mut self.text)));
        }
    }
}

/// A literal as JSON; `None` for one JSON cannot hold.
fn literal_json(v: &LitValue) -> Option<Json> {
    Some(match v {
        LitValue::Int(n) => json!(n),
        LitValue::Float(x) => json!(x),
        LitValue::Bool(b) => json!(b),
        LitValue::Str(s) | LitValue::Word(s) => json!(s),
        LitValue::None => Json::Null,
        LitValue::Array(items) => Json::Array(items.iter().map(|i| literal_json(&i.value)).collect::<Option<_>>()?),
        _ => return None,
    })
}

/// A relation type's inverse, which the graph keeps too (the design's invariant I5).
fn inverse(relation: &str) -> Option<&'static str> {
    const PAIRS: [(&str, &str); 5] = [
        ("contains", "contained_by"),
        ("next", "previous"),
        ("describes", "described_by"),
        ("causes", "caused_by"),
        ("implements", "implemented_by"),
    ];
    PAIRS.iter().find_map(|(a, b)| {
        if *a == relation {
            Some(*b)
        } else if *b == relation {
            Some(*a)
        } else {
            None
        }
    })
}

/// The `req` entries of a snippet's `requires` section, as requirement nodes.
fn requirements(s: &ast::Snippet) -> Vec<Json> {
    let mut out = vec![];
    for section in s.node.children.iter().filter(|c| c.is("requires")) {
        for req in section.children.iter().filter(|c| c.is("req")) {
            let Some(id) = text_of(req, "id") else { continue };
            let mut data = serde_json::Map::new();
            data.insert("id".into(), json!(id.value));
            data.insert("snippet".into(), json!(s.id.value));
            for line in &req.children {
                let (Some(key), value) = (line.word(), line.literals().next().and_then(|l| literal_json(&l.value)))
                else {
                    continue;
                };
                let value = value.or_else(|| line.flags().next().map(|f| json!(f.value)));
                if let Some(v) = value {
                    data.insert(key.to_string(), v);
                }
            }
            out.push(json!({"id": id.value, "kind": "requirement", "data": Json::Object(data)}));
        }
    }
    out
}

/// The `relations` sections: each `rel to=".." type=".."` (or `from=`) becomes a relation node,
/// and a field of that type on both ends' data (the inverse type on the other end).
fn add_relations(snippets: &[&ast::Snippet], nodes: &mut Vec<Json>) {
    let mut edges: Vec<(String, String, String)> = vec![];
    for s in snippets {
        for section in s.node.children.iter().filter(|c| c.is("relations")) {
            for rel in section.children.iter().filter(|c| c.is("rel")) {
                let Some(ty) = text_of(rel, "type") else { continue };
                let me = s.id.value.clone();
                match (text_of(rel, "to"), text_of(rel, "from")) {
                    (Some(to), _) => edges.push((me, to.value, ty.value)),
                    (None, Some(from)) => edges.push((from.value, me, ty.value)),
                    _ => {}
                }
            }
        }
    }
    let add = |nodes: &mut Vec<Json>, on: &str, field: &str, other: &str| {
        if let Some(n) = nodes.iter_mut().find(|n| n["id"] == on && n["kind"] != "relation") {
            let list = n["data"][field].as_array().cloned().unwrap_or_default();
            if !list.contains(&json!(other)) {
                let mut list = list;
                list.push(json!(other));
                n["data"][field] = Json::Array(list);
            }
        }
    };
    for (from, to, ty) in edges {
        add(nodes, &from, &ty, &to);
        // Unpaired types have no inverse name: `traverse direction="incoming"` finds those.
        if let Some(back) = inverse(&ty) {
            add(nodes, &to, back, &from);
        }
        let id = format!("{from} {ty} {to}");
        nodes.push(json!({"id": id, "kind": "relation", "data": {"id": id, "from": from, "to": to, "type": ty}}));
    }
}

impl<'a> Checker<'a> {
    /// A JSON value for a condition's right side: a literal, or a `var` written at run time.
    fn project_value(&mut self, q: &mut QueryText, node: &Node, body: &mut Body, out: &mut Vec<Op>) -> bool {
        if let Some(lit) = node.attr("lit") {
            return match literal_json(&lit.value.value) {
                Some(j) => {
                    q.lit(&j.to_string());
                    true
                }
                None => false,
            };
        }
        let Some(var) = text_of(node, "var").or_else(|| text_of(node, "from")) else { return false };
        self.project_var(q, var, body, out)
    }

    /// A variable's value as JSON, written at run time.
    fn project_var(&mut self, q: &mut QueryText, var: Spanned<String>, body: &mut Body, out: &mut Vec<Op>) -> bool {
        let v = self.value(&Operand::Var(var.clone()), body, out);
        let text = match v.ty() {
            Type::Int | Type::Bool | Type::Float => {
                let op = match v.ty() {
                    Type::Int => ComputeOp::IntToString,
                    Type::Bool => ComputeOp::BoolToString,
                    _ => ComputeOp::FloatToString,
                };
                let local = body.new_local(Type::String);
                out.push(Op::Compute { op, args: vec![v], result: local });
                Value::Local(local, Type::String)
            }
            Type::String => {
                // A JSON string: the library's writer does the escaping.
                let json_ty = self.std_type_text("Json");
                let wrapped = body.new_local(json_ty.clone());
                out.push(Op::Compute { op: ComputeOp::Variant(json_ty.clone(), 3), args: vec![v], result: wrapped });
                let local = body.new_local(Type::String);
                out.push(Op::Intrinsic {
                    intrinsic: Intrinsic::Json(JsonFn::Stringify),
                    args: vec![Value::Local(wrapped, json_ty)],
                    result: Some(local),
                    returns: Type::String,
                });
                Value::Local(local, Type::String)
            }
            Type::Error => return false,
            other => {
                self.diags.push(
                    Diagnostic::error("E-TYPE-001", format!("a project query cannot compare with {other}"), var.span)
                        .with_label(format!("this is {other}"))
                        .with_help("compare with an Int, Float, Bool or String value"),
                );
                return false;
            }
        };
        q.flush();
        q.parts.push(text);
        true
    }

    fn project_condition(&mut self, q: &mut QueryText, node: &Node, body: &mut Body, out: &mut Vec<Op>) -> bool {
        let word = node.word().unwrap_or_default().to_string();
        match word.as_str() {
            "and" | "or" | "not" => {
                q.lit(&format!("{{\"op\":\"{word}\",\"of\":["));
                let mut ok = true;
                for (i, c) in node.children.iter().filter(|c| c.word.is_some()).enumerate() {
                    if i > 0 {
                        q.lit(",");
                    }
                    ok &= self.project_condition(q, c, body, out);
                }
                q.lit("]}");
                ok
            }
            "equals" | "not_equals" | "less" | "greater" | "less_eq" | "greater_eq" | "contains" => {
                let Some(field) = text_of(node, "field") else { return false };
                q.lit(&format!("{{\"op\":\"{word}\",\"field\":{},\"value\":", json!(field.value)));
                let ok = self.project_value(q, node, body, out);
                q.lit("}");
                ok
            }
            // `rel_to target=".." type=..`: the node has a relation of that type to the target;
            // `rel_from source=".." type=..`: the source has one to the node (grammar.ebnf).
            "rel_to" | "rel_from" => {
                let end_key = if word == "rel_to" { "target" } else { "source" };
                let (Some(ty), Some(end)) = (text_of(node, "type"), node.attr(end_key)) else {
                    self.diags.push(
                        Diagnostic::error(
                            "E-QUERY-002",
                            format!("`{word}` needs `{end_key}=` and `type=`"),
                            node.head_span(),
                        )
                        .with_label("incomplete relation condition")
                        .with_help(format!("write `{word} {end_key}=\"snippet.id\" type=describes`")),
                    );
                    return false;
                };
                q.lit(&format!("{{\"op\":\"{word}\",\"type\":{},\"{end_key}\":", json!(ty.value)));
                // A bare word that names a variable is its value (`target=code_id`); anything else is the id.
                let ok = match &end.value.value {
                    LitValue::Word(w) if body.lookup(w).is_some() => {
                        self.project_var(q, Spanned::new(w.clone(), end.value.span), body, out)
                    }
                    v => literal_json(v).map(|j| q.lit(&j.to_string())).is_some(),
                };
                q.lit("}");
                ok
            }
            // `has_rel type=..`: the node has at least one relation of that type.
            "has_rel" => {
                let Some(ty) = text_of(node, "type") else {
                    self.diags.push(
                        Diagnostic::error("E-QUERY-002", "`has_rel` needs `type=`", node.head_span())
                            .with_label("incomplete relation condition")
                            .with_help("write `has_rel type=describes`"),
                    );
                    return false;
                };
                q.lit(&format!("{{\"op\":\"has_rel\",\"type\":{}}}", json!(ty.value)));
                true
            }
            other => {
                self.diags.push(
                    Diagnostic::error("E-QUERY-002", format!("`{other}` is not a condition"), node.head_span())
                        .with_label("unknown condition")
                        .with_help(
                            "use equals, not_equals, less, greater, less_eq, greater_eq, contains, rel_to, rel_from, \
                             has_rel, and, or, not",
                        ),
                );
                false
            }
        }
    }

    /// `query target="project" select .. from=".." where .. order .. limit=..`, and `traverse
    /// target="project" from="id" follow type=".." depth=.. direction=..` (the nodes reached by
    /// following a relation field such as `calls`: outgoing, incoming or both, to a depth).
    pub(super) fn project_query(
        &mut self,
        s: &ast::Snippet,
        step: &ast::Step,
        body: &mut Body,
        out: &mut Vec<Op>,
    ) -> Value {
        let node = &step.node;
        let traverse = matches!(&step.kind, StepKind::Other { kind } if kind.value == "traverse");
        let attr = |key: &str| {
            node.attrs()
                .chain(node.children.iter().filter(|c| c.word.is_none()).flat_map(Node::attrs))
                .find(|a| a.key.value == key)
                .map(|a| a.value.value.clone())
        };
        let from = match attr("from") {
            Some(LitValue::Str(f) | LitValue::Word(f)) => f,
            _ => "all".to_string(),
        };
        let mut q = QueryText { parts: vec![], text: String::new() };
        // `follow type=".."`, or `follow rel=".."` as the guide writes it.
        let follow = node
            .children
            .iter()
            .find(|c| c.is("follow"))
            .and_then(|f| text_of(f, "type").or_else(|| text_of(f, "rel")));
        // The start as a line of its own: `from var="start"` or `from lit="main.hello"`.
        let from_line = node.children.iter().find(|c| c.is("from"));
        let mut ok = true;
        if traverse {
            let depth = match attr("depth") {
                Some(LitValue::Int(n)) if n >= 0 => json!(n),
                _ => Json::Null,
            };
            let direction = match attr("direction") {
                Some(LitValue::Str(d) | LitValue::Word(d)) => d,
                _ => "outgoing".to_string(),
            };
            let Some(follow) = &follow else {
                self.diags.push(
                    Diagnostic::error("E-PARSE-002", "this `traverse` does not say what to follow", node.head_span())
                        .with_label("needs `follow type=\"..\"`")
                        .with_help("add `follow type=\"calls\"` (or another relation)"),
                );
                return self.bind_poison(step, body);
            };
            q.lit("{\"from\":\"all\",\"traverse\":{\"from\":");
            match from_line.and_then(|l| text_of(l, "var")) {
                Some(var) => ok &= self.project_var(&mut q, var, body, out),
                None => {
                    let lit = from_line.and_then(|l| text_of(l, "lit")).map_or(from, |l| l.value);
                    q.lit(&json!(lit).to_string());
                }
            }
            let rest = json!({"follow": follow.value, "depth": depth, "direction": direction}).to_string();
            q.lit(&format!(",{}", &rest[1..]));
        } else {
            q.lit(&format!("{{\"from\":{}", json!(from)));
        }
        let fields: Vec<String> = node
            .children
            .iter()
            .filter(|c| c.is("select"))
            .flat_map(|c| c.attrs().filter(|a| a.key.value == "field"))
            .filter_map(|a| match &a.value.value {
                LitValue::Str(s) | LitValue::Word(s) => Some(s.clone()),
                _ => None,
            })
            .collect();
        if !fields.is_empty() {
            q.lit(&format!(",\"select\":{}", json!(fields)));
        }
        let conditions = node.children.iter().find(|c| c.is("where"));
        // In a query, `follow rel=".."` keeps the nodes that have such a relation (DESIGN.md's
        // "functions with coverage").
        let follows = follow.filter(|_| !traverse).map(|f| json!({"op": "has_rel", "type": f.value}).to_string());
        if conditions.is_some() || follows.is_some() {
            q.lit(",\"where\":{\"op\":\"and\",\"of\":[");
            let conditions = conditions.into_iter().flat_map(|w| w.children.iter().filter(|c| c.word.is_some()));
            let mut written = 0;
            for c in conditions {
                if written > 0 {
                    q.lit(",");
                }
                ok &= self.project_condition(&mut q, c, body, out);
                written += 1;
            }
            if let Some(f) = follows {
                q.lit(&format!("{}{f}", if written > 0 { "," } else { "" }));
            }
            q.lit("]}");
        }
        if let Some(order) = node.children.iter().find(|c| c.is("order"))
            && let Some(by) = text_of(order, "by")
        {
            let dir = text_of(order, "dir").map_or("asc".to_string(), |d| d.value.to_ascii_lowercase());
            q.lit(&format!(",\"order\":{{\"by\":{},\"dir\":{}}}", json!(by.value), json!(dir)));
        }
        for key in ["limit", "offset"] {
            if let Some(LitValue::Int(n)) = attr(key) {
                q.lit(&format!(",\"{key}\":{n}"));
            }
        }
        q.lit("}");
        q.flush();
        let decl = s.effects.iter().find(|e| e.name.value == "meta");
        if decl.is_none() {
            let kind = Spanned::new("project query".to_string(), node.head_span());
            self.missing_effect(s, &kind, "project query", "meta", "E-EFFECT-002");
            ok = false;
        }
        if !ok {
            return self.bind_poison(step, body);
        }
        // The query text: its parts joined.
        let mut text = q.parts.remove(0);
        for part in q.parts {
            let local = body.new_local(Type::String);
            out.push(Op::Compute { op: ComputeOp::Concat, args: vec![text, part], result: local });
            text = Value::Local(local, Type::String);
        }
        let symbol = self.std_type_text("Symbol");
        let ty = Type::list(symbol);
        if let Some(d) = decl {
            self.out.effect_uses.push(EffectUse {
                effect: "meta".into(),
                intrinsic: Intrinsic::ProjectQuery,
                call_span: step.span,
                decl_span: d.span,
            });
        }
        let local = step.bind_as.as_ref().and_then(|name| self.bind(body, name, ty.clone(), false));
        out.push(Op::Intrinsic {
            intrinsic: Intrinsic::ProjectQuery,
            args: vec![text],
            result: local,
            returns: ty.clone(),
        });
        local.map_or(Value::Unit, |l| Value::Local(l, ty))
    }

    /// Calls between the checked functions: each function's snippet id and the ids it calls.
    pub(super) fn call_graph(&self) -> HashMap<&str, Vec<&str>> {
        let mut calls: HashMap<&str, Vec<&str>> = HashMap::default();
        fn walk<'p>(ops: &[Op], fns: &'p [crate::ir::Function], into: &mut Vec<&'p str>) {
            for op in ops {
                match op {
                    Op::Call { function, .. } => {
                        let id = fns[*function].snippet_id.as_str();
                        if !into.contains(&id) {
                            into.push(id);
                        }
                    }
                    Op::If { then, otherwise, .. } => {
                        walk(then, fns, into);
                        walk(otherwise, fns, into);
                    }
                    Op::For { body, .. } => walk(body, fns, into),
                    _ => {}
                }
            }
        }
        // A generic function's instances share its snippet id: their calls are its calls.
        for f in &self.out.functions {
            let into = calls.entry(f.snippet_id.as_str()).or_default();
            walk(&f.body, &self.out.functions, into);
        }
        calls
    }

    /// The symbol graph as JSON nodes `{id, kind, data}`: every snippet, with functions' effects,
    /// calls and callers, and types' fields.
    pub(super) fn symbol_graph(&self, snippets: &[&ast::Snippet]) -> String {
        let calls = self.call_graph();
        let mut nodes = vec![];
        for s in snippets {
            let id = s.id.value.as_str();
            let effects: Vec<&str> = s.effects.iter().map(|e| e.name.value.as_str()).collect();
            let notes: Vec<&str> = s.notes.iter().map(|n| n.value.as_str()).collect();
            let (kind, data) = match s.kind.value {
                SnippetKind::Fn => {
                    let f = self.out.functions.iter().find(|f| f.snippet_id == id);
                    let called_by: Vec<&str> =
                        calls.iter().filter(|(_, to)| to.contains(&id)).map(|(from, _)| *from).collect();
                    let mut called_by = called_by;
                    called_by.sort();
                    let (params, returns, generics) = signature_json(s, f);
                    (
                        "function",
                        json!({
                            "id": id,
                            "name": f.map(|f| f.name.as_str()),
                            "effects": effects,
                            "calls": calls.get(id).cloned().unwrap_or_default(),
                            "called_by": called_by,
                            "params": params,
                            "returns": returns,
                            "generics": generics,
                            "is_exported": f.is_some_and(|f| f.exported),
                            "is_entry_point": f.is_some_and(|f| f.name == "main"),
                            "notes": notes,
                        }),
                    )
                }
                SnippetKind::Struct | SnippetKind::Enum => (
                    "type-def",
                    json!({"id": id, "name": s.type_decl.as_ref().map(|d| d.name.value.as_str()), "notes": notes}),
                ),
                SnippetKind::Test => ("test", json!({"id": id, "notes": notes})),
                SnippetKind::Data => ("data", json!({"id": id, "notes": notes})),
                k => ("snippet", json!({"id": id, "kind": super::kind_name(k), "effects": effects, "notes": notes})),
            };
            nodes.push(json!({"id": id, "kind": kind, "data": data}));
            nodes.extend(requirements(s));
        }
        add_relations(snippets, &mut nodes);
        Json::Array(nodes).to_string()
    }
}

/// A function's parameters and return type as text, and its type parameters' names. A generic
/// function's are as written (`T`, `List<T>`), since only its instances have concrete types.
fn signature_json(s: &ast::Snippet, f: Option<&crate::ir::Function>) -> (Json, Json, Vec<String>) {
    let generics: Vec<String> =
        s.signature.iter().flat_map(|g| g.generics.iter().map(|g| g.name.value.clone())).collect();
    match (&s.signature, f) {
        (Some(sig), _) if !generics.is_empty() => {
            let params = sig.params.iter().map(|p| json!({"name": p.name.value, "type": p.ty.text})).collect();
            let returns = match &sig.returns {
                None => "Unit".to_string(),
                Some(ast::Returns::Type(t)) => t.text.clone(),
                Some(ast::Returns::Collection(t)) => format!("List<{}>", t.text),
                Some(ast::Returns::Union(ts)) => ts.iter().map(|t| t.text.as_str()).collect::<Vec<_>>().join(" | "),
            };
            (Json::Array(params), json!(returns), generics)
        }
        (_, Some(f)) => {
            let params =
                f.params.iter().map(|(n, l)| json!({"name": n, "type": f.locals[*l as usize].to_string()})).collect();
            (Json::Array(params), json!(f.returns.to_string()), generics)
        }
        _ => (Json::Null, Json::Null, generics),
    }
}
