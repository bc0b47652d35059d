import { createHash, timingSafeEqual } from 'node:crypto';

/** Who called the admin API: the token's name (recorded in the audit log) and what it may do. */
export interface AdminCaller {
  name: string;
  readOnly: boolean;
}

/** The full-access token (ADMIN_API_TOKEN) is always called this. */
export const FULL_ACCESS_TOKEN_NAME = 'admin';
export const MIN_TOKEN_LENGTH = 16;
const NAME = /^[a-z0-9_-]{1,64}$/;

export interface NamedToken {
  name: string;
  token: string;
}

/**
 * Parses ADMIN_READONLY_TOKENS, `name:token,name:token`. Returns the entries as read and one line per problem; a
 * problem never quotes a token. The entries are usable only when there is no problem.
 */
export function parseReadonlyTokens(raw: string | undefined): { tokens: NamedToken[]; problems: string[] } {
  const tokens: NamedToken[] = [];
  const problems: string[] = [];
  const entries = (raw ?? '').split(',').map((entry) => entry.trim());
  if (entries.length === 1 && entries[0] === '') return { tokens, problems };
  entries.forEach((entry, index) => {
    const colon = entry.indexOf(':');
    const name = colon > 0 ? entry.slice(0, colon) : '';
    const token = colon > 0 ? entry.slice(colon + 1) : '';
    const where = `entry ${index + 1}${NAME.test(name) ? ` (${name})` : ''}`;
    if (!NAME.test(name)) problems.push(`${where}: must be name:token with a name of a-z, 0-9, "_" or "-"`);
    else if (name === FULL_ACCESS_TOKEN_NAME) problems.push(`${where}: the name "admin" is the full-access token's`);
    else if (tokens.some((t) => t.name === name)) problems.push(`${where}: the name is used twice`);
    if (token.length < MIN_TOKEN_LENGTH || /\s/.test(token)) {
      problems.push(`${where}: the token must be at least ${MIN_TOKEN_LENGTH} characters without spaces`);
    } else if (tokens.some((t) => t.token === token)) {
      problems.push(`${where}: the token is used twice`);
    }
    tokens.push({ name, token });
  });
  return { tokens, problems };
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * The admin tokens, kept as SHA-256 digests. Every presented token is compared with every known one in constant
 * time (equal-length digests, timingSafeEqual, no early exit), so timing tells nothing about which token or how
 * much of it matched.
 */
export class AdminTokens {
  private readonly known: Array<{ digest: Buffer; caller: AdminCaller }>;

  constructor(fullAccessToken: string, readonlyTokens: NamedToken[] = []) {
    this.known = [
      { digest: digest(fullAccessToken), caller: { name: FULL_ACCESS_TOKEN_NAME, readOnly: false } },
      ...readonlyTokens.map(({ name, token }) => ({ digest: digest(token), caller: { name, readOnly: true } })),
    ];
  }

  identify(presented: string | null): AdminCaller | null {
    if (!presented) return null;
    const candidate = digest(presented);
    let found: AdminCaller | null = null;
    for (const { digest: expected, caller } of this.known) {
      if (timingSafeEqual(candidate, expected) && !found) found = caller;
    }
    return found;
  }
}

/** The token of `Authorization: Bearer <token>`, or null. */
export function bearerToken(authorization: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return match ? match[1] : null;
}
