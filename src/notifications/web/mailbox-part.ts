// GET /mailbox/ (development only): the notifications of the outbox, newest first, as the
// customers would receive them. server.ts mounts it only in development mode: in production
// these are customers' messages, and they go to the mail relay.
import type { FastifyInstance } from 'fastify';
import type { Database } from '../../db/database.js';
import type { AppParts } from '../../web/app.js';
import { registerAssets, STYLESHEET_PATH } from '../../web/assets.js';
import { japanDateTime } from '../../shared/japan-time.js';
import { html } from '../../web/html.js';
import { addSecurityHeaders } from '../../web/security-headers.js';
import { listMailbox, type MailboxMessage } from '../mailbox.js';
import { documentHead } from '../../web/page-head.js';

export const MAILBOX_PATH = '/mailbox/';
const MAILBOX_STYLESHEET_PATH = '/mailbox/mailbox.css';
// Messages are plain text with long lines: wrapped, so a phone shows them without sideways scrolling.
const MAILBOX_CSS = `.mail__body { white-space: pre-wrap; overflow-wrap: anywhere; font-size: 0.9rem; line-height: 1.6; margin: 0; }
.mail h2 { font-size: 1rem; overflow-wrap: anywhere; }
.mail .hint { font-size: 0.8rem; color: #555; overflow-wrap: anywhere; }
.site-main h1, .site-main .lead { overflow-wrap: anywhere; }
`;

export function mailboxPart(deps: { database: Database; mailFrom: string }): AppParts {
  return {
    async register(app: FastifyInstance) {
      registerAssets(app);
      await app.register(async (scope) => {
        addSecurityHeaders(scope);
        scope.get('/mailbox', async (_request, reply) => reply.redirect(MAILBOX_PATH, 302));
        scope.get(MAILBOX_STYLESHEET_PATH, async (_request, reply) => reply.type('text/css; charset=utf-8').header('Cache-Control', 'public, max-age=300').send(MAILBOX_CSS));
        scope.get(MAILBOX_PATH, async (request, reply) => {
          const query = request.query as Record<string, unknown>;
          const recipient = typeof query.to === 'string' && query.to.length <= 254 ? query.to : undefined;
          const messages = await listMailbox(deps.database.db, recipient === undefined ? {} : { recipient });
          return reply.type('text/html; charset=utf-8').send(mailboxPage({ messages, recipient, mailFrom: deps.mailFrom }).value);
        });
      });
    },
  };
}

function mailboxPage(input: { messages: MailboxMessage[]; recipient: string | undefined; mailFrom: string }) {
  return html`${documentHead({ lang: 'ja', title: 'メールボックス (開発用) / Mailbox (development)', stylesheets: [STYLESHEET_PATH, MAILBOX_STYLESHEET_PATH], noIndex: true })}
<body>
<header class="site-header"><div class="site-header__inner"><p class="site-header__name">Mamori メールボックス <span class="site-header__service">Mailbox — development only: what would have been sent</span></p></div></header>
<main class="site-main" id="main">
<h1>送信されるはずだった通知 (新しい順) / Notifications, newest first</h1>
<p class="lead">${input.recipient === undefined ? `${input.messages.length}件 / ${input.messages.length} messages` : `${input.recipient}: ${input.messages.length}件`} — From: ${input.mailFrom}</p>
${input.messages.map(
  (m) => html`<article class="card mail" data-kind="${m.kind}" data-status="${m.status}">
<h2>${m.subject}</h2>
<p class="hint">To: ${m.recipient} — From: ${m.senderName} &lt;${input.mailFrom}&gt; — ${japanDateTime(m.createdAtMs)} — ${m.status}</p>
<pre class="mail__body">${m.body}</pre>
</article>`,
)}
</main>
</body>
</html>`;
}
