# Shared environment for the project's scripts. Sourced, not run.
# Build caches and tools live under the home directory, never in the clone.

COVENANT_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
COVENANT_CACHE="${COVENANT_CACHE:-$HOME/.cache/covenant}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$COVENANT_CACHE/target}"
export PATH="$HOME/.cargo/bin:$PATH"

TRUNK_VERSION=0.21.14
# Must equal the wasm-bindgen version in Cargo.lock.
WASM_BINDGEN_VERSION=0.2.130
WASMTIME_CLI_VERSION=49.0.4
export COVENANT_WASMTIME="$COVENANT_CACHE/tools/wasmtime-$WASMTIME_CLI_VERSION/wasmtime_cli/wasmtime"

log() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }

# Runs a command in the environment that builds Rust for wasm32-unknown-unknown: rustup's target
# when installed, otherwise Debian's rustc-web with the standard library built from source.
with_wasm_env() {
  if command -v rustup >/dev/null && rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
    CARGO_TARGET_DIR="$COVENANT_CACHE/target-wasm" "$@"
  else
    CARGO_TARGET_DIR="$COVENANT_CACHE/target-wasm-debian" \
    PATH="/usr/bin:$PATH" RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 \
    CARGO_UNSTABLE_BUILD_STD=std,panic_abort \
    CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=wasm-ld \
    "$@"
  fi
}

# The target directories are shared by every checkout on this machine (a warm cache for a fresh
# clone), but cargo's freshness check does not see which checkout built the project's own crates:
# a test binary built in another clone would read that clone's files (env!("CARGO_MANIFEST_DIR"))
# and the playground would embed its examples. So when another checkout built them last, only
# those crates are rebuilt (dependencies stay cached).
claim_target_dirs() {
  local marker="$CARGO_TARGET_DIR/.covenant-checkout"
  if [ -d "$CARGO_TARGET_DIR" ] && [ "$(cat "$marker" 2>/dev/null)" != "$COVENANT_ROOT" ]; then
    log "another checkout built here last: rebuilding the project's own crates"
    # Without their fingerprints cargo rebuilds exactly these crates (and their build scripts).
    local dir
    for dir in "$COVENANT_CACHE"/target*/{debug,release,wasm32-unknown-unknown/release}/.fingerprint; do
      if [ -d "$dir" ]; then rm -rf "$dir"/covenant-*; fi
    done
  fi
  mkdir -p "$CARGO_TARGET_DIR"
  printf '%s\n' "$COVENANT_ROOT" > "$marker"
}
