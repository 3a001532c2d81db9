//! One open database: SQLite, PostgreSQL or MySQL / MariaDB, chosen by the URL's scheme. Each
//! statement runs to completion; its rows are read into memory.

use super::values::{from_mysql, from_pg, from_sqlite, pg_param, to_mysql, to_sqlite};
use super::{Error, Rows, Value, error};
use covenant_compiler::sql::Dialect;

pub enum Backend {
    Sqlite(rusqlite::Connection),
    Postgres(tokio_postgres::Client),
    Mysql(Box<mysql::Conn>),
}

fn sqlite_error(e: rusqlite::Error) -> Error {
    let code = match &e {
        rusqlite::Error::SqliteFailure(f, _) => Some(f.extended_code),
        _ => None,
    };
    let readonly = matches!(&e, rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::ReadOnly);
    error(if readonly { "E-QUERY-015" } else { "E-QUERY-012" }, e.to_string(), code)
}

fn pg_error(e: tokio_postgres::Error) -> Error {
    match e.as_db_error() {
        // SQLSTATE 25006: a write in a read-only transaction.
        Some(db) if db.code().code() == "25006" => error("E-QUERY-015", db.message(), None),
        Some(db) => error("E-QUERY-012", format!("{} (SQLSTATE {})", db.message(), db.code().code()), None),
        None => error("E-QUERY-012", e.to_string(), None),
    }
}

fn mysql_error(e: mysql::Error) -> Error {
    match e {
        // 1792: ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION
        mysql::Error::MySqlError(m) if m.code == 1792 => error("E-QUERY-015", m.message, Some(1792)),
        mysql::Error::MySqlError(m) => error("E-QUERY-012", m.message, Some(i32::from(m.code))),
        e => error("E-QUERY-012", e.to_string(), None),
    }
}

impl Backend {
    /// Opens the database at `url`: `postgres://`, `mysql://` (or `mariadb://`), or SQLite
    /// (`sqlite:PATH`, a plain path, or "" / `sqlite::memory:` for a fresh in-memory database).
    /// SQL written for another dialect (`written_for`) quotes names with `"` and joins text
    /// with `||`, as standard SQL does: a MySQL session is told to read it so.
    pub async fn open(url: &str, readonly: bool, written_for: Dialect) -> Result<Backend, Error> {
        let connect = |e: String| error("E-QUERY-014", format!("cannot open the database: {e}"), None);
        let backend = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let (client, connection) =
                tokio_postgres::connect(url, tokio_postgres::NoTls).await.map_err(|e| connect(e.to_string()))?;
            tokio::spawn(async move {
                let _ = connection.await;
            });
            if readonly {
                client.batch_execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY").await.map_err(pg_error)?;
            }
            Backend::Postgres(client)
        } else if let Some(rest) = url.strip_prefix("mysql://").or_else(|| url.strip_prefix("mariadb://")) {
            let opts = mysql::Opts::from_url(&format!("mysql://{rest}")).map_err(|e| connect(e.to_string()))?;
            let mut conn = mysql::Conn::new(opts).map_err(|e| connect(e.to_string()))?;
            use mysql::prelude::Queryable;
            if readonly {
                conn.query_drop("SET SESSION TRANSACTION READ ONLY").map_err(mysql_error)?;
            }
            if written_for != Dialect::Mysql {
                conn.query_drop("SET SESSION sql_mode = CONCAT(@@SESSION.sql_mode, ',ANSI_QUOTES,PIPES_AS_CONCAT')")
                    .map_err(mysql_error)?;
            }
            Backend::Mysql(Box::new(conn))
        } else {
            let path = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")).unwrap_or(url);
            let conn = if path.is_empty() || path == ":memory:" {
                rusqlite::Connection::open_in_memory()
            } else {
                rusqlite::Connection::open(path)
            }
            .map_err(|e| connect(e.to_string()))?;
            if readonly {
                conn.execute_batch("PRAGMA query_only = ON").map_err(sqlite_error)?;
            }
            Backend::Sqlite(conn)
        };
        Ok(backend)
    }

    pub fn dialect(&self) -> Dialect {
        match self {
            Backend::Sqlite(_) => Dialect::Sqlite,
            Backend::Postgres(_) => Dialect::Postgres,
            Backend::Mysql(_) => Dialect::Mysql,
        }
    }

    /// `begin`, `commit` or `rollback`.
    pub async fn control(&mut self, how: &str) -> Result<(), Error> {
        let statement = match (how, &self) {
            ("begin", Backend::Mysql(_)) => "START TRANSACTION",
            ("begin", _) => "BEGIN",
            ("commit", _) => "COMMIT",
            _ => "ROLLBACK",
        };
        match self {
            Backend::Sqlite(c) => c.execute_batch(statement).map_err(sqlite_error),
            Backend::Postgres(c) => c.batch_execute(statement).await.map_err(pg_error),
            Backend::Mysql(c) => {
                use mysql::prelude::Queryable;
                c.query_drop(statement).map_err(mysql_error)
            }
        }
    }

    /// Runs one statement with its parameters (already in this database's placeholder form).
    pub async fn run(&mut self, text: &str, params: Vec<Value>) -> Result<Rows, Error> {
        let mut out = Rows { columns: vec![], rows: Default::default(), affected: 0 };
        match self {
            Backend::Sqlite(c) => {
                let mut stmt = c.prepare(text).map_err(sqlite_error)?;
                out.columns = stmt.column_names().map(String::from).collect();
                let values = rusqlite::params_from_iter(params.iter().map(to_sqlite));
                if out.columns.is_empty() {
                    out.affected = stmt.execute(values).map_err(sqlite_error)? as u64;
                    return Ok(out);
                }
                let n = out.columns.len();
                let mut rows = stmt.query(values).map_err(sqlite_error)?;
                while let Some(row) = rows.next().map_err(sqlite_error)? {
                    let mut values = Vec::with_capacity(n);
                    for i in 0..n {
                        values.push(from_sqlite(row.get_ref(i).map_err(sqlite_error)?));
                    }
                    out.rows.push_back(values);
                }
            }
            Backend::Postgres(c) => {
                let stmt = c.prepare(text).await.map_err(pg_error)?;
                let owned: Vec<_> = params.iter().map(pg_param).collect();
                let refs: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> =
                    owned.iter().map(|p| p as &(dyn tokio_postgres::types::ToSql + Sync)).collect();
                out.columns = stmt.columns().iter().map(|c| c.name().to_string()).collect();
                if out.columns.is_empty() {
                    out.affected = c.execute(&stmt, &refs).await.map_err(pg_error)?;
                    return Ok(out);
                }
                for row in c.query(&stmt, &refs).await.map_err(pg_error)? {
                    let mut values = Vec::with_capacity(row.len());
                    for i in 0..row.len() {
                        values.push(from_pg(&row, i)?);
                    }
                    out.rows.push_back(values);
                }
            }
            Backend::Mysql(c) => {
                use mysql::prelude::Queryable;
                let values: Vec<mysql::Value> = params.iter().map(to_mysql).collect();
                let params = if values.is_empty() { mysql::Params::Empty } else { mysql::Params::Positional(values) };
                let mut result = c.exec_iter(text, params).map_err(mysql_error)?;
                let columns = result.columns().as_ref().to_vec();
                out.columns = columns.iter().map(|c| c.name_str().to_string()).collect();
                out.affected = result.affected_rows();
                for row in result.by_ref() {
                    let row = row.map_err(mysql_error)?;
                    let mut values = Vec::with_capacity(columns.len());
                    for (i, column) in columns.iter().enumerate() {
                        values.push(from_mysql(row.as_ref(i).cloned().unwrap_or(mysql::Value::NULL), column));
                    }
                    out.rows.push_back(values);
                }
            }
        }
        Ok(out)
    }
}
