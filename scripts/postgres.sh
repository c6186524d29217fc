#!/usr/bin/env bash
# Sets up a local PostgreSQL for Cairn's tests on a Debian 12 machine (run as root).
#
#   - installs Debian's `postgresql` package if the server is missing,
#   - makes sure a cluster exists, listens on 127.0.0.1:$CAIRN_PG_PORT (default 5432) and is running,
#   - creates (idempotently) role `cairn` / password `cairn` and database `cairn_test` owned by it,
#   - checks that password login over TCP from 127.0.0.1 works (adds a pg_hba.conf line if not),
#   - prints the JDBC URL on stdout (all progress messages go to stderr).
#
# Usage:  JDBC_URL="$(scripts/postgres.sh)"
# Safe to run repeatedly; fast when everything is already up.
set -euo pipefail

PORT="${CAIRN_PG_PORT:-5432}"
DB_NAME="cairn_test"
DB_USER="cairn"
DB_PASS="cairn"
DEFAULT_CLUSTER="main"

log() { echo "postgres.sh: $*" >&2; }
die() { echo "postgres.sh: ERROR: $*" >&2; exit 1; }

[[ "$(id -u)" -eq 0 ]] || die "must run as root"
[[ "$PORT" =~ ^[0-9]+$ ]] || die "CAIRN_PG_PORT must be a number, got '$PORT'"

# Run a command as the postgres OS user from a directory it can read (avoids "could not change directory").
as_postgres() { (cd / && runuser -u postgres -- "$@"); }

# Superuser psql over the local Unix socket of the cluster on $PORT.
pg_super() { as_postgres psql -X -q -p "$PORT" -d postgres -v ON_ERROR_STOP=1 -tA "$@"; }

server_installed() {
    command -v pg_ctlcluster >/dev/null 2>&1 &&
    command -v pg_lsclusters >/dev/null 2>&1 &&
    compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null
}

# Highest PostgreSQL major version whose server binaries are installed.
installed_version() {
    local d v best=""
    for d in /usr/lib/postgresql/*/bin/postgres; do
        [[ -x "$d" ]] || continue
        v="${d#/usr/lib/postgresql/}"; v="${v%%/*}"
        if [[ -z "$best" ]] || (( ${v%%.*} > ${best%%.*} )); then best="$v"; fi
    done
    [[ -n "$best" ]] || return 1
    echo "$best"
}

# ---------------------------------------------------------------- 1. install if needed
if ! server_installed; then
    log "PostgreSQL server not found; installing Debian's postgresql package"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >&2
    apt-get install -y -q postgresql >&2
    server_installed || die "postgresql installed but pg_ctlcluster / server binaries still missing"
fi

# ---------------------------------------------------------------- 2. pick or create a cluster
# pg_lsclusters -h: "<ver> <name> <port> <status> <owner> <datadir> <logfile>"
# Prefer the cluster configured for $PORT. Otherwise create one on $PORT: "main" if that name is free for the
# version, else a separate "cairn" cluster (never move somebody else's cluster to another port).
VER="" NAME="" STATUS=""
find_cluster() {   # $1 = wanted port, or $2/$3 = version/name
    local v n p s
    VER="" NAME="" STATUS=""
    while read -r v n p s _; do
        [[ -n "$v" ]] || continue
        if [[ -n "$1" && "$p" == "$1" ]] || [[ -z "$1" && "$v" == "$2" && "$n" == "$3" ]]; then
            VER="$v" NAME="$n" STATUS="$s"
            return 0
        fi
    done < <(pg_lsclusters -h 2>/dev/null || true)
    return 1
}

if ! find_cluster "$PORT"; then
    NEWVER="$(installed_version)" || die "no PostgreSQL server version found under /usr/lib/postgresql"
    NEWNAME="$DEFAULT_CLUSTER"
    if find_cluster "" "$NEWVER" "$DEFAULT_CLUSTER"; then NEWNAME="cairn"; fi
    if find_cluster "" "$NEWVER" "$NEWNAME"; then
        # Our own "cairn" cluster exists on another port: move it (it is ours, nobody else uses it).
        log "moving cluster $NEWVER/$NEWNAME to port $PORT"
        pg_ctlcluster "$NEWVER" "$NEWNAME" stop >&2 2>/dev/null || true
        pg_conftool "$NEWVER" "$NEWNAME" set port "$PORT"
    else
        log "creating cluster $NEWVER/$NEWNAME on port $PORT"
        pg_createcluster "$NEWVER" "$NEWNAME" --port "$PORT" >&2
    fi
    find_cluster "$PORT" || die "could not set up a cluster on port $PORT"
fi
log "using cluster $VER/$NAME on port $PORT ($STATUS)"

# ---------------------------------------------------------------- 3. listen address
# Unset listen_addresses means the default 'localhost', which includes 127.0.0.1.
NEED_RESTART=0
LISTEN="$(pg_conftool -s "$VER" "$NAME" show listen_addresses 2>/dev/null || true)"
LISTEN="${LISTEN//\'/}"
if [[ -n "$LISTEN" && ! "$LISTEN" =~ (^|[[:space:],])(\*|localhost|127\.0\.0\.1|0\.0\.0\.0)($|[[:space:],]) ]]; then
    log "listen_addresses='$LISTEN' does not cover 127.0.0.1; adding 127.0.0.1"
    pg_conftool "$VER" "$NAME" set listen_addresses "$LISTEN,127.0.0.1"
    NEED_RESTART=1
fi

# ---------------------------------------------------------------- 4. start and wait
if [[ "$STATUS" == online* ]]; then
    if (( NEED_RESTART )); then
        log "restarting $VER/$NAME"
        pg_ctlcluster "$VER" "$NAME" restart >&2
    fi
else
    log "starting $VER/$NAME"
    pg_ctlcluster "$VER" "$NAME" start >&2
fi

wait_ready() {
    local i
    for ((i = 0; i < 60; i++)); do
        if pg_isready -q -h 127.0.0.1 -p "$PORT" -t 1; then return 0; fi
        sleep 0.5
    done
    return 1
}
if ! wait_ready; then
    log "server log tail:"
    tail -n 30 "/var/log/postgresql/postgresql-$VER-$NAME.log" >&2 2>/dev/null || true
    die "PostgreSQL on 127.0.0.1:$PORT did not become ready within 30 s"
fi

# ---------------------------------------------------------------- 5. role and database
if [[ "$(pg_super -c "SELECT 1 FROM pg_roles WHERE rolname = '$DB_USER'")" == "1" ]]; then
    # Re-asserting the password keeps the script correct if somebody changed it.
    pg_super -c "ALTER ROLE $DB_USER WITH LOGIN PASSWORD '$DB_PASS'"
else
    log "creating role $DB_USER"
    pg_super -c "CREATE ROLE $DB_USER WITH LOGIN PASSWORD '$DB_PASS'"
fi
if [[ "$(pg_super -c "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")" == "1" ]]; then
    pg_super -c "ALTER DATABASE $DB_NAME OWNER TO $DB_USER"
else
    log "creating database $DB_NAME"
    pg_super -c "CREATE DATABASE $DB_NAME OWNER $DB_USER"
fi

# ---------------------------------------------------------------- 6. password login from 127.0.0.1
can_login() {
    PGPASSWORD="$DB_PASS" PGCONNECT_TIMEOUT=5 psql -X -q -h 127.0.0.1 -p "$PORT" -U "$DB_USER" -d "$DB_NAME" \
        -tA -c 'SELECT 1' >/dev/null 2>&1
}
if ! can_login; then
    HBA="$(pg_super -c 'SHOW hba_file')"
    LINE="host    $DB_NAME    $DB_USER    127.0.0.1/32    scram-sha-256"
    if ! grep -Eq "^[[:space:]]*host[[:space:]]+$DB_NAME[[:space:]]+$DB_USER[[:space:]]+127\.0\.0\.1/32[[:space:]]+scram-sha-256" "$HBA"; then
        log "adding '$LINE' at the top of $HBA"
        # pg_hba.conf is first-match: put our line first so no earlier reject/ident line shadows it.
        tmp="$(mktemp)"
        { echo "# added by cairn scripts/postgres.sh"; echo "$LINE"; cat "$HBA"; } >"$tmp"
        cat "$tmp" >"$HBA"   # keep the file's owner and mode
        rm -f "$tmp"
    fi
    pg_super -c 'SELECT pg_reload_conf()' >/dev/null
    sleep 1
    can_login || die "password login as $DB_USER@127.0.0.1:$PORT/$DB_NAME still fails; check $HBA"
fi

echo "jdbc:postgresql://127.0.0.1:$PORT/$DB_NAME?user=$DB_USER&password=$DB_PASS"
