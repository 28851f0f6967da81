// Writes docs/authority-openapi.json from the document the server serves:
//   node --import tsx src/authority/http/write-openapi.ts
import { writeFileSync } from 'node:fs';
import { buildAuthorityOpenApi } from './openapi.js';

const target = new URL('../../../docs/authority-openapi.json', import.meta.url);
writeFileSync(target, `${JSON.stringify(buildAuthorityOpenApi(), null, 2)}\n`);
console.log(`wrote ${target.pathname}`);
