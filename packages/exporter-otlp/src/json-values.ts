// OTLP/JSON value forms written on top of core's JsonBytesWriter: the proto3 JSON spellings of
// int64 nanosecond times and of doubles, which plain JSON numbers cannot carry.
import { type JsonBytesWriter, putJsonInteger } from '@trace/core/encoding';

const textEncoder = new TextEncoder();
// The CommonJS build of @trace/core re-exports through getters: bound once, not read per call
// (the same binding measured in trace-json.ts and the Zipkin JSON encoder: 6-10 % of an encode).
const putInteger = putJsonInteger;

/** UTF-8 bytes of JSON text built at set-up time (resources, scopes, key openings), not per span. */
export function utf8Bytes(text: string): Uint8Array {
  return textEncoder.encode(text);
}

/**
 * Epoch µs as a quoted decimal string of epoch ns, exact to the nanosecond the double carries:
 * the same text as `microsToNanosString`, written without building it.
 */
export function writeQuotedNanos(writer: JsonBytesWriter, micros: number): void {
  let pos = writer.position;
  const buf = writer.room(pos, 24);
  buf[pos++] = 0x22;
  if (!(micros > 0) || micros === Number.POSITIVE_INFINITY) buf[pos++] = 0x30;
  else {
    let whole = Math.floor(micros);
    let nanos = Math.round((micros - whole) * 1000);
    if (nanos >= 1000) {
      whole += 1;
      nanos -= 1000;
    }
    if (whole === 0) pos = putInteger(buf, pos, nanos);
    else {
      pos = putInteger(buf, pos, whole);
      // The sub-µs part always takes three digits, leading zeros included.
      const hundreds = (nanos / 100) | 0;
      const tens = ((nanos - hundreds * 100) / 10) | 0;
      buf[pos++] = 0x30 + hundreds;
      buf[pos++] = 0x30 + tens;
      buf[pos++] = 0x30 + (nanos - hundreds * 100 - tens * 10);
    }
  }
  buf[pos++] = 0x22;
  writer.seek(pos);
}

/** A double in proto3 JSON: a number, or the strings for the non-finite values. */
export function writeDouble(writer: JsonBytesWriter, value: number): void {
  if (Number.isFinite(value)) writer.number(value);
  else if (Number.isNaN(value)) writer.ascii('"NaN"');
  else writer.ascii(value > 0 ? '"Infinity"' : '"-Infinity"');
}
