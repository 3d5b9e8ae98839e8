import { isValidTopicName } from '../../src/protocol/topicName';

describe('isValidTopicName (Kafka Topic.validate)', () => {
  it.each(['events', 'a', 'orders.v2', 'my_topic-1', '_internal', '...', 'x'.repeat(249)])('accepts %p', (name) => {
    expect(isValidTopicName(name)).toBe(true);
  });

  it.each(['', '.', '..', 'x'.repeat(250), 'a b', 'a/b', 'ünicode', 'tab\t', 'colon:x', 'comma,x'])('refuses %p', (name) => {
    expect(isValidTopicName(name)).toBe(false);
  });
});
