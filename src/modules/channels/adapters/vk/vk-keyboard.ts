/**
 * VK allows button labels of 40 characters and payloads of 255 (error 911, keyboard format invalid). Whether the
 * payload limit counts characters or bytes is not documented: counting UTF-8 bytes is safe either way.
 */
export const MAX_LABEL_CHARS = 40;
export const MAX_PAYLOAD_BYTES = 255;
/** An inline keyboard holds at most 6 rows and 10 buttons; one button per row keeps long labels readable. */
export const MAX_INLINE_ROWS = 6;

export interface VkKeyboard {
  inline: true;
  buttons: Array<Array<{ action: { type: 'text'; label: string; payload: string } }>>;
}

/**
 * An inline keyboard of text buttons, one per row. The label shown is cut to fit; the payload carries the whole
 * label (`{"button": "..."}`), so a press reads back as exactly what we offered.
 */
export function inlineKeyboard(labels: string[]): VkKeyboard {
  return {
    inline: true,
    buttons: labels
      .slice(0, MAX_INLINE_ROWS)
      .map((label) => [{ action: { type: 'text', label: shortLabel(label), payload: payloadFor(label) } }]),
  };
}

/** The label we put in a button's payload, when the message is a press on one of our buttons. */
export function labelOfPayload(payload: unknown): string | undefined {
  if (typeof payload !== 'string' || !payload) return undefined;
  try {
    const parsed: unknown = JSON.parse(payload);
    const button = (parsed as { button?: unknown } | null)?.button;
    return typeof button === 'string' && button.trim() ? button : undefined;
  } catch {
    return undefined;
  }
}

function shortLabel(label: string): string {
  const chars = [...label];
  return chars.length <= MAX_LABEL_CHARS ? label : `${chars.slice(0, MAX_LABEL_CHARS - 1).join('')}…`;
}

/** `{"button": label}`, the label shortened only if the JSON would not fit VK's payload limit. */
function payloadFor(label: string): string {
  let chars = [...label];
  let payload = JSON.stringify({ button: label });
  while (Buffer.byteLength(payload, 'utf8') > MAX_PAYLOAD_BYTES && chars.length > 0) {
    chars = chars.slice(0, -1);
    payload = JSON.stringify({ button: chars.join('') });
  }
  return payload;
}
