# Sourced by demo.sh and with-mock-cluster.sh: a librdkafka mock cluster (launcher.c) as a bash
# coprocess, for scripts (the tests use test/support/MockCluster.ts).
#
#   mock_start LAUNCHER BROKERS LOGFILE   starts it; sets mock_pid and mock_bootstrap ("host:port,…")
#   mock_command WORDS…                   one launcher command (e.g. topic NAME PARTITIONS 1); fails unless OK
#   mock_stop                             EOF on its stdin (the launcher then exits), SIGKILL after 5 s
#
# The cluster ignores Ctrl-C: that is for the script and its command, which stop it themselves.

mock_pid=""
mock_bootstrap=""
mock_log=""

# One reply line per command, or the launcher is gone.
mock_read() {
  local line
  if ! IFS= read -r -t 10 line <&"${MOCK[0]}"; then
    echo "the mock cluster did not answer: $(tail -n 5 "$mock_log")" >&2
    return 1
  fi
  printf '%s' "$line"
}

mock_start() {
  local launcher="$1" brokers="$2" first
  mock_log="$3"
  coproc MOCK { trap '' INT; exec "$launcher" --brokers "$brokers" 2>"$mock_log"; }
  mock_pid=$MOCK_PID
  first="$(mock_read)"
  [[ "$first" =~ ^BOOTSTRAP\ (.+)$ ]] || { echo "the mock cluster said '$first'" >&2; return 1; }
  mock_bootstrap="${BASH_REMATCH[1]}"
}

mock_command() {
  local reply
  echo "$*" >&"${MOCK[1]}"
  reply="$(mock_read)"
  [[ "$reply" == OK ]] || { echo "mock cluster: '$*' answered '$reply'" >&2; return 1; }
}

mock_stop() {
  [[ -n "$mock_pid" ]] || return 0
  if [[ -n "${MOCK[1]:-}" ]]; then eval "exec ${MOCK[1]}>&-"; fi
  local i
  for ((i = 0; i < 50; i++)); do
    kill -0 "$mock_pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$mock_pid" 2>/dev/null || true
  wait "$mock_pid" 2>/dev/null || true
  mock_pid=""
}
