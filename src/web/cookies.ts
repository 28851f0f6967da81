// Cookie attributes shared by the bank site and the branch console: HttpOnly, SameSite=Strict,
// Secure behind TLS, and a Path that confines each cookie to its own site.
import type { CookieSerializeOptions } from '@fastify/cookie';

export function cookieOptions(input: { path: string; secure: boolean; maxAgeSeconds?: number }): CookieSerializeOptions {
  return {
    path: input.path,
    httpOnly: true,
    sameSite: 'strict',
    secure: input.secure,
    ...(input.maxAgeSeconds !== undefined ? { maxAge: input.maxAgeSeconds } : {}),
  };
}
