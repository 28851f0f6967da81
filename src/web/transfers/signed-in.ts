// What every transfer page starts with: the institution and language (the bank site's page
// context), a signed-in session (anything else goes to the login page, exactly as the bank
// site's own pages do), and the customer read fresh from the database.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { listAccountsOfContract, listBranches, type Account } from '../../banking/ledger/accounts.js';
import type { SafeHtml } from '../html.js';
import type { Text } from '../i18n.js';
import { openSignedInPage, sendPage, signedInForm, type SignedInPage } from '../personal-web/page-context.js';
import type { Site } from '../personal-web/site.js';
import type { FormBody } from '../form-input.js';
import type { TransfersWebDeps } from './transfers-deps.js';
import { branchNamesOf } from '../../banking/transfers/bank-names.js';
import { shownName } from './bank-labels.js';

/** A signed-in page of the bank site (openSignedInPage) with the transfer pages' dependencies. */
export interface SignedIn extends SignedInPage {
  deps: TransfersWebDeps;
}

export async function openSignedIn(site: Site, deps: TransfersWebDeps, request: FastifyRequest, reply: FastifyReply): Promise<SignedIn | undefined> {
  const page = await openSignedInPage(site, request, reply);
  return page && { ...page, deps };
}

/** A POST of a signed-in form: its body, or undefined after the CSRF refusal page was sent. */
export const postedForm: (page: SignedIn) => Promise<FormBody | undefined> = signedInForm;

export function show(page: SignedIn, input: { title: Text; body: SafeHtml; status?: number }) {
  return sendPage(page.ctx, { title: input.title, body: input.body, session: page.session, ...(input.status ? { status: input.status } : {}) });
}

export interface OwnAccount {
  account: Account;
  branchName: string | undefined;
}

export async function ownAccounts(page: SignedIn): Promise<OwnAccount[]> {
  const [accounts, branches] = await Promise.all([
    listAccountsOfContract(page.ctx.db, { institution: page.ctx.institution.slug, contractId: page.customer.contract_id }),
    listBranches(page.ctx.db, page.ctx.institution.slug),
  ]);
  // The customer's own branches by the names the pages show (本店 / Head Office: bank-labels.ts).
  return accounts.map((account) => {
    const branch = branches.find((b) => b.code === account.branch_code);
    return { account, branchName: branch && shownName(page.ctx.lang, branchNamesOf({ name: branch.name })) };
  });
}

/** Path below the institution's base, e.g. transfers/new. */
export function href(page: SignedIn, path: string): string {
  return `${page.ctx.base}${path}`;
}

/** A 303 to a page of this part (paths are built from constants and stored ids only). */
export function seeOther(page: SignedIn, path: string) {
  return page.ctx.reply.redirect(`${page.ctx.base}${path}`, 303);
}
