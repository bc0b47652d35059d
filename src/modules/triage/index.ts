export { TriageModule } from './triage.module';
export { INTENTS, type Intent, type TriageResult } from './domain/triage-result';
export { ConversationControl } from './application/conversation-control';
export { triageClassifierKind } from './adapters/llm/llm-triage.settings';
