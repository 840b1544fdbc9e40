// What each encoding trick in @trace/core buys, measured against the plain way of doing the same
// job in the same process. In these rows the "OTel" column is the plain way, not OpenTelemetry:
//   T-latin1   the JSON writer's native latin1 copy of long strings (Node's undocumented
//              Buffer#latin1Write) against the documented Buffer#write(text, offset, 'latin1')
//   T-latin1-read  the traceparent scratch read (Node's undocumented Buffer#latin1Slice) against
//              the documented Buffer#toString('latin1', 0, length)
//   T-decimal  putJsonNumber's own digits for short fractions against String(value) and a copy
//   T-text     JsonBytesWriter#text of a 240 KB body (64 KiB pieces joined) against one
//              Buffer#toString('latin1') of the whole body
import { Buffer } from 'node:buffer';
import { loadFunction } from '../optional.js';
import type { TimedWorkload } from '../workload.js';

const STRINGS = 512;
const VALUES = 4096;

/** 512 distinct printable-ASCII strings of 85-110 characters, like long Zipkin tag values. */
function longStrings(): string[] {
  const out: string[] = [];
  for (let i = 0; i < STRINGS; i++)
    out.push(`SELECT id, name, email FROM users WHERE tenant = 'acme' AND id = ${i} ORDER BY created_at DESC`.slice(0, 85 + (i % 26)));
  return out;
}

function latin1Undocumented(target: Uint8Array, strings: readonly string[], n: number): number {
  const write = (Buffer.prototype as unknown as { latin1Write: (this: Uint8Array, text: string, offset: number) => number }).latin1Write;
  let position = 0;
  for (let r = 0; r < n; r++) {
    position = 0;
    for (let i = 0; i < strings.length; i++) position += write.call(target, strings[i] as string, position);
  }
  return position;
}

function latin1Documented(target: Buffer, strings: readonly string[], n: number): number {
  let position = 0;
  for (let r = 0; r < n; r++) {
    position = 0;
    for (let i = 0; i < strings.length; i++) position += target.write(strings[i] as string, position, 'latin1');
  }
  return position;
}

export const tLatin1: TimedWorkload = {
  kind: 'timed',
  id: 'T-latin1',
  title: 'trick: 512 long ASCII strings into a byte buffer, Buffer#latin1Write vs documented Buffer#write (the "OTel" column)',
  op: '512 strings',
  opsPerSample: 200,
  async setup(n) {
    const strings = longStrings();
    const fast = new Uint8Array(STRINGS * 128);
    const plain = Buffer.alloc(STRINGS * 128);
    let fastEnd = 0;
    let plainEnd = 0;
    const expected = strings.reduce((sum, text) => sum + text.length, 0);
    return {
      trace: {
        run: () => {
          fastEnd = latin1Undocumented(fast, strings, n);
        },
        verify: async () =>
          fastEnd === expected && Buffer.from(fast.buffer, 0, fastEnd).toString('latin1') === strings.join('') ? undefined : 'latin1Write wrote other bytes',
      },
      otel: {
        run: () => {
          plainEnd = latin1Documented(plain, strings, n);
        },
        verify: async () => (plainEnd === expected ? undefined : 'Buffer#write wrote other bytes'),
      },
    };
  },
};

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

export const tLatin1Read: TimedWorkload = {
  kind: 'timed',
  id: 'T-latin1-read',
  title: 'trick: a 55-byte traceparent read back from a scratch buffer, Buffer#latin1Slice vs documented Buffer#toString (the "OTel" column)',
  op: 'read',
  opsPerSample: 200_000,
  async setup(n) {
    const scratch = Buffer.alloc(64);
    scratch.write(TRACEPARENT, 'latin1');
    const slice = (Buffer.prototype as unknown as { latin1Slice: (this: Uint8Array, start: number, end: number) => string }).latin1Slice;
    let fast = '';
    let plain = '';
    return {
      trace: {
        run: () => {
          for (let i = 0; i < n; i++) fast = slice.call(scratch, 0, TRACEPARENT.length);
        },
        verify: async () => (fast === TRACEPARENT ? undefined : 'latin1Slice read other text'),
      },
      otel: {
        run: () => {
          for (let i = 0; i < n; i++) plain = scratch.toString('latin1', 0, TRACEPARENT.length);
        },
        verify: async () => (plain === TRACEPARENT ? undefined : 'toString read other text'),
      },
    };
  },
};

type PutNumber = (bytes: Uint8Array, position: number, value: number) => number;
type PutAscii = (bytes: Uint8Array, position: number, text: string) => number;

/** Fractions as tags carry them: loads, ratios, prices, durations in seconds. */
function fractions(): number[] {
  const out: number[] = [];
  for (let i = 0; i < VALUES; i++) out.push(((i * 7919) % 100000) / [100, 1000, 10, 10000][i % 4]! + (i % 3 === 0 ? 0.5 : 0.25));
  return out.map((value) => (Number.isInteger(value) ? value + 0.125 : value));
}

export const tDecimal: TimedWorkload = {
  kind: 'timed',
  id: 'T-decimal',
  title: 'trick: 4096 fractions as JSON numbers, putJsonNumber digits vs String(value) copied (the "OTel" column)',
  op: '4096 numbers',
  opsPerSample: 200,
  async setup(n) {
    const putNumber = loadFunction<PutNumber>('@trace/core/encoding', 'putJsonNumber');
    const putAscii = loadFunction<PutAscii>('@trace/core/encoding', 'putJsonAscii');
    const values = fractions();
    const expected = values.map(String).join('');
    const fast = new Uint8Array(VALUES * 32);
    const plain = new Uint8Array(VALUES * 32);
    let fastEnd = 0;
    let plainEnd = 0;
    const text = (bytes: Uint8Array, end: number) => Buffer.from(bytes.buffer, 0, end).toString('latin1');
    return {
      trace: {
        run: () => {
          for (let r = 0; r < n; r++) {
            let position = 0;
            for (let i = 0; i < values.length; i++) position = putNumber(fast, position, values[i] as number);
            fastEnd = position;
          }
        },
        verify: async () => (text(fast, fastEnd) === expected ? undefined : 'putJsonNumber disagrees with String()'),
      },
      otel: {
        run: () => {
          for (let r = 0; r < n; r++) {
            let position = 0;
            for (let i = 0; i < values.length; i++) position = putAscii(plain, position, String(values[i]));
            plainEnd = position;
          }
        },
        verify: async () => (text(plain, plainEnd) === expected ? undefined : 'String() copy is wrong'),
      },
    };
  },
};

interface TextWriter {
  reset(): number;
  ascii(text: string): void;
  text(): string;
  finish(): Uint8Array;
}

export const tText: TimedWorkload = {
  kind: 'timed',
  id: 'T-text',
  title: 'trick: a 240 KB JSON body as a string, JsonBytesWriter#text (64 KiB pieces) vs one Buffer#toString (the "OTel" column)',
  op: 'body',
  opsPerSample: 50,
  async setup(n) {
    const writerClass = loadFunction<new () => TextWriter>('@trace/core/encoding', 'JsonBytesWriter');
    const writer = new writerClass();
    writer.reset();
    const line = '{"traceId":"4bf92f3577b34da6a3ce929d0e0e4736","id":"00f067aa0ba902b7","name":"SELECT users"},';
    while (writer.finish().length < 240_000) writer.ascii(line);
    const body = writer.finish();
    const flat = Buffer.from(body.buffer, body.byteOffset, body.length);
    let fastText = '';
    let plainText = '';
    return {
      trace: {
        run: () => {
          for (let i = 0; i < n; i++) fastText = writer.text();
        },
        verify: async () => (fastText.length === body.length && fastText === flat.toString('latin1') ? undefined : 'text() differs from the bytes'),
      },
      otel: {
        run: () => {
          for (let i = 0; i < n; i++) plainText = flat.toString('latin1');
        },
        verify: async () => (plainText.length === body.length ? undefined : 'toString lost bytes'),
      },
    };
  },
};
