/** The wire protocol: primitives, framing, APIs, record batches, error codes. */
export * from './api';
export * from './ApiVersions';
export * from './crc32c';
export * from './errorCodes';
export * from './frame';
export * from './headers';
export * from './InitProducerId';
export * from './Metadata';
export * from './murmur2';
export * from './Produce';
export * from './Reader';
export * from './RecordBatch';
export * from './SaslAuthenticate';
export * from './SaslHandshake';
export * from './varint';
export * from './Writer';
