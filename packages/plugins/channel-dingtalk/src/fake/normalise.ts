import type { FakeReceived } from '@kith/sdk/testing';
import type { RobotMessage } from './server.js';

const VALUE_LINK = 'dtmd://dingtalkclient/sendMessage?content=';
const IMAGE = /\n\n!\[\]\([^)]*\)$/;

type Button = FakeReceived['buttons'][number];

function buttonOf(title: string, href: string): Button {
  return href.startsWith(VALUE_LINK)
    ? { text: title, value: decodeURIComponent(href.slice(VALUE_LINK.length)), url: null }
    : { text: title, value: null, url: href };
}

/** Markdown's two-space line breaks back to plain newlines. */
const unbreak = (s: unknown) => String(s ?? '').replace(/ {2}\n/g, '\n');

/**
 * Reads a robot message back into the suite's terms: the text as the group sees it, and the
 * buttons (actionCard buttons, or the trailing block of markdown links).
 */
export function normaliseRobotMessage(m: RobotMessage, group: string): FakeReceived {
  const to = { kind: 'group', group } as const;
  const b = m.body as Record<string, Record<string, unknown> | undefined> & { msgtype?: string };
  if (b.msgtype === 'actionCard') {
    const card = b.actionCard ?? {};
    const btns = (Array.isArray(card.btns) ? card.btns : []) as { title: string; actionURL: string }[];
    return {
      to,
      text: unbreak(card.text).replace(IMAGE, ''),
      buttons: btns.map((x) => buttonOf(x.title, x.actionURL)),
    };
  }
  if (b.msgtype === 'markdown') {
    const blocks = unbreak(b.markdown?.text)
      .replace(/^### [^\n]*\n\n/, '')
      .split('\n\n');
    const last = blocks.at(-1) ?? '';
    const links = [...last.matchAll(/^\[([^\]]*)\]\(([^)]*)\)$/gm)];
    const isLinkBlock = blocks.length > 1 && links.length > 0 && links.length === last.split('\n').length;
    const buttons = isLinkBlock ? links.map((l) => buttonOf(l[1]!, l[2]!)) : [];
    const text = (isLinkBlock ? blocks.slice(0, -1) : blocks).join('\n\n').replace(IMAGE, '');
    return { to, text, buttons };
  }
  return { to, text: String(b.text?.content ?? ''), buttons: [] };
}
