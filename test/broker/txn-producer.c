/*
 * txn-producer — drives librdkafka's own transactional producer against the
 * mock, to prove the strict mock's transactions (transactions.patch) with a
 * client nobody here wrote. Built by setup.sh against the same static
 * librdkafka 2.12 as the 2.12 launcher.
 *
 *   txn-producer <bootstrap> <topic> <transactional.id> <partitions> <n> [open]
 *
 * Runs init_transactions, then three transactions of n records each, record
 * k going to partition k % partitions with value "<tag>-<k>" (also the key):
 *   c1 committed, a1 aborted (flushed first, so its records are in the log),
 *   c2 committed.
 * With `open`, it then begins a fourth transaction, writes o-0..o-(n-1),
 * flushes, prints `OPEN` and waits for one stdin line: `commit` or `abort`
 * (EOF aborts), which it then does.
 * Prints `DONE` on stdout and exits 0 when every step and every delivery
 * succeeded; otherwise prints the failure on stderr and exits 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <librdkafka/rdkafka.h>

#define TIMEOUT_MS 30000

static int delivery_failures;

static void dr_cb(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque) {
        (void)rk;
        (void)opaque;
        if (m->err) {
                fprintf(stderr, "txn-producer: delivery failed: %s\n",
                        rd_kafka_err2str(m->err));
                delivery_failures++;
        }
}

/* Exits on a transactional API error. */
static void check(const char *what, rd_kafka_error_t *error) {
        if (!error)
                return;
        fprintf(stderr, "txn-producer: %s: %s\n", what,
                rd_kafka_error_string(error));
        rd_kafka_error_destroy(error);
        exit(1);
}

static void produce(rd_kafka_t *rk,
                    const char *topic,
                    const char *tag,
                    int partitions,
                    int n) {
        char value[64];
        int k;
        for (k = 0; k < n; k++) {
                rd_kafka_resp_err_t err;
                snprintf(value, sizeof(value), "%s-%d", tag, k);
                err = rd_kafka_producev(
                    rk, RD_KAFKA_V_TOPIC(topic),
                    RD_KAFKA_V_PARTITION(k % partitions),
                    RD_KAFKA_V_KEY(value, strlen(value)),
                    RD_KAFKA_V_VALUE(value, strlen(value)),
                    RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
                if (err) {
                        fprintf(stderr, "txn-producer: produce %s: %s\n",
                                value, rd_kafka_err2str(err));
                        exit(1);
                }
        }
}

static void flush_all(rd_kafka_t *rk) {
        if (rd_kafka_flush(rk, TIMEOUT_MS) || delivery_failures) {
                fprintf(stderr, "txn-producer: flush failed\n");
                exit(1);
        }
}

static void end(rd_kafka_t *rk, int commit) {
        if (commit)
                check("commit_transaction",
                      rd_kafka_commit_transaction(rk, TIMEOUT_MS));
        else
                check("abort_transaction",
                      rd_kafka_abort_transaction(rk, TIMEOUT_MS));
}

static void transaction(rd_kafka_t *rk,
                        const char *topic,
                        const char *tag,
                        int partitions,
                        int n,
                        int commit) {
        check("begin_transaction", rd_kafka_begin_transaction(rk));
        produce(rk, topic, tag, partitions, n);
        /* Make sure the records are in the log before the transaction ends
         * (abort_transaction would otherwise purge what is still queued). */
        flush_all(rk);
        end(rk, commit);
}

int main(int argc, char **argv) {
        char errstr[512], line[64];
        rd_kafka_conf_t *conf;
        rd_kafka_t *rk;
        int partitions, n, open, i;

        if (argc < 6 || argc > 7 || (argc == 7 && strcmp(argv[6], "open"))) {
                fprintf(stderr,
                        "usage: %s <bootstrap> <topic> <transactional.id> "
                        "<partitions> <n> [open]\n",
                        argv[0]);
                return 2;
        }
        partitions = atoi(argv[4]);
        n          = atoi(argv[5]);
        open       = argc == 7;
        if (partitions < 1 || n < 1) {
                fprintf(stderr, "txn-producer: partitions and n must be > 0\n");
                return 2;
        }

        const char *settings[][2] = {{"bootstrap.servers", argv[1]},
                                     {"transactional.id", argv[3]},
                                     {"linger.ms", "5"},
                                     {"log_level", "3"}};
        conf = rd_kafka_conf_new();
        for (i = 0; i < (int)(sizeof(settings) / sizeof(*settings)); i++) {
                if (rd_kafka_conf_set(conf, settings[i][0], settings[i][1],
                                      errstr, sizeof(errstr))) {
                        fprintf(stderr, "txn-producer: %s\n", errstr);
                        return 1;
                }
        }
        rd_kafka_conf_set_dr_msg_cb(conf, dr_cb);
        rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
        if (!rk) {
                fprintf(stderr, "txn-producer: rd_kafka_new: %s\n", errstr);
                return 1;
        }

        check("init_transactions", rd_kafka_init_transactions(rk, TIMEOUT_MS));
        transaction(rk, argv[2], "c1", partitions, n, 1);
        transaction(rk, argv[2], "a1", partitions, n, 0);
        transaction(rk, argv[2], "c2", partitions, n, 1);

        if (open) {
                check("begin_transaction", rd_kafka_begin_transaction(rk));
                produce(rk, argv[2], "o", partitions, n);
                flush_all(rk);
                printf("OPEN\n");
                fflush(stdout);
                end(rk, fgets(line, sizeof(line), stdin) &&
                            !strncmp(line, "commit", 6));
        }

        printf("DONE\n");
        fflush(stdout);
        rd_kafka_destroy(rk);
        return 0;
}
