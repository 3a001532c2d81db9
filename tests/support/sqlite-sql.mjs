// `covenant:database/sql` for jco-transpiled components under Node (jco's `map` points the
// interface here): the playground's SQLite shim over sqlite-wasm.
import init from "@sqlite.org/sqlite-wasm";
import { sqlDatabase } from "../../public/sqlite-db.js";

export const sqlite3 = await init();
export const sql = sqlDatabase(sqlite3).imports;
