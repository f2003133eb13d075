/**
 * @kith/channel-email — email over SMTP (nodemailer): HTML and text parts, RFC 8058 one-click
 * unsubscribe with signed links that emit `member.unsubscribed`, and value buttons as signed
 * links that emit `button.clicked`. The local SMTP fake for tests is `@kith/channel-email/testing`.
 */
export { type ComposedMail, composeMail } from './compose.js';
export { EmailConfig } from './config.js';
export { UNSUBSCRIBED } from './events.js';
export { LINK_PATHS, linkUrl, messageRef } from './links.js';
export { emailChannel, emailChannel as default } from './plugin.js';
export { DEFAULT_SMTP_RATE_WAIT_MS, errorFromSmtp } from './smtp-errors.js';
export { type LinkClaims, type LinkPurpose, linkToken, linkTokenValid } from './tokens.js';
