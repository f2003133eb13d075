import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  handleWebhook,
  instantiatePlugin,
  type OutboundMessage,
  type PluginInstance,
  type WebhookOutcome,
} from '@kith/sdk';
import { createTestContext, runPluginUnderPlaybook } from '@kith/sdk/testing';
import { fromFetchRequest } from '@kith/sdk/webhook';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buttonsOf, normaliseMail } from './fake/provider.js';
import { type FakeSmtp, type ReceivedMail, startFakeSmtp } from './fake/smtp.js';
import { emailChannel } from './plugin.js';
import { errorFromSmtp } from './smtp-errors.js';

const channel = emailChannel.capabilities.channel!;
const PREFIX = '/hooks/mail';
const LINK_SECRET = 'test-link-secret-abcdefghijklmnopqrstuvwxyz';

/** Kith's webhook mount for one plugin instance, on 127.0.0.1: what the links in our emails reach. */
interface HookServer {
  url: string;
  outcomes: WebhookOutcome[];
  bind(instance: PluginInstance): void;
  close(): Promise<void>;
}

async function startHookServer(): Promise<HookServer> {
  let instance: PluginInstance | undefined;
  const outcomes: WebhookOutcome[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
      const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
      const request = new Request(`http://127.0.0.1${req.url}`, {
        method: req.method,
        headers,
        body: hasBody ? Buffer.concat(chunks) : undefined,
      });
      const outcome = await handleWebhook(instance!, await fromFetchRequest(request, PREFIX), {
        tenant: 't',
      });
      outcomes.push(outcome);
      if (outcome.status === 'rejected') return void res.writeHead(401).end(outcome.reason);
      const reply = outcome.reply ?? { status: 200, body: '' };
      res.writeHead(reply.status, reply.headers).end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${PREFIX}`,
    outcomes,
    bind(i) {
      instance = i;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let smtp: FakeSmtp;
let hooks: HookServer;
let config: Record<string, unknown>;

beforeEach(async () => {
  smtp = await startFakeSmtp({ unknownRecipients: ['nobody@example.org'] });
  hooks = await startHookServer();
  config = {
    host: smtp.host,
    port: smtp.port,
    requireTls: false,
    user: smtp.user,
    pass: smtp.pass,
    from: '"Mums Club" <hello@club.example>',
    linkSecret: LINK_SECRET,
    webhookUrl: hooks.url,
    unsubscribeMailto: 'unsubscribe@club.example',
  };
  const bound = instantiatePlugin({ id: 'mail', plugin: emailChannel, with: config });
  if (!bound.ok) throw new Error(JSON.stringify(bound.issues));
  hooks.bind(bound.instance);
});
afterEach(async () => {
  await smtp.close();
  await hooks.close();
});

const ctx = (key = 'tenant:ann:welcome:hello:0', over: Record<string, unknown> = {}) =>
  createTestContext(emailChannel, { ...config, ...over }, { instance: 'mail', idempotencyKey: key });

const message = (o: Partial<OutboundMessage> = {}): OutboundMessage => ({
  to: { kind: 'member', member: 'ann', address: 'ann@example.org' },
  text: 'Welcome to the club',
  subject: null,
  html: null,
  image: null,
  buttons: [],
  ...o,
});

/** A header as sent, unfolded. */
function headerOf(mail: ReceivedMail, name: string): string | undefined {
  const line = mail.parsed.headerLines.find((h) => h.key === name.toLowerCase())?.line;
  return line?.replace(/\r?\n[ \t]+/g, ' ').replace(/^[^:]+:\s*/, '');
}

function unsubscribeLink(mail: ReceivedMail): string {
  const html = String(mail.parsed.html);
  const m = /<a class="kith-unsubscribe" href="([^"]+)"/.exec(html);
  return m![1]!.replace(/&amp;/g, '&');
}

const form = (body: string) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body,
});

describe('email over a real SMTP server', () => {
  it('sends a subject, a text part and an HTML part rendered safely from the text, with unsubscribe headers', async () => {
    const text = 'Hi <b>Ann</b> & friends\nsecond line\n\nSee https://example.org/a?b=1&c=2';
    await channel.send(ctx(), message({ text, subject: 'Welcome!' }));
    const mail = smtp.mails[0]!;
    expect(mail.from).toBe('hello@club.example');
    expect(mail.to).toEqual(['ann@example.org']);
    expect(mail.parsed.subject).toBe('Welcome!');
    expect(mail.parsed.from?.text).toBe('"Mums Club" <hello@club.example>');
    expect(normaliseMail(mail).text).toBe(text);
    const html = String(mail.parsed.html);
    expect(html).toContain('<p>Hi &lt;b&gt;Ann&lt;/b&gt; &amp; friends<br>\nsecond line</p>');
    expect(html).toContain(
      '<a href="https://example.org/a?b=1&amp;c=2">https://example.org/a?b=1&amp;c=2</a>',
    );
    expect(mail.parsed.text).toContain(`\n-- \nTo stop these emails, open ${hooks.url}/unsubscribe?`);

    const https = unsubscribeLink(mail);
    expect(https.startsWith(`${hooks.url}/unsubscribe?m=ann&a=ann%40example.org&r=`)).toBe(true);
    expect(headerOf(mail, 'List-Unsubscribe')).toBe(
      `<mailto:unsubscribe@club.example?subject=unsubscribe&body=${encodeURIComponent(https)}>, <${https}>`,
    );
    expect(headerOf(mail, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
  });

  it('uses the playbook’s HTML when given, adding buttons and the footer inside its body', async () => {
    const html = '<html><body><h1>May meetup</h1><p>Join us.</p></body></html>';
    await channel.send(
      ctx(),
      message({
        text: 'May meetup. Join us.',
        subject: 'May',
        html,
        buttons: [{ text: 'Programme', value: null, url: 'https://example.org/programme' }],
      }),
    );
    const mail = smtp.mails[0]!;
    const got = String(mail.parsed.html);
    expect(got.startsWith('<html><body><h1>May meetup</h1><p>Join us.</p>')).toBe(true);
    expect(got.indexOf('kith-unsubscribe')).toBeLessThan(got.indexOf('</body>'));
    expect(buttonsOf(mail)).toEqual([
      { text: 'Programme', value: null, url: 'https://example.org/programme' },
    ]);
    expect(normaliseMail(mail).text).toBe('May meetup. Join us.');
    expect(mail.parsed.subject).toBe('May');
  });

  it('gives a retried send the same Message-ID and links, and another send new ones', async () => {
    await channel.send(ctx('k1'), message());
    await channel.send(ctx('k1'), message());
    await channel.send(ctx('k2'), message());
    const [a, b, c] = smtp.mails;
    expect(a!.parsed.messageId).toBe(b!.parsed.messageId);
    expect(unsubscribeLink(a!)).toBe(unsubscribeLink(b!));
    expect(c!.parsed.messageId).not.toBe(a!.parsed.messageId);
    expect(unsubscribeLink(c!)).not.toBe(unsubscribeLink(a!));
    expect(a!.parsed.messageId).toMatch(/^<[0-9a-f]{24}@club\.example>$/);
  });
});

describe('unsubscribe and button links, followed over HTTP', () => {
  it('shows a confirmation on GET, and unsubscribes on the confirming POST', async () => {
    await channel.send(ctx(), message());
    const link = unsubscribeLink(smtp.mails[0]!);
    const page = await fetch(link);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await page.text()).toContain('<form method="post">');
    expect(hooks.outcomes.at(-1)).toMatchObject({ status: 'accepted', events: [] });

    const done = await fetch(link, form('confirm=yes'));
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('You are unsubscribed');
    expect(hooks.outcomes.at(-1)).toMatchObject({
      status: 'accepted',
      events: [
        {
          tenant: 't',
          type: 'member.unsubscribed',
          member: 'ann',
          data: { channel: 'mail', address: 'ann@example.org', via: 'link' },
        },
      ],
    });
  });

  it('takes the mail client’s RFC 8058 one-click POST, and gives it the same event id as the link', async () => {
    await channel.send(ctx(), message());
    const mail = smtp.mails[0]!;
    const https = /<(https?:[^>]+)>/.exec(headerOf(mail, 'List-Unsubscribe')!)![1]!;
    const res = await fetch(https, form('List-Unsubscribe=One-Click'));
    expect(res.status).toBe(200);
    const oneClick = hooks.outcomes.at(-1);
    expect(oneClick).toMatchObject({ status: 'accepted', events: [{ data: { via: 'one-click' } }] });
    await fetch(unsubscribeLink(mail), form('confirm=yes'));
    const viaLink = hooks.outcomes.at(-1);
    const id = (o: WebhookOutcome | undefined) => (o?.status === 'accepted' ? o.events[0]?.id : undefined);
    expect(id(oneClick)).toMatch(/^mail:unsubscribe:ann:/);
    expect(id(viaLink)).toBe(id(oneClick));
  });

  it('refuses a tampered link (another member, another address, an altered token) and records nothing', async () => {
    await channel.send(ctx(), message());
    const link = new URL(unsubscribeLink(smtp.mails[0]!));
    const variants = [
      ['m', 'bob'],
      ['a', 'bob@example.org'],
      ['r', 'another-email'],
      ['t', `${link.searchParams.get('t')!.slice(0, -1)}A`],
    ] as const;
    for (const [key, value] of variants) {
      const tampered = new URL(link);
      tampered.searchParams.set(key, value);
      const res = await fetch(tampered, form('List-Unsubscribe=One-Click'));
      expect(res.status, `tampered ${key}`).toBe(401);
    }
    const noToken = new URL(link);
    noToken.searchParams.delete('t');
    expect((await fetch(noToken, form('confirm=yes'))).status).toBe(401);
    expect(hooks.outcomes.every((o) => o.status === 'rejected')).toBe(true);
    expect(hooks.outcomes.map((o) => o.status === 'rejected' && o.reason)).toEqual([
      'bad-signature',
      'bad-signature',
      'bad-signature',
      'bad-signature',
      'missing-signature',
    ]);
  });

  it('turns a value button into a signed link that reports button.clicked once confirmed', async () => {
    await channel.send(
      ctx(),
      message({
        text: 'Coming on Friday?',
        buttons: [
          { text: 'Yes', value: 'yes', url: null },
          { text: 'No', value: 'no', url: null },
        ],
      }),
    );
    const mail = smtp.mails[0]!;
    expect(normaliseMail(mail).text).toBe('Coming on Friday?');
    const yes = buttonsOf(mail)[0]!;
    expect(yes).toMatchObject({ text: 'Yes', value: 'yes', url: null });
    const href = /<a class="kith-button" href="([^"]+)"/
      .exec(String(mail.parsed.html))![1]!
      .replace(/&amp;/g, '&');
    expect(await (await fetch(href)).text()).toContain('Your answer: yes');
    await fetch(href, form('confirm=yes'));
    expect(hooks.outcomes.at(-1)).toMatchObject({
      status: 'accepted',
      events: [{ type: 'button.clicked', member: 'ann', data: { value: 'yes', address: 'ann@example.org' } }],
    });
    const tampered = new URL(href);
    tampered.searchParams.set('v', 'no');
    expect((await fetch(tampered, form('confirm=yes'))).status).toBe(401);
  });
});

describe('SMTP failures as PluginError kinds', () => {
  it('maps a refused login to auth and an unknown mailbox (550) to permanent', async () => {
    await expect(channel.send(ctx('k', { pass: 'wrong' }), message())).rejects.toMatchObject({
      kind: 'auth',
    });
    await expect(
      channel.send(ctx(), message({ to: { kind: 'member', member: 'x', address: 'nobody@example.org' } })),
    ).rejects.toMatchObject({ kind: 'permanent', code: '550' });
  });

  it('maps a refused connection to transient', async () => {
    await smtp.close();
    await expect(channel.send(ctx(), message())).rejects.toMatchObject({ kind: 'transient' });
  });

  it('refuses to send in clear when TLS is required and the server offers none', async () => {
    await expect(channel.send(ctx('k', { requireTls: true }), message())).rejects.toMatchObject({
      kind: 'auth',
    });
    expect(smtp.mails).toHaveLength(0);
  });

  it('reads throttling replies as rate-limited, with the wait they name or a minute', () => {
    expect(
      errorFromSmtp({
        responseCode: 454,
        response: '454 Throttling failure: Maximum sending rate exceeded.',
      }),
    ).toMatchObject({
      kind: 'rate-limited',
      retryAfterMs: 60_000,
    });
    expect(
      errorFromSmtp({ responseCode: 421, response: '421 4.7.0 Rate limited, try again in 2 minutes' }),
    ).toMatchObject({
      kind: 'rate-limited',
      retryAfterMs: 120_000,
    });
    expect(errorFromSmtp({ responseCode: 450, response: '450 4.2.1 Mailbox busy' })).toMatchObject({
      kind: 'transient',
    });
    expect(errorFromSmtp({ responseCode: 554, response: '554 5.7.1 Message rejected' })).toMatchObject({
      kind: 'permanent',
    });
    expect(errorFromSmtp({ code: 'ECONNECTION', message: 'connect ECONNREFUSED 127.0.0.1:1' })).toMatchObject(
      {
        kind: 'transient',
      },
    );
  });

  it('refuses groups and members without an address before connecting', async () => {
    await expect(
      channel.send(ctx(), message({ to: { kind: 'group', group: 'g', pool: null } })),
    ).rejects.toMatchObject({
      kind: 'permanent',
    });
    await expect(
      channel.send(ctx(), message({ to: { kind: 'member', member: 'ann', address: null } })),
    ).rejects.toMatchObject({ kind: 'permanent' });
  });
});

const PLAYBOOK = `
kith: 1
id: email-demo
name: Email demo
timezone: Europe/Berlin
secrets:
  SMTP_USER: { description: SMTP user }
  SMTP_PASS: { description: SMTP password }
  LINK_SECRET: { description: Signs unsubscribe links }
channels:
  mail:
    use: email@^1
    with:
      host: 127.0.0.1
      port: SMTP_PORT
      requireTls: false
      user: "\${secrets.SMTP_USER}"
      pass: "\${secrets.SMTP_PASS}"
      from: hello@club.example
      linkSecret: "\${secrets.LINK_SECRET}"
      webhookUrl: HOOK_URL
stages:
  attract:
    journeys:
      - journey: welcome
        on: member.joined
        steps:
          - { id: hi, send: { via: mail, to: member, subject: Welcome, text: "Welcome {{ member.id }}" } }
`;

describe('email under a playbook (engine runtime)', () => {
  it('resolves email@^1 and ingests an unsubscribe from a signed link as member.unsubscribed, once', async () => {
    const run = await runPluginUnderPlaybook({
      playbook: PLAYBOOK.replace('SMTP_PORT', String(smtp.port)).replace('HOOK_URL', hooks.url),
      plugins: [emailChannel],
      secrets: { SMTP_USER: smtp.user, SMTP_PASS: smtp.pass, LINK_SECRET },
    });
    expect(run.instances.get('mail')?.version).toBe('1.0.0');
    await channel.send(ctx(), message());
    const link = new URL(unsubscribeLink(smtp.mails[0]!));
    const request = await fromFetchRequest(new Request(link, form('List-Unsubscribe=One-Click')), PREFIX);
    const first = await run.webhook('mail', request);
    expect(first).toMatchObject({
      status: 'accepted',
      events: [{ type: 'member.unsubscribed', member: 'ann', data: { channel: 'mail', via: 'one-click' } }],
    });
    const again = await run.webhook('mail', request);
    expect(again.status === 'accepted' && again.events[0]?.id).toBe(
      first.status === 'accepted' && first.events[0]?.id,
    );
  });
});
