import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { FakeFailure } from '@kith/sdk/testing';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';

/** A message the server accepted: the SMTP envelope, the raw bytes, and the parsed MIME. */
export interface ReceivedMail {
  from: string;
  to: string[];
  raw: Buffer;
  parsed: ParsedMail;
}

export interface FakeSmtp {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly pass: string;
  readonly mails: ReceivedMail[];
  /** The next message fails this way: a refused login (535), a throttle (451 at MAIL FROM), a local error (451 at DATA). */
  failNext(failure: FakeFailure): void;
  close(): Promise<void>;
}

/** An SMTP reply error as smtp-server sends it: the code and the text the client sees. */
function reply(code: number, text: string): Error & { responseCode: number } {
  return Object.assign(new Error(text), { responseCode: code });
}

/**
 * A real SMTP server on 127.0.0.1 (random port) that requires a login and parses what it
 * accepts with mailparser. Plain SMTP, no STARTTLS offered: the test's own loopback.
 */
export interface FakeSmtpOptions {
  user?: string;
  pass?: string;
  /** Mailboxes that do not exist: RCPT TO answers 550 5.1.1. */
  unknownRecipients?: readonly string[];
}

export async function startFakeSmtp(options: FakeSmtpOptions = {}): Promise<FakeSmtp> {
  const user = options.user ?? 'kith';
  const pass = options.pass ?? randomBytes(12).toString('base64url');
  const mails: ReceivedMail[] = [];
  const failures: FakeFailure[] = [];
  const take = (kind: FakeFailure['kind']) => (failures[0]?.kind === kind ? failures.shift() : undefined);

  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    onAuth(auth, _session, callback) {
      if (take('auth') !== undefined || auth.username !== user || auth.password !== pass) {
        return callback(reply(535, '5.7.8 Authentication credentials invalid'));
      }
      callback(null, { user: auth.username });
    },
    onMailFrom(_address: SMTPServerAddress, _session, callback) {
      const f = take('rate-limited');
      if (f?.kind === 'rate-limited') {
        const s = Math.ceil(f.retryAfterMs / 1000);
        return callback(reply(451, `4.7.1 Rate limit exceeded, try again in ${s} seconds`));
      }
      callback();
    },
    onRcptTo(address: SMTPServerAddress, _session, callback) {
      if (options.unknownRecipients?.includes(address.address)) {
        return callback(reply(550, `5.1.1 <${address.address}>: Recipient address rejected: User unknown`));
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (take('server-error') !== undefined)
          return callback(reply(451, '4.3.0 Local error in processing'));
        const raw = Buffer.concat(chunks);
        simpleParser(raw)
          .then((parsed) => {
            const envelope = session.envelope;
            mails.push({
              from: envelope.mailFrom === false ? '' : envelope.mailFrom.address,
              to: envelope.rcptTo.map((r) => r.address),
              raw,
              parsed,
            });
            callback();
          })
          .catch((e: unknown) => callback(e instanceof Error ? e : new Error(String(e))));
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    host: '127.0.0.1',
    port,
    user,
    pass,
    mails,
    failNext: (f) => void failures.push(f),
    close() {
      closing ??= new Promise<void>((resolve) => server.close(() => resolve()));
      return closing;
    },
  };
}
