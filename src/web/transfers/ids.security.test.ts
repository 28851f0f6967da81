// Ids in paths and queries of the transfer pages are input like any other: a NUL, an invalid
// %-escape's remains, a foreign or made-up id must name nothing (a 404 page, or the empty form),
// never reach the database as it is — PostgreSQL refuses a NUL in text with an error, which was
// a 500 page. Found by the fuzzer (test/security/fuzz.test.ts, FUZZ_SEED=44 on PostgreSQL):
// `POST /ib/sample/transfers/payees/from/%00` answered 500; `GET transfers/new?payee=%00` too.
// The stores now answer "not found" for any id that is not of the shape they issue.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { findRegisteredPayee } from '../../banking/transfers/registered-payees.js';
import { findTransferOfContract } from '../../banking/transfers/transfer-store.js';
import { DIALECTS, skipReason } from '../../../test/support/db/testing.js';
import type { BankHarness, FormClient } from '../../../test/support/web/personal-web/personal-web-testing.js';
import { createTransferHarness, signIn } from '../../../test/support/web/transfers/transfers-web-testing.js';

const BASE = '/ib/demo/';
const JUNK_IDS = ['%00', 'tr_%00', 'py_%00', '%C0%80', encodeURIComponent('tr_\u0000'.padEnd(35, '0')), 'tr_' + 'g'.repeat(32), 'x'.repeat(300)];

for (const dialect of DIALECTS) {
  describe(`ids that are not ours name nothing on the transfer pages [${dialect}]`, { skip: skipReason(dialect) }, () => {
    let h: BankHarness;
    let c: FormClient;
    before(async () => {
      h = await createTransferHarness(dialect);
      c = await signIn(h, BASE);
    });
    after(() => h?.close());

    it('the stores answer "not found" for an id with a NUL or of another shape', async () => {
      const contract = { institution: 'demo', contractId: '1000000001' };
      for (const id of ['\u0000', 'tr_\u0000', `tr_${'0'.repeat(31)}\u0000`, 'py_\u0000', '', 'tr_ABC']) {
        assert.equal(await findTransferOfContract(h.database.db, { ...contract, transferId: id }), undefined, JSON.stringify(id));
        assert.equal(await findRegisteredPayee(h.database.db, { ...contract, payeeId: id }), undefined, JSON.stringify(id));
      }
    });

    it('registering the payee of a transfer that is not one: a 404 page', async () => {
      for (const id of JUNK_IDS) {
        await c.get(`${BASE}transfers/payees`);
        const answer = await c.post(`${BASE}transfers/payees/from/${id}`, {});
        // 414: a path parameter longer than the router takes, the app's coded answer.
        assert.ok([400, 404, 414].includes(answer.statusCode), `${id}: ${answer.statusCode}`);
      }
      const payees = await h.database.db.selectFrom('registered_payees').select('id').execute();
      assert.deepEqual(payees, []);
    });

    it('the transfer form for a payee or a transfer that is not one: the empty form', async () => {
      for (const id of JUNK_IDS) {
        for (const query of [`payee=${id}`, `from=${id}`]) {
          const answer = await c.get(`${BASE}transfers/new?${query}`);
          assert.ok(answer.statusCode === 200 || answer.statusCode === 400, `${query}: ${answer.statusCode}`);
        }
      }
    });
  });
}
