// The QR code is markup we trust into the page: it must carry no script, no inline style (the
// CSP forbids them) and an escaped title, whatever text it encodes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { qrSvg } from './qr-svg.js';

describe('qrSvg', () => {
  it('draws an SVG with an escaped title and no inline style or script', () => {
    const svg = qrSvg('mamori-tx:v1?account=1000002&amount=7000', { label: '取引認証 <script>alert(1)</script>' }).toString();
    assert.match(svg, /^<svg class="qr-code" /);
    assert.match(svg, /<title>取引認証 &lt;script&gt;alert\(1\)&lt;\/script&gt;<\/title>/);
    assert.ok(!/<script/i.test(svg));
    assert.ok(!/style=/i.test(svg));
    assert.ok(!svg.includes('mamori-tx'), 'the payload is in the modules, not in the markup');
  });

  it('gives different codes for different payloads', () => {
    const a = qrSvg('mamori-tx:v1?account=1000002&amount=7000', { label: 'x' }).toString();
    const b = qrSvg('mamori-tx:v1?account=1000002&amount=70000', { label: 'x' }).toString();
    assert.notEqual(a, b);
  });
});
