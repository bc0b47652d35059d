import { AmoCrmPermanentError, AmoCrmTransientError, type AmoCrmClient } from './amocrm.client';

/** The collections amoCRM takes as arrays, and where each answers with the items it made. */
const COLLECTIONS = {
  'leads/complex': (body: unknown) => (Array.isArray(body) ? body : []),
  'leads/notes': (body: unknown) => embedded(body, 'notes'),
  tasks: (body: unknown) => embedded(body, 'tasks'),
} as const;

export type AmoBulkPath = keyof typeof COLLECTIONS;

/** amoCRM takes up to 50 leads in one complex call, and recommends no more items than that in other calls. */
const MAX_ITEMS = 50;

interface Pending {
  item: Record<string, unknown>;
  resolve(made: Record<string, unknown>): void;
  reject(error: Error): void;
}

/**
 * Writes of many syncs to one amoCRM collection go out together, up to 50 items a request: while one request of a
 * collection is on its way (or waits for the account's 7 requests/s), the items that come meanwhile gather for the
 * next. Each caller gets its own item of the answer, in the order sent. amoCRM rejects a whole request for one
 * invalid item, so a rejected request is sent again item by item: only the invalid one fails.
 */
export class AmoBulkPoster {
  private readonly waiting = new Map<AmoBulkPath, Pending[]>();
  private readonly sending = new Set<AmoBulkPath>();

  constructor(private readonly client: AmoCrmClient) {}

  /** Posts `item` to `path` with what else waits; resolves with what amoCRM made of it. */
  post(path: AmoBulkPath, item: Record<string, unknown>): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const queue = this.waiting.get(path) ?? [];
      queue.push({ item, resolve, reject });
      this.waiting.set(path, queue);
      if (!this.sending.has(path)) void this.drain(path);
    });
  }

  private async drain(path: AmoBulkPath): Promise<void> {
    this.sending.add(path);
    try {
      const queue = this.waiting.get(path)!;
      while (queue.length > 0) await this.send(path, queue.splice(0, MAX_ITEMS));
    } finally {
      this.sending.delete(path);
    }
  }

  private async send(path: AmoBulkPath, batch: Pending[]): Promise<void> {
    let made: unknown[];
    try {
      made = COLLECTIONS[path](
        await this.client.post<unknown>(
          path,
          batch.map((p) => p.item),
        ),
      );
    } catch (error) {
      if (error instanceof AmoCrmPermanentError && error.reason === 'validation' && batch.length > 1) {
        for (const one of batch) await this.send(path, [one]);
        return;
      }
      for (const pending of batch) pending.reject(error as Error);
      return;
    }
    batch.forEach((pending, k) => {
      const item = made[k];
      if (item && typeof item === 'object') pending.resolve(item as Record<string, unknown>);
      else {
        pending.reject(
          new AmoCrmTransientError(
            `amoCRM POST ${path} answered without item ${k} of ${batch.length}`,
            undefined,
            true,
          ),
        );
      }
    });
  }
}

function embedded(body: unknown, collection: string): unknown[] {
  const items = (body as { _embedded?: Record<string, unknown> } | null)?._embedded?.[collection];
  return Array.isArray(items) ? items : [];
}
