import type IORedis from 'ioredis';
import { hasLlmCredentials, type EnvironmentVariables } from '../../../../config/env.validation';
import { LLM_DEFAULT_URLS } from '../../../../config/llm-endpoints';
import { BUSINESS_PRESETS } from '../../domain/business-presets';
import type { LlmTriageSettings } from './llm-intent.classifier';
import type { LlmChat } from './llm-chat';
import { createLlmFetch } from './llm-http';
import { GigaChatChat } from './providers/gigachat.chat';
import { GigaChatTokens } from './providers/gigachat-tokens';
import { YandexGptChat, yandexModelUri } from './providers/yandexgpt.chat';

export type TriageClassifierKind = 'model' | 'rules' | 'llm' | 'hybrid';

/** TRIAGE_CLASSIFIER, or by default the hybrid when the LLM provider's credentials are set and the offline model when not. */
export function triageClassifierKind(env: EnvironmentVariables): TriageClassifierKind {
  return env.TRIAGE_CLASSIFIER ?? (hasLlmCredentials(env) ? 'hybrid' : 'model');
}

export function llmTriageSettings(env: EnvironmentVariables): LlmTriageSettings {
  return {
    timeoutMs: env.LLM_TIMEOUT_MS,
    maskPii: env.LLM_MASK_PII,
    preset: BUSINESS_PRESETS[env.BUSINESS_PRESET],
  };
}

/**
 * The LLM_PROVIDER's wire format. Clients: LangChain's ChatOpenAI for OpenAI-compatible servers (loaded only then:
 * it is heavy); for GigaChat and YandexGPT their REST APIs directly over undici (see docs/LLM.md for why not their
 * SDKs). `redis` keeps GigaChat's access token shared by all processes.
 */
export async function createLlmChat(env: EnvironmentVariables, redis: () => IORedis): Promise<LlmChat> {
  const fetch = createLlmFetch(env.LLM_CA_FILE);
  switch (env.LLM_PROVIDER) {
    case 'gigachat':
      if (!env.GIGACHAT_AUTH_KEY) throw new Error('GIGACHAT_AUTH_KEY must be set for LLM_PROVIDER=gigachat');
      return new GigaChatChat({
        baseUrl: env.GIGACHAT_BASE_URL ?? LLM_DEFAULT_URLS.GIGACHAT_BASE_URL,
        model: env.GIGACHAT_MODEL,
        fetch,
        tokens: new GigaChatTokens({
          authKey: env.GIGACHAT_AUTH_KEY,
          scope: env.GIGACHAT_SCOPE,
          oauthUrl: env.GIGACHAT_OAUTH_URL ?? LLM_DEFAULT_URLS.GIGACHAT_OAUTH_URL,
          fetch,
          redis: redis(),
          keyPrefix: env.QUEUE_PREFIX,
        }),
      });
    case 'yandexgpt': {
      const credentials = env.YANDEXGPT_API_KEY
        ? { apiKey: env.YANDEXGPT_API_KEY }
        : env.YANDEXGPT_IAM_TOKEN
          ? { iamToken: env.YANDEXGPT_IAM_TOKEN }
          : null;
      if (!credentials)
        throw new Error('YANDEXGPT_API_KEY or YANDEXGPT_IAM_TOKEN must be set for LLM_PROVIDER=yandexgpt');
      return new YandexGptChat({
        baseUrl: env.YANDEXGPT_BASE_URL ?? LLM_DEFAULT_URLS.YANDEXGPT_BASE_URL,
        credentials,
        modelUri: yandexModelUri(env.YANDEXGPT_MODEL, env.YANDEXGPT_FOLDER_ID),
        folderId: env.YANDEXGPT_FOLDER_ID,
        fetch,
      });
    }
    default: {
      if (!env.OPENAI_API_KEY) throw new Error('OPENAI_API_KEY must be set for the LLM classifier');
      const { OpenAiChat } = await import('./providers/openai.chat');
      return new OpenAiChat({
        apiKey: env.OPENAI_API_KEY,
        model: env.OPENAI_MODEL,
        baseUrl: env.OPENAI_BASE_URL,
        timeoutMs: env.LLM_TIMEOUT_MS,
        fetch,
      });
    }
  }
}
