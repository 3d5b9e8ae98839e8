#!/usr/bin/env bash
# `npm run bench` (root): everything the side-by-side benchmark needs, then bench.js.
#   1. the mock-cluster launcher (test/broker/setup.sh, quiet when current)
#   2. benchmarks/node_modules: `npm ci` with BUILD_LIBRDKAFKA=0, so node-rdkafka compiles against
#      Debian's librdkafka (librdkafka-dev) instead of building its bundled copy — skipped when the
#      lock file has not changed since the last install (a stamp), since it recompiles the addon
#   3. rxkafka's dist/ (npm run build): the drivers use the repo's build, not a published package
#   4. Apache Kafka's jars (test/kafka/setup.sh, quiet when fetched) for the Kafka broker and the
#      Java producer — unless the run is on the mock only (--broker mock, or --latency)
#   5. the franz-go driver (clients/franz-go.js --build: `go build`, modules from the Go module
#      proxy, into .cache/bench/franz-go/, once per source) — unless --latency, or --clients
#      leaves it out
# Arguments go to bench.js (throughput): npm run bench -- --records 200000 --rounds 1
# or, with --latency among them, to latency.js (ack latency at a fixed rate):
#   npm run bench -- --latency --rate 10000 --seconds 10
# Kept out of the root package so that CI (`npm ci && npm test`) never installs these peers.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"

# setup.sh installs the broker's and readers' Debian packages (kcat among them) when run as root.
bash "$root/test/broker/setup.sh"

if [ ! -x /usr/bin/time ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends time >/dev/null
fi
command -v kcat >/dev/null || { echo "bench: kcat is needed (apt-get install kcat)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench: GNU time is needed for kcat's peak RSS (apt-get install time)" >&2; exit 1; }

stamp="$here/node_modules/.bench-lock.sha256"
want="$(sha256sum "$here/package-lock.json" | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "bench: installing the peers (npm ci in benchmarks/, BUILD_LIBRDKAFKA=0)" >&2
  BUILD_LIBRDKAFKA=0 npm ci --prefix "$here" --no-audit --no-fund
  echo "$want" > "$stamp"
fi

(cd "$root" && npm run build --silent)

script=bench.js
kafka=yes
franzgo=yes
prev=
for arg in "$@"; do
  if [ "$arg" = --latency ]; then script=latency.js; kafka=no; franzgo=no; fi
  if [ "$prev" = --broker ] && [ "$arg" = mock ]; then kafka=no; fi
  if [ "$prev" = --clients ]; then case ",$arg," in *,franz-go,*) ;; *) franzgo=no ;; esac; fi
  prev="$arg"
done
if [ "$kafka" = yes ]; then bash "$root/test/kafka/setup.sh"; fi
if [ "$franzgo" = yes ]; then node "$here/clients/franz-go.js" --build; fi
exec node "$here/$script" "$@"
