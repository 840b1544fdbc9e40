// The golden payloads: which files, which encoder options, and what each must decode to. The
// files end in .golden so that no formatter ever rewrites their bytes.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ZipkinEncodeOptions } from '../../src/index';
import { buildFixture, protoExpectation } from './fixture';
import type { DecodedSpan } from './idl';

export const GOLDEN_DIR = path.join(__dirname, '..', 'golden');
export const LOCAL_ENDPOINT: ZipkinEncodeOptions = { serviceName: 'gateway', localEndpoint: { ipv4: '192.168.99.1', ipv6: '2001:db8::1', port: 8080 } };

export interface Golden {
  file: string;
  format: 'json' | 'proto';
  options?: ZipkinEncodeOptions;
}

export const GOLDENS: Golden[] = [
  { file: 'fixture.json.golden', format: 'json' },
  { file: 'fixture.pb.golden', format: 'proto' },
  { file: 'fixture-local-endpoint.json.golden', format: 'json', options: LOCAL_ENDPOINT },
  { file: 'fixture-local-endpoint.pb.golden', format: 'proto', options: LOCAL_ENDPOINT },
];

export function readGolden(golden: Golden): Buffer {
  return readFileSync(path.join(GOLDEN_DIR, golden.file));
}

/** The fixture's hand-written expectation, with the local endpoint the options ask for. */
export function expectedFor(golden: Golden): DecodedSpan[] {
  const { expected } = buildFixture();
  const spans = golden.format === 'json' ? expected : protoExpectation(expected);
  if (golden.options === undefined) return spans;
  const ipv6 = golden.format === 'json' ? '2001:db8::1' : '2001:db8:0:0:0:0:0:1';
  return spans.map((span) => ({ ...span, localEndpoint: { serviceName: 'gateway', ipv4: '192.168.99.1', ipv6, port: 8080 } }));
}
