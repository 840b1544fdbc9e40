// Link contexts carry their ids as hex strings (already validated by TraceContext); binary
// encoders need bytes. Parsing by char code keeps this free of regexes and allocations.

function nibble(code: number): number {
  // '0'-'9' → 0-9, 'a'-'f' → 10-15, 'A'-'F' → 10-15; anything else reads as 0.
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 97 && code <= 102) return code - 87;
  if (code >= 65 && code <= 70) return code - 55;
  return 0;
}

/** Writes `byteCount` bytes read from `hex` at character `hexStart` into `target` at `offset`. */
export function writeHexBytes(target: Uint8Array, offset: number, hex: string, hexStart: number, byteCount: number): void {
  for (let i = 0; i < byteCount; i++) {
    const at = hexStart + 2 * i;
    target[offset + i] = (nibble(hex.charCodeAt(at)) << 4) | nibble(hex.charCodeAt(at + 1));
  }
}
