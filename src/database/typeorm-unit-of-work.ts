import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { UnitOfWork } from '../shared/unit-of-work';

interface TransactionScope {
  manager: EntityManager;
  afterCommit: Array<() => void>;
}

@Injectable()
export class TypeOrmUnitOfWork extends UnitOfWork {
  private readonly logger = new Logger(TypeOrmUnitOfWork.name);
  private readonly scope = new AsyncLocalStorage<TransactionScope>();

  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.scope.getStore()) return work(); // nested: join the outer transaction
    const afterCommit: Array<() => void> = [];
    const result = await this.dataSource.transaction((manager) => this.scope.run({ manager, afterCommit }, work));
    for (const hook of afterCommit) {
      try {
        hook();
      } catch (error) {
        this.logger.error(`after-commit hook failed: ${(error as Error).message}`);
      }
    }
    return result;
  }

  afterCommit(hook: () => void): void {
    const scope = this.scope.getStore();
    if (scope) scope.afterCommit.push(hook);
    else hook();
  }

  /** Runs work outside the current transaction: what it writes commits at once, whatever the transaction does. */
  override detached<T>(work: () => Promise<T>): Promise<T> {
    return this.scope.exit(work);
  }

  /** The transaction's manager inside `run`, the pool's outside it. */
  manager(): EntityManager {
    return this.scope.getStore()?.manager ?? this.dataSource.manager;
  }
}
