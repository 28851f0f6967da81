// How a notification leaves: over SMTP to the bank's mail relay (MAMORI_SMTP_URL, nodemailer),
// or — in the embedded default without a relay — nowhere: the development mailbox page shows
// the outbox instead, and the row is marked sent "to the mailbox".
import nodemailer from 'nodemailer';

export interface OutgoingMail {
  /** The outbox id; also the Message-ID, so a resend after a crash is recognisable as such. */
  id: string;
  from: { name: string; address: string };
  to: string;
  subject: string;
  text: string;
}

export interface MailTransport {
  readonly name: 'smtp' | 'mailbox';
  /** Resolves once the relay has accepted the message; throws a MailSendError otherwise. */
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

export class MailSendError extends Error {
  /** True when retrying cannot help (SMTP 5xx: the relay refused this message for good). */
  readonly permanent: boolean;
  constructor(message: string, options: { permanent: boolean; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.name = 'MailSendError';
    this.permanent = options.permanent;
  }
}

/** The local mailbox of development: nothing is sent anywhere. */
export const mailboxTransport: MailTransport = {
  name: 'mailbox',
  send: async () => {},
  close: () => {},
};

export interface SmtpTransportOptions {
  url: string;
  /** Upper bound of one message's connect + dialogue; the outbox lease must be longer. */
  timeoutMs?: number;
}

export function createSmtpTransport(options: SmtpTransportOptions): MailTransport {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const transporter = nodemailer.createTransport({
    url: options.url,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    // Never log the dialogue: it carries the relay's credentials (AUTH) and the messages.
    logger: false,
    debug: false,
  });
  return {
    name: 'smtp',
    async send(mail) {
      try {
        await transporter.sendMail({
          from: { name: mail.from.name, address: mail.from.address },
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
          messageId: `<${mail.id}@mamori.notifications>`,
          // RFC 3834: an automatic message; well-behaved responders do not answer it.
          headers: { 'Auto-Submitted': 'auto-generated' },
          disableFileAccess: true,
          disableUrlAccess: true,
        });
      } catch (error) {
        const responseCode = (error as { responseCode?: unknown }).responseCode;
        const permanent = typeof responseCode === 'number' && responseCode >= 500 && responseCode < 600;
        throw new MailSendError(describeSmtpError(error), { permanent, cause: error });
      }
    },
    close: () => transporter.close(),
  };
}

/** A short reason for the outbox row and the log: the relay's code and words, no credentials. */
function describeSmtpError(error: unknown): string {
  const e = error as { code?: unknown; responseCode?: unknown; response?: unknown; message?: unknown };
  const parts = [typeof e.code === 'string' ? e.code : undefined, typeof e.responseCode === 'number' ? String(e.responseCode) : undefined];
  const text = typeof e.response === 'string' ? e.response : typeof e.message === 'string' ? e.message : 'unknown error';
  return [...parts.filter(Boolean), text.replace(/\s+/g, ' ').slice(0, 200)].join(' ');
}
