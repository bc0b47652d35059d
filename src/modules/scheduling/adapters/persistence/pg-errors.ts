/** Postgres SQLSTATE of a failed query (TypeORM copies the driver's fields onto its error). */
export function sqlState(error: unknown): string | undefined {
  const e = error as { code?: unknown; driverError?: { code?: unknown } } | null;
  const code = e?.code ?? e?.driverError?.code;
  return typeof code === 'string' ? code : undefined;
}

/** 23P01: an exclusion constraint refused the row (an overlapping booking or hold). */
export const isExclusionViolation = (error: unknown) => sqlState(error) === '23P01';

/** 23505: a unique index refused the row. */
export const isUniqueViolation = (error: unknown) => sqlState(error) === '23505';
