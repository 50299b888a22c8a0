#!/usr/bin/env bash
# Installs the emulators the test suites start: dynalite + fauxqs (npm, pinned by package-lock.json),
# DynamoDB Local (the jar shipped in the npm package amplify-dynamodb-simulator, pinned by version
# and integrity), redis-server (apt; Debian 12 serves 7.0.15), PostgreSQL 15 (apt: postgresql-15) and garnet-server
# (local dotnet tool).
# Idempotent and quick when everything is already there; safe to run concurrently.
set -euo pipefail

INFRA_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
EMULATORS_DIR="$INFRA_DIR/.emulators"
DDB_DIR="$EMULATORS_DIR/dynamodb-local"
DDB_PACKAGE="amplify-dynamodb-simulator@2.9.30"
DDB_INTEGRITY="sha512-xTeeRLvzEfqyd5lh3bH4c0kHvSHHmmhD5ZDsHFKAQ5g2Zl6JqlFdutaQhCLHzxEp6Ry1o7TB6niIoXuQAnSewQ=="
NODE_MIN_MAJOR=20
JAVA_MIN_MAJOR=17

log() { echo "[tests/infra/install.sh] $*"; }
fail() { echo "[tests/infra/install.sh] ERROR: $*" >&2; exit 1; }

mkdir -p "$EMULATORS_DIR"

# Serialize concurrent runs (parallel test assemblies, a developer's shell) on one lock file.
if command -v flock >/dev/null 2>&1 && [[ -z "${IC_INFRA_LOCKED:-}" ]]; then
  exec 9>"$EMULATORS_DIR/.install.lock"
  flock 9
  export IC_INFRA_LOCKED=1
fi

is_root() { [[ "$(id -u)" == "0" ]]; }

apt_install() {
  is_root || fail "$* is missing and this is not root: install it (apt-get install -y $*) and run again."
  command -v apt-get >/dev/null 2>&1 || fail "$* is missing and apt-get is not available: install it and run again."
  log "installing $* with apt-get"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# --- Node.js (dynalite, fauxqs) -------------------------------------------------------------------
command -v node >/dev/null 2>&1 || fail "node (>= $NODE_MIN_MAJOR) is required for dynalite and fauxqs; install Node.js $NODE_MIN_MAJOR+."
command -v npm >/dev/null 2>&1 || fail "npm is required; install it with Node.js $NODE_MIN_MAJOR+."
node_major="$(node -p 'process.versions.node.split(".")[0]')"
(( node_major >= NODE_MIN_MAJOR )) || fail "node $(node --version) is too old: dynalite@4 and fauxqs@1.9 need >= $NODE_MIN_MAJOR."

lock_hash="$(sha256sum "$INFRA_DIR/package-lock.json" | cut -d' ' -f1)"
stamp="$INFRA_DIR/node_modules/.ic-install-stamp"
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$lock_hash" ]]; then
  log "npm ci (dynalite, fauxqs)"
  (cd "$INFRA_DIR" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$lock_hash" > "$stamp"
fi

# --- Powertools peer (the DynamoDB interop tests run it as a node process) ------------------------------
peer_dir="$INFRA_DIR/powertools-peer"
peer_hash="$(sha256sum "$peer_dir/package-lock.json" | cut -d' ' -f1)"
peer_stamp="$peer_dir/node_modules/.ic-install-stamp"
if [[ ! -f "$peer_stamp" || "$(cat "$peer_stamp")" != "$peer_hash" ]]; then
  log "npm ci (Powertools peer)"
  (cd "$peer_dir" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$peer_hash" > "$peer_stamp"
fi

# --- Java (DynamoDB Local) ------------------------------------------------------------------------
java_major() {
  java -version 2>&1 | awk -F'"' '/version/ { split($2, v, "."); print (v[1] == "1" ? v[2] : v[1]); exit }'
}
if ! command -v java >/dev/null 2>&1; then
  apt_install openjdk-17-jre-headless
fi
jm="$(java_major)"
[[ -n "$jm" ]] && (( jm >= JAVA_MIN_MAJOR )) || fail "java $JAVA_MIN_MAJOR+ is required for DynamoDB Local (found: ${jm:-unknown})."

# --- DynamoDB Local -------------------------------------------------------------------------------
ddb_stamp="$DDB_DIR/.ic-install-stamp"
if [[ ! -f "$ddb_stamp" || "$(cat "$ddb_stamp")" != "$DDB_PACKAGE $DDB_INTEGRITY" || ! -f "$DDB_DIR/DynamoDBLocal.jar" ]]; then
  log "fetching DynamoDB Local from $DDB_PACKAGE (npm pack, ~55 MB)"
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && npm pack "$DDB_PACKAGE" --json --loglevel=error > pack.json)
  integrity="$(node -e 'const p = require(process.argv[1]); process.stdout.write(p[0].integrity)' "$work/pack.json")"
  [[ "$integrity" == "$DDB_INTEGRITY" ]] || fail "$DDB_PACKAGE integrity mismatch: expected $DDB_INTEGRITY, got $integrity."
  tar -xzf "$work"/amplify-dynamodb-simulator-*.tgz -C "$work" package/emulator
  [[ -f "$work/package/emulator/DynamoDBLocal.jar" && -d "$work/package/emulator/DynamoDBLocal_lib" ]] \
    || fail "$DDB_PACKAGE does not contain emulator/DynamoDBLocal.jar and emulator/DynamoDBLocal_lib/."
  rm -rf "$DDB_DIR.tmp"
  mkdir -p "$DDB_DIR.tmp"
  cp -R "$work/package/emulator/." "$DDB_DIR.tmp/"
  echo "$DDB_PACKAGE $DDB_INTEGRITY" > "$DDB_DIR.tmp/.ic-install-stamp"
  # Swap in the finished directory so a reader never sees half a copy.
  rm -rf "$DDB_DIR"
  mv "$DDB_DIR.tmp" "$DDB_DIR"
fi

# --- redis-server (the Redis store's tests start their own, on a free loopback port) ----------------
# Only the binary is needed: the Debian package's service is not started here (policy-rc.d in containers,
# and the fixtures never use it), so nothing listens on 6379 because of this step.
if ! command -v redis-server >/dev/null 2>&1; then
  apt_install redis-server
fi
redis_version="$(redis-server --version | sed -n 's/.* v=\([^ ]*\).*/\1/p')"
[[ -n "$redis_version" ]] || fail "redis-server is installed but does not report a version: $(redis-server --version 2>&1)."
log "redis-server $redis_version ($(command -v redis-server))"

# --- PostgreSQL 15 (the PostgreSQL store's tests initdb and start their own cluster on a loopback port) ---
# Only the programs are needed: no cluster is created by the package (createcluster.conf says so before the install),
# so nothing listens on 5432 because of this step.
pg_bin=/usr/lib/postgresql/15/bin
if ! { command -v initdb >/dev/null 2>&1 || [[ -x "$pg_bin/initdb" ]]; }; then
  if is_root; then
    mkdir -p /etc/postgresql-common/createcluster.d
    echo "create_main_cluster = false" > /etc/postgresql-common/createcluster.d/ic-no-main-cluster.conf
  fi
  apt_install postgresql-15
fi
pg_postgres="$(command -v postgres 2>/dev/null || echo "$pg_bin/postgres")"
pg_version="$("$pg_postgres" --version 2>/dev/null | awk '{ print $3 }')"
[[ -n "$pg_version" ]] || fail "PostgreSQL is installed but $pg_postgres does not report a version."
log "postgres $pg_version ($pg_postgres)"

# --- Garnet (the Redis store's conformance suite also runs on it) -----------------------------------
# A local dotnet tool pinned in .config/dotnet-tools.json; it restores into the NuGet package folder.
(cd "$INFRA_DIR/../.." && dotnet tool restore >/dev/null) || fail "dotnet tool restore failed (garnet-server from .config/dotnet-tools.json)."
log "garnet-server $(cd "$INFRA_DIR/../.." && dotnet tool list --local | awk '$1 == "garnet-server" { print $2 }')"

log "ready: dynalite $(node -p 'require("'"$INFRA_DIR"'/node_modules/dynalite/package.json").version'), fauxqs $(node -p 'require("'"$INFRA_DIR"'/node_modules/fauxqs/package.json").version'), DynamoDB Local from $DDB_PACKAGE, java $jm, redis-server $redis_version, postgres $pg_version"
