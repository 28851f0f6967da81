import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bankDirectoryStats, bankNames, branchNames, findBank, findBranch, searchBanks, searchBranches, searchKey, type BankEntry } from './bank-directory.js';
import { parseAmountYen } from './amount.js';

const OWN: BankEntry[] = [{ code: '9990', name: 'デモ信用金庫', kana: '', branches: [{ code: '001', name: '本店', kana: 'ホンテン' }] }];

describe('bank directory (zengin-code)', () => {
  it('loads lazily, once, and says what it cost', () => {
    assert.equal(bankDirectoryStats().loaded, false, 'nothing is loaded before the first lookup');
    searchBanks('0001');
    const stats = bankDirectoryStats();
    assert.equal(stats.loaded, true);
    assert.ok(stats.banks > 1000, `${stats.banks} banks`);
    // Measured on the development machine: 300–500 ms and about 20 MB of heap for the 5 MB module
    // (printed below, never asserted: a time bound fails on a loaded machine). An eager load is
    // caught above, a repeated one below.
    console.log(`zengin-code: ${stats.banks} banks, loaded and indexed in ${stats.loadMs} ms, heap +${Math.round(stats.heapDeltaBytes / 1e6)} MB`);
    searchBanks('みずほ');
    assert.deepEqual(bankDirectoryStats(), stats, 'a second lookup loads nothing');
  });

  it('finds banks by code prefix, name, kana, hiragana and romaji', () => {
    assert.deepEqual(searchBanks('0001')[0], { code: '0001', name: 'みずほ', kana: 'ミズホ' });
    assert.deepEqual(searchBanks('みずほ')[0]?.code, '0001');
    assert.deepEqual(searchBanks('ミズホ')[0]?.code, '0001');
    assert.deepEqual(searchBanks('ﾐｽﾞﾎ')[0]?.code, '0001');
    assert.deepEqual(searchBanks('mizuho')[0]?.code, '0001');
    assert.deepEqual(searchBanks('みずほ銀行')[0]?.code, '0001');
    assert.ok(searchBanks('三菱ＵＦＪ').some((b) => b.code === '0005'));
    assert.ok(searchBanks('三菱UFJ銀行').some((b) => b.code === '0005'));
    assert.ok(searchBanks('しょうこうちゅうきん').some((b) => b.code === '2004'), 'small kana typed, large kana stored');
    assert.ok(searchBanks('北海道信用金庫').some((b) => b.code === '1001'));
    assert.equal(searchBanks('').length, 0);
    assert.equal(searchBanks('000', { limit: 3 }).length, 3);
  });

  it('lists prefix matches before matches inside the name', () => {
    const results = searchBanks('しんきん', { limit: 50 });
    assert.ok(results.length > 0);
    const firstInside = results.findIndex((b) => !searchKey(b.kana).startsWith('しんきん'));
    assert.ok(results.slice(firstInside).every((b) => !searchKey(b.kana).startsWith('しんきん')));
  });

  it('finds branches by code or name, and the platform\'s own banks first', () => {
    assert.deepEqual(findBranch('0001', '100'), { code: '100', name: '本店', kana: 'ホンテン' });
    assert.ok(searchBranches('0001', 'ほんてん').some((b) => b.code === '100'));
    assert.ok(searchBranches('0001', '10').every((b) => b.code.startsWith('10')));
    assert.deepEqual(searchBranches('9999', 'ほんてん'), []);
    assert.deepEqual(searchBanks('デモ', { extraBanks: OWN })[0]?.code, '9990');
    assert.deepEqual(searchBanks('デモ信金', { extraBanks: OWN })[0]?.code, '9990');
    assert.deepEqual(searchBanks('9990', { extraBanks: OWN })[0]?.name, 'デモ信用金庫');
    assert.deepEqual(findBank('9990', { extraBanks: OWN })?.name, 'デモ信用金庫');
    assert.equal(findBank('9990'), undefined);
    assert.deepEqual(searchBranches('9990', '本店', { extraBanks: OWN }), [{ code: '001', name: '本店', kana: 'ホンテン' }]);
  });
});

describe('the names the pages show (bank-names.ts)', () => {
  it('full Japanese names for the directory\'s short ones, and the romanised ones in English', () => {
    const cases: [string, string, string | undefined][] = [
      ['0001', 'みずほ銀行', 'Mizuho Bank'],
      ['0005', '三菱ＵＦＪ銀行', 'Mitsubishiyu-efujiei Bank'],
      ['0288', '三菱ＵＦＪ信託銀行', 'Mitsubishiufjshintaku Bank'],
      ['0401', 'シティバンク、エヌ・エイ', 'Shiteibanku'],
      ['1001', '北海道信用金庫', 'Hotsukaidou Shinkin Bank'],
      ['1000', '信金中央金庫', 'Shinkin Central Bank'],
      ['2004', '商工組合中央金庫', 'Shoko Chukin Bank'],
      ['9900', 'ゆうちょ銀行', 'Japan Post Bank'],
      ['3000', '農林中央金庫', 'Norinchukin Bank'],
    ];
    for (const [code, ja, en] of cases) assert.deepEqual(bankNames(code), { ja, en }, code);
    // Every kind's ending is written out: no short form is left.
    for (const code of ['1001', '2011', '2951', '3001', '5001', '9450']) {
      const names = bankNames(code);
      if (names) assert.doesNotMatch(names.ja, /(信金|信組|労金|信連|農協|漁協|信漁連)$/, `${code} ${names.ja}`);
    }
    assert.equal(bankNames('9999'), undefined);
  });

  it('branches: 支店 added where the name has no kind; 本店 is Head Office; the platform\'s own by their configured names', () => {
    assert.deepEqual(branchNames('0001', '100'), { ja: '本店', en: 'Head Office' });
    assert.deepEqual(branchNames('0001', '107'), { ja: '上野支店', en: 'Ueno Branch' });
    const own: BankEntry[] = [{ code: '9990', name: 'デモ信用金庫', nameEn: 'Demo Shinkin Bank', kana: '', branches: [{ code: '001', name: '本店', kana: 'ホンテン' }, { code: '002', name: '駅前', kana: 'エキマエ' }] }];
    assert.deepEqual(bankNames('9990', { extraBanks: own }), { ja: 'デモ信用金庫', en: 'Demo Shinkin Bank' });
    assert.deepEqual(branchNames('9990', '001', { extraBanks: own }), { ja: '本店', en: 'Head Office' });
    assert.deepEqual(branchNames('9990', '002', { extraBanks: own }), { ja: '駅前支店', en: undefined }, 'no romanised name on record');
    assert.equal(branchNames('9990', '003', { extraBanks: own }), undefined);
  });
});

describe('amount input', () => {
  const CASES: [string, ReturnType<typeof parseAmountYen>][] = [
    ['1000', { ok: true, value: 1000 }],
    [' 1000 ', { ok: true, value: 1000 }],
    ['01000', { ok: true, value: 1000 }],
    ['1', { ok: true, value: 1 }],
    ['999999999999', { ok: true, value: 999_999_999_999 }],
    ['1000000000000', { ok: false, error: 'amount_too_large' }],
    ['0', { ok: false, error: 'amount_not_positive' }],
    ['000', { ok: false, error: 'amount_not_positive' }],
    ['-1', { ok: false, error: 'amount_not_positive' }],
    ['-1.5', { ok: false, error: 'amount_not_positive' }],
    ['1000.5', { ok: false, error: 'amount_not_integer' }],
    ['1.000', { ok: false, error: 'amount_not_integer' }],
    ['.5', { ok: false, error: 'amount_not_integer' }],
    ['1,000', { ok: false, error: 'amount_has_separators' }],
    ['1,000,000', { ok: false, error: 'amount_has_separators' }],
    ['1000,5', { ok: false, error: 'amount_has_separators' }],
    ['10 000', { ok: false, error: 'amount_has_separators' }],
    ['１０００', { ok: false, error: 'amount_full_width' }],
    ['1０00', { ok: false, error: 'amount_full_width' }],
    ['1，000', { ok: false, error: 'amount_full_width' }],
    ['', { ok: false, error: 'amount_required' }],
    ['   ', { ok: false, error: 'amount_required' }],
    ['千円', { ok: false, error: 'amount_not_a_number' }],
    ['1000円', { ok: false, error: 'amount_not_a_number' }],
    ['¥1000', { ok: false, error: 'amount_not_a_number' }],
    ['1e3', { ok: false, error: 'amount_not_a_number' }],
    ['0x10', { ok: false, error: 'amount_not_a_number' }],
    ['Infinity', { ok: false, error: 'amount_not_a_number' }],
    ['NaN', { ok: false, error: 'amount_not_a_number' }],
  ];
  for (const [typed, expected] of CASES) {
    it(`reads ${JSON.stringify(typed)}`, () => assert.deepEqual(parseAmountYen(typed), expected));
  }
});
