#!/usr/bin/env bash
# npm run example:http — the server and the load generator for DURATION_S (default 15) seconds,
# against KAFKA_BROKERS (test/broker/with-mock-cluster.sh sets it: yours, or a local mock cluster).
# Then SIGTERM to the server: it finishes its requests, closes the producer and prints its totals.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
: "${KAFKA_BROKERS:?set KAFKA_BROKERS, or run npm run example:http}"
export PORT="${PORT:-8080}"

server_out="$(mktemp "${TMPDIR:-/tmp}/http-ingest.XXXXXX")"
node server.js >"$server_out" &
server=$!
trap 'kill -TERM $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -f "$server_out"' EXIT
for ((i = 0; i < 100; i++)); do
  grep -q '^listening' "$server_out" && break
  kill -0 $server 2>/dev/null || { echo "run.sh: the server exited: $(cat "$server_out")" >&2; exit 1; }
  sleep 0.1
done
head -n 1 "$server_out"

echo "load generator: ${RATE:-20} batches/s of ${RECORDS:-200} records for ${DURATION_S:=15} s (progress on stderr)"
URL="http://127.0.0.1:$PORT/records" DURATION_S="$DURATION_S" node loadgen.js

kill -TERM $server
wait $server
echo "server totals: $(tail -n 1 "$server_out")"
