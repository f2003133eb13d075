import nodemailer from 'nodemailer';
import type { ComposedMail } from './compose.js';
import type { EmailConfig } from './config.js';
import { errorFromSmtp } from './smtp-errors.js';

/**
 * Sends one email over a fresh SMTP connection and closes it: the plugin keeps no sockets between
 * effects, so a worker holds nothing when idle and a changed password takes effect at once.
 * Returns the server's queue answer, e.g. `250 2.0.0 Ok: queued as 4Y…`.
 */
export async function sendMail(config: EmailConfig, mail: ComposedMail): Promise<string> {
  const transport = nodemailer.createTransport({
    host: config.host,
    port: config.port,
    secure: config.secure,
    requireTLS: config.requireTls && !config.secure,
    auth: config.user === undefined ? undefined : { user: config.user, pass: config.pass ?? '' },
    connectionTimeout: config.timeoutMs,
    greetingTimeout: config.timeoutMs,
    socketTimeout: config.timeoutMs,
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  try {
    const info = await transport.sendMail(mail);
    return typeof info.response === 'string' ? info.response : '';
  } catch (e) {
    throw errorFromSmtp(e);
  } finally {
    transport.close();
  }
}
