import { type ChannelCapability, PluginError } from '@kith/sdk';
import { composeMail } from './compose.js';
import type { EmailConfig } from './config.js';
import { sendMail } from './transport.js';

/** Loose on purpose: the SMTP server is the judge; this only catches what is plainly not an address. */
const ADDRESS = /^[^\s@<>]+@[^\s@<>]+$/;

/** Emails one member. Email has no groups; the member's address is their email. */
export const send: ChannelCapability<EmailConfig>['send'] = async (ctx, message) => {
  if (message.to.kind !== 'member') throw PluginError.permanent('email has no groups: send to a member');
  const address = message.to.address;
  if (address === null) throw PluginError.permanent(`member ${message.to.member} has no email address`);
  if (!ADDRESS.test(address)) throw PluginError.permanent(`'${address}' is not an email address`);
  const mail = composeMail(ctx, message, message.to.member, address);
  const response = await sendMail(ctx.config, mail);
  ctx.logger.debug('email accepted by the SMTP server', { messageId: mail.messageId, response });
  return { providerMessageId: mail.messageId };
};
