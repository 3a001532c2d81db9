//! Host benchmark, reported as ratios against references measured in the same run:
//!  - cold start: `covenant run examples/hello.cov` (compile, instantiate, run) and
//!    `covenant run hello.wasm` against the independent `wasmtime run hello.wasm`, as processes;
//!  - per-query overhead: bench/queries.cov's lookups through `covenant:database/sql` on the
//!    embedded SQLite database against the same lookups through rusqlite directly.
//!
//! Usage: bench_host <covenant binary> <wasmtime binary>. Run by bench/run.sh.
use std::process::Command;
use std::time::{Duration, Instant};

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs[runs.len() / 2]
}

fn time_process(program: &str, args: &[&str], expect: &str) -> Duration {
    let runs = (0..11)
        .map(|_| {
            let start = Instant::now();
            let out = Command::new(program).args(args).output().expect("runs");
            let took = start.elapsed();
            assert!(out.status.success(), "{program} {args:?}: {}", String::from_utf8_lossy(&out.stderr));
            assert_eq!(String::from_utf8_lossy(&out.stdout), expect);
            took
        })
        .collect();
    median(runs)
}

/// One `lookups(n)` call on a fresh instance: its result and its time.
fn covenant_lookups(bytes: &[u8], n: i64) -> (i64, Duration) {
    use wasmtime::component::Val;
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let engine = covenant_host::runtime::engine().unwrap();
        let start = Instant::now();
        let out = covenant_host::runtime::invoke(
            &engine,
            bytes,
            "lookups",
            &[Val::S64(n)],
            &Default::default(),
            &Default::default(),
        )
        .await
        .unwrap();
        let took = start.elapsed();
        let Val::S64(found) = out[0] else { panic!("lookups returned {out:?}") };
        (found, took)
    })
}

fn rusqlite_lookups(n: i64) -> (i64, Duration) {
    let conn = rusqlite::Connection::open_in_memory().unwrap();
    conn.execute_batch(
        "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
         WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i < 99)
         INSERT INTO items SELECT i, 'item ' || i FROM k;",
    )
    .unwrap();
    let start = Instant::now();
    let mut total = 0;
    for i in 0..n {
        // Prepared for each lookup, as the host prepares each statement it is given.
        let name: String = conn.query_row("SELECT name FROM items WHERE id = ?1", [i % 100], |r| r.get(0)).unwrap();
        total += name.len() as i64;
    }
    (total, start.elapsed())
}

fn main() {
    let mut args = std::env::args().skip(1);
    let (covenant, wasmtime) = (args.next().expect("covenant binary"), args.next().expect("wasmtime binary"));
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf();
    let hello = root.join("examples/hello.cov");
    let wasm = std::env::temp_dir().join(format!("covenant-bench-hello-{}.wasm", std::process::id()));
    let status = Command::new(&covenant).arg("compile").arg(&hello).arg("-o").arg(&wasm).output().unwrap();
    assert!(status.status.success());
    let expect = std::fs::read_to_string(root.join("examples/hello.stdout")).unwrap();
    let (hello, wasm) = (hello.to_str().unwrap(), wasm.to_str().unwrap());
    let reference = time_process(&wasmtime, &["run", wasm], &expect);
    let from_source = time_process(&covenant, &["run", hello], &expect);
    let from_wasm = time_process(&covenant, &["run", wasm], &expect);
    println!("cold start, median of 11 processes (reference: wasmtime run hello.wasm, {reference:.1?}):");
    let ratio = |d: Duration| d.as_secs_f64() / reference.as_secs_f64();
    println!("  covenant run hello.cov   {from_source:>10.1?}  {:.2}x", ratio(from_source));
    println!("  covenant run hello.wasm  {from_wasm:>10.1?}  {:.2}x", ratio(from_wasm));

    let source = std::fs::read_to_string(root.join("bench/queries.cov")).unwrap();
    let c = covenant_compiler::compile(&source, &Default::default());
    let bytes = c.component.unwrap_or_else(|| panic!("bench/queries.cov: {:?}", c.diagnostics));
    const N: i64 = 5_000;
    let best = |f: &dyn Fn() -> (i64, Duration)| (0..3).map(|_| f()).min_by_key(|(_, d)| *d).unwrap();
    let (_, base) = best(&|| covenant_lookups(&bytes, 0));
    let (found, with_n) = best(&|| covenant_lookups(&bytes, N));
    let (expected, reference) = best(&|| rusqlite_lookups(N));
    assert_eq!(found, expected, "the component and rusqlite find the same names");
    let per_query = with_n.saturating_sub(base) / N as u32;
    let per_reference = reference / N as u32;
    println!("per query, {N} lookups by key on in-memory SQLite (best of 3):");
    println!("  rusqlite directly        {per_reference:>10.2?}");
    println!(
        "  covenant:database/sql    {per_query:>10.2?}  {:.2}x",
        per_query.as_secs_f64() / per_reference.as_secs_f64()
    );
    let _ = std::fs::remove_file(wasm);
}
