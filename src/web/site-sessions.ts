// The session cookie and the CSRF tokens of a site, one code path for the bank site and the
// branch console: each names its principal kind (src/identity/principals.ts) and its cookies,
// and gets the same lookup, cookie handling and double-submit token. The cookie holds the
// session's random token (src/identity/sessions.ts); HttpOnly, SameSite=Strict, Path = the
// site's base, Secure behind TLS (cookies.ts).
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Institution } from '../banking/institutions.js';
import type { Schema } from '../db/schema.js';
import type { PrincipalKind } from '../identity/principals.js';
import { findLiveSession, findSessionEndNote, type Session, type SessionLookup } from '../identity/sessions.js';
import type { SessionEndCause } from '../identity/identity.tables.js';
import type { RandomBytes } from '../shared/clock.js';
import { cookieOptions } from './cookies.js';
import { csrfTokensEqual, isCsrfTokenShape, newCsrfToken, PRE_SESSION_MAX_AGE_SECONDS } from './csrf.js';
import type { FormBody } from './form-input.js';

/** A site's sessions: whose they are and the names of its two cookies. */
export interface SessionSite<Stage extends string> {
  kind: PrincipalKind<Stage>;
  /** The session cookie. */
  cookie: string;
  /** The double-submit CSRF cookie of the forms shown before any session exists. */
  preSessionCookie: string;
}

/** What of a request the session plumbing needs; both sites' contexts have it. */
export interface SessionRequest {
  readonly request: FastifyRequest;
  readonly reply: FastifyReply;
  readonly institution: Institution;
  readonly base: string;
  readonly db: Kysely<Schema>;
}

export interface SiteSessions<Stage extends string> {
  /** The live session behind the cookie, if any (an expired one is deleted and reported). */
  current(): Promise<SessionLookup<Stage>>;
  /** Why the branch ended the session behind the cookie, when it did (customers only). */
  endNote(): Promise<SessionEndCause | undefined>;
  setCookie(token: string): void;
  /**
   * Clears the session cookie this request presented — called where its session is dead
   * (unknown, expired, ended by the branch, a lock or logout). A request without the cookie
   * clears nothing: it is what a link or form on another site sends (SameSite=Strict withholds
   * the cookie), and a clearing Set-Cookie would end the live session in the browser.
   */
  clearCookie(): void;
  /** The double-submit token of the pre-session forms, set in its cookie when missing. */
  preSessionToken(): string;
  preSessionCsrfOk(body: FormBody): boolean;
}

export function siteSessions<Stage extends string>(
  ctx: SessionRequest,
  site: SessionSite<Stage>,
  deps: { nowMs(): number; randomBytes: RandomBytes; secureCookies: boolean },
): SiteSessions<Stage> {
  const sessionCookie = () => cookieOptions({ path: ctx.base, secure: deps.secureCookies });
  const token = () => ctx.request.cookies[site.cookie];
  const where = () => ({ institution: ctx.institution.slug, token: token(), nowMs: deps.nowMs() });
  return {
    current: () => findLiveSession(ctx.db, site.kind, { ...where(), lifetime: ctx.institution.policy }),
    endNote: () => findSessionEndNote(ctx.db, site.kind, where()),
    setCookie: (value) => void ctx.reply.setCookie(site.cookie, value, sessionCookie()),
    clearCookie: () => {
      if (token() !== undefined) ctx.reply.clearCookie(site.cookie, sessionCookie());
    },
    preSessionToken: () => {
      const existing = ctx.request.cookies[site.preSessionCookie];
      if (isCsrfTokenShape(existing)) return existing;
      const fresh = newCsrfToken(deps.randomBytes);
      ctx.reply.setCookie(site.preSessionCookie, fresh, cookieOptions({ path: ctx.base, secure: deps.secureCookies, maxAgeSeconds: PRE_SESSION_MAX_AGE_SECONDS }));
      return fresh;
    },
    preSessionCsrfOk: (body) => csrfTokensEqual(ctx.request.cookies[site.preSessionCookie], body.csrf),
  };
}

/** The synchronizer token of a session's forms, compared in constant time. */
export function sessionCsrfOk(session: Session, body: FormBody): boolean {
  return csrfTokensEqual(session.csrfToken, body.csrf);
}
