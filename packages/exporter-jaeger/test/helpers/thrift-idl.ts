// Test-only: reads a Thrift IDL file's enums and structs (field ids, types, names) and decodes
// TBinaryProtocol bytes by them, so what the exporter sends is checked against the official
// jaeger.thrift rather than against the encoder's own idea of the format.

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

// TBinaryProtocol type bytes.
const T_STOP = 0;
const T_BOOL = 2;
const T_BYTE = 3;
const T_DOUBLE = 4;
const T_I16 = 6;
const T_I32 = 8;
const T_I64 = 10;
const T_STRING = 11;
const T_STRUCT = 12;
const T_MAP = 13;
const T_SET = 14;
const T_LIST = 15;

/** A decoded value: i64 as bigint (signed), enums as their IDL name, binary as Uint8Array. */
export type Decoded = string | number | boolean | bigint | Uint8Array | Decoded[] | { [field: string]: Decoded };

/** Decodes TBinaryProtocol by the IDL: checks wire types, required fields and the end of input. */
export class ThriftIdlReader {
  private offset = 0;
  private readonly view: DataView;

  constructor(
    private readonly idl: ThriftIdl,
    private readonly bytes: Uint8Array,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Decodes one struct of type `name` that must span the whole input. */
  readWhole(name: string): { [field: string]: Decoded } {
    const value = this.readStruct(name);
    if (this.offset !== this.bytes.length) throw new Error(`${this.bytes.length - this.offset} trailing bytes after ${name}`);
    return value;
  }

  private need(count: number): void {
    if (this.offset + count > this.bytes.length) throw new Error(`truncated input at ${this.offset}`);
  }

  private u8(): number {
    this.need(1);
    return this.bytes[this.offset++] as number;
  }

  private i16(): number {
    this.need(2);
    const value = this.view.getInt16(this.offset);
    this.offset += 2;
    return value;
  }

  private i32(): number {
    this.need(4);
    const value = this.view.getInt32(this.offset);
    this.offset += 4;
    return value;
  }

  private i64(): bigint {
    this.need(8);
    const value = this.view.getBigInt64(this.offset);
    this.offset += 8;
    return value;
  }

  private binary(): Uint8Array {
    const length = this.i32();
    if (length < 0) throw new Error(`negative length at ${this.offset}`);
    this.need(length);
    const value = this.bytes.slice(this.offset, this.offset + length);
    this.offset += length;
    return value;
  }

  private wireTypeOf(type: IdlType): number {
    if (type.kind === 'list') return T_LIST;
    if (type.kind === 'named') {
      if (this.idl.enums.has(type.name)) return T_I32;
      if (this.idl.structs.has(type.name)) return T_STRUCT;
      throw new Error(`unknown IDL type ${type.name}`);
    }
    switch (type.name) {
      case 'bool':
        return T_BOOL;
      case 'byte':
      case 'i8':
        return T_BYTE;
      case 'i16':
        return T_I16;
      case 'i32':
        return T_I32;
      case 'i64':
        return T_I64;
      case 'double':
        return T_DOUBLE;
      default:
        return T_STRING;
    }
  }

  private readValue(type: IdlType): Decoded {
    if (type.kind === 'list') {
      const elementType = this.u8();
      const expected = this.wireTypeOf(type.element);
      if (elementType !== expected) throw new Error(`list element type ${elementType}, IDL says ${expected}`);
      const size = this.i32();
      if (size < 0 || size > this.bytes.length) throw new Error(`bad list size ${size}`);
      const items: Decoded[] = [];
      for (let i = 0; i < size; i++) items.push(this.readValue(type.element));
      return items;
    }
    if (type.kind === 'named') {
      const values = this.idl.enums.get(type.name);
      if (values !== undefined) {
        const raw = this.i32();
        const name = values.get(raw);
        if (name === undefined) throw new Error(`value ${raw} is not in enum ${type.name}`);
        return name;
      }
      return this.readStruct(type.name);
    }
    switch (type.name) {
      case 'bool': {
        const raw = this.u8();
        if (raw > 1) throw new Error(`bool byte ${raw}`);
        return raw === 1;
      }
      case 'byte':
      case 'i8':
        return this.u8();
      case 'i16':
        return this.i16();
      case 'i32':
        return this.i32();
      case 'i64':
        return this.i64();
      case 'double': {
        this.need(8);
        const value = this.view.getFloat64(this.offset);
        this.offset += 8;
        return value;
      }
      case 'binary':
        return this.binary();
      default:
        return new TextDecoder('utf-8', { fatal: true }).decode(this.binary());
    }
  }

  private skip(wireType: number): void {
    switch (wireType) {
      case T_BOOL:
      case T_BYTE:
        this.need(1);
        this.offset += 1;
        return;
      case T_I16:
        this.need(2);
        this.offset += 2;
        return;
      case T_I32:
        this.need(4);
        this.offset += 4;
        return;
      case T_I64:
      case T_DOUBLE:
        this.need(8);
        this.offset += 8;
        return;
      case T_STRING:
        this.binary();
        return;
      case T_STRUCT:
        for (let type = this.u8(); type !== T_STOP; type = this.u8()) {
          this.i16();
          this.skip(type);
        }
        return;
      case T_LIST:
      case T_SET: {
        const elementType = this.u8();
        const size = this.i32();
        for (let i = 0; i < size; i++) this.skip(elementType);
        return;
      }
      case T_MAP: {
        const keyType = this.u8();
        const valueType = this.u8();
        const size = this.i32();
        for (let i = 0; i < size; i++) {
          this.skip(keyType);
          this.skip(valueType);
        }
        return;
      }
      default:
        throw new Error(`unknown wire type ${wireType}`);
    }
  }

  private readStruct(name: string): { [field: string]: Decoded } {
    const fields = this.idl.structs.get(name);
    if (fields === undefined) throw new Error(`struct ${name} is not in the IDL`);
    const result: { [field: string]: Decoded } = {};
    for (let wireType = this.u8(); wireType !== T_STOP; wireType = this.u8()) {
      const id = this.i16();
      const field = fields.find((candidate) => candidate.id === id);
      if (field === undefined) {
        this.skip(wireType);
        continue;
      }
      const expected = this.wireTypeOf(field.type);
      if (wireType !== expected) throw new Error(`${name}.${field.name} has wire type ${wireType}, IDL says ${expected}`);
      if (Object.hasOwn(result, field.name)) throw new Error(`${name}.${field.name} appears twice`);
      result[field.name] = this.readValue(field.type);
    }
    for (const field of fields) {
      if (field.required && !Object.hasOwn(result, field.name)) throw new Error(`required field ${name}.${field.name} is missing`);
    }
    return result;
  }
}
