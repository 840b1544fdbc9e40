// Test-only: reads a Thrift IDL file's enums and structs (field ids, types, names) and decodes
// TBinaryProtocol bytes by them, so what the exporter sends is checked against the official
// jaeger.thrift rather than against the encoder's own idea of the format. The bytes themselves
// are read by Apache Thrift's own Node library (the `thrift` package), not by code written here,
// so an encoder bug cannot be cancelled out by the same bug in a decoder of ours.
import { TBinaryProtocol, TFramedTransport, Thrift } from 'thrift';

/** A field type as written in the IDL. */
export type IdlType = { kind: 'base'; name: string } | { kind: 'list'; element: IdlType } | { kind: 'named'; name: string };

export interface IdlField {
  id: number;
  name: string;
  required: boolean;
  type: IdlType;
}

export interface ThriftIdl {
  enums: Map<string, Map<number, string>>;
  structs: Map<string, IdlField[]>;
}

const BASE_TYPES = new Set(['bool', 'byte', 'i8', 'i16', 'i32', 'i64', 'double', 'string', 'binary']);

function stripComments(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\/\/[^\n]*/g, '')
    .replace(/#[^\n]*/g, '');
}

function parseType(text: string): IdlType {
  const trimmed = text.trim();
  const list = /^list\s*<(.+)>$/.exec(trimmed);
  if (list) return { kind: 'list', element: parseType(list[1] as string) };
  if (BASE_TYPES.has(trimmed)) return { kind: 'base', name: trimmed };
  return { kind: 'named', name: trimmed };
}

/** Parses `enum X { A, B = 5 }` and `struct X { 1: required T name ... }` blocks. */
export function parseThriftIdl(source: string): ThriftIdl {
  const text = stripComments(source);
  const enums = new Map<string, Map<number, string>>();
  const structs = new Map<string, IdlField[]>();
  for (const match of text.matchAll(/\benum\s+(\w+)\s*\{([^}]*)\}/g)) {
    const values = new Map<number, string>();
    let next = 0;
    for (const entry of (match[2] as string).split(/[,;\n]/)) {
      const item = entry.trim();
      if (item === '') continue;
      const explicit = /^(\w+)\s*=\s*(-?\d+)$/.exec(item);
      const name = explicit ? (explicit[1] as string) : item;
      const value = explicit ? Number(explicit[2]) : next;
      values.set(value, name);
      next = value + 1;
    }
    enums.set(match[1] as string, values);
  }
  for (const match of text.matchAll(/\bstruct\s+(\w+)\s*\{([^}]*)\}/g)) {
    const fields: IdlField[] = [];
    const fieldPattern = /(\d+)\s*:\s*(required|optional)?\s*((?:list\s*<[^>]+>)|\w+)\s+(\w+)/g;
    for (const field of (match[2] as string).matchAll(fieldPattern)) {
      fields.push({ id: Number(field[1]), required: field[2] !== 'optional', type: parseType(field[3] as string), name: field[4] as string });
    }
    structs.set(match[1] as string, fields);
  }
  return { enums, structs };
}

/** A decoded value: i64 as bigint (signed), enums as their IDL name, binary as Uint8Array. */
export type Decoded = string | number | boolean | bigint | Uint8Array | Decoded[] | { [field: string]: Decoded };

/**
 * Decodes TBinaryProtocol by the IDL with `thrift`'s protocol reader: checks wire types, required
 * fields, duplicate fields and the end of input (the protocol itself throws on truncated input).
 */
export class ThriftIdlReader {
  private readonly transport: TFramedTransport;
  private readonly protocol: TBinaryProtocol;

  constructor(
    private readonly idl: ThriftIdl,
    private readonly bytes: Uint8Array,
  ) {
    this.transport = new TFramedTransport(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    this.protocol = new TBinaryProtocol(this.transport);
  }

  /** Decodes one struct of type `name` that must span the whole input. */
  readWhole(name: string): { [field: string]: Decoded } {
    const value = this.readStruct(name);
    // The framed transport's read position: the library has no public accessor for it.
    const position = (this.transport as unknown as { readPos: number }).readPos;
    if (position !== this.bytes.length) throw new Error(`${this.bytes.length - position} trailing bytes after ${name}`);
    return value;
  }

  private wireTypeOf(type: IdlType): Thrift.Type {
    if (type.kind === 'list') return Thrift.Type.LIST;
    if (type.kind === 'named') {
      if (this.idl.enums.has(type.name)) return Thrift.Type.I32;
      if (this.idl.structs.has(type.name)) return Thrift.Type.STRUCT;
      throw new Error(`unknown IDL type ${type.name}`);
    }
    switch (type.name) {
      case 'bool':
        return Thrift.Type.BOOL;
      case 'byte':
      case 'i8':
        return Thrift.Type.BYTE;
      case 'i16':
        return Thrift.Type.I16;
      case 'i32':
        return Thrift.Type.I32;
      case 'i64':
        return Thrift.Type.I64;
      case 'double':
        return Thrift.Type.DOUBLE;
      default:
        return Thrift.Type.STRING;
    }
  }

  private readValue(type: IdlType): Decoded {
    if (type.kind === 'list') {
      const { etype, size } = this.protocol.readListBegin();
      const expected = this.wireTypeOf(type.element);
      if (etype !== expected) throw new Error(`list element type ${etype}, IDL says ${expected}`);
      if (size < 0 || size > this.bytes.length) throw new Error(`bad list size ${size}`);
      const items: Decoded[] = [];
      for (let i = 0; i < size; i++) items.push(this.readValue(type.element));
      this.protocol.readListEnd();
      return items;
    }
    if (type.kind === 'named') {
      const values = this.idl.enums.get(type.name);
      if (values !== undefined) {
        const raw = this.protocol.readI32();
        const name = values.get(raw);
        if (name === undefined) throw new Error(`value ${raw} is not in enum ${type.name}`);
        return name;
      }
      return this.readStruct(type.name);
    }
    switch (type.name) {
      case 'bool':
        return this.protocol.readBool();
      case 'byte':
      case 'i8':
        return this.protocol.readByte();
      case 'i16':
        return this.protocol.readI16();
      case 'i32':
        return this.protocol.readI32();
      case 'i64':
        return BigInt.asIntN(64, BigInt(`0x${this.protocol.readI64().toOctetString()}`));
      case 'double':
        return this.protocol.readDouble();
      case 'binary':
        return new Uint8Array(this.protocol.readBinary());
      default:
        // Read as bytes and decode strictly, so invalid UTF-8 fails instead of turning into U+FFFD.
        return new TextDecoder('utf-8', { fatal: true }).decode(this.protocol.readBinary());
    }
  }

  private readStruct(name: string): { [field: string]: Decoded } {
    const fields = this.idl.structs.get(name);
    if (fields === undefined) throw new Error(`struct ${name} is not in the IDL`);
    const result: { [field: string]: Decoded } = {};
    this.protocol.readStructBegin();
    for (;;) {
      const { ftype, fid } = this.protocol.readFieldBegin();
      if (ftype === Thrift.Type.STOP) break;
      const field = fields.find((candidate) => candidate.id === fid);
      if (field === undefined) {
        this.protocol.skip(ftype);
      } else {
        const expected = this.wireTypeOf(field.type);
        if (ftype !== expected) throw new Error(`${name}.${field.name} has wire type ${ftype}, IDL says ${expected}`);
        if (Object.hasOwn(result, field.name)) throw new Error(`${name}.${field.name} appears twice`);
        result[field.name] = this.readValue(field.type);
      }
      this.protocol.readFieldEnd();
    }
    this.protocol.readStructEnd();
    for (const field of fields) {
      if (field.required && !Object.hasOwn(result, field.name)) throw new Error(`required field ${name}.${field.name} is missing`);
    }
    return result;
  }
}
