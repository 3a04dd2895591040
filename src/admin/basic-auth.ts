// HTTP Basic authentication (RFC 7617) for `stats auth user:password`.
import { timingSafeEqual, createHash } from 'node:crypto';

export interface Credential {
  readonly user: string;
  readonly password: string;
}

/** Decode an `Authorization: Basic ...` header into user and password; undefined if malformed. */
export function parseBasicAuth(header: string | undefined): Credential | undefined {
  if (!header) return undefined;
  const m = /^Basic[ \t]+([A-Za-z0-9+/=]+)[ \t]*$/i.exec(header);
  if (!m) return undefined;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const idx = decoded.indexOf(':');
  if (idx < 0) return undefined;
  return { user: decoded.slice(0, idx), password: decoded.slice(idx + 1) };
}

// Hash both sides to a fixed length first: timingSafeEqual needs equal lengths, and comparing
// digests means neither the length nor a common prefix of the secret leaks through timing.
function sameSecret(a: string, b: string): boolean {
  const da = createHash('sha256').update(a).digest();
  const db = createHash('sha256').update(b).digest();
  return timingSafeEqual(da, db);
}

/**
 * True when no credentials are configured (HAProxy: a stats page without `stats auth` is
 * open) or the header matches one of them. Every configured pair is compared, match or not,
 * so the time taken does not tell which user exists.
 */
export function authorized(header: string | undefined, allowed: readonly Credential[]): boolean {
  if (allowed.length === 0) return true;
  const given = parseBasicAuth(header);
  if (!given) return false;
  let ok = false;
  for (const c of allowed) {
    const userOk = sameSecret(given.user, c.user);
    const passOk = sameSecret(given.password, c.password);
    ok = (userOk && passOk) || ok;
  }
  return ok;
}
