import { DomainError } from '../../../shared/domain-error';

export class DeadLetterNotFoundError extends DomainError {
  readonly code = 'OUTBOX.DEAD_LETTER_NOT_FOUND';
  constructor(id: string) {
    super(`dead letter ${id} does not exist`);
  }
}

export class DeadLetterDiscardedError extends DomainError {
  readonly code = 'OUTBOX.DEAD_LETTER_DISCARDED';
  constructor(id: string) {
    super(`dead letter ${id} was discarded and cannot be replayed`);
  }
}
