//! `covenant:project/query`: answers project queries from the symbol graph the compiler put in
//! the component (`covenant:symbols`). A query is the JSON AST the compiler writes:
//! `{"from": "functions", "select": [..]?, "where": cond?, "order": {"by", "dir"}?, "limit"?,
//! "offset"?}`, where a condition is `{"op": "equals"|"not_equals"|"less"|"greater"|"less_eq"|
//! "greater_eq"|"contains", "field", "value"}`, `{"op": "and"|"or"|"not", "of": [cond..]}`, or a
//! relation condition `{"op": "rel_to", "type", "target"}` / `{"op": "rel_from", "type", "source"}` /
//! `{"op": "has_rel", "type"}`.
//! Fields are the node's data (`id`, `name`, `effects`, `calls`, `called_by`, `is_exported` ..).

use serde_json::Value as Json;
use std::cmp::Ordering;
use std::collections::VecDeque;
use wasmtime::component::{HasData, Resource, ResourceTable};

mod generated {
    wasmtime::component::bindgen!({
        path: "../wit/covenant-project.wit",
        inline: "package covenant:projecthost; world project { import covenant:project/query; }",
        world: "covenant:projecthost/project",
        with: { "covenant:project/query.query-result": super::QueryResult },
    });
}

use generated::covenant::project::query::{self as wit, Error, Node, NodeKind};

/// The symbol graph's nodes: (id, kind, data).
#[derive(Clone, Debug, Default)]
pub struct Graph {
    nodes: Vec<(String, String, Json)>,
}

impl Graph {
    /// The graph in a component's `covenant:symbols` section (empty without one).
    pub fn from_component(component: &[u8]) -> Graph {
        for payload in wasmparser::Parser::new(0).parse_all(component) {
            if let Ok(wasmparser::Payload::CustomSection(s)) = payload
                && s.name() == covenant_compiler::SYMBOLS_SECTION
            {
                let nodes: Vec<Json> = serde_json::from_slice(s.data()).unwrap_or_default();
                let nodes = nodes
                    .into_iter()
                    .filter_map(|n| {
                        Some((n["id"].as_str()?.to_string(), n["kind"].as_str()?.to_string(), n["data"].clone()))
                    })
                    .collect();
                return Graph { nodes };
            }
        }
        Graph::default()
    }

    fn node(&self, (id, kind, data): &(String, String, Json)) -> Node {
        let kind = match kind.as_str() {
            "function" => NodeKind::Function,
            "type-def" => NodeKind::TypeDef,
            "requirement" => NodeKind::Requirement,
            "test" => NodeKind::Test,
            "data" => NodeKind::Data,
            "relation" => NodeKind::Relation,
            _ => NodeKind::Snippet,
        };
        Node { id: id.clone(), kind, data: data.to_string() }
    }

    /// Runs a query AST; the matching nodes in order.
    pub fn query(&self, ast: &str) -> Result<Vec<Node>, Error> {
        let bad = |m: String| Error { code: "E-QUERY-002".into(), message: m };
        let q: Json = serde_json::from_str(ast).map_err(|e| bad(format!("the query is not JSON: {e}")))?;
        let from = q["from"].as_str().unwrap_or("all");
        let kind = match from {
            "functions" => Some("function"),
            "types" => Some("type-def"),
            "requirements" => Some("requirement"),
            "tests" => Some("test"),
            "data" => Some("data"),
            "snippets" | "all" => None,
            other => {
                return Err(bad(format!(
                    "no node set `{other}` (functions, types, requirements, tests, data, snippets)"
                )));
            }
        };
        let reached = match q.get("traverse") {
            Some(t) => Some(self.traverse(t)?),
            None => None,
        };
        let mut found: Vec<&(String, String, Json)> = self
            .nodes
            .iter()
            .filter(|(id, _, _)| reached.as_ref().is_none_or(|r| r.contains(id)))
            .filter(|(_, k, _)| kind.is_none_or(|want| k == want))
            .filter(|(id, _, data)| q.get("where").is_none_or(|w| self.matches(w, id, data)))
            .collect();
        if let Some(by) = q["order"]["by"].as_str() {
            found.sort_by(|a, b| compare(&a.2[by], &b.2[by]).unwrap_or(Ordering::Equal));
            if q["order"]["dir"] == "desc" {
                found.reverse();
            }
        }
        let offset = q["offset"].as_u64().unwrap_or(0) as usize;
        let limit = q["limit"].as_u64().map_or(usize::MAX, |n| n as usize);
        let select: Option<Vec<&str>> = q["select"].as_array().map(|a| a.iter().filter_map(Json::as_str).collect());
        Ok(found
            .into_iter()
            .skip(offset)
            .take(limit)
            .map(|n| {
                let mut node = self.node(n);
                if let Some(fields) = &select {
                    let picked: serde_json::Map<String, Json> =
                        fields.iter().map(|f| (f.to_string(), n.2[*f].clone())).collect();
                    node.data = Json::Object(picked).to_string();
                }
                node
            })
            .collect())
    }
}

impl Graph {
    /// The ids reached from `from` by following the relation field `follow` (ids listed in a
    /// node's field: outgoing; nodes listing this one: incoming), breadth first, to `depth`
    /// (null: all the way). The start is not included.
    fn traverse(&self, t: &Json) -> Result<Vec<String>, Error> {
        let bad = |m: String| Error { code: "E-QUERY-002".into(), message: m };
        let start = t["from"].as_str().ok_or_else(|| bad("a traversal needs `from`".into()))?;
        let follow = t["follow"].as_str().ok_or_else(|| bad("a traversal needs `follow`".into()))?;
        if !self.nodes.iter().any(|n| n.0 == start) {
            return Err(bad(format!("no node `{start}`")));
        }
        let depth = t["depth"].as_u64().unwrap_or(u64::MAX);
        let direction = t["direction"].as_str().unwrap_or("outgoing");
        let listed = |data: &Json| -> Vec<String> {
            data[follow].as_array().map_or(vec![], |a| a.iter().filter_map(|v| v.as_str().map(String::from)).collect())
        };
        let (mut seen, mut frontier, mut level) = (vec![start.to_string()], vec![start.to_string()], 0);
        while !frontier.is_empty() && level < depth {
            let mut next = vec![];
            for id in &frontier {
                let mut step = vec![];
                if direction != "incoming" {
                    step.extend(self.nodes.iter().find(|n| &n.0 == id).map(|n| listed(&n.2)).unwrap_or_default());
                }
                if direction != "outgoing" {
                    step.extend(self.nodes.iter().filter(|n| listed(&n.2).contains(id)).map(|n| n.0.clone()));
                }
                for s in step {
                    if !seen.contains(&s) {
                        seen.push(s.clone());
                        next.push(s);
                    }
                }
            }
            frontier = next;
            level += 1;
        }
        seen.remove(0);
        Ok(seen)
    }
}

fn compare(a: &Json, b: &Json) -> Option<Ordering> {
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => x.as_f64()?.partial_cmp(&y.as_f64()?),
        (Json::String(x), Json::String(y)) => Some(x.cmp(y)),
        (Json::Bool(x), Json::Bool(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

/// Whether a node's data lists `other` under the relation `ty` (a relation field such as `describes`
/// holds the ids at the other end, in both directions for paired types).
fn related(data: &Json, ty: &Json, other: &Json) -> bool {
    ty.as_str().and_then(|t| data[t].as_array()).is_some_and(|ids| ids.contains(other))
}

impl Graph {
    fn matches(&self, cond: &Json, id: &str, data: &Json) -> bool {
        let of = || cond["of"].as_array().cloned().unwrap_or_default();
        match cond["op"].as_str().unwrap_or_default() {
            "and" => of().iter().all(|c| self.matches(c, id, data)),
            "or" => of().iter().any(|c| self.matches(c, id, data)),
            "not" => !of().iter().all(|c| self.matches(c, id, data)),
            "rel_to" => related(data, &cond["type"], &cond["target"]),
            "has_rel" => cond["type"].as_str().and_then(|t| data[t].as_array()).is_some_and(|ids| !ids.is_empty()),
            "rel_from" => {
                let source = self.nodes.iter().find(|n| Some(n.0.as_str()) == cond["source"].as_str());
                source.is_some_and(|(_, _, source)| related(source, &cond["type"], &Json::from(id)))
            }
            _ => compares(cond, data),
        }
    }
}

/// A field condition: the node's field against the condition's value.
fn compares(cond: &Json, data: &Json) -> bool {
    let field = cond["field"].as_str().map(|f| &data[f]).unwrap_or(&Json::Null);
    let value = &cond["value"];
    match cond["op"].as_str().unwrap_or_default() {
        "equals" => field == value,
        "not_equals" => field != value,
        "contains" => match (field, value) {
            (Json::Array(items), v) => items.contains(v),
            (Json::String(s), Json::String(v)) => s.contains(v.as_str()),
            _ => false,
        },
        "less" => compare(field, value) == Some(Ordering::Less),
        "greater" => compare(field, value) == Some(Ordering::Greater),
        "less_eq" => matches!(compare(field, value), Some(Ordering::Less | Ordering::Equal)),
        "greater_eq" => matches!(compare(field, value), Some(Ordering::Greater | Ordering::Equal)),
        _ => false,
    }
}

/// Results, found completely when the query ran.
pub struct QueryResult {
    nodes: VecDeque<Node>,
}

pub struct Project<'a> {
    pub graph: &'a Graph,
    pub table: &'a mut ResourceTable,
}

struct ProjectData;

impl HasData for ProjectData {
    type Data<'a> = Project<'a>;
}

impl Project<'_> {
    fn results(&mut self, nodes: Vec<Node>) -> Result<Resource<QueryResult>, Error> {
        self.table
            .push(QueryResult { nodes: nodes.into() })
            .map_err(|e| Error { code: "E-QUERY-014".into(), message: e.to_string() })
    }
}

impl wit::Host for Project<'_> {
    fn query(&mut self, ast: String) -> Result<Resource<QueryResult>, Error> {
        let nodes = self.graph.query(&ast)?;
        self.results(nodes)
    }

    fn get(&mut self, id: String) -> Option<Node> {
        self.graph.nodes.iter().find(|n| n.0 == id).map(|n| self.graph.node(n))
    }

    /// The nodes whose ids the node's `relation` field lists (`calls`, `called_by`, ..).
    fn get_related(&mut self, id: String, relation: String) -> Result<Resource<QueryResult>, Error> {
        let Some(node) = self.graph.nodes.iter().find(|n| n.0 == id) else {
            return Err(Error { code: "E-QUERY-002".into(), message: format!("no node `{id}`") });
        };
        let Some(ids) = node.2[&relation].as_array() else {
            return Err(Error { code: "E-QUERY-002".into(), message: format!("`{id}` has no relation `{relation}`") });
        };
        let related: Vec<Node> = ids
            .iter()
            .filter_map(Json::as_str)
            .filter_map(|r| self.graph.nodes.iter().find(|n| n.0 == r))
            .map(|n| self.graph.node(n))
            .collect();
        self.results(related)
    }
}

impl wit::HostQueryResult for Project<'_> {
    fn next(&mut self, r: Resource<QueryResult>) -> Option<Node> {
        self.table.get_mut(&r).ok()?.nodes.pop_front()
    }

    fn count(&mut self, r: Resource<QueryResult>) -> u64 {
        self.table.get(&r).map_or(0, |r| r.nodes.len() as u64)
    }

    fn drop(&mut self, r: Resource<QueryResult>) -> wasmtime::Result<()> {
        self.table.delete(r)?;
        Ok(())
    }
}

pub fn add_to_linker<T: Send + 'static>(
    linker: &mut wasmtime::component::Linker<T>,
    get: fn(&mut T) -> Project<'_>,
) -> wasmtime::Result<()> {
    wit::add_to_linker::<T, ProjectData>(linker, get)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn graph() -> Graph {
        let node = |id: &str, kind: &str, data: Json| (id.to_string(), kind.to_string(), data);
        Graph {
            nodes: vec![
                node(
                    "a.one",
                    "function",
                    json!({"id": "a.one", "effects": ["database"], "params": 1, "is_exported": true}),
                ),
                node("a.two", "function", json!({"id": "a.two", "effects": [], "params": 3, "is_exported": false})),
                node(
                    "a.three",
                    "function",
                    json!({"id": "a.three", "effects": ["network"], "params": 2, "is_exported": true}),
                ),
                node("t.User", "type-def", json!({"id": "t.User", "name": "User"})),
            ],
        }
    }

    fn ids(ast: &str) -> Vec<String> {
        graph().query(ast).unwrap().into_iter().map(|n| n.id).collect()
    }

    #[test]
    fn conditions_order_and_paging() {
        assert_eq!(ids(r#"{"from":"functions"}"#), ["a.one", "a.two", "a.three"]);
        assert_eq!(ids(r#"{"from":"all"}"#).len(), 4);
        assert_eq!(ids(r#"{"from":"types"}"#), ["t.User"]);
        let q =
            r#"{"from":"functions","where":{"op":"not","of":[{"op":"equals","field":"is_exported","value":true}]}}"#;
        assert_eq!(ids(q), ["a.two"]);
        let q = r#"{"from":"functions","where":{"op":"or","of":[{"op":"greater","field":"params","value":2},{"op":"contains","field":"effects","value":"network"}]}}"#;
        assert_eq!(ids(q), ["a.two", "a.three"]);
        let q = r#"{"from":"functions","order":{"by":"params","dir":"desc"},"limit":2,"offset":1}"#;
        assert_eq!(ids(q), ["a.three", "a.one"]);
        let selected = graph().query(r#"{"from":"types","select":["name"]}"#).unwrap();
        assert_eq!(selected[0].data, r#"{"name":"User"}"#);
        assert!(graph().query(r#"{"from":"nowhere"}"#).is_err());
        // Traversals over `calls`: a.one -> a.two -> a.three.
        let mut g = graph();
        g.nodes[0].2["calls"] = json!(["a.two"]);
        g.nodes[1].2["calls"] = json!(["a.three"]);
        let reach = |t: &str| -> Vec<String> { g.query(t).unwrap().into_iter().map(|n| n.id).collect() };
        assert_eq!(
            reach(r#"{"from":"all","traverse":{"from":"a.one","follow":"calls","depth":null}}"#),
            ["a.two", "a.three"]
        );
        assert_eq!(reach(r#"{"from":"all","traverse":{"from":"a.one","follow":"calls","depth":1}}"#), ["a.two"]);
        let incoming = r#"{"from":"all","traverse":{"from":"a.three","follow":"calls","direction":"incoming"}}"#;
        assert_eq!(reach(incoming), ["a.one", "a.two"]);
        // get, get-related and count, as the interface offers them.
        use wit::{Host, HostQueryResult};
        let mut table = ResourceTable::new();
        let mut p = Project { graph: &g, table: &mut table };
        assert_eq!(p.get("t.User".into()).map(|n| n.kind), Some(NodeKind::TypeDef));
        assert!(p.get("nothing".into()).is_none());
        let related = p.get_related("a.one".into(), "calls".into()).unwrap();
        assert_eq!(p.count(Resource::new_borrow(related.rep())), 1);
        assert_eq!(p.next(Resource::new_borrow(related.rep())).map(|n| n.id), Some("a.two".to_string()));
        assert!(p.next(Resource::new_borrow(related.rep())).is_none());
        p.drop(related).unwrap();
        assert!(p.get_related("a.one".into(), "owns".into()).is_err());
        assert!(graph().query("not json").is_err());
    }

    #[test]
    fn relation_conditions() {
        // t.User `describes` a.one (so a.one is `described_by` t.User); a.two `depends_on` a.three.
        let mut g = graph();
        g.nodes[3].2["describes"] = json!(["a.one"]);
        g.nodes[0].2["described_by"] = json!(["t.User"]);
        g.nodes[1].2["depends_on"] = json!(["a.three"]);
        let ids = |q: &str| -> Vec<String> { g.query(q).unwrap().into_iter().map(|n| n.id).collect() };
        assert_eq!(ids(r#"{"from":"all","where":{"op":"rel_to","type":"describes","target":"a.one"}}"#), ["t.User"]);
        assert_eq!(ids(r#"{"from":"all","where":{"op":"rel_from","type":"describes","source":"t.User"}}"#), ["a.one"]);
        // An unpaired type has no field on the target: rel_from reads the source's.
        assert_eq!(
            ids(r#"{"from":"all","where":{"op":"rel_from","type":"depends_on","source":"a.two"}}"#),
            ["a.three"]
        );
        assert_eq!(
            ids(r#"{"from":"all","where":{"op":"rel_to","type":"depends_on","target":"a.one"}}"#),
            [] as [&str; 0]
        );
        assert_eq!(
            ids(r#"{"from":"all","where":{"op":"rel_from","type":"describes","source":"nobody"}}"#),
            [] as [&str; 0]
        );
        assert_eq!(ids(r#"{"from":"all","where":{"op":"has_rel","type":"described_by"}}"#), ["a.one"]);
        assert_eq!(ids(r#"{"from":"all","where":{"op":"has_rel","type":"supersedes"}}"#), [] as [&str; 0]);
    }
}
