// Payees in the console's history: the bank and branch by their full names, the account masked.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fullBankName, fullBranchName } from './payee-names.js';

describe('full bank and branch names', () => {
  it('zengin’s short names become the names a branch terminal writes', () => {
    assert.equal(fullBankName('みずほ'), 'みずほ銀行');
    assert.equal(fullBankName('三菱ＵＦＪ'), '三菱ＵＦＪ銀行');
    assert.equal(fullBankName('ゆうちょ'), 'ゆうちょ銀行');
    assert.equal(fullBankName('北海道信金'), '北海道信用金庫');
    assert.equal(fullBankName('いわき信組'), 'いわき信用組合');
    assert.equal(fullBankName('中央労金'), '中央労働金庫');
  });

  it('a full name, a co-operative or a foreign bank’s own name stays as it is', () => {
    for (const name of ['デモ信用金庫', '農林中金', '信金中央金庫', '労金連', 'ＪＡ東京中央農協', 'シティバンク、エヌ・エイ', 'みずほ銀行']) assert.equal(fullBankName(name), name);
  });

  it('branches get 支店 unless their name already says what they are', () => {
    assert.equal(fullBranchName('丸の内中央'), '丸の内中央支店');
    for (const name of ['本店', '東京営業部', '駅前出張所', '本店営業部']) assert.equal(fullBranchName(name), name);
  });
});
