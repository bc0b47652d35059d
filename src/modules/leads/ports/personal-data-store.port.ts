import type { ErasureReport } from '../domain/personal-data';

/** Every table where a person's data can sit, for erasure on request and for retention. */
export abstract class PersonalDataStore {
  /** Blanks up to `limit` message texts created before `before`; returns how many. */
  abstract blankMessagesBefore(before: Date, limit: number): Promise<number>;

  /** Deletes up to `limit` raw webhook bodies received before `before`; returns how many. */
  abstract deleteInboundEventsBefore(before: Date, limit: number): Promise<number>;

  /**
   * Inside a transaction: erases one contact's personal data and keeps every row, id, time and count. Null when
   * there is no such contact. Running it again finds nothing left to erase and answers the same.
   */
  abstract erase(contactId: string): Promise<ErasureReport | null>;
}
