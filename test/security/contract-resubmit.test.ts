// Fault: a contract opened twice. An operator presses 「契約する」 on 新規契約, and then reloads the
// お客様カード page (the browser asks 「フォームの再送信の確認」; 続行 sends the same form again),
// presses the button twice, or the network repeats the request. Each copy used to open another
// contract — another contract ID, other passwords, another account number — with the same
// name and 書面番号: a customer with two contracts, one of them on no card anyone has. What is
// promised now: one form (its idempotency key) opens one contract, however many copies arrive
// and at however many bank processes at once; every other copy is answered with that contract's
// ID and account and the note that its passwords were shown once, on the first card — never
// the passwords again, which the bank does not have. Over HTTP against real `mamori serve`
// processes: one on SQLite, and one authority with two bank processes sharing PostgreSQL.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { skipReason } from '../support/db/testing.js';
import { cardValuesOf, newContractForm, signInOperator, submitContractForm, type ContractFields, type SignedInOperator } from './console.js';
import { Outsider, type Answer } from './outsider.js';
import { startTarget, type Target } from './target.js';

const ISSUED = 'お客様カード(発行済み)';
const SHOWN_ONCE = 'パスワードは最初のお客様カードに一度だけ表示したもので、再表示できません';

interface FirstCard {
  contractId: string;
  loginPassword: string;
  confirmationPassword: string;
  account: string;
}

const accountOf = (body: string) => /\(\d{3}\) \S+ (\d{7}) /.exec(body)?.[1];

function firstCardOf(answer: Answer): FirstCard {
  const values = cardValuesOf(answer.body);
  const account = accountOf(answer.body);
  assert.equal(answer.status, 200, answer.body.slice(0, 400));
  assert.ok(values.length === 3 && account, `the first card shows the contract ID and both passwords: ${answer.body.slice(0, 400)}`);
  return { contractId: values[0]!, loginPassword: values[1]!, confirmationPassword: values[2]!, account };
}

/** A resubmission's answer: the first card's contract ID and account, the note, and no password. */
function assertIssuedCard(answer: Answer, first: FirstCard): void {
  assert.equal(answer.status, 200, answer.body.slice(0, 400));
  assert.equal(answer.headers.get('cache-control'), 'no-store');
  assert.ok(answer.body.includes(ISSUED) && answer.body.includes(SHOWN_ONCE), answer.body.slice(0, 600));
  assert.deepEqual(cardValuesOf(answer.body), [first.contractId], 'the contract ID, and no password in its place');
  assert.equal(accountOf(answer.body), first.account);
  assert.ok(!answer.body.includes(first.loginPassword) && !answer.body.includes(first.confirmationPassword), 'neither password of the first card');
}

/** The operator's session, sent to another bank process (the split deployment's second). */
function atProcess(operator: SignedInOperator, url: string): Pick<SignedInOperator, 'outsider' | 'base'> {
  const outsider = new Outsider(url);
  for (const [name, value] of operator.outsider.cookies) outsider.cookies.set(name, value);
  return { outsider, base: operator.base };
}

/** What the bank's books hold for a name typed on the form: contracts, accounts and their openings. */
async function contractsNamed(target: Target, name: string): Promise<{ contracts: string[]; accounts: number; openings: number }> {
  const { db } = target.bankDatabase();
  const contracts = (await db.selectFrom('customers').select('contract_id').where('institution', '=', 'demo').where('name', '=', name).execute()).map((r) => r.contract_id);
  if (contracts.length === 0) return { contracts, accounts: 0, openings: 0 };
  const accounts = await db.selectFrom('accounts').select('id').where('institution', '=', 'demo').where('contract_id', 'in', contracts).execute();
  const openings = await db.selectFrom('contract_openings').select('form_key').where('institution', '=', 'demo').where('contract_id', 'in', contracts).execute();
  return { contracts, accounts: accounts.length, openings: openings.length };
}

const TOPOLOGIES = [
  { name: 'sqlite, one process', dialect: 'sqlite', deployment: 'all', skip: false },
  { name: 'postgres, split: two bank processes', dialect: 'postgres', deployment: 'split', skip: skipReason('postgres') },
] as const;

for (const topology of TOPOLOGIES) {
  describe(`新規契約 sent again [${topology.name}]`, { skip: topology.skip, timeout: 240_000 }, () => {
    let target: Target;
    let teller: SignedInOperator;
    /** Where each copy goes: alternately to every bank process. */
    let processes: Pick<SignedInOperator, 'outsider' | 'base'>[];

    before(async () => {
      target = await startTarget({ dialect: topology.dialect, deployment: topology.deployment, customersPerInstitution: 1 });
      teller = await signInOperator(target, 'demo', 'teller');
      processes = target.bankUrls.map((url) => atProcess(teller, url));
    });

    after(async () => {
      if (!target) return;
      const checked = await target.check();
      await target.stop();
      assert.ok(checked.ok, checked.report);
    });

    it('the same form twice in sequence (the card page reloaded), then at every bank process: one contract, the first card without its passwords', async () => {
      const fields: ContractFields = { name: '再送 一郎', holderName: 'ｻｲｿｳ ｲﾁﾛｳ', requestFormNo: 'A-2026-0701', reason: '新規申込書(再送信)' };
      const form = await newContractForm(teller);
      const first = firstCardOf(await submitContractForm(teller, form, fields));
      assertIssuedCard(await submitContractForm(teller, form, fields), first);
      for (const process of processes) assertIssuedCard(await submitContractForm(process, form, fields), first);
      assert.deepEqual(await contractsNamed(target, fields.name), { contracts: [first.contractId], accounts: 1, openings: 1 });
      // A new form for the same customer's details is a new contract: only the form says "the same".
      const second = firstCardOf(await submitContractForm(teller, await newContractForm(teller), fields));
      assert.notEqual(second.contractId, first.contractId);
      assert.equal((await contractsNamed(target, fields.name)).contracts.length, 2);
    });

    it(`10 copies of one form at once${topology.deployment === 'split' ? ', alternating between the bank processes' : ''}: one contract, one card with passwords, nine without`, async () => {
      const fields: ContractFields = { name: '同時 二郎', holderName: 'ﾄﾞｳｼﾞ ｼﾞﾛｳ', requestFormNo: 'A-2026-0702', reason: '新規申込書(二重送信)' };
      const form = await newContractForm(teller);
      const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => submitContractForm(processes[i % processes.length]!, form, fields)));
      const firsts = answers.filter((a) => cardValuesOf(a.body).length === 3);
      assert.equal(firsts.length, 1, answers.map((a) => `${a.status} ${cardValuesOf(a.body).length}`).join(', '));
      const first = firstCardOf(firsts[0]!);
      for (const answer of answers) if (answer !== firsts[0]) assertIssuedCard(answer, first);
      assert.deepEqual(await contractsNamed(target, fields.name), { contracts: [first.contractId], accounts: 1, openings: 1 });
      // And one more copy afterwards, as a reload would send it.
      assertIssuedCard(await submitContractForm(processes.at(-1)!, form, fields), first);
      assert.equal((await contractsNamed(target, fields.name)).contracts.length, 1);
    });

    it('the same form with another customer typed in (back, edit, send): nothing opened, nothing of the first shown', async () => {
      const fields: ContractFields = { name: '戻る 三郎', holderName: 'ﾓﾄﾞﾙ ｻﾌﾞﾛｳ', requestFormNo: 'A-2026-0703', reason: '新規申込書' };
      const form = await newContractForm(teller);
      const first = firstCardOf(await submitContractForm(teller, form, fields));
      const edited = await submitContractForm(processes.at(-1)!, form, { ...fields, name: '別人 四郎' });
      assert.equal(edited.status, 409);
      assert.ok(edited.body.includes('この画面からはすでに別の内容で契約を受け付けています'), edited.body.slice(0, 400));
      assert.ok(!edited.body.includes(first.contractId));
      assert.deepEqual(await contractsNamed(target, '別人 四郎'), { contracts: [], accounts: 0, openings: 0 });
    });
  });
}
