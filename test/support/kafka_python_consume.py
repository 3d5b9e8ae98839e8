"""Reads a whole topic with kafka-python (Debian's python3-kafka) and prints one JSON object per
record on stdout: {"partition", "offset", "timestamp", "timestampType", "key", "value",
"headers": [[name, value], ...]} with key/value/header values base64-encoded (null stays null).

Usage: /usr/bin/python3 kafka_python_consume.py <bootstrap> <topic> <timeout_ms>

kafka-python 2.0.2 knows no transactions (no isolation_level): it reads uncommitted.

It stops when every partition has been read up to the end offset it had at the start, and exits
non-zero (message on stderr) on any error, a CRC mismatch included.

CRC: kafka-python 2.0.2 accepts check_crcs=True but its fetcher never calls validate_crc() on
v2 record batches (a corrupt batch is returned as if fine). So this script checks every batch's
CRC-32C itself, by wrapping MemoryRecords.next_batch, before kafka-python reads the records.

Control batches (transaction markers): kafka-python 2.0.2 returns their record as if it were
data. The fetcher must still see it (its position moves past the marker only so), so this script
notes the offsets of records from control batches and leaves them out of what it prints.
"""
import base64
import json
import sys
import time

from kafka import KafkaConsumer, TopicPartition
from kafka.consumer.fetcher import Fetcher
from kafka.errors import CorruptRecordException
from kafka.record.memory_records import MemoryRecords


_next_batch = MemoryRecords.next_batch
# Whether the batch whose records the fetcher is unpacking is a control batch.
_in_control_batch = False
# (partition, offset) of every control record read.
_control_records = set()


def _checked_next_batch(self, *args, **kwargs):
    global _in_control_batch
    batch = _next_batch(self, *args, **kwargs)
    if batch is not None and hasattr(batch, "validate_crc") and not batch.validate_crc():
        raise CorruptRecordException(
            "record batch at offset %d failed its CRC-32C check" % batch.base_offset)
    _in_control_batch = bool(getattr(batch, "is_control_batch", False))
    return batch


MemoryRecords.next_batch = _checked_next_batch

_unpack_message_set = Fetcher._unpack_message_set


def _noting_unpack_message_set(self, tp, records):
    # A generator: each record is yielded before the next batch is read.
    for record in _unpack_message_set(self, tp, records):
        if _in_control_batch:
            _control_records.add((tp.partition, record.offset))
        yield record


Fetcher._unpack_message_set = _noting_unpack_message_set


def b64(data):
    return None if data is None else base64.b64encode(data).decode("ascii")


def main():
    bootstrap, topic, timeout_ms = sys.argv[1], sys.argv[2], int(sys.argv[3])
    deadline = time.monotonic() + timeout_ms / 1000.0
    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap.split(","),
        check_crcs=True,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        api_version_auto_timeout_ms=min(timeout_ms, 10000),
        request_timeout_ms=max(timeout_ms + 1000, 30000),
    )
    partitions = consumer.partitions_for_topic(topic)
    while partitions is None:
        if time.monotonic() > deadline:
            raise TimeoutError("topic %s not found" % topic)
        time.sleep(0.1)
        partitions = consumer.partitions_for_topic(topic)
    tps = [TopicPartition(topic, p) for p in sorted(partitions)]
    consumer.assign(tps)
    consumer.seek_to_beginning(*tps)
    end = consumer.end_offsets(tps)
    pending = {tp for tp in tps if consumer.position(tp) < end[tp]}
    out = []
    while pending:
        if time.monotonic() > deadline:
            raise TimeoutError("timed out with partitions %s unread to their end"
                               % sorted(tp.partition for tp in pending))
        for tp, records in consumer.poll(timeout_ms=200).items():
            for r in records:
                if r.offset < end[tp] and (r.partition, r.offset) not in _control_records:
                    out.append({
                        "partition": r.partition,
                        "offset": r.offset,
                        "timestamp": r.timestamp,
                        "timestampType": r.timestamp_type,
                        "key": b64(r.key),
                        "value": b64(r.value),
                        "headers": [[k, b64(v)] for k, v in (r.headers or [])],
                    })
        pending = {tp for tp in pending if consumer.position(tp) < end[tp]}
    consumer.close()
    for o in out:
        sys.stdout.write(json.dumps(o) + "\n")


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # noqa: BLE001 - any failure is the caller's failure
        sys.stderr.write("kafka-python: %s: %s\n" % (type(e).__name__, e))
        sys.exit(1)
