//! Budgets from metadata (the seed's "Metering and Resource Limits"). A function's `timeout`
//! (or, without one, its `cost_hint`) becomes a fuel budget through a calibration: how many fuel
//! units (about one per wasm instruction) the guest runs per millisecond on this machine kind,
//! measured by `covenant calibrate` and reported by `bench/run.sh`. `timeout` is also the run's
//! wall-clock deadline (an epoch interrupt). `--fuel` and `--timeout` override both.

use crate::runtime::Budget;
use std::time::Duration;

/// Fuel per millisecond of guest work, measured with `covenant calibrate` (the recursive `fib(32)`,
/// 215 million fuel) on the project's machine kind (2 cores; 2026-12: 10.8 to 11.2 million per ms,
/// best of five, three runs). Wasmtime counts every operator, also the ones compiled away, so
/// this is far above the machine's instructions per ms. Budgets allow `HEADROOM` times that, so a
/// slower machine does not run out of fuel before the deadline.
pub const FUEL_PER_MS: u64 = 11_000_000;
pub const HEADROOM: u64 = 2;

/// The run time a `cost_hint` allows (the Covenant design's figures).
pub fn cost_hint_ms(hint: &str) -> Option<u64> {
    match hint {
        "cheap" => Some(10),
        "moderate" => Some(100),
        "expensive" => Some(10_000),
        _ => None,
    }
}

/// The budget for calling `function` (its Covenant name: `main` for `wasi:cli/run`): what was
/// given on the command line, else what the component's capabilities section says.
pub fn budget_for(component: &[u8], function: &str, given: &Budget) -> Budget {
    let meta = crate::grants::capabilities(component).map(|c| c["budgets"][function].clone()).unwrap_or_default();
    let timeout_ms = meta["timeout_ms"].as_u64();
    let allowed_ms = timeout_ms.or_else(|| meta["cost_hint"].as_str().and_then(cost_hint_ms));
    Budget {
        fuel: given.fuel.or(allowed_ms.map(|ms| ms.saturating_mul(FUEL_PER_MS).saturating_mul(HEADROOM))),
        timeout: given.timeout.or(timeout_ms.map(Duration::from_millis)),
        max_memory: given.max_memory,
    }
}

/// The calibration's program: the recursive `fib` of the examples, called as `fib(CALIBRATION_N)`.
pub const CALIBRATION_PROGRAM: &str = include_str!("../../examples/fibonacci.cov");
pub const CALIBRATION_N: i64 = 32;

/// Runs the calibration program once: (fuel used, time taken by the call).
pub fn calibrate() -> anyhow::Result<(u64, Duration)> {
    let c = covenant_compiler::compile(CALIBRATION_PROGRAM, &Default::default());
    let bytes = c.component.ok_or_else(|| anyhow::anyhow!("the calibration program does not compile"))?;
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    rt.block_on(async {
        let engine = crate::runtime::engine()?;
        crate::runtime::measure(&engine, &bytes, "fib", &[wasmtime::component::Val::S64(CALIBRATION_N)]).await
    })
    .map_err(|e| anyhow::anyhow!("{e:?}"))
}
