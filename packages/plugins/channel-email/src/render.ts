import type { OutboundMessage } from '@kith/sdk';
import { escapeHtml, textToHtml } from './html.js';

/** A button as it goes out: a link, either to its own URL or to our signed click route. */
export interface RenderedButton {
  text: string;
  href: string;
}

export interface RenderInput {
  message: OutboundMessage;
  buttons: readonly RenderedButton[];
  unsubscribeUrl: string;
}

/** RFC 3676's signature separator: mail clients fold or grey what follows it. */
export const SIGNATURE_SEPARATOR = '\n-- \n';

const BUTTON_STYLE =
  'display:inline-block;padding:10px 18px;margin:4px 8px 4px 0;border-radius:6px;background:#2563eb;color:#ffffff;text-decoration:none;font-weight:600';

/** The text part: the message, its buttons as "label: link" lines, and the unsubscribe footer. */
export function renderText({ message, buttons, unsubscribeUrl }: RenderInput): string {
  const parts = [message.text.trim()];
  if (message.image !== null) parts.push(message.image);
  if (buttons.length > 0) parts.push(buttons.map((b) => `${b.text}: ${b.href}`).join('\n'));
  return `${parts.join('\n\n')}\n${SIGNATURE_SEPARATOR}To stop these emails, open ${unsubscribeUrl}\n`;
}

/**
 * The HTML part: the playbook's `html` when given (the buttons and footer go before its
 * `</body>`), or the text rendered safely, with the image, the buttons and the unsubscribe link.
 */
export function renderHtml({ message, buttons, unsubscribeUrl }: RenderInput): string {
  const image =
    message.image === null
      ? ''
      : `<p><img src="${escapeHtml(message.image)}" alt="" style="max-width:100%;height:auto"></p>\n`;
  const actions =
    buttons.length === 0
      ? ''
      : `<p>${buttons
          .map(
            (b) =>
              `<a class="kith-button" href="${escapeHtml(b.href)}" style="${BUTTON_STYLE}">${escapeHtml(b.text)}</a>`,
          )
          .join('\n')}</p>\n`;
  const footer =
    '<hr style="border:none;border-top:1px solid #e5e7eb;margin:24px 0 12px">\n' +
    `<p style="font-size:12px;color:#6b7280">Don’t want these emails? <a class="kith-unsubscribe" href="${escapeHtml(unsubscribeUrl)}">Unsubscribe</a>.</p>\n`;
  const extra = actions + footer;
  if (message.html !== null) {
    const at = message.html.search(/<\/body\s*>/i);
    return at === -1
      ? `${message.html}\n${extra}`
      : `${message.html.slice(0, at)}${extra}${message.html.slice(at)}`;
  }
  return (
    '<!doctype html>\n<html><head><meta charset="utf-8"></head>\n' +
    '<body style="font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;font-size:16px;line-height:1.5;color:#111827">\n' +
    `${image}${textToHtml(message.text)}\n${extra}</body></html>\n`
  );
}

/** Subject: the message's own, else its first line, cut to the 78 characters a header line should hold. */
export function subjectOf(message: OutboundMessage): string {
  const s = (message.subject ?? message.text.trim().split('\n', 1)[0] ?? '').trim();
  return s.length > 78 ? `${s.slice(0, 77)}…` : s;
}
