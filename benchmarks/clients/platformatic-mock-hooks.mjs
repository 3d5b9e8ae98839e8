// Module hook for the platformatic driver only: makes @platformatic/kafka 1.x read the mock
// cluster's ApiVersions v3 response.
//
// Why: the client always sends ApiVersions v3 and has no fallback; librdkafka's mock answers v0-v2
// only (UNSUPPORTED_VERSION), and when allowed v3 (`apiversion 18 0 3`, which bench.js sends for
// this client's runs) it writes the v3 entries without their per-entry tagged-field byte
// (rdkafka_mock_handlers.c, rd_kafka_mock_handle_ApiVersion hand-crafts that response). So the
// v3 parser is told not to expect those bytes. One response per connection; nothing on the
// produce path changes.
const TARGET = '/@platformatic/kafka/dist/apis/metadata/api-versions-v3.js';
const FROM = '            };\n        }),\n        throttleTimeMs';
const TO = '            };\n        }, true, false),\n        throttleTimeMs';

export async function load(url, context, nextLoad) {
  const result = await nextLoad(url, context);
  if (!url.endsWith(TARGET)) return result;
  const source = String(result.source);
  if (!source.includes(FROM)) throw new Error(`platformatic-mock-hooks: ${TARGET} changed; update the hook`);
  return { ...result, source: source.replace(FROM, TO) };
}
