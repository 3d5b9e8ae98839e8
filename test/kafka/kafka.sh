#!/usr/bin/env bash
# Apache Kafka's broker and tools from the jars test/kafka/setup.sh fetched, as Kafka's bin/ scripts
# run them, for the tests (test/support/KafkaCluster.ts) and the benchmarks:
#
#   kafka.sh [-v VERSION] server CONFIG LOGFILE   one node (KRaft); prints "pid N" (the JVM's pid),
#                                                 and kills the JVM when its own stdin closes, so a
#                                                 node never outlives the process that started it
#   kafka.sh [-v VERSION] storage ARGS…           kafka-storage.sh (format)
#   kafka.sh [-v VERSION] topics ARGS…            kafka-topics.sh (TopicCommand)
#   kafka.sh [-v VERSION] configs ARGS…           kafka-configs.sh
#   kafka.sh [-v VERSION] console-consumer ARGS…  kafka-console-consumer.sh
#   kafka.sh [-v VERSION] console-producer ARGS…  kafka-console-producer.sh (the Java producer, lines on stdin)
#   kafka.sh [-v VERSION] dump-log ARGS…          kafka-dump-log.sh (DumpLogSegments: batches as stored)
#   kafka.sh [-v VERSION] consumer-groups ARGS…   kafka-consumer-groups.sh
#   kafka.sh [-v VERSION] transactions ARGS…      kafka-transactions.sh (TransactionsCommand)
#   kafka.sh [-v VERSION] producer-perf ARGS…     kafka-producer-perf-test.sh (ProducerPerformance)
#
# VERSION defaults to $RXKAFKA_KAFKA_VERSION, else the one pinned in test/kafka/pom.xml.
# Every JVM started here carries -Drxkafka.test.kafka so that a sweep can find one left behind.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
# shellcheck source=versions.sh
source "$here/versions.sh"

version="${RXKAFKA_KAFKA_VERSION:-$kafka_default_version}"
if [[ "${1:-}" == -v ]]; then version="$2"; shift 2; fi
cmd="${1:-}"
[[ -n "$cmd" ]] || { sed -n '2,19p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }
shift

fail() { echo "test/kafka/kafka.sh: $*" >&2; exit 1; }
command -v java >/dev/null || fail "java is not installed: Kafka needs Java 17 or later (apt-get install openjdk-17-jre-headless)"
libs="$root/.cache/kafka/$version/libs"
[[ -f "$libs/.complete" ]] || fail "Kafka $version's jars are not in $libs: run bash test/kafka/setup.sh${version:+ $version}"

jvm=(java -Drxkafka.test.kafka=1 -cp "$libs/*")
# A node logs to its own file (log4j2.properties); a tool to the console (log4j2-tools.properties).
server_jvm=("${jvm[@]}" -Dlog4j2.configurationFile="$here/log4j2.properties")
jvm+=(-Dlog4j2.configurationFile="$here/log4j2-tools.properties")
# Tools are short-lived: a small heap and the C1 compiler only start faster.
tool=("${jvm[@]}" -Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC)

case "$cmd" in
  server)
    config="$1" log="$2"
    # A test node: a small fixed heap; the JVM's own defaults would take a quarter of the machine each.
    "${server_jvm[@]}" -Xms320m -Xmx320m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Dkafka.test.log="$log" kafka.Kafka "$config" \
      </dev/null >>"$log.out" 2>&1 &
    pid=$!
    echo "pid $pid"
    # Our stdin is the starter's pipe: when it closes (the starter exited, however it died), so does the node.
    # (A background job's stdin is /dev/null unless given one: hand it ours explicitly.)
    exec 3<&0
    ( cat <&3 >/dev/null; kill -9 "$pid" 2>/dev/null ) &
    watcher=$!
    status=0
    wait "$pid" || status=$?
    kill "$watcher" 2>/dev/null || true
    exit "$status"
    ;;
  storage) exec "${tool[@]}" kafka.tools.StorageTool "$@" ;;
  topics) exec "${tool[@]}" org.apache.kafka.tools.TopicCommand "$@" ;;
  configs) exec "${tool[@]}" org.apache.kafka.tools.ConfigCommand "$@" ;;
  console-consumer) exec "${tool[@]}" org.apache.kafka.tools.consumer.ConsoleConsumer "$@" ;;
  # Both moved from core (Scala) to kafka-tools in 4.0.
  console-producer) [[ "$version" == 3.* ]] && main=kafka.tools.ConsoleProducer || main=org.apache.kafka.tools.ConsoleProducer
    exec "${tool[@]}" "$main" "$@" ;;
  dump-log) [[ "$version" == 3.* ]] && main=kafka.tools.DumpLogSegments || main=org.apache.kafka.tools.DumpLogSegments
    exec "${tool[@]}" "$main" "$@" ;;
  consumer-groups) exec "${tool[@]}" org.apache.kafka.tools.consumer.group.ConsumerGroupCommand "$@" ;;
  transactions) exec "${tool[@]}" org.apache.kafka.tools.TransactionsCommand "$@" ;;
  # The Java producer is measured, not started often: the full JIT and a heap like Kafka's script gives it.
  producer-perf) exec "${jvm[@]}" -Xmx512m org.apache.kafka.tools.ProducerPerformance "$@" ;;
  *) fail "unknown command '$cmd' (server, storage, topics, configs, console-consumer, console-producer, dump-log, consumer-groups, transactions, producer-perf)" ;;
esac
