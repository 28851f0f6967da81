import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  SERIAL_PREFIX_BY_KIND,
  formatSerial,
  generateSerial,
  kindOfSerial,
  luhnCheckDigit,
  normalizeSerial,
  type TokenKind,
} from './serial.js';

const kinds = Object.keys(SERIAL_PREFIX_BY_KIND) as TokenKind[];
const serials = fc
  .tuple(fc.constantFrom(...kinds), fc.stringMatching(/^[0-9]{7}$/))
  .map(([kind, randomDigits]) => generateSerial({ kind, randomDigits }));

/** Full-width forms of ASCII letters and digits (U+FF01..U+FF5E mirror U+0021..U+007E). */
const fullWidth = (text: string): string => text.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

describe('serial numbers', () => {
  it('computes Luhn check digits (ISO/IEC 7812-1)', () => {
    assert.equal(luhnCheckDigit('7992739871'), 3); // the classic example
    assert.equal(luhnCheckDigit('0'), 0);
    assert.equal(luhnCheckDigit('1234567'), 4);
    assert.throws(() => luhnCheckDigit(''), TypeError);
    assert.throws(() => luhnCheckDigit('12a'), TypeError);
  });

  it('generates 4 letters naming the kind and 8 digits ending in the check digit', () => {
    assert.equal(generateSerial({ kind: 'mobile', randomDigits: '1234567' }), 'MMOB12345674');
    assert.equal(generateSerial({ kind: 'desktop', randomDigits: '0000000' }), 'MDSK00000000');
    assert.equal(kindOfSerial('MMOB12345674'), 'mobile');
    assert.equal(kindOfSerial('MDSK00000000'), 'desktop');
    assert.equal(kindOfSerial('SYMC12345674'), null);
    assert.equal(kindOfSerial('mmob12345674'), null);
    assert.equal(formatSerial('MMOB12345674'), 'MMOB 1234 5674');
    for (const randomDigits of ['123456', '12345678', '123456a', '１２３４５６７']) {
      assert.throws(() => generateSerial({ kind: 'mobile', randomDigits }), TypeError);
    }
    assert.throws(() => generateSerial({ kind: 'tablet' as never, randomDigits: '1234567' }), TypeError);
    assert.throws(() => formatSerial('MMOB 1234 5674'), TypeError);
  });

  it('normalises what customers type: case, spaces, hyphens, full width, ー and ideographic space', () => {
    const expected = { ok: true, serial: 'MMOB12345674' };
    for (const typed of [
      'MMOB12345674',
      'mmob12345674',
      'MMOB 1234 5674',
      'MMOB-1234-5674',
      ' mmob-1234 5674 ',
      'ＭＭＯＢ１２３４５６７４',
      'ｍｍｏｂ　１２３４　５６７４',
      'ＭＭＯＢ－１２３４－５６７４',
      'MMOBー1234ー5674',
      'MMOB‐1234–5674',
      'MMOB\t1234\n5674',
    ]) {
      assert.deepEqual(normalizeSerial(typed), expected, typed);
    }
    assert.deepEqual(normalizeSerial(''), { ok: false, reason: 'empty' });
    assert.deepEqual(normalizeSerial(' -　ー '), { ok: false, reason: 'empty' });
    for (const typed of ['MMOB1234567', 'MMOB123456745', 'MMO812345674', '1234MMOB5674', 'MMOB1234567X', 'ßMOB12345674', 'MMOB١٢٣٤٥٦٧٤']) {
      assert.deepEqual(normalizeSerial(typed), { ok: false, reason: 'malformed' }, typed);
    }
    assert.deepEqual(normalizeSerial('MMOB12345675'), { ok: false, reason: 'check_digit' });
    assert.deepEqual(normalizeSerial(42 as never), { ok: false, reason: 'malformed' });
  });

  it('generated serials normalise to themselves, also when typed differently (property)', () => {
    fc.assert(
      fc.property(serials, fc.constantFrom(' ', '-', 'ー', '－', '　', ''), fc.boolean(), fc.boolean(), (serial, separator, lower, wide) => {
        assert.deepEqual(normalizeSerial(serial), { ok: true, serial });
        let typed = formatSerial(serial).replace(/ /g, separator);
        if (lower) typed = typed.toLowerCase();
        if (wide) typed = fullWidth(typed);
        assert.deepEqual(normalizeSerial(typed), { ok: true, serial }, typed);
      }),
    );
  });

  it('catches every single-digit change with the Luhn digit (property)', () => {
    fc.assert(
      fc.property(serials, fc.integer({ min: 4, max: 11 }), fc.integer({ min: 1, max: 9 }), (serial, position, delta) => {
        const digit = (serial.charCodeAt(position) - 0x30 + delta) % 10;
        const changed = serial.slice(0, position) + String(digit) + serial.slice(position + 1);
        assert.deepEqual(normalizeSerial(changed), { ok: false, reason: 'check_digit' });
      }),
    );
  });
});
