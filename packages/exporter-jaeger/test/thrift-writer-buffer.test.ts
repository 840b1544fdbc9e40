// The Thrift writer on core's ByteBuffer: growing from a tiny buffer and letting a huge one go at
// the next reset must not change a byte (its DataView follows every buffer swap).
import { ThriftBinaryWriter, ThriftType } from '../src/thrift-binary-writer';

/** Byte equality without jest's element-by-element diff, which takes seconds on megabytes. */
function expectSameBytes(actual: Uint8Array, expected: Uint8Array): void {
  expect(actual.length).toBe(expected.length);
  expect(Buffer.compare(actual, expected)).toBe(0);
}

function writeSample(writer: ThriftBinaryWriter, count: number): Uint8Array {
  writer.reset();
  const sizeAt = writer.listHeader(ThriftType.I32, 0);
  for (let i = 0; i < count; i++) {
    writer.fieldHeader(ThriftType.I64, i & 0x7fff);
    writer.i32(i);
    writer.i64(i * 1_000_000_007);
    writer.double(i / 3);
    writer.string(`välue ${i}`);
  }
  writer.patchListSize(sizeAt, count);
  writer.fieldStop();
  return writer.finish();
}

test('grows from 16 bytes, lets a body over 4 MiB go at the next reset, and writes the same bytes', () => {
  const roomy = new ThriftBinaryWriter(16 * 1024 * 1024);
  const tiny = new ThriftBinaryWriter(16);
  expectSameBytes(writeSample(tiny, 1000), writeSample(roomy, 1000));
  expectSameBytes(writeSample(tiny, 150_000), writeSample(roomy, 150_000));
  expect(tiny.capacity).toBeGreaterThan(4 * 1024 * 1024);
  expectSameBytes(writeSample(tiny, 1000), writeSample(roomy, 1000));
  expect(tiny.capacity).toBeLessThan(1024 * 1024);
});
