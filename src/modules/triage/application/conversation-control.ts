import { Injectable } from '@nestjs/common';
import { DialogStore } from '../ports/dialog-store.port';

/** What managers do with conversations the bot handed to a person. */
@Injectable()
export class ConversationControl {
  constructor(private readonly dialogs: DialogStore) {}

  /** The bot answers this conversation again. False when it was not handed off. */
  release(conversationId: string): Promise<boolean> {
    return this.dialogs.release(conversationId);
  }

  handedOff(limit = 100): Promise<Array<{ conversationId: string; since: Date; reason: string | null }>> {
    return this.dialogs.handedOff(limit);
  }
}
