/** An instant must carry its offset: "2026-03-02T10:00" alone would be read in the server's zone, not the salon's. */
const ISO_INSTANT = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(Z|[+\- ]\d{2}:\d{2})$/i;

/**
 * class-transformer: an ISO 8601 instant becomes a Date; anything else stays as it is, for @IsDate to refuse.
 * An unencoded "+07:00" in a query string arrives as " 07:00" and is read as the "+" it was.
 */
export const toInstant = ({ value }: { value: unknown }): unknown => {
  const match = typeof value === 'string' ? ISO_INSTANT.exec(value) : null;
  if (!match) return value;
  return new Date(match[1] + match[2].replace(' ', '+'));
};

export const instantMessage = (field: string) =>
  `${field} must be an ISO 8601 time with an offset, e.g. 2026-03-02T10:00:00+07:00`;
