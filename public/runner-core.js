// Runs a Covenant component in JavaScript: transpile with jco's js-component-bindgen, then
// instantiate with the playground's own WASI shims. Pure: the caller supplies the transpiler's
// `generate` and a way to load an ES module from source text, so the same code runs in the
// page and under Node (tests/node).

/** An output stream that collects text. jco checks resources with `instanceof`, so the class
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

class IoError {
  constructor(message) {
    this.message = message;
  }
  toDebugString() {
    return this.message;
  }
}

class Pollable {
  ready() {
    return true;
  }
  block() {}
}

function collector() {
  const decoder = new TextDecoder();
  const out = { text: "" };
  out.sink = (bytes) => {
    out.text += decoder.decode(bytes, { stream: true });
  };
  return out;
}

/** Import table keyed by unversioned interface names, as jco's async instantiation expects. */
export function wasiShims(stdout, stderr) {
  return {
    "wasi:cli/stdout": { getStdout: () => new OutputStream(stdout.sink) },
    "wasi:cli/stderr": { getStderr: () => new OutputStream(stderr.sink) },
    "wasi:io/streams": { OutputStream, InputStream: class InputStream {} },
    "wasi:io/error": { Error: IoError },
    "wasi:io/poll": { Pollable, poll: () => new Uint32Array() },
  };
}

/**
 * @param generate   js-component-bindgen's `generate(bytes, options)`
 * @param bytes      the component
 * @param loadModule async (jsSourceText) => module namespace
 * @returns {{stdout: string, stderr: string, error: string}}
 */
export async function runComponent(generate, bytes, loadModule) {
  const stdout = collector();
  const stderr = collector();
  let error = "";
  try {
    const { files } = generate(bytes, {
      name: "app",
      instantiation: { tag: "async" },
      noTypescript: true,
      noNodejsCompat: true,
    });
    const byName = new Map(files);
    const js = new TextDecoder().decode(byName.get("app.js"));
    const mod = await loadModule(js);
    const instance = await mod.instantiate(
      (path) => WebAssembly.compile(byName.get(path)),
      wasiShims(stdout, stderr),
    );
    const run = instance.run ?? instance["wasi:cli/run@0.2.12"];
    if (!run) throw new Error("the component exports no wasi:cli/run (no `main` function)");
    try {
      run.run();
    } catch (e) {
      // `run` returning its error case arrives as a thrown ComponentError.
      error = e && e.payload !== undefined ? "the program exited with an error" : String(e);
    }
  } catch (e) {
    error = String(e && e.message ? e.message : e);
  }
  return { stdout: stdout.text, stderr: stderr.text, error };
}
