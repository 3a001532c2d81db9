// Page side of the runner: loads jco's transpiler (served by this site, on the first Run),
// transpiles in the page, and runs the result in a fresh worker that Stop or the timeout ends.
// Exposes `window.covenantRunner` to the Leptos app.
import { transpile } from "./runner-core.js";
import { BUILTIN_HOST } from "./http.js";

let transpiler = null;

/** The databases' tables after a run, as text: a heading per table, then its rows. */
export function formatTables(tables) {
  const cell = (v) => (v === null ? "NULL" : v instanceof Uint8Array ? `<${v.length} bytes>` : String(v));
  return tables
    .map(({ name, columns, rows }) =>
      [`${name} (${rows.length} row${rows.length === 1 ? "" : "s"})`, columns.join(" | "), ...rows.map((r) => r.map(cell).join(" | "))].join("\n"),
    )
    .join("\n\n");
}
let current = null;

/** One line of the request log: `GET https://api.example.com/users/1 -> 200 (built in)`. */
export function formatRequest({ method, url, status, error }) {
  const builtIn = new URL(url).hostname === BUILTIN_HOST ? " (built in)" : "";
  return `${method} ${url} -> ${error ?? status}${builtIn}`;
}

function loadTranspiler() {
  transpiler ??= import(new URL("vendor/jco/js-component-bindgen-component.js", document.baseURI).href).then(
    async (m) => {
      await m.$init;
      return m;
    },
  );
  return transpiler;
}

let printer = null;

/** jco's wasm-tools component (wasmprinter inside), served by this site, loaded on first use. */
function loadPrinter() {
  printer ??= import(new URL("vendor/jco/wasm-tools.js", document.baseURI).href).then(async (m) => {
    await m.$init;
    return m.tools;
  });
  return printer;
}

window.covenantRunner = {
  /** The component as WebAssembly text (WAT). */
  async wat(bytes) {
    const tools = await loadPrinter();
    return tools.print(new Uint8Array(bytes));
  },

  /** Milliseconds a run may take before the worker is ended. */
  timeoutMs: 10000,

  async run(bytes, dirs) {
    const { generate } = await loadTranspiler();
    // Copy: the Rust side's view into wasm memory must not be held across awaits.
    const { js, modules } = transpile(generate, new Uint8Array(bytes));
    current?.stop();
    return new Promise((resolve) => {
      let stdout = "";
      let stderr = "";
      let tables = "";
      // The HTTP requests the program made, one line each (public/http.js answers api.example.com).
      const requests = [];
      const worker = new Worker(new URL("runner-worker.js", document.baseURI), { type: "module" });
      const finish = (error) => {
        clearTimeout(timer);
        worker.terminate();
        current = null;
        resolve({ stdout, stderr, error, tables, requests: requests.join("\n") });
      };
      const limit = this.timeoutMs;
      const timer = setTimeout(() => finish(`timeout: the program ran longer than ${limit / 1000} s and was stopped`), limit);
      worker.onmessage = ({ data }) => {
        if (data.type === "stdout") stdout += data.text;
        else if (data.type === "stderr") stderr += data.text;
        else if (data.type === "tables") tables = formatTables(data.tables);
        else if (data.type === "request") requests.push(formatRequest(data.request));
        else if (data.type === "done") finish(data.error);
      };
      worker.onerror = (e) => finish(String(e.message || e));
      current = { stop: () => finish("stopped") };
      worker.postMessage({ js, modules, dirs: [...(dirs ?? [])] }, modules.map(([, b]) => b.buffer));
    });
  },

  stop() {
    current?.stop();
  },

  /** Offers the component as a file download. */
  download(bytes, name) {
    const url = URL.createObjectURL(new Blob([new Uint8Array(bytes)], { type: "application/wasm" }));
    const a = Object.assign(document.createElement("a"), { href: url, download: name });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  },
};

window.dispatchEvent(new Event("covenant-runner"));
