import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { constantTimeEqual } from './constant-time.js';

describe('constantTimeEqual', () => {
  it('is equality of strings', () => {
    assert.equal(constantTimeEqual('', ''), true);
    assert.equal(constantTimeEqual('123456', '123456'), true);
    assert.equal(constantTimeEqual('123456', '123457'), false);
    assert.equal(constantTimeEqual('023456', '123456'), false);
    assert.equal(constantTimeEqual('12345', '123456'), false);
    assert.equal(constantTimeEqual('123456', '12345'), false);
    fc.assert(fc.property(fc.string(), fc.string(), (a, b) => constantTimeEqual(a, b) === (a === b)));
    fc.assert(fc.property(fc.string(), (a) => constantTimeEqual(a, a)));
  });
});
