import { KafkaProtocolError } from '../../src/errors';
import { ErrorCode, errorName, isRetriable, kafkaError } from '../../src/protocol/errorCodes';

describe('error codes', () => {
  it('has Kafka numbering', () => {
    expect(ErrorCode.NONE).toBe(0);
    expect(ErrorCode.UNKNOWN_SERVER_ERROR).toBe(-1);
    expect(ErrorCode.CORRUPT_MESSAGE).toBe(2);
    expect(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION).toBe(3);
    expect(ErrorCode.LEADER_NOT_AVAILABLE).toBe(5);
    expect(ErrorCode.NOT_LEADER_OR_FOLLOWER).toBe(6);
    expect(ErrorCode.REQUEST_TIMED_OUT).toBe(7);
    expect(ErrorCode.MESSAGE_TOO_LARGE).toBe(10);
    expect(ErrorCode.NETWORK_EXCEPTION).toBe(13);
    expect(ErrorCode.NOT_ENOUGH_REPLICAS).toBe(19);
    expect(ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND).toBe(20);
    expect(ErrorCode.TOPIC_AUTHORIZATION_FAILED).toBe(29);
    expect(ErrorCode.UNSUPPORTED_VERSION).toBe(35);
    expect(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER).toBe(45);
    expect(ErrorCode.DUPLICATE_SEQUENCE_NUMBER).toBe(46);
    expect(ErrorCode.INVALID_PRODUCER_EPOCH).toBe(47);
    expect(ErrorCode.CONCURRENT_TRANSACTIONS).toBe(51);
    expect(ErrorCode.KAFKA_STORAGE_ERROR).toBe(56);
    expect(ErrorCode.UNKNOWN_PRODUCER_ID).toBe(59);
    expect(ErrorCode.INVALID_RECORD).toBe(87);
    expect(ErrorCode.PRODUCER_FENCED).toBe(90);
    expect(ErrorCode.TRANSACTION_ABORTABLE).toBe(120);
  });

  it('has one name per code', () => {
    const codes = Object.values(ErrorCode);
    expect(new Set(codes).size).toBe(codes.length);
    for (const [name, code] of Object.entries(ErrorCode)) expect(errorName(code)).toBe(name);
  });

  it.each([
    'CORRUPT_MESSAGE',
    'UNKNOWN_TOPIC_OR_PARTITION',
    'LEADER_NOT_AVAILABLE',
    'NOT_LEADER_OR_FOLLOWER',
    'REQUEST_TIMED_OUT',
    'NETWORK_EXCEPTION',
    'COORDINATOR_LOAD_IN_PROGRESS',
    'COORDINATOR_NOT_AVAILABLE',
    'NOT_COORDINATOR',
    'NOT_ENOUGH_REPLICAS',
    'NOT_ENOUGH_REPLICAS_AFTER_APPEND',
    'CONCURRENT_TRANSACTIONS',
    'KAFKA_STORAGE_ERROR',
    'REPLICA_NOT_AVAILABLE',
    'FENCED_LEADER_EPOCH',
    'UNKNOWN_LEADER_EPOCH',
    'THROTTLING_QUOTA_EXCEEDED',
  ] as const)('%s is retriable', (name) => {
    expect(isRetriable(ErrorCode[name])).toBe(true);
  });

  it.each([
    'NONE',
    'UNKNOWN_SERVER_ERROR',
    'MESSAGE_TOO_LARGE',
    'RECORD_LIST_TOO_LARGE',
    'INVALID_RECORD',
    'OUT_OF_ORDER_SEQUENCE_NUMBER',
    'DUPLICATE_SEQUENCE_NUMBER',
    'INVALID_PRODUCER_EPOCH',
    'UNKNOWN_PRODUCER_ID',
    'PRODUCER_FENCED',
    'TOPIC_AUTHORIZATION_FAILED',
    'CLUSTER_AUTHORIZATION_FAILED',
    'UNSUPPORTED_VERSION',
    'INVALID_REQUIRED_ACKS',
    'BROKER_NOT_AVAILABLE',
    'TRANSACTION_ABORTABLE',
  ] as const)('%s is not retriable', (name) => {
    expect(isRetriable(ErrorCode[name])).toBe(false);
  });

  it('reports codes it does not know as a non-retriable UNKNOWN_SERVER_ERROR, keeping the code', () => {
    expect(errorName(9999)).toBe('UNKNOWN_SERVER_ERROR');
    expect(errorName(-7)).toBe('UNKNOWN_SERVER_ERROR');
    expect(isRetriable(9999)).toBe(false);
    expect(kafkaError(9999).code).toBe(9999);
  });

  it('builds typed errors with name, code, retriable flag and detail', () => {
    const e = kafkaError(ErrorCode.NOT_LEADER_OR_FOLLOWER, 'producing to t-0 on node 1');
    expect(e).toBeInstanceOf(KafkaProtocolError);
    expect(e.type).toBe('NOT_LEADER_OR_FOLLOWER');
    expect(e.code).toBe(6);
    expect(e.retriable).toBe(true);
    expect(e.message).toBe('NOT_LEADER_OR_FOLLOWER (Kafka error code 6): producing to t-0 on node 1');
    expect(kafkaError(ErrorCode.MESSAGE_TOO_LARGE, null).message).toBe('MESSAGE_TOO_LARGE (Kafka error code 10)');
    expect(kafkaError(ErrorCode.MESSAGE_TOO_LARGE).retriable).toBe(false);
  });
});
