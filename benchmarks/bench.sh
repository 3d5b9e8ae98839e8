#!/usr/bin/env bash
# `npm run bench` (root): everything the side-by-side benchmark needs, then bench.js.
#   1. the mock-cluster launcher (test/broker/setup.sh, quiet when current)
#   2. benchmarks/node_modules: `npm ci` without install scripts, then the two native addons, each
#      with its own settings (both read BUILD_LIBRDKAFKA, so one npm ci cannot serve both):
#      node-rdkafka with BUILD_LIBRDKAFKA=0, against Debian's librdkafka (librdkafka-dev);
#      @confluentinc/kafka-javascript with BUILD_LIBRDKAFKA=1 CKJS_LINKING=dynamic, its bundled
#      librdkafka (2.15.1) built as a shared library beside the addon — Debian's 2.0.2 lacks ~40
#      functions of the C API its binding calls (ListOffsets, DescribeTopics, …), so it does not
#      compile against it — and from source (npm_config_build_from_source), not a prebuilt binary
#      downloaded from outside the registry. Skipped when the lock file has not changed since the
#      last install (a stamp), since it recompiles both (librdkafka 2.15's build: minutes on 2 cores)
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
  echo "bench: installing the peers (npm ci in benchmarks/, then node-rdkafka's and Confluent's addons)" >&2
  npm ci --prefix "$here" --no-audit --no-fund --ignore-scripts
  BUILD_LIBRDKAFKA=0 npm rebuild --prefix "$here" --no-audit --no-fund node-rdkafka
  BUILD_LIBRDKAFKA=1 CKJS_LINKING=dynamic npm_config_build_from_source=true \
    npm rebuild --prefix "$here" --no-audit --no-fund @confluentinc/kafka-javascript
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
