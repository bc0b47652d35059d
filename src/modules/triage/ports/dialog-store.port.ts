import type { Dialog, DialogState } from '../domain/dialog-state';

/** The booking dialog of each conversation, and whether a person has taken the conversation over. */
export abstract class DialogStore {
  /**
   * Inside a transaction: the conversation's dialog (created when it has none), locked until the transaction
   * ends, so two messages of one client are answered one after the other, each seeing what the previous one changed.
   */
  abstract lock(conversationId: string): Promise<Dialog>;

  /** The dialog's state as it is, without a lock (for a classifier that reads context); empty when none. */
  abstract peek(conversationId: string): Promise<DialogState>;

  /** Writes the state when it differs from `previous` (what `lock` read): most messages change nothing. */
  abstract save(conversationId: string, state: DialogState, previous?: DialogState): Promise<void>;

  /** Hands the conversation to a person, with the reason, and forgets the dialog's state. */
  abstract handOff(conversationId: string, reason: string): Promise<void>;

  /** Gives the conversation back to the bot. Returns false when the conversation was not handed off. */
  abstract release(conversationId: string): Promise<boolean>;

  /** Conversations a person has now, the latest handed off first. */
  abstract handedOff(limit: number): Promise<Array<{ conversationId: string; since: Date; reason: string | null }>>;
}
