// A QR code as inline SVG, drawn on the server: the page keeps working without JavaScript and
// under a CSP that allows no inline style or data: image (the SVG uses presentation attributes
// only). Used for the transaction payload on the 取引認証 step, which the browser token scans.
// qrcode-generator does the encoding; the markup is built here from its modules, so nothing
// but numbers and the escaped label reaches the page.
import qrcode from 'qrcode-generator';
import { html, type SafeHtml } from './html.js';

const QUIET_ZONE_MODULES = 4; // ISO/IEC 18004 asks for a 4-module margin

export function qrSvg(text: string, options: { label: string }): SafeHtml {
  // Error correction level M (15%): a phone camera pointed at a screen reads it reliably.
  const qr = qrcode(0, 'M');
  qr.addData(text, 'Byte');
  qr.make();
  const count = qr.getModuleCount();
  const size = count + 2 * QUIET_ZONE_MODULES;
  let path = '';
  for (let row = 0; row < count; row++) {
    for (let col = 0; col < count; col++) {
      if (qr.isDark(row, col)) path += `M${col + QUIET_ZONE_MODULES},${row + QUIET_ZONE_MODULES}h1v1h-1z`;
    }
  }
  return html`<svg class="qr-code" role="img" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${size} ${size}" shape-rendering="crispEdges"><title>${options.label}</title><rect width="${size}" height="${size}" fill="#fff"/><path d="${path}" fill="#000"/></svg>`;
}
