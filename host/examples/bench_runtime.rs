//! Runtime benchmark: bench/compute.cov compiled by Covenant against the same algorithms in Rust
//! (bench/reference, built for wasm32 and wrapped as a component here), both run on the host's
//! Wasmtime engine (fuel metering and epochs on, as `covenant run` has them). Each function is
//! checked to give the same result on both before it is timed; reported as ratios Covenant / Rust.
//! Usage: bench_runtime <reference core .wasm>. Run by bench/run.sh.
use std::time::{Duration, Instant};
use wasmtime::component::{Component, Linker, ResourceTable, Val};

const REFERENCE_WIT: &str = "package bench:reference;\n\nworld reference {\n  export fib: func(n: s64) -> s64;\n  export build-string: func(n: s64) -> s64;\n  export sort-checksum: func(values: list<s64>) -> s64;\n  export json-roundtrip: func(text: string) -> s64;\n}\n";

struct State(wasmtime_wasi::WasiCtx, ResourceTable);
impl wasmtime_wasi::WasiView for State {
    fn ctx(&mut self) -> wasmtime_wasi::WasiCtxView<'_> {
        wasmtime_wasi::WasiCtxView { ctx: &mut self.0, table: &mut self.1 }
    }
}

/// The Rust reference's core module as a component with the reference world.
fn wrap_reference(core: &[u8]) -> Vec<u8> {
    let mut resolve = wit_parser::Resolve::default();
    let pkg = resolve.push_str("reference.wit", REFERENCE_WIT).expect("reference WIT");
    let world = resolve.select_world(&[pkg], Some("reference")).expect("world");
    let mut module = core.to_vec();
    wit_component::embed_component_metadata(&mut module, &resolve, world, wit_component::StringEncoding::UTF8, false)
        .expect("embed");
    wit_component::ComponentEncoder::default().module(&module).expect("module").validate(true).encode().expect("encode")
}

fn main() {
    let reference_core = std::env::args().nth(1).expect("usage: bench_runtime <reference core .wasm>");
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf();
    let source = std::fs::read_to_string(root.join("bench/compute.cov")).unwrap();
    let c = covenant_compiler::compile(&source, &Default::default());
    let covenant = c.component.unwrap_or_else(|| panic!("bench/compute.cov: {:?}", c.diagnostics));
    let reference = wrap_reference(&std::fs::read(reference_core).unwrap());
    let engine = covenant_host::runtime::engine().unwrap();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let mut linker: Linker<State> = Linker::new(&engine);
    wasmtime_wasi::p2::add_to_linker_async(&mut linker).unwrap();
    let load = |bytes: &[u8]| {
        let component = Component::new(&engine, bytes).unwrap();
        let mut store =
            wasmtime::Store::new(&engine, State(wasmtime_wasi::WasiCtxBuilder::new().build(), ResourceTable::new()));
        store.set_fuel(u64::MAX).unwrap();
        store.set_epoch_deadline(u64::MAX);
        let instance = rt.block_on(linker.instantiate_async(&mut store, &component)).unwrap();
        (store, instance)
    };
    let mut sides = [load(&covenant), load(&reference)];
    println!("{:<16} {:>10} {:>12} {:>12} {:>8}", "function", "n", "covenant", "rust", "ratio");
    // The numbers to sort, made here so both sides sort the same list (a linear congruential generator).
    let mut seed = 42i64;
    let numbers: Vec<Val> = (0..100_000)
        .map(|_| {
            seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
            Val::S64(seed)
        })
        .collect();
    // A JSON document of 2,000 records (numbers that are not integral print alike in both).
    let records: Vec<String> = (0..2_000)
        .map(|i| {
            format!(
                "{{\"id\": {i}, \"name\": \"user {i}\", \"tags\": [\"a\", \"b\"], \"score\": {i}.5, \"active\": {}}}",
                i % 2 == 0
            )
        })
        .collect();
    let document = format!("[{}]", records.join(", "));
    for (name, n, arg) in [
        ("fib", 27, Val::S64(27)),
        ("build-string", 20_000, Val::S64(20_000)),
        ("sort-checksum", 100_000, Val::List(numbers)),
        ("json-roundtrip", document.len() as i64, Val::String(document.clone())),
    ] {
        let mut times = [Duration::MAX; 2];
        let mut results = [None, None];
        for (side, (store, instance)) in sides.iter_mut().enumerate() {
            let func = instance.get_func(&mut *store, name).unwrap();
            for _ in 0..7 {
                let mut out = [Val::S64(0)];
                let t = Instant::now();
                rt.block_on(func.call_async(&mut *store, std::slice::from_ref(&arg), &mut out)).unwrap();
                times[side] = times[side].min(t.elapsed());
                results[side] = Some(out[0].clone());
            }
        }
        assert_eq!(results[0], results[1], "{name}({n}): Covenant and Rust disagree");
        let ratio = times[0].as_secs_f64() / times[1].as_secs_f64();
        println!("{name:<16} {n:>10} {:>12.3?} {:>12.3?} {ratio:>7.2}x", times[0], times[1]);
    }
    println!("(target: within 1.5x of Rust)");
}
