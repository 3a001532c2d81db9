// WAVE (the value syntax of `wasmtime run --invoke`) for the jco tests: parses the calls in
// `examples/*.calls`, converts their arguments to the JavaScript values jco's bindings take, and
// prints results back as WAVE, using the types of the example's world (`examples/*.wit`).

/** Parses the type definitions and export signatures of a generated world. */
export function parseWorld(witText) {
  const types = new Map();
  const exports = new Map();
  for (const raw of witText.split("\n")) {
    const line = raw.trim();
    let m;
    if ((m = line.match(/^(record|variant|enum) (%?[\w-]+) \{ (.*) \}$/))) {
      const [, kind, name, body] = m;
      const items = splitTop(body, ",").map((s) => s.trim()).filter(Boolean);
      if (kind === "record") {
        types.set(bare(name), { kind, fields: items.map((f) => { const i = f.indexOf(":"); return [bare(f.slice(0, i).trim()), parseType(f.slice(i + 1).trim())]; }) });
      } else if (kind === "enum") {
        types.set(bare(name), { kind, cases: items.map(bare) });
      } else {
        types.set(bare(name), {
          kind,
          cases: items.map((c) => {
            const open = c.indexOf("(");
            return open < 0 ? [bare(c), null] : [bare(c.slice(0, open)), parseType(c.slice(open + 1, -1))];
          }),
        });
      }
    } else if ((m = line.match(/^export (%?[\w-]+): func\((.*)\)(?: -> (.*))?;$/))) {
      const [, name, params, result] = m;
      exports.set(bare(name), {
        params: splitTop(params, ",").map((p) => p.trim()).filter(Boolean).map((p) => parseType(p.slice(p.indexOf(":") + 1).trim())),
        result: result ? parseType(result) : null,
      });
    }
  }
  return { types, exports };
}

const bare = (name) => name.replace(/^%/, "");

/** Splits at `sep` outside brackets. */
function splitTop(text, sep) {
  const out = [];
  let depth = 0, start = 0, quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === "\\") i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if ("<([{".includes(c)) depth++;
    else if (">)]}".includes(c)) depth--;
    else if (c === sep && depth === 0) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out;
}

function parseType(text) {
  text = text.trim();
  const m = text.match(/^([\w-]+)<(.*)>$/);
  if (m) {
    const args = splitTop(m[2], ",").map((a) => a.trim());
    const arg = (a) => (a === "_" ? null : parseType(a));
    if (m[1] === "list") return { kind: "list", elem: parseType(args[0]) };
    if (m[1] === "option") return { kind: "option", elem: parseType(args[0]) };
    if (m[1] === "result") return { kind: "result", ok: arg(args[0]), err: args[1] ? arg(args[1]) : null };
    if (m[1] === "tuple") return { kind: "tuple", elems: args.filter(Boolean).map(parseType) };
  }
  if (text === "result") return { kind: "result", ok: null, err: null };
  return { kind: "name", name: bare(text) };
}

/** A WAVE value as a syntax tree: {number}, {string}, {bool}, {list}, {record}, {tagged: name, payload}. */
export function parseWave(text) {
  let i = 0;
  const ws = () => { while (/\s/.test(text[i] ?? "")) i++; };
  const value = () => {
    ws();
    const c = text[i];
    if (c === '"') {
      let j = i + 1, s = "";
      while (text[j] !== '"') {
        if (text[j] === "\\") {
          const e = text[++j];
          if (e === "u") {
            const close = text.indexOf("}", j);
            s += String.fromCodePoint(parseInt(text.slice(j + 2, close), 16));
            j = close;
          } else s += { n: "\n", t: "\t", r: "\r", '"': '"', "'": "'", "\\": "\\" }[e];
        } else s += text[j];
        j++;
      }
      i = j + 1;
      return { string: s };
    }
    if (c === "[") {
      i++;
      const items = [];
      for (ws(); text[i] !== "]"; ws()) {
        items.push(value());
        ws();
        if (text[i] === ",") i++;
      }
      i++;
      return { list: items };
    }
    if (c === "(") {
      i++;
      const items = [];
      for (ws(); text[i] !== ")"; ws()) {
        items.push(value());
        ws();
        if (text[i] === ",") i++;
      }
      i++;
      return { tuple: items };
    }
    if (c === "{") {
      i++;
      const fields = new Map();
      for (ws(); text[i] !== "}"; ws()) {
        const name = text.slice(i).match(/^%?[\w-]+/)[0];
        i += name.length;
        ws();
        i++; // ':'
        fields.set(bare(name), value());
        ws();
        if (text[i] === ",") i++;
      }
      i++;
      return { record: fields };
    }
    const num = text.slice(i).match(/^-?(\d+(\.\d+)?([eE][+-]?\d+)?|nan|inf)/);
    if (num) {
      i += num[0].length;
      return { number: num[0] };
    }
    const word = text.slice(i).match(/^%?[\w-]+/)[0];
    i += word.length;
    if (word === "true" || word === "false") return { bool: word === "true" };
    ws();
    if (text[i] === "(") {
      i++;
      const payload = value();
      ws();
      i++; // ')'
      return { tagged: bare(word), payload };
    }
    return { tagged: bare(word), payload: null };
  };
  const v = value();
  return v;
}

/** Parses `name(arg, ...)` into the export name and the arguments' syntax trees. */
export function parseCall(call) {
  const open = call.indexOf("(");
  const args = splitTop(call.slice(open + 1, call.lastIndexOf(")")), ",").filter((a) => a.trim() !== "");
  return { name: call.slice(0, open).trim(), args: args.map(parseWave) };
}

export const camel = (kebab) => kebab.replace(/-([a-z0-9])/g, (_, c) => c.toUpperCase());

/** A WAVE syntax tree as the JavaScript value jco's bindings take for `type`. */
export function toJs(node, type, world) {
  switch (type.kind) {
    case "list": return node.list.map((n) => toJs(n, type.elem, world));
    case "tuple": return node.tuple.map((n, i) => toJs(n, type.elems[i], world));
    case "option": return node.tagged === "none" ? undefined : toJs(node.payload, type.elem, world);
    case "result": {
      const t = node.tagged === "ok" ? type.ok : type.err;
      return { tag: node.tagged, val: t ? toJs(node.payload, t, world) : undefined };
    }
    case "name": {
      switch (type.name) {
        case "s64": return BigInt(node.number);
        case "f64": return node.number === "nan" ? NaN : node.number.endsWith("inf") ? (node.number.startsWith("-") ? -Infinity : Infinity) : Number(node.number);
        case "bool": return node.bool;
        case "string": return node.string;
      }
      const def = world.types.get(type.name);
      if (def.kind === "record") return Object.fromEntries(def.fields.map(([f, t]) => [camel(f), toJs(node.record.get(f), t, world)]));
      if (def.kind === "enum") return node.tagged;
      const [, payloadType] = def.cases.find(([c]) => c === node.tagged);
      return payloadType ? { tag: node.tagged, val: toJs(node.payload, payloadType, world) } : { tag: node.tagged };
    }
  }
  throw new Error(`unsupported type ${JSON.stringify(type)}`);
}

/** A JavaScript value from jco's bindings, printed as WAVE for `type`. */
export function toWave(value, type, world) {
  switch (type.kind) {
    case "list": return `[${Array.from(value, (v) => toWave(v, type.elem, world)).join(", ")}]`;
    case "tuple": return `(${type.elems.map((t, i) => toWave(value[i], t, world)).join(", ")})`;
    case "option": return value === undefined || value === null ? "none" : `some(${toWave(value, type.elem, world)})`;
    case "result": {
      const t = value.tag === "ok" ? type.ok : type.err;
      return t ? `${value.tag}(${toWave(value.val, t, world)})` : value.tag;
    }
    case "name": {
      switch (type.name) {
        case "s64": return value.toString();
        case "f64": return Number.isNaN(value) ? "nan" : value === Infinity ? "inf" : value === -Infinity ? "-inf" : String(value);
        case "bool": return String(value);
        case "string": return JSON.stringify(value);
      }
      const def = world.types.get(type.name);
      if (def.kind === "record") return `{${def.fields.map(([f, t]) => `${f}: ${toWave(value[camel(f)], t, world)}`).join(", ")}}`;
      if (def.kind === "enum") return value;
      const [, payloadType] = def.cases.find(([c]) => c === value.tag);
      return payloadType ? `${value.tag}(${toWave(value.val, payloadType, world)})` : value.tag;
    }
  }
  throw new Error(`unsupported type ${JSON.stringify(type)}`);
}

/** Calls an export of a jco-transpiled module as `wasmtime run --invoke` would, returning WAVE. */
export function invokeWave(module, world, call) {
  const { name, args } = parseCall(call);
  const sig = world.exports.get(name);
  if (!sig) throw new Error(`no export ${name}`);
  const jsArgs = args.map((a, i) => toJs(a, sig.params[i], world));
  const fn = module[camel(name)];
  if (!sig.result) {
    fn(...jsArgs);
    return "";
  }
  if (sig.result.kind === "result") {
    // jco returns the ok value and throws a ComponentError carrying the err value.
    try {
      return toWave({ tag: "ok", val: fn(...jsArgs) }, sig.result, world);
    } catch (e) {
      if (e && "payload" in e) return toWave({ tag: "err", val: e.payload }, sig.result, world);
      throw e;
    }
  }
  return toWave(fn(...jsArgs), sig.result, world);
}
