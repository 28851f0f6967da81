// The development mailbox (issue 19 §6): a list of the mails — time, to, subject — newest first,
// 50 to a page; one mail opened by its outbox id; the list filtered by contract through a
// validated query, a bad one answered with its message; Japanese or English. Nothing but ids
// and digits in its links: an address or a code never reaches a URL (and so the access log).
// Both dialects.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { DIALECTS, createTestDatabase, skipReason, type TestDatabase } from '../../../test/support/db/testing.js';
import { addOutboxMails, type OutboxMail } from '../../../test/support/notifications/outbox-fixtures.js';
import { systemClock, systemRandomBytes } from '../../shared/clock.js';
import { buildApp } from '../../web/app.js';
import { MAILBOX_PATH, mailboxPart, MAILS_PER_PAGE } from './mailbox-part.js';

const T0 = Date.UTC(2026, 11, 7, 3, 0, 0); // 12:00 in Japan
const MINUTE = 60_000;

/** The list's lines as the page shows them: id, time, to, subject. */
function rowsOf(body: string): { id: string; time: string; to: string; subject: string }[] {
  return [...body.matchAll(/<li class="mailbox-list__mail" data-id="([^"]+)"[^>]*>\s*<time[^>]*>([^<]+)<\/time>\s*<span class="mailbox-list__to">([^<]+?)(?: <span|<\/span>)[\s\S]*?<a href="[^"]+">([^<]+)<\/a>/g)].map(
    ([, id, time, to, subject]) => ({ id: id!, time: time!, to: to!, subject: subject! }),
  );
}

const hrefsOf = (body: string) => [...body.matchAll(/href="([^"]*)"/g)].map(([, href]) => href!.replaceAll('&amp;', '&'));

for (const dialect of DIALECTS) {
  describe(`the development mailbox [${dialect}]`, { skip: skipReason(dialect) }, () => {
    let database: TestDatabase;
    let app: FastifyInstance;
    let ids: string[];
    const get = (query = '', headers: Record<string, string> = {}) => app.inject({ method: 'GET', url: `${MAILBOX_PATH}${query}`, headers });

    before(async () => {
      database = await createTestDatabase(dialect);
      // 55 mails a minute apart: 1000000001 of demo the most, 1000000002 of demo every fifth, one of sample.
      const mails: OutboxMail[] = Array.from({ length: 55 }, (_, i) => ({
        contractId: i % 5 === 0 ? '1000000002' : '1000000001',
        atMs: T0 + i * MINUTE,
        event: i % 2 === 0 ? { kind: 'signed_in', environment: { browser: 'Chrome', os: 'Windows', address: '203.0.113.*' } } : { kind: 'limit_changed', fromYen: 500_000, toYen: 1_000_000, by: 'customer' },
        ...(i === 54 ? { status: 'pending' as const } : {}),
      }));
      mails.push({ institution: 'sample', contractId: '1000000001', atMs: T0 - MINUTE, event: { kind: 'resumed' } });
      ids = await addOutboxMails(database.db, mails);
      app = await buildApp({ database, clock: systemClock, randomBytes: systemRandomBytes }, [mailboxPart({ database, mailFrom: 'no-reply@bank.example' })]);
    });
    after(async () => {
      await app?.close();
      await database?.close();
    });

    it('lists time, to and subject, newest first, 50 to a page, and no body', async () => {
      const first = await get();
      assert.equal(first.statusCode, 200);
      assert.match(first.headers['cache-control'] as string, /no-store/);
      const rows = rowsOf(first.body);
      assert.equal(rows.length, MAILS_PER_PAGE);
      assert.deepEqual(rows[0], { id: ids[54], time: '2026/12/07 12:54', to: '1000000001@demo.mamori.example', subject: '【デモ信用金庫】ログインのお知らせ / Sign-in (Demo Shinkin Bank)' });
      assert.deepEqual(rows.map((r) => r.id), ids.slice(5, 55).reverse(), 'newest first');
      assert.match(first.body, /56件中 1–50件/);
      assert.match(first.body, /1000000001@demo\.mamori\.example <span class="mailbox-list__status">\(送信待ち\)<\/span>/, 'a mail not yet sent says so');
      assert.doesNotMatch(first.body, /守 太郎 様|<pre/, 'the list shows no mail body');
      assert.ok(Buffer.byteLength(first.body) < 40_000, `a list, not every mail expanded (${Buffer.byteLength(first.body)} bytes)`);
      const older = /<a href="([^"]+)" rel="next">古いメール →<\/a>/.exec(first.body)?.[1]?.replaceAll('&amp;', '&');
      assert.equal(older, '/mailbox/?page=2');
      const second = await get('?page=2');
      assert.deepEqual(rowsOf(second.body).map((r) => r.id), [...ids.slice(0, 5).reverse(), ids[55]]);
      assert.match(second.body, /56件中 51–56件/);
      assert.match(second.body, /rel="prev">← 新しいメール/);
      assert.match((await get('?page=9')).body, /メールはありません。/);
    });

    it('opens one mail by its id: its headers and its whole text, and a way back to the list it came from', async () => {
      const listed = await get('?contract=1000000002&page=1');
      const row = rowsOf(listed.body)[0]!;
      const link = hrefsOf(listed.body).find((href) => href.includes(row.id))!;
      assert.equal(link, `/mailbox/?mail=${row.id}&contract=1000000002`);
      const opened = await get(link.slice(MAILBOX_PATH.length));
      assert.equal(opened.statusCode, 200);
      assert.match(opened.body, /<article class="card mail" data-id="ntf_[^"]+" data-kind="signed_in" data-status="sent">/);
      assert.match(opened.body, /<h1 class="mail__subject">【デモ信用金庫】ログインのお知らせ \/ /);
      assert.match(opened.body, /<dd class="mail__to">1000000002@demo\.mamori\.example<\/dd>/);
      assert.match(opened.body, /デモ信用金庫 &lt;no-reply@bank\.example&gt;/);
      assert.match(opened.body, /<span class="mail__contract">demo 1000000002<\/span>/);
      assert.match(opened.body, /<pre class="mail__body">守 太郎 様\n[\s\S]*\(English\)\n\nDear customer,/);
      assert.match(opened.body, /<a href="\/mailbox\/\?contract=1000000002">← 一覧に戻る<\/a>/, 'back to the filtered list');
      assert.match(opened.body, /<a href="\/mailbox\/\?institution=demo&amp;contract=1000000002">この契約のメールだけを表示<\/a>/);
      assert.equal((opened.body.match(/<article/g) ?? []).length, 1, 'one mail at a time');
    });

    it('filters by contract (and institution); digits typed full-width count', async () => {
      const rows = rowsOf((await get('?contract=1000000002')).body);
      assert.deepEqual(rows.map((r) => r.id), ids.filter((_, i) => i < 55 && i % 5 === 0).reverse());
      assert.ok(rows.every((r) => r.to === '1000000002@demo.mamori.example'));
      const both = rowsOf((await get('?contract=1000000001')).body);
      assert.equal(both.length, 45, 'the same contract ID at both institutions: 44 of demo, 1 of sample');
      assert.ok(both.some((r) => r.id === ids[55]));
      assert.deepEqual(rowsOf((await get('?institution=sample&contract=1000000001')).body).map((r) => r.id), [ids[55]]);
      const fullWidth = '1000000002'.replace(/\d/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0)); // １０…２
      const wide = await get(`?contract=${encodeURIComponent(fullWidth)}`);
      assert.equal(wide.statusCode, 200);
      assert.equal(rowsOf(wide.body).length, 11);
      assert.match(wide.body, /契約者ID 1000000002: 11件中 1–11件/);
      assert.match(wide.body, /<option value="sample">sample<\/option>/);
    });

    it('refuses a bad filter with its message, and an unknown mail with a 404, echoing neither into a link', async () => {
      for (const [query, message] of [
        ['?contract=12345', '契約者IDは10桁の数字で入力してください。'],
        ['?contract=1000000001@demo.mamori.example', '契約者IDは10桁の数字で入力してください。'],
        ['?contract=1&contract=2', '契約者IDは10桁の数字で入力してください。'],
        ['?institution=nowhere', 'その金融機関のメールはありません。一覧から選んでください。'],
        ['?page=0', 'ページ番号は1以上の数字です。'],
        ['?page=abc', 'ページ番号は1以上の数字です。'],
      ] as const) {
        const answer = await get(query);
        assert.equal(answer.statusCode, 400, query);
        assert.match(answer.body, new RegExp(`<div class="notice notice--error" role="alert" id="mailbox-problems"><p>${message}</p></div>`), query);
        assert.equal(rowsOf(answer.body).length, 0, `${query}: no list`);
        for (const href of hrefsOf(answer.body)) assert.ok(!/12345|@|nowhere|abc|page=0/.test(href), `${query}: ${href}`);
      }
      assert.match((await get('?contract=12345')).body, /name="contract" value="12345"[^>]*aria-describedby="mailbox-problems mailbox-contract-hint" aria-invalid="true"/, 'what was typed, marked');
      const english = await get('?contract=12345&lang=en');
      assert.match(english.body, /<html lang="en">/);
      assert.match(english.body, /role="alert" id="mailbox-problems"><p>The contract ID is 10 digits\.<\/p>/);
      for (const query of ['?mail=nonsense<script>', '?mail=ntf_doesnotexist', '?mail=']) {
        const answer = await get(query);
        assert.equal(answer.statusCode, 404, query);
        assert.match(answer.body, /role="alert"><p>そのメールはありません。<\/p>/);
        assert.doesNotMatch(answer.body, /nonsense|doesnotexist|<script>/, query);
      }
    });

    it('speaks English by ?lang=en or the remembered mamori_lang, and keeps a chosen language in its links', async () => {
      const byQuery = await get('?lang=en&contract=1000000002');
      assert.match(byQuery.body, /<html lang="en">/);
      assert.match(byQuery.body, /<h1>Mailbox \(development\)<\/h1>/);
      assert.match(byQuery.body, /Contract ID 1000000002: 1–11 of 11/);
      assert.match(byQuery.body, /<input type="hidden" name="lang" value="en">/, 'the filter form keeps it');
      const links = hrefsOf(byQuery.body).filter((href) => href.startsWith('/mailbox/?mail='));
      assert.ok(links.length === 11 && links.every((href) => href.endsWith('&contract=1000000002&lang=en')), links[0]);
      assert.match(byQuery.body, /<a href="\/mailbox\/\?contract=1000000002&amp;lang=ja" lang="ja" hreflang="ja">日本語<\/a>/);
      const byCookie = await get('', { cookie: 'mamori_lang=en' });
      assert.match(byCookie.body, /<html lang="en">/);
      assert.match(byCookie.body, /<a href="\/mailbox\/\?lang=ja" lang="ja" hreflang="ja">日本語<\/a>/);
      assert.match((await get()).body, /<html lang="ja">[\s\S]*<h1>メールボックス \(開発用\)<\/h1>/);
    });

    it('never puts an address into a link, and reads no address from the query', async () => {
      for (const query of ['', '?page=2', '?contract=1000000001', `?mail=${ids[3]}`, '?lang=en']) {
        for (const href of hrefsOf((await get(query)).body)) assert.ok(!href.includes('@') && !/%40/i.test(href), `${query}: ${href}`);
      }
      // The old ?to=<address> is not read: the whole list, not one address's mails.
      assert.equal(rowsOf((await get('?to=1000000002%40demo.mamori.example')).body).length, MAILS_PER_PAGE);
    });
  });
}
