// The scope of a site of HTML forms — the bank site, its transfer pages, the branch console — set
// up one way: cookies; forms only, up to the site's body limit (without the app's JSON and text
// parsers, any other body is a 415 page instead of being read as if it were a form); the security
// headers; the language toggle; the site's error page; then its routes. Each site is registered
// inside a scope of its own and touches no other part.
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { addLanguageToggle } from './language-toggle.js';
import { addSecurityHeaders } from './security-headers.js';

export interface FormSite<Site> {
  /** The largest form body the site reads; larger is refused before parsing (413). */
  bodyLimit: number;
  /** The site's error page (site-error-page.ts). */
  onError(site: Site, error: FastifyError, request: FastifyRequest, reply: FastifyReply): unknown;
  /** The site's routes, in the order they are registered. */
  routes: readonly ((scope: FastifyInstance, site: Site) => void)[];
}

export async function registerFormSite<Site>(app: FastifyInstance, site: Site, form: FormSite<Site>): Promise<void> {
  await app.register(async (scope) => {
    await scope.register(cookie);
    scope.removeAllContentTypeParsers();
    await scope.register(formbody, { bodyLimit: form.bodyLimit });
    addSecurityHeaders(scope);
    addLanguageToggle(scope);
    scope.setErrorHandler((error: FastifyError, request, reply) => form.onError(site, error, request, reply));
    for (const register of form.routes) register(scope, site);
  });
}
