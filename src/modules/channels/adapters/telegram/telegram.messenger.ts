import { Injectable } from '@nestjs/common';
import type { Message } from '@grammyjs/types';
import { RateLimitedError, TransientError } from '../../../../shared/domain-error';
import { RedisRateLimiter } from '../../../../redis/redis-rate-limiter';
import { Messenger, type OutgoingMessage, type SentMessage } from '../../ports/messenger.port';
import { inlineKeyboard } from './telegram-buttons';
import { TelegramBadRequestError, TelegramClient } from './telegram.client';

/** Bot FAQ: about 30 messages per second for the whole bot, and no more than one per second in one chat. */
const BOT_RATE_PER_SEC = 30;
const BOT_BURST = 30;
const CHAT_RATE_PER_SEC = 1;
/** "Short bursts that go over this limit" are tolerated: a reply and its follow-up may go out together. */
const CHAT_BURST = 2;

/** Sends replies as Telegram messages, with offered answers as inline buttons, and answers button presses. */
@Injectable()
export class TelegramMessenger extends Messenger {
  readonly channel = 'telegram' as const;
  override readonly sendRatePerSec = BOT_RATE_PER_SEC;

  constructor(
    private readonly client: TelegramClient,
    private readonly limiter: RedisRateLimiter,
  ) {
    super();
  }

  async send(message: OutgoingMessage): Promise<SentMessage> {
    await this.throttle(message.threadId);
    const sent = await this.client.call<Message>('sendMessage', {
      chat_id: chatId(message.threadId),
      text: message.text,
      ...(message.buttons.length > 0 ? { reply_markup: inlineKeyboard(message.buttons) } : {}),
    });
    return { providerMessageId: `${sent.chat?.id ?? message.threadId}:${sent.message_id}` };
  }

  /**
   * Stops the spinner on the pressed button. Telegram accepts an answer only for a while after the press; once
   * the query is too old the client has already stopped waiting and there is nothing left to do.
   */
  override async acknowledge(callbackQueryId: string): Promise<void> {
    try {
      await this.client.call<true>('answerCallbackQuery', { callback_query_id: callbackQueryId });
    } catch (error) {
      if (error instanceof TelegramBadRequestError && /query is too old/i.test(error.description)) {
        return;
      }
      throw error;
    }
  }

  /**
   * Takes a token of the chat's bucket (1/s) and of the bot's (30/s), or throws RateLimitedError: the reply job is
   * then delayed until the token is there, instead of waiting in a worker slot that other chats' replies need.
   */
  private async throttle(threadId: string): Promise<void> {
    let wait: number;
    try {
      wait = await this.limiter.take(`telegram:chat:${threadId}`, CHAT_RATE_PER_SEC, CHAT_BURST);
      if (wait === 0) wait = await this.limiter.take('telegram:bot', BOT_RATE_PER_SEC, BOT_BURST);
    } catch {
      throw new TransientError('Telegram sendMessage: rate limiter unavailable (Redis)');
    }
    if (wait > 0) throw new RateLimitedError('Telegram sendMessage', wait);
  }
}

/** Chat ids fit in 52 bits (Bot API docs), so a number is exact; anything else goes as given (@channelname). */
function chatId(threadId: string): number | string {
  const id = Number(threadId);
  return /^-?\d+$/.test(threadId) && Number.isSafeInteger(id) ? id : threadId;
}
