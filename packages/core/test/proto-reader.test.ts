// The protobuf reader over untrusted replies: every field kind, and malformed input ends the walk
// with `malformed` set, never a throw or an endless loop.
import { ProtoReader, ProtoWriter } from '@trace/core/encoding';

function sample(): Uint8Array {
  const writer = new ProtoWriter(64);
  writer.reset();
  writer.varintField(0x08, 300); // 1: varint
  writer.uint32(0x11); // 2: fixed64
  writer.fixed64Number(2 ** 40 + 5);
  writer.uint32(0x1a); // 3: embedded message { 1: 'héllo' }
  const start = writer.begin(1);
  writer.uint32(0x0a);
  writer.string('héllo');
  writer.end(start, 1);
  writer.uint32(0x25); // 4: fixed32
  writer.fixed32(7);
  writer.uint32(0x28); // 5: int64 -1 (ten bytes)
  writer.int64(-1);
  writer.uint32(0x30); // 6: a varint past 2^32
  writer.int64(2 ** 45 + 1);
  return writer.finish();
}

test('walks every wire type in order', () => {
  const reader = new ProtoReader(sample());
  const seen: unknown[] = [];
  while (reader.next()) {
    if (reader.fieldNumber === 1) seen.push(reader.varint());
    else if (reader.fieldNumber === 3) {
      const inner = reader.message();
      while (inner.next()) seen.push(inner.string());
    } else if (reader.fieldNumber === 5) seen.push(reader.varint() >= 2 ** 63);
    else if (reader.fieldNumber === 6) seen.push(reader.varint());
    else {
      seen.push(`skip ${reader.fieldNumber}`);
      reader.skip();
    }
  }
  expect(reader.malformed).toBe(false);
  expect(seen).toEqual([300, 'skip 2', 'héllo', 'skip 4', true, 2 ** 45 + 1]);
});

test('every truncation of a message is reported as malformed, never thrown', () => {
  const bytes = sample();
  for (let length = 1; length < bytes.length; length++) {
    const reader = new ProtoReader(bytes.subarray(0, length));
    let steps = 0;
    while (reader.next()) {
      reader.skip();
      steps++;
    }
    expect(steps).toBeLessThanOrEqual(6);
    // Cuts that fall between fields leave a well-formed shorter message.
    if (!reader.malformed) expect([3, 12, 22, 27, 38].includes(length) || length === bytes.length).toBe(true);
  }
});

test.each([
  ['field number 0', [0x00, 0x01]],
  ['a group wire type', [0x0b]],
  ['a length past the end', [0x0a, 0x05, 0x61]],
  ['an eleven-byte varint', [0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]],
])('%s is malformed', (_name, bytes) => {
  const reader = new ProtoReader(Uint8Array.from(bytes));
  while (reader.next()) reader.skip();
  expect(reader.malformed).toBe(true);
});

test('reading a field with the wrong method is malformed, not a misread', () => {
  const reader = new ProtoReader(sample());
  expect(reader.next()).toBe(true);
  expect(reader.string()).toBe('');
  expect(reader.malformed).toBe(true);
  expect(reader.next()).toBe(false);
});
