'use strict';
// Every hot-path case, in the order of a record's way through the producer. A case is
// { name, unit, guards, setup(internals) → { run(n), opsPerIteration?, unit?, skip? } }.
module.exports = [
  ...require('./serialize'),
  ...require('./partition'),
  ...require('./accumulator'),
  ...require('./varint'),
  ...require('./recordBatch'),
  ...require('./crc32c'),
  ...require('./produce'),
  ...require('./frameDecoder'),
  ...require('./ack'),
];
