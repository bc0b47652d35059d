/** The variables a reply template may use: the client's details from the message, the business's from its profile. */
export const TEMPLATE_VARIABLES = ['service', 'date', 'time', 'name', 'address', 'phone', 'hours'] as const;
export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];
export type TemplateValues = Partial<Record<TemplateVariable, string>>;

const ALLOWED = TEMPLATE_VARIABLES.map((name) => `{${name}}`).join(' ');

function isTemplateVariable(name: string): name is TemplateVariable {
  return (TEMPLATE_VARIABLES as readonly string[]).includes(name);
}

/**
 * What is wrong with a reply template, in words, or null when it is sound: every `{` closed by a `}` around a
 * known variable, no stray `}`. Positions count characters from 1.
 */
export function templateProblem(template: string): string | null {
  if (template.trim() === '') return 'must not be empty';
  for (let i = 0; i < template.length; i++) {
    const char = template[i];
    if (char === '}') return `has an unmatched "}" at position ${i + 1}`;
    if (char !== '{') continue;
    const close = template.indexOf('}', i + 1);
    const reopen = template.indexOf('{', i + 1);
    if (close === -1 || (reopen !== -1 && reopen < close)) return `has an unclosed "{" at position ${i + 1}`;
    const name = template.slice(i + 1, close);
    if (!isTemplateVariable(name)) return `uses an unknown variable {${name}}; allowed: ${ALLOWED}`;
    i = close;
  }
  return null;
}

/**
 * Fills a sound template. A variable without a value leaves no trace: "Здравствуйте, {name}!" without a name reads
 * "Здравствуйте!", and "запись {date}." without a date reads "запись.".
 */
export function renderTemplate(template: string, values: TemplateValues): string {
  const filled = template.replace(/\{([a-z]+)\}/g, (_, name: string) =>
    isTemplateVariable(name) ? (values[name]?.trim() ?? '') : '',
  );
  return tidy(filled);
}

function tidy(text: string): string {
  const lines = text.split('\n').map((line) =>
    line
      .replace(/[ \t]{2,}/g, ' ')
      .replace(/[ \t]+([,.!?;:])/g, '$1')
      .replace(/,+(?=[.!?;:,]|\s*$)/g, '')
      .replace(/[ \t]+$/, ''),
  );
  const joined = lines.join('\n').trim();
  const unlead = joined.replace(/^[,;:]\s*/, '');
  return unlead === joined ? joined : unlead.charAt(0).toUpperCase() + unlead.slice(1);
}
