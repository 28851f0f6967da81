// Attack: reaching another customer's or another institution's data. The attacker is a genuine
// customer A of the bank (or a genuine operator of one institution's branch, or the institution
// itself at the token authority) and wants what belongs to someone else:
//
//  - customer B's transfers and payees, by putting B's identifiers — learnt from a shoulder,
//    a screenshot, a referrer, or simply guessed — into A's own URLs and forms: the transfer
//    pages (内容の確認, 認証, 受付完了, 「内容を修正する」), 「確認」 of B's pending transfer, the
//    payee pages (show, change, delete, use, 「登録」 from a result), the statement of B's
//    account. Transfer and payee ids are random (128 bits); the 受付番号 are sequential per day,
//    so the test also tries B's reference number where an id goes, and ids next to A's own;
//  - the other institution: A's session cookie sent under /ib/sample/…, where the SAME
//    contract ID is another person (both demo institutions have pool customers 2000000101…);
//  - at the console, an operator of `demo` reaching `sample`'s customers — by contract ID, by
//    name, with the demo session under /branch/sample/…, acting on a contract ID both
//    institutions have — or deciding a proposal made at `sample`;
//  - at the token authority, institution demo's API key used on sample's binding: verifying a
//    code with it (spending it), deleting it, resynchronising the token. Binding ids are never
//    shown to anyone but the bank that made them; the test reads one from the bank's database
//    to stand for an attacker who learnt it anyway (a leaked log, an insider), which is the
//    strongest case. The answer must be the one an unknown id gets, so that the key cannot
//    even tell whether the binding exists.
//
// Every refusal is checked for its status and page, for the absence of the victim's data in
// the body (names, account numbers, amounts, reference numbers), and for what it left: the
// victim's pages (or the console's, or a code accepted afterwards) show nothing changed.
//
// What is NOT isolation, by design (DESIGN §2, seed 002 Q&A: a token registered at two banks
// works at both): one token bound by a demo customer and a sample customer. The authority keeps
// its replay marks per binding, so a code accepted at demo is accepted once more at sample (and
// never again at demo). The last test pins that down so that a change of it is a decision.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { relyingPartyKey } from '../integration/deployment-helpers.js';
import { openContractAtBranch, operatorCsrf, pendingProposals, proposeCustomerAction, signInOperator, startCustomerAction, type CustomerCard, type SignedInOperator } from './console.js';
import { codeStep, confirmationFields, csrfOf, customerWithToken, newToken, Outsider, passwordStep, signIn, withoutSessionEnd, type Answer, type CodeSource } from './outsider.js';
import { startTarget, type Customer, type Target } from './target.js';

const NOT_FOUND_TRANSFER = 'お探しの振込は見つかりませんでした';
const NOT_FOUND_PAYEE = 'その振込先は見つかりません';
const NOT_FOUND_CUSTOMER = '該当するお客様はいません';
const LOGIN_FAILED_STATUS = 401;
/** The demo customers' accounts at each institution (DESIGN §3.4): B's payees point there. */
const TARO = { accountNumber: '1000001', name: 'ﾏﾓﾘ ﾀﾛｳ' };
const HANAKO = { accountNumber: '1000002', name: 'ﾏﾓﾘ ﾊﾅｺ' };
const POOL_HOLDER = 'ﾃﾞﾓ ｹｲﾔｸｼｬ';

/** The same browser's cookies in a second jar: a probe never changes the original's. */
function copyOf(browser: Outsider, baseUrl = browser.baseUrl): Outsider {
  const copy = new Outsider(baseUrl);
  for (const [name, value] of browser.cookies) copy.cookies.set(name, value);
  return copy;
}

function hiddenFields(body: string): Record<string, string> {
  return Object.fromEntries([...body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1]!, m[2]!.replace(/&amp;/g, '&')]));
}

function assertNoneOf(answer: Answer, secrets: readonly string[], what: string): void {
  const shown = secrets.filter((secret) => answer.body.includes(secret));
  assert.deepEqual(shown, [], `${what} shows the victim's data`);
}

/** Prepares a transfer through the pages; returns its path (/ib/<slug>/transfers/tr_…). */
async function prepareTransfer(browser: Outsider, slug: string, payee: { accountNumber: string; name: string }, amountYen: number): Promise<string> {
  const bankCode = slug === 'demo' ? '9901' : '9902';
  const prepared = await browser.submit(`/ib/${slug}/transfers/new`, {
    op: 'next',
    bank: bankCode,
    branch: '001',
    accountType: 'ordinary',
    accountNumber: payee.accountNumber,
    payeeName: payee.name,
    amount: String(amountYen),
  });
  assert.match(prepared.location ?? '', new RegExp(`^/ib/${slug}/transfers/tr_[0-9a-f]{32}$`), `prepared: ${prepared.status} ${prepared.body.slice(0, 300)}`);
  return prepared.location!;
}

/** Confirms a prepared transfer with the confirmation password; returns its 受付番号. */
async function confirmTransfer(browser: Outsider, transferPath: string, confirmationPassword: string): Promise<string> {
  const auth = await browser.request(`${transferPath}/auth`);
  const done = await browser.request(`${transferPath}/auth`, { form: { ...hiddenFields(auth.body), ...confirmationFields(auth.body, confirmationPassword) } });
  assert.equal(done.location, `${transferPath}/result`);
  const result = await browser.request(done.location!);
  const referenceNo = /<strong class="reference-no">([^<]+)<\/strong>/.exec(result.body)?.[1];
  assert.ok(referenceNo, 'a 受付番号 on the result page');
  return referenceNo;
}

async function addPayee(browser: Outsider, slug: string, payee: { accountNumber: string; name: string }, nickname: string): Promise<string> {
  const added = await browser.submit(`/ib/${slug}/transfers/payees/new`, {
    op: 'next',
    bank: slug === 'demo' ? '9901' : '9902',
    branch: '001',
    accountType: 'ordinary',
    accountNumber: payee.accountNumber,
    payeeName: payee.name,
    nickname,
  });
  assert.equal(added.location, `/ib/${slug}/transfers/payees?done=added`, `payee: ${added.status} ${added.body.slice(0, 300)}`);
  const list = await browser.request(`/ib/${slug}/transfers/payees`);
  const ids = [...list.body.matchAll(/transfers\/payees\/(py_[0-9a-f]{32})\/delete/g)].map((m) => m[1]!);
  assert.equal(ids.length, 1);
  return ids[0]!;
}

/** What a customer sees of their own money and settings. */
async function customerState(browser: Outsider, slug: string): Promise<string> {
  const pages = await Promise.all(['transfers', 'transfers/payees', 'transfers/limit'].map((p) => copyOf(browser).request(`/ib/${slug}/${p}`)));
  for (const page of pages) assert.equal(page.status, 200);
  return pages.map((p) => withoutSessionEnd(p.body)).join('\n');
}

describe('isolation: customers, institutions and relying parties reach only their own', () => {
  let target: Target;
  /** Pool customers in pairs with the same contract ID at both institutions. */
  const pairs: { demo: Customer; sample: Customer }[] = [];

  before(async () => {
    target = await startTarget({ customersPerInstitution: 8 });
    for (let i = 0; i < 8; i++) {
      const pair = { demo: target.customer('demo'), sample: target.customer('sample') };
      assert.equal(pair.demo.contractId, pair.sample.contractId);
      pairs.push(pair);
    }
  });

  after(async () => {
    await target?.stop();
  });

  describe("the bank site: customer A and customer B's transfers and payees", () => {
    let a: Customer;
    let b: Customer;
    let browserA: Outsider;
    let browserB: Outsider;
    let done: { path: string; id: string; referenceNo: string };
    let pending: { path: string; id: string };
    let payeeB: string;
    let accountIdB: string;
    let secretsOfB: string[];

    before(async () => {
      a = pairs[0]!.demo;
      b = pairs[1]!.demo;
      browserB = await signIn(target, b, undefined);
      const donePath = await prepareTransfer(browserB, 'demo', HANAKO, 23_456);
      done = { path: donePath, id: donePath.split('/').pop()!, referenceNo: await confirmTransfer(browserB, donePath, b.confirmationPassword) };
      const pendingPath = await prepareTransfer(browserB, 'demo', TARO, 34_567);
      pending = { path: pendingPath, id: pendingPath.split('/').pop()! };
      payeeB = await addPayee(browserB, 'demo', TARO, 'Bの大切な振込先');
      const menu = await browserB.request('/ib/demo/transfers');
      accountIdB = /transfers\/history\?account=(acc_[0-9a-f]+)/.exec(menu.body)![1]!;
      secretsOfB = [done.referenceNo, HANAKO.accountNumber, HANAKO.name, TARO.accountNumber, TARO.name, '23,456', '34,567', 'Bの大切な振込先', b.accountNumber, accountIdB, payeeB];
      browserA = await signIn(target, a, undefined);
    });

    it("A cannot open B's transfers: 内容の確認, 認証, 受付完了, nor 「内容を修正する」 from one", async () => {
      for (const id of [done.id, pending.id]) {
        for (const suffix of ['', '/auth', '/result']) {
          const answer = await browserA.request(`/ib/demo/transfers/${id}${suffix}`);
          assert.equal(answer.status, 404, `${suffix || 'confirm'} of B's transfer`);
          assert.ok(answer.body.includes(NOT_FOUND_TRANSFER), `the not-found page for transfers/${id}${suffix}`);
          assertNoneOf(answer, secretsOfB, `transfers/${id}${suffix}`);
        }
      }
      const edit = await browserA.request(`/ib/demo/transfers/new?from=${done.id}`);
      assert.equal(edit.status, 200);
      assertNoneOf(edit, secretsOfB, "the transfer form from B's transfer");
    });

    it("A cannot confirm B's pending transfer, nor register the payee of B's transfer", async () => {
      const stateA = await customerState(browserA, 'demo');
      const stateB = await customerState(browserB, 'demo');
      // Everything B's own 「確認」 would send (B's auth page), with A's session and token, and
      // the confirmation password — the pool customers all have the same one, the worst case.
      const authB = await browserB.request(`${pending.path}/auth`);
      const csrfA = csrfOf((await browserA.request('/ib/demo/main')).body);
      const confirm = await browserA.request(`/ib/demo/transfers/${pending.id}/auth`, {
        form: { ...hiddenFields(authB.body), csrf: csrfA, ...confirmationFields(authB.body, a.confirmationPassword) },
      });
      assert.equal(confirm.status, 404);
      assertNoneOf(confirm, secretsOfB, "「確認」 of B's transfer");
      const register = await browserA.request(`/ib/demo/transfers/payees/from/${done.id}`, { form: { csrf: csrfA } });
      assert.equal(register.status, 404);
      assertNoneOf(register, secretsOfB, "「登録」 of B's payee");
      assert.equal(await customerState(browserA, 'demo'), stateA, "A's balance, transfers and payees unchanged");
      assert.equal(await customerState(browserB, 'demo'), stateB, "B's balance, transfers and payees unchanged");
      assert.equal((await browserB.request(pending.path)).status, 200, "B's transfer still waits for B's confirmation");
    });

    it('guessed, neighbouring and sequential identifiers find nothing (ids are random; 受付番号 are not ids)', async () => {
      // A's own transfer: the ids next to it, as if ids were counted.
      const ownPath = await prepareTransfer(browserA, 'demo', { accountNumber: pairs[2]!.demo.accountNumber, name: POOL_HOLDER }, 1_000);
      await confirmTransfer(browserA, ownPath, a.confirmationPassword);
      const own = BigInt(`0x${ownPath.split('tr_')[1]}`);
      const hex = (n: bigint) => `tr_${n.toString(16).padStart(32, '0').slice(-32)}`;
      const flip = (id: string) => `${id.slice(0, -1)}${id.endsWith('0') ? '1' : '0'}`;
      const guesses = [
        hex(own + 1n),
        hex(own - 1n),
        `tr_${'0'.repeat(32)}`,
        `tr_${'f'.repeat(32)}`,
        flip(done.id),
        flip(pending.id),
        done.id.toUpperCase().replace('TR_', 'tr_'),
        `${done.id}0`,
        done.id.slice(3),
        done.referenceNo,
        encodeURIComponent(done.referenceNo),
      ];
      for (const guess of guesses) {
        for (const suffix of ['', '/auth', '/result']) {
          const answer = await browserA.request(`/ib/demo/transfers/${guess}${suffix}`);
          assert.equal(answer.status, 404, `transfers/${guess}${suffix}: ${answer.status} ${answer.location ?? ''}`);
          assertNoneOf(answer, secretsOfB, `transfers/${guess}${suffix}`);
        }
      }
      for (const guess of [flip(payeeB), `py_${'0'.repeat(32)}`, payeeB.toUpperCase().replace('PY_', 'py_')]) {
        const answer = await browserA.request(`/ib/demo/transfers/payees/${guess}`);
        assert.equal(answer.status, 404);
        assertNoneOf(answer, secretsOfB, `payees/${guess}`);
      }
    });

    it("A cannot show, change, delete or use B's payee", async () => {
      const stateB = await customerState(browserB, 'demo');
      const show = await browserA.request(`/ib/demo/transfers/payees/${payeeB}`);
      assert.equal(show.status, 404);
      assert.ok(show.body.includes(NOT_FOUND_PAYEE), 'the not-found page');
      assertNoneOf(show, secretsOfB, "B's payee");
      const csrfA = csrfOf((await browserA.request('/ib/demo/transfers/payees')).body);
      const change = await browserA.request(`/ib/demo/transfers/payees/${payeeB}`, {
        form: { csrf: csrfA, op: 'next', bank: '9901', branch: '001', accountType: 'ordinary', accountNumber: a.accountNumber, payeeName: POOL_HOLDER, nickname: '乗っ取り' },
      });
      assert.equal(change.status, 404);
      assertNoneOf(change, secretsOfB, "changing B's payee");
      const remove = await browserA.request(`/ib/demo/transfers/payees/${payeeB}/delete`, { form: { csrf: csrfA } });
      assert.equal(remove.status, 404);
      assertNoneOf(remove, secretsOfB, "deleting B's payee");
      const use = await browserA.request(`/ib/demo/transfers/new?payee=${payeeB}`);
      assert.equal(use.status, 200);
      assertNoneOf(use, secretsOfB, "the transfer form from B's payee");
      assert.equal(await customerState(browserB, 'demo'), stateB, "B's payee is still there, unchanged");
      assert.ok(stateB.includes('Bの大切な振込先'), "B's payee list shows it");
    });

    it("A's statement asked for B's account shows A's own account", async () => {
      const history = await browserA.request(`/ib/demo/transfers/history?account=${accountIdB}`);
      assert.equal(history.status, 200);
      assert.ok(history.body.includes(a.accountNumber), "A's own account");
      assertNoneOf(history, secretsOfB, "the statement of B's account");
    });

    it("A's session cookie opens nothing at the other institution, where the same contract ID is another customer", async () => {
      const twin = pairs[0]!.sample;
      assert.equal(twin.contractId, a.contractId);
      const browserTwin = await signIn(target, twin, undefined);
      await addPayee(browserTwin, 'sample', TARO, 'サンプル側の振込先');
      const stateTwin = await customerState(browserTwin, 'sample');
      const secretsOfTwin = ['サンプル側の振込先', TARO.accountNumber, TARO.name];

      for (const page of ['main', 'transfers', 'transfers/payees', 'transfers/limit', 'transfers/history', 'transfers/new', 'password/change', `transfers/${done.id}`]) {
        // A browser would not even send the cookie (Path=/ib/demo/); the attacker does.
        const answer = await copyOf(browserA).request(`/ib/sample/${page}`);
        assert.equal(answer.status, 303, `/ib/sample/${page}`);
        assert.equal(answer.location, '/ib/sample/', `/ib/sample/${page}`);
        assertNoneOf(answer, secretsOfTwin, `/ib/sample/${page}`);
      }
      const csrfA = csrfOf((await browserA.request('/ib/demo/main')).body);
      for (const [path, form] of [
        ['/ib/sample/transfers/payees/new', { op: 'next', bank: '9902', branch: '001', accountType: 'ordinary', accountNumber: HANAKO.accountNumber, payeeName: HANAKO.name }],
        ['/ib/sample/transfers/limit', { limitManYen: '1' }],
        ['/ib/sample/logout', {}],
      ] as const) {
        const answer = await copyOf(browserA).request(path, { form: { ...form, csrf: csrfA } });
        assert.equal(answer.status, 303, path);
        assert.equal(answer.location, '/ib/sample/', path);
      }
      assert.equal(await customerState(browserTwin, 'sample'), stateTwin, "the sample customer's pages are unchanged");
      assert.equal((await browserA.request('/ib/demo/main')).status, 200, "A's own session is untouched");
      // And the other way: the sample customer's cookie at demo.
      const back = await copyOf(browserTwin).request('/ib/demo/transfers/payees');
      assert.equal(back.location, '/ib/demo/');
    });
  });

  describe('the branch console: operators of demo and what belongs to sample', () => {
    let demoTeller: SignedInOperator;
    let demoSupervisor: SignedInOperator;
    let sampleTeller: SignedInOperator;
    let onlyAtSample: CustomerCard;
    const ONLY_AT_SAMPLE_NAME = '見本 限定子';

    before(async () => {
      demoTeller = await signInOperator(target, 'demo', 'teller');
      demoSupervisor = await signInOperator(target, 'demo', 'supervisor');
      sampleTeller = await signInOperator(target, 'sample', 'teller');
      onlyAtSample = await openContractAtBranch(sampleTeller, { name: ONLY_AT_SAMPLE_NAME, holderName: 'ﾐﾎﾝ ｹﾞﾝﾃｲｺ' });
    });

    it('a demo operator cannot find or open a customer who exists only at sample; that customer cannot sign in at demo', async () => {
      const open = await demoTeller.outsider.request(`/branch/demo/customers/${onlyAtSample.contractId}`);
      assert.equal(open.status, 404);
      assert.ok(open.body.includes(NOT_FOUND_CUSTOMER), 'the not-found page');
      assertNoneOf(open, [ONLY_AT_SAMPLE_NAME], 'the customer page');
      for (const query of [onlyAtSample.contractId, ONLY_AT_SAMPLE_NAME, '見本']) {
        const search = await demoTeller.outsider.request(`/branch/demo/customers?q=${encodeURIComponent(query)}`);
        assert.equal(search.status, 200);
        assert.ok(search.body.includes(NOT_FOUND_CUSTOMER), `search "${query}"`);
        assert.ok(!search.body.includes(`/branch/demo/customers/${onlyAtSample.contractId}"`), `no link to the customer for "${query}"`);
      }
      const act = await startCustomerAction(demoTeller, onlyAtSample.contractId, 'suspend');
      assert.equal(act.status, 404);
      const login = await new Outsider(target.url).submit('/ib/demo/', { contractId: onlyAtSample.contractId, loginPassword: onlyAtSample.loginPassword }, '/ib/demo/login');
      assert.equal(login.status, LOGIN_FAILED_STATUS, "sample's customer is no customer of demo");
      // Control: at sample the contract is there (and asks for the password change).
      const atSample = await new Outsider(target.url).submit('/ib/sample/', { contractId: onlyAtSample.contractId, loginPassword: onlyAtSample.loginPassword }, '/ib/sample/login');
      assert.equal(atSample.location, '/ib/sample/password/change');
    });

    it("a demo operator's session opens no page of sample's console and takes no action there", async () => {
      const twin = pairs[2]!.sample;
      const csrf = await operatorCsrf(demoTeller);
      for (const page of ['home', 'customers', `customers/${onlyAtSample.contractId}`, `customers/${twin.contractId}`, 'approvals', 'contracts/new', 'audit', 'audit.csv', 'operators']) {
        const answer = await copyOf(demoTeller.outsider).request(`/branch/sample/${page}`);
        assert.equal(answer.status, 303, `/branch/sample/${page}`);
        assert.equal(answer.location, '/branch/sample/', `/branch/sample/${page}`);
        assertNoneOf(answer, [ONLY_AT_SAMPLE_NAME], `/branch/sample/${page}`);
      }
      for (const [path, form] of [
        [`/branch/sample/customers/${twin.contractId}/actions/suspend`, { requestFormNo: 'R-1', reason: 'cross-institution' }],
        ['/branch/sample/contracts', { name: '越境 契約', holderName: 'ｴｯｷｮｳ', branchCode: '001', requestFormNo: 'R-2', reason: 'cross-institution' }],
      ] as const) {
        const answer = await copyOf(demoTeller.outsider).request(path, { form: { ...form, csrf } });
        assert.equal(answer.status, 303, path);
        assert.equal(answer.location, '/branch/sample/', path);
      }
      assert.equal((await passwordStep(new Outsider(target.url), twin)).location, '/ib/sample/main', "sample's customer is not suspended");
      const search = await sampleTeller.outsider.request(`/branch/sample/customers?q=${encodeURIComponent('越境 契約')}`);
      assert.ok(search.body.includes(NOT_FOUND_CUSTOMER), 'no contract was opened at sample');
      assert.equal((await demoTeller.outsider.request('/branch/demo/home')).status, 200, "the operator's own session is untouched");
    });

    it("an action on a contract ID both institutions have reaches only the operator's institution", async () => {
      const { demo: atDemo, sample: atSample } = pairs[3]!;
      const suspended = await startCustomerAction(demoTeller, atDemo.contractId, 'suspend');
      assert.equal(suspended.location, `/branch/demo/customers/${atDemo.contractId}?done=suspended`);
      assert.equal((await passwordStep(new Outsider(target.url), atDemo)).status, LOGIN_FAILED_STATUS, "demo's customer is suspended");
      assert.equal((await passwordStep(new Outsider(target.url), atSample)).location, '/ib/sample/main', "sample's customer with the same ID is not");
      const page = await sampleTeller.outsider.request(`/branch/sample/customers/${atSample.contractId}`);
      assert.equal(page.status, 200);
      assert.ok(!page.body.includes('badge--alert'), 'the sample console shows no suspension or lock');
    });

    it("a demo supervisor can neither approve nor reject a proposal made at sample", async () => {
      const twin = pairs[4]!.sample;
      const proposalId = await proposeCustomerAction(sampleTeller, twin.contractId, 'reset_password');
      const csrf = await operatorCsrf(demoSupervisor);
      for (const decision of ['approve', 'reject']) {
        // At demo's own console, with the supervisor's own session and token: no such proposal.
        const own = await demoSupervisor.outsider.request(`/branch/demo/approvals/${proposalId}/${decision}`, { form: { csrf, note: '越境' } });
        assert.equal(own.status, 404, decision);
        assert.ok(own.body.includes('申請が見つかりません'), decision);
        assertNoneOf(own, [twin.contractId], `${decision} at demo`);
        // At sample's console, with the demo session: the login page.
        const there = await copyOf(demoSupervisor.outsider).request(`/branch/sample/approvals/${proposalId}/${decision}`, { form: { csrf, note: '越境' } });
        assert.equal(there.status, 303, decision);
        assert.equal(there.location, '/branch/sample/', decision);
      }
      const demoList = await demoSupervisor.outsider.request('/branch/demo/approvals');
      assert.ok(!demoList.body.includes(proposalId), "demo's approvals do not list sample's proposal");
      assert.deepEqual((await pendingProposals(sampleTeller)).filter((p) => p.id === proposalId).length, 1, 'still pending at sample');
      assert.equal((await passwordStep(new Outsider(target.url), twin)).location, '/ib/sample/main', 'the password was not reset');
    });
  });

  describe("the token authority: demo's API key and sample's binding", () => {
    let demoKey: string;
    let sampleKey: string;
    let customer: Customer;
    let codes: CodeSource;
    let bindingId: string;
    const api = (path: string, key: string, init: { method?: string; json?: unknown } = {}) =>
      new Outsider(target.authorityUrl).request(`/authority/v1${path}`, { ...init, headers: { authorization: `Bearer ${key}` } });
    const unknownBindingId = `bnd_${randomBytes(16).toString('base64url')}`;

    before(async () => {
      // The institutions' API keys, as `mamori keys rp` issues them (the all-in-one server
      // authenticates API calls against the keys in the database; its own bank calls the
      // authority in-process and needs none).
      demoKey = await relyingPartyKey('demo', target.env);
      sampleKey = await relyingPartyKey('sample', target.env);
      customer = pairs[5]!.sample;
      codes = await customerWithToken(target, customer);
      // The bank's view: only sample's bank knows this id. The attacker is assumed to have learnt it.
      const row = await target.bankDatabase().db.selectFrom('customers').select('token_binding_id').where('institution', '=', 'sample').where('contract_id', '=', customer.contractId).executeTakeFirstOrThrow();
      assert.ok(row.token_binding_id, 'the sample customer has a binding');
      bindingId = row.token_binding_id;
    });

    it("demo's key cannot verify, delete or resync sample's binding, and its answers are those of an unknown id", async () => {
      const code = await codes.next();
      const step = codes.lastUsedStep;
      const same = async (foreign: Promise<Answer>, unknown: Promise<Answer>, what: string) => {
        const [f, u] = await Promise.all([foreign, unknown]);
        assert.equal(f.status, u.status, `${what}: status`);
        assert.deepEqual(JSON.parse(f.body), JSON.parse(u.body), `${what}: body`);
        return f;
      };
      const verified = await same(
        api(`/bindings/${bindingId}/verify`, demoKey, { json: { code } }),
        api(`/bindings/${unknownBindingId}/verify`, demoKey, { json: { code } }),
        'verify',
      );
      assert.equal(verified.status, 200);
      assert.deepEqual(JSON.parse(verified.body), { valid: false, reason: 'binding_not_found' });
      await same(
        api(`/bindings/${bindingId}/verify`, demoKey, { json: { code, transaction: { payeeAccount: '1000001', amount: 10_000 } } }),
        api(`/bindings/${unknownBindingId}/verify`, demoKey, { json: { code, transaction: { payeeAccount: '1000001', amount: 10_000 } } }),
        'verify a transaction code',
      );
      const deleted = await same(api(`/bindings/${bindingId}`, demoKey, { method: 'DELETE' }), api(`/bindings/${unknownBindingId}`, demoKey, { method: 'DELETE' }), 'delete');
      assert.equal(deleted.status, 404);
      // Resync by serial: the token is bound at sample only; a token nobody bound answers alike.
      const unbound = await newToken(target);
      const resync = { code1: codes.codeOfStep(step - 1), code2: code };
      const resynced = await same(api(`/tokens/${codes.serial}/sync`, demoKey, { json: resync }), api(`/tokens/${unbound.serial}/sync`, demoKey, { json: resync }), 'resync');
      assert.equal(JSON.parse(resynced.body).error, 'unknown_serial');

      // Nothing happened to the binding: the very code demo's key tried signs the customer in
      // (not spent, not deleted, no floor raised by a resync)…
      const browser = new Outsider(target.url);
      assert.equal((await passwordStep(browser, customer)).location, '/ib/sample/login/otp');
      assert.equal((await codeStep(browser, customer, code)).location, '/ib/sample/main');
      // …and sample's own key sees the binding: the code is now spent (control: the id is real).
      const control = await api(`/bindings/${bindingId}/verify`, sampleKey, { json: { code } });
      assert.equal(control.status, 200);
      assert.deepEqual(JSON.parse(control.body), { valid: false, reason: 'replayed' });
      const unknownAtSample = await api(`/bindings/${unknownBindingId}/verify`, sampleKey, { json: { code } });
      assert.deepEqual(JSON.parse(unknownAtSample.body), { valid: false, reason: 'binding_not_found' });
    });
  });

  describe('one token registered at two banks (by design, not isolated)', () => {
    it('a code accepted at demo is accepted once at sample too, and never again at demo', async () => {
      // DESIGN §2 and §4: a token may be bound by many contracts and institutions and works at
      // each; a step once accepted is refused again *for that binding*. The two banks are two
      // relying parties with a binding each, so the same code counts once at each — which is
      // what the seed's Q&A promises a customer of two banks. (An attacker who reads a code
      // off one bank's page can replay it at the other only with that bank's password too.)
      const atDemo = pairs[6]!.demo;
      const atSample = pairs[7]!.sample;
      const codes = await newToken(target);
      // 利用開始 at both banks with ONE code as the proof of possession: each binding is new.
      const proof = await codes.next();
      for (const customer of [atDemo, atSample]) {
        const browser = new Outsider(target.url);
        const verified = await browser.submit(`/ib/${customer.slug}/register`, { contractId: customer.contractId, loginPassword: customer.loginPassword });
        assert.equal(verified.location, `/ib/${customer.slug}/register/token`);
        const form = await browser.request(verified.location!);
        const registered = await browser.request(verified.location!, {
          form: { csrf: csrfOf(form.body), serial: codes.serial, code: proof, ...confirmationFields(form.body, customer.confirmationPassword) },
        });
        assert.ok(registered.body.includes('ワンタイムパスワードの利用開始が完了しました'), `利用開始 at ${customer.slug}: ${registered.status}`);
      }
      const code = await codes.next();
      const demoBrowser = new Outsider(target.url);
      assert.equal((await passwordStep(demoBrowser, atDemo)).location, '/ib/demo/login/otp');
      assert.equal((await codeStep(demoBrowser, atDemo, code)).location, '/ib/demo/main');
      const sampleBrowser = new Outsider(target.url);
      assert.equal((await passwordStep(sampleBrowser, atSample)).location, '/ib/sample/login/otp');
      assert.equal((await codeStep(sampleBrowser, atSample, code)).location, '/ib/sample/main', 'the same code once more, at the other bank');
      const replay = new Outsider(target.url);
      assert.equal((await passwordStep(replay, atDemo)).location, '/ib/demo/login/otp');
      const replayed = await codeStep(replay, atDemo, code);
      assert.equal(replayed.status, 401, 'never twice at the same bank');
      assert.equal(replayed.location, null);
    });
  });

  it("the bank's own checks pass afterwards (ledger, audit chain)", async () => {
    const checked = await target.check();
    assert.ok(checked.ok, checked.report);
  });
});
