/**
 * XXH32 (xxHash, 32-bit), for the LZ4 frame descriptor's header checksum. Written from the xxHash
 * specification (lz4/xxHash doc/xxhash_spec.md): four accumulator lanes over 16-byte stripes,
 * then 4-byte and 1-byte tails, then the avalanche. Inputs here are a few bytes: speed is moot.
 */
const PRIME1 = 0x9e3779b1;
const PRIME2 = 0x85ebca77;
const PRIME3 = 0xc2b2ae3d;
const PRIME4 = 0x27d4eb2f;
const PRIME5 = 0x165667b1;

function rotl(x: number, r: number): number {
  return ((x << r) | (x >>> (32 - r))) >>> 0;
}

function round(acc: number, lane: number): number {
  return Math.imul(rotl((acc + Math.imul(lane, PRIME2)) >>> 0, 13), PRIME1) >>> 0;
}

/** XXH32 of `data[start, end)` with `seed`, as an unsigned 32-bit integer. */
export function xxhash32(data: Uint8Array, seed = 0, start = 0, end = data.length): number {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let p = start;
  let acc: number;
  if (end - start >= 16) {
    let v1 = (seed + PRIME1 + PRIME2) >>> 0;
    let v2 = (seed + PRIME2) >>> 0;
    let v3 = seed >>> 0;
    let v4 = (seed - PRIME1) >>> 0;
    for (; p + 16 <= end; p += 16) {
      v1 = round(v1, view.getUint32(p, true));
      v2 = round(v2, view.getUint32(p + 4, true));
      v3 = round(v3, view.getUint32(p + 8, true));
      v4 = round(v4, view.getUint32(p + 12, true));
    }
    acc = (rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18)) >>> 0;
  } else {
    acc = (seed + PRIME5) >>> 0;
  }
  acc = (acc + (end - start)) >>> 0;
  for (; p + 4 <= end; p += 4) {
    acc = Math.imul(rotl((acc + Math.imul(view.getUint32(p, true), PRIME3)) >>> 0, 17), PRIME4) >>> 0;
  }
  for (; p < end; p++) {
    acc = Math.imul(rotl((acc + Math.imul(data[p], PRIME5)) >>> 0, 11), PRIME1) >>> 0;
  }
  acc = Math.imul(acc ^ (acc >>> 15), PRIME2) >>> 0;
  acc = Math.imul(acc ^ (acc >>> 13), PRIME3) >>> 0;
  return (acc ^ (acc >>> 16)) >>> 0;
}
