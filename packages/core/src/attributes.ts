/** A tag (attribute) value: a primitive or a homogeneous array of one primitive type. */
export type TagValue = string | number | boolean | readonly string[] | readonly number[] | readonly boolean[];

/** Tags of a span, event or link. */
export type Tags = Record<string, TagValue>;

/**
 * Returns `value` made safe to store (strings truncated to `maxLength`, arrays copied and frozen), or
 * `undefined` when it is not a valid tag value (objects, mixed arrays, functions, ...).
 */
export function sanitizeTagValue(value: unknown, maxLength: number): TagValue | undefined {
  switch (typeof value) {
    case 'string':
      return value.length > maxLength ? value.slice(0, maxLength) : value;
    case 'number':
    case 'boolean':
      return value;
    default:
      return Array.isArray(value) ? sanitizeArray(value, maxLength) : undefined;
  }
}

// The copy is frozen: a stored array is part of a span that other code (exporters) reads later.
function sanitizeArray(values: readonly unknown[], maxLength: number): TagValue | undefined {
  try {
    if (values.length === 0) return Object.freeze([]) as readonly string[];
    const kind = typeof values[0];
    if (kind !== 'string' && kind !== 'number' && kind !== 'boolean') return undefined;
    const copy: unknown[] = new Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const item = values[i];
      if (typeof item !== kind) return undefined;
      copy[i] = kind === 'string' && (item as string).length > maxLength ? (item as string).slice(0, maxLength) : item;
    }
    return Object.freeze(copy) as TagValue;
  } catch {
    return undefined; // an array-like whose elements throw when read
  }
}

/**
 * Copies valid entries of `tags` into a new object, at most `countLimit` of them. Returns the copy,
 * how many entries it holds and how many were dropped. Never throws: a getter that throws drops
 * its entry (and stops the copy), as does anything that is not an object.
 */
export function sanitizeTags(tags: Readonly<Record<string, unknown>>, countLimit: number, maxLength: number): { tags: Tags; count: number; dropped: number } {
  const result: Tags = {};
  let count = 0;
  let dropped = 0;
  if (tags === null || typeof tags !== 'object') return { tags: result, count, dropped };
  try {
    for (const key in tags) {
      if (!Object.hasOwn(tags, key)) continue;
      const value = key === '__proto__' ? undefined : sanitizeTagValue(tags[key], maxLength);
      if (value === undefined || count >= countLimit) {
        dropped++;
        continue;
      }
      result[key] = value;
      count++;
    }
  } catch {
    dropped++;
  }
  return { tags: result, count, dropped };
}
