import type { WebhookReply } from '@kith/sdk';
import { escapeHtml } from './html.js';

function page(title: string, body: string): WebhookReply {
  return {
    status: 200,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      // The page must not be framed (clickjacking a confirm button) nor leak the signed URL onwards.
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
    },
    body:
      '<!doctype html>\n<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">' +
      `<title>${escapeHtml(title)}</title></head>\n` +
      '<body style="font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#111827">\n' +
      `${body}\n</body></html>\n`,
  };
}

/**
 * The page an unsubscribe or button link opens. Opening a link only shows this page; the form's
 * POST does the act, because mail scanners and link previews GET every link in a message and must
 * not unsubscribe anyone or answer for them (RFC 8058 gives the same reason for one-click POST).
 * The form posts back to the same signed URL.
 */
export function confirmPage(kind: 'unsubscribe' | 'click', label: string): WebhookReply {
  const question = kind === 'unsubscribe' ? 'Stop receiving these emails?' : `Your answer: ${label}`;
  const action = kind === 'unsubscribe' ? 'Unsubscribe' : 'Confirm';
  return page(
    question,
    `<h1 style="font-size:1.4rem">${escapeHtml(question)}</h1>\n` +
      '<form method="post"><input type="hidden" name="confirm" value="yes">' +
      `<button type="submit" style="padding:10px 18px;font-size:1rem">${escapeHtml(action)}</button></form>`,
  );
}

export function donePage(kind: 'unsubscribe' | 'click'): WebhookReply {
  const text =
    kind === 'unsubscribe'
      ? 'You are unsubscribed. We won’t email you again.'
      : 'Thanks, we got your answer.';
  return page(text, `<p>${escapeHtml(text)}</p>`);
}
