//! `covenant:database/sql` on real databases: SQLite (rusqlite, bundled; the embedded default),
//! PostgreSQL (tokio-postgres) and MySQL / MariaDB (mysql). A component may open only the
//! databases its `covenant:capabilities` section declares, each at the URL its `connection`
//! names (a URL, `env:NAME` read from the host's environment, or "" for an in-memory SQLite
//! database), unless `--db NAME=URL` says otherwise. A database that only read-only functions use
//! is opened read-only, and the host refuses writes to it before the database does.

mod backend;
mod values;

use backend::Backend;
use covenant_compiler::sql::{self, Dialect};
use std::sync::Arc;
use tokio::sync::Mutex;
use wasmtime::component::{HasData, Resource, ResourceTable};

mod generated {
    wasmtime::component::bindgen!({
        path: "../wit/covenant-database.wit",
        inline: "package covenant:host; world database { import covenant:database/sql; }",
        world: "covenant:host/database",
        imports: { default: async },
        with: {
            "covenant:database/sql.connection": super::Connection,
            "covenant:database/sql.transaction": super::Transaction,
            "covenant:database/sql.rows": super::Rows,
        },
    });
}

pub use generated::covenant::database::sql::{self as wit, Error, Value};

/// A database the component declares (from its capabilities section).
#[derive(Clone, Debug, serde::Deserialize)]
pub struct Declared {
    pub id: String,
    pub dialect: Dialect,
    #[serde(default)]
    pub connection: String,
    #[serde(default)]
    pub readonly: bool,
}

/// The databases a run may open, and how.
#[derive(Clone, Debug, Default)]
pub struct DbGrants {
    pub declared: Vec<Declared>,
    /// `--db NAME=URL`: NAME is a database's id or the id's last segment.
    pub overrides: Vec<(String, String)>,
}

/// `NAME=URL`.
pub fn parse_db(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((name, url)) if !name.is_empty() && !url.is_empty() => Ok((name.to_string(), url.to_string())),
        _ => Err(format!("`{text}` is not NAME=URL, e.g. app=postgres://localhost/test")),
    }
}

pub struct DbCtx {
    grants: DbGrants,
    /// The last error a database operation returned, for the message of `database failed`.
    pub last_error: Option<String>,
    /// Connections, transactions and results not yet dropped (at most `MAX_HANDLES`).
    handles: usize,
}

/// Open database handles a component may hold at once: compiled programs drop each result
/// after reading it, so only a component that leaks them reaches this.
pub const MAX_HANDLES: usize = 1024;

impl DbCtx {
    pub fn new(grants: DbGrants) -> DbCtx {
        DbCtx { grants, last_error: None, handles: 0 }
    }
}

pub struct Connection {
    backend: Arc<Mutex<Backend>>,
    /// The dialect the component writes its placeholders in.
    dialect: Dialect,
    readonly: bool,
}

pub struct Transaction {
    backend: Arc<Mutex<Backend>>,
    dialect: Dialect,
    readonly: bool,
    done: bool,
}

/// Results, read completely when the statement ran.
pub struct Rows {
    columns: Vec<String>,
    rows: std::collections::VecDeque<Vec<Value>>,
    affected: u64,
}

pub struct Db<'a> {
    pub ctx: &'a mut DbCtx,
    pub table: &'a mut ResourceTable,
}

pub struct DbData;

impl HasData for DbData {
    type Data<'a> = Db<'a>;
}

pub fn error(code: &str, message: impl Into<String>, dialect_code: Option<i32>) -> Error {
    Error { code: code.into(), message: message.into(), dialect_code }
}

fn table_error(e: wasmtime::component::ResourceTableError) -> Error {
    error("E-QUERY-014", format!("database handle: {e}"), None)
}

impl Db<'_> {
    /// A new handle, within `MAX_HANDLES`.
    fn push<T: Send + 'static>(&mut self, value: T) -> Result<Resource<T>, Error> {
        if self.ctx.handles >= MAX_HANDLES {
            return Err(error(
                "E-QUERY-014",
                format!("too many open database handles (the limit is {MAX_HANDLES}); drop results after reading them"),
                None,
            ));
        }
        let r = self.table.push(value).map_err(table_error)?;
        self.ctx.handles += 1;
        Ok(r)
    }

    fn release(&mut self) {
        self.ctx.handles = self.ctx.handles.saturating_sub(1);
    }

    fn connection(&self, conn: &Resource<Connection>) -> Result<(Arc<Mutex<Backend>>, Dialect, bool), Error> {
        let c = self.table.get(conn).map_err(table_error)?;
        Ok((c.backend.clone(), c.dialect, c.readonly))
    }

    fn transaction(&self, tx: &Resource<Transaction>) -> Result<(Arc<Mutex<Backend>>, Dialect, bool), Error> {
        let t = self.table.get(tx).map_err(table_error)?;
        Ok((t.backend.clone(), t.dialect, t.readonly))
    }

    fn remember<T>(&mut self, r: Result<T, Error>) -> Result<T, Error> {
        if let Err(e) = &r {
            self.ctx.last_error = Some(format!("{}: {}", e.code, e.message));
        }
        r
    }

    /// The URL a declared database opens at.
    fn url_of(&self, d: &Declared) -> Result<String, Error> {
        let short = d.id.rsplit('.').next().unwrap_or(&d.id);
        if let Some((_, url)) = self.ctx.grants.overrides.iter().find(|(n, _)| n == &d.id || n == short) {
            return Ok(url.clone());
        }
        match d.connection.strip_prefix("env:") {
            Some(var) => std::env::var(var).map_err(|_| {
                error(
                    "E-QUERY-014",
                    format!("database `{}`: environment variable {var} is not set (or pass --db {short}=URL)", d.id),
                    None,
                )
            }),
            None => Ok(d.connection.clone()),
        }
    }

    async fn open(&mut self, dialect: Dialect, connection: String) -> Result<Resource<Connection>, Error> {
        let declared =
            self.ctx.grants.declared.iter().find(|d| d.dialect == dialect && d.connection == connection).cloned();
        let Some(d) = declared else {
            return Err(error(
                "E-QUERY-014",
                format!("the program does not declare a {} database at `{connection}`", dialect.name()),
                None,
            ));
        };
        // One database may be declared by several snippets: read-only only when all say so.
        let readonly = self
            .ctx
            .grants
            .declared
            .iter()
            .filter(|x| x.dialect == dialect && x.connection == connection)
            .all(|x| x.readonly);
        let url = self.url_of(&d)?;
        let backend = Backend::open(&url, readonly, dialect).await?;
        let conn = Connection { backend: Arc::new(Mutex::new(backend)), dialect, readonly };
        self.push(conn)
    }
}

/// Runs one statement: placeholders translated from the component's dialect to the backend's,
/// writes refused on a read-only database.
async fn run(
    backend: &Mutex<Backend>,
    dialect: Dialect,
    readonly: bool,
    text: &str,
    params: Vec<Value>,
) -> Result<Rows, Error> {
    if readonly && sql::is_write(text) {
        return Err(error(
            "E-QUERY-015",
            "this database is read-only: the program declares database(readonly=true)",
            None,
        ));
    }
    let mut backend = backend.lock().await;
    let target = backend.dialect();
    let (text, order) = if target == dialect {
        (text.to_string(), (0..params.len()).collect())
    } else {
        sql::translate(text, target, params.len())
    };
    let mut ordered = Vec::with_capacity(order.len());
    for i in order {
        let v = params
            .get(i)
            .ok_or_else(|| error("E-QUERY-012", format!("placeholder {} has no parameter", i + 1), None))?;
        ordered.push(v.clone());
    }
    backend.run(&text, ordered).await
}

impl wit::Host for Db<'_> {}

impl wit::HostConnection for Db<'_> {
    async fn open(&mut self, dialect: wit::Dialect, connection: String) -> Result<Resource<Connection>, Error> {
        let dialect = match dialect {
            wit::Dialect::Postgres => Dialect::Postgres,
            wit::Dialect::Mysql => Dialect::Mysql,
            wit::Dialect::Sqlserver => Dialect::Sqlserver,
            wit::Dialect::Sqlite => Dialect::Sqlite,
        };
        let r = Db::open(self, dialect, connection).await;
        self.remember(r)
    }

    async fn query(
        &mut self,
        conn: Resource<Connection>,
        text: String,
        params: Vec<Value>,
    ) -> Result<Resource<Rows>, Error> {
        let r = async {
            let (backend, dialect, readonly) = self.connection(&conn)?;
            let rows = run(&backend, dialect, readonly, &text, params).await?;
            self.push(rows)
        }
        .await;
        self.remember(r)
    }

    async fn execute(&mut self, conn: Resource<Connection>, text: String, params: Vec<Value>) -> Result<u64, Error> {
        let r = match self.connection(&conn) {
            Ok((backend, dialect, readonly)) => {
                run(&backend, dialect, readonly, &text, params).await.map(|r| r.affected)
            }
            Err(e) => Err(e),
        };
        self.remember(r)
    }

    async fn begin(&mut self, conn: Resource<Connection>) -> Result<Resource<Transaction>, Error> {
        let r = async {
            let (backend, dialect, readonly) = self.connection(&conn)?;
            backend.lock().await.control("begin").await?;
            self.push(Transaction { backend, dialect, readonly, done: false })
        }
        .await;
        self.remember(r)
    }

    async fn drop(&mut self, conn: Resource<Connection>) -> wasmtime::Result<()> {
        self.table.delete(conn)?;
        self.release();
        Ok(())
    }
}

impl Db<'_> {
    async fn finish(&mut self, tx: &Resource<Transaction>, how: &str) -> Result<(), Error> {
        let t = self.table.get_mut(tx).map_err(table_error)?;
        if t.done {
            return Err(error("E-QUERY-012", "the transaction has ended", None));
        }
        t.done = true;
        let backend = t.backend.clone();
        backend.lock().await.control(how).await
    }
}

impl wit::HostTransaction for Db<'_> {
    async fn query(
        &mut self,
        tx: Resource<Transaction>,
        text: String,
        params: Vec<Value>,
    ) -> Result<Resource<Rows>, Error> {
        let r = async {
            let (backend, dialect, readonly) = self.transaction(&tx)?;
            let rows = run(&backend, dialect, readonly, &text, params).await?;
            self.push(rows)
        }
        .await;
        self.remember(r)
    }

    async fn execute(&mut self, tx: Resource<Transaction>, text: String, params: Vec<Value>) -> Result<u64, Error> {
        let r = match self.transaction(&tx) {
            Ok((backend, dialect, readonly)) => {
                run(&backend, dialect, readonly, &text, params).await.map(|r| r.affected)
            }
            Err(e) => Err(e),
        };
        self.remember(r)
    }

    async fn commit(&mut self, tx: Resource<Transaction>) -> Result<(), Error> {
        let r = self.finish(&tx, "commit").await;
        self.remember(r)
    }

    async fn rollback(&mut self, tx: Resource<Transaction>) -> Result<(), Error> {
        let r = self.finish(&tx, "rollback").await;
        self.remember(r)
    }

    /// A transaction dropped without commit or rollback is rolled back.
    async fn drop(&mut self, tx: Resource<Transaction>) -> wasmtime::Result<()> {
        let t = self.table.delete(tx)?;
        self.release();
        if !t.done {
            let _ = t.backend.lock().await.control("rollback").await;
        }
        Ok(())
    }
}

impl wit::HostRows for Db<'_> {
    async fn next(&mut self, rows: Resource<Rows>) -> Option<wit::Row> {
        let r = self.table.get_mut(&rows).ok()?;
        let values = r.rows.pop_front()?;
        Some(wit::Row { columns: r.columns.iter().cloned().zip(values).collect() })
    }

    async fn columns(&mut self, rows: Resource<Rows>) -> Vec<String> {
        self.table.get(&rows).map(|r| r.columns.clone()).unwrap_or_default()
    }

    async fn rows_affected(&mut self, rows: Resource<Rows>) -> u64 {
        self.table.get(&rows).map(|r| r.affected).unwrap_or(0)
    }

    async fn drop(&mut self, rows: Resource<Rows>) -> wasmtime::Result<()> {
        self.table.delete(rows)?;
        self.release();
        Ok(())
    }
}

pub fn add_to_linker<T: Send + 'static>(
    linker: &mut wasmtime::component::Linker<T>,
    get: fn(&mut T) -> Db<'_>,
) -> wasmtime::Result<()> {
    wit::add_to_linker::<T, DbData>(linker, get)
}

/// The databases a compiled component declares, from its capabilities section.
pub fn declared(capabilities: &serde_json::Value) -> Vec<Declared> {
    capabilities["databases"]
        .as_array()
        .map(|a| a.iter().filter_map(|d| serde_json::from_value(d.clone()).ok()).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use wit::{HostConnection, HostRows};

    #[test]
    fn a_component_that_leaks_results_hits_the_handle_limit() {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let declared = vec![Declared {
                id: "db.app".into(),
                dialect: Dialect::Sqlite,
                connection: String::new(),
                readonly: false,
            }];
            let mut ctx = DbCtx::new(DbGrants { declared, overrides: vec![] });
            let mut table = ResourceTable::new();
            let mut db = Db { ctx: &mut ctx, table: &mut table };
            // Undeclared databases are refused.
            let refused = HostConnection::open(&mut db, wit::Dialect::Postgres, "postgres://x".into()).await;
            assert_eq!(refused.err().map(|e| e.code), Some("E-QUERY-014".to_string()));
            let conn = HostConnection::open(&mut db, wit::Dialect::Sqlite, String::new()).await.unwrap();
            let mut kept = vec![];
            for _ in 0..MAX_HANDLES - 1 {
                let rows =
                    HostConnection::query(&mut db, Resource::new_borrow(conn.rep()), "SELECT 1".into(), vec![]).await;
                kept.push(rows.unwrap());
            }
            let over =
                HostConnection::query(&mut db, Resource::new_borrow(conn.rep()), "SELECT 1".into(), vec![]).await;
            assert!(over.err().is_some_and(|e| e.message.contains("too many open database handles")));
            // Dropping one makes room again.
            HostRows::drop(&mut db, kept.pop().unwrap()).await.unwrap();
            let again =
                HostConnection::query(&mut db, Resource::new_borrow(conn.rep()), "SELECT 1".into(), vec![]).await;
            assert!(again.is_ok());
        });
    }
}
