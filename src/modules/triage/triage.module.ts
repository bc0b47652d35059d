import { Module } from '@nestjs/common';
import { LeadsModule } from '../leads';
import { OutboxModule } from '../outbox';
import { TriageProcessor } from './adapters/queue/triage.processor';
import { RulesIntentClassifier } from './adapters/rules/rules-intent.classifier';
import { TriageMessageUseCase } from './application/triage-message.use-case';
import { IntentClassifier } from './ports/intent-classifier.port';

@Module({
  imports: [LeadsModule, OutboxModule],
  providers: [{ provide: IntentClassifier, useClass: RulesIntentClassifier }, TriageMessageUseCase, TriageProcessor],
})
export class TriageModule {}
