/*
 * launcher — runs a librdkafka mock cluster for rxkafka's integration tests.
 *
 *   launcher [--brokers N]          (default 3; broker ids are 1..N)
 *   launcher --version              prints the librdkafka version and exits
 *
 * Prints one line `BOOTSTRAP host:port,host:port,...` on stdout, then reads
 * commands on stdin, one per line, and answers each with exactly one line,
 * `OK` or `ERR <reason>`:
 *
 *   topic <name> <partitions> <replication>
 *   down <brokerId> | up <brokerId>
 *   rtt <brokerId> <ms>
 *   leader <topic> <partition> <brokerId>       (brokerId -1: no leader)
 *   errors <apiKey> <code> [<code>...]          next requests of that API, any broker
 *   broker-errors <brokerId> <apiKey> <code>:<rttMs> [...]
 *   topic-error <topic> <code>
 *   clear <apiKey>                              clears `errors`, not `broker-errors`
 *   apiversion <apiKey> <min> <max>
 *   advertise <brokerId> <host> <port>          2.12 only (ERR on 2.0.2)
 *   quit
 *
 * On `quit` or stdin EOF it destroys the cluster and exits 0, so a test runner
 * that dies (and so closes our stdin) never leaves an orphan broker behind.
 *
 * What the mock does on its own (read from rdkafka_mock.c / _handlers.c of
 * 2.0.2 and 2.12.0; no configuration or API changes any of it):
 *  - Topic auto-creation: a Metadata request naming an unknown topic creates
 *    it with 4 partitions and replication min(3, brokers) when
 *    AllowAutoTopicCreation is true (always for Metadata v0-v3). Produce to an
 *    unknown topic does NOT create it: UNKNOWN_TOPIC_OR_PARTITION. But
 *    `leader t p b` on an unknown topic creates it with p+1 partitions, and
 *    `topic-error` with 4. Tests that care about partition counts must
 *    `topic` first (a later `topic` fails with TOPIC_ALREADY_EXISTS).
 *  - Pushed errors (`errors`, `broker-errors`) are consumed by Produce,
 *    InitProducerId, ApiVersions, Fetch, ListOffsets, FindCoordinator, the
 *    group and txn APIs, but never by Metadata: use `topic-error` (Metadata
 *    and AddPartitionsToTxn report it; Produce does not) or `leader`.
 *    Code -195 (librdkafka's __TRANSPORT) makes the broker close the
 *    connection on the next request of that API instead of answering.
 *    Quirk: once `broker-errors` has been used for an API on a broker, that
 *    broker never again consumes cluster-wide `errors` for that API (its own,
 *    even empty, error stack shadows the cluster's). `clear` empties only the
 *    cluster-wide stack.
 *  - Record batches are stored verbatim: the stock mock checks magic (must be
 *    2) and the record count, never the CRC. CRCs are checked by the readers
 *    (kcat, kafka-python with check_crcs) when they fetch the bytes back.
 *  - Idempotence: stock librdkafka validates sequence numbers only for
 *    transactional producers (non-empty TransactionalId).
 *  - The 2.12 build is patched (strict-producer-state.patch, see README.md):
 *    it checks every batch's CRC and, for any producer id, epoch and sequence
 *    as Kafka does (duplicates acked with their first offset, not written).
 *  - `down` keeps the port but refuses connections and closes the open ones;
 *    it does not move leadership (use `leader`). 2.12 drops the broker from
 *    Metadata's broker list; 2.0.2 keeps listing it.
 *  - Transactions (2.0.2): EndTxn writes no control records, and Fetch
 *    reports LastStableOffset = high watermark and no aborted transactions,
 *    so a read_committed consumer also sees records of aborted transactions.
 *    The 2.12 build is patched (transactions.patch, see README.md): EndTxn
 *    writes commit/abort markers, Fetch reports the last stable offset and
 *    aborted transactions, and read_committed reads committed records only.
 *  - acks=0: the mock answers Produce anyway (a real broker sends nothing).
 *  - `advertise` changes only what Metadata (and leader hints) say about a
 *    broker; it keeps listening where it did, and `down`/`up` reuse that
 *    socket address. It lets the tests put a TLS or SASL front (stunnel, the
 *    SASL proxy in test/support) before each broker and have clients reach
 *    every broker through it. The BOOTSTRAP line is not affected.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#define MAX_ARGS 64

static rd_kafka_mock_cluster_t *mcluster;
static long broker_cnt = 3;

/* Parses a whole decimal integer within [lo, hi]; returns 0 on success. */
static int parse_int(const char *s, long lo, long hi, long *out) {
        char *end;
        long v;
        if (!s || !*s)
                return -1;
        errno = 0;
        v     = strtol(s, &end, 10);
        if (errno || *end || v < lo || v > hi)
                return -1;
        *out = v;
        return 0;
}

static void reply_err(rd_kafka_resp_err_t err) {
        printf("ERR %s: %s\n", rd_kafka_err2name(err), rd_kafka_err2str(err));
}

static void reply(rd_kafka_resp_err_t err) {
        if (err)
                reply_err(err);
        else
                printf("OK\n");
}

#define NEED_ARGS(n, usage)                                                    \
        do {                                                                   \
                if (argc != (n)) {                                             \
                        printf("ERR usage: %s\n", usage);                      \
                        return;                                                \
                }                                                              \
        } while (0)

#define INT_ARG(var, i, lo, hi, what)                                          \
        long var;                                                              \
        do {                                                                   \
                if (parse_int(argv[i], lo, hi, &var)) {                        \
                        printf("ERR bad %s '%s'\n", what, argv[i]);            \
                        return;                                                \
                }                                                              \
        } while (0)

/* Error codes are Kafka's (positive) or librdkafka's internal (negative). */
#define CODE_MIN -200
#define CODE_MAX 32767

/* Executes one command and prints exactly one reply line. */
static void run(int argc, char **argv) {
        const char *cmd = argv[0];

        if (!strcmp(cmd, "topic")) {
                NEED_ARGS(4, "topic <name> <partitions> <replication>");
                INT_ARG(partitions, 2, 1, 100000, "partition count");
                INT_ARG(replication, 3, 1, 1000, "replication factor");
                reply(rd_kafka_mock_topic_create(mcluster, argv[1],
                                                 (int)partitions,
                                                 (int)replication));

        } else if (!strcmp(cmd, "down") || !strcmp(cmd, "up")) {
                NEED_ARGS(2, "down|up <brokerId>");
                INT_ARG(id, 1, 0, INT_MAX, "broker id");
                reply(!strcmp(cmd, "down")
                          ? rd_kafka_mock_broker_set_down(mcluster, (int32_t)id)
                          : rd_kafka_mock_broker_set_up(mcluster, (int32_t)id));

        } else if (!strcmp(cmd, "rtt")) {
                NEED_ARGS(3, "rtt <brokerId> <ms>");
                INT_ARG(id, 1, 0, INT_MAX, "broker id");
                INT_ARG(ms, 2, 0, INT_MAX, "rtt");
                reply(rd_kafka_mock_broker_set_rtt(mcluster, (int32_t)id,
                                                   (int)ms));

        } else if (!strcmp(cmd, "leader")) {
                NEED_ARGS(4, "leader <topic> <partition> <brokerId>");
                INT_ARG(partition, 2, 0, INT_MAX, "partition");
                INT_ARG(id, 3, -1, INT_MAX, "broker id");
                reply(rd_kafka_mock_partition_set_leader(
                    mcluster, argv[1], (int32_t)partition, (int32_t)id));

        } else if (!strcmp(cmd, "errors")) {
                rd_kafka_resp_err_t codes[MAX_ARGS];
                int i;
                if (argc < 3) {
                        printf("ERR usage: errors <apiKey> <code> [...]\n");
                        return;
                }
                INT_ARG(api_key, 1, 0, 32767, "api key");
                if (api_key == 3) {
                        /* Accepted by the mock but never consumed: say so
                         * rather than let a test wait for a fault that never
                         * comes. */
                        printf("ERR the mock never injects errors into "
                               "Metadata (3); use topic-error or leader\n");
                        return;
                }
                for (i = 2; i < argc; i++) {
                        INT_ARG(code, i, CODE_MIN, CODE_MAX, "error code");
                        codes[i - 2] = (rd_kafka_resp_err_t)code;
                }
                rd_kafka_mock_push_request_errors_array(
                    mcluster, (int16_t)api_key, (size_t)(argc - 2), codes);
                printf("OK\n");

        } else if (!strcmp(cmd, "broker-errors")) {
                int i;
                if (argc < 4) {
                        printf("ERR usage: broker-errors <brokerId> <apiKey> "
                               "<code>:<rttMs> [...]\n");
                        return;
                }
                INT_ARG(id, 1, 0, INT_MAX, "broker id");
                INT_ARG(api_key, 2, 0, 32767, "api key");
                if (api_key == 3) {
                        printf("ERR the mock never injects errors into "
                               "Metadata (3); use topic-error or leader\n");
                        return;
                }
                /* Validate everything before pushing anything, so that an ERR
                 * reply means the broker's error stack is unchanged. */
                long codes[MAX_ARGS], rtts[MAX_ARGS];
                for (i = 3; i < argc; i++) {
                        char *colon = strchr(argv[i], ':');
                        if (!colon) {
                                printf("ERR bad '%s', want <code>:<rttMs>\n",
                                       argv[i]);
                                return;
                        }
                        *colon = '\0';
                        if (parse_int(argv[i], CODE_MIN, CODE_MAX,
                                      &codes[i - 3]) ||
                            parse_int(colon + 1, 0, INT_MAX, &rtts[i - 3])) {
                                printf("ERR bad '%s:%s', want <code>:<rttMs>\n",
                                       argv[i], colon + 1);
                                return;
                        }
                }
                /* The API is variadic: push one at a time (it appends). */
                for (i = 0; i < argc - 3; i++) {
                        rd_kafka_resp_err_t err =
                            rd_kafka_mock_broker_push_request_error_rtts(
                                mcluster, (int32_t)id, (int16_t)api_key, 1,
                                (rd_kafka_resp_err_t)codes[i], (int)rtts[i]);
                        if (err) {
                                reply_err(err);
                                return;
                        }
                }
                printf("OK\n");

        } else if (!strcmp(cmd, "topic-error")) {
                NEED_ARGS(3, "topic-error <topic> <code>");
                INT_ARG(code, 2, CODE_MIN, CODE_MAX, "error code");
                rd_kafka_mock_topic_set_error(mcluster, argv[1],
                                              (rd_kafka_resp_err_t)code);
                printf("OK\n");

        } else if (!strcmp(cmd, "clear")) {
                NEED_ARGS(2, "clear <apiKey>");
                INT_ARG(api_key, 1, 0, 32767, "api key");
                rd_kafka_mock_clear_request_errors(mcluster, (int16_t)api_key);
                printf("OK\n");

        } else if (!strcmp(cmd, "apiversion")) {
                NEED_ARGS(4, "apiversion <apiKey> <min> <max>");
#if RD_KAFKA_VERSION >= 0x020002ff /* checked present in 2.0.2 and 2.12.0 */
                INT_ARG(api_key, 1, 0, 32767, "api key");
                INT_ARG(min, 2, -1, 32767, "min version");
                INT_ARG(max, 3, -1, 32767, "max version");
                reply(rd_kafka_mock_set_apiversion(mcluster, (int16_t)api_key,
                                                   (int16_t)min, (int16_t)max));
#else
                printf("ERR apiversion is not available in this librdkafka\n");
#endif

        } else if (!strcmp(cmd, "advertise")) {
                NEED_ARGS(4, "advertise <brokerId> <host> <port>");
#if RD_KAFKA_VERSION >= 0x020c00ff /* absent in 2.0.2, checked present in 2.12.0 */
                /* The API returns nothing and ignores unknown ids: check here. */
                INT_ARG(id, 1, 1, broker_cnt, "broker id");
                INT_ARG(port, 3, 1, 65535, "port");
                rd_kafka_mock_broker_set_host_port(mcluster, (int32_t)id,
                                                   argv[2], (int)port);
                printf("OK\n");
#else
                printf("ERR advertise is not available in this librdkafka "
                       "(2.12 has it)\n");
#endif

        } else {
                printf("ERR unknown command '%s'\n", cmd);
        }
}

int main(int argc, char **argv) {
        char errstr[512];
        char line[4096];
        rd_kafka_conf_t *conf;
        rd_kafka_t *rk;
        int i;

        for (i = 1; i < argc; i++) {
                if (!strcmp(argv[i], "--version")) {
                        printf("%s\n", rd_kafka_version_str());
                        return 0;
                } else if (!strcmp(argv[i], "--brokers") && i + 1 < argc &&
                    !parse_int(argv[i + 1], 1, 64, &broker_cnt)) {
                        i++;
                } else {
                        fprintf(stderr, "usage: %s [--brokers N (1..64)] | --version\n",
                                argv[0]);
                        return 2;
                }
        }

        /* The mock cluster lives inside an rd_kafka_t (its threads and
         * timers); this producer is never used to produce. Logs go to stderr
         * so that stdout carries only the protocol above. */
        conf = rd_kafka_conf_new();
        if (rd_kafka_conf_set(conf, "log_level", "3", errstr, sizeof(errstr)) ||
            rd_kafka_conf_set(conf, "client.id", "rxkafka-mock-launcher",
                              errstr, sizeof(errstr))) {
                fprintf(stderr, "launcher: %s\n", errstr);
                return 1;
        }
        rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
        if (!rk) {
                fprintf(stderr, "launcher: rd_kafka_new: %s\n", errstr);
                return 1;
        }

        mcluster = rd_kafka_mock_cluster_new(rk, (int)broker_cnt);
        if (!mcluster) {
                fprintf(stderr, "launcher: rd_kafka_mock_cluster_new failed\n");
                rd_kafka_destroy(rk);
                return 1;
        }

        printf("BOOTSTRAP %s\n", rd_kafka_mock_cluster_bootstraps(mcluster));
        fflush(stdout);

        while (fgets(line, sizeof(line), stdin)) {
                char *args[MAX_ARGS + 1];
                int n     = 0;
                char *tok = strtok(line, " \t\r\n");
                if (!tok)
                        continue; /* blank line: no command, no reply */
                if (!strcmp(tok, "quit")) {
                        printf("OK\n");
                        fflush(stdout);
                        break;
                }
                while (tok && n <= MAX_ARGS) {
                        args[n++] = tok;
                        tok       = strtok(NULL, " \t\r\n");
                }
                if (tok || n > MAX_ARGS)
                        printf("ERR too many arguments (max %d)\n",
                               MAX_ARGS - 1);
                else
                        run(n, args);
                fflush(stdout);
        }

        rd_kafka_mock_cluster_destroy(mcluster);
        rd_kafka_destroy(rk);
        return 0;
}
