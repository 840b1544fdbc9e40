// Builds a core `Baggage` from many members in time linear in their number and length.
//
// `Baggage` is immutable and `Baggage.set` copies its whole map, so adding N members one `set` at
// a time copies 1 + 2 + … + N entries: 180 `uberctx-` headers cost ~40x what the same members
// cost as one W3C `baggage` header. Here the members are collected first, written once as the
// W3C header they would travel as, and handed to `Baggage.parse`, which builds one map in one
// pass. Writing the header also applies the W3C limits (180 members, 8192 bytes) to members that
// arrived in other formats, so what one format lets in, every format can carry on.
import { BAGGAGE_MAX_BYTES, BAGGAGE_MAX_MEMBERS, Baggage, encodeBaggageValue, isValidBaggageKey } from '@trace/core';

/**
 * Collects baggage members (first one added for a key wins) within the W3C limits, then makes
 * one `Baggage` with {@link BaggageBuilder.build}. Invalid keys (not RFC 7230 tokens, or
 * `__proto__` / `constructor` / `prototype`) and values with no UTF-8 form are skipped; members
 * past 180, or past 8192 bytes of header, are dropped and counted.
 */
export class BaggageBuilder {
  // Created on the first member: most requests carry no baggage at all.
  private members: Map<string, string> | undefined;
  private bytes = 0;
  /** Members refused because a limit was reached. */
  dropped = 0;

  get size(): number {
    return this.members === undefined ? 0 : this.members.size;
  }

  has(key: string): boolean {
    return this.members?.has(key) === true;
  }

  /** Adds `key` unless it is already present; false when it was not added. */
  add(key: string, value: string, properties?: string): boolean {
    if (typeof key !== 'string' || typeof value !== 'string' || this.has(key) || !isValidBaggageKey(key)) return false;
    const encoded = encodeBaggageValue(value);
    if (encoded === undefined) return false;
    let member = `${key}=${encoded}`;
    // Properties come from a `Baggage` entry; ones the parser would refuse (or read as another
    // member) are left off rather than costing the whole baggage.
    if (typeof properties === 'string' && properties !== '' && properties.indexOf(',') === -1 && Baggage.parse(`k=v;${properties}`).ok) {
      member += `;${properties}`;
    }
    const size = this.size;
    const added = size === 0 ? member.length : member.length + 1;
    if (size >= BAGGAGE_MAX_MEMBERS || this.bytes + added > BAGGAGE_MAX_BYTES) {
      this.dropped++;
      return false;
    }
    this.members ??= new Map();
    this.members.set(key, member);
    this.bytes += added;
    return true;
  }

  /** Adds every entry of `baggage` whose key is not present yet. */
  addAll(baggage: Baggage): void {
    for (const key of baggage.keys()) {
      const entry = baggage.getEntry(key);
      if (entry !== undefined) this.add(key, entry.value, entry.properties);
    }
  }

  /** The baggage, built once; `Baggage.EMPTY` when nothing was added. */
  build(): Baggage {
    if (this.members === undefined || this.members.size === 0) return Baggage.EMPTY;
    let header = '';
    for (const member of this.members.values()) header = header === '' ? member : `${header},${member}`;
    const parsed = Baggage.parse(header);
    // Every member was checked as it was added, so this holds; empty rather than throw if not.
    return parsed.ok ? parsed.value : Baggage.EMPTY;
  }
}
