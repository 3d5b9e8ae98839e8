import { isFlexible, type Api } from './api';
import { writeRequestHeader } from './headers';
import type { Writer } from './Writer';

const SIZE_PREFIX_BYTES = 4;

/**
 * Encodes a complete request frame into `w` (which is reset first): int32 size, request header
 * (v2 for flexible versions, else v1), body. Returns a view of `w`'s memory (a copy if the request
 * shares buffers): write it to the socket (or copy it) before reusing `w`.
 *
 * @example
 * socket.write(encodeRequest(writer, ApiVersions, 3, 1, 'rxkafka', { clientSoftwareName: 'rxkafka', clientSoftwareVersion: '0.1.0' }));
 */
export function encodeRequest<Req>(w: Writer, api: Api<Req, unknown>, version: number, correlationId: number, clientId: string | null, req: Req): Buffer {
  const chunks = encodeRequestChunks(w, api, version, correlationId, clientId, req);
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
}

/**
 * The same frame as chunks for one gathered write (see `Writer.toChunks`): the Writer's memory
 * around the buffers the request shares (its large record batches), which are not copied.
 */
export function encodeRequestChunks<Req>(
  w: Writer,
  api: Api<Req, unknown>,
  version: number,
  correlationId: number,
  clientId: string | null,
  req: Req,
): Buffer[] {
  w.reset();
  const sizePos = w.reserve(SIZE_PREFIX_BYTES);
  writeRequestHeader(w, api.apiKey, version, correlationId, clientId, isFlexible(api, version));
  api.encodeRequest(w, version, req);
  w.setInt32At(sizePos, w.length - SIZE_PREFIX_BYTES);
  return w.toChunks();
}

