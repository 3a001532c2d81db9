// public/project.js, the playground's `covenant:project/query`, on the cases host/src/project.rs's
// unit test checks the host with: both must answer a query AST the same way.
import { test } from "node:test";
import assert from "node:assert/strict";
import { SymbolGraph, projectQuery, sortedJson } from "../../public/project.js";

const nodes = () => [
  { id: "a.one", kind: "function", data: { id: "a.one", effects: ["database"], params: 1, is_exported: true } },
  { id: "a.two", kind: "function", data: { id: "a.two", effects: [], params: 3, is_exported: false } },
  { id: "a.three", kind: "function", data: { id: "a.three", effects: ["network"], params: 2, is_exported: true } },
  { id: "t.User", kind: "type-def", data: { id: "t.User", name: "User" } },
];
const ids = (graph, ast) => graph.query(ast).map((n) => n.id);

test("conditions, order and paging", () => {
  const g = new SymbolGraph(JSON.stringify(nodes()));
  assert.deepEqual(ids(g, '{"from":"functions"}'), ["a.one", "a.two", "a.three"]);
  assert.equal(ids(g, '{"from":"all"}').length, 4);
  assert.deepEqual(ids(g, '{"from":"types"}'), ["t.User"]);
  const not = '{"from":"functions","where":{"op":"not","of":[{"op":"equals","field":"is_exported","value":true}]}}';
  assert.deepEqual(ids(g, not), ["a.two"]);
  const or =
    '{"from":"functions","where":{"op":"or","of":[{"op":"greater","field":"params","value":2},{"op":"contains","field":"effects","value":"network"}]}}';
  assert.deepEqual(ids(g, or), ["a.two", "a.three"]);
  const paged = '{"from":"functions","order":{"by":"params","dir":"desc"},"limit":2,"offset":1}';
  assert.deepEqual(ids(g, paged), ["a.three", "a.one"]);
  assert.equal(g.query('{"from":"types","select":["name"]}')[0].data, '{"name":"User"}');
  assert.throws(() => g.query('{"from":"nowhere"}'), (e) => e.payload.code === "E-QUERY-002");
  assert.throws(() => g.query("not json"), (e) => /not JSON/.test(e.payload.message));
});

test("relation conditions: rel_to and has_rel read the node's relation field, rel_from the source's", () => {
  const list = nodes();
  list[3].data.describes = ["a.one"];
  list[0].data.described_by = ["t.User"];
  list[1].data.depends_on = ["a.three"];
  const g = new SymbolGraph(JSON.stringify(list));
  assert.deepEqual(ids(g, '{"from":"all","where":{"op":"rel_to","type":"describes","target":"a.one"}}'), ["t.User"]);
  assert.deepEqual(ids(g, '{"from":"all","where":{"op":"rel_from","type":"describes","source":"t.User"}}'), ["a.one"]);
  assert.deepEqual(ids(g, '{"from":"all","where":{"op":"rel_from","type":"depends_on","source":"a.two"}}'), ["a.three"]);
  assert.deepEqual(ids(g, '{"from":"all","where":{"op":"rel_to","type":"depends_on","target":"a.one"}}'), []);
  assert.deepEqual(ids(g, '{"from":"all","where":{"op":"rel_from","type":"describes","source":"nobody"}}'), []);
  assert.deepEqual(ids(g, '{"from":"all","where":{"op":"has_rel","type":"described_by"}}'), ["a.one"]);
  assert.deepEqual(ids(g, '{"from":"all","where":{"op":"has_rel","type":"supersedes"}}'), []);
});

test("traversals follow a relation field out, in, and to a depth", () => {
  const list = nodes();
  list[0].data.calls = ["a.two"];
  list[1].data.calls = ["a.three"];
  const g = new SymbolGraph(JSON.stringify(list));
  assert.deepEqual(ids(g, '{"from":"all","traverse":{"from":"a.one","follow":"calls","depth":null}}'), ["a.two", "a.three"]);
  assert.deepEqual(ids(g, '{"from":"all","traverse":{"from":"a.one","follow":"calls","depth":1}}'), ["a.two"]);
  const incoming = '{"from":"all","traverse":{"from":"a.three","follow":"calls","direction":"incoming"}}';
  assert.deepEqual(ids(g, incoming), ["a.one", "a.two"]);
  assert.throws(() => g.query('{"from":"all","traverse":{"from":"nobody","follow":"calls"}}'));

  // get, get-related and count, as the interface offers them to jco.
  const q = projectQuery(JSON.stringify(list));
  assert.equal(q.get("t.User").kind, "type-def");
  assert.equal(q.get("nothing"), undefined);
  const related = q.getRelated("a.one", "calls");
  assert.equal(related.count(), 1n);
  assert.equal(related.next().id, "a.two");
  assert.equal(related.next(), undefined);
  assert.throws(() => q.getRelated("a.one", "owns"), (e) => e.payload.code === "E-QUERY-002");
});

test("node data is JSON with sorted keys, as the host's serde_json writes it", () => {
  assert.equal(sortedJson({ b: 1, a: [{ d: null, c: "x" }] }), '{"a":[{"c":"x","d":null}],"b":1}');
  const g = new SymbolGraph(JSON.stringify([{ id: "x", kind: "odd", data: { z: 1, id: "x" } }]));
  assert.deepEqual(g.query('{"from":"all"}'), [{ id: "x", kind: "snippet", data: '{"id":"x","z":1}' }]);
  // A program without a graph (no section) answers every query with nothing.
  assert.deepEqual(new SymbolGraph(undefined).query('{"from":"functions"}'), []);
});
