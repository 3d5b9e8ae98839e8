#!/usr/bin/env bash
# npm run demo — rxkafka end to end on this machine, checked by a reader we did not write.
#
#   1. setup: Debian packages + mock-cluster launchers (test/broker/setup.sh; apt-get only as root),
#      `npm ci` when node_modules is missing, `npm run build`
#   2. a local 3-broker Kafka mock cluster (librdkafka 2.12), topic `demo` with 6 partitions
#   3. DEMO_RECORDS (default 300000) ndjson records | rxkafka produce --format ndjson --key-field user
#   4. kcat (Debian's, librdkafka 2.0.2, check.crcs=true) reads the topic back; every record is
#      compared with what was generated, and the count with what rxkafka acked
#
# Exits non-zero when anything differs. The mock cluster is stopped on every exit path.
# Why not a million records: librdkafka's mock broker keeps at most 5 MiB per partition and drops
# older batches beyond that, so a bigger run could not be read back whole.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

records="${DEMO_RECORDS:-300000}"
topic=demo
partitions=6
launcher=.cache/broker/mock-2.12/launcher

[[ "$records" =~ ^[1-9][0-9]*$ ]] || { echo "demo: DEMO_RECORDS must be a positive integer, got '$records'" >&2; exit 2; }

work="$(mktemp -d "${TMPDIR:-/tmp}/rxkafka-demo.XXXXXX")"
# shellcheck source=mock-coproc.sh
source test/broker/mock-coproc.sh

on_exit() {
  local status=$?
  mock_stop
  rm -rf "$work"
  exit "$status"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

t0=$SECONDS
bold='' plain=''
if [[ -t 1 ]]; then bold=$'\033[1m' plain=$'\033[0m'; fi
step() { printf '\n%s==> %s%s (%ds)\n' "$bold" "$*" "$plain" "$((SECONDS - t0))"; }

# ---- 1. setup ---------------------------------------------------------------------------------
step "setup: system packages and mock-cluster launchers (first run: apt-get + librdkafka 2.12 build, ~1-2 min)"
bash test/broker/setup.sh
if [[ ! -d node_modules ]]; then
  step "npm ci (node_modules is missing)"
  npm ci --no-audit --no-fund
fi
step "npm run build"
npm run build --silent
[[ -x "$launcher" ]] || { echo "demo: $launcher is missing after setup" >&2; exit 1; }

# ---- 2. mock cluster --------------------------------------------------------------------------
step "starting a 3-broker mock cluster (librdkafka 2.12)"
mock_start "$launcher" 3 "$work/mock.log"
bootstrap="$mock_bootstrap"
echo "brokers: $bootstrap"
mock_command topic "$topic" "$partitions" 1
echo "topic '$topic': $partitions partitions"

# ---- 3. produce -------------------------------------------------------------------------------
step "producing $records ndjson records: node test/broker/demo-data.js generate | rxkafka produce"
echo "\$ rxkafka produce --brokers $bootstrap --topic $topic --format ndjson --key-field user"
set +e
node test/broker/demo-data.js generate "$records" |
  node dist/src/cli/main.js produce --brokers "$bootstrap" --topic "$topic" --format ndjson --key-field user \
    >"$work/summary.json"
produce_status=$?
set -e
cat "$work/summary.json"
echo "(rxkafka produce exited $produce_status)"

# ---- 4. independent read-back -----------------------------------------------------------------
step "reading '$topic' back with kcat (check.crcs=true) and comparing"
set +e
kcat -C -b "$bootstrap" -t "$topic" -o beginning -e -q -X check.crcs=true -f '%p %o %k %s\n' 2>"$work/kcat.err" |
  node test/broker/demo-data.js verify "$records" "$work/summary.json"
statuses=("${PIPESTATUS[@]}")
set -e
kcat_status=${statuses[0]}
verify_status=${statuses[1]}
if [[ $kcat_status != 0 ]] || grep -q 'ERROR' "$work/kcat.err"; then
  echo "demo: kcat failed (exit $kcat_status): $(head -n 5 "$work/kcat.err")" >&2
fi

step "done"
if [[ $produce_status == 0 && $kcat_status == 0 && $verify_status == 0 ]] && ! grep -q 'ERROR' "$work/kcat.err"; then
  echo "demo passed: $records records produced by rxkafka, acked, and read back by kcat."
  exit 0
fi
echo "demo FAILED (rxkafka produce exit $produce_status, kcat exit $kcat_status, comparison exit $verify_status)" >&2
exit 1
