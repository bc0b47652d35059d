import type IORedis from 'ioredis';
import { createLlmFetch } from '../../src/modules/triage/adapters/llm/llm-http';
import { GigaChatChat } from '../../src/modules/triage/adapters/llm/providers/gigachat.chat';
import { GigaChatTokens } from '../../src/modules/triage/adapters/llm/providers/gigachat-tokens';

/** The real GigaChat adapter pointed at a fake (OAuth and API on one origin), with its token kept in `redis`. */
export function gigaChatAt(options: {
  url: string;
  redis: IORedis;
  keyPrefix: string;
  /** LLM_CA_FILE; unset: Node's own roots only. */
  caFile?: string;
  /** The fake's authorization key (FAKE_GIGACHAT_AUTH_KEY: not imported here, the burst processes load no fake). */
  authKey: string;
}): GigaChatChat {
  const fetch = createLlmFetch(options.caFile);
  return new GigaChatChat({
    baseUrl: `${options.url}/api/v1`,
    model: 'GigaChat-2',
    fetch,
    tokens: new GigaChatTokens({
      authKey: options.authKey,
      scope: 'GIGACHAT_API_B2B',
      oauthUrl: `${options.url}/api/v2/oauth`,
      fetch,
      redis: options.redis,
      keyPrefix: options.keyPrefix,
    }),
  });
}
