// The golden payloads in golden/: what the encoders write for the fixed spans of helpers/spans.ts.
// Everywhere, a user's clone included, today's encoders must write exactly those bytes, and the
// Thrift one decodes with jaeger.thrift (from ../shared/idl, or the copy jaeger-client ships) to the
// facts written out in helpers/goldens.ts; official-schema.test.ts decodes the protobuf ones with
// the official protos (CI). After an intended change to the encoding:
// `node test/golden/regenerate.mjs`, then review the diff.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { FIXTURE_FACTS, GOLDENS, GOLDEN_DIR, THRIFT_GOLDEN, readGolden, thriftBatchFacts } from './helpers/goldens';
import { decodeThriftBatch } from './helpers/idl';

const UPDATE = process.env.TRACE_UPDATE_GOLDEN === '1';

describe('golden payloads', () => {
  test.each(GOLDENS)('$file is what the encoder writes for the fixture', async (golden) => {
    const bytes = Buffer.from(await golden.encode());
    if (UPDATE) writeFileSync(path.join(GOLDEN_DIR, golden.file), bytes);
    // Hex, so that a failure shows where the bytes part.
    expect(bytes.toString('hex')).toBe(readGolden(golden).toString('hex'));
  });

  test('the fixture is deterministic (two builds encode alike)', async () => {
    for (const golden of GOLDENS) expect(Buffer.from(await golden.encode())).toEqual(Buffer.from(await golden.encode()));
  });

  test(`${THRIFT_GOLDEN.file} decodes with jaeger.thrift to the fixture's facts`, () => {
    expect(thriftBatchFacts(decodeThriftBatch(readGolden(THRIFT_GOLDEN)))).toEqual(FIXTURE_FACTS);
  });
});
