// Browser side of the runner: loads jco's transpiler (served by this site, on the first Run),
// and exposes `window.covenantRunner.run(bytes)` to the Leptos app.
import { runComponent } from "./runner-core.js";

let transpiler = null;

function loadTranspiler() {
  transpiler ??= import(new URL("vendor/jco/js-component-bindgen-component.js", document.baseURI).href).then(
    async (m) => {
      await m.$init;
      return m;
    },
  );
  return transpiler;
}

async function loadModule(source) {
  const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
  try {
    return await import(url);
  } finally {
    URL.revokeObjectURL(url);
  }
}

window.covenantRunner = {
  async run(bytes) {
    const { generate } = await loadTranspiler();
    // Copy: the Rust side's view into wasm memory must not be held across awaits.
    return runComponent(generate, new Uint8Array(bytes), loadModule);
  },
};
