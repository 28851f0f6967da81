import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { driftInMinuteSteps, learnedDrift } from './drift.js';

describe('learnedDrift', () => {
  it('moves the centre onto a code accepted one step off, within the bound', () => {
    const cases: [drift: number, offset: number, expected: number | undefined][] = [
      [0, 0, undefined],
      [0, 1, 1],
      [0, -1, -1],
      [3, 3, undefined],
      [3, 4, 4],
      [3, 2, 2],
      [10, 11, undefined], // beyond the bound: only a resync goes further
      [-10, -11, undefined],
      [10, 9, 9],
      [30, 29, 29], // after a wide resync, moving back toward zero is always learnt
      [30, 31, undefined],
    ];
    for (const [driftSteps, offset, expected] of cases) {
      assert.equal(learnedDrift({ driftSteps, offset, maxLearnedDriftSteps: 10 }), expected, `drift ${driftSteps}, offset ${offset}`);
    }
  });
});

describe('driftInMinuteSteps', () => {
  it('converts 30-second steps to the nearest minute', () => {
    assert.equal(driftInMinuteSteps({ driftSteps: 0, periodSeconds: 30 }), 0);
    assert.equal(driftInMinuteSteps({ driftSteps: 4, periodSeconds: 30 }), 2);
    assert.equal(driftInMinuteSteps({ driftSteps: 3, periodSeconds: 30 }), 2);
    assert.equal(driftInMinuteSteps({ driftSteps: -4, periodSeconds: 30 }), -2);
  });
});
