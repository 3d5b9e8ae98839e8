#!/usr/bin/env bash
# Runs a command with KAFKA_BROKERS and TOPIC set, for the examples (npm run example:http,
# example:rxjs):
#
#   bash test/broker/with-mock-cluster.sh TOPIC PARTITIONS -- COMMAND [ARGS…]
#
# Builds rxkafka first (npm ci when node_modules is missing, npm run build). With KAFKA_BROKERS
# already set, the command runs against that cluster (the topic must exist there, or auto-creation
# be on).
# Without, a local 3-broker mock cluster (librdkafka 2.12, as `npm run demo` starts it; set up by
# test/broker/setup.sh) is started with TOPIC made, and stopped when the command exits, however it
# exits. Exits with the command's status.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

usage() { echo "usage: $0 TOPIC PARTITIONS -- COMMAND [ARGS…]" >&2; exit 2; }
[[ $# -ge 4 && "$3" == -- ]] || usage
topic="$1" partitions="$2"
shift 3
[[ "$partitions" =~ ^[1-9][0-9]*$ ]] || { echo "$0: PARTITIONS must be a positive integer, got '$partitions'" >&2; exit 2; }

work=""
# shellcheck source=mock-coproc.sh
source test/broker/mock-coproc.sh
on_exit() {
  local status=$?
  mock_stop
  [[ -z "$work" ]] || rm -rf "$work"
  exit "$status"
}
trap on_exit EXIT

if [[ -z "${KAFKA_BROKERS:-}" ]]; then
  echo "KAFKA_BROKERS is not set: starting a local mock cluster (KAFKA_BROKERS=host:port uses your Kafka)" >&2
  bash test/broker/setup.sh >&2
fi
[[ -d node_modules ]] || npm ci --no-audit --no-fund >&2
npm run build --silent >&2

if [[ -z "${KAFKA_BROKERS:-}" ]]; then
  launcher=.cache/broker/mock-2.12/launcher
  [[ -x "$launcher" ]] || { echo "$0: $launcher is missing after test/broker/setup.sh" >&2; exit 1; }
  work="$(mktemp -d "${TMPDIR:-/tmp}/rxkafka-example.XXXXXX")"
  mock_start "$launcher" 3 "$work/mock.log"
  export KAFKA_BROKERS="$mock_bootstrap"
  mock_command topic "$topic" "$partitions" 1
  echo "mock cluster at $KAFKA_BROKERS, topic '$topic' with $partitions partitions" >&2
fi
export TOPIC="$topic"

# Ctrl-C reaches the command too (same process group); it ends on its own terms, then we clean up.
trap ':' INT
set +e
"$@"
status=$?
set -e
exit "$status"
