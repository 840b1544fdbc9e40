// The golden payloads in golden/: what the encoders write for the fixed spans of support/fixture.ts.
// Everywhere, a user's clone included, today's encoders must write exactly those bytes;
// official-schema.test.ts decodes the same files with the official schemas (CI).
// After an intended change to the encoding: `node test/golden/regenerate.mjs`, then review the diff.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { encodeZipkinJson, encodeZipkinProto } from '../src/index';
import { buildFixture } from './support/fixture';
import { GOLDENS, GOLDEN_DIR, type Golden, readGolden } from './support/goldens';

const UPDATE = process.env.TRACE_UPDATE_GOLDEN === '1';

function encode(golden: Golden): Buffer {
  const { spans } = buildFixture();
  return golden.format === 'json' ? Buffer.from(encodeZipkinJson(spans, golden.options), 'utf8') : Buffer.from(encodeZipkinProto(spans, golden.options));
}

describe('golden payloads', () => {
  test.each(GOLDENS)('$file is what the encoder writes for the fixture', (golden) => {
    const bytes = encode(golden);
    if (UPDATE) writeFileSync(path.join(GOLDEN_DIR, golden.file), bytes);
    // Hex, so that a failure shows where the bytes part.
    expect(bytes.toString('hex')).toBe(readGolden(golden).toString('hex'));
  });

  test('the fixture is deterministic (two builds encode alike)', () => {
    const { spans: first } = buildFixture();
    const { spans: second } = buildFixture();
    expect(Buffer.from(encodeZipkinProto(first))).toEqual(Buffer.from(encodeZipkinProto(second)));
    expect(encodeZipkinJson(first)).toBe(encodeZipkinJson(second));
  });
});
