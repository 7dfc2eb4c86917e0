#!/usr/bin/env bash
# The load figures of RELIABILITY.md: peak memory of `sanlian serve` under 20 concurrent
# largest-size uploads, and the latency of the health and plan-view requests while both
# job workers are busy. Needs a release build (scripts/setup.sh, cargo build --release) and
# curl. Usage: scripts/load-check.sh [PORT]
set -euo pipefail
cd "$(dirname "$0")/.."
port=${1:-18087}
bin=target/release/sanlian
base=http://127.0.0.1:$port
work=$(mktemp -d)
# /usr/bin/time is the child of this script; the service is its child: stop both.
trap 'pkill -TERM -P $server 2>/dev/null || true; rm -rf "$work"' EXIT
if curl -s -o /dev/null "http://127.0.0.1:$port/"; then echo "port $port is in use" >&2; exit 1; fi

/usr/bin/time -v "$bin" serve --addr 127.0.0.1:$port --db "$work/sanlian.db" --workers 2 \
  2> "$work/server.err" > "$work/server.out" &
server=$!
for _ in $(seq 50); do curl -fs "$base/api/health" > /dev/null && break; sleep 0.2; done

# A body just under the 64 MiB limit: an instance whose name is 64 MiB long (refused by
# validation, after it has been read and parsed).
python3 - "$work/big.json" <<'EOF'
import sys
limit = 64 * 1024 * 1024
head, tail = b'{"name":"', b'"}'
with open(sys.argv[1], "wb") as f:
    f.write(head + b"x" * (limit - len(head) - len(tail) - 16) + tail)
EOF
hwm() { awk '/VmHWM/ { printf "  peak memory so far: %d MB\n", $2 / 1024 }' /proc/"$(pgrep -P $server)"/status; }
echo "20 concurrent uploads of $(stat -c %s "$work/big.json") bytes:"
start=$(date +%s.%N)
for i in $(seq 20); do
  curl -s -o /dev/null -w "%{http_code}\n" -H 'content-type: application/json' \
    --data-binary @"$work/big.json" "$base/api/instances" > "$work/upload.$i" &
done
wait $(jobs -p | grep -v "^$server$") 2>/dev/null || true
end=$(date +%s.%N)
sort "$work"/upload.* | uniq -c | sed 's/^/  status /'
awk -v a="$start" -v b="$end" 'BEGIN { printf "  all answered in %.1f s\n", b - a }'
hwm

# Two long scenario jobs on the Shandong fixture keep both workers busy.
inst=$(curl -fs -X POST "$base/api/fixtures/shandong" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
job=$(curl -fs -H 'content-type: application/json' -d '{"mode":"strict"}' "$base/api/instances/$inst/solve" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
plan=$(curl -fs "$base/api/jobs/$job?wait=60" | python3 -c 'import json,sys; print(json.load(sys.stdin)["result"]["plan"])')
spec='{"name":"long","sweeps":[{"kind":"province_cadres","from":80,"to":240,"step":1}]}'
long=()
for _ in 1 2; do
  long+=("$(curl -fs -H 'content-type: application/json' -d "$spec" "$base/api/instances/$inst/scenarios" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')")
done
sleep 2
curl -s "$base/api/health" | python3 -c 'import json,sys; h=json.load(sys.stdin); j=h["jobs"]; print("  health", h["status"], h["problems"], "jobs running", j["running"], "queued", j["queued"])'
for path in /api/health "/api/plans/$plan/view"; do
  for _ in $(seq 21); do curl -s -o /dev/null -w '%{time_total}\n' "$base$path"; done | sort -n > "$work/lat"
  printf '  GET %-22s median %4.0f ms, max %4.0f ms (21 requests, 2 workers busy)\n' "$path" \
    "$(sed -n 11p "$work/lat" | awk '{print $1*1000}')" "$(tail -1 "$work/lat" | awk '{print $1*1000}')"
done

hwm
for j in "${long[@]}"; do curl -fs -o /dev/null -X DELETE "$base/api/jobs/$j"; done
pkill -TERM -P $server
wait $server || true
grep -E 'Maximum resident set size|Elapsed' "$work/server.err" | sed 's/^\s*/  server: /'
