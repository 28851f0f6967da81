// The language pair moved to the web kit (src/web/i18n.ts), shared by the bank site and the
// console. This re-export serves the files being rewritten with the sign-in code (the routes
// under routes/, page-context.ts, src/branch/web/console-context.ts and routes/sign-in-routes.ts,
// src/web/site-request.ts): delete it once they import src/web/i18n.ts.
export * from '../i18n.js';
