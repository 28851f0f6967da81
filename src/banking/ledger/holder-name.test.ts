import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { holderNamesMatch, normalizeHolderName } from './holder-name.js';

const NORMALISED: [input: string, expected: string][] = [
  ['ﾔﾏﾀﾞ ﾀﾛｳ', 'ﾔﾏﾀﾞ ﾀﾛｳ'],
  ['ヤマダ　タロウ', 'ﾔﾏﾀﾞ ﾀﾛｳ'], // full-width katakana and ideographic space
  ['やまだ たろう', 'ﾔﾏﾀﾞ ﾀﾛｳ'], // hiragana
  ['パンダ', 'ﾊﾟﾝﾀﾞ'],
  ['ヴィヴァルディ', 'ｳﾞｨｳﾞｧﾙﾃﾞｨ'],
  ['ｶ)ﾏﾓﾘ', 'ｶ)ﾏﾓﾘ'],
  ['ＡＢＣ　ｓｈｏｊｉ', 'ABC SHOJI'], // full-width ASCII, lower case
  ['  ｽｽﾞｷ   ｲﾁﾛｰ ', 'ｽｽﾞｷ ｲﾁﾛｰ'],
  ['ジョン・スミス', 'ｼﾞｮﾝ ｽﾐｽ'],
  ['シャチョー', 'ｼｬﾁｮｰ'],
];

describe('holder names', () => {
  for (const [input, expected] of NORMALISED) {
    it(`normalises ${JSON.stringify(input)}`, () => {
      assert.deepEqual(normalizeHolderName(input), { ok: true, value: expected });
    });
  }

  it('maps every full-width katakana to half-width', () => {
    for (let code = 0x30a1; code <= 0x30f6; code++) {
      const result = normalizeHolderName(String.fromCodePoint(code));
      assert.ok(result.ok, `U+${code.toString(16)} ${String.fromCodePoint(code)}`);
    }
  });

  it('refuses kanji, empty and over-long names', () => {
    assert.deepEqual(normalizeHolderName('山田太郎'), { ok: false, error: 'holder_name_invalid_characters' });
    assert.deepEqual(normalizeHolderName('　 '), { ok: false, error: 'holder_name_empty' });
    assert.deepEqual(normalizeHolderName('ｱ'.repeat(31)), { ok: false, error: 'holder_name_too_long' });
    assert.deepEqual(normalizeHolderName('ｱ'.repeat(30)), { ok: true, value: 'ｱ'.repeat(30) });
  });

  it('matches ignoring spaces, width, script and small kana', () => {
    assert.ok(holderNamesMatch('ヤマダタロウ', 'ﾔﾏﾀﾞ ﾀﾛｳ'));
    assert.ok(holderNamesMatch('やまだ　たろう', 'ﾔﾏﾀﾞ ﾀﾛｳ'));
    assert.ok(holderNamesMatch('ｼﾞｮｳ ｹﾝｼﾞ', 'ｼﾞﾖｳ ｹﾝｼﾞ'));
    assert.ok(!holderNamesMatch('ヤマダハナコ', 'ﾔﾏﾀﾞ ﾀﾛｳ'));
    assert.ok(!holderNamesMatch('ヤマタタロウ', 'ﾔﾏﾀﾞ ﾀﾛｳ')); // voicing matters
    assert.ok(!holderNamesMatch('', 'ﾔﾏﾀﾞ ﾀﾛｳ'));
  });
});
