#!/usr/bin/env bash
# Starts a throwaway PostgreSQL for the server suite and prints the line to eval:
#
#   eval "$(bash .ci/postgres.sh)"    # sets TEST_DATABASE_URL
#
# Installs Debian's `postgresql` when its binaries are missing (root only), then runs a private
# cluster in $PG_CI_DIR (default /tmp/field-sync-pg) on 127.0.0.1 and a free port, owned by the
# `postgres` user when run as root. Idempotent: a second run reuses the running cluster and only
# re-creates the database, so it takes about a second. Everything but the export goes to stderr.
#
# The cluster trades durability for speed (fsync off): it exists to be wiped, never for real data.
set -euo pipefail

DIR="${PG_CI_DIR:-/tmp/field-sync-pg}"
DB=field_sync_test
ROLE=field_sync_test
PASSWORD=field-sync-test-pw

log() { echo "postgres.sh: $*" >&2; }

find_bindir() {
  local ctl
  ctl=$(ls -1 /usr/lib/postgresql/*/bin/pg_ctl 2>/dev/null | sort -V | tail -n 1 || true)
  [ -n "$ctl" ] && dirname "$ctl"
}

BIN=$(find_bindir || true)
if [ -z "$BIN" ]; then
  if [ "$(id -u)" -ne 0 ]; then
    log "PostgreSQL is not installed and this is not root: apt-get install -y postgresql"
    exit 1
  fi
  log "installing PostgreSQL from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
  BIN=$(find_bindir)
fi

# initdb and postgres refuse to run as root: the cluster belongs to `postgres` then.
if [ "$(id -u)" -eq 0 ]; then
  OWNER=postgres
  as_owner() { runuser -u postgres -- "$@"; }
else
  OWNER=$(id -un)
  as_owner() { "$@"; }
fi

free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

DATA="$DIR/data"
mkdir -p "$DIR"
chown "$OWNER" "$DIR"
chmod 700 "$DIR"

if [ ! -f "$DATA/PG_VERSION" ]; then
  log "creating a cluster in $DATA"
  rm -rf "$DATA"
  as_owner "$BIN/initdb" -D "$DATA" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
    --encoding=UTF8 --locale=C >/dev/null
fi

if as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
  PORT=$(cat "$DIR/port")
  log "reusing the cluster already running on 127.0.0.1:$PORT"
else
  PORT=$(free_port)
  echo "$PORT" >"$DIR/port"
  log "starting PostgreSQL on 127.0.0.1:$PORT"
  as_owner "$BIN/pg_ctl" -D "$DATA" -l "$DIR/server.log" -w -t 60 start -o \
    "-c listen_addresses=127.0.0.1 -c port=$PORT -c unix_socket_directories=$DIR \
     -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    >&2 || {
    log "PostgreSQL did not start; its log:"
    tail -n 30 "$DIR/server.log" >&2
    exit 1
  }
fi

psql_admin() { as_owner "$BIN/psql" -h "$DIR" -p "$PORT" -U postgres -v ON_ERROR_STOP=1 -qAt "$@"; }

# A fresh database each run: the suite wipes it anyway, and a half-migrated one from a crashed
# run must not leak into the next.
psql_admin -d postgres >&2 <<SQL
SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '$DB' AND pid <> pg_backend_pid();
DROP DATABASE IF EXISTS $DB;
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$ROLE') THEN
    CREATE ROLE $ROLE LOGIN PASSWORD '$PASSWORD';
  END IF;
END \$\$;
CREATE DATABASE $DB OWNER $ROLE;
SQL

log "database $DB ready"
echo "export TEST_DATABASE_URL=postgres://$ROLE:$PASSWORD@127.0.0.1:$PORT/$DB"
