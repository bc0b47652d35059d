import { createHash } from 'node:crypto';
import type { InlineKeyboardButton, InlineKeyboardMarkup } from '@grammyjs/types';

/** Telegram refuses callback_data longer than 64 bytes (UTF-8) with BUTTON_DATA_INVALID. */
export const MAX_CALLBACK_DATA_BYTES = 64;
const HASH_CHARS = 10;
const ELLIPSIS = '…#';

/**
 * The callback_data of a button: the label itself when it fits in 64 bytes, otherwise as much of the label as
 * fits followed by a short hash of the whole label. Stable (the same label always gives the same data) and
 * distinct per label. A press is read back by finding the button with this data in the message's keyboard, so
 * the full label comes back; the label-like data only matters when that message is no longer accessible.
 */
export function callbackDataFor(label: string): string {
  if (Buffer.byteLength(label, 'utf8') <= MAX_CALLBACK_DATA_BYTES) return label;
  const hash = createHash('sha256').update(label).digest('base64url').slice(0, HASH_CHARS);
  const room = MAX_CALLBACK_DATA_BYTES - Buffer.byteLength(ELLIPSIS + hash, 'utf8');
  return `${prefixWithin(label, room)}${ELLIPSIS}${hash}`;
}

/** One button per row, so long Russian labels are never cut by the client. */
export function inlineKeyboard(labels: string[]): InlineKeyboardMarkup {
  return { inline_keyboard: labels.map((label) => [{ text: label, callback_data: callbackDataFor(label) }]) };
}

/** The label of the button whose callback_data is `data`, in the keyboard the press came from. */
export function labelOfPressedButton(markup: unknown, data: string): string | undefined {
  const rows = (markup as Partial<InlineKeyboardMarkup> | undefined)?.inline_keyboard;
  if (!Array.isArray(rows)) return undefined;
  for (const row of rows) {
    if (!Array.isArray(row)) continue;
    const button = (row as Array<Partial<InlineKeyboardButton.CallbackButton>>).find(
      (candidate) => candidate?.callback_data === data && typeof candidate.text === 'string',
    );
    if (button) return button.text;
  }
  return undefined;
}

/** The longest prefix of `text` within `bytes` UTF-8 bytes that does not split a character. */
function prefixWithin(text: string, bytes: number): string {
  let prefix = '';
  for (const char of text) {
    if (Buffer.byteLength(prefix + char, 'utf8') > bytes) break;
    prefix += char;
  }
  return prefix;
}
