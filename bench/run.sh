#!/usr/bin/env bash
# Benchmarks, reported as ratios against references measured in the same run:
#  - compile-time scaling from 500 to 5,000 functions (linear: ratio ~ fns / 500)
#  - the hello-world component's size against the 2 KB target
#  - the run time of bench/compute.cov against the same algorithms in Rust (bench/reference)
#  - host cold start against `wasmtime run`, and per-query overhead against rusqlite (bench/queries.cov)
set -euo pipefail
source "$(dirname "$0")/../scripts/lib/env.sh"
cd "$COVENANT_ROOT"
log "compile-time scaling (release build)"
cargo run --release --locked -q -p covenant-compiler --example bench_scaling
log "hello-world component size"
cargo build --release --locked -q -p covenant-host --bin covenant
out="$(mktemp -d)/hello.wasm"
"$CARGO_TARGET_DIR/release/covenant" compile examples/hello.cov -o "$out" 2>/dev/null
size=$(stat -c %s "$out")
echo "hello.wasm: $size bytes = $(awk "BEGIN { printf \"%.2f\", $size / 2048 }") x the 2 KB target"
log "run time against Rust (bench/compute.cov vs bench/reference, same Wasmtime engine)"
(cd bench/reference && with_wasm_env cargo build --release --target wasm32-unknown-unknown -q)
reference_dir="$COVENANT_CACHE/target-wasm"
[ -d "$reference_dir/wasm32-unknown-unknown" ] || reference_dir="$COVENANT_CACHE/target-wasm-debian"
cargo run --release --locked -q -p covenant-host --example bench_runtime -- \
  "$reference_dir/wasm32-unknown-unknown/release/covenant_bench_reference.wasm"
log "host: cold start against the wasmtime CLI, and per-query overhead against rusqlite"
cargo run --release --locked -q -p covenant-host --example bench_host -- \
  "$CARGO_TARGET_DIR/release/covenant" "$COVENANT_WASMTIME"
