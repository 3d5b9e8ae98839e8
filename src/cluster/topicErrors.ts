import { KafkaProtocolError, RxKafkaError } from '../errors';
import { ErrorCode, errorName, kafkaError } from '../protocol/errorCodes';

/** Topic errors that no refresh will cure: waiting for the topic fails at once. */
export function isFatalTopicError(code: number): boolean {
  return code === ErrorCode.TOPIC_AUTHORIZATION_FAILED || code === ErrorCode.INVALID_TOPIC_EXCEPTION;
}

/** The error for a topic that metadata says can never be used. */
export function fatalTopicError(topic: string, code: number): KafkaProtocolError {
  const advice =
    code === ErrorCode.TOPIC_AUTHORIZATION_FAILED
      ? 'grant this client Describe and Write on the topic (ACLs), or use another topic'
      : 'topic names are 1–249 characters of [a-zA-Z0-9._-]; fix the topic name';
  return kafkaError(code, `topic '${topic}': ${advice}`);
}

/**
 * The error for a topic that got no usable metadata within `waitedMs`, saying why (the last
 * thing the brokers said about it, or why they could not be asked) and what to do. Not retriable:
 * the waiting is over.
 */
export function topicWaitTimeoutError(
  topic: string,
  waitedMs: number,
  lastTopicCode: number | undefined,
  lastRefreshError: Error | null,
  allowAutoTopicCreation: boolean,
): RxKafkaError {
  const waited = `no metadata for topic '${topic}' after ${waitedMs} ms`;
  if (lastTopicCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) {
    const why = allowAutoTopicCreation
      ? `topic '${topic}' does not exist and the brokers did not create it (auto-creation was refused: ` +
        'auto.create.topics.enable=false on the brokers?); create the topic first'
      : `topic '${topic}' does not exist and auto-creation is off; create the topic, ` +
        'or set allowAutoTopicCreation: true (the brokers must allow it too)';
    return new KafkaProtocolError(errorName(lastTopicCode), lastTopicCode, false, `${waited}: ${why}`);
  }
  if (lastTopicCode !== undefined && lastTopicCode !== ErrorCode.NONE) {
    return new KafkaProtocolError(
      errorName(lastTopicCode),
      lastTopicCode,
      false,
      `${waited}: the brokers report ${errorName(lastTopicCode)} for it (a topic being created, or its ` +
        'brokers are down); check the topic with kafka-topics.sh --describe and the brokers',
    );
  }
  if (lastRefreshError !== null) {
    return new RxKafkaError(`${waited}: ${lastRefreshError.message}`, false, { cause: lastRefreshError });
  }
  return new RxKafkaError(
    `${waited}: no Metadata response arrived in time; check that the brokers are reachable, or raise the wait (maxBlockMs)`,
    false,
  );
}
