#!/usr/bin/env bash
# Dataset push/pull benchmark (issue 6): `cairn datasets push` of a folder of about 1 GB, next to
# `sha256sum` over the same files (the least any content-addressed push must do), then the
# unchanged re-push (time and bytes sent) and a pull into an empty folder.
#
#   bash bench/datasets.sh                      # 1 GiB: 28 files of 32 MiB + 2,000 small files
#   BENCH_DATASET_MB=256 bash bench/datasets.sh # a smaller folder
#
# Every timing is wall-clock with warm page caches (each reader runs once before it is timed), on
# one machine, server and client side by side; the server is the real cairn.jar on SQLite and the
# local artifact folder. Prints a table and writes it into docs/benchmarks.md (between the
# "datasets" markers), with the machine's description.
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH/.." && pwd)"
MB="${BENCH_DATASET_MB:-1024}"
JOBS="${BENCH_JOBS:-4}"
OUT_MD="${BENCH_OUT:-$ROOT/docs/benchmarks.md}"
WORK="${BENCH_WORK:-$(mktemp -d /tmp/cairn-bench-datasets.XXXXXX)}"
JAR="$ROOT/cairn-cli/target/cairn.jar"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"

"$ROOT/cairn" --version > /dev/null   # builds the jar and its class-data-sharing archive if needed

now() { date +%s.%N; }
secs() { python3 -c "print(f'{$2 - $1:.2f}')"; }

# ------------------------------------------------------------------------------------ the folder
DATA="$WORK/folder"
if [[ ! -d "$DATA" ]]; then
  echo "making a ${MB} MiB folder in $DATA"
  mkdir -p "$DATA/large" "$DATA/small"
  small_total=$((2000 * 16 * 1024))
  large_count=$(( (MB * 1024 * 1024 - small_total) / (32 * 1024 * 1024) ))
  (( large_count < 1 )) && large_count=1
  for i in $(seq 1 "$large_count"); do
    head -c $((32 * 1024 * 1024)) /dev/urandom > "$DATA/large/part-$i.bin"
  done
  for i in $(seq 1 2000); do
    head -c $((16 * 1024)) /dev/urandom > "$DATA/small/f-$i.bin"
  done
fi
FILES=$(find "$DATA" -type f | wc -l)
BYTES=$(find "$DATA" -type f -printf '%s\n' | awk '{s+=$1} END {print s}')
MIB=$(python3 -c "print(f'{$BYTES / 1048576:.0f}')")
echo "folder: $FILES files, $MIB MiB"

# ------------------------------------------------------------------------------- sha256sum baseline
find "$DATA" -type f -print0 | xargs -0 cat > /dev/null   # warm the page cache
REPS="${BENCH_REPEAT:-3}"
median() { python3 -c "import statistics,sys; print(f'{statistics.median(map(float, sys.argv[1:])):.2f}')" "$@"; }
SHA_ALL=()
for _ in $(seq 1 "$REPS"); do
  t0=$(now); find "$DATA" -type f -print0 | xargs -0 sha256sum > /dev/null; t1=$(now)
  SHA_ALL+=("$(secs "$t0" "$t1")")
done
SHA_S=$(median "${SHA_ALL[@]}")

# ----------------------------------------------------------------------------------- the server
rm -rf "$WORK/data" "$WORK/pulled"
"$JAVA" -jar "$JAR" server --port 0 --data-dir "$WORK/data" > "$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
URL=""
for _ in $(seq 1 600); do
  URL=$(sed -n 's/^Tracking URI: //p' "$WORK/server.log" | head -1)
  [[ -n "$URL" ]] && break
  sleep 0.1
done
[[ -n "$URL" ]] || { cat "$WORK/server.log"; echo "the server did not start" >&2; exit 1; }

# The CLI as users run it: the ./cairn launcher (class-data sharing for a fast JVM start).
cli() { "$ROOT/cairn" datasets "$@" --url "$URL"; }
field() { python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }

# Warm the server up as a long-running one would be (JIT-compiled upload paths): push and pull a
# different, smaller folder first.
WARM="$WORK/warmup"
if [[ ! -d "$WARM" ]]; then
  mkdir -p "$WARM"
  for i in 1 2 3 4; do head -c $((16 * 1024 * 1024)) /dev/urandom > "$WARM/w-$i.bin"; done
  for i in $(seq 1 1000); do head -c $((16 * 1024)) /dev/urandom > "$WARM/s-$i.bin"; done
fi
cli push warmup "$WARM" -j "$JOBS" --quiet > /dev/null
cli pull warmup "$WORK/warm-pulled" -j "$JOBS" --quiet > /dev/null
rm -rf "$WORK/warm-pulled"

# The CLI's fixed cost: a JVM start and one request (what every command pays).
cli list > /dev/null
t0=$(now); cli list > /dev/null; t1=$(now)
FIXED_S=$(secs "$t0" "$t1")
# The first push, $REPS times: between two, the dataset is deleted and its contents collected, so
# each push uploads everything again.
PUSH_ALL=()
for i in $(seq 1 "$REPS"); do
  if (( i > 1 )); then
    cli delete bench --force > /dev/null
    cli gc --grace 0s > /dev/null
  fi
  t0=$(now); FIRST=$(cli push bench "$DATA" -j "$JOBS" --quiet --json); t1=$(now)
  PUSH_ALL+=("$(secs "$t0" "$t1")")
done
PUSH_S=$(median "${PUSH_ALL[@]}")
UP1=$(echo "$FIRST" | field bytes_uploaded)
t0=$(now); AGAIN=$(cli push bench "$DATA" -j "$JOBS" --quiet --json); t1=$(now)
REPUSH_S=$(secs "$t0" "$t1")
UP2=$(echo "$AGAIN" | field bytes_uploaded)
CREATED2=$(echo "$AGAIN" | field created)
# The same re-push from a running JVM (the SDK), where no process starts.
read -r SDK_S SDK_SENT < <("$JAVA" -cp "$JAR" "$BENCH/DatasetRepush.java" "$URL" bench "$DATA")
t0=$(now); cli pull bench "$WORK/pulled" -j "$JOBS" --quiet > /dev/null; t1=$(now)
PULL_S=$(secs "$t0" "$t1")
diff -r "$DATA" "$WORK/pulled" > /dev/null || { echo "the pulled folder differs" >&2; exit 1; }
kill $SERVER; wait $SERVER 2>/dev/null || true
trap - EXIT

read -r SHA_MBS PUSH_MBS PULL_MBS RATIO REPUSH_PCT SDK_PCT < <(python3 -c "
b=$BYTES/1048576
print(f'{b/$SHA_S:.0f} {b/$PUSH_S:.0f} {b/$PULL_S:.0f} {$SHA_S/$PUSH_S:.2f} {100*$REPUSH_S/$PUSH_S:.1f} {100*$SDK_S/$PUSH_S:.1f}')")

CPU=$(lscpu | sed -n 's/^Model name: *//p' | head -1)
CORES=$(nproc)
MEM=$(free -g | awk '/^Mem:/ {print $2}')
TABLE="| measure | value |
|---|---|
| folder | $FILES files, $MIB MiB |
| \`sha256sum\` over the files (median of $REPS: ${SHA_ALL[*]} s) | $SHA_S s, $SHA_MBS MiB/s |
| first push (\`cairn datasets push\`, $JOBS uploads at once; median of $REPS: ${PUSH_ALL[*]} s) | $PUSH_S s, $PUSH_MBS MiB/s, $UP1 bytes sent |
| push throughput ÷ \`sha256sum\` (target ≥ 0.7) | **$RATIO** |
| unchanged re-push | $REPUSH_S s ($REPUSH_PCT % of the first push; target < 5 %), $UP2 bytes sent, new version: $CREATED2 |
| unchanged re-push from a running JVM (\`DatasetsClient.push\`, best of 3) | $SDK_S s ($SDK_PCT % of the first push), $SDK_SENT bytes sent |
| the CLI's fixed cost (\`cairn datasets list\`: JVM start and one request) | $FIXED_S s |
| pull into an empty folder (every file verified) | $PULL_S s, $PULL_MBS MiB/s |"

echo
echo "$TABLE"

SECTION="<!-- datasets:begin -->
## Datasets: push and pull (\`bash bench/datasets.sh\`)

Measured $(date -u +%Y-%m-%d) on $CPU, $CORES cores, $MEM GiB; server (cairn.jar, SQLite, local
folder) and client on the same machine, warm page cache, the server warmed up by one push and pull
of another folder (4 × 16 MiB + 1,000 × 16 KiB); wall-clock times of the \`./cairn\` command,
including its JVM start.

$TABLE
<!-- datasets:end -->"
python3 - "$OUT_MD" "$SECTION" <<'PY'
import re, sys
path, section = sys.argv[1], sys.argv[2]
try:
    text = open(path).read()
except FileNotFoundError:
    text = "# Benchmarks\n"
pattern = re.compile(r"<!-- datasets:begin -->.*?<!-- datasets:end -->", re.S)
text = pattern.sub(lambda m: section, text) if pattern.search(text) else text.rstrip() + "\n\n" + section + "\n"
open(path, "w").write(text)
PY
echo "wrote $OUT_MD"
[[ "${BENCH_KEEP:-0}" == "1" ]] || rm -rf "$WORK"
