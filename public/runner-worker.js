// The runner worker: executes one transpiled component off the page's thread, so a runaway
// program never freezes the page. The page terminates the worker on Stop or timeout.
import { execute, needsDatabase } from "./runner-core.js";

/** SQLite (sqlite-wasm), loaded only for a program with a database, once per worker. */
let sqlite;
async function loadSqlite() {
  if (!sqlite) {
    const { default: init } = await import("./vendor/sqlite/index.mjs");
    sqlite = await init();
  }
  return sqlite;
}

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
  let sqlite3;
  try {
    sqlite3 = needsDatabase(js) ? await loadSqlite() : undefined;
  } catch (e) {
    self.postMessage({ type: "done", error: `SQLite could not be loaded: ${e.message ?? e}` });
    return;
  }
  const error = await execute(
    js,
    modules,
    loadModule,
    (text) => self.postMessage({ type: "stdout", text }),
    (text) => self.postMessage({ type: "stderr", text }),
    {
      dirs,
      sqlite3,
      onTables: (tables) => self.postMessage({ type: "tables", tables }),
      onRequest: (request) => self.postMessage({ type: "request", request }),
    },
  );
  self.postMessage({ type: "done", error });
};
