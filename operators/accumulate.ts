import type { OperatorFunction } from 'rxjs';
import type { ProducerBatch } from '../src/accumulator/ProducerBatch';
import { accumulateStage } from '../src/pipeline/accumulateStage';
import type { Producer } from '../src/producer/Producer';
import type { SerializedRecord } from '../src/types';

/**
 * Appends partitioned records to per-partition batches (`batchSize`, `lingerMs`) in the producer's
 * `bufferMemory`, and emits each batch when it is full, has lingered, or the stream ends.
 * When the memory is taken, records wait (in order) according to `bufferPolicy`.
 *
 * @example
 * records$.pipe(serialize(), partition(producer), accumulate(producer), send(producer))
 */
export function accumulate(producer: Producer): OperatorFunction<SerializedRecord, ProducerBatch> {
  return accumulateStage(producer.pipelineHost);
}
