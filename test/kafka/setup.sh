#!/usr/bin/env bash
# Fetches Apache Kafka's broker, tools and Java producer (test/kafka/pom.xml) with Maven into
#   .cache/kafka/<version>/libs
# for every version in versions.sh, or those named as arguments. Once a version's jars are there
# (and the pom has not changed since) this only checks and exits, offline, in well under a second.
# Needs Java 17+ and Maven: installs Debian's when missing and running as root (a fresh CI or dev
# box), else says which is missing and how to install it.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
source "$here/versions.sh"

fail() { echo "test/kafka/setup.sh: $*" >&2; exit 1; }

versions=("$@")
[[ ${#versions[@]} -gt 0 ]] || versions=("${kafka_versions[@]}")

if ! command -v java >/dev/null || ! command -v mvn >/dev/null; then
  if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
    log="$(mktemp)"
    if ! { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends openjdk-17-jre-headless maven; } >"$log" 2>&1; then
      tail -n 20 "$log" >&2
      fail "apt-get install of openjdk-17-jre-headless and maven failed (log above)"
    fi
    rm -f "$log"
  fi
fi
command -v java >/dev/null || fail "java is not installed: Kafka 4 needs Java 17 or later (apt-get install -y openjdk-17-jdk-headless)"
java_major="$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
[[ "${java_major%%.*}" -ge 17 ]] 2>/dev/null || fail "java is version ${java_major:-unknown}; Kafka 4 needs 17 or later (set JAVA_HOME/PATH to one, e.g. under /usr/lib/jvm)"

# The stamp: the pom's content and the version, so that a change to either fetches again.
pom_hash="$(sha256sum "$here/pom.xml" | cut -c1-16)"
mkdir -p "$root/.cache/kafka"
exec 9>"$root/.cache/kafka/.lock"
flock 9

for v in "${versions[@]}"; do
  libs="$root/.cache/kafka/$v/libs"
  if [[ -f "$libs/.complete" && "$(cat "$libs/.complete")" == "$pom_hash" ]]; then continue; fi
  command -v mvn >/dev/null || fail "Maven is not installed: it fetches Kafka's jars once (apt-get install -y maven)"
  echo "test/kafka/setup.sh: fetching Apache Kafka $v from Maven Central into .cache/kafka/$v (once, ~20 s)" >&2
  rm -rf "$libs"
  log="$(mktemp)"
  if ! mvn -B -q -f "$here/pom.xml" -Dkafka.version="$v" dependency:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory="$libs" >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    rm -f "$log"
    fail "Maven could not fetch Apache Kafka $v (log above): is Maven Central reachable? (mvn -v, ~/.m2/settings.xml)"
  fi
  rm -f "$log"
  [[ -f "$libs/kafka_2.13-$v.jar" ]] || fail "Maven ran but $libs/kafka_2.13-$v.jar is missing"
  echo "$pom_hash" >"$libs/.complete"
done
