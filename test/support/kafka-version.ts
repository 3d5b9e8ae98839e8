// jest setupFiles for the real-Kafka projects: the project's name ends in the Kafka release it runs
// on (jest.config.js), which KafkaCluster.start() reads from RXKAFKA_KAFKA_VERSION.
declare const jestProjectKafkaVersion: string | undefined;
if (typeof jestProjectKafkaVersion === 'string') process.env.RXKAFKA_KAFKA_VERSION = jestProjectKafkaVersion;
