// covenant:database/sql on SQLite compiled to WebAssembly (@sqlite.org/sqlite-wasm), for the
// playground's runner and the jco tests: every database a program opens is an in-memory SQLite
// database that lasts the run, as `covenant run` gives for the embedded default. SQL written for
// another dialect has its positional placeholders (`$1`, `@p1`, `?`) turned into SQLite's `?N`;
// SQLite reads the other dialects' name quoting (`"x"`, `` `x` ``, `[x]`) as it is.
// jco conventions: a `result` error is thrown as `{ payload }`, s64 / u64 are BigInt.

/** The positional placeholders of `sql` as SQLite's `?N`, skipping literals and comments. */
export function toSqlitePlaceholders(sql) {
  let out = "";
  let bare = 0;
  for (let i = 0; i < sql.length; ) {
    const c = sql[i];
    if (c === "'" || c === '"' || c === "`") {
      const end = sql.indexOf(c, i + 1);
      const stop = end < 0 ? sql.length : end + 1;
      out += sql.slice(i, stop);
      i = stop;
    } else if (c === "-" && sql[i + 1] === "-") {
      const end = sql.indexOf("\n", i);
      const stop = end < 0 ? sql.length : end;
      out += sql.slice(i, stop);
      i = stop;
    } else if ((c === "$" || c === "?") && /[0-9]/.test(sql[i + 1] ?? "")) {
      const m = /^[0-9]+/.exec(sql.slice(i + 1))[0];
      out += `?${m}`;
      i += 1 + m.length;
    } else if (c === "@" && sql[i + 1] === "p" && /^[0-9]+\b/.test(sql.slice(i + 2))) {
      const m = /^[0-9]+/.exec(sql.slice(i + 2))[0];
      out += `?${m}`;
      i += 2 + m.length;
    } else if (c === "?") {
      bare += 1;
      out += `?${bare}`;
      i += 1;
    } else {
      out += c;
      i += 1;
    }
  }
  return out;
}

/** The `covenant:database/sql` imports over an initialized sqlite3 module. `log` (optional) is
 *  told each statement, for the page's view of what ran. */
export function sqlDatabase(sqlite3, { log } = {}) {
  const { capi } = sqlite3;
  const databases = new Map();
  const failure = (e) => ({
    payload: { code: "E-QUERY-012", message: String(e && e.message ? e.message : e), dialectCode: e?.resultCode },
  });

  const bindValue = (v) => {
    switch (v.tag) {
      case "null":
        return null;
      case "bool":
        return v.val ? 1 : 0;
      default:
        return v.val;
    }
  };

  const readValue = (stmt, i) => {
    switch (capi.sqlite3_column_type(stmt.pointer, i)) {
      case capi.SQLITE_INTEGER:
        return { tag: "int", val: BigInt(stmt.get(i)) };
      case capi.SQLITE_FLOAT:
        return { tag: "float", val: stmt.get(i) };
      case capi.SQLITE_TEXT:
        return { tag: "text", val: stmt.get(i) };
      case capi.SQLITE_BLOB:
        return { tag: "blob", val: stmt.get(i) };
      default:
        return { tag: "null" };
    }
  };

  class Rows {
    constructor(columns, rows, affected) {
      this.names = columns;
      this.rows = rows;
      this.affected = affected;
    }
    next() {
      const row = this.rows.shift();
      return row && { columns: this.names.map((name, i) => [name, row[i]]) };
    }
    columns() {
      return this.names;
    }
    rowsAffected() {
      return this.affected;
    }
  }

  function run(db, dialect, sql, params) {
    const text = dialect === "sqlite" ? sql : toSqlitePlaceholders(sql);
    log?.(text);
    let stmt;
    try {
      stmt = db.prepare(text);
      if (params.length) stmt.bind(params.map(bindValue));
      const names = [];
      for (let i = 0; i < stmt.columnCount; i++) names.push(stmt.getColumnName(i));
      const rows = [];
      while (stmt.step()) {
        const row = [];
        for (let i = 0; i < names.length; i++) row.push(readValue(stmt, i));
        rows.push(row);
      }
      return new Rows(names, rows, names.length ? 0n : BigInt(db.changes()));
    } catch (e) {
      throw failure(e);
    } finally {
      stmt?.finalize();
    }
  }

  function control(db, statement) {
    try {
      log?.(statement);
      db.exec(statement);
    } catch (e) {
      throw failure(e);
    }
  }

  class Transaction {
    constructor(connection) {
      this.connection = connection;
      this.done = false;
    }
    query(sql, params) {
      return run(this.connection.db, this.connection.dialect, sql, params);
    }
    execute(sql, params) {
      return run(this.connection.db, this.connection.dialect, sql, params).affected;
    }
    commit() {
      this.done = true;
      control(this.connection.db, "COMMIT");
    }
    rollback() {
      this.done = true;
      control(this.connection.db, "ROLLBACK");
    }
  }

  class Connection {
    constructor(db, dialect) {
      this.db = db;
      this.dialect = dialect;
    }
    static open(dialect, connectionString) {
      // One database per connection string, for the whole run.
      let db = databases.get(connectionString);
      if (!db) {
        db = new sqlite3.oo1.DB(":memory:", "c");
        databases.set(connectionString, db);
      }
      return new Connection(db, dialect);
    }
    query(sql, params) {
      return run(this.db, this.dialect, sql, params);
    }
    execute(sql, params) {
      return run(this.db, this.dialect, sql, params).affected;
    }
    begin() {
      control(this.db, "BEGIN");
      return new Transaction(this);
    }
  }

  /** The tables of every database the run opened: [{ name, columns, rows }] (for the page). */
  function tables() {
    const out = [];
    for (const db of databases.values()) {
      const names = db.selectValues("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
      for (const name of names) {
        const stmt = db.prepare(`SELECT * FROM "${name.replaceAll('"', '""')}" LIMIT 100`);
        const columns = [];
        for (let i = 0; i < stmt.columnCount; i++) columns.push(stmt.getColumnName(i));
        const rows = [];
        while (stmt.step()) rows.push(columns.map((_, i) => stmt.get(i)));
        stmt.finalize();
        out.push({ name, columns, rows });
      }
    }
    return out;
  }

  return { imports: { Connection, Transaction, Rows }, tables };
}
