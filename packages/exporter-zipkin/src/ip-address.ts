// IP literals for Zipkin endpoints: the JSON form wants text in `ipv4` or `ipv6`, the protobuf form
// wants 4 or 16 raw bytes. Parsed by hand (no regex) because it runs for spans with peer tags.

/** A parsed IP literal. Exactly one of `ipv4` / `ipv6` is set. */
export interface IpAddress {
  /** Dotted quad, for IPv4 and IPv4-mapped IPv6 addresses (Zipkin prefers ipv4 for those). */
  readonly ipv4: string | undefined;
  /** The IPv6 text as given, without a zone (`%eth0`). */
  readonly ipv6: string | undefined;
  /** 4 or 16 bytes, network order. */
  readonly bytes: Uint8Array;
}

/** Parses an IPv4 or IPv6 literal; anything else (a host name, garbage) gives `undefined`. */
export function parseIpAddress(text: string): IpAddress | undefined {
  if (typeof text !== 'string' || text.length === 0 || text.length > 64) return undefined;
  if (text.indexOf(':') === -1) {
    const bytes = new Uint8Array(4);
    return parseIpv4Into(text, 0, text.length, bytes, 0) ? { ipv4: text, ipv6: undefined, bytes } : undefined;
  }
  let end = text.indexOf('%');
  if (end === -1) end = text.length;
  else if (end === text.length - 1) return undefined; // a zone marker needs a zone
  let start = 0;
  // Bracketed form, as in URLs: [::1]
  if (text.charCodeAt(0) === 0x5b) {
    if (text.charCodeAt(end - 1) !== 0x5d) return undefined;
    start = 1;
    end--;
  }
  const bytes = new Uint8Array(16);
  if (!parseIpv6Into(text, start, end, bytes)) return undefined;
  if (isIpv4Mapped(bytes)) {
    const ipv4Bytes = bytes.slice(12, 16);
    return { ipv4: `${ipv4Bytes[0]}.${ipv4Bytes[1]}.${ipv4Bytes[2]}.${ipv4Bytes[3]}`, ipv6: undefined, bytes: ipv4Bytes };
  }
  return { ipv4: undefined, ipv6: text.slice(start, end).toLowerCase(), bytes };
}

function isIpv4Mapped(bytes: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (bytes[i] !== 0) return false;
  return bytes[10] === 0xff && bytes[11] === 0xff;
}

/** Four decimal parts 0-255 without leading zeros (which some parsers read as octal). */
function parseIpv4Into(text: string, start: number, end: number, out: Uint8Array, offset: number): boolean {
  let part = 0;
  let digits = 0;
  let value = 0;
  for (let i = start; i <= end; i++) {
    const code = i === end ? 0x2e : text.charCodeAt(i);
    if (code === 0x2e) {
      if (digits === 0 || part > 3) return false;
      out[offset + part] = value;
      part++;
      digits = 0;
      value = 0;
    } else if (code >= 0x30 && code <= 0x39) {
      if (digits > 0 && value === 0) return false;
      value = value * 10 + (code - 0x30);
      digits++;
      if (value > 255) return false;
    } else {
      return false;
    }
  }
  return part === 4;
}

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x61 && code <= 0x66) return code - 0x57;
  if (code >= 0x41 && code <= 0x46) return code - 0x37;
  return -1;
}

/** RFC 4291 §2.2 text forms: eight groups, one `::`, optionally a trailing dotted quad. */
function parseIpv6Into(text: string, start: number, end: number, out: Uint8Array): boolean {
  const groups = new Array<number>(8).fill(0);
  let count = 0;
  let gap = -1;
  let i = start;
  if (text.charCodeAt(i) === 0x3a) {
    if (text.charCodeAt(i + 1) !== 0x3a) return false;
    gap = 0;
    i += 2;
    if (i === end) {
      out.fill(0);
      return true;
    }
  }
  while (i < end) {
    if (count === 8) return false;
    let groupEnd = i;
    let value = 0;
    while (groupEnd < end && groupEnd - i < 5) {
      const digit = hexValue(text.charCodeAt(groupEnd));
      if (digit < 0) break;
      value = value * 16 + digit;
      groupEnd++;
    }
    const next = groupEnd < end ? text.charCodeAt(groupEnd) : -1;
    if (next === 0x2e) {
      // Trailing IPv4 part fills the last two groups.
      if (count > 6) return false;
      const quad = new Uint8Array(4);
      if (!parseIpv4Into(text, i, end, quad, 0)) return false;
      groups[count++] = (quad[0]! << 8) | quad[1]!;
      groups[count++] = (quad[2]! << 8) | quad[3]!;
      i = end;
      break;
    }
    const digits = groupEnd - i;
    if (digits === 0 || digits > 4) return false;
    groups[count++] = value;
    i = groupEnd;
    if (i === end) break;
    if (next !== 0x3a) return false;
    i++;
    if (text.charCodeAt(i) === 0x3a) {
      if (gap !== -1) return false;
      gap = count;
      i++;
      if (i === end) break;
    } else if (i === end) {
      return false;
    }
  }
  if (gap === -1) {
    if (count !== 8) return false;
  } else {
    if (count > 7) return false;
    const tail = count - gap;
    for (let k = 0; k < tail; k++) groups[7 - k] = groups[count - 1 - k] as number;
    for (let k = gap; k < 8 - tail; k++) groups[k] = 0;
  }
  for (let k = 0; k < 8; k++) {
    const group = groups[k] as number;
    out[2 * k] = group >> 8;
    out[2 * k + 1] = group & 0xff;
  }
  return true;
}
