// The shared JSON byte writer: its output must be what JSON.stringify + UTF-8 would give, for any
// string (including unpaired surrogates) and any number, through both of its calling styles.
import {
  JSON_NUMBER_ROOM,
  JsonBytesWriter,
  jsonAsciiBytes,
  jsonStringRoom,
  putJsonAscii,
  putJsonBoolean,
  putJsonBytes,
  putJsonEightDigits,
  putJsonInteger,
  putJsonNumber,
  putJsonString,
} from '@trace/core/encoding';
import fc from 'fast-check';

const utf8 = new TextEncoder();
const decoder = new TextDecoder();

/** Every UTF-16 code unit equally likely, so lone and swapped surrogates come up often. */
const anyUnits = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)), maxLength: 64 });
/** Whole code points of every UTF-8 length (1 to 4 bytes). */
const anyCodePoints = fc.string({ unit: 'binary', maxLength: 64 });

function stringBytes(text: string): Uint8Array {
  const writer = new JsonBytesWriter({ initialCapacity: 16 });
  writer.reset();
  writer.string(text);
  return writer.finish();
}

/** The string written through the position-passing function, quotes added by the caller. */
function putStringBytes(text: string): Uint8Array {
  const writer = new JsonBytesWriter({ initialCapacity: 16 });
  let position = writer.reset();
  const bytes = writer.room(position, jsonStringRoom(text));
  position = putJsonString(writer, bytes, position, text);
  return writer.finish(position);
}

describe('string escaping', () => {
  it.each([
    ['quotes and backslashes', 'say "hi" \\ bye'],
    ['short escapes', '\b\t\n\f\r'],
    ['other controls', '\u0000\u0001\u0007\u000b\u000e\u001f\u007f'],
    ['2-byte characters', 'é ß ñ ω'],
    ['3-byte characters', '€ → 中文 \u2028\u2029 \uffff'],
    ['4-byte characters', '😀 𝄞 \u{10ffff}'],
    ['a lone high surrogate', 'a\ud800b'],
    ['a lone low surrogate', 'a\udc00b'],
    ['a swapped pair', '\udc00\ud800'],
    ['a high surrogate at the end', 'end\udbff'],
    ['escapes after plain ASCII and back', 'plain text then "quote" then plain'],
    ['the empty string', ''],
  ])('%s: the same bytes as JSON.stringify', (_label, text) => {
    expect(stringBytes(text)).toEqual(utf8.encode(JSON.stringify(text)));
    expect(putStringBytes(text)).toEqual(utf8.encode(JSON.stringify(text).slice(1, -1)));
  });

  it('writes lone surrogates as lowercase \\udxxx escapes, so the output is valid UTF-8', () => {
    const text = decoder.decode(stringBytes('x\ud83dy\ude00'));
    expect(text).toBe('"x\\ud83dy\\ude00"');
  });

  it('equals JSON.stringify for arbitrary UTF-16 strings (property)', () => {
    fc.assert(
      fc.property(anyUnits, (text) => {
        expect(stringBytes(text)).toEqual(utf8.encode(JSON.stringify(text)));
      }),
      { numRuns: 1000 },
    );
  });

  it('equals JSON.stringify for arbitrary code points, and parses back to the input (property)', () => {
    fc.assert(
      fc.property(anyCodePoints, (text) => {
        const bytes = putStringBytes(text);
        expect(bytes).toEqual(utf8.encode(JSON.stringify(text).slice(1, -1)));
        expect(JSON.parse(`"${decoder.decode(bytes)}"`)).toBe(text);
      }),
      { numRuns: 1000 },
    );
  });

  it('equals JSON.stringify for long strings, mostly plain ASCII, flat or concatenated (property)', () => {
    // Long plain strings take a native copy; one escape or non-ASCII character sends them back to
    // the loop. Concatenated strings are V8 ropes, read differently from flat ones.
    const mostlyPlain = fc.string({
      unit: fc.oneof(
        { weight: 30, arbitrary: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)) },
        { weight: 1, arbitrary: fc.constantFrom('"', '\\', '\n', '\u007f', 'é', '😀', '\ud800') },
      ),
      minLength: 24,
      maxLength: 300,
    });
    fc.assert(
      fc.property(mostlyPlain, fc.nat(40), (text, cut) => {
        for (const variant of [text, text.slice(0, cut) + text.slice(cut)]) {
          expect(stringBytes(variant)).toEqual(utf8.encode(JSON.stringify(variant)));
          expect(putStringBytes(variant)).toEqual(utf8.encode(JSON.stringify(variant).slice(1, -1)));
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('tracks whether anything non-ASCII was written, and text() decodes either way', () => {
    const writer = new JsonBytesWriter();
    writer.reset();
    writer.string('ascii "only"\n');
    expect(writer.wroteNonAscii).toBe(false);
    expect(writer.text()).toBe(JSON.stringify('ascii "only"\n'));
    writer.string('ü😀');
    expect(writer.wroteNonAscii).toBe(true);
    expect(writer.text()).toBe(`${JSON.stringify('ascii "only"\n')}"ü😀"`);
    writer.reset();
    expect(writer.wroteNonAscii).toBe(false);
    expect(writer.text()).toBe('');
  });
});

describe('numbers', () => {
  const safeIntegers = fc.oneof(
    fc.maxSafeInteger(),
    fc.integer(),
    fc.constantFrom(0, 9, 10, 99, 100, 2 ** 32 - 1, 2 ** 32, 99_999_999, 100_000_000, 1_700_000_000_000_000, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER),
  );
  const anyNumbers = fc.oneof(
    safeIntegers,
    fc.double(),
    fc.constantFrom(
      -0,
      0.1,
      -1e-7,
      1e21,
      2 ** 53,
      -(2 ** 60),
      Number.MAX_VALUE,
      Number.MIN_VALUE,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
    ),
  );

  it('integer() writes String(value) for every safe integer (property)', () => {
    fc.assert(
      fc.property(safeIntegers, (value) => {
        const writer = new JsonBytesWriter({ initialCapacity: 4 });
        writer.reset();
        writer.integer(value);
        expect(writer.text()).toBe(String(value));
        writer.reset();
        writer.quotedInteger(value);
        expect(writer.text()).toBe(`"${value}"`);
      }),
      { numRuns: 2000 },
    );
  });

  it('putJsonInteger writes non-negative safe integers as JSON.stringify does (property)', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger().map(Math.abs), (value) => {
        const bytes = new Uint8Array(16);
        const end = putJsonInteger(bytes, 0, value);
        expect(decoder.decode(bytes.subarray(0, end))).toBe(JSON.stringify(value));
      }),
      { numRuns: 2000 },
    );
  });

  it('putJsonInteger writes values outside its range as String() does, and always returns', () => {
    for (const value of [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN, -5, 2 ** 60, 1e300]) {
      const bytes = new Uint8Array(JSON_NUMBER_ROOM);
      const end = putJsonInteger(bytes, 0, value);
      expect(decoder.decode(bytes.subarray(0, end))).toBe(String(value));
    }
  });

  it('putJsonEightDigits writes 0..99999999 as eight digits, zero-padded (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99_999_999 }), (value) => {
        const bytes = new Uint8Array(10).fill(0x78);
        expect(putJsonEightDigits(bytes, 1, value)).toBe(9);
        expect(decoder.decode(bytes)).toBe(`x${String(value).padStart(8, '0')}x`);
      }),
      { numRuns: 2000 },
    );
  });

  it('number() and putJsonNumber write String(value) for any number, within JSON_NUMBER_ROOM (property)', () => {
    fc.assert(
      fc.property(anyNumbers, (value) => {
        const bytes = new Uint8Array(JSON_NUMBER_ROOM);
        const end = putJsonNumber(bytes, 0, value);
        expect(decoder.decode(bytes.subarray(0, end))).toBe(String(value));
        const writer = new JsonBytesWriter({ initialCapacity: 1 });
        writer.reset();
        writer.number(value);
        expect(writer.text()).toBe(String(value));
        // For finite numbers that is also JSON.stringify's spelling.
        if (Number.isFinite(value)) expect(writer.text()).toBe(JSON.stringify(value));
      }),
      { numRuns: 2000 },
    );
  });
  it('writes short decimals (the digit path that skips String) exactly as String spells them (property)', () => {
    // Values with few decimal places, near-misses such as 0.1 + 0.2, and neighbours one ulp
    // away, which need all 17 digits: each must come out as String(value).
    const scaled = fc
      .tuple(fc.integer({ min: -999_999_999, max: 999_999_999 }), fc.integer({ min: 0, max: 9 }))
      .map(([digits, places]) => digits / 10 ** places);
    const nudged = fc
      .tuple(scaled, fc.constantFrom(-1, 0, 1))
      .map(([value, step]) => (step === 0 ? value : value + step * Number.EPSILON * Math.max(1, Math.abs(value))));
    fc.assert(
      fc.property(fc.oneof(scaled, nudged, fc.double({ min: -1e10, max: 1e10, noNaN: true })), (value) => {
        const bytes = new Uint8Array(JSON_NUMBER_ROOM);
        const end = putJsonNumber(bytes, 0, value);
        expect(decoder.decode(bytes.subarray(0, end))).toBe(String(value));
      }),
      { numRuns: 20000 },
    );
    for (const value of [0.75, -0.5, 0.1 + 0.2, 0.07, 1e-6, 1.5e-6, 1e-7, 123456.789, 999999999.5, 0.000001, 5e-324]) {
      const bytes = new Uint8Array(JSON_NUMBER_ROOM);
      expect(decoder.decode(bytes.subarray(0, putJsonNumber(bytes, 0, value)))).toBe(String(value));
    }
  });
});

describe('text() of a long body', () => {
  it('reads a body past the 64 KiB piece size whole, ASCII or UTF-8, whatever falls on a piece boundary', () => {
    for (const filler of ['a', 'é', '😀', 'x€']) {
      for (const length of [65_535, 65_536, 65_537, 200_001]) {
        const writer = new JsonBytesWriter();
        writer.reset();
        const text = filler.repeat(Math.ceil(length / filler.length)).slice(0, length);
        writer.string(text);
        expect(writer.text()).toBe(JSON.stringify(text));
        expect(writer.wroteNonAscii).toBe(filler !== 'a');
      }
    }
  });
});

describe('buffer', () => {
  it('grows past the initial capacity, keeping what was written, through both styles', () => {
    const writer = new JsonBytesWriter({ initialCapacity: 8 });
    writer.reset();
    const parts: string[] = [];
    const piece = jsonAsciiBytes('{"key":');
    // Pieces of 16 bytes and more are copied natively, shorter ones by a loop: both must land.
    const longPiece = jsonAsciiBytes('{"a.much.longer.key.name":');
    for (let i = 0; i < 500; i++) {
      writer.bytes(i % 3 === 0 ? longPiece : piece);
      writer.string(`välue ${i} 😀`);
      writer.byte(0x2c);
      writer.integer(-i * 1_000_003);
      writer.byte(0x7d);
      parts.push(`${i % 3 === 0 ? '{"a.much.longer.key.name":' : '{"key":'}${JSON.stringify(`välue ${i} 😀`)},${-i * 1_000_003}}`);
    }
    expect(writer.capacity).toBeGreaterThan(8);
    expect(decoder.decode(writer.finish())).toBe(parts.join(''));

    // Position-passing: room() may hand back a new buffer that still holds the earlier bytes.
    let position = writer.position;
    let expected = parts.join('');
    for (let i = 0; i < 200; i++) {
      const text = `k${i}\t"x"`;
      const bytes = writer.room(position, jsonStringRoom(text) + JSON_NUMBER_ROOM + 40);
      position = putJsonBytes(bytes, position, i % 2 === 0 ? piece : longPiece);
      bytes[position++] = 0x22;
      position = putJsonString(writer, bytes, position, text);
      bytes[position++] = 0x22;
      position = putJsonAscii(bytes, position, ',');
      position = putJsonNumber(bytes, position, i / 8);
      position = putJsonAscii(bytes, position, ',');
      position = putJsonBoolean(bytes, position, i % 2 === 0);
      expected += `${i % 2 === 0 ? '{"key":' : '{"a.much.longer.key.name":'}${JSON.stringify(text)},${i / 8},${i % 2 === 0}`;
    }
    expect(decoder.decode(writer.finish(position))).toBe(expected);
  });

  it('finish() returns a copy that the next body does not overwrite', () => {
    const writer = new JsonBytesWriter();
    writer.reset();
    writer.string('first');
    const first = writer.finish();
    writer.reset();
    writer.string('other');
    expect(decoder.decode(first)).toBe('"first"');
  });

  it('drops a buffer grown past maxRetainedCapacity at the next reset, and keeps a smaller one', () => {
    const writer = new JsonBytesWriter({ initialCapacity: 16, maxRetainedCapacity: 64 });
    writer.reset();
    writer.ascii('x'.repeat(40));
    const kept = writer.capacity;
    writer.reset();
    expect(writer.capacity).toBe(kept);
    writer.ascii('x'.repeat(200));
    expect(writer.capacity).toBeGreaterThan(64);
    writer.reset();
    expect(writer.capacity).toBe(16);
    expect(writer.position).toBe(0);
  });
});
