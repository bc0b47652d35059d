import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { EnvironmentVariables } from '../../../../config/env.validation';
import type { LlmChat } from './llm-chat';

/** The configured provider's chat, or null when triage uses no LLM. */
export const LLM_CHAT = Symbol('LLM_CHAT');

/** Opens the LLM chat where messages are triaged (GigaChat: the token fetched and kept fresh), closes it on stop. */
@Injectable()
export class LlmChatLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(LlmChatLifecycle.name);

  constructor(
    @Inject(LLM_CHAT) private readonly chat: LlmChat | null,
    private readonly env: EnvironmentVariables,
  ) {}

  onApplicationBootstrap(): void {
    if (this.env.APP_ROLE === 'api') return; // an API process accepts messages, it does not triage them
    this.chat?.open?.((error) =>
      this.logger.warn(`${this.chat?.provider} not ready: ${(error as Error).message}; the offline model answers`),
    );
  }

  onApplicationShutdown(): void {
    this.chat?.close?.();
  }
}
