// CSRF protection for forms. Signed-in (or stepped-up) forms use the synchronizer token kept in
// the database session. Forms shown before any session exists (login, the first step of the
// token flows) use a double-submit token: a random value in a short-lived HttpOnly
// SameSite=Strict cookie that the form must repeat in a hidden field.
import { timingSafeEqual } from 'node:crypto';
import type { RandomBytes } from '../shared/clock.js';

export const CSRF_FIELD = 'csrf';
export const PRE_SESSION_COOKIE = 'mamori_pre';
export const PRE_SESSION_MAX_AGE_SECONDS = 3600;

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export function newCsrfToken(randomBytes: RandomBytes): string {
  return Buffer.from(randomBytes(32)).toString('base64url');
}

export function isCsrfTokenShape(value: unknown): value is string {
  return typeof value === 'string' && TOKEN_SHAPE.test(value);
}

/** Constant-time equality of two tokens; false when either is missing or malformed. */
export function csrfTokensEqual(expected: string | undefined, submitted: unknown): boolean {
  if (!isCsrfTokenShape(expected) || !isCsrfTokenShape(submitted)) return false;
  return timingSafeEqual(Buffer.from(expected), Buffer.from(submitted));
}
