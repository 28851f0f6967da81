// Credential stuffing: one client address trying passwords for many contracts (or operators) of
// an institution, each a few times so that no contract's own lock is reached. The per-contract
// locks bound guesses per contract; this bounds them per address, across all of them, in the
// database (src/db/rate-limit.ts), so every process sharing it shares the count.
//
// - The address is Fastify's `request.ip`: the socket's peer, or the client named in
//   X-Forwarded-For only when that peer is a proxy listed in MAMORI_TRUST_PROXY. An IPv6 client
//   counts by its /64, which one subscriber is given whole (rotating within it is free).
// - What counts is a failed attempt, but the slot is taken BEFORE the password is checked and
//   given back when it was right: a burst from one address, over any number of processes, never
//   has more checked than the limit, while customers behind one carrier NAT (a mobile network's
//   whole prefecture may leave by a few addresses) never use up each other's sign-ins.
// - A refused attempt is not checked at all: no argon2 work, no lookup of the contract, no
//   counter of any contract moved, and the same answer whatever contract it named.
// - The bank site and the console count apart (another population, another key): stuffing the
//   bank site from a branch's network does not shut the operators out.
import { isIP } from 'node:net';
import type { Kysely } from 'kysely';
import type { InstitutionPolicy } from '../banking/institution-policy.js';
import { giveBackRateLimitHit, hitRateLimit, type RateLimitHit } from '../db/rate-limit.js';
import type { Schema } from '../db/schema.js';
import { browserAndOsOf, UNKNOWN_ADDRESS, type SignInEnvironment } from '../shared/sign-in-environment.js';

export type SignInSite = 'ib' | 'branch';

export type AddressLimited<T> = { allowed: true; checked: T } | { allowed: false; retryAfterSeconds: number };

/**
 * Runs `check` (a password check) as one attempt of `clientAddress` at `site` of `institution`:
 * the attempt is taken first, and given back when the check says `ok` (the password was right).
 * Over the limit, `check` is not run at all, and the answer says how long to wait.
 */
export async function checkWithinAddressLimit<T extends { ok: boolean }>(
  db: Kysely<Schema>,
  input: {
    site: SignInSite;
    institution: string;
    clientAddress: string;
    policy: Pick<InstitutionPolicy, 'signInFailuresPerAddress' | 'signInAddressWindowMinutes'>;
    nowMs: number;
  },
  check: () => Promise<T>,
): Promise<AddressLimited<T>> {
  const hit: RateLimitHit = {
    key: `sign-in:${input.site}:${input.institution}:${clientAddressKey(input.clientAddress)}`,
    limit: input.policy.signInFailuresPerAddress,
    windowMs: input.policy.signInAddressWindowMinutes * 60_000,
    nowMs: input.nowMs,
  };
  const counted = await hitRateLimit(db, hit);
  if (!counted.allowed) return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(counted.retryAfterMs / 1000)) };
  const checked = await check();
  if (checked.ok) await giveBackRateLimitHit(db, hit);
  return { allowed: true, checked };
}

/** IPv4 as it is (also when IPv4-mapped in IPv6); IPv6 by its /64 prefix. */
export function clientAddressKey(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped) return mapped[1]!;
  const groups = ipv6Groups(address);
  if (!groups) return address;
  return `${groups.slice(0, 4).join(':')}::/64`;
}

/**
 * The client address as a sign-in notice and ログイン履歴 show it (src/shared/sign-in-environment.ts):
 * enough to tell a home line or a carrier from another country, never the whole address —
 * an IPv4 address without its last byte (203.0.113.*), an IPv6 address by its /48 (2001:db8:1:*).
 */
export function maskClientAddress(address: string): string {
  const v4 = /^(?:::ffff:)?(\d{1,3}\.\d{1,3}\.\d{1,3})\.\d{1,3}$/i.exec(address);
  if (v4 && isIP(address.replace(/^::ffff:/i, '')) === 4) return `${v4[1]!}.*`;
  const groups = ipv6Groups(address);
  return groups ? `${groups.slice(0, 3).join(':')}:*` : UNKNOWN_ADDRESS;
}

/**
 * Where a request comes from, as ログイン履歴 and a sign-in notice show it: the browser and OS
 * families of its User-Agent and its client address — `request.ip`, the address the limit above
 * counts (the peer, or X-Forwarded-For from a trusted proxy only) — masked.
 */
export function signInEnvironmentOf(request: { ip: string; headers: Record<string, unknown> }): SignInEnvironment {
  return { ...browserAndOsOf(request.headers['user-agent']), address: maskClientAddress(request.ip) };
}

/** An IPv6 address as its eight groups, each without leading zeros; undefined for anything else. */
function ipv6Groups(address: string): string[] | undefined {
  const bare = address.split('%')[0]!.toLowerCase(); // a zone id names the interface, not the client
  if (isIP(bare) !== 6) return undefined;
  const [head = '', tail] = bare.split('::');
  const groupsOf = (part: string) => (part === '' ? [] : part.split(':').flatMap((group) => (group.includes('.') ? ['0', '0'] : [group])));
  const left = groupsOf(head);
  const right = groupsOf(tail ?? '');
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return groups.map((group) => group.replace(/^0+(?=.)/, ''));
}
