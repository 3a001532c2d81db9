// The runner worker: executes one transpiled component off the page's thread, so a runaway
// program never freezes the page. The page terminates the worker on Stop or timeout.
import { execute } from "./runner-core.js";

async function loadModule(source) {
  const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
  try {
    return await import(url);
  } finally {
    URL.revokeObjectURL(url);
  }
}

self.onmessage = async (event) => {
  const { js, modules, dirs } = event.data;
  const error = await execute(
    js,
    modules,
    loadModule,
    (text) => self.postMessage({ type: "stdout", text }),
    (text) => self.postMessage({ type: "stderr", text }),
    { dirs },
  );
  self.postMessage({ type: "done", error });
};
