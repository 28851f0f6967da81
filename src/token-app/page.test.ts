// Static checks of the page and its words: every key the page names exists in both languages,
// the seed's words are there verbatim, and the page has nothing the CSP would block (inline
// script, inline style, event-handler attributes).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { LANGS } from '../shared/text.js';
import { formatMessage, isMessageKey, MESSAGES } from './messages.js';

const html = readFileSync(new URL('./index.html', import.meta.url), 'utf8');

describe('index.html', () => {
  it('names only message keys that exist', () => {
    const keys = [...html.matchAll(/data-i18n(?:-aria-label|-paragraphs)?="([^"]+)"/g)].map((match) => match[1] as string);
    assert.ok(keys.length > 40);
    for (const key of keys) assert.ok(isMessageKey(key), `unknown message key ${key}`);
  });

  it('has no inline script, inline style or event-handler attribute (CSP: self only)', () => {
    for (const match of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)) {
      assert.match(match[1] as string, /\bsrc="\/token\/app\.js"/);
      assert.equal((match[2] as string).trim(), '');
    }
    assert.doesNotMatch(html, /<style\b/);
    assert.doesNotMatch(html, /\sstyle="/);
    assert.doesNotMatch(html, /\son[a-z]+="/);
    assert.doesNotMatch(html, /javascript:/);
  });

  it('gives every element id once', () => {
    const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((match) => match[1]);
    assert.equal(new Set(ids).size, ids.length);
  });
});

describe('messages', () => {
  it('has every message in both languages, of the same shape', () => {
    const keys = Object.keys(MESSAGES);
    assert.ok(keys.length > 40);
    for (const key of keys) {
      assert.ok(isMessageKey(key), key);
      const entry = MESSAGES[key];
      assert.deepEqual(Object.keys(entry).sort(), [...LANGS].sort(), key);
      for (const language of LANGS) {
        const message = entry[language];
        assert.equal(Array.isArray(message), Array.isArray(entry.ja), `${language} ${key}: a line in one language, paragraphs in the other`);
        assert.ok(message.length > 0, `${language} ${key} is empty`);
        if (Array.isArray(message)) for (const paragraph of message) assert.ok(paragraph.length > 0, `${language} ${key} has an empty paragraph`);
      }
    }
  });

  it("uses seed 000's words for the first run", () => {
    assert.equal(formatMessage('ja', 'terms.title'), '利用規定');
    assert.equal(formatMessage('ja', 'terms.accept'), '利用開始');
    assert.equal(formatMessage('ja', 'howto.title'), '操作説明');
    assert.equal(formatMessage('ja', 'howto.accept'), '利用開始');
    assert.equal(formatMessage('ja', 'notice.text'), '本アプリを利用するには、インターネットバンキングで、利用開始(登録)の操作が必要となります。');
    assert.equal(formatMessage('ja', 'notice.ok'), 'OK');
    assert.equal(formatMessage('ja', 'otp.serial'), 'シリアル番号');
    assert.equal(formatMessage('ja', 'otp.code'), 'ワンタイムパスワード');
  });

  it('fills placeholders', () => {
    assert.equal(formatMessage('ja', 'otp.secondsLeft', { seconds: '12' }), '残り12秒');
    assert.equal(formatMessage('en', 'tx.forAmount', { account: '1234567', amount: '10,000' }), 'Account 1234567, amount ¥10,000');
  });
});
