#!/usr/bin/env bash
# Cairn's side-by-side benchmark (issue 4, "Speed, measured side by side").
#
#   bash bench/run.sh                   # the full run: 100,000 runs, 1,000,000 history points (hours)
#   BENCH_QUICK=1 bash bench/run.sh     # a quick run: 2,000 runs, 100,000 points, 10 s ingest
#
# Starts each server in turn on loopback -- Cairn (SQLite, PostgreSQL), MLflow (SQLite, PostgreSQL),
# mlflow-go-backend and fasttrackml (SQLite, PostgreSQL) -- measures it with the Java load driver
# (bench/driver), stops it, and at the end prints the table and writes docs/benchmarks.md.
# Needs Java 17, Maven, Python 3 with venv, curl; for the PostgreSQL rows root on Debian
# (scripts/postgres.sh installs and starts PostgreSQL). See bench/README.md for every setting.
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH/.." && pwd)"

# ------------------------------------------------------------------------------------------ settings
QUICK="${BENCH_QUICK:-0}"
if [[ "$QUICK" == "1" ]]; then
  MODE=QUICK
  RUNS="${BENCH_RUNS:-2000}"
  POINTS="${BENCH_POINTS:-100000}"
  INGEST_S="${BENCH_INGEST_SECONDS:-10}"
  WARMUP_S="${BENCH_WARMUP_SECONDS:-3}"
  SEARCH_ITER="${BENCH_SEARCH_ITERATIONS:-30}"
  LOAD_TIMEOUT="${BENCH_LOAD_TIMEOUT:-900}"
  READ_TIMEOUT="${BENCH_READ_TIMEOUT:-300}"
else
  MODE=FULL
  RUNS="${BENCH_RUNS:-100000}"
  POINTS="${BENCH_POINTS:-1000000}"
  INGEST_S="${BENCH_INGEST_SECONDS:-30}"
  WARMUP_S="${BENCH_WARMUP_SECONDS:-5}"
  SEARCH_ITER="${BENCH_SEARCH_ITERATIONS:-100}"
  LOAD_TIMEOUT="${BENCH_LOAD_TIMEOUT:-10800}"
  READ_TIMEOUT="${BENCH_READ_TIMEOUT:-1800}"
fi
# Peers whose search data set is mostly written straight into their database (Seed.java): the first
# SEED_API_RUNS runs go through the API (and give the load rate), the rest are copies of what the
# server wrote for one of them. MLflow loads about 30 runs/s here, so 100,000 runs by API alone would
# take most of a day for its two rows.
if [[ "$QUICK" == "1" ]]; then
  SEED="${BENCH_SEED-}"
else
  SEED="${BENCH_SEED-mlflow-sqlite mlflow-postgresql mlflow-go-sqlite mlflow-go-postgresql fasttrackml-sqlite fasttrackml-postgresql}"
fi
SEED_API_RUNS="${BENCH_SEED_API_RUNS:-1000}"
THREADS="${BENCH_THREADS:-8}"
BATCH=1000
PAGE_SIZE="${BENCH_PAGE_SIZE:-100}"
HISTORY_ITER="${BENCH_HISTORY_ITERATIONS:-3}"
BULK_MAX="${BENCH_BULK_MAX_RESULTS:-1000}"
START_TIMEOUT="${BENCH_START_TIMEOUT:-300}"
# Every PostgreSQL client (the raw baseline and each server) connects over loopback with this sslmode:
# TLS there protects nothing and costs Java clients a fifth of their CPU (JFR: GHASH, AES-CTR).
PG_SSLMODE="${BENCH_PG_SSLMODE:-disable}"
ALL_SERVERS="cairn-sqlite cairn-postgresql mlflow-sqlite mlflow-postgresql mlflow-go-sqlite mlflow-go-postgresql fasttrackml-sqlite fasttrackml-postgresql"
SERVERS="${BENCH_SERVERS:-$ALL_SERVERS}"
OUT_MD="${BENCH_OUT:-$ROOT/docs/benchmarks.md}"
KEEP="${BENCH_KEEP:-0}"
WORK="${BENCH_WORK:-}"
if [[ -z "$WORK" ]]; then WORK="$(mktemp -d /tmp/cairn-bench.XXXXXX)"; fi
mkdir -p "$WORK"
WORK="$(cd "$WORK" && pwd)"
RES="$WORK/results"
LOGS="$WORK/logs"
mkdir -p "$RES" "$LOGS"

VENVS="$BENCH/.venv"
VENV_ML="$VENVS/mlflow"
VENV_GO="$VENVS/mlflow-go"
CAIRN_JAR="${BENCH_CAIRN_JAR:-$ROOT/cairn-cli/target/cairn.jar}"
DRIVER_JAR="$BENCH/driver/target/bench-driver.jar"
DRIVER_OPTS=(-Xmx2g -XX:+UseParallelGC)
# MLflow reports usage to the internet unless told not to; this benchmark loads loopback only.
export MLFLOW_DISABLE_TELEMETRY=true DO_NOT_TRACK=true

log() { echo "bench: $*" >&2; }
die() { echo "bench: ERROR: $*" >&2; exit 1; }

for id in $SERVERS; do
  [[ " $ALL_SERVERS " == *" $id "* ]] || die "unknown server '$id' in BENCH_SERVERS (known: $ALL_SERVERS)"
done
for id in $SEED; do
  [[ " $ALL_SERVERS " == *" $id "* && "$id" != cairn-* ]] ||
    die "BENCH_SEED names '$id': it takes peers only (Cairn always loads through its API)"
done
for tool in java mvn python3 curl timeout setsid; do
  command -v "$tool" >/dev/null || die "$tool is needed"
done

# ------------------------------------------------------------------------------------------ clean-up
SERVER_PID=""
PG_STARTED_BY_US=""
PG_DATABASES=()

stop_server() {
  [[ -n "$SERVER_PID" ]] || return 0
  local i
  kill -TERM -- "-$SERVER_PID" 2>/dev/null || true
  for ((i = 0; i < 200; i++)); do
    kill -0 -- "-$SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL -- "-$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}

pg_super() { (cd / && runuser -u postgres -- psql -X -q -p "$PG_PORT" -d postgres -v ON_ERROR_STOP=1 -tA "$@"); }

cleanup() {
  local rc=$?
  stop_server
  if [[ "$KEEP" != "1" ]]; then
    local db
    for db in "${PG_DATABASES[@]}"; do
      pg_super -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true
    done
    find "$WORK" -mindepth 1 -maxdepth 1 -type d -name 'data-*' -exec rm -rf {} + 2>/dev/null || true
  fi
  if [[ -n "$PG_STARTED_BY_US" ]]; then
    log "stopping PostgreSQL cluster $PG_STARTED_BY_US (this run started it)"
    # shellcheck disable=SC2086
    pg_ctlcluster $PG_STARTED_BY_US stop >/dev/null 2>&1 || true
  fi
  log "results and server logs: $WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ------------------------------------------------------------------------------------------ builds
if [[ ! -f "$CAIRN_JAR" ]]; then
  log "building Cairn (mvn -q -DskipTests package at the repository root)"
  mvn -q -B -f "$ROOT/pom.xml" -DskipTests package >&2
  [[ -f "$CAIRN_JAR" ]] || die "the build did not produce $CAIRN_JAR"
fi
if [[ ! -f "$DRIVER_JAR" ]] ||
  [[ -n "$(find "$BENCH/driver/src" "$BENCH/driver/pom.xml" -newer "$DRIVER_JAR" -type f -print -quit)" ]]; then
  log "building the load driver (bench/driver)"
  mvn -q -B -o -f "$BENCH/driver/pom.xml" package >&2 2>/dev/null ||
    mvn -q -B -f "$BENCH/driver/pom.xml" package >&2
fi
driver() { java "${DRIVER_OPTS[@]}" -jar "$DRIVER_JAR" "$@"; }
note() { # note ID key=value...: adds fields to results/ID.json (meta of a server, or machine)
  local f="$RES/$1.json"; shift
  driver note --out "$f" "$@" || log "could not record $* in $f"
}

# Cairn as ./cairn runs it: with a class-data-sharing archive recorded once per build.
CAIRN_JAVA=(java)
CDS="$ROOT/cairn-cli/target/cairn.jsa"
if [[ ! -f "$CDS" || "$CAIRN_JAR" -nt "$CDS" ]]; then
  CDS="$WORK/cairn.jsa"
  warm="$(mktemp -d "$WORK/cds.XXXXXX")"
  log "recording Cairn's class-data-sharing archive (as ./cairn does)"
  timeout 300 java -XX:ArchiveClassesAtExit="$CDS" -Xlog:cds=off -Xlog:cds+dynamic=off -jar "$CAIRN_JAR" \
    server --host 127.0.0.1 --port 0 --data-dir "$warm" --exit-when-ready >/dev/null 2>&1 || rm -f "$CDS"
  rm -rf "$warm"
fi
[[ -f "$CDS" ]] && CAIRN_JAVA+=(-XX:SharedArchiveFile="$CDS" -Xshare:auto -Xlog:cds=off)
# shellcheck disable=SC2206
CAIRN_JAVA+=(${BENCH_CAIRN_JAVA_OPTS:-})

# ------------------------------------------------------------------------------------------ venvs
# bench/.venv/mlflow: mlflow (+ psycopg2) and fasttrackml's `fml` binary (installed without its
# Python client's dependencies, which pin mlflow<3). bench/.venv/mlflow-go: mlflow-go-backend, kept
# apart because it registers itself as MLflow's sqlite/postgresql store plugin.
VENV_WHY_ML=""
VENV_WHY_GO=""
setup_venv() { # dir requirements-file [extra pip args for a second install...]
  local venv="$1" req="$2"; shift 2
  local want stamp="$venv/.bench-stamp"
  want="$(cat "$req" <(echo "$*") | sha256sum | cut -d' ' -f1)"
  if [[ -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then return 0; fi
  log "installing $(basename "$req") into ${venv#"$ROOT"/} (a few minutes the first time)"
  rm -f "$stamp"
  [[ -x "$venv/bin/python" ]] || python3 -m venv "$venv" || return 1
  "$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$req" >&2 || return 1
  if [[ $# -gt 0 ]]; then "$venv/bin/python" -m pip install -q --disable-pip-version-check "$@" >&2 || return 1; fi
  echo "$want" >"$stamp"
}
need_ml=0 need_go=0 need_pg=0
for id in $SERVERS; do
  case "$id" in
    mlflow-go-*) need_go=1 ;;
    mlflow-* | fasttrackml-*) need_ml=1 ;;
  esac
  [[ "$id" == *-postgresql ]] && need_pg=1
done
if ((need_ml)); then
  mkdir -p "$VENVS"
  if ! out="$(setup_venv "$VENV_ML" "$BENCH/requirements-mlflow.txt" --no-deps fasttrackml==0.6.0 2>&1)"; then
    VENV_WHY_ML="pip install failed: $(echo "$out" | grep -i error | tail -n 1)"
    log "$VENV_WHY_ML"
  fi
fi
if ((need_go)); then
  mkdir -p "$VENVS"
  if ! out="$(setup_venv "$VENV_GO" "$BENCH/requirements-mlflow-go.txt" 2>&1)"; then
    VENV_WHY_GO="pip install failed: $(echo "$out" | grep -i error | tail -n 1)"
    log "$VENV_WHY_GO"
  else
    # The 0.2.2 Linux wheel ships its Go library under the macOS name (libmlflow-go-backend.dylib,
    # an ELF .so inside) and so, unaided, tries to rebuild it from Go sources it does not ship.
    # Point it at the shipped library under the name it looks for (its MLFLOW_GO_LIBRARY_PATH).
    site="$("$VENV_GO/bin/python" -c 'import mlflow_go_backend, os; print(os.path.dirname(mlflow_go_backend.__file__))')"
    mkdir -p "$VENV_GO/golib"
    if [[ ! -f "$site/libmlflow-go-backend.so" && -f "$site/libmlflow-go-backend.dylib" ]]; then
      ln -sf "$site/libmlflow-go-backend.dylib" "$VENV_GO/golib/libmlflow-go-backend.so"
    else
      ln -sf "$site/libmlflow-go-backend.so" "$VENV_GO/golib/libmlflow-go-backend.so"
    fi
    ln -sf "$site/libmlflow-go-backend.h" "$VENV_GO/golib/libmlflow-go-backend.h"
  fi
fi

# ------------------------------------------------------------------------------------------ PostgreSQL
PG_WHY=""
PG_PORT="${CAIRN_PG_PORT:-5432}"
PG_USER=cairn PG_PASS=cairn
if ((need_pg)); then
  was_online=""
  if command -v pg_lsclusters >/dev/null; then
    was_online="$(pg_lsclusters -h 2>/dev/null | awk -v p="$PG_PORT" '$3 == p && $4 ~ /^online/ {print $1" "$2}')"
  fi
  if [[ "$(id -u)" -ne 0 ]]; then
    PG_WHY="PostgreSQL rows need root (scripts/postgres.sh installs and starts PostgreSQL)"
  elif ! jdbc="$(bash "$ROOT/scripts/postgres.sh" 2>"$LOGS/postgres.log")"; then
    PG_WHY="scripts/postgres.sh failed: $(tail -n 1 "$LOGS/postgres.log")"
  else
    if [[ -z "$was_online" ]]; then
      PG_STARTED_BY_US="$(pg_lsclusters -h | awk -v p="$PG_PORT" '$3 == p {print $1" "$2}')"
    fi
    PG_PORT="$(sed -E 's#^jdbc:postgresql://[^:/]+:([0-9]+)/.*#\1#' <<<"$jdbc")"
    PG_USER="$(sed -E 's#.*[?&]user=([^&]+).*#\1#' <<<"$jdbc")"
    PG_PASS="$(sed -E 's#.*[?&]password=([^&]+).*#\1#' <<<"$jdbc")"
  fi
  [[ -z "$PG_WHY" ]] || log "$PG_WHY"
fi
fresh_db() { # fresh_db NAME: an empty database owned by the benchmark's role
  pg_super -c "DROP DATABASE IF EXISTS $1" >/dev/null 2>&1 &&
    pg_super -c "CREATE DATABASE $1 OWNER $PG_USER" >/dev/null &&
    PG_DATABASES+=("$1")
}

# jdbc_of ID DATA_DIR: the JDBC URL of a server's own database, for the seed and settling (none for Cairn on SQLite).
jdbc_of() {
  case "$1" in
    mlflow-sqlite | mlflow-go-sqlite) echo "jdbc:sqlite:$2/mlflow.db" ;;
    fasttrackml-sqlite) echo "jdbc:sqlite:$2/fml.db" ;;
    *-postgresql)
      echo "jdbc:postgresql://127.0.0.1:$PG_PORT/$(dbname_of "$1")?user=$PG_USER&password=$PG_PASS&sslmode=$PG_SSLMODE&reWriteBatchedInserts=true" ;;
  esac
}

# settle_db ID: VACUUM ANALYZE of the server's PostgreSQL database after a load (every server alike),
# so that reads are measured on settled tables, not while autovacuum works through the new rows.
settle_db() {
  [[ "$1" == *-postgresql ]] || return 0
  driver settle --jdbc "$(jdbc_of "$1" "")" >/dev/null 2>&1 || log "$1: VACUUM ANALYZE failed"
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# ------------------------------------------------------------------------------------------ servers
label_of() {
  case "$1" in
    cairn-*) echo "Cairn" ;; mlflow-go-*) echo "mlflow-go-backend" ;;
    mlflow-*) echo "MLflow" ;; fasttrackml-*) echo "fasttrackml" ;;
  esac
}
db_of() { [[ "$1" == *-postgresql ]] && echo postgresql || echo sqlite; }
pg_uri() { echo "postgresql://$PG_USER:$PG_PASS@127.0.0.1:$PG_PORT/$1?sslmode=$PG_SSLMODE"; }
dbname_of() { echo "bench_${1//-/_}"; }

# server_cmd ID DATA_DIR PORT: the command line (one word a line), with ENV lines first.
server_cmd() {
  local id="$1" dir="$2" port="$3" db
  db="$(dbname_of "$id")"
  case "$id" in
    cairn-sqlite)
      printf '%s\n' "${CAIRN_JAVA[@]}" -jar "$CAIRN_JAR" server --host 127.0.0.1 --port "$port" --data-dir "$dir" ;;
    cairn-postgresql)
      printf '%s\n' "${CAIRN_JAVA[@]}" -jar "$CAIRN_JAR" server --host 127.0.0.1 --port "$port" --data-dir "$dir" \
        --db "jdbc:postgresql://127.0.0.1:$PG_PORT/$db?user=$PG_USER&password=$PG_PASS&sslmode=$PG_SSLMODE" ;;
    mlflow-sqlite | mlflow-postgresql | mlflow-go-sqlite | mlflow-go-postgresql)
      local venv="$VENV_ML" exe=mlflow store="sqlite:///$dir/mlflow.db"
      [[ "$id" == *-postgresql ]] && store="$(pg_uri "$db")"
      if [[ "$id" == mlflow-go-* ]]; then
        venv="$VENV_GO" exe=mlflow-go
        echo "ENV MLFLOW_GO_LIBRARY_PATH=$VENV_GO/golib"
      fi
      echo "ENV PATH=$venv/bin:$PATH"
      printf '%s\n' "$venv/bin/$exe" server --backend-store-uri "$store" --artifacts-destination "$dir/artifacts" \
        --host 127.0.0.1 --port "$port" ;;
    fasttrackml-sqlite)
      printf '%s\n' "$VENV_ML/bin/fml" server --database-uri "sqlite://$dir/fml.db" \
        --default-artifact-root "$dir/artifacts" --listen-address "127.0.0.1:$port" ;;
    fasttrackml-postgresql)
      printf '%s\n' "$VENV_ML/bin/fml" server --database-uri "postgres://$PG_USER:$PG_PASS@127.0.0.1:$PG_PORT/$db?sslmode=$PG_SSLMODE" \
        --default-artifact-root "$dir/artifacts" --listen-address "127.0.0.1:$port" ;;
  esac
}

# The clearest line of a failed start: a Python exception, else the last error line, else the last line.
why_from_log() {
  local w
  w="$(grep -E -o '[A-Za-z_.]*(Error|Exception): .*' "$1" | grep -v -E 'Non-zero exit code|^Error: ' | tail -n 1 | sed 's/"$//' || true)"
  [[ -n "$w" ]] || w="$(grep -E -i 'error|exception|fatal|failed' "$1" | grep -v -i warning | tail -n 1 || true)"
  [[ -n "$w" ]] || w="$(tail -n 1 "$1")"
  echo "exited before answering: ${w:0:300}"
}

# start_server ID DATA_DIR PORT LOG: starts it in a session of its own, waits for the first answered
# request; sets SERVER_PID and STARTUP_S, or returns 1 with WHY set.
start_server() {
  local id="$1" dir="$2" port="$3" logf="$4" line
  local -a envs=() cmd=()
  while IFS= read -r line; do
    if [[ "$line" == ENV\ * ]]; then envs+=("${line#ENV }"); else cmd+=("$line"); fi
  done < <(server_cmd "$id" "$dir" "$port")
  mkdir -p "$dir"
  local url="http://127.0.0.1:$port/api/2.0/mlflow/experiments/get?experiment_id=0"
  local t0 code deadline
  t0="$(date +%s%N)"
  (cd "$dir" && exec env "${envs[@]}" setsid "${cmd[@]}") >>"$logf" 2>&1 &
  SERVER_PID=$!
  deadline=$((t0 + START_TIMEOUT * 1000000000))
  while :; do
    code="$(curl -s -m 2 -o /dev/null -w '%{http_code}' "$url" || true)"
    if [[ "$code" == 200 ]]; then break; fi
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      WHY="$(why_from_log "$logf")"
      SERVER_PID=""
      return 1
    fi
    if (($(date +%s%N) > deadline)); then
      WHY="no answer within ${START_TIMEOUT} s (last status $code): $(tail -n 1 "$logf" | cut -c1-200)"
      stop_server
      return 1
    fi
    sleep 0.02
  done
  STARTUP_S="$(awk -v a="$t0" -v b="$(date +%s%N)" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')"
}

# phase ID NAME LIMIT_S driver-args...: runs one driver command, bounded in time; on failure records
# NAME_error in the server's meta.
phase() {
  local id="$1" name="$2" limit="$3"; shift 3
  local err="$LOGS/$id.$name.err" rc=0
  timeout -k 10 "$limit" java "${DRIVER_OPTS[@]}" -jar "$DRIVER_JAR" "$@" --out "$RES/$id.$name.json" \
    >/dev/null 2> >(tee "$err" | grep '^driver:' >&2) || rc=$?
  sleep 0.2
  if ((rc != 0)); then
    local msg
    msg="$(grep -v -E '^\s+at |^driver:|^\s*\.\.\.' "$err" | tail -n 2 | tr '\n' ' ' | cut -c1-300 || true)"
    ((rc == 124)) && msg="did not finish within $limit s"
    note "$id.meta" "${name}_error=$name: $msg"
    log "$id: $name failed: $msg"
    return 1
  fi
}

raw_baseline() { # raw_baseline sqlite|postgresql
  local kind="$1" jdbc
  if [[ "$kind" == sqlite ]]; then
    mkdir -p "$WORK/data-raw"
    jdbc="jdbc:sqlite:$WORK/data-raw/raw.db"
  else
    fresh_db bench_raw || return 1
    jdbc="jdbc:postgresql://127.0.0.1:$PG_PORT/bench_raw?user=$PG_USER&password=$PG_PASS&sslmode=$PG_SSLMODE"
  fi
  log "raw JDBC baseline on $kind"
  timeout -k 10 $((WARMUP_S + INGEST_S + 300)) java "${DRIVER_OPTS[@]}" -jar "$DRIVER_JAR" raw --jdbc "$jdbc" \
    --threads "$THREADS" --batch "$BATCH" --warmup "$WARMUP_S" --seconds "$INGEST_S" \
    --out "$RES/raw-$kind.json" >/dev/null 2> >(tee "$LOGS/raw-$kind.err" | grep '^driver:' >&2) ||
    log "raw baseline on $kind failed (see $LOGS/raw-$kind.err)"
  sleep 0.2
  rm -rf "$WORK/data-raw"
}

run_server() {
  local id="$1" dir="$WORK/data-$1" port logf="$LOGS/$1.log" db why=""
  db="$(db_of "$id")"
  note "$id.meta" "label=$(label_of "$id")" "db=$db" started=false \
    "loadavg=$(cut -d' ' -f1-3 /proc/loadavg)"
  case "$id" in
    mlflow-go-*) why="$VENV_WHY_GO" ;;
    mlflow-* | fasttrackml-*) why="$VENV_WHY_ML" ;;
  esac
  [[ -z "$why" && "$db" == postgresql ]] && why="$PG_WHY"
  if [[ -z "$why" && "$db" == postgresql ]] && ! fresh_db "$(dbname_of "$id")"; then
    why="could not create database $(dbname_of "$id")"
  fi
  if [[ -n "$why" ]]; then
    note "$id.meta" "why=$why"
    log "$id: skipped: $why"
    return 0
  fi
  port="$(free_port)"
  log "$id: starting on 127.0.0.1:$port"
  WHY=""
  if ! start_server "$id" "$dir" "$port" "$logf"; then
    note "$id.meta" "why=did not start: $WHY"
    log "$id: did not start: $WHY"
    return 0
  fi
  local url="http://127.0.0.1:$port"
  log "$id: answered after $STARTUP_S s"
  note "$id.meta" started=true "startup_s=$STARTUP_S" "pid=$SERVER_PID"
  if [[ "$id" == cairn-* ]]; then
    note "$id.meta" "version=$(curl -s -m 5 "$url/version" | sed -E 's/.*"version":"([^"]*)".*/\1/' || true)"
  fi
  sleep 3
  local rss
  rss="$(driver rss --pid "$SERVER_PID" 2>/dev/null | sed -n -E 's/.*"rss_mb" : ([0-9.]+).*/\1/p' || true)"
  note "$id.meta" "rss_idle_mb=$rss"

  phase "$id" ingest $((WARMUP_S + INGEST_S + 300)) ingest --url "$url" --threads "$THREADS" --batch "$BATCH" \
    --warmup "$WARMUP_S" --seconds "$INGEST_S" --pid "$SERVER_PID" || true
  local api_runs="$RUNS" seeded=0
  if [[ " $SEED " == *" $id "* ]] && ((RUNS > SEED_API_RUNS)); then api_runs="$SEED_API_RUNS" seeded=1; fi
  if phase "$id" load $((LOAD_TIMEOUT + 300)) load --url "$url" --runs "$api_runs" --threads "$THREADS" \
    --timeout "$LOAD_TIMEOUT"; then
    local complete=false
    grep -q '"complete" : true' "$RES/$id.load.json" && complete=true
    if ((seeded)) && [[ "$complete" == true ]]; then
      complete=false
      phase "$id" seed $((LOAD_TIMEOUT + 300)) seed --jdbc "$(jdbc_of "$id" "$dir")" --from "$api_runs" \
        --runs "$RUNS" && grep -q '"complete" : true' "$RES/$id.seed.json" && complete=true
    fi
    settle_db "$id"
    phase "$id" search $((2 * READ_TIMEOUT + 300)) search --url "$url" --runs "$RUNS" --complete "$complete" \
      --page-size "$PAGE_SIZE" --iterations "$SEARCH_ITER" --timeout "$READ_TIMEOUT" || true
  fi
  phase "$id" history $((2 * LOAD_TIMEOUT + 300)) history --url "$url" --points "$POINTS" --threads "$THREADS" \
    --settle-jdbc "$(jdbc_of "$id" "$dir")" \
    --iterations "$HISTORY_ITER" --bulk-max-results "$BULK_MAX" --timeout "$LOAD_TIMEOUT" || true

  # The first error a Go server logged (logrus format), to explain failed requests in the table.
  local line
  line="$(grep -m1 'level=error' "$logf" | cut -c1-4000 || true)"
  if [[ -n "$line" ]]; then
    local msg err sql
    msg="$(sed -n -E 's/.* msg="([^"]*)".*/\1/p' <<<"$line")"
    err="$(sed -n -E 's/.* error="([^"]*)".*/\1/p' <<<"$line")"
    sql="$(sed -n -E 's/.* sql="(.{0,70}).*/\1/p' <<<"$line" | tr -d '\\')"
    note "$id.meta" "server_log_error=server log: $msg${err:+: $err}${sql:+ in $sql...}"
  fi

  # Restart on the loaded database: start-up without migrations to run.
  stop_server
  log "$id: restarting on the loaded database"
  if start_server "$id" "$dir" "$port" "$logf"; then
    note "$id.meta" "restart_s=$STARTUP_S"
    log "$id: answered after $STARTUP_S s"
  else
    note "$id.meta" "restart_error=restart: $WHY"
  fi
  stop_server
  [[ "$KEEP" == "1" ]] || rm -rf "$dir"
}

# ------------------------------------------------------------------------------------------ run
log "mode $MODE: $RUNS runs, $POINTS history points, ${INGEST_S} s ingest, $THREADS clients; work dir $WORK"
want_raw_sqlite=0 want_raw_pg=0
for id in $SERVERS; do
  [[ "$(db_of "$id")" == sqlite ]] && want_raw_sqlite=1 || want_raw_pg=1
done
((want_raw_sqlite)) && raw_baseline sqlite
((want_raw_pg)) && [[ -z "$PG_WHY" ]] && raw_baseline postgresql
for id in $SERVERS; do
  run_server "$id"
done

# ------------------------------------------------------------------------------------------ report
pyver() { "$1/bin/python" -c "import importlib.metadata as m; print(m.version('$2'))" 2>/dev/null || echo "not installed"; }
pg_version="not used"
if ((need_pg)) && [[ -z "$PG_WHY" ]]; then pg_version="$(pg_super -c 'SHOW server_version' 2>/dev/null || echo '?')"; fi
cairn_version="$(cat "$RES"/cairn-*.meta.json 2>/dev/null | sed -n -E 's/.*"version" : "([^"]*)".*/\1/p' | head -n 1 || true)"
commit="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')"
if [[ -n "$(git -C "$ROOT" status --porcelain -- . ':!bench' ':!docs/benchmarks.md' 2>/dev/null)" ]]; then commit="$commit + uncommitted changes"; fi
command_line="bash bench/run.sh"
while IFS= read -r var; do
  [[ "$var" == BENCH_WORK=* || "$var" == BENCH_KEEP=* || "$var" == BENCH_OUT=* ]] && continue
  command_line="$(printf '%q' "$var") $command_line"
done < <(env | grep -E '^BENCH_[A-Z_]+=' | sort -r)
SEED_METHOD=""
if [[ -n "${SEED// /}" ]]; then
  SEED_METHOD="
  **Seeded peers** ($(echo $SEED | sed 's/ /, /g')): the first $SEED_API_RUNS runs go through the API as above (the
  runs/s figure is theirs); the rest are written straight into the peer's own database by the driver
  (\`bench/driver\` \`seed\`), as copies of every row the server itself wrote for run 1 (runs, params, tags,
  metrics, latest_metrics, whatever their columns) with only the run id, name, start time, timestamps and
  values changed, while the server runs. Loading 100,000 runs through MLflow's API takes about an hour a row
  here. The page check above then holds each seeded server to the data set."
fi
read -r -d '' method <<EOF || true
- One server at a time on 127.0.0.1, each on a new, empty database (SQLite file in a scratch folder, or a
  PostgreSQL database of its own on the same cluster), with its default settings. Every PostgreSQL
  connection, the raw baseline's included, uses \`sslmode=$PG_SSLMODE\` (over loopback). The load driver
  (\`bench/driver\`, Java 17, \`java.net.http\`, HTTP/1.1 keep-alive) runs on the same machine as a separate
  process, so driver and server share the machine's cores.
- **Ingest**: $THREADS client threads, each logging to a run of its own with \`runs/log-batch\`, $BATCH metric points
  a request (10 keys × 100 steps); ${WARMUP_S} s warm-up, then ${INGEST_S} s measured; a request counts when it
  completes in the window. **Raw JDBC**: the same rows, $THREADS threads, one transaction of $BATCH rows a round
  trip (prepared statement, \`executeBatch\`), into a scratch table with the columns and primary key of Cairn's
  \`metrics\` table, in the same kind of database with Cairn's settings (SQLite WAL, synchronous=NORMAL, BEGIN
  IMMEDIATE; PostgreSQL reWriteBatchedInserts); it writes no summary row and has no HTTP, JSON or run check.
- **Search**: $RUNS runs (20 params, 10 metrics, 5 tags each, the same values on every server), loaded with
  \`runs/create\` + one \`runs/log-batch\` each by $THREADS clients; then one client times \`runs/search\` with
  filter \`metrics.m0 > 0.2\`, \`order_by metrics.m1 DESC\`, max_results=$PAGE_SIZE (the MLflow UI's page), page 1
  and page 10 (opened with the server's own page token), $SEARCH_ITER times each after 3 warm-up requests.
  "pages right?" compares both pages with the order the data must come back in (MLflow's: the metric, then
  start_time descending).$SEED_METHOD
- **Settling**: after each load (runs, and the history metric) the benchmark runs \`VACUUM ANALYZE\` on the
  server's PostgreSQL database, for every server alike, so reads are measured on tables with statistics and
  a visibility map, not while autovacuum works through the new rows. SQLite databases are left as written.
- **History**: one metric with $POINTS points in one run, logged 1000 a request; \`metrics/get-history\` read whole
  as the MLflow client pages it (max_results=25000 and page_token until none), each page counted by a streaming
  parser as it arrives (\`HttpURLConnection\`), median of $HISTORY_ITER reads after one warm-up; \`metrics/get-history-bulk-interval\` with max_results=$BULK_MAX.
- **Start-up**: from launching the command to the first 200 answer to \`experiments/get?experiment_id=0\`
  (polled every 20 ms), on the new database (migrations included) and again on the loaded one. Cairn is
  started as \`./cairn\` starts it (java -jar with its class-data-sharing archive). **RSS**: VmRSS from /proc,
  summed over the server process and all its children (MLflow's uvicorn workers and job runner;
  mlflow-go-backend's Go server and the Python MLflow server it proxies to), 3 s after start-up and every
  250 ms during the ingest window.
- Every loop is bounded in count and in time (load $LOAD_TIMEOUT s, reads $READ_TIMEOUT s a series,
  start-up ${START_TIMEOUT} s); a bound that was hit is said in the "why" column. The 1-minute load
  average when each server's turn began is in the first table: other work on the machine slows every server.
EOF
note machine "mode=$MODE" "date=$(date -u '+%Y-%m-%d %H:%M UTC')" "command=$command_line" \
  "parameters=$RUNS runs for search, $POINTS history points, ${INGEST_S} s ingest after ${WARMUP_S} s warm-up, $THREADS clients, $BATCH points a log-batch request" \
  "cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')" \
  "nproc=$(nproc)" \
  "memory=$(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)" \
  "os=$( (. /etc/os-release && echo "$PRETTY_NAME") 2>/dev/null), kernel $(uname -r)" \
  "java=$(java -version 2>&1 | head -n 1) ($(java -version 2>&1 | sed -n 2p))" \
  "postgresql=$pg_version" \
  "python=$(python3 --version 2>&1)" \
  "cairn_label=Cairn" "cairn_version=${cairn_version:-?} (commit $commit)" \
  "cairn_how=java -XX:SharedArchiveFile=cairn.jsa -jar cairn-cli/target/cairn.jar server --host 127.0.0.1 --port P --data-dir D [--db jdbc:postgresql://...]" \
  "mlflow_label=MLflow" "mlflow_version=mlflow $(pyver "$VENV_ML" mlflow)" \
  "mlflow_how=mlflow server --backend-store-uri sqlite:///D/mlflow.db or postgresql://... --artifacts-destination D/artifacts --host 127.0.0.1 --port P (default 4 uvicorn workers)" \
  "mlflow_go_label=mlflow-go-backend" "mlflow_go_version=mlflow-go-backend $(pyver "$VENV_GO" mlflow-go-backend) on mlflow $(pyver "$VENV_GO" mlflow)" \
  "mlflow_go_how=mlflow-go server (same flags as mlflow server) with MLFLOW_GO_LIBRARY_PATH pointing at the wheel's library under the .so name it looks for (the Linux wheel names it .dylib)" \
  "fasttrackml_label=fasttrackml" "fasttrackml_version=$("$VENV_ML/bin/fml" --version 2>/dev/null || echo 'not installed')" \
  "fasttrackml_how=fml server --database-uri sqlite://D/fml.db or postgres://... --default-artifact-root D/artifacts --listen-address 127.0.0.1:P" \
  "method=$method"
servers_csv="$(echo "$SERVERS" | tr -s ' ' ',')"
mkdir -p "$(dirname "$OUT_MD")"
driver report --dir "$RES" --servers "$servers_csv" --md "$OUT_MD"
log "wrote ${OUT_MD#"$ROOT"/}"
