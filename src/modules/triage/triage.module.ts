import { Module } from '@nestjs/common';
import { EnvironmentVariables } from '../../config/env.validation';
import { LeadsModule } from '../leads';
import { NotificationsModule } from '../notifications';
import { OutboxModule } from '../outbox';
import { SchedulingModule } from '../scheduling';
import { SettingsModule } from '../settings';
import { HybridIntentClassifier } from './adapters/hybrid/hybrid-intent.classifier';
import { LlmIntentClassifier } from './adapters/llm/llm-intent.classifier';
import type { LlmChat } from './adapters/llm/llm-chat';
import { LLM_CHAT, LlmChatLifecycle } from './adapters/llm/llm-chat.lifecycle';
import { LlmRedis } from './adapters/llm/llm-redis';
import { createLlmChat, llmTriageSettings, triageClassifierKind } from './adapters/llm/llm-triage.settings';
import { BudgetCappedClassifier } from './adapters/hybrid/budget-capped.classifier';
import { LlmUsageRepository } from './adapters/persistence/llm-usage.repository';
import { LlmBudget } from './application/llm-budget';
import { DialogRepository } from './adapters/persistence/dialog.repository';
import { TriageProcessor } from './adapters/queue/triage.processor';
import { TriageLearningAdminController } from './adapters/http/triage-learning-admin.controller';
import { ModelIntentClassifier } from './adapters/model/model-intent.classifier';
import { TriageLearningRepository } from './adapters/persistence/triage-learning.repository';
import { TriageModelTrainer } from './adapters/model/triage-model.trainer';
import { RulesIntentClassifier } from './adapters/rules/rules-intent.classifier';
import { ConversationRunner } from './application/conversation-runner';
import { ConversationControl } from './application/conversation-control';
import { TriageMessageUseCase } from './application/triage-message.use-case';
import { DialogStore } from './ports/dialog-store.port';
import { IntentClassifier } from './ports/intent-classifier.port';
import { LlmUsageStore } from './ports/llm-usage-store.port';

@Module({
  controllers: [TriageLearningAdminController],
  imports: [LeadsModule, OutboxModule, NotificationsModule, SchedulingModule, SettingsModule],
  providers: [
    RulesIntentClassifier,
    TriageModelTrainer,
    TriageLearningRepository,
    ModelIntentClassifier,
    LlmRedis,
    LlmUsageRepository,
    { provide: LlmUsageStore, useExisting: LlmUsageRepository },
    LlmBudget,
    {
      provide: LLM_CHAT,
      inject: [EnvironmentVariables, LlmRedis],
      useFactory: async (env: EnvironmentVariables, redis: LlmRedis): Promise<LlmChat | null> =>
        ['llm', 'hybrid'].includes(triageClassifierKind(env)) ? createLlmChat(env, () => redis.client()) : null,
    },
    LlmChatLifecycle,
    {
      provide: IntentClassifier,
      inject: [EnvironmentVariables, RulesIntentClassifier, ModelIntentClassifier, LLM_CHAT, LlmBudget],
      useFactory: (
        env: EnvironmentVariables,
        rules: RulesIntentClassifier,
        offline: ModelIntentClassifier,
        chat: LlmChat | null,
        budget: LlmBudget,
      ) => {
        const kind = triageClassifierKind(env);
        if (kind === 'rules') return rules;
        if (kind === 'model' || !chat) return offline;
        const llm = new LlmIntentClassifier(chat, llmTriageSettings(env), budget);
        const withLlm =
          kind === 'llm'
            ? llm
            : new HybridIntentClassifier(llm, offline, {
                budgetMs: env.LLM_TIMEOUT_MS,
                failureThreshold: env.LLM_BREAKER_FAILURES,
                openMs: env.LLM_BREAKER_OPEN_MS,
              });
        return new BudgetCappedClassifier(withLlm, offline, budget);
      },
    },
    DialogRepository,
    { provide: DialogStore, useExisting: DialogRepository },
    ConversationRunner,
    ConversationControl,
    TriageMessageUseCase,
    TriageProcessor,
  ],
  exports: [ConversationControl],
})
export class TriageModule {}
