/** What a phone number becomes in text sent to the LLM. */
export const PHONE_PLACEHOLDER = '[телефон]';

/**
 * Seven or more digits joined only by spaces, hyphens or brackets: every way people write a phone ("+7 902 914-33-20",
 * "8(391)271-40-18", "89233456712", a city "271-40-18"). Dates ("15.12.2024") and times ("10:30") use other
 * separators and stay readable. Wider than the slot extractor's pattern on purpose: a missed phone is a leak, a masked
 * order number is harmless.
 */
const PHONE_LIKE = /\+?\d(?:[ \t\u00a0\-()]{0,3}\d){6,}/g;

/** Replaces phone numbers with a placeholder, so no phone reaches the LLM provider. */
export function maskPhones(text: string): string {
  return text.replace(PHONE_LIKE, PHONE_PLACEHOLDER);
}
