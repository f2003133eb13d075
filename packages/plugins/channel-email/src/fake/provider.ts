import { createHmac } from 'node:crypto';
import type { FakeHappening, FakeProvider, FakeReceived } from '@kith/sdk/testing';
import { webhookRequest } from '@kith/sdk/webhook';
import { type ReceivedMail, startFakeSmtp } from './smtp.js';

const SIGNATURE_SEPARATOR = '\n-- \n';

function decodeEntities(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/** The buttons of an email, from its HTML part: value buttons are links to `/click?…&v=<value>`. */
export function buttonsOf(mail: ReceivedMail): FakeReceived['buttons'] {
  const html = typeof mail.parsed.html === 'string' ? mail.parsed.html : '';
  return [...html.matchAll(/<a class="kith-button" href="([^"]*)"[^>]*>([^<]*)<\/a>/g)].map((m) => {
    const href = decodeEntities(m[1]!);
    const url = new URL(href);
    const value = url.pathname.endsWith('/click') ? url.searchParams.get('v') : null;
    return { text: decodeEntities(m[2]!), value, url: value === null ? href : null };
  });
}

/** The message as the member reads it: the text part above the signature separator, less the button lines. */
export function normaliseMail(mail: ReceivedMail): FakeReceived {
  const buttons = buttonsOf(mail);
  let head = (mail.parsed.text ?? '').replace(/\r\n/g, '\n').split(SIGNATURE_SEPARATOR)[0] ?? '';
  if (buttons.length > 0) head = head.trimEnd().split('\n').slice(0, -buttons.length).join('\n');
  return { to: { kind: 'member', address: mail.to[0] ?? '' }, text: head.trim(), buttons };
}

export interface EmailFakeOptions {
  /** The plugin instance links are signed for (the test kit's default context is 'test'). */
  instance?: string;
  webhookUrl?: string;
}

/**
 * The contract suite's fake: a real SMTP server on 127.0.0.1. Email reports no messages, joins
 * or leaves; a button press is the member following a signed click link, which this builds the
 * way the plugin documents its tokens (HMAC-SHA256 over the claims, base64url).
 */
export async function emailFake(options: EmailFakeOptions = {}): Promise<FakeProvider> {
  const smtp = await startFakeSmtp();
  const instance = options.instance ?? 'test';
  const webhookUrl = options.webhookUrl ?? 'https://kith.example/hooks/mail';
  const linkSecret = 'fake-link-secret-0123456789abcdefghijklmnop';
  const member = { id: 'ann', address: 'ann@example.org' };
  let seq = 0;
  return {
    config: {
      host: smtp.host,
      port: smtp.port,
      secure: false,
      requireTls: false,
      user: smtp.user,
      pass: smtp.pass,
      from: '"Mums Club" <hello@club.example>',
      linkSecret,
      webhookUrl,
      unsubscribeMailto: 'unsubscribe@club.example',
    },
    member,
    group: null,
    received: () => smtp.mails.map(normaliseMail),
    failNext: (f) => smtp.failNext(f),
    inbound(h: FakeHappening) {
      if (h.type !== 'button.clicked') return null;
      seq += 1;
      const id = h.address === member.address ? member.id : h.address;
      const ref = `ref${seq}`;
      const claims = ['kith-email-link-v1', 'click', instance, id, h.address, ref, h.value];
      const token = createHmac('sha256', linkSecret).update(JSON.stringify(claims)).digest('base64url');
      return webhookRequest({
        method: 'POST',
        path: '/click',
        query: { m: id, a: h.address, r: ref, v: h.value, t: token },
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'confirm=yes',
      });
    },
    forge(request) {
      // The same link with another member put in: the token no longer matches.
      return { ...request, query: { ...request.query, m: 'mallory' } };
    },
    close: () => smtp.close(),
  };
}
