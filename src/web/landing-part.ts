// The platform's front door at `/`: which institutions this process serves, with their bank
// site and branch console, and the browser token. Public information only; no state changes.
import type { FastifyInstance } from 'fastify';
import type { Database } from '../db/database.js';
import { listInstitutions } from '../banking/institutions.js';
import type { AppParts } from './app.js';
import { STYLESHEET_PATH } from './assets.js';
import { html } from './html.js';
import { setSecurityHeaders } from './security-headers.js';
import { documentHead } from './page-head.js';

export function landingPart(deps: { database: Database; tokenAppPath: string | undefined }): AppParts {
  return {
    register(app: FastifyInstance) {
      app.get('/', async (_request, reply) => {
        const institutions = await listInstitutions(deps.database.db);
        setSecurityHeaders(reply);
        reply.header('Cache-Control', 'no-store');
        const page = html`${documentHead({ lang: 'ja', title: 'Mamori インターネットバンキング / Internet banking', stylesheets: [STYLESHEET_PATH] })}
<body>
<main id="main" class="site-main">
<section class="card">
<h1>Mamori</h1>
<p>インターネットバンキング / Internet banking</p>
<h2>金融機関 / Institutions</h2>
<ul>
${institutions.map(
  (institution) => html`<li>${institution.name} (${institution.nameEn}):
  <a href="/ib/${institution.slug}/">パーソナルWeb / Personal Web</a> ·
  <a href="/branch/${institution.slug}/">営業店端末 / Branch console</a></li>`,
)}
</ul>
${deps.tokenAppPath === undefined ? '' : html`<h2>ソフトウェアトークン / Software token</h2>
<p><a href="${deps.tokenAppPath}">ワンタイムパスワード アプリ / One-time password app</a></p>`}
</section>
</main>
</body>
</html>`;
        return reply.type('text/html; charset=utf-8').send(page.toString());
      });
    },
  };
}
