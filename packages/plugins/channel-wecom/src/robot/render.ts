import { type OutboundMessage, PluginError } from '@kith/sdk';

/** Limits of the group robot's message types (群机器人配置说明, https://developer.work.weixin.qq.com/document/path/91770). */
export const TEXT_MAX_BYTES = 2048;
export const MARKDOWN_MAX_BYTES = 4096;
const TITLE_MAX_BYTES = 128;
const DESCRIPTION_MAX_BYTES = 512;

export type RobotBody =
  | { msgtype: 'text'; text: { content: string } }
  | { msgtype: 'markdown'; markdown: { content: string } }
  | {
      msgtype: 'news';
      news: { articles: { title: string; description?: string; url: string; picurl: string }[] };
    };

export interface Rendered {
  body: RobotBody;
  /** Value buttons a robot cannot offer (it never learns of a click), left out of the message. */
  dropped: string[];
}

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

/** Cuts to at most `max` UTF-8 bytes without splitting a character. */
function cut(s: string, max: number): string {
  if (bytes(s) <= max) return s;
  let out = '';
  for (const ch of s) {
    if (bytes(out + ch) > max - 3) break;
    out += ch;
  }
  return `${out}...`;
}

/** A markdown link whose label and target cannot break out of `[..](..)`. */
const link = (text: string, url: string) =>
  `[${text.replace(/\[/g, '［').replace(/\]/g, '］')}](${url.replace(/\(/g, '%28').replace(/\)/g, '%29')})`;

/**
 * A message as a robot body: `news` when there is an image (the picture card opens the first link
 * button, else the image), `markdown` when there are link buttons (rendered as links under the
 * text), plain `text` otherwise. Value buttons are dropped: a robot has no callback for clicks.
 */
export function renderRobotMessage(message: OutboundMessage): Rendered {
  const links = message.buttons.filter((b) => b.url !== null);
  const dropped = message.buttons.filter((b) => b.url === null).map((b) => b.text);
  if (message.image !== null) {
    const [title = '', ...rest] = message.text.split('\n');
    const description = rest.join('\n').trim();
    return {
      dropped,
      body: {
        msgtype: 'news',
        news: {
          articles: [
            {
              title: cut(title || message.subject || ' ', TITLE_MAX_BYTES),
              ...(description === '' ? {} : { description: cut(description, DESCRIPTION_MAX_BYTES) }),
              url: links[0]?.url ?? message.image,
              picurl: message.image,
            },
          ],
        },
      },
    };
  }
  if (links.length > 0) {
    const content = [message.text, '', ...links.map((b) => link(b.text, b.url!))].join('\n');
    if (bytes(content) > MARKDOWN_MAX_BYTES)
      throw PluginError.permanent(`message is over the robot's ${MARKDOWN_MAX_BYTES}-byte markdown limit`);
    return { dropped, body: { msgtype: 'markdown', markdown: { content } } };
  }
  if (message.text.trim() === '') throw PluginError.permanent('a robot message needs text or an image');
  if (bytes(message.text) > TEXT_MAX_BYTES)
    throw PluginError.permanent(`text is over the robot's ${TEXT_MAX_BYTES}-byte limit`);
  return { dropped, body: { msgtype: 'text', text: { content: message.text } } };
}
