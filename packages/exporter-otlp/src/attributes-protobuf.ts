// Attribute values as OTLP `KeyValue` / `AnyValue` messages (common.proto).
import type { TagValue } from '@trace/core';
import type { ProtoWriter } from '@trace/core/encoding';

/** Writes the body of an `AnyValue`. Safe integers go as `int_value`, other numbers as `double_value`. */
export function writeAnyValue(writer: ProtoWriter, value: TagValue): void {
  switch (typeof value) {
    case 'string':
      writer.uint32(0x0a);
      writer.string(value);
      return;
    case 'boolean':
      writer.varintField(0x10, value ? 1 : 0);
      return;
    case 'number':
      if (Number.isSafeInteger(value)) {
        writer.uint32(0x18);
        writer.int64(value);
      } else {
        writer.uint32(0x21);
        writer.double(value);
      }
      return;
    default: {
      // ArrayValue (field 5) of AnyValue (field 1 each).
      writer.uint32(0x2a);
      const start = writer.begin(1);
      const items = value as readonly (string | number | boolean)[];
      for (let i = 0; i < items.length; i++) {
        writer.uint32(0x0a);
        const item = writer.begin(1);
        writeAnyValue(writer, items[i] as TagValue);
        writer.end(item, 1);
      }
      writer.end(start, 1);
    }
  }
}

/** Writes one `KeyValue` as field `tag` of the enclosing message. */
export function writeKeyValue(writer: ProtoWriter, tag: number, key: string, value: TagValue): void {
  writer.uint32(tag);
  const start = writer.begin(1);
  writer.uint32(0x0a);
  writer.string(key);
  writer.uint32(0x12);
  const valueStart = writer.begin(1);
  writeAnyValue(writer, value);
  writer.end(valueStart, 1);
  writer.end(start, 1);
}

/** Writes every entry of `attributes` as repeated `KeyValue` field `tag`. */
export function writeAttributes(writer: ProtoWriter, tag: number, attributes: Readonly<Record<string, TagValue>>): void {
  for (const key in attributes) writeKeyValue(writer, tag, key, attributes[key] as TagValue);
}
