import type { EnvironmentVariables } from '../../../../config/env.validation';
import { BUSINESS_PRESETS } from '../../domain/business-presets';
import type { LlmTriageSettings } from './llm-intent.classifier';

export type TriageClassifierKind = 'model' | 'rules' | 'llm' | 'hybrid';

/** TRIAGE_CLASSIFIER, or by default the hybrid when an LLM key is configured and the offline model when not. */
export function triageClassifierKind(env: EnvironmentVariables): TriageClassifierKind {
  return env.TRIAGE_CLASSIFIER ?? (env.OPENAI_API_KEY ? 'hybrid' : 'model');
}

export function llmTriageSettings(env: EnvironmentVariables): LlmTriageSettings {
  if (!env.OPENAI_API_KEY) throw new Error('OPENAI_API_KEY must be set for the LLM classifier');
  return {
    apiKey: env.OPENAI_API_KEY,
    model: env.OPENAI_MODEL,
    baseUrl: env.OPENAI_BASE_URL,
    timeoutMs: env.LLM_TIMEOUT_MS,
    maskPii: env.LLM_MASK_PII,
    preset: BUSINESS_PRESETS[env.BUSINESS_PRESET],
  };
}
