import type { Logger } from 'pino';
import { messageOf, ProtocolDecodeError } from '../errors';
import { readResponseHeader } from '../protocol/headers';
import { Reader } from '../protocol/Reader';
import type { InFlightRequests } from './InFlightRequests';

/**
 * One complete response frame from `broker`: it belongs to the oldest request in flight, which it
 * completes (resolved with the decoded body, or rejected when the body does not decode). Throws a
 * ProtocolDecodeError when the byte stream is in doubt — no request in flight, a correlation id
 * out of order, an undecodable body — so that the connection closes.
 *
 * Per response, when all is well: allocates only the Reader and what decoding makes.
 */
export function completeResponse(frame: Buffer, inFlight: InFlightRequests, broker: string, logger: Logger): void {
  const request = inFlight.nextToComplete();
  // Every response header starts with the correlation id; peek at it before parsing the header.
  if (frame.length >= 4 && (request === undefined || frame.readInt32BE(0) !== request.correlationId)) {
    if (inFlight.isUnsolicited(frame.readInt32BE(0))) {
      logger.debug({ correlationId: frame.readInt32BE(0) }, 'dropped an answer to a request sent without expecting one');
      return;
    }
  }
  if (request === undefined) {
    throw new ProtocolDecodeError(`${broker} sent a response (${frame.length} bytes) with no request in flight`);
  }
  const r = new Reader(frame);
  const correlationId = readResponseHeader(r, request.api.responseHeaderVersion(request.version));
  if (correlationId !== request.correlationId) {
    throw new ProtocolDecodeError(
      `${broker} answered correlation id ${correlationId} while the oldest request in flight is ` +
        `${request.api.name} with correlation id ${request.correlationId}`,
    );
  }
  inFlight.completeNext();
  let response: unknown;
  try {
    response = request.api.decodeResponse(r, request.version);
  } catch (err) {
    const error = new ProtocolDecodeError(
      `${request.api.name} v${request.version} response from ${broker}: ${describeDecodeError(err)}`,
    );
    request.reject(error);
    if (request.keepConnectionOnDecodeError) return;
    throw error;
  }
  request.resolve(response);
}

/** A decoding failure's message, without the generic prefix (the caller names the broker and API). */
export function describeDecodeError(err: unknown): string {
  if (err instanceof ProtocolDecodeError) return err.message.replace(/^malformed data from broker: /, '');
  return messageOf(err);
}
