// Attribute values in the OTLP/JSON mapping: `{"key":..,"value":{"stringValue":..}}`, int64 as a
// decimal string, doubles as JSON numbers (or "NaN" / "Infinity" / "-Infinity").
import type { TagValue } from '@trace/core';
import { type JsonBytesWriter, jsonAsciiBytes } from '@trace/core/encoding';
import { utf8Bytes, writeDouble } from './json-values.js';

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

const STRING_VALUE_OPEN = jsonAsciiBytes('{"stringValue":');
const INT_VALUE_OPEN = jsonAsciiBytes('{"intValue":');
const DOUBLE_VALUE_OPEN = jsonAsciiBytes('{"doubleValue":');
const BOOL_TRUE = jsonAsciiBytes('{"boolValue":true}');
const BOOL_FALSE = jsonAsciiBytes('{"boolValue":false}');
const ARRAY_VALUE_OPEN = jsonAsciiBytes('{"arrayValue":{"values":[');
const ARRAY_VALUE_CLOSE = jsonAsciiBytes(']}}');
const OBJECT_CLOSE = 0x7d;
const COMMA = 0x2c;

/**
 * One attribute key's openings, escaped once: `{"key":"<key>","value":` alone and followed by
 * each scalar value's opening, so a scalar attribute is one fragment, its value, one close.
 */
class KeyPrefixes {
  readonly plain: Uint8Array;
  readonly string: Uint8Array;
  readonly int: Uint8Array;
  readonly double: Uint8Array;
  readonly boolTrue: Uint8Array;
  readonly boolFalse: Uint8Array;

  constructor(key: string) {
    const open = `{"key":${JSON.stringify(key)},"value":`;
    this.plain = utf8Bytes(open);
    this.string = utf8Bytes(`${open}{"stringValue":`);
    this.int = utf8Bytes(`${open}{"intValue":"`);
    this.double = utf8Bytes(`${open}{"doubleValue":`);
    this.boolTrue = utf8Bytes(`${open}{"boolValue":true}}`);
    this.boolFalse = utf8Bytes(`${open}{"boolValue":false}}`);
  }
}

// Attribute keys repeat across spans. Bounded: past the cap, new keys are escaped on every use.
const KEY_CACHE_LIMIT = 2048;
const KEY_CACHE_MAX_LENGTH = 256;
const keyPrefixes = new Map<string, KeyPrefixes>();

const DOUBLE_CLOSE = jsonAsciiBytes('}}');
const QUOTED_DOUBLE_CLOSE = jsonAsciiBytes('"}}');

/** Writes the JSON of an `AnyValue` (the byte form of {@link anyValueJson}). */
export function writeAnyValue(writer: JsonBytesWriter, value: TagValue): void {
  switch (typeof value) {
    case 'string':
      writer.bytes(STRING_VALUE_OPEN);
      writer.string(value);
      writer.byte(OBJECT_CLOSE);
      return;
    case 'boolean':
      writer.bytes(value ? BOOL_TRUE : BOOL_FALSE);
      return;
    case 'number':
      if (Number.isSafeInteger(value)) {
        writer.bytes(INT_VALUE_OPEN);
        writer.quotedInteger(value);
      } else {
        writer.bytes(DOUBLE_VALUE_OPEN);
        writeDouble(writer, value);
      }
      writer.byte(OBJECT_CLOSE);
      return;
    default: {
      const items = value as readonly (string | number | boolean)[];
      writer.bytes(ARRAY_VALUE_OPEN);
      for (let i = 0; i < items.length; i++) {
        if (i > 0) writer.byte(COMMA);
        writeAnyValue(writer, items[i] as TagValue);
      }
      writer.bytes(ARRAY_VALUE_CLOSE);
    }
  }
}

/** Writes one `KeyValue` object. */
export function writeKeyValue(writer: JsonBytesWriter, key: string, value: TagValue): void {
  let prefixes = keyPrefixes.get(key);
  if (prefixes === undefined) {
    prefixes = new KeyPrefixes(key);
    if (keyPrefixes.size < KEY_CACHE_LIMIT && key.length <= KEY_CACHE_MAX_LENGTH) keyPrefixes.set(key, prefixes);
  }
  switch (typeof value) {
    case 'string':
      writer.bytes(prefixes.string);
      writer.string(value);
      writer.bytes(DOUBLE_CLOSE);
      return;
    case 'boolean':
      writer.bytes(value ? prefixes.boolTrue : prefixes.boolFalse);
      return;
    case 'number':
      if (Number.isSafeInteger(value)) {
        writer.bytes(prefixes.int);
        writer.integer(value);
        writer.bytes(QUOTED_DOUBLE_CLOSE);
      } else {
        writer.bytes(prefixes.double);
        writeDouble(writer, value);
        writer.bytes(DOUBLE_CLOSE);
      }
      return;
    default:
      writer.bytes(prefixes.plain);
      writeAnyValue(writer, value);
      writer.byte(OBJECT_CLOSE);
  }
}
