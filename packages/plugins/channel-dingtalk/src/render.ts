import type { MessageButton, OutboundMessage } from '@kith/sdk';

/** DingTalk shows the title in the chat list; it asks for short ones. */
const TITLE_MAX = 40;

/**
 * A value button cannot call back from a custom robot's message, so it becomes DingTalk's
 * "send this message" link (`dtmd://dingtalkclient/sendMessage`): pressing it posts the value
 * into the chat as the member, where an outgoing robot that is @-mentioned or addressed
 * one-to-one reports it as `message.received`. DingTalk honours these links in markdown text,
 * so a message with value buttons is sent as markdown with the buttons as links.
 */
export function valueLink(value: string): string {
  return `dtmd://dingtalkclient/sendMessage?content=${encodeURIComponent(value)}`;
}

/** DingTalk markdown needs two spaces before a newline to break the line. */
export function markdownLines(text: string): string {
  return text.replace(/\r\n/g, '\n').replace(/ *\n/g, '  \n');
}

function title(message: OutboundMessage): string {
  const first = message.subject ?? message.text.split('\n', 1)[0] ?? '';
  const t = first.trim() || 'Message';
  return t.length > TITLE_MAX ? `${t.slice(0, TITLE_MAX - 1)}…` : t;
}

function linkLine(b: MessageButton): string {
  const label = b.text.replace(/[[\]]/g, '');
  return `[${label}](${b.url ?? valueLink(b.value ?? b.text)})`;
}

/**
 * The robot message for an outbound message: an `actionCard` when every button is a link,
 * `markdown` when there is a value button (as links), a subject or an image, plain `text` otherwise.
 */
export function renderMessage(message: OutboundMessage): Record<string, unknown> {
  const image = message.image === null ? '' : `\n\n![](${message.image})`;
  if (message.buttons.length > 0 && message.buttons.every((b) => b.url !== null)) {
    return {
      msgtype: 'actionCard',
      actionCard: {
        title: title(message),
        text: markdownLines(message.text) + image,
        btnOrientation: '0',
        btns: message.buttons.map((b) => ({ title: b.text, actionURL: b.url })),
      },
    };
  }
  if (message.buttons.length > 0 || message.subject !== null || message.image !== null) {
    const heading = message.subject === null ? '' : `### ${message.subject}\n\n`;
    const links = message.buttons.length === 0 ? '' : `\n\n${message.buttons.map(linkLine).join('  \n')}`;
    return {
      msgtype: 'markdown',
      markdown: { title: title(message), text: heading + markdownLines(message.text) + image + links },
    };
  }
  return { msgtype: 'text', text: { content: message.text } };
}
