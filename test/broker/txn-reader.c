/*
 * txn-reader — reads a whole topic with librdkafka 2.12's own consumer, the
 * second reader of transactionsMock.test.ts: kcat (librdkafka 2.0.2) fetches
 * with Fetch v11, this one with v16, whose aborted transactions list is in the
 * flexible (compact, tagged) encoding. Built by setup.sh like txn-producer.
 *
 *   txn-reader <bootstrap> <topic> <partitions> read_committed|read_uncommitted
 *
 * Assigns every partition from the beginning and prints `<partition> <offset>
 * <value>` per record until each partition reports its end (the last stable
 * offset at read_committed, the high watermark otherwise). Exits 1 on any
 * consume error or after 30 s.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <librdkafka/rdkafka.h>

static void die(const char *what, const char *detail) {
        fprintf(stderr, "txn-reader: %s%s\n", what, detail);
        exit(1);
}

int main(int argc, char **argv) {
        char errstr[512];
        rd_kafka_conf_t *conf;
        rd_kafka_t *rk;
        rd_kafka_topic_partition_list_t *parts;
        int partitions, at_end = 0, i;
        time_t deadline = time(NULL) + 30;

        if (argc != 5 || (partitions = atoi(argv[3])) < 1) {
                fprintf(stderr,
                        "usage: %s <bootstrap> <topic> <partitions> "
                        "read_committed|read_uncommitted\n",
                        argv[0]);
                return 2;
        }
        const char *settings[][2] = {{"bootstrap.servers", argv[1]},
                                     {"group.id", "txn-reader"},
                                     {"isolation.level", argv[4]},
                                     {"enable.partition.eof", "true"},
                                     {"check.crcs", "true"},
                                     {"log_level", "3"}};
        conf = rd_kafka_conf_new();
        for (i = 0; i < (int)(sizeof(settings) / sizeof(*settings)); i++)
                if (rd_kafka_conf_set(conf, settings[i][0], settings[i][1],
                                      errstr, sizeof(errstr)))
                        die("", errstr);
        if (!(rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr,
                                sizeof(errstr))))
                die("rd_kafka_new: ", errstr);
        parts = rd_kafka_topic_partition_list_new(partitions);
        for (i = 0; i < partitions; i++)
                rd_kafka_topic_partition_list_add(parts, argv[2], i)->offset =
                    RD_KAFKA_OFFSET_BEGINNING;
        if (rd_kafka_assign(rk, parts))
                die("assign failed", "");
        rd_kafka_topic_partition_list_destroy(parts);

        while (at_end < partitions) {
                rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 200);
                if (time(NULL) > deadline)
                        die("timed out", "");
                if (!m)
                        continue;
                if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
                        at_end++;
                } else if (m->err) {
                        die("", rd_kafka_message_errstr(m));
                } else {
                        printf("%d %lld %.*s\n", (int)m->partition,
                               (long long)m->offset, (int)m->len,
                               (const char *)m->payload);
                }
                rd_kafka_message_destroy(m);
        }
        rd_kafka_consumer_close(rk);
        rd_kafka_destroy(rk);
        return 0;
}
