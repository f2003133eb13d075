/**
 * @kith/channel-email/testing — a real SMTP server on 127.0.0.1 that parses what it accepts, and
 * the contract suite's fake built on it. Needs the optional peers `smtp-server` and `mailparser`.
 */
export { buttonsOf, type EmailFakeOptions, emailFake, normaliseMail } from './fake/provider.js';
export { type FakeSmtp, type FakeSmtpOptions, type ReceivedMail, startFakeSmtp } from './fake/smtp.js';
