/**
 * Bodies of `POST /<PHONE_NUMBER_ID>/messages`. Quick replies become, in order of preference: reply buttons
 * (up to 3, titles up to 20 characters, body up to 1024), a list message (up to 10 rows, titles up to 24
 * characters), or numbered lines under the text, so no option is ever cut or dropped. A pressed button or list
 * row comes back with its title, which is the whole label in the first two cases.
 */
const REPLY_BUTTONS = { max: 3, title: 20, body: 1024 };
const LIST = { max: 10, title: 24, body: 4096 };
const LIST_BUTTON = 'Выбрать';
const LIST_SECTION = 'Варианты';

/** Whom to send to: a wa_id (a phone number) or, for a user who withholds it, the business-scoped user id. */
export type WhatsAppAddress = { to: string } | { recipient: string };

export function addressOf(threadId: string): WhatsAppAddress {
  return /^\d+$/.test(threadId) ? { to: threadId } : { recipient: threadId };
}

export function freeFormMessage(address: WhatsAppAddress, text: string, buttons: string[]): Record<string, unknown> {
  const base = { messaging_product: 'whatsapp', recipient_type: 'individual', ...address };
  if (buttons.length === 0) return { ...base, type: 'text', text: { preview_url: false, body: text } };
  if (fits(text, buttons, REPLY_BUTTONS)) {
    return {
      ...base,
      type: 'interactive',
      interactive: {
        type: 'button',
        body: { text },
        action: { buttons: buttons.map((title, i) => ({ type: 'reply', reply: { id: optionId(i), title } })) },
      },
    };
  }
  if (fits(text, buttons, LIST)) {
    return {
      ...base,
      type: 'interactive',
      interactive: {
        type: 'list',
        body: { text },
        action: {
          button: LIST_BUTTON,
          sections: [{ title: LIST_SECTION, rows: buttons.map((title, i) => ({ id: optionId(i), title })) }],
        },
      },
    };
  }
  return { ...base, type: 'text', text: { preview_url: false, body: withNumberedOptions(text, buttons) } };
}

/**
 * An approved template, allowed outside the 24-hour window. The reply is its one body parameter; Meta refuses
 * parameters with line breaks, tabs or runs of spaces, so the text is put on one line, options included.
 */
export function templateMessage(
  address: WhatsAppAddress,
  template: { name: string; language: string },
  text: string,
  buttons: string[],
): Record<string, unknown> {
  const options = buttons.length ? ` Варианты: ${buttons.map((b, i) => `${i + 1}) ${b}`).join('; ')}.` : '';
  return {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    ...address,
    type: 'template',
    template: {
      name: template.name,
      language: { policy: 'deterministic', code: template.language },
      components: [{ type: 'body', parameters: [{ type: 'text', text: oneLine(text + options) }] }],
    },
  };
}

export function withNumberedOptions(text: string, buttons: string[]): string {
  return `${text}\n\n${buttons.map((label, i) => `${i + 1}. ${label}`).join('\n')}`;
}

function fits(text: string, buttons: string[], limits: { max: number; title: number; body: number }): boolean {
  return (
    buttons.length <= limits.max &&
    text.length > 0 &&
    text.length <= limits.body &&
    buttons.every((label) => label.trim().length > 0 && label.length <= limits.title) &&
    new Set(buttons).size === buttons.length
  );
}

function optionId(index: number): string {
  return `option-${index + 1}`;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
