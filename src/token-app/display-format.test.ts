import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { codeGroups, formatYen, serialGroups, spokenGroups } from './display-format.js';

describe('display format', () => {
  it('groups a serial 4-4-4', () => {
    assert.deepEqual(serialGroups('MMOB12345674'), ['MMOB', '1234', '5674']);
  });

  it('groups codes 3+3 (and 8 digits 4+4)', () => {
    assert.deepEqual(codeGroups('123456'), ['123', '456']);
    assert.deepEqual(codeGroups('1234567'), ['123', '4567']);
    assert.deepEqual(codeGroups('12345678'), ['1234', '5678']);
  });

  it('spells the code out digit by digit for screen readers, pausing between groups', () => {
    assert.equal(spokenGroups(codeGroups('123456')), '1 2 3, 4 5 6');
    assert.equal(spokenGroups(codeGroups('007001')), '0 0 7, 0 0 1');
    assert.equal(spokenGroups(serialGroups('MMOB12345674')), 'M M O B, 1 2 3 4, 5 6 7 4');
  });

  it('writes yen with thousands separators', () => {
    assert.equal(formatYen(0), '0');
    assert.equal(formatYen(999), '999');
    assert.equal(formatYen(1000), '1,000');
    assert.equal(formatYen(999_999_999_999), '999,999,999,999');
  });
});
