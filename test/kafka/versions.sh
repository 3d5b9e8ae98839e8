# The Apache Kafka releases the suite runs against (sourced by setup.sh and kafka.sh).
# The newest 4.x that resolves on Maven Central with its dependencies and starts here: the suite's
# ground truth. The last 3.x line: the delivery tests run on it too, older brokers being common.
kafka_default_version=4.4.0
kafka_old_version=3.9.2
kafka_versions=("$kafka_default_version" "$kafka_old_version")
