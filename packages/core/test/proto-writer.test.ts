// The protobuf writer on core's ByteBuffer: growing from a tiny buffer and letting a huge one go
// at the next reset must not change a byte (its DataView follows every buffer swap).
import { ProtoWriter } from '@trace/core/encoding';

/** Byte equality without jest's element-by-element diff, which takes seconds on megabytes. */
function expectSameBytes(actual: Uint8Array, expected: Uint8Array): void {
  expect(actual.length).toBe(expected.length);
  expect(Buffer.compare(actual, expected)).toBe(0);
}

function writeSample(writer: ProtoWriter, count: number): Uint8Array {
  writer.reset();
  for (let i = 0; i < count; i++) {
    const start = writer.begin(1);
    writer.varintField(0x08, i);
    writer.fixed64(i, i >>> 3);
    writer.double(i / 3);
    writer.string(`välue ${i}`);
    writer.end(start, 1);
  }
  return writer.finish();
}

test('grows from 16 bytes, lets a body over 4 MiB go at the next reset, and writes the same bytes', () => {
  const roomy = new ProtoWriter(16 * 1024 * 1024);
  const tiny = new ProtoWriter(16);
  expectSameBytes(writeSample(tiny, 1000), writeSample(roomy, 1000));
  expectSameBytes(writeSample(tiny, 150_000), writeSample(roomy, 150_000));
  expect(tiny.capacity).toBeGreaterThan(4 * 1024 * 1024);
  expectSameBytes(writeSample(tiny, 1000), writeSample(roomy, 1000));
  expect(tiny.capacity).toBeLessThan(1024 * 1024);
});

test('allocates nothing until the first write, then its initial capacity', () => {
  const writer = new ProtoWriter(1024);
  expect(writer.capacity).toBe(0);
  writer.reset();
  expect(writer.capacity).toBe(0);
  writer.uint32(0x08);
  expect(writer.capacity).toBe(1024);
  expect(Array.from(writer.finish())).toEqual([0x08]);
});
