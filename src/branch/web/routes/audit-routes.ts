// The audit viewer and its CSV export: the operator's own institution's chain only. The export
// itself is audited (who took which lines out of the bank).
import type { FastifyInstance } from 'fastify';
import { appendAudit } from '../../../audit/audit-log.js';
import { normalizeDigitInput } from '../../../otp/index.js';
import { CSV_BOM, csvRow } from '../../../shared/csv.js';
import { auditCsvLine, AUDIT_CSV_HEADER } from '../../audit-csv.js';
import { AUDIT_ACTION_PATTERN, listAuditActions, readAuditForExport, readAuditPage, type AuditFilter } from '../../audit-query.js';
import { OPERATOR_LOGIN_PATTERN, operatorActor } from '../../operators.js';
import { openConsole, queryOf, requireOperator, sendPage, type Console, type ConsoleContext } from '../console-context.js';
import { C, FIELD_PROBLEMS } from '../messages.js';
import type { FieldErrors } from '../views/common-views.js';
import { auditView } from '../views/audit-views.js';

/** The filter from the query string; a malformed value is a field error, not a 500. */
function readFilter(ctx: ConsoleContext): { filter: AuditFilter; page: number; errors: FieldErrors } {
  const query = queryOf(ctx);
  const filter: AuditFilter = {};
  const errors: FieldErrors = {};
  const text = (name: string) => {
    const value = query[name];
    return typeof value === 'string' ? value.normalize('NFKC').trim() : '';
  };
  const customer = normalizeDigitInput(text('customer'));
  if (customer !== '') {
    if (/^\d{10}$/.test(customer)) filter.customer = customer;
    else errors.customer = FIELD_PROBLEMS.malformed;
  }
  const operator = text('operator').toLowerCase();
  if (operator !== '') {
    if (OPERATOR_LOGIN_PATTERN.test(operator)) filter.operator = operator;
    else errors.operator = FIELD_PROBLEMS.malformed;
  }
  const action = text('action');
  if (action !== '' && AUDIT_ACTION_PATTERN.test(action)) filter.action = action;
  const pageText = text('page');
  const page = /^\d{1,6}$/.test(pageText) ? Number(pageText) : 1;
  return { filter, page, errors };
}

export function registerAuditRoutes(scope: FastifyInstance, console: Console): void {
  scope.get('/branch/:slug/audit', async (request, reply) => {
    const ctx = await openConsole(console, request, reply);
    if (!ctx) return;
    const signedIn = await requireOperator(ctx, 'view_audit');
    if (!signedIn) return;
    const { filter, page, errors } = readFilter(ctx);
    const [auditPage, actions] = await Promise.all([
      readAuditPage(ctx.db, { institution: ctx.institution.slug, filter, page }),
      listAuditActions(ctx.db, ctx.institution.slug),
    ]);
    const invalid = Object.keys(errors).length > 0;
    return sendPage(ctx, { status: invalid ? 400 : 200, title: C.auditTitle, signedIn, body: auditView(ctx, { filter, page: auditPage, actions, errors }) });
  });

  scope.get('/branch/:slug/audit.csv', async (request, reply) => {
    const ctx = await openConsole(console, request, reply);
    if (!ctx) return;
    const signedIn = await requireOperator(ctx, 'view_audit');
    if (!signedIn) return;
    const { filter, errors } = readFilter(ctx);
    if (Object.keys(errors).length > 0) {
      return reply.status(400).type('text/plain; charset=utf-8').send('bad filter');
    }
    let csv = CSV_BOM + csvRow(AUDIT_CSV_HEADER);
    let rows = 0;
    for await (const line of readAuditForExport(ctx.db, { institution: ctx.institution.slug, filter })) {
      csv += auditCsvLine(line);
      rows += 1;
    }
    const nowMs = console.nowMs();
    await ctx.db.transaction().execute((trx) =>
      appendAudit(trx, {
        chain: ctx.institution.slug,
        at: nowMs,
        actor: operatorActor(signedIn.operator.login),
        action: 'audit_exported',
        subject: filter.customer ?? '',
        details: { rows, customer: filter.customer ?? null, operator: filter.operator ?? null, action: filter.action ?? null },
      }),
    );
    const stamp = new Date(nowMs + 9 * 3600_000).toISOString().slice(0, 10);
    return reply
      .type('text/csv; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="audit-${ctx.institution.slug}-${stamp}.csv"`)
      .send(csv);
  });
}
