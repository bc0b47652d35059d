/** Deeper than any provider payload (Meta's are about 8 levels); deep enough to never refuse a real request. */
export const MAX_JSON_DEPTH = 64;

/**
 * Whether the JSON text nests arrays/objects deeper than `maxDepth`. Checked on the bytes before parsing: the
 * validation pipe and other recursive walkers overflow the stack on a few thousand levels of `[[[...]]]`.
 */
export function jsonNestedDeeperThan(bytes: Buffer, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    if (inString) {
      if (byte === 0x5c)
        i++; // backslash: skip the escaped character
      else if (byte === 0x22) inString = false;
    } else if (byte === 0x22) {
      inString = true;
    } else if (byte === 0x5b || byte === 0x7b) {
      if (++depth > maxDepth) return true;
    } else if (byte === 0x5d || byte === 0x7d) {
      depth--;
    }
  }
  return false;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * A JSON.parse reviver that makes every string storable in Postgres: text and jsonb refuse U+0000 and unpaired
 * surrogates (`\ud800`), so a message carrying one would fail at the insert after the client or provider was
 * already promised delivery. NULs are dropped, lone surrogates become U+FFFD.
 */
export function storableStrings(_key: string, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  return value.replaceAll('\u0000', '').replace(LONE_SURROGATE, '\ufffd');
}
