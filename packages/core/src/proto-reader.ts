// The protobuf reader for the few replies an exporter or transport must look into (an OTLP
// partial success, a gRPC status's details, a health check answer). Bytes from a server are
// untrusted: every read is bounds-checked, and malformed input ends the walk with `malformed` set
// instead of throwing, so a caller needs no try/catch and a loop over fields always ends.

/** Wire types (https://protobuf.dev/programming-guides/encoding/). */
const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LENGTH_DELIMITED = 2;
const WIRE_FIXED32 = 5;

const EMPTY = new Uint8Array(0);
const utf8 = new TextDecoder();

/**
 * Walks the fields of one serialized message, in wire order. Call {@link next} to move to a
 * field, then read its value once with the method its wire type calls for ({@link varint},
 * {@link bytes} / {@link string} / {@link message}), or {@link skip} it.
 *
 * @example
 * const reader = new ProtoReader(body);
 * while (reader.next()) {
 *   if (reader.fieldNumber === 2 && reader.wireType === 2) message = reader.string();
 *   else reader.skip();
 * }
 * if (reader.malformed) ... // the body was not a well-formed message
 */
export class ProtoReader {
  /** Field number of the current field (after {@link next} returned true). */
  fieldNumber = 0;
  /** Wire type of the current field: 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32. */
  wireType = 0;
  /** Set when the bytes turned out not to be a well-formed message; the walk has ended. */
  malformed = false;
  readonly #bytes: Uint8Array;
  #pos: number;
  readonly #end: number;

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
    this.#pos = 0;
    this.#end = bytes.length;
  }

  /** Moves to the next field; false at the end of the message or on malformed input. */
  next(): boolean {
    if (this.malformed || this.#pos >= this.#end) return false;
    const key = this.#readVarint();
    if (this.malformed) return false;
    this.fieldNumber = Math.floor(key / 8);
    this.wireType = key % 8;
    if (this.fieldNumber === 0) return this.#fail();
    return true;
  }

  /**
   * The current field's varint value, exact up to 2^53 (larger ones lose precision; an int64
   * below zero reads as a number of at least 2^63).
   */
  varint(): number {
    if (this.wireType !== WIRE_VARINT) {
      this.#fail();
      return 0;
    }
    return this.#readVarint();
  }

  /** The current length-delimited field's bytes (a view, not a copy). */
  bytes(): Uint8Array {
    if (this.wireType !== WIRE_LENGTH_DELIMITED) {
      this.#fail();
      return EMPTY;
    }
    const length = this.#readVarint();
    const start = this.#pos;
    if (this.malformed || length > this.#end - start) {
      this.#fail();
      return EMPTY;
    }
    this.#pos = start + length;
    return this.#bytes.subarray(start, start + length);
  }

  /** The current length-delimited field as UTF-8 text (invalid sequences become U+FFFD). */
  string(): string {
    const bytes = this.bytes();
    return bytes.length === 0 ? '' : utf8.decode(bytes);
  }

  /** A reader over the current length-delimited field (an embedded message). */
  message(): ProtoReader {
    return new ProtoReader(this.bytes());
  }

  /** Steps over the current field's value, whatever its wire type. */
  skip(): void {
    switch (this.wireType) {
      case WIRE_VARINT:
        this.#readVarint();
        return;
      case WIRE_FIXED64:
        this.#advance(8);
        return;
      case WIRE_LENGTH_DELIMITED:
        this.bytes();
        return;
      case WIRE_FIXED32:
        this.#advance(4);
        return;
      default:
        // Groups (3, 4) are long deprecated and no reply read here uses them.
        this.#fail();
    }
  }

  #advance(count: number): void {
    if (count > this.#end - this.#pos) this.#fail();
    else this.#pos += count;
  }

  #fail(): false {
    this.malformed = true;
    this.#pos = this.#end;
    return false;
  }

  /** A varint at the position; multiplication (not shifts) keeps values past 2^32 intact. */
  #readVarint(): number {
    const bytes = this.#bytes;
    let value = 0;
    let multiplier = 1;
    for (let index = 0; index < 10; index++) {
      const position = this.#pos;
      if (position >= this.#end) break;
      const byte = bytes[position] as number;
      this.#pos = position + 1;
      value += (byte & 0x7f) * multiplier;
      if ((byte & 0x80) === 0) return value;
      multiplier *= 128;
    }
    this.#fail();
    return 0;
  }
}
