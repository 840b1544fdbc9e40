// Attribute values in the OTLP/JSON mapping: `{"key":..,"value":{"stringValue":..}}`, int64 as a
// decimal string, doubles as JSON numbers (or "NaN" / "Infinity" / "-Infinity").
import type { TagValue } from '@trace/core';

/** A JSON string literal. */
export function jsonString(value: string): string {
  return JSON.stringify(value);
}

/** The JSON text of an `AnyValue`. */
export function anyValueJson(value: TagValue): string {
  switch (typeof value) {
    case 'string':
      return `{"stringValue":${JSON.stringify(value)}}`;
    case 'boolean':
      return value ? '{"boolValue":true}' : '{"boolValue":false}';
    case 'number':
      if (Number.isSafeInteger(value)) return `{"intValue":"${value}"}`;
      return `{"doubleValue":${doubleJson(value)}}`;
    default: {
      const items = value as readonly (string | number | boolean)[];
      let text = '{"arrayValue":{"values":[';
      for (let i = 0; i < items.length; i++) {
        if (i > 0) text += ',';
        text += anyValueJson(items[i] as TagValue);
      }
      return `${text}]}}`;
    }
  }
}

/** A double in proto3 JSON: a number, or the strings for the non-finite values. */
export function doubleJson(value: number): string {
  if (Number.isFinite(value)) return String(value);
  if (Number.isNaN(value)) return '"NaN"';
  return value > 0 ? '"Infinity"' : '"-Infinity"';
}

/** `"key":"value"`-pair JSON of one attribute. */
export function keyValueJson(key: string, value: TagValue): string {
  return `{"key":${JSON.stringify(key)},"value":${anyValueJson(value)}}`;
}

/** A JSON array of `KeyValue`s. */
export function attributesJson(attributes: Readonly<Record<string, TagValue>>): string {
  let text = '[';
  let first = true;
  for (const key in attributes) {
    if (!first) text += ',';
    first = false;
    text += keyValueJson(key, attributes[key] as TagValue);
  }
  return `${text}]`;
}
