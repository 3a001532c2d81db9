// covenant:project/query for the playground's runner and the jco tests: answers a program's
// project queries from its own symbol graph (the core module's `covenant:symbols` custom section,
// a JSON list of `{id, kind, data}`), as the host's host/src/project.rs does. The query AST is
// the JSON the compiler writes: `{"from", "select"?, "where"?, "order"?, "limit"?, "offset"?,
// "traverse"?}`. Node data is JSON text with its keys sorted, like the host's serde_json.
// jco conventions: a `result` error is thrown as `{ payload }`.

const SETS = {
  functions: "function",
  types: "type-def",
  requirements: "requirement",
  tests: "test",
  data: "data",
  snippets: null,
  all: null,
};

/** The WIT `node-kind` case for a graph kind (unknown kinds read as `snippet`). */
const NODE_KINDS = new Set(["function", "type-def", "requirement", "test", "data", "relation"]);

/** JSON text with object keys sorted at every level (serde_json's default map order). */
export function sortedJson(value) {
  if (Array.isArray(value)) return `[${value.map(sortedJson).join(",")}]`;
  if (value && typeof value === "object") {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${sortedJson(value[k])}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

/** Structural equality of two JSON values. */
function same(a, b) {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => same(x, b[i]));
  if (a && b && typeof a === "object" && typeof b === "object" && !Array.isArray(a) && !Array.isArray(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && same(a[k], b[k]));
  }
  return false;
}

/** -1, 0 or 1 for two numbers, two strings or two booleans; undefined otherwise. */
function compare(a, b) {
  const t = typeof a;
  if (t !== typeof b || !["number", "string", "boolean"].includes(t)) return undefined;
  if (t === "string") return a < b ? -1 : a > b ? 1 : 0; // code units; ids are ASCII
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Whether a node's data lists `other` under the relation `type` (both directions for paired types). */
function related(data, type, other) {
  const ids = typeof type === "string" ? data?.[type] : undefined;
  return Array.isArray(ids) && ids.some((id) => same(id, other));
}

/** Whether node `n` of `graph` meets the condition. */
function matches(cond, n, graph) {
  const data = n.data ?? {};
  const of = Array.isArray(cond?.of) ? cond.of : [];
  const field = typeof cond?.field === "string" ? (data[cond.field] ?? null) : null;
  const value = cond?.value ?? null;
  const order = compare(field, value);
  switch (cond?.op) {
    case "and":
      return of.every((c) => matches(c, n, graph));
    case "or":
      return of.some((c) => matches(c, n, graph));
    case "not":
      return !of.every((c) => matches(c, n, graph));
    case "rel_to":
      return related(data, cond.type, cond.target ?? null);
    case "has_rel":
      return typeof cond.type === "string" && Array.isArray(data[cond.type]) && data[cond.type].length > 0;
    case "rel_from": {
      const source = graph.find(cond.source);
      return source !== undefined && related(source.data, cond.type, n.id);
    }
    case "equals":
      return same(field, value);
    case "not_equals":
      return !same(field, value);
    case "contains":
      if (Array.isArray(field)) return field.some((item) => same(item, value));
      return typeof field === "string" && typeof value === "string" && field.includes(value);
    case "less":
      return order === -1;
    case "greater":
      return order === 1;
    case "less_eq":
      return order === -1 || order === 0;
    case "greater_eq":
      return order === 1 || order === 0;
    default:
      return false;
  }
}

class QueryError {
  constructor(message, code = "E-QUERY-002") {
    this.payload = { code, message };
  }
}

/** The symbol graph's answers, independent of jco: `query(ast)` -> nodes, throws QueryError. */
export class SymbolGraph {
  /** `symbols`: the section's JSON text (or undefined for a program without one). */
  constructor(symbols) {
    let nodes = [];
    try {
      nodes = symbols ? JSON.parse(symbols) : [];
    } catch {
      nodes = [];
    }
    this.nodes = (Array.isArray(nodes) ? nodes : []).filter((n) => typeof n?.id === "string" && typeof n?.kind === "string");
  }

  /** A node as the WIT record: `{ id, kind, data }` with `data` as JSON text. */
  wire(n, data = n.data) {
    return { id: n.id, kind: NODE_KINDS.has(n.kind) ? n.kind : "snippet", data: sortedJson(data) };
  }

  find(id) {
    return this.nodes.find((n) => n.id === id);
  }

  query(ast) {
    let q;
    try {
      q = JSON.parse(ast);
    } catch (e) {
      throw new QueryError(`the query is not JSON: ${e.message}`);
    }
    const from = typeof q.from === "string" ? q.from : "all";
    if (!(from in SETS)) {
      throw new QueryError(`no node set \`${from}\` (functions, types, requirements, tests, data, snippets)`);
    }
    const kind = SETS[from];
    const reached = q.traverse !== undefined ? this.traverse(q.traverse) : null;
    let found = this.nodes
      .filter((n) => reached === null || reached.includes(n.id))
      .filter((n) => kind === null || n.kind === kind)
      .filter((n) => q.where === undefined || matches(q.where, n, this));
    const by = q.order?.by;
    if (typeof by === "string") {
      // Array.prototype.sort is stable, like Rust's sort_by; reversing after it matches the host.
      found = [...found].sort((a, b) => compare(a.data?.[by] ?? null, b.data?.[by] ?? null) ?? 0);
      if (q.order.dir === "desc") found.reverse();
    }
    const offset = Number.isInteger(q.offset) && q.offset >= 0 ? q.offset : 0;
    const limit = Number.isInteger(q.limit) && q.limit >= 0 ? q.limit : Infinity;
    const select = Array.isArray(q.select) ? q.select.filter((f) => typeof f === "string") : null;
    return found.slice(offset, offset + limit).map((n) => {
      if (!select) return this.wire(n);
      return this.wire(n, Object.fromEntries(select.map((f) => [f, n.data?.[f] ?? null])));
    });
  }

  /** The ids reached from `t.from` along the relation field `t.follow`, breadth first, to
   *  `t.depth` (null: all the way), outgoing (ids the node lists), incoming or both. */
  traverse(t) {
    const start = t?.from;
    const follow = t?.follow;
    if (typeof start !== "string") throw new QueryError("a traversal needs `from`");
    if (typeof follow !== "string") throw new QueryError("a traversal needs `follow`");
    if (!this.find(start)) throw new QueryError(`no node \`${start}\``);
    const depth = Number.isInteger(t.depth) && t.depth >= 0 ? t.depth : Infinity;
    const direction = typeof t.direction === "string" ? t.direction : "outgoing";
    const listed = (n) => (Array.isArray(n.data?.[follow]) ? n.data[follow].filter((v) => typeof v === "string") : []);
    const seen = [start];
    let frontier = [start];
    for (let level = 0; frontier.length > 0 && level < depth; level++) {
      const next = [];
      for (const id of frontier) {
        const step = [];
        if (direction !== "incoming") {
          const node = this.find(id);
          if (node) step.push(...listed(node));
        }
        if (direction !== "outgoing") step.push(...this.nodes.filter((n) => listed(n).includes(id)).map((n) => n.id));
        for (const s of step) {
          if (!seen.includes(s)) {
            seen.push(s);
            next.push(s);
          }
        }
      }
      frontier = next;
    }
    return seen.slice(1);
  }

  /** The nodes whose ids the node's `relation` field lists (`calls`, `called_by`, ..). */
  related(id, relation) {
    const node = this.find(id);
    if (!node) throw new QueryError(`no node \`${id}\``);
    const ids = node.data?.[relation];
    if (!Array.isArray(ids)) throw new QueryError(`\`${id}\` has no relation \`${relation}\``);
    return ids
      .map((r) => this.find(r))
      .filter(Boolean)
      .map((n) => this.wire(n));
  }
}

/** Results, found completely when the query ran. */
class QueryResult {
  constructor(nodes) {
    this.nodes = nodes;
  }
  next() {
    return this.nodes.shift();
  }
  count() {
    return BigInt(this.nodes.length);
  }
}

/** The `covenant:project/query` imports over a program's symbol graph (JSON text). */
export function projectQuery(symbols) {
  const graph = new SymbolGraph(symbols);
  return {
    QueryResult,
    query: (ast) => new QueryResult(graph.query(ast)),
    get: (id) => {
      const node = graph.find(id);
      return node ? graph.wire(node) : undefined;
    },
    getRelated: (id, relation) => new QueryResult(graph.related(id, relation)),
  };
}

/** The symbol graph in a compiled core module, or undefined. */
export function symbolsOf(module) {
  const [section] = WebAssembly.Module.customSections(module, "covenant:symbols");
  return section ? new TextDecoder().decode(section) : undefined;
}
