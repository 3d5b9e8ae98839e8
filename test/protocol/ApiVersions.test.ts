import { ProtocolDecodeError } from '../../src/errors';
import { ApiVersions, type ApiVersionsResponse } from '../../src/protocol/ApiVersions';
import { encodeRequest } from '../../src/protocol/frame';
import { Reader } from '../../src/protocol/Reader';
import { Writer } from '../../src/protocol/Writer';
import { hex, utf8 } from './hex';
import { encodeApiVersionsResponse } from './responseEncoders';

const request = { clientSoftwareName: 'rxkafka', clientSoftwareVersion: '0.1.0' };

function body(version: number): Buffer {
  const w = new Writer();
  ApiVersions.encodeRequest(w, version, request);
  return w.toBuffer();
}

function decode(bytes: Buffer, version: number): ApiVersionsResponse {
  const r = new Reader(bytes);
  const res = ApiVersions.decodeResponse(r, version);
  expect(r.remaining).toBe(0);
  return res;
}

describe('ApiVersions request', () => {
  it('v0 has an empty body', () => {
    expect(body(0)).toEqual(hex(''));
    expect(body(2)).toEqual(hex(''));
  });

  it('v3 sends the client software name and version (golden bytes)', () => {
    expect(body(3)).toEqual(
      hex(
        '08', utf8('rxkafka'), // client_software_name: COMPACT_STRING, length 7 + 1
        '06', utf8('0.1.0'), // client_software_version: COMPACT_STRING, length 5 + 1
        '00', // TAG_BUFFER: none
      ),
    );
  });

  it('v3 frame: size, header v2 (int16 client id + tags), body', () => {
    const frame = encodeRequest(new Writer(), ApiVersions, 3, 1, 'rx', request);
    expect(frame).toEqual(
      hex(
        '0000001c', // size: 28 bytes follow (13 header + 15 body)
        '0012', // request_api_key 18
        '0003', // request_api_version 3
        '00000001', // correlation_id 1
        '0002', utf8('rx'), // client_id: STRING
        '00', // header TAG_BUFFER
        '08', utf8('rxkafka'),
        '06', utf8('0.1.0'),
        '00',
      ),
    );
  });

  it('v0 frame uses header v1 (no tags)', () => {
    expect(encodeRequest(new Writer(), ApiVersions, 0, 9, 'rx', request)).toEqual(
      hex('0000000c', '0012', '0000', '00000009', '0002', utf8('rx')),
    );
  });

  it('always expects response header v0, even for flexible v3', () => {
    expect([0, 1, 2, 3].map((v) => ApiVersions.responseHeaderVersion(v))).toEqual([0, 0, 0, 0]);
  });
});

describe('ApiVersions response', () => {
  it('decodes v0 (golden bytes)', () => {
    const bytes = hex(
      '0000', // error_code 0
      '00000002', // api_keys: 2 entries
      '0000 0003 000b', // Produce 3..11
      '0012 0000 0003', // ApiVersions 0..3
    );
    expect(decode(bytes, 0)).toEqual({
      errorCode: 0,
      apiKeys: [
        { apiKey: 0, minVersion: 3, maxVersion: 11 },
        { apiKey: 18, minVersion: 0, maxVersion: 3 },
      ],
      throttleTimeMs: 0,
    });
  });

  it('decodes v3 (golden bytes), skipping the feature tags', () => {
    const bytes = hex(
      '0000', // error_code 0
      '03', // api_keys: COMPACT_ARRAY of 2
      '0000 0003 000b 00', // Produce 3..11, TAG_BUFFER
      '0012 0000 0003 00', // ApiVersions 0..3, TAG_BUFFER
      '00000064', // throttle_time_ms 100
      '01', // one tagged field
      '01 08 0000000000000005', // tag 1 FinalizedFeaturesEpoch, 8 bytes
    );
    expect(decode(bytes, 3)).toEqual({
      errorCode: 0,
      apiKeys: [
        { apiKey: 0, minVersion: 3, maxVersion: 11 },
        { apiKey: 18, minVersion: 0, maxVersion: 3 },
      ],
      throttleTimeMs: 100,
    });
  });

  it.each([0, 1, 2, 3])('round-trips v%d', (version) => {
    const res: ApiVersionsResponse = {
      errorCode: 0,
      apiKeys: Array.from({ length: 60 }, (_, i) => ({ apiKey: i, minVersion: 0, maxVersion: i % 13 })),
      throttleTimeMs: version >= 1 ? 7 : 0,
    };
    expect(decode(encodeApiVersionsResponse(version, res), version)).toEqual(res);
  });

  it('reads an UNSUPPORTED_VERSION answer in the v0 layout, whatever version was asked', () => {
    const bytes = hex(
      '0023', // error_code 35 UNSUPPORTED_VERSION
      '00000001', // api_keys: int32 count 1 (v0 layout)
      '0012 0000 0002', // ApiVersions 0..2: retry with v2
    );
    for (const version of [1, 2, 3]) {
      expect(decode(bytes, version)).toEqual({
        errorCode: 35,
        apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 2 }],
        throttleTimeMs: 0,
      });
    }
  });

  it('still reads an UNSUPPORTED_VERSION answer in the requested layout', () => {
    const res = { errorCode: 35, apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 2 }], throttleTimeMs: 0 };
    expect(decode(encodeApiVersionsResponse(3, res), 3)).toEqual(res);
    expect(decode(encodeApiVersionsResponse(1, res), 1)).toEqual(res);
  });

  describe("librdkafka mock cluster's v3 layout (count N, entries without tags)", () => {
    it('decodes its UNSUPPORTED_VERSION answer', () => {
      const bytes = hex(
        '0023', // error_code 35
        '01', // api key count written as N = 1 (standard would be 02)
        '0012 0000 0002', // ApiVersions 0..2, no TAG_BUFFER
        '00000000', // throttle_time_ms, and no final TAG_BUFFER
      );
      expect(decode(bytes, 3)).toEqual({
        errorCode: 35,
        apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 2 }],
        throttleTimeMs: 0,
      });
    });

    it('decodes its success answer, with or without a final tag byte', () => {
      const entries = '0000 0000 000a' + '0003 0000 000c' + '0012 0000 0003' + '0016 0000 0004';
      const expected = {
        errorCode: 0,
        apiKeys: [
          { apiKey: 0, minVersion: 0, maxVersion: 10 },
          { apiKey: 3, minVersion: 0, maxVersion: 12 },
          { apiKey: 18, minVersion: 0, maxVersion: 3 },
          { apiKey: 22, minVersion: 0, maxVersion: 4 },
        ],
        throttleTimeMs: 0,
      };
      expect(decode(hex('0000', '04', entries, '00000000'), 3)).toEqual(expected);
      expect(decode(hex('0000', '04', entries, '00000000', '00'), 3)).toEqual(expected);
    });

    it('prefers the standard layout when it consumes the body exactly', () => {
      const res = { errorCode: 0, apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 3 }], throttleTimeMs: 0 };
      expect(decode(hex('0000', '02', '0012 0000 0003 00', '00000000', '00'), 3)).toEqual(res);
    });
  });

  it('rejects a v3 body that no layout explains', () => {
    expect(() => ApiVersions.decodeResponse(new Reader(hex('0000 05 0012 0000')), 3)).toThrow(ProtocolDecodeError);
    expect(() => ApiVersions.decodeResponse(new Reader(hex('0000 01 0012 0005 0001 00000000')), 3)).toThrow(
      ProtocolDecodeError,
    );
  });
});
