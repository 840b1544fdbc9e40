// OTLP timestamps are unsigned 64-bit nanoseconds since the epoch; spans carry fractional epoch
// microseconds. ns = µs × 1000 does not fit a double exactly (≈ 1.7e18 > 2^53), so the whole
// microseconds and the sub-µs remainder are kept apart and only combined in integer pieces.

const TWO_POW_32 = 4_294_967_296;

/**
 * Epoch µs as a decimal string of epoch ns (the OTLP/JSON form of a `fixed64` time), exact to the
 * nanosecond the double can carry. Negative or non-finite input gives `"0"`.
 */
export function microsToNanosString(micros: number): string {
  if (!(micros > 0) || micros === Number.POSITIVE_INFINITY) return '0';
  let whole = Math.floor(micros);
  let nanos = Math.round((micros - whole) * 1000);
  if (nanos >= 1000) {
    whole += 1;
    nanos -= 1000;
  }
  if (whole === 0) return String(nanos);
  return String(whole) + (nanos < 10 ? `00${nanos}` : nanos < 100 ? `0${nanos}` : String(nanos));
}

/**
 * Epoch µs as the low and high 32-bit words of epoch ns, for a protobuf `fixed64`. Writes the two
 * words into `out[0]` (low) and `out[1]` (high) so the hot path allocates nothing.
 */
export function microsToNanosWords(micros: number, out: Uint32Array): void {
  if (!(micros > 0) || micros === Number.POSITIVE_INFINITY) {
    out[0] = 0;
    out[1] = 0;
    return;
  }
  let whole = Math.floor(micros);
  let nanos = Math.round((micros - whole) * 1000);
  if (nanos >= 1000) {
    whole += 1;
    nanos -= 1000;
  }
  // whole = high·2^32 + low, so ns = high·1000·2^32 + (low·1000 + nanos); the second term is < 2^42.
  const high = Math.floor(whole / TWO_POW_32);
  const low = whole - high * TWO_POW_32;
  const lowNanos = low * 1000 + nanos;
  const carry = Math.floor(lowNanos / TWO_POW_32);
  out[0] = lowNanos - carry * TWO_POW_32;
  out[1] = high * 1000 + carry;
}
