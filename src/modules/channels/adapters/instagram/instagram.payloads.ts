/**
 * Bodies of the Instagram Send API (`POST /me/messages`). Message text must stay under 1000 bytes of UTF-8, so a
 * longer reply goes out as several messages cut at paragraph or word boundaries. Quick replies (up to 13, titles
 * up to 20 characters, longer ones Instagram would truncate) ride on the last part, the whole label as their
 * payload; otherwise the options are numbered lines of the text.
 */
export const MAX_TEXT_BYTES = 1000;
const QUICK_REPLIES = { max: 13, title: 20 };

export function instagramMessages(recipientId: string, text: string, buttons: string[]): Record<string, unknown>[] {
  const quickReplies = fitsQuickReplies(buttons);
  const body = buttons.length && !quickReplies ? withNumberedOptions(text, buttons) : text;
  const parts = splitText(body, MAX_TEXT_BYTES);
  return parts.map((part, i) => ({
    recipient: { id: recipientId },
    message: {
      text: part,
      ...(quickReplies && i === parts.length - 1
        ? { quick_replies: buttons.map((title) => ({ content_type: 'text', title, payload: title })) }
        : {}),
    },
  }));
}

function fitsQuickReplies(buttons: string[]): boolean {
  return (
    buttons.length > 0 &&
    buttons.length <= QUICK_REPLIES.max &&
    buttons.every((label) => label.trim().length > 0 && label.length <= QUICK_REPLIES.title)
  );
}

function withNumberedOptions(text: string, buttons: string[]): string {
  return `${text}\n\n${buttons.map((label, i) => `${i + 1}. ${label}`).join('\n')}`;
}

/** Cuts `text` into parts of at most `maxBytes` UTF-8 bytes, preferring a blank line, then a line break, then a space. */
export function splitText(text: string, maxBytes: number): string[] {
  const parts: string[] = [];
  let rest = text.trim();
  while (Buffer.byteLength(rest) > maxBytes) {
    const head = longestPrefix(rest, maxBytes);
    const cut = Math.max(head.lastIndexOf('\n\n'), head.lastIndexOf('\n'), head.lastIndexOf(' '));
    const end = cut > head.length / 2 ? cut : head.length;
    parts.push(rest.slice(0, end).trim());
    rest = rest.slice(end).trim();
  }
  if (rest || parts.length === 0) parts.push(rest);
  return parts;
}

/** The longest prefix within `maxBytes`, never splitting a character (surrogate pairs included). */
function longestPrefix(text: string, maxBytes: number): string {
  let bytes = 0;
  let end = 0;
  for (const char of text) {
    const size = Buffer.byteLength(char);
    if (bytes + size > maxBytes) break;
    bytes += size;
    end += char.length;
  }
  return text.slice(0, end);
}
