#!/usr/bin/env bash
# Uncached reads of two server binaries side by side (issue 25): each round starts binary A, then
# binary B, on the same scale-1 SQLite demo database with the response cache off, and drives
# the national bench's four API GETs and a council page with wrk (2 threads, 64 connections,
# $SECONDS_PER_PATH s each). For each it prints req/s and the server's CPU time per request
# (user + system from /proc, so less disturbed than req/s by whatever else the machine runs).
#
# Usage: benches/uncached-ab.sh BIN_A BIN_B [ROUNDS]
#   e.g. git worktree add /tmp/before <commit> && (cd /tmp/before && cargo build --release)
#        benches/uncached-ab.sh /tmp/before/target/release/maslikhat target/release/maslikhat 2
# Needs wrk and curl. The database is made once (about a minute) in target/bench/uncached/ with
# BIN_B's `demo --scale 1 --until 2026-01-01`; both binaries must accept its schema (a binary
# older than the newest migration refuses a database that has it: make the database with the
# older one then, by passing it as BIN_B on the first run).
set -euo pipefail
a=$(realpath "$1") b=$(realpath "$2") rounds=${3:-2}
per=${SECONDS_PER_PATH:-6}
dir=target/bench/uncached
port=18390
mkdir -p "$dir"
db="sqlite://$(realpath "$dir")/db.sqlite?mode=rwc"
if [ ! -s "$dir/db.sqlite" ]; then
    echo "making the scale-1 demo database in $dir" >&2
    MASLIKHAT_KEYS_DIR="$dir/keys" "$b" demo --scale 1 --until 2026-01-01 --database "$db" >/dev/null
fi
paths=(/v1/councils/abai-oblast/metrics /v1/vote-events/abai-oblast-s001-v2 /v1/deputies/abai-oblast-d001/ballots
    /v1/councils /councils/abai-oblast)
hz=$(getconf CLK_TCK)
pid=
stop() {
    if [ -n "$pid" ]; then
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    fi
    pid=
}
trap stop EXIT
for round in $(seq "$rounds"); do
    for bin in "$a" "$b"; do
        MASLIKHAT_KEYS_DIR="$dir/keys" RUST_LOG=warn MASLIKHAT_RESPONSE_CACHE_SECONDS=0 \
            MASLIKHAT_READ_RATE_PER_SECOND=10000000 MASLIKHAT_READ_BURST=10000000 \
            "$bin" serve --no-demo --bind "127.0.0.1:$port" --database "$db" >"$dir/serve.log" 2>&1 &
        pid=$!
        for _ in $(seq 100); do curl -fs -o /dev/null "http://127.0.0.1:$port/health" && break; sleep 0.2; done
        echo "round $round: $bin"
        for path in "${paths[@]}"; do
            curl -fs -o /dev/null "http://127.0.0.1:$port$path"
            t0=$(awk '{print $14 + $15}' "/proc/$pid/stat")
            out=$(wrk -t2 -c64 -d"${per}s" "http://127.0.0.1:$port$path")
            t1=$(awk '{print $14 + $15}' "/proc/$pid/stat")
            n=$(awk '/requests in/ {print $1}' <<<"$out")
            rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
            bad=$(awk '/Non-2xx/ {print $4}' <<<"$out")
            printf '  %-42s %9s req/s  %5d us CPU/request  non-2xx %s\n' "$path" "$rps" \
                $(((t1 - t0) * 1000000 / hz / n)) "${bad:-0}"
        done
        stop
        sleep 1
    done
done
