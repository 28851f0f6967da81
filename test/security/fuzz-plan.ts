// The fuzzer's plan: every request it will send, generated up front from one seed, so that a run
// can be repeated exactly (FUZZ_SEED) or made longer (FUZZ_REQUESTS). A planned request names
// its route, the browser state it is sent from, and its parts — path parameters, query, headers,
// body fields, the CSRF token — as literal fuzz values or as SYMBOLS ("the session's csrf
// token", "a code of this customer's token", "a transfer id this customer owns", "the value the
// page's form had") that the runner resolves against the live server when the request is sent.
// Most requests are valid but for one part, so they pass the CSRF check and the form readers
// and reach deep into the handlers; the rest drop, duplicate and add fields, change the content
// type, send raw or broken bodies, other methods, junk cookies and headers.
//
// Nothing here talks to the server; fuzz-runner.ts does.
import fc from 'fast-check';
import type { Route } from './route-table.js';
import type { Slug } from './target.js';

// --- a seeded PRNG (sfc32, seeded by splitmix32): the same seed, the same plan ---------------

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    let s = seed >>> 0;
    const next = () => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
  }

  /** A float in [0, 1). */
  next(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t / 4294967296;
  }

  int(maxExclusive: number): number {
    return Math.floor(this.next() * maxExclusive);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from nothing');
    return items[this.int(items.length)]!;
  }

  weighted<T>(choices: readonly (readonly [T, number])[]): T {
    const total = choices.reduce((sum, [, w]) => sum + w, 0);
    let r = this.next() * total;
    for (const [value, weight] of choices) {
      r -= weight;
      if (r < 0) return value;
    }
    return choices[choices.length - 1]![0];
  }
}

// --- states: the browser (or API client) a request is sent from --------------------------------

export type StateKind =
  | 'anon' // no session: pre-login csrf cookies only
  | 'customer' // signed in, with a registered token
  | 'customerNoToken' // signed in, transfers confirmed with the confirmation password
  | 'passwordVerified' // login: past the password, at the one-time password step
  | 'registerVerified' // 利用開始: past 利用者認証, at serial + code + confirmation
  | 'deregisterVerified' // 利用中止: at code + confirmation
  | 'exchangeVerified' // 利用登録/交換: at the current token's code
  | 'exchangeCurrentVerified' // 利用登録/交換: at the new token's serial + code
  | 'passwordChange' // a contract the console opened: only ログインパスワードの変更
  | 'teller' // console operators, signed in
  | 'supervisor'
  | 'administrator'
  | 'operatorPassword' // console: past the operator's password, at the one-time password
  | 'operatorEnrolment' // console: an operator's first sign-in, at the token enrolment
  | 'apiDemo' // the authority API with the demo institution's key
  | 'apiSample'
  | 'apiNone' // no Authorization header
  | 'apiWrong'; // a well-formed key the authority never issued

export const OPERATOR_STATES: readonly StateKind[] = ['teller', 'supervisor', 'administrator', 'operatorPassword', 'operatorEnrolment'];

// --- values: literal fuzz, or symbols the runner resolves ---------------------------------------

export type Sym =
  | 'contractId' // a contract of another customer (a victim of the pool, a demo customer)
  | 'ownContractId' // the state's own contract
  | 'loginPassword' // the right login password of that contract
  | 'confirmation' // the whole confirmation password
  | 'confirmationDigit' // one digit of it: the field name says which (positionN)
  | 'code' // a current code of the state's token (a replayed one when none is free)
  | 'freshSerial' // a token the fuzzer provisioned (not registered by the pool)
  | 'freshCode' // a current code of that token
  | 'ownAccountId' // the state's own account (sourceAccountId)
  | 'otherAccountId' // an account id of another customer
  | 'payeeBank' // a payee: another customer of the bank, or an account at another bank
  | 'payeeBranch'
  | 'payeeAccount'
  | 'payeeName'
  | 'amount' // a small valid amount
  | 'transferId' // a transfer of the state's customer
  | 'doneTransferId'
  | 'otherTransferId' // a transfer of another customer
  | 'payeeId' // a registered payee of the state's customer
  | 'otherPayeeId'
  | 'proposalId' // a pending proposal seen at the console
  | 'consoleContractId' // a contract the console may act on (never a state's own customer)
  | 'operatorLogin' // an operator signing in (never a signed-in state's own, nor a spare at its code step)
  | 'operatorTarget' // an operator the administrator unlocks or resets (never a signed-in state's own)
  | 'operatorPassword'
  | 'cardPassword' // the initial password of the contract the console opened (passwordChange)
  | 'newPassword' // a new login password that keeps the rules
  | 'formDefault' // the value the page's own form had for this field (hidden fields)
  | 'bindingId' // a binding the fuzzer made at the authority API
  | 'limitManYen';

export type Transform = 'fullwidth' | 'spaced' | 'hyphen' | 'padded' | 'lower' | 'upper' | 'trailingJunk' | 'leadingZero' | 'doubled';

export type Value = { lit: string } | { sym: Sym; transform?: Transform; pick: number };

/** A field's value as sent: one value, several (a repeated field), or a JSON-only shape. */
export type FieldValue =
  | Value
  | { many: Value[] }
  | { json: 'number' | 'negative' | 'float' | 'huge' | 'null' | 'true' | 'array' | 'object' | 'nested' };

export type CsrfPlan = 'valid' | 'missing' | 'wrong' | 'junk' | 'otherState' | 'repeated';

export type BodyPlan =
  | { kind: 'none' }
  | { kind: 'form'; fields: [string, FieldValue][]; csrf: CsrfPlan | 'none'; encoding: 'form' | 'json' | 'multipart' | 'text' }
  | { kind: 'json'; fields: [string, FieldValue][]; nested?: [string, [string, FieldValue][]] }
  | { kind: 'raw'; contentType: string | undefined; text: string };

export type CookiePlan = 'state' | 'none' | 'junk' | 'otherState' | 'duplicated';

export interface PlanItem {
  readonly index: number;
  /** The route aimed at (method + pattern); `method` may differ for "other method" requests. */
  readonly route: Route;
  readonly method: string;
  readonly slug: Slug;
  readonly state: StateKind;
  /** Path parameters by name (`slug`, `id`, `*`, …): a value, or raw path text sent as it is. */
  readonly params: Record<string, Value | { raw: string }>;
  readonly query: [string, FieldValue][] | { raw: string } | undefined;
  readonly headers: [string, string][];
  readonly cookies: CookiePlan;
  readonly body: BodyPlan;
  /** A content type sent instead of the body's own. */
  readonly contentType: string | undefined;
}

// --- the dictionary of nasty values -----------------------------------------------------------
// None of them contains what the leak check looks for in answers (stack frames, SQLITE_,
// "syntax error", node_modules), so an echo of a fuzz value is never taken for a leak.

const NASTY: readonly string[] = [
  '',
  ' ',
  '　',
  '0',
  '-1',
  '-0',
  '1.5',
  '1e9',
  '1e400',
  '0x10',
  'NaN',
  'Infinity',
  'null',
  'undefined',
  'true',
  '[]',
  '{}',
  '[object Object]',
  '9007199254740993',
  '99999999999999999999999',
  '2147483648',
  '-2147483649',
  '１２３４５６',
  '１０００００００００',
  '٠١٢٣٤٥',
  '١٠٠٠٠٠٠٠٠٠',
  '123 456',
  '123-456',
  '12345',
  '1234567',
  '000000',
  '999999',
  '1,000',
  '¥1,000',
  '１，０００円',
  '100円',
  "' OR '1'='1",
  "1'; drop table customers; --",
  '1 UNION SELECT password FROM customers',
  '"; select pg_sleep(0); --',
  '\\',
  '\\u0000',
  '\u0000',
  'a\u0000b',
  '\r\n',
  'a\r\nSet-Cookie: mamori_session=x',
  '\t',
  '\u0007',
  '\u007f',
  '\u0085',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "javascript:alert(1)",
  '{{7*7}}',
  '${7*7}',
  '%00',
  '%25',
  '%',
  '%ZZ',
  '../../../etc/passwd',
  '..\\..\\windows',
  '/',
  '//evil.example',
  'https://evil.example/',
  '\u202eABC',
  '\ufeff',
  '\u200b',
  '\ud800',
  '\udfff',
  '𠮷野家',
  '😀😀😀',
  'ﾃﾞﾓ ｹｲﾔｸｼｬ',
  'デモ　ケイヤクシャ',
  'ﾔﾏﾀﾞ ﾀﾛｳ',
  '山田太郎',
  'ＡＢＣ',
  'Mamori-2026',
  'mamori-2026',
  'Mamori-2026 ',
  'Mamori-Branch-2026',
  '246810',
  '24681',
  '2468100',
  '２４６８１０',
  '__proto__',
  'constructor',
  'prototype',
  'hasOwnProperty',
  'toString',
  'demo',
  'sample',
  'unknown',
  'DEMO',
  'admin',
  'teller',
  'supervisor',
  'root',
  'tr_00000000000000000000000000000000',
  'py_00000000000000000000000000000000',
  'prp_00000000000000000000000000000000',
  'acc_00000000000000000000000000000000',
  'bnd_00000000000000000000000000000000',
  'SYMC12345678',
  'SYMC 1234 5678',
  'symc-1234-5670',
  'ＳＹＭＣ１２３４５６７８',
  'VSST00000000',
  '1000000001',
  '1000000002',
  '2000000101',
  '9999999999',
  '0000000000',
  '10000000011',
  '１０００００００01',
  '9901',
  '9902',
  '0001',
  '001',
  '100',
  '0000001',
  '1000001',
  'ordinary',
  'current',
  'savings',
  'next',
  'searchBank',
  'searchBranch',
  'unlock_otp',
  'suspend',
  'change_limit',
  'A'.repeat(65),
  'A'.repeat(129),
  'A'.repeat(257),
  'あ'.repeat(201),
  '9'.repeat(40),
];

const NUMBER_EDGES: readonly string[] = [
  '0',
  '1',
  '-1',
  '2',
  '499999',
  '500000',
  '500001',
  '999999',
  '1000000',
  '2999999',
  '3000000',
  '3000001',
  '10000000',
  '9999',
  '10000',
  '99999999999999',
  '999999999999999',
  '1000000000000000',
  '9007199254740991',
  '9007199254740992',
  '0.5',
  '100.0',
  '1e3',
  '+100',
  ' 100 ',
  '0100',
  '１００',
];

/** Random strings from fast-check, seeded: any code point, ASCII, digits. */
export interface StringPools {
  unicode: string[];
  ascii: string[];
  digits: string[];
}

export function stringPools(seed: number): StringPools {
  return {
    unicode: fc.sample(fc.string({ unit: 'binary', maxLength: 40 }), { seed, numRuns: 400 }),
    ascii: fc.sample(fc.string({ unit: 'binary-ascii', maxLength: 80 }), { seed: seed + 1, numRuns: 400 }),
    digits: fc.sample(fc.stringMatching(/^[0-9]{0,12}$/), { seed: seed + 2, numRuns: 200 }),
  };
}

// --- what each route takes ----------------------------------------------------------------------

type FieldKind = 'digits' | 'code' | 'digit' | 'password' | 'text' | 'kana' | 'serial' | 'amount' | 'yen' | 'enum' | 'id' | 'login' | 'hidden';

interface FieldSpec {
  readonly name: string;
  readonly kind: FieldKind;
  /** The valid value: a literal, or a symbol. */
  readonly valid: Value;
  /** Other valid choices, picked by the plan (an enum's values, a button's op). */
  readonly choices?: readonly string[];
}

type CsrfKind = 'ib-pre' | 'ib-session' | 'branch-pre' | 'branch-session' | 'none';

interface RouteSpec {
  readonly states: readonly (readonly [StateKind, number])[];
  readonly csrf: CsrfKind;
  readonly fields: readonly FieldSpec[];
  /** Path parameters other than :slug: their valid symbol. */
  readonly params?: Readonly<Record<string, Value>>;
  /** Query parameters the route reads, with valid values. */
  readonly query?: readonly FieldSpec[];
  /** The authority API: a JSON body, and which shape. */
  readonly json?: boolean;
  /** How many more requests than a plain page this route gets (it takes input). */
  readonly weight: number;
}

const lit = (value: string): Value => ({ lit: value });
const sym = (name: Sym): Value => ({ sym: name, pick: 0 });
const f = (name: string, kind: FieldKind, valid: Value, choices?: readonly string[]): FieldSpec => ({ name, kind, valid, ...(choices ? { choices } : {}) });

const CREDENTIALS = [f('contractId', 'digits', sym('contractId')), f('loginPassword', 'password', sym('loginPassword'))];
const CONFIRMATION = f('confirmationPassword', 'code', sym('confirmation'));
const POSITIONS = [1, 2, 3, 4, 5, 6].map((p) => f(`position${p}`, 'digit', sym('confirmationDigit')));
const PAYEE = [
  f('bank', 'digits', sym('payeeBank')),
  f('branch', 'digits', sym('payeeBranch')),
  f('accountType', 'enum', lit('ordinary'), ['ordinary', 'current', 'savings']),
  f('accountNumber', 'digits', sym('payeeAccount')),
  f('payeeName', 'kana', sym('payeeName')),
];
const OP = f('op', 'enum', lit('next'), ['next', 'next', 'next', 'searchBank', 'searchBranch']);
const WRITTEN = [f('requestFormNo', 'text', lit('R-2026-0001'), ['R-2026-0001', 'TEL-2026-42', 'A']), f('reason', 'text', lit('fuzz: written request'))];

const PUBLIC: RouteSpec = { states: [['anon', 8], ['customer', 1], ['teller', 1]], csrf: 'none', fields: [], weight: 0.3 };
const IB_PRE_LOGIN_STATES = [['anon', 70], ['customer', 8], ['customerNoToken', 8], ['passwordVerified', 8], ['teller', 2], ['registerVerified', 4]] as const;
const SIGNED_IN_STATES = [['customer', 45], ['customerNoToken', 40], ['anon', 5], ['passwordVerified', 4], ['passwordChange', 3], ['supervisor', 3]] as const;
const CONSOLE_STATES = [['supervisor', 40], ['teller', 30], ['administrator', 15], ['anon', 6], ['operatorPassword', 5], ['customer', 4]] as const;
const CONSOLE_ADMIN_STATES = [['administrator', 50], ['supervisor', 20], ['teller', 15], ['anon', 10], ['operatorEnrolment', 5]] as const;
const API_STATES = [['apiDemo', 55], ['apiSample', 15], ['apiNone', 15], ['apiWrong', 15]] as const;

const LANG_QUERY = f('lang', 'enum', lit('en'), ['en', 'ja']);

/** The route table's routes, by "METHOD /pattern". A route not listed gets GENERIC. */
export const ROUTE_SPECS: Readonly<Record<string, RouteSpec>> = {
  // The bank site before login.
  'GET /ib/:slug': { ...PUBLIC, states: IB_PRE_LOGIN_STATES },
  'GET /ib/:slug/': { states: IB_PRE_LOGIN_STATES, csrf: 'none', fields: [], query: [LANG_QUERY, f('timeout', 'enum', lit('1')), f('logout', 'enum', lit('1')), f('ended', 'enum', lit('suspended'), ['suspended', 'token_reissued', 'password_reset'])], weight: 1 },
  'POST /ib/:slug/login': { states: IB_PRE_LOGIN_STATES, csrf: 'ib-pre', fields: CREDENTIALS, weight: 3 },
  'GET /ib/:slug/help': { ...PUBLIC, query: [LANG_QUERY] },
  'GET /mailbox/': { ...PUBLIC, query: [LANG_QUERY, f('contract', 'digits', lit('1000000001'), ['1000000001', '１００００００００１', '123', 'x']), f('institution', 'enum', lit('demo'), ['demo', 'sample', 'nowhere']), f('page', 'digits', lit('1'), ['1', '2', '0', '999999'])] },
  'GET /ib/:slug/brand.css': PUBLIC,
  'GET /ib/:slug/*': { states: [['anon', 5], ['customer', 3], ['customerNoToken', 2]], csrf: 'none', fields: [], params: { '*': lit('nowhere') }, weight: 1 },
  ...Object.fromEntries(
    (['register', 'deregister', 'exchange'] as const).flatMap((flow) => [
      [`GET /ib/:slug/${flow}`, { states: IB_PRE_LOGIN_STATES, csrf: 'none', fields: [], query: [LANG_QUERY], weight: 0.5 }],
      [`POST /ib/:slug/${flow}`, { states: IB_PRE_LOGIN_STATES, csrf: 'ib-pre', fields: CREDENTIALS, weight: 2 }],
    ]),
  ),
  // Login's one-time password and the token flows' second steps.
  'GET /ib/:slug/login/otp': { states: [['passwordVerified', 60], ['anon', 15], ['customer', 15], ['registerVerified', 10]], csrf: 'none', fields: [], weight: 0.5 },
  'POST /ib/:slug/login/otp': { states: [['passwordVerified', 65], ['anon', 10], ['customer', 10], ['deregisterVerified', 10], ['teller', 5]], csrf: 'ib-session', fields: [f('code', 'code', sym('code'))], weight: 3 },
  'GET /ib/:slug/register/token': { states: [['registerVerified', 60], ['anon', 15], ['customer', 15], ['passwordVerified', 10]], csrf: 'none', fields: [], weight: 0.5 },
  'POST /ib/:slug/register/token': {
    states: [['registerVerified', 70], ['anon', 10], ['customer', 10], ['deregisterVerified', 10]],
    csrf: 'ib-session',
    fields: [f('serial', 'serial', sym('freshSerial')), f('code', 'code', sym('freshCode')), CONFIRMATION, ...POSITIONS],
    weight: 3,
  },
  'GET /ib/:slug/deregister/token': { states: [['deregisterVerified', 60], ['anon', 15], ['customer', 15], ['exchangeVerified', 10]], csrf: 'none', fields: [], weight: 0.5 },
  'POST /ib/:slug/deregister/token': {
    states: [['deregisterVerified', 70], ['anon', 10], ['customer', 10], ['registerVerified', 10]],
    csrf: 'ib-session',
    fields: [f('code', 'code', sym('code')), CONFIRMATION, ...POSITIONS],
    weight: 3,
  },
  'GET /ib/:slug/exchange/current': { states: [['exchangeVerified', 60], ['anon', 15], ['customer', 15], ['exchangeCurrentVerified', 10]], csrf: 'none', fields: [], weight: 0.5 },
  'POST /ib/:slug/exchange/current': { states: [['exchangeVerified', 70], ['anon', 10], ['customer', 10], ['exchangeCurrentVerified', 10]], csrf: 'ib-session', fields: [f('code', 'code', sym('code'))], weight: 2.5 },
  'GET /ib/:slug/exchange/new': { states: [['exchangeCurrentVerified', 60], ['anon', 15], ['customer', 15], ['exchangeVerified', 10]], csrf: 'none', fields: [], weight: 0.5 },
  'POST /ib/:slug/exchange/new': {
    states: [['exchangeCurrentVerified', 70], ['anon', 10], ['customer', 10], ['exchangeVerified', 10]],
    csrf: 'ib-session',
    fields: [f('serial', 'serial', sym('freshSerial')), f('code', 'code', sym('freshCode'))],
    weight: 2.5,
  },
  // Signed in.
  'GET /ib/:slug/main': { states: SIGNED_IN_STATES, csrf: 'none', fields: [], query: [LANG_QUERY], weight: 0.7 },
  'POST /ib/:slug/logout': {
    // Ending a session is cheap to undo for these states; a signed-in customer with a token
    // needs a code to sign in again, so it is a rare victim here.
    states: [['anon', 25], ['passwordVerified', 20], ['customerNoToken', 20], ['registerVerified', 10], ['exchangeVerified', 10], ['deregisterVerified', 5], ['customer', 5], ['teller', 5]],
    csrf: 'ib-session',
    fields: [],
    weight: 1,
  },
  'GET /ib/:slug/password/change': { states: [['passwordChange', 60], ['customer', 15], ['anon', 15], ['customerNoToken', 10]], csrf: 'none', fields: [], weight: 0.5 },
  'POST /ib/:slug/password/change': {
    states: [['passwordChange', 70], ['customer', 10], ['anon', 10], ['customerNoToken', 10]],
    csrf: 'ib-session',
    fields: [f('currentPassword', 'password', sym('cardPassword')), f('newPassword', 'password', sym('newPassword')), f('newPasswordAgain', 'password', sym('newPassword'))],
    weight: 2.5,
  },
  // ログイン履歴 and 「心当たりがない」 (its confirmation page, then 停止). The entry is an audit
  // record's number; the literals are never one of a fuzzed contract's sign-ins (those come
  // long after the demo data's records), so a valid request here is refused with the form
  // again and never suspends a state's own contract (which no sign-in could then undo).
  'GET /ib/:slug/login-history': { states: SIGNED_IN_STATES, csrf: 'none', fields: [], query: [LANG_QUERY, f('page', 'digits', lit('1'), ['1', '2', '3', '4', '0', '999999'])], weight: 0.7 },
  'POST /ib/:slug/login-history/not-me': { states: SIGNED_IN_STATES, csrf: 'ib-session', fields: [f('entry', 'digits', lit('1'), ['1', '2', '3', '0', '999999999'])], weight: 1.5 },
  'POST /ib/:slug/login-history/not-me/confirm': { states: SIGNED_IN_STATES, csrf: 'ib-session', fields: [f('entry', 'digits', lit('2'), ['1', '2', '3', '0', '999999999'])], weight: 1.5 },
  // メールアドレス: the new address with the OTP (or the confirmation password), then the mailed code.
  'GET /ib/:slug/email': { states: SIGNED_IN_STATES, csrf: 'none', fields: [], query: [LANG_QUERY, f('done', 'enum', lit('changed'), ['changed', 'changed_told'])], weight: 0.5 },
  'POST /ib/:slug/email': {
    states: SIGNED_IN_STATES,
    csrf: 'ib-session',
    fields: [f('email', 'text', lit('fuzz.new@example.jp'), ['fuzz.new@example.jp', 'a@xn--r8jz45g.jp', 'no-at.example.jp', 'x@例え.jp', 'a@@b.jp']), f('code', 'code', sym('code')), CONFIRMATION, ...POSITIONS],
    weight: 3,
  },
  'GET /ib/:slug/email/code': { states: SIGNED_IN_STATES, csrf: 'none', fields: [], weight: 0.5 },
  'POST /ib/:slug/email/code': { states: SIGNED_IN_STATES, csrf: 'ib-session', fields: [f('code', 'code', lit('123456'))], weight: 2 },
  'POST /ib/:slug/email/code/resend': { states: SIGNED_IN_STATES, csrf: 'ib-session', fields: [], weight: 0.5 },
  // パスワード変更 (signed in). Every valid form here repeats the new password wrongly, so the fuzz
  // reaches every reader and rule but never changes a state's password (its customer would be
  // lost to the pool) nor counts a wrong password or code (the in-process tests do those).
  'GET /ib/:slug/password': { states: SIGNED_IN_STATES, csrf: 'none', fields: [], query: [f('done', 'enum', lit('login'), ['login', 'confirmation', 'x'])], weight: 0.5 },
  'GET /ib/:slug/password/login': { states: SIGNED_IN_STATES, csrf: 'none', fields: [], weight: 0.5 },
  'POST /ib/:slug/password/login': {
    states: SIGNED_IN_STATES,
    csrf: 'ib-session',
    fields: [f('currentPassword', 'password', sym('loginPassword')), f('newPassword', 'password', sym('newPassword')), f('newPasswordAgain', 'password', lit('Mismatch-2026x')), f('code', 'code', sym('code')), CONFIRMATION, ...POSITIONS],
    weight: 2.5,
  },
  'GET /ib/:slug/password/confirmation': { states: SIGNED_IN_STATES, csrf: 'none', fields: [], weight: 0.5 },
  'POST /ib/:slug/password/confirmation': {
    states: SIGNED_IN_STATES,
    csrf: 'ib-session',
    fields: [f('currentConfirmation', 'code', sym('confirmation')), f('newConfirmation', 'code', lit('135792')), f('newConfirmationAgain', 'code', lit('135790')), f('code', 'code', sym('code')), f('loginPassword', 'password', sym('loginPassword'))],
    weight: 2.5,
  },
  // Transfers.
  'GET /ib/:slug/transfers': { states: SIGNED_IN_STATES, csrf: 'none', fields: [], weight: 0.7 },
  'GET /ib/:slug/transfers/new': { states: SIGNED_IN_STATES, csrf: 'none', fields: [], query: [f('payee', 'id', sym('payeeId')), f('from', 'id', sym('transferId'))], weight: 1 },
  'POST /ib/:slug/transfers/new': {
    states: SIGNED_IN_STATES,
    csrf: 'ib-session',
    fields: [OP, f('sourceAccountId', 'id', sym('ownAccountId')), ...PAYEE, f('bankChoice', 'digits', sym('payeeBank')), f('branchChoice', 'digits', sym('payeeBranch')), f('amount', 'amount', sym('amount'))],
    weight: 5,
  },
  'GET /ib/:slug/transfers/:id': { states: SIGNED_IN_STATES, csrf: 'none', fields: [], params: { id: sym('transferId') }, weight: 1 },
  'GET /ib/:slug/transfers/:id/auth': { states: SIGNED_IN_STATES, csrf: 'none', fields: [], params: { id: sym('transferId') }, weight: 1 },
  'POST /ib/:slug/transfers/:id/auth': {
    states: SIGNED_IN_STATES,
    csrf: 'ib-session',
    fields: [
      f('idempotencyKey', 'hidden', sym('formDefault')),
      f('payeeBankCode', 'hidden', sym('formDefault')),
      f('payeeBranchCode', 'hidden', sym('formDefault')),
      f('payeeAccountType', 'hidden', sym('formDefault')),
      f('payeeAccountNumber', 'hidden', sym('formDefault')),
      f('payeeName', 'hidden', sym('formDefault')),
      f('amountYen', 'hidden', sym('formDefault')),
      f('code', 'code', sym('code')),
      CONFIRMATION,
      ...POSITIONS,
    ],
    params: { id: sym('transferId') },
    weight: 6,
  },
  'GET /ib/:slug/transfers/:id/result': { states: SIGNED_IN_STATES, csrf: 'none', fields: [], params: { id: sym('doneTransferId') }, weight: 1 },
  'GET /ib/:slug/transfers/history': { states: SIGNED_IN_STATES, csrf: 'none', fields: [], query: [f('account', 'id', sym('ownAccountId')), f('page', 'digits', lit('1'), ['1', '2', '999999'])], weight: 1 },
  'GET /ib/:slug/transfers/history.csv': {
    states: SIGNED_IN_STATES,
    csrf: 'none',
    fields: [],
    query: [f('account', 'id', sym('ownAccountId')), f('from', 'text', lit('2026-04-01'), ['2026-04-01', '2025-01-01', '2099-01-01']), f('to', 'text', lit('2026-04-01'), ['2026-04-01', '2026-02-30']), f('encoding', 'enum', lit('utf8'), ['utf8', 'sjis', 'latin1'])],
    weight: 1.5,
  },
  'GET /ib/:slug/transfers/limit': { states: SIGNED_IN_STATES, csrf: 'none', fields: [], query: [f('done', 'enum', lit('changed'), ['changed', 'scheduled', 'unchanged', 'cancelled', 'not_pending'])], weight: 0.7 },
  'POST /ib/:slug/transfers/limit': { states: SIGNED_IN_STATES, csrf: 'ib-session', fields: [f('limitManYen', 'amount', sym('limitManYen')), f('code', 'code', sym('code'))], weight: 3 },
  // 引き上げを取り消す (issue 14 §5): no field but the token; withdrawing a raise only keeps the limit lower.
  'POST /ib/:slug/transfers/limit/cancel-raise': { states: SIGNED_IN_STATES, csrf: 'ib-session', fields: [], weight: 1 },
  'GET /ib/:slug/transfers/payees': { states: SIGNED_IN_STATES, csrf: 'none', fields: [], query: [f('done', 'enum', lit('added'), ['added', 'updated', 'deleted'])], weight: 0.7 },
  'GET /ib/:slug/transfers/payees/new': { states: SIGNED_IN_STATES, csrf: 'none', fields: [], weight: 0.5 },
  'POST /ib/:slug/transfers/payees/new': { states: SIGNED_IN_STATES, csrf: 'ib-session', fields: [OP, ...PAYEE, f('nickname', 'text', lit('ふざ')), f('bankChoice', 'digits', sym('payeeBank')), f('branchChoice', 'digits', sym('payeeBranch'))], weight: 4 },
  'GET /ib/:slug/transfers/payees/:id': { states: SIGNED_IN_STATES, csrf: 'none', fields: [], params: { id: sym('payeeId') }, weight: 1 },
  'POST /ib/:slug/transfers/payees/:id': {
    states: SIGNED_IN_STATES,
    csrf: 'ib-session',
    fields: [OP, ...PAYEE, f('nickname', 'text', lit('ふざ')), f('bankChoice', 'digits', sym('payeeBank')), f('branchChoice', 'digits', sym('payeeBranch'))],
    params: { id: sym('payeeId') },
    weight: 3,
  },
  'POST /ib/:slug/transfers/payees/:id/delete': { states: SIGNED_IN_STATES, csrf: 'ib-session', fields: [], params: { id: sym('payeeId') }, weight: 1.5 },
  'POST /ib/:slug/transfers/payees/from/:transferId': { states: SIGNED_IN_STATES, csrf: 'ib-session', fields: [], params: { transferId: sym('doneTransferId') }, weight: 1.5 },
  // The branch console.
  'GET /branch/:slug': { ...PUBLIC, states: [['anon', 6], ['supervisor', 2], ['operatorPassword', 2]] },
  'GET /branch/:slug/': { states: [['anon', 6], ['supervisor', 2], ['operatorPassword', 2]], csrf: 'none', fields: [], query: [LANG_QUERY, f('timeout', 'enum', lit('1')), f('logout', 'enum', lit('1'))], weight: 1 },
  'GET /branch/:slug/*': { states: [['anon', 5], ['supervisor', 3], ['teller', 2]], csrf: 'none', fields: [], params: { '*': lit('nowhere') }, weight: 1 },
  'GET /branch/:slug/brand.css': PUBLIC,
  'POST /branch/:slug/login': {
    states: [['anon', 75], ['operatorPassword', 10], ['operatorEnrolment', 5], ['supervisor', 4], ['teller', 3], ['customer', 3]],
    csrf: 'branch-pre',
    fields: [f('login', 'login', sym('operatorLogin')), f('password', 'password', sym('operatorPassword'))],
    weight: 3,
  },
  'GET /branch/:slug/login/otp': { states: [['operatorPassword', 60], ['anon', 20], ['supervisor', 10], ['operatorEnrolment', 10]], csrf: 'none', fields: [], weight: 0.5 },
  'POST /branch/:slug/login/otp': { states: [['operatorPassword', 70], ['anon', 10], ['operatorEnrolment', 10], ['teller', 10]], csrf: 'branch-session', fields: [f('code', 'code', sym('code'))], weight: 2.5 },
  'GET /branch/:slug/login/enrol': { states: [['operatorEnrolment', 60], ['anon', 20], ['operatorPassword', 10], ['supervisor', 10]], csrf: 'none', fields: [], weight: 0.5 },
  'POST /branch/:slug/login/enrol': {
    states: [['operatorEnrolment', 70], ['anon', 10], ['operatorPassword', 10], ['teller', 10]],
    csrf: 'branch-session',
    fields: [f('serial', 'serial', sym('freshSerial')), f('code', 'code', sym('freshCode'))],
    weight: 2.5,
  },
  'POST /branch/:slug/logout': {
    states: [['anon', 30], ['operatorPassword', 30], ['operatorEnrolment', 25], ['teller', 5], ['administrator', 5], ['customer', 5]],
    csrf: 'branch-session',
    fields: [],
    weight: 1,
  },
  'GET /branch/:slug/home': { states: CONSOLE_STATES, csrf: 'none', fields: [], query: [LANG_QUERY], weight: 0.7 },
  'GET /branch/:slug/customers': { states: CONSOLE_STATES, csrf: 'none', fields: [], query: [f('q', 'text', sym('consoleContractId'), ['試験', 'ﾃﾞﾓ', 'デモ'])], weight: 2 },
  'GET /branch/:slug/customers/:contractId': { states: CONSOLE_STATES, csrf: 'none', fields: [], params: { contractId: sym('consoleContractId') }, query: [f('done', 'enum', lit('done'), ['done', 'suspended', 'proposed']), f('group', 'enum', lit('signin'), ['signin', 'token', 'transfers', 'settings', 'branch', 'all', 'x']), f('page', 'digits', lit('1'), ['1', '2', '0', '999999'])], weight: 1.5 },
  'POST /branch/:slug/customers/:contractId/actions/:kind': {
    states: CONSOLE_STATES,
    csrf: 'branch-session',
    fields: [...WRITTEN, f('newLimitYen', 'yen', lit('100000'), ['100000', '1,000,000', '１００００００円', '0', '3000000']), f('newEmail', 'text', lit('fuzz.branch@example.jp'), ['fuzz.branch@example.jp', 'no-at.example.jp', 'x@例え.jp'])],
    params: { contractId: sym('consoleContractId'), kind: lit('unlock_otp') },
    weight: 6,
  },
  'GET /branch/:slug/customers/:contractId/statement': { states: CONSOLE_STATES, csrf: 'none', fields: [], params: { contractId: sym('consoleContractId') }, weight: 0.7 },
  'POST /branch/:slug/customers/:contractId/statement': {
    states: CONSOLE_STATES,
    csrf: 'branch-session',
    fields: [f('account', 'id', lit('acc_none')), f('from', 'text', lit('2026-04-01')), f('to', 'text', lit('2026-04-01')), f('encoding', 'enum', lit('sjis'), ['utf8', 'sjis', 'x']), ...WRITTEN],
    params: { contractId: sym('consoleContractId') },
    weight: 2,
  },
  'GET /branch/:slug/approvals': { states: CONSOLE_STATES, csrf: 'none', fields: [], query: [f('done', 'enum', lit('approved'), ['approved', 'rejected'])], weight: 1 },
  'POST /branch/:slug/approvals/:id/approve': { states: [['supervisor', 60], ['teller', 20], ['administrator', 10], ['anon', 10]], csrf: 'branch-session', fields: [], params: { id: sym('proposalId') }, weight: 2 },
  'POST /branch/:slug/approvals/:id/reject': { states: [['supervisor', 60], ['teller', 20], ['administrator', 10], ['anon', 10]], csrf: 'branch-session', fields: [f('note', 'text', lit('fuzz: rejected'))], params: { id: sym('proposalId') }, weight: 2 },
  'GET /branch/:slug/audit': {
    states: CONSOLE_ADMIN_STATES,
    csrf: 'none',
    fields: [],
    query: [f('customer', 'digits', sym('consoleContractId')), f('operator', 'login', sym('operatorTarget')), f('action', 'text', lit('login_failed'), ['customer_suspended', 'operator_signed_in', 'x']), f('page', 'digits', lit('1'), ['1', '2', '0', '999999'])],
    weight: 2,
  },
  'GET /branch/:slug/audit.csv': {
    states: CONSOLE_ADMIN_STATES,
    csrf: 'none',
    fields: [],
    query: [f('customer', 'digits', sym('consoleContractId')), f('operator', 'login', sym('operatorTarget')), f('action', 'text', lit('customer_suspended'))],
    weight: 1.5,
  },
  'GET /branch/:slug/contracts/new': { states: CONSOLE_STATES, csrf: 'none', fields: [], weight: 0.5 },
  'POST /branch/:slug/contracts': {
    states: CONSOLE_STATES,
    csrf: 'branch-session',
    fields: [
      f('idempotencyKey', 'hidden', sym('formDefault')),
      f('name', 'text', lit('試験 太郎'), ['試験 花子', 'Fuzz Taro']),
      f('holderName', 'kana', lit('ｼｹﾝ ﾀﾛｳ'), ['シケン ハナコ', 'FUZZ TARO']),
      f('branchCode', 'digits', lit('001')),
      f('email', 'text', lit(''), ['', 'fuzz.open@example.jp', 'no-at.example.jp']),
      ...WRITTEN,
    ],
    weight: 2,
  },
  'GET /branch/:slug/operators': { states: CONSOLE_ADMIN_STATES, csrf: 'none', fields: [], query: [f('done', 'enum', lit('unlocked'), ['unlocked', 'token_reset'])], weight: 0.7 },
  'POST /branch/:slug/operators/:login/unlock': { states: CONSOLE_ADMIN_STATES, csrf: 'branch-session', fields: [f('reason', 'text', lit('fuzz: unlock'))], params: { login: sym('operatorTarget') }, weight: 2 },
  'POST /branch/:slug/operators/:login/reset-token': { states: CONSOLE_ADMIN_STATES, csrf: 'branch-session', fields: [f('reason', 'text', lit('fuzz: reset'))], params: { login: sym('operatorTarget') }, weight: 2 },
  // The token authority's API.
  'GET /authority/v1/openapi.json': PUBLIC,
  'POST /authority/v1/tokens': { states: [['apiNone', 80], ['apiDemo', 20]], csrf: 'none', json: true, fields: [f('kind', 'enum', lit('mobile'), ['mobile', 'mobile', 'desktop']), f('clientPublicKey', 'text', lit('BAAA'))], weight: 2 },
  'POST /authority/v1/bindings': {
    states: API_STATES,
    csrf: 'none',
    json: true,
    fields: [f('serial', 'serial', sym('freshSerial')), f('subject', 'text', sym('contractId')), f('code', 'code', sym('freshCode'))],
    weight: 3,
  },
  'DELETE /authority/v1/bindings/:id': { states: API_STATES, csrf: 'none', json: true, fields: [], params: { id: sym('bindingId') }, weight: 1.5 },
  'POST /authority/v1/bindings/:id/verify': { states: API_STATES, csrf: 'none', json: true, fields: [f('code', 'code', sym('freshCode'))], params: { id: sym('bindingId') }, weight: 3 },
  'POST /authority/v1/tokens/:serial/sync': {
    states: API_STATES,
    csrf: 'none',
    json: true,
    fields: [f('code1', 'code', sym('freshCode')), f('code2', 'code', sym('freshCode'))],
    params: { serial: sym('freshSerial') },
    weight: 2,
  },
};

const GENERIC: RouteSpec = { states: [['anon', 5], ['customer', 2], ['supervisor', 2], ['apiDemo', 1]], csrf: 'none', fields: [], weight: 1 };

export function specOf(route: Route): { spec: RouteSpec; known: boolean } {
  const spec = ROUTE_SPECS[`${route.method} ${route.url}`];
  if (spec) return { spec, known: true };
  // A route added after this table was written is still aimed at, with generic requests (and
  // the summary names it, so that someone gives it a spec).
  const isPost = route.method !== 'GET';
  const base = route.url.startsWith('/authority/') ? { ...GENERIC, states: API_STATES, json: true } : GENERIC;
  return { spec: { ...base, csrf: route.url.startsWith('/branch/') ? (isPost ? 'branch-session' : 'none') : isPost ? 'ib-session' : 'none' }, known: false };
}

// --- generating the plan --------------------------------------------------------------------------

export interface PlanOptions {
  seed: number;
  requests: number;
  /** Every route gets at least this many requests with its own method. */
  minPerRoute: number;
}

/** `requests` planned requests: `minPerRoute` for every route, the rest by weight, shuffled. */
export function generatePlan(routes: readonly Route[], options: PlanOptions): PlanItem[] {
  const rng = new Rng(options.seed);
  const pools = stringPools(options.seed);
  const aims: { route: Route; own: boolean }[] = [];
  for (const route of routes) for (let i = 0; i < options.minPerRoute; i++) aims.push({ route, own: true });
  const weights = routes.map((route) => [route, specOf(route).spec.weight] as const);
  while (aims.length < options.requests) aims.push({ route: rng.weighted(weights), own: false });
  // Fisher–Yates with the seeded generator.
  for (let i = aims.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [aims[i], aims[j]] = [aims[j]!, aims[i]!];
  }
  return aims.map(({ route, own }, index) => planRequest(rng, pools, route, index, own));
}

const OTHER_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'] as const;

const CONTENT_TYPES = [
  'application/x-www-form-urlencoded; charset=utf-8',
  'application/x-www-form-urlencoded; charset=shift_jis',
  'APPLICATION/X-WWW-FORM-URLENCODED',
  'application/json',
  'application/json; charset=utf-16',
  'text/plain',
  'text/html',
  'multipart/form-data; boundary=----fuzz',
  'multipart/form-data',
  'application/xml',
  'application/octet-stream',
  'x/y',
  'application/x-www-form-urlencoded, application/json',
  ';',
  '',
];

const RAW_BODIES = [
  'a=%ZZ&b=%',
  'csrf&csrf&csrf',
  '=&=&=',
  '&&&&',
  'a[b][c]=1&a[b]=2',
  '__proto__[admin]=1&constructor[prototype][x]=1',
  '{"csrf":',
  '[1,2',
  '{"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}}}',
  '{"kind":"mobile","kind":"desktop"}',
  `${'['.repeat(1500)}${']'.repeat(1500)}`,
  `{"a":${'{"a":'.repeat(500)}1${'}'.repeat(500)}}`,
  '"just a string"',
  'null',
  '12345',
  '\u0000\u0001\u0002',
  '%F0%9F%98%80=%ED%A0%80',
  `x=${'y'.repeat(20_000)}`,
  `x=${'y'.repeat(70_000)}`,
  '------fuzz\r\nContent-Disposition: form-data; name="csrf"\r\n\r\nx\r\n------fuzz--\r\n',
  '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
];

const JUNK_HEADERS: readonly (readonly [string, string])[] = [
  ['accept-language', 'xx-YY;q=2, *;q=-1'],
  ['accept-language', 'en'],
  ['accept', '*/*;q=abc'],
  ['accept-encoding', 'gzip;q=1.0, br;q=0.9, zstd, compress'],
  ['x-forwarded-for', 'not-an-ip'],
  ['x-forwarded-for', '::ffff:999.1.1.1, 1.2.3.4'],
  ['x-forwarded-proto', 'gopher'],
  ['x-forwarded-host', 'evil.example'],
  ['x-request-id', '../../x'],
  ['range', 'bytes=0-0,-1'],
  ['range', 'bytes=99999999-'],
  ['range', 'lines=1-2'],
  ['if-none-match', '*'],
  ['if-modified-since', 'yesterday'],
  ['authorization', 'Bearer '],
  ['authorization', `Bearer ${'x'.repeat(300)}`],
  ['authorization', 'Basic Og=='],
  ['origin', 'https://evil.example'],
  ['referer', 'javascript:alert(1)'],
  ['content-encoding', 'gzip'],
  ['expect', '100-continue'],
  ['user-agent', ''],
];

function planRequest(rng: Rng, pools: StringPools, route: Route, index: number, own: boolean): PlanItem {
  const { spec } = specOf(route);
  const state = rng.weighted(spec.states);
  // The console states are demo's (sample has a supervisor only): their requests go mostly to
  // demo's console, sometimes to sample's (which must refuse a demo operator's cookie).
  const consoleOfDemo = OPERATOR_STATES.includes(state) && state !== 'supervisor';
  const slug: Slug = rng.chance(consoleOfDemo ? 0.9 : 0.6) ? 'demo' : 'sample';
  const method = own || !rng.chance(0.04) ? route.method : rng.pick(OTHER_METHODS);

  const params: Record<string, Value | { raw: string }> = {};
  for (const name of paramNames(route.url)) {
    const valid = name === 'slug' ? lit(slug) : (spec.params?.[name] ?? lit('x'));
    params[name] = rng.chance(0.88) ? withPick(rng, valid) : fuzzParam(rng, pools, name);
  }
  if (route.url.endsWith('/:kind')) params.kind = rng.chance(0.85) ? lit(rng.pick(['unlock_otp', 'unlock_password', 'reissue_token', 'suspend', 'resume', 'change_limit', 'reset_password', 'change_email'])) : fuzzParam(rng, pools, 'kind');

  let query: PlanItem['query'];
  if (spec.query && rng.chance(0.6)) query = spec.query.filter(() => rng.chance(0.5)).map((q) => [q.name, rng.chance(0.75) ? validOf(rng, q) : fuzzValue(rng, pools, q.kind)]);
  else if (rng.chance(0.12)) query = rng.chance(0.5) ? { raw: rng.pick(['lang=en&lang=ja', '__proto__[x]=1', 'a[]=1&a[]=2', '%ZZ', '&&==&', `q=${'z'.repeat(3000)}`, 'lang=%00', 'page=-1']) } : [[rng.pick(['lang', 'q', 'page', 'done', 'x', 'from', 'payee']), fuzzValue(rng, pools, 'text')]];

  const headers: [string, string][] = [];
  if (rng.chance(0.08)) headers.push([...rng.pick(JUNK_HEADERS)]);
  if (route.url === '/authority/v1/tokens' && rng.chance(0.9)) headers.push(['x-forwarded-for', `203.0.113.${rng.int(250) + 1}`]);

  const cookies: CookiePlan = rng.weighted([['state', 90], ['none', 3], ['junk', 3], ['otherState', 3], ['duplicated', 1]]);
  const body = planBody(rng, pools, spec, method);
  const contentType = body.kind !== 'none' && rng.chance(0.04) ? rng.pick(CONTENT_TYPES) : undefined;
  return { index, route, method, slug, state, params, query, headers, cookies, body, contentType };
}

function paramNames(url: string): string[] {
  const names = [...url.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]!);
  if (url.endsWith('*')) names.push('*');
  return names;
}

/** Another customer's id where the route expects one of the state's own: it must be refused. */
const OTHER_OF: Partial<Record<Sym, Sym>> = {
  transferId: 'otherTransferId',
  doneTransferId: 'otherTransferId',
  payeeId: 'otherPayeeId',
  ownAccountId: 'otherAccountId',
};

function withPick(rng: Rng, value: Value): Value {
  if (!('sym' in value)) return value;
  const other = OTHER_OF[value.sym];
  return { ...value, ...(other && rng.chance(0.15) ? { sym: other } : {}), pick: rng.int(1_000_000) };
}

function validOf(rng: Rng, field: FieldSpec): Value {
  if (field.choices && rng.chance(0.5)) return lit(rng.pick(field.choices));
  const value = withPick(rng, field.valid);
  // A valid value written the way people type it: full-width, spaced, hyphenated…
  if ('sym' in value && rng.chance(0.12)) return { ...value, transform: rng.pick(['fullwidth', 'spaced', 'hyphen', 'padded', 'lower', 'upper'] as const) };
  return value;
}

function fuzzParam(rng: Rng, pools: StringPools, name: string): { raw: string } | Value {
  const raw = rng.weighted<string | undefined>([
    ['..', 2],
    ['%2e%2e', 2],
    ['%2F', 2],
    ['..%2F..%2Fetc%2Fpasswd', 1],
    ['%00', 2],
    ['%ZZ', 2],
    ['%', 1],
    ['%E3%81', 1],
    ['%ED%A0%80', 1],
    [encodeURIComponent('𠮷野家'), 1],
    ['a'.repeat(2000), 1],
    ['unknown', 2],
    ['DEMO', 1],
    ['demo%20', 1],
    ['.', 1],
    ['~', 1],
    [';x=1', 1],
    [undefined, 10],
  ]);
  if (raw !== undefined) return { raw };
  if (name === 'slug') return lit(rng.pick(['demo', 'sample', 'unknown', '', 'Demo', 'demo ', 'demo\u0000']));
  return fuzzLiteral(rng, pools, 'id');
}

function fuzzLiteral(rng: Rng, pools: StringPools, kind: FieldKind): Value {
  return lit(fuzzText(rng, pools, kind));
}

function fuzzText(rng: Rng, pools: StringPools, kind: FieldKind): string {
  const category = rng.weighted([['nasty', 40], ['unicode', 15], ['ascii', 10], ['number', 15], ['near', 20]] as const);
  switch (category) {
    case 'nasty':
      return rng.pick(NASTY);
    case 'unicode':
      return rng.pick(pools.unicode);
    case 'ascii':
      return rng.pick(pools.ascii);
    case 'number':
      return rng.pick(NUMBER_EDGES);
    case 'near':
      return nearValid(rng, pools, kind);
  }
}

/** A value that almost fits the field: the right shape with one thing wrong. */
function nearValid(rng: Rng, pools: StringPools, kind: FieldKind): string {
  const digits = (n: number) => Array.from({ length: n }, () => String(rng.int(10))).join('');
  switch (kind) {
    case 'digits':
      return rng.pick([digits(10), digits(9), digits(11), digits(4), digits(3), digits(7), rng.pick(pools.digits)]);
    case 'code':
      // Six digits (a wrong code: it counts toward the lock), or the wrong length (it does not).
      return rng.pick([digits(6), digits(6), digits(5), digits(7), `${digits(3)} ${digits(3)}`, digits(6).replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)))]);
    case 'digit':
      return rng.pick([digits(1), digits(2), '', 'x', '１', '٣']);
    case 'password':
      return rng.pick(['Mamori-2025', 'mamori-2026', 'Mamori-2026x', 'password1', 'Short1', 'A'.repeat(64) + '1', 'パスワード123', 'Passw0rd!Passw0rd', rng.pick(pools.ascii)]);
    case 'serial':
      return rng.pick(['SYMC00000000', 'SYMC12345679', 'VSMT' + digits(8), digits(12), 'SYMC' + digits(7), 'symc ' + digits(8), rng.pick(pools.ascii).slice(0, 12)]);
    case 'amount':
    case 'yen':
      return rng.pick(NUMBER_EDGES);
    case 'kana':
      return rng.pick(['ﾃﾞﾓ ｹｲﾔｸｼｬ', 'ﾃﾞﾓ ｹｲﾔｸｼﾔ', 'デモ ケイヤクシャ', 'ﾔﾏﾀﾞ ﾀﾛｳ', 'yamada', 'ﾔﾏﾀﾞ'.repeat(20), '山田', 'ｱ', '']);
    case 'login':
      return rng.pick(['teller', 'supervisor', 'fuzz-spare1', 'TELLER', 'ｔｅｌｌｅｒ', 'a', 'a'.repeat(33), 'x.y-z_1', '1abc']);
    case 'id':
      return rng.pick([`tr_${'0'.repeat(32)}`, `tr_${'f'.repeat(31)}`, `py_${'a'.repeat(32)}`, `prp_${'1'.repeat(32)}`, `bnd_${'2'.repeat(22)}`, `acc_${'3'.repeat(32)}`, 'TR_0', digits(10)]);
    case 'enum':
      return rng.pick(['ORDINARY', 'ordinary ', 'savings', 'current', 'checking', 'next', 'Next', 'searchbank', '1', '']);
    case 'hidden':
    case 'text':
      return rng.pick([rng.pick(pools.unicode), 'A'.repeat(201), 'R-2026-0001-R-2026-0001-R', 'x', '　']);
  }
}

export function fuzzValue(rng: Rng, pools: StringPools, kind: FieldKind): FieldValue {
  return fuzzLiteral(rng, pools, kind);
}

function planBody(rng: Rng, pools: StringPools, spec: RouteSpec, method: string): BodyPlan {
  if (spec.json) return planJsonBody(rng, pools, spec, method);
  if (method === 'GET' || method === 'HEAD') return rng.chance(0.02) ? { kind: 'raw', contentType: 'application/x-www-form-urlencoded', text: 'a=1' } : { kind: 'none' };
  if (rng.chance(0.05)) return { kind: 'raw', contentType: rng.pick(CONTENT_TYPES), text: rng.pick(RAW_BODIES) };
  if (rng.chance(0.02)) return { kind: 'none' };

  let fields: [string, FieldValue][] = spec.fields.map((field) => [field.name, validOf(rng, field)]);
  const mode = rng.weighted([['valid', 22], ['one', 40], ['several', 13], ['drop', 8], ['repeat', 7], ['extra', 5], ['random', 5]] as const);
  const mutate = (i: number) => {
    const field = spec.fields[i]!;
    fields[i] = [field.name, rng.chance(0.08) ? { many: [validOf(rng, field), fuzzLiteral(rng, pools, field.kind)] } : fuzzValue(rng, pools, field.kind)];
  };
  if (fields.length > 0) {
    switch (mode) {
      case 'valid':
        break;
      case 'one':
        mutate(rng.int(fields.length));
        break;
      case 'several':
        for (let n = 0; n < 2 + rng.int(2); n++) mutate(rng.int(fields.length));
        break;
      case 'drop':
        fields.splice(rng.int(fields.length), 1);
        break;
      case 'repeat': {
        const i = rng.int(fields.length);
        const [name, value] = fields[i]!;
        fields.splice(i, 0, [name, value]);
        break;
      }
      case 'extra':
        break;
      case 'random':
        fields = fields.map(([name]) => [name, fuzzValue(rng, pools, 'text')]);
        break;
    }
  }
  if (mode === 'extra' || fields.length === 0 || rng.chance(0.03)) {
    for (let n = 0; n < 1 + rng.int(3); n++) fields.push([rng.pick(['__proto__', 'constructor', 'x', 'op', 'csrf2', 'a[b]', 'contractId', 'code', '', 'amount', rng.pick(pools.ascii).slice(0, 10)]), fuzzValue(rng, pools, 'text')]);
  }
  const csrf: CsrfPlan | 'none' = spec.csrf === 'none' ? (rng.chance(0.5) ? 'valid' : 'none') : rng.weighted([['valid', 85], ['missing', 4], ['wrong', 4], ['junk', 3], ['otherState', 3], ['repeated', 1]] as const);
  const encoding = rng.weighted([['form', 92], ['json', 4], ['multipart', 2], ['text', 2]] as const);
  return { kind: 'form', fields, csrf, encoding };
}

function planJsonBody(rng: Rng, pools: StringPools, spec: RouteSpec, method: string): BodyPlan {
  if (method === 'GET' || method === 'HEAD' || (method === 'DELETE' && rng.chance(0.8))) return { kind: 'none' };
  if (rng.chance(0.08)) return { kind: 'raw', contentType: rng.chance(0.7) ? 'application/json' : rng.pick(CONTENT_TYPES), text: rng.pick(RAW_BODIES) };
  const fields: [string, FieldValue][] = spec.fields.filter((field) => field.name !== 'clientPublicKey' || rng.chance(0.15)).map((field) => [field.name, validOf(rng, field)]);
  const mode = rng.weighted([['valid', 25], ['one', 35], ['type', 15], ['drop', 10], ['extra', 10], ['random', 5]] as const);
  if (fields.length > 0) {
    const i = rng.int(fields.length);
    switch (mode) {
      case 'valid':
        break;
      case 'one':
        fields[i] = [fields[i]![0], fuzzValue(rng, pools, spec.fields.find((s) => s.name === fields[i]![0])?.kind ?? 'text')];
        break;
      case 'type':
        fields[i] = [fields[i]![0], { json: rng.pick(['number', 'negative', 'float', 'huge', 'null', 'true', 'array', 'object', 'nested'] as const) }];
        break;
      case 'drop':
        fields.splice(i, 1);
        break;
      case 'extra':
      case 'random':
        break;
    }
  }
  if (mode === 'extra' || mode === 'random') fields.push([rng.pick(['__proto__', 'constructor', 'extra', 'subject', 'transaction', '']), rng.chance(0.5) ? fuzzValue(rng, pools, 'text') : { json: 'object' }]);
  // A transaction for a verify: the payee account and the amount a transaction code binds.
  let nested: [string, [string, FieldValue][]] | undefined;
  if (spec.fields.length === 1 && spec.fields[0]!.name === 'code' && rng.chance(0.3)) {
    nested = ['transaction', [
      ['payeeAccount', rng.chance(0.7) ? lit(String(1_000_000 + rng.int(9_000_000))) : fuzzValue(rng, pools, 'digits')],
      ...(rng.chance(0.6) ? [['amount', rng.chance(0.7) ? { json: 'number' as const } : { json: rng.pick(['negative', 'float', 'huge', 'null'] as const) }] as [string, FieldValue]] : []),
    ]];
  }
  return { kind: 'json', fields, ...(nested ? { nested } : {}) };
}
