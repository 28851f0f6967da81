// The menu, the customer search, the customer at a glance, and the written-request actions.
// Every route looks customers up in the operator's OWN institution (the one in the path, which
// must also be the session's), and checks the role on the server for every request.
import type { FastifyInstance } from 'fastify';
import { CONTRACT_ID_PATTERN } from '../../../banking/customers.js';
import { normalizeDigitInput } from '../../../otp/index.js';
import type { Text } from '../../../web/i18n.js';
import type { ActionRequest } from '../../customer-actions.js';
import { readAuditPage } from '../../audit-query.js';
import { isAuditGroup, payeesOf, type AuditGroup } from '../../audit-sentences.js';
import { readCustomerStatus, searchCustomers, SEARCH_LIMIT } from '../../customer-status.js';
import { payeeLookups } from '../../payee-names.js';
import { CUSTOMER_ACTION_KINDS, type CustomerActionKind } from '../../permissions.js';
import { countPendingProposals } from '../../proposals.js';
import { startCustomerAction } from '../../start-customer-action.js';
import { listSignInReports } from '../../sign-in-report-store.js';
import { hasControlCharacters } from '../../written-request.js';
import { openConsole, queryOf, redirectTo, requireOperator, requireOperatorPost, sendMessage, sendPage, type Console, type ConsoleContext, type SignedIn } from '../console-context.js';
import { readEmail, readWrittenRequest, readYen } from '../form-fields.js';
import { C, FAILURE_TEXTS, historyNoSuchPage } from '../messages.js';
import type { FieldErrors } from '../views/common-views.js';
import { customerView, flashText, homeView, searchView, type ActionFormState } from '../views/customer-views.js';

function contractIdParam(ctx: ConsoleContext): string | undefined {
  const value = (ctx.request.params as { contractId?: string }).contractId;
  return value !== undefined && CONTRACT_ID_PATTERN.test(value) ? value : undefined;
}

/** A customer's history shows this many records a page. */
export const HISTORY_PAGE_SIZE = 20;

/** What the history asks for: `?group=` one of the groups, `?page=` a whole number from 1. */
export interface HistoryRequest {
  group?: AuditGroup;
  page: number;
  error?: Text;
}

export function readHistoryRequest(query: Record<string, unknown>): HistoryRequest {
  const { group, page } = query;
  if (group !== undefined && group !== '' && (typeof group !== 'string' || !isAuditGroup(group))) return { page: 1, error: C.historyBadGroup };
  const chosen = typeof group === 'string' && isAuditGroup(group) ? { group } : {};
  if (page === undefined || page === '') return { ...chosen, page: 1 };
  if (typeof page !== 'string' || !/^[1-9]\d{0,5}$/.test(page)) return { ...chosen, page: 1, error: C.historyBadPage };
  return { ...chosen, page: Number(page) };
}

async function showCustomer(ctx: ConsoleContext, signedIn: SignedIn, contractId: string, input: { status?: number; flash?: Text; state?: ActionFormState; history?: HistoryRequest } = {}) {
  const customer = await readCustomerStatus(ctx.db, { institution: ctx.institution.slug, policy: ctx.institution.policy, contractId, nowMs: ctx.console.nowMs() });
  if (!customer) return sendMessage(ctx, { status: 404, title: C.customerTitle, lines: [C.customerNotFound], kind: 'info', signedIn });
  const { status: httpStatus, history: asked = { page: 1 }, ...view } = input;
  const filter = { customer: contractId, ...(asked.group ? { group: asked.group } : {}) };
  let page = await readAuditPage(ctx.db, { institution: ctx.institution.slug, filter, page: asked.page, pageSize: HISTORY_PAGE_SIZE });
  let error = asked.error;
  if (error === undefined && page.page !== asked.page) {
    // Past the last page: said, and the first page shown (a link from a longer history).
    error = historyNoSuchPage(asked.page, page.pageCount);
    page = await readAuditPage(ctx.db, { institution: ctx.institution.slug, filter, page: 1, pageSize: HISTORY_PAGE_SIZE });
  }
  const history = { group: asked.group, page, lookups: await payeeLookups(ctx.db, payeesOf(page.lines)), ...(error ? { error } : {}) };
  return sendPage(ctx, {
    status: httpStatus ?? (error ? 400 : 200),
    title: C.customerTitle,
    signedIn,
    togglePath: `${ctx.base}customers/${contractId}`,
    body: customerView(ctx, { signedIn, status: customer, history, secondPersonAboveYen: ctx.institution.policy.dailyLimitWithoutTokenYen, reports: await listSignInReports(ctx.db, { institution: ctx.institution.slug, contractId }), ...view }),
  });
}

const FAILURE_STATUS: Record<keyof typeof FAILURE_TEXTS, number> = {
  forbidden: 403,
  customer_not_found: 404,
  not_found: 404,
  not_otp_locked: 409,
  not_password_locked: 409,
  no_token: 409,
  already_suspended: 409,
  not_suspended: 409,
  limit_unchanged: 409,
  email_unchanged: 409,
  no_limit_cap: 409,
  limit_not_whole_units: 400,
  limit_above_maximum: 400,
  limit_raise_needs_token: 409,
  already_pending: 409,
  changed_meanwhile: 409,
  needs_second_person: 409,
  own_proposal: 403,
  already_decided: 409,
};

export function failureStatus(reason: keyof typeof FAILURE_TEXTS): number {
  return FAILURE_STATUS[reason];
}

export function registerCustomerRoutes(scope: FastifyInstance, console: Console): void {
  scope.get('/branch/:slug/home', async (request, reply) => {
    const ctx = await openConsole(console, request, reply);
    if (!ctx) return;
    const signedIn = await requireOperator(ctx);
    if (!signedIn) return;
    const pending = await countPendingProposals(ctx.db, ctx.institution.slug);
    return sendPage(ctx, { title: C.homeTitle, signedIn, body: homeView(ctx, signedIn, { pending }) });
  });

  scope.get('/branch/:slug/customers', async (request, reply) => {
    const ctx = await openConsole(console, request, reply);
    if (!ctx) return;
    const signedIn = await requireOperator(ctx, 'view_customers');
    if (!signedIn) return;
    const raw = queryOf(ctx).q;
    // The open 「心当たりがない」 reports come first, above any search.
    const reports = await listSignInReports(ctx.db, { institution: ctx.institution.slug });
    if (raw === undefined || raw === '') return sendPage(ctx, { title: C.searchTitle, signedIn, body: searchView(ctx, { query: '', hits: undefined, limit: SEARCH_LIMIT, reports }) });
    if (typeof raw !== 'string' || raw.length > 40 || hasControlCharacters(raw)) {
      return sendPage(ctx, { status: 400, title: C.searchTitle, signedIn, body: searchView(ctx, { query: '', hits: undefined, limit: SEARCH_LIMIT, error: C.searchHint }) });
    }
    const text = raw.normalize('NFKC').trim();
    const digits = normalizeDigitInput(text);
    const query = /^\d{10}$/.test(digits) ? digits : text;
    const hits = query === '' ? undefined : await searchCustomers(ctx.db, { institution: ctx.institution.slug, policy: ctx.institution.policy, query, nowMs: ctx.console.nowMs() });
    return sendPage(ctx, { title: C.searchTitle, signedIn, body: searchView(ctx, { query: text, hits, limit: SEARCH_LIMIT, reports }) });
  });

  scope.get('/branch/:slug/customers/:contractId', async (request, reply) => {
    const ctx = await openConsole(console, request, reply);
    if (!ctx) return;
    const signedIn = await requireOperator(ctx, 'view_customers');
    if (!signedIn) return;
    const contractId = contractIdParam(ctx);
    if (!contractId) return sendMessage(ctx, { status: 404, title: C.customerTitle, lines: [C.customerNotFound], kind: 'info', signedIn });
    const query = queryOf(ctx);
    const flash = flashText(query.done);
    return showCustomer(ctx, signedIn, contractId, { history: readHistoryRequest(query), ...(flash ? { flash } : {}) });
  });

  scope.post('/branch/:slug/customers/:contractId/actions/:kind', async (request, reply) => {
    const ctx = await openConsole(console, request, reply);
    if (!ctx) return;
    const kind = (request.params as { kind?: string }).kind as CustomerActionKind;
    if (!CUSTOMER_ACTION_KINDS.includes(kind)) {
      const signedIn = await requireOperator(ctx);
      if (signedIn) sendMessage(ctx, { status: 404, title: C.notFoundTitle, lines: [C.notFound], kind: 'info', signedIn });
      return;
    }
    const posted = await requireOperatorPost(ctx, kind);
    if (!posted) return;
    const { signedIn, body } = posted;
    const contractId = contractIdParam(ctx);
    if (!contractId) return sendMessage(ctx, { status: 404, title: C.customerTitle, lines: [C.customerNotFound], kind: 'info', signedIn });

    const errors: FieldErrors = {};
    const newLimitYen = kind === 'change_limit' ? readYen(body, 'newLimitYen', errors) : undefined;
    const newEmail = kind === 'change_email' ? readEmail(body, 'newEmail', errors) : undefined;
    const written = readWrittenRequest(body, errors);
    const values = Object.fromEntries(['newLimitYen', 'newEmail', 'requestFormNo', 'reason'].map((name) => [name, typeof body[name] === 'string' ? (body[name] as string) : '']));
    if (written === undefined || (kind === 'change_limit' && newLimitYen === undefined) || (kind === 'change_email' && typeof newEmail !== 'string')) {
      return showCustomer(ctx, signedIn, contractId, { status: 400, state: { kind, errors, values } });
    }
    const actionRequest: ActionRequest =
      kind === 'change_limit' ? { kind, newLimitYen: newLimitYen! } : kind === 'change_email' ? { kind, newEmail: newEmail as string } : { kind };
    const result = await startCustomerAction(ctx.db, { nowMs: console.nowMs, randomBytes: console.deps.randomBytes }, {
      institution: ctx.institution.slug,
      policy: ctx.institution.policy,
      operator: { login: signedIn.operator.login, role: signedIn.operator.role },
      contractId,
      request: actionRequest,
      written,
    });
    if (result.ok) {
      const done = result.outcome === 'proposed' ? 'proposed' : kind === 'suspend' ? 'suspended' : 'done';
      return redirectTo(ctx, `customers/${contractId}`, { done });
    }
    if (result.reason === 'customer_not_found' || result.reason === 'forbidden') {
      return sendMessage(ctx, { status: failureStatus(result.reason), title: C.customerTitle, lines: [FAILURE_TEXTS[result.reason]], kind: 'error', signedIn });
    }
    const formErrors: FieldErrors = result.reason.startsWith('limit_') ? { newLimitYen: FAILURE_TEXTS[result.reason] } : result.reason === 'email_unchanged' ? { newEmail: FAILURE_TEXTS[result.reason] } : {};
    return showCustomer(ctx, signedIn, contractId, { status: failureStatus(result.reason), state: { kind, errors: formErrors, formError: [FAILURE_TEXTS[result.reason]], values } });
  });
}
