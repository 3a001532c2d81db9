//! Running a component on Wasmtime with WASI 0.2, within a budget.

use std::time::Duration;
use wasmtime::component::{Component, Linker, ResourceTable, Val};
use wasmtime::{Config, Engine, Result, Store, Trap};
use wasmtime_wasi::p2::bindings::Command;
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{FsPerms, WasiCtx, WasiCtxBuilder, WasiCtxView, WasiView};

use crate::database::{Db, DbCtx, DbGrants};
use crate::grants::Grants;
use crate::keyvalue::{Kv, KvCtx};
use crate::net::AllowList;
use wasmtime_wasi_http::{WasiHttpCtx, WasiHttpCtxView, WasiHttpView};

/// Where a run's standard output and error go.
#[derive(Clone)]
pub enum Stdio {
    /// The host process's own streams.
    Inherit,
    /// Captured in memory (tests, tools).
    Capture { stdout: MemoryOutputPipe, stderr: MemoryOutputPipe },
}

impl Stdio {
    pub fn capture() -> Stdio {
        Stdio::Capture { stdout: MemoryOutputPipe::new(16 << 20), stderr: MemoryOutputPipe::new(16 << 20) }
    }
}

/// What a run may consume. Exhausting any ends the run with a named error.
#[derive(Clone, Copy, Debug, Default)]
pub struct Budget {
    /// Wasmtime fuel (roughly one unit per wasm instruction); `None` is unlimited.
    pub fuel: Option<u64>,
    /// Wall-clock limit, enforced with epoch interruption; `None` is unlimited.
    pub timeout: Option<Duration>,
    /// Linear memory in bytes; `None` is `DEFAULT_MAX_MEMORY`.
    pub max_memory: Option<u64>,
}

/// A guest's memory may grow to 1 GiB unless `--max-memory` says otherwise.
pub const DEFAULT_MAX_MEMORY: u64 = 1 << 30;
/// Instances, tables and table elements a component may create (a Covenant component needs a
/// handful); resource handles are capped by `wasmtime`'s tables (`MAX_TABLE_ELEMENTS`).
const MAX_INSTANCES: usize = 64;
const MAX_TABLES: usize = 64;
const MAX_TABLE_ELEMENTS: usize = 100_000;

struct HostState {
    ctx: WasiCtx,
    table: ResourceTable,
    http: WasiHttpCtx,
    net: AllowList,
    /// `wasi:keyvalue`: in a file or in memory (`Grants::kv`).
    kv: KvCtx,
    /// `covenant:database/sql`: the databases the component declares.
    db: DbCtx,
    limits: wasmtime::StoreLimits,
    /// `covenant:project/query`: the component's own symbol graph.
    graph: crate::project::Graph,
}

impl WasiHttpView for HostState {
    fn http(&mut self) -> WasiHttpCtxView<'_> {
        WasiHttpCtxView { ctx: &mut self.http, table: &mut self.table, hooks: &mut self.net }
    }
}

impl WasiView for HostState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView { ctx: &mut self.ctx, table: &mut self.table }
    }
}

pub fn engine() -> Result<Engine> {
    let mut config = Config::new();
    config.consume_fuel(true).epoch_interruption(true);
    // Covenant loops by recursion as often as with `for`: give guests an 8 MiB stack (the
    // default is 512 KiB). Async calls run on a fiber whose stack must be larger still.
    config.max_wasm_stack(8 << 20).async_stack_size(10 << 20);
    Engine::new(&config)
}

/// How a `wasi:cli/run` call ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Exit {
    Ok,
    /// `run` returned its error case.
    Failed,
}

/// Why a run stopped early, named for people (and matched by tests).
pub fn describe_error(e: &wasmtime::Error, budget: &Budget) -> String {
    let text = format!("{e:?}");
    match e.downcast_ref::<Trap>() {
        Some(Trap::OutOfFuel) => format!(
            "runtime error: out of fuel: the program used its whole budget of {} fuel units (raise it with --fuel)",
            budget.fuel.unwrap_or(u64::MAX)
        ),
        Some(Trap::Interrupt) => format!(
            "runtime error: timeout: the program ran longer than {:?} (raise it with --timeout)",
            budget.timeout.unwrap_or_default()
        ),
        Some(Trap::StackOverflow) => "runtime error: stack overflow: recursion too deep".to_string(),
        Some(Trap::IntegerDivisionByZero) => "runtime error: division by zero".to_string(),
        Some(Trap::IntegerOverflow) => "runtime error: integer overflow".to_string(),
        Some(Trap::BadConversionToInteger) => "runtime error: number out of range for Int".to_string(),
        // Generated code traps through functions named `covenant_error_<what>`.
        _ if text.contains("covenant_error_") => {
            let at = text.find("covenant_error_").expect("checked") + "covenant_error_".len();
            let name: String = text[at..].chars().take_while(|c| c.is_ascii_lowercase() || *c == '_').collect();
            match text.find(DB_ERROR).filter(|_| name == "database_failed") {
                Some(at) => {
                    let last = text[at + DB_ERROR.len()..].lines().next().unwrap_or_default();
                    format!("runtime error: database failed: {last}")
                }
                None => format!("runtime error: {}", name.replace('_', " ")),
            }
        }
        _ => format!("runtime error: {e:#}"),
    }
}

/// What a failed database operation said, kept with a trap (`describe_error` shows it).
const DB_ERROR: &str = "the last database error was ";

fn with_db_error(e: wasmtime::Error, store: &Store<HostState>) -> wasmtime::Error {
    match &store.data().db.last_error {
        Some(last) => e.context(format!("{DB_ERROR}{last}")),
        None => e,
    }
}

fn store(engine: &Engine, bytes: &[u8], ctx: WasiCtx, budget: &Budget, grants: &Grants) -> Result<Store<HostState>> {
    let declared = crate::grants::capabilities(bytes).map(|c| crate::database::declared(&c)).unwrap_or_default();
    let state = HostState {
        ctx,
        table: ResourceTable::new(),
        http: WasiHttpCtx::new(),
        net: grants.net.clone(),
        kv: KvCtx::new(grants.kv.clone()),
        db: DbCtx::new(DbGrants { declared, overrides: grants.db.clone() }),
        limits: wasmtime::StoreLimitsBuilder::new()
            .memory_size(budget.max_memory.unwrap_or(DEFAULT_MAX_MEMORY) as usize)
            .instances(MAX_INSTANCES)
            .tables(MAX_TABLES)
            .table_elements(MAX_TABLE_ELEMENTS)
            .build(),
        graph: crate::project::Graph::from_component(bytes),
    };
    let mut store = Store::new(engine, state);
    store.limiter(|s| &mut s.limits);
    store.set_fuel(budget.fuel.unwrap_or(u64::MAX))?;
    if let Some(timeout) = budget.timeout {
        // One epoch tick after `timeout` interrupts the guest.
        store.set_epoch_deadline(1);
        let engine = engine.clone();
        std::thread::spawn(move || {
            std::thread::sleep(timeout);
            engine.increment_epoch();
        });
    } else {
        store.set_epoch_deadline(u64::MAX);
    }
    Ok(store)
}

/// A WASI context with the granted directories preopened and the granted variables set.
fn granted(grants: &Grants) -> Result<WasiCtxBuilder> {
    let mut builder = WasiCtxBuilder::new();
    for dir in &grants.dirs {
        builder.preopened_dir(&dir.host, &dir.guest, FsPerms::ReadWrite).map_err(|e| {
            wasmtime::Error::msg(format!("cannot open directory {} for the program: {e}", dir.host.display()))
        })?;
    }
    for (name, value) in &grants.env {
        builder.env(name, value);
    }
    Ok(builder)
}

fn linker(engine: &Engine) -> Result<Linker<HostState>> {
    let mut linker: Linker<HostState> = Linker::new(engine);
    wasmtime_wasi::p2::add_to_linker_async(&mut linker)?;
    wasmtime_wasi_http::p2::add_only_http_to_linker_async(&mut linker)?;
    crate::keyvalue::add_to_linker(&mut linker, |h: &mut HostState| Kv { ctx: &mut h.kv, table: &mut h.table })?;
    crate::database::add_to_linker(&mut linker, |h: &mut HostState| Db { ctx: &mut h.db, table: &mut h.table })?;
    crate::project::add_to_linker(&mut linker, |h: &mut HostState| crate::project::Project {
        graph: &h.graph,
        table: &mut h.table,
    })?;
    Ok(linker)
}

/// Instantiates the component as a WASI command and calls `wasi:cli/run`.
pub async fn run_command(
    engine: &Engine,
    bytes: &[u8],
    stdio: &Stdio,
    budget: &Budget,
    grants: &Grants,
) -> Result<Exit> {
    let component = Component::new(engine, bytes)?;
    let mut builder = granted(grants)?;
    match stdio {
        Stdio::Inherit => {
            builder.inherit_stdout().inherit_stderr();
        }
        Stdio::Capture { stdout, stderr } => {
            builder.stdout(stdout.clone()).stderr(stderr.clone());
        }
    }
    let mut store = store(engine, bytes, builder.build(), budget, grants)?;
    let command = Command::instantiate_async(&mut store, &component, &linker(engine)?).await?;
    let result = command.wasi_cli_run().call_run(&mut store).await.map_err(|e| with_db_error(e, &store))?;
    Ok(if result.is_ok() { Exit::Ok } else { Exit::Failed })
}

/// Runs a command component to completion on a fresh runtime, for callers without an executor.
/// The budget is `budget` where it says, else what `main`'s metadata says (`metering`).
pub fn run_command_blocking(bytes: &[u8], stdio: &Stdio, budget: &Budget, grants: &Grants) -> anyhow::Result<Exit> {
    let budget = &crate::metering::budget_for(bytes, "main", budget);
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    rt.block_on(async {
        let engine = engine()?;
        run_command(&engine, bytes, stdio, budget, grants).await
    })
    .map_err(|e| anyhow::anyhow!(describe_error(&e, budget)))
}

/// Calls a world-level export of a component (not `wasi:cli/run`) with component values; returns
/// its results.
pub async fn invoke(
    engine: &Engine,
    bytes: &[u8],
    name: &str,
    args: &[Val],
    budget: &Budget,
    grants: &Grants,
) -> Result<Vec<Val>> {
    let component = Component::new(engine, bytes)?;
    invoke_compiled(engine, &component, bytes, name, args, budget, grants).await
}

/// `invoke` on a component already compiled from `bytes` (each call gets a fresh instance).
pub async fn invoke_compiled(
    engine: &Engine,
    component: &Component,
    bytes: &[u8],
    name: &str,
    args: &[Val],
    budget: &Budget,
    grants: &Grants,
) -> Result<Vec<Val>> {
    let mut store = store(engine, bytes, granted(grants)?.build(), budget, grants)?;
    let instance = linker(engine)?.instantiate_async(&mut store, component).await?;
    let func = instance
        .get_func(&mut store, name)
        .ok_or_else(|| wasmtime::Error::msg(format!("the component has no export `{name}`")))?;
    let mut results = vec![Val::Bool(false); func.ty(&store).results().len()];
    func.call_async(&mut store, args, &mut results).await.map_err(|e| with_db_error(e, &store))?;
    Ok(results)
}

/// Calls an export with an unlimited budget: the fuel it used and the time the call took.
pub async fn measure(engine: &Engine, bytes: &[u8], name: &str, args: &[Val]) -> Result<(u64, Duration)> {
    let component = Component::new(engine, bytes)?;
    let budget = Budget::default();
    let mut store = store(engine, bytes, WasiCtxBuilder::new().build(), &budget, &Grants::default())?;
    let instance = linker(engine)?.instantiate_async(&mut store, &component).await?;
    let func =
        instance.get_func(&mut store, name).ok_or_else(|| wasmtime::Error::msg(format!("no export `{name}`")))?;
    let mut results = vec![Val::Bool(false); func.ty(&store).results().len()];
    let before = store.get_fuel()?;
    let start = std::time::Instant::now();
    func.call_async(&mut store, args, &mut results).await?;
    let elapsed = start.elapsed();
    Ok((before - store.get_fuel()?, elapsed))
}

/// The parameter types of an export, as `wasmtime run --invoke` would need them.
pub fn export_params(engine: &Engine, bytes: &[u8], name: &str) -> Result<Vec<wasmtime::component::types::Type>> {
    let component = Component::new(engine, bytes)?;
    let ty = component.component_type();
    for (export, item) in ty.exports(engine) {
        if export == name
            && let wasmtime::component::types::ComponentItem::ComponentFunc(f) = item.ty
        {
            return Ok(f.params().map(|(_, t)| t).collect());
        }
    }
    Err(wasmtime::Error::msg(format!("the component has no function export `{name}`")))
}
