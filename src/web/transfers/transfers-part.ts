// The transfer pages (issue 5) as a part of the app, beside the bank site (Personal Web) under
// /ib/<slug>/transfers…: the same page frame, session guard, CSRF tokens, headers and error
// pages, built from the bank site's exported pieces; nothing of it is edited here.
//
// Wiring (buildApp): pass `transfersWebPart(deps)` after `createPersonalWebPart(deps)`, give the
// bank site `mainMenuItems: transfersMenuItems` so its main page links here, and seed demo
// accounts with `onCustomerCreated` → ensureDemoAccount (banking/ledger/demo-accounts.ts).
import type { FastifyInstance } from 'fastify';
import type { Institution } from '../../banking/institutions.js';
import type { AppParts } from '../app.js';
import { registerFormSite } from '../form-site.js';
import { pick, type Lang } from '../i18n.js';
import { handleError, PERSONAL_WEB_BODY_LIMIT } from '../personal-web/part.js';
import { createSite, type MenuItem } from '../personal-web/site.js';
import { registerAccountRoutes } from './routes/account-routes.js';
import { registerLimitRoutes } from './routes/limit-routes.js';
import { registerPayeeRoutes } from './routes/payee-routes.js';
import { registerTransferRoutes } from './routes/transfer-routes.js';
import { TT } from './transfer-messages.js';
import type { TransfersWebDeps } from './transfers-deps.js';

export type { TransfersWebDeps } from './transfers-deps.js';

/** The entries of the bank site's main menu (PersonalWebDeps.mainMenuItems). */
export function transfersMenuItems(input: { base: string; lang: Lang; institution: Institution }): MenuItem[] {
  return [
    { href: `${input.base}transfers`, label: pick(input.lang, TT.menuTransfer) },
    { href: `${input.base}transfers/history`, label: pick(input.lang, TT.menuHistory) },
  ];
}

export function transfersWebPart(deps: TransfersWebDeps): AppParts {
  const site = createSite(deps);
  return {
    async register(app: FastifyInstance) {
      await registerFormSite(app, site, {
        bodyLimit: PERSONAL_WEB_BODY_LIMIT, // as on the rest of the bank site (personal-web/part.ts)
        onError: handleError,
        routes: [registerAccountRoutes, registerPayeeRoutes, registerLimitRoutes, registerTransferRoutes].map((register) => (scope, site) => register(scope, site, deps)),
      });
    },
  };
}
