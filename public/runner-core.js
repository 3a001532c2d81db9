// Runs a Covenant component in JavaScript: transpile with jco's js-component-bindgen, then
// instantiate with the playground's own WASI shims. Pure: the caller supplies the transpiler's
// `generate` and a way to load an ES module from source text, so the same code runs in the
// page (transpile), in the runner worker (execute) and under Node (tests/node).
import { memoryFilesystem } from "./memfs.js";
import { memoryStore } from "./kv.js";
import { sqlDatabase } from "./sqlite-db.js";
import { httpShim } from "./http.js";
import { projectQuery, symbolsOf } from "./project.js";

/** An output stream that passes text on. jco checks resources with `instanceof`, so the class
 *  object passed in the import table must be the one `get-stdout` instances come from. */
class OutputStream {
  constructor(sink) {
    this.sink = sink;
  }
  checkWrite() {
    return 1n << 20n;
  }
  write(bytes) {
    this.sink(bytes);
  }
  blockingWriteAndFlush(bytes) {
    this.sink(bytes);
  }
  flush() {}
  blockingFlush() {}
}

/** An input stream over bytes that are all there (an HTTP response body). */
class InputStream {
  constructor(bytes = new Uint8Array()) {
    this.bytes = bytes;
    this.at = 0;
  }
  read(len) {
    return this.blockingRead(len);
  }
  blockingRead(len) {
    if (this.at >= this.bytes.length) throw { tag: "closed" };
    const n = Math.min(Number(len), this.bytes.length - this.at);
    this.at += n;
    return this.bytes.slice(this.at - n, this.at);
  }
}

class IoError {
  constructor(message) {
    this.message = message;
  }
  toDebugString() {
    return this.message;
  }
}

/** A pollable that is ready at a deadline on the monotonic clock (milliseconds, performance.now). */
class Pollable {
  constructor(deadline = 0) {
    this.deadline = deadline;
  }
  ready() {
    return performance.now() >= this.deadline;
  }
  block() {
    // Runs in the runner worker, so waiting here never freezes the page.
    while (!this.ready()) {
      /* wait */
    }
  }
}

const monotonicClock = {
  now: () => BigInt(Math.round(performance.now() * 1e6)),
  resolution: () => 1000n,
  subscribeDuration: (ns) => new Pollable(performance.now() + Number(ns) / 1e6),
  subscribeInstant: (at) => new Pollable(Number(at) / 1e6),
};

/** `wasi:clocks/wall-clock` from Date.now (millisecond precision, like the browser's clock). */
const wallClock = {
  now: () => {
    const ms = Date.now();
    return { seconds: BigInt(Math.floor(ms / 1000)), nanoseconds: (ms % 1000) * 1e6 };
  },
  resolution: () => ({ seconds: 0n, nanoseconds: 1e6 }),
};

/** A byte sink that decodes UTF-8 across chunk boundaries and hands text to `onText`. */
function textSink(onText) {
  const decoder = new TextDecoder();
  return (bytes) => {
    const text = decoder.decode(bytes, { stream: true });
    if (text) onText(text);
  };
}

/** Whether a transpiled component imports `covenant:database/sql` (then the caller loads SQLite). */
export function needsDatabase(js) {
  return js.includes("covenant:database/sql");
}

/** Import table keyed by unversioned interface names, as jco's async instantiation expects.
 *  `dirs` are the program's declared filesystem paths, each an empty in-memory directory;
 *  `database` (from `sqlDatabase`) serves `covenant:database/sql` when the program has one;
 *  `onRequest` hears of every HTTP request (public/http.js); `symbols` is the program's symbol
 *  graph, which `covenant:project/query` answers from (public/project.js). */
export function wasiShims(onStdout, onStderr, { dirs = [], database, onRequest, symbols } = {}) {
  const stdout = textSink(onStdout);
  const stderr = textSink(onStderr);
  return {
    ...(database ? { "covenant:database/sql": database.imports } : {}),
    "covenant:project/query": projectQuery(symbols),
    "wasi:cli/stdout": { getStdout: () => new OutputStream(stdout) },
    "wasi:cli/stderr": { getStderr: () => new OutputStream(stderr) },
    "wasi:io/streams": { OutputStream, InputStream },
    "wasi:io/error": { Error: IoError },
    "wasi:io/poll": { Pollable, poll: () => new Uint32Array() },
    "wasi:clocks/monotonic-clock": monotonicClock,
    "wasi:clocks/wall-clock": wallClock,
    "wasi:random/random": {
      getRandomU64: () => crypto.getRandomValues(new BigUint64Array(1))[0],
      getRandomBytes: (n) => crypto.getRandomValues(new Uint8Array(Number(n))),
    },
    "wasi:keyvalue/store": memoryStore(),
    // The page has no environment to pass on.
    "wasi:cli/environment": { getEnvironment: () => [], getArguments: () => [], initialCwd: () => undefined },
    ...memoryFilesystem(dirs),
    ...httpShim({ OutputStream, InputStream, Pollable, onRequest }),
  };
}

/** Component bytes -> { js: the generated module's source, modules: [[name, core wasm bytes]] }. */
export function transpile(generate, bytes) {
  const { files } = generate(bytes, {
    name: "app",
    instantiation: { tag: "async" },
    noTypescript: true,
    noNodejsCompat: true,
  });
  const js = new TextDecoder().decode(files.find(([name]) => name === "app.js")[1]);
  return { js, modules: files.filter(([name]) => name.endsWith(".wasm")) };
}

/** Instantiates a transpiled component and calls `wasi:cli/run`; returns "" or the error text.
 *  `options.sqlite3` (an initialized sqlite-wasm module) backs `covenant:database/sql`, and
 *  `options.onTables` is given the databases' tables after the run. */
export async function execute(js, modules, loadModule, onStdout, onStderr, options = {}) {
  const database = options.sqlite3 ? sqlDatabase(options.sqlite3) : undefined;
  try {
    // Compiled up front: the core module's `covenant:symbols` section is the project's graph.
    const compiled = new Map();
    for (const [name, bytes] of modules) compiled.set(name, await WebAssembly.compile(bytes));
    const symbols = [...compiled.values()].map(symbolsOf).find((s) => s !== undefined);
    const mod = await loadModule(js);
    const instance = await mod.instantiate(
      (path) => compiled.get(path),
      wasiShims(onStdout, onStderr, { ...options, database, symbols }),
    );
    const run = instance.run ?? instance["wasi:cli/run@0.2.12"];
    if (!run) return "the component exports no wasi:cli/run (no `main` function)";
    try {
      run.run();
    } catch (e) {
      // `run` returning its error case arrives as a thrown ComponentError.
      return e && e.payload !== undefined ? "the program exited with an error" : describe(e);
    } finally {
      if (database && options.onTables) options.onTables(database.tables());
    }
    return "";
  } catch (e) {
    return describe(e);
  }
}

function describe(e) {
  const text = String(e && e.message ? e.message : e);
  if (/covenant_error_integer_overflow/.test(e && e.stack) || /integer overflow/i.test(text)) return "runtime error: integer overflow";
  if (/divide by zero/i.test(text)) return "runtime error: division by zero";
  if (/covenant_error_out_of_memory/.test(e && e.stack)) return "runtime error: out of memory";
  if (/covenant_error_index_out_of_range/.test(e && e.stack)) return "runtime error: index out of range";
  if (/call stack/i.test(text)) return "runtime error: stack overflow: recursion too deep";
  if (/covenant_error_database_failed/.test(e && e.stack)) return "runtime error: database failed";
  return text;
}

/** Transpile and run in one go, collecting output (used by the Node tests). */
export async function runComponent(generate, bytes, loadModule, options = {}) {
  let stdout = "";
  let stderr = "";
  let error;
  try {
    const { js, modules } = transpile(generate, bytes);
    error = await execute(js, modules, loadModule, (t) => (stdout += t), (t) => (stderr += t), options);
  } catch (e) {
    error = describe(e);
  }
  return { stdout, stderr, error };
}
