/**
 * Field positions and flags of the RecordBatch v2 header (see `RecordBatch.ts` for the grammar),
 * shared by the builder and the decoder.
 */

/** Bytes of a RecordBatch v2 header, before the first record. */
export const RECORD_BATCH_OVERHEAD = 61;

// Field positions in the batch header (byte offsets from the start of the batch).
export const BATCH_LENGTH_POS = 8;
export const PARTITION_LEADER_EPOCH_POS = 12;
export const MAGIC_POS = 16;
export const CRC_POS = 17;
export const ATTRIBUTES_POS = 21;
export const LAST_OFFSET_DELTA_POS = 23;
export const BASE_TIMESTAMP_POS = 27;
export const MAX_TIMESTAMP_POS = 35;
export const PRODUCER_ID_POS = 43;
export const PRODUCER_EPOCH_POS = 51;
export const BASE_SEQUENCE_POS = 53;
export const RECORDS_COUNT_POS = 57;
/** base_offset and batch_length are not counted in batch_length. */
export const LOG_OVERHEAD = 12;

// The magic byte and the attributes bits.
export const MAGIC = 2;
export const COMPRESSION_MASK = 0x07;
export const TIMESTAMP_TYPE_FLAG = 0x08;
export const TRANSACTIONAL_FLAG = 0x10;
export const CONTROL_FLAG = 0x20;
