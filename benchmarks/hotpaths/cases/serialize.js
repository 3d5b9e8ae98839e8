'use strict';
// serializeRecord: the `serialize` stage, once per record (validation of topic, partition and
// timestamp, the key/value serializers, the headers). Values of about 100 B.
const { payload, NOW_MS } = require('../fixtures');

const STRING_VALUE = 'x'.repeat(100);
const JSON_VALUE = { id: 42, sku: 'A-1234-XL', quantity: 3, price: 19.99, tags: ['new', 'promo'], at: NOW_MS };
const KEY = 'order-00042';
const HEADERS = { 'trace-id': '4bf92f3577b34da6a3ce929d0e0e4736', source: Buffer.from('etl') };

/** One case per value kind, with and without key and headers. */
const KINDS = [
  ['buffer', 'a 100 B Buffer value (defaultSerializer)', () => payload(100), 'defaultSerializer'],
  ['string', 'a 100-character string value (defaultSerializer)', () => STRING_VALUE, 'defaultSerializer'],
  ['json', 'an object of 6 fields as JSON (jsonSerializer, ~95 B)', () => JSON_VALUE, 'jsonSerializer'],
];

function serializeCase(kind, what, makeValue, valueSerializerName, withKeyAndHeaders) {
  return {
    name: `serialize/${kind}${withKeyAndHeaders ? '+key+headers' : ''}`,
    unit: 'record',
    guards: `serializeRecord of ${what}${withKeyAndHeaders ? ', a string key and two headers' : ''}`,
    setup(internals) {
      const { serializeRecord } = internals.load('pipeline/serializeRecord');
      const { defaultSerializer } = internals.load('serde/defaultSerializer');
      const valueSerializer = internals.load(`serde/${valueSerializerName}`)[valueSerializerName];
      const record = withKeyAndHeaders ? { key: KEY, value: makeValue(), headers: HEADERS } : { value: makeValue() };
      return {
        run(n) {
          let bytes = 0;
          for (let i = 0; i < n; i++) {
            bytes += serializeRecord(record, 'events', defaultSerializer, valueSerializer, NOW_MS).value.length;
          }
          return bytes;
        },
      };
    },
  };
}

const cases = [];
for (const [kind, what, makeValue, serializer] of KINDS) {
  cases.push(serializeCase(kind, what, makeValue, serializer, false), serializeCase(kind, what, makeValue, serializer, true));
}

module.exports = cases;
