// A real SMTP server in a child process, for the notification tests (smtp-server, the
// counterpart of nodemailer). Prints `port N` once listening, then one JSON line per message it
// accepts: {"mail":{"from","to":[…],"raw"}}. Its behaviour comes from argv[2] (JSON):
//   failFirst: N      answer the first N messages with `failCode` (default 451: try later)
//   rejectTo: "x@"    answer recipients containing it with 550 (refused for good)
//   acceptDelayMs: N  wait before accepting each message (a slow relay)
import { SMTPServer } from 'smtp-server';

interface Behaviour {
  failFirst?: number;
  failCode?: number;
  rejectTo?: string;
  acceptDelayMs?: number;
}

const behaviour = JSON.parse(process.argv[2] ?? '{}') as Behaviour;
let seen = 0;

const server = new SMTPServer({
  authOptional: true,
  // Plain SMTP on loopback: no self-signed STARTTLS for the client to trip over.
  disabledCommands: ['STARTTLS'],
  logger: false,
  onRcptTo(address, _session, callback) {
    if (behaviour.rejectTo !== undefined && address.address.includes(behaviour.rejectTo)) {
      return callback(Object.assign(new Error('mailbox unavailable'), { responseCode: 550 }));
    }
    callback();
  },
  onData(stream, session, callback) {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      seen += 1;
      if (seen <= (behaviour.failFirst ?? 0)) {
        return callback(Object.assign(new Error('try again later'), { responseCode: behaviour.failCode ?? 451 }));
      }
      const accept = () => {
        const mail = {
          from: session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address,
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        };
        process.stdout.write(`${JSON.stringify({ mail })}\n`, () => callback());
      };
      if (behaviour.acceptDelayMs) setTimeout(accept, behaviour.acceptDelayMs);
      else accept();
    });
  },
});

server.listen(0, '127.0.0.1', () => {
  const address = server.server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  process.stdout.write(`port ${address.port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
