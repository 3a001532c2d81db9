//! Running a component on Wasmtime with WASI 0.2.

use wasmtime::Result;
use wasmtime::component::{Component, Linker, ResourceTable};
use wasmtime::{Config, Engine, Store};
use wasmtime_wasi::p2::bindings::Command;
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{WasiCtx, WasiCtxBuilder, WasiCtxView, WasiView};

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

struct HostState {
    ctx: WasiCtx,
    table: ResourceTable,
}

impl WasiView for HostState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView { ctx: &mut self.ctx, table: &mut self.table }
    }
}

pub fn engine() -> Result<Engine> {
    Engine::new(&Config::new())
}

/// How a `wasi:cli/run` call ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Exit {
    Ok,
    /// `run` returned its error case.
    Failed,
}

/// Instantiates the component as a WASI command and calls `wasi:cli/run`.
pub async fn run_command(engine: &Engine, bytes: &[u8], stdio: &Stdio) -> Result<Exit> {
    let component = Component::new(engine, bytes)?;
    let mut builder = WasiCtxBuilder::new();
    match stdio {
        Stdio::Inherit => {
            builder.inherit_stdout().inherit_stderr();
        }
        Stdio::Capture { stdout, stderr } => {
            builder.stdout(stdout.clone()).stderr(stderr.clone());
        }
    }
    let mut store = Store::new(engine, HostState { ctx: builder.build(), table: ResourceTable::new() });
    let mut linker: Linker<HostState> = Linker::new(engine);
    wasmtime_wasi::p2::add_to_linker_async(&mut linker)?;
    let command = Command::instantiate_async(&mut store, &component, &linker).await?;
    let result = command.wasi_cli_run().call_run(&mut store).await?;
    Ok(if result.is_ok() { Exit::Ok } else { Exit::Failed })
}

/// Runs a command component to completion on a fresh runtime, for callers without an executor.
pub fn run_command_blocking(bytes: &[u8], stdio: &Stdio) -> anyhow::Result<Exit> {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    rt.block_on(async {
        let engine = engine()?;
        run_command(&engine, bytes, stdio).await
    })
    .map_err(|e| anyhow::anyhow!("{e:?}"))
}

/// Calls a world-level export of a component (not `wasi:cli/run`) with component values; returns
/// its results. The instance gets a WASI context with no stdio capture.
pub async fn invoke(engine: &Engine, bytes: &[u8], name: &str, args: &[wasmtime::component::Val]) -> Result<Vec<wasmtime::component::Val>> {
    let component = Component::new(engine, bytes)?;
    let mut store = Store::new(engine, HostState { ctx: WasiCtxBuilder::new().build(), table: ResourceTable::new() });
    let mut linker: Linker<HostState> = Linker::new(engine);
    wasmtime_wasi::p2::add_to_linker_async(&mut linker)?;
    let instance = linker.instantiate_async(&mut store, &component).await?;
    let func = instance
        .get_func(&mut store, name)
        .ok_or_else(|| wasmtime::Error::msg(format!("the component has no export `{name}`")))?;
    let mut results = vec![wasmtime::component::Val::Bool(false); func.ty(&store).results().len()];
    func.call_async(&mut store, args, &mut results).await?;
    Ok(results)
}
