import type { MessageButton, OutboundMessage } from '@kith/sdk';

/** Where a value button keeps its value in the card (`button.value` is an object Feishu passes through). */
export const VALUE_KEY = 'kith_value';

function button(b: MessageButton): Record<string, unknown> {
  const text = { tag: 'plain_text', content: b.text };
  if (b.url !== null) return { tag: 'button', text, type: 'default', url: b.url };
  return { tag: 'button', text, type: 'primary', value: { [VALUE_KEY]: b.value ?? b.text } };
}

/**
 * The bot message for an outbound message: an interactive card when it has buttons, a rich-text
 * `post` when it has a subject, plain `text` otherwise. Text goes in as plain text, so a member's
 * name with markdown characters shows as written.
 *
 * Custom bots send cards but are not told of presses: a URL button opens its link, and a value
 * button carries its value for an app bot that shares the chat; clicks are not reported here.
 */
export function renderMessage(message: OutboundMessage): Record<string, unknown> {
  if (message.buttons.length > 0) {
    const card: Record<string, unknown> = {
      config: { wide_screen_mode: true },
      elements: [
        { tag: 'div', text: { tag: 'plain_text', content: message.text } },
        { tag: 'action', actions: message.buttons.map(button) },
      ],
    };
    if (message.subject !== null) card.header = { title: { tag: 'plain_text', content: message.subject } };
    return { msg_type: 'interactive', card };
  }
  if (message.subject !== null) {
    const lines = message.text.split('\n').map((line) => [{ tag: 'text', text: line }]);
    return { msg_type: 'post', content: { post: { zh_cn: { title: message.subject, content: lines } } } };
  }
  return { msg_type: 'text', content: { text: message.text } };
}
