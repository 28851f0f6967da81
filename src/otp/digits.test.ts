import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { normalizeDigitInput } from './digits.js';

describe('normalizeDigitInput', () => {
  it('turns full-width and Arabic-Indic digits into ASCII and removes spaces and hyphens', () => {
    assert.equal(normalizeDigitInput('１２３４５６'), '123456');
    assert.equal(normalizeDigitInput('١٢٣٤٥٦'), '123456');
    assert.equal(normalizeDigitInput('۱۲۳۴۵۶'), '123456');
    assert.equal(normalizeDigitInput(' 123 456 '), '123456');
    assert.equal(normalizeDigitInput('123-456'), '123456');
    assert.equal(normalizeDigitInput('１２３　４５６'), '123456');
    assert.equal(normalizeDigitInput('１２３－４５６'), '123456');
    assert.equal(normalizeDigitInput('１２３ー４５６'), '123456');
    assert.equal(normalizeDigitInput('0123456789'), '0123456789');
    assert.equal(normalizeDigitInput('０１２３４５６７８９'), '0123456789');
  });

  it('leaves everything else alone so that strict checks still reject it', () => {
    assert.equal(normalizeDigitInput('12a456'), '12a456');
    assert.equal(normalizeDigitInput('+123456'), '+123456');
    assert.equal(normalizeDigitInput('१२३'), '१२३'); // Devanagari digits are not converted
    assert.throws(() => normalizeDigitInput(123456 as never), TypeError);
  });

  it('is idempotent and never lengthens the input (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (input) => {
        const once = normalizeDigitInput(input);
        assert.equal(normalizeDigitInput(once), once);
        assert.ok(once.length <= input.length);
      }),
    );
  });
});
