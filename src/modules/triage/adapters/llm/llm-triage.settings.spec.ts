import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type IORedis from 'ioredis';
import { EnvironmentError, validateEnvironment } from '../../../../config/env.validation';
import { createLlmChat, llmTriageSettings, triageClassifierKind } from './llm-triage.settings';

const env = (vars: Record<string, string> = {}) =>
  validateEnvironment({ ADMIN_API_TOKEN: 'test-admin-token-0123456789', ...vars });
const noRedis = () => ({}) as IORedis;

describe('triage classifier configuration', () => {
  it("uses the offline model without the provider's credentials, and the hybrid with them", () => {
    expect(triageClassifierKind(env())).toBe('model');
    expect(triageClassifierKind(env({ OPENAI_API_KEY: 'sk-1' }))).toBe('hybrid');
    expect(triageClassifierKind(env({ LLM_PROVIDER: 'gigachat', GIGACHAT_AUTH_KEY: 'a2V5' }))).toBe('hybrid');
    expect(triageClassifierKind(env({ LLM_PROVIDER: 'gigachat', OPENAI_API_KEY: 'sk-1' }))).toBe('model');
    expect(
      triageClassifierKind(env({ LLM_PROVIDER: 'yandexgpt', YANDEXGPT_IAM_TOKEN: 't1', YANDEXGPT_FOLDER_ID: 'b1g' })),
    ).toBe('hybrid');
    expect(triageClassifierKind(env({ OPENAI_API_KEY: 'sk-1', TRIAGE_CLASSIFIER: 'rules' }))).toBe('rules');
    expect(triageClassifierKind(env({ OPENAI_API_KEY: 'sk-1', TRIAGE_CLASSIFIER: 'llm' }))).toBe('llm');
  });

  it("refuses llm or hybrid without the provider's credentials, naming the variable", () => {
    expect(() => env({ TRIAGE_CLASSIFIER: 'hybrid' })).toThrow(EnvironmentError);
    expect(() => env({ TRIAGE_CLASSIFIER: 'hybrid' })).toThrow(/OPENAI_API_KEY: must be set when TRIAGE_CLASSIFIER/);
    expect(() => env({ TRIAGE_CLASSIFIER: 'llm', LLM_PROVIDER: 'gigachat' })).toThrow(/GIGACHAT_AUTH_KEY: must be set/);
    expect(() => env({ TRIAGE_CLASSIFIER: 'llm', LLM_PROVIDER: 'yandexgpt' })).toThrow(
      /YANDEXGPT_API_KEY: or YANDEXGPT_IAM_TOKEN must be set/,
    );
    expect(() => env({ LLM_PROVIDER: 'yandexgpt', YANDEXGPT_API_KEY: 'AQVN' })).toThrow(
      /YANDEXGPT_FOLDER_ID: must be set/,
    );
    expect(() => env({ TRIAGE_CLASSIFIER: 'smart' })).toThrow(
      /TRIAGE_CLASSIFIER: must be one of model, rules, llm, hybrid/,
    );
    expect(() => env({ LLM_PROVIDER: 'gigachat', GIGACHAT_AUTH_KEY: 'a2V5', GIGACHAT_SCOPE: 'PERS' })).toThrow(
      /GIGACHAT_SCOPE: must be one of GIGACHAT_API_PERS, GIGACHAT_API_B2B, GIGACHAT_API_CORP/,
    );
  });

  it('builds the settings and the chat of the chosen provider', async () => {
    const settings = llmTriageSettings(env({ OPENAI_API_KEY: 'sk-1', BUSINESS_PRESET: 'clinic' }));
    expect(settings).toMatchObject({ timeoutMs: 2000, maskPii: true, preset: { name: 'clinic' } });
    expect(llmTriageSettings(env({ OPENAI_API_KEY: 'sk-1', LLM_MASK_PII: 'false' })).maskPii).toBe(false);

    expect(await createLlmChat(env({ OPENAI_API_KEY: 'sk-1' }), noRedis)).toMatchObject({
      provider: 'openai',
      model: 'gpt-4o-mini',
    });
    expect(
      await createLlmChat(
        env({ LLM_PROVIDER: 'gigachat', GIGACHAT_AUTH_KEY: 'a2V5', GIGACHAT_MODEL: 'GigaChat-2-Pro' }),
        noRedis,
      ),
    ).toMatchObject({ provider: 'gigachat', model: 'GigaChat-2-Pro' });
    expect(
      await createLlmChat(
        env({ LLM_PROVIDER: 'yandexgpt', YANDEXGPT_API_KEY: 'AQVN', YANDEXGPT_FOLDER_ID: 'b1gabc' }),
        noRedis,
      ),
    ).toMatchObject({ provider: 'yandexgpt', model: 'gpt://b1gabc/yandexgpt-lite/latest' });
    expect(
      await createLlmChat(
        env({ LLM_PROVIDER: 'yandexgpt', YANDEXGPT_API_KEY: 'AQVN', YANDEXGPT_MODEL: 'gpt://b1gxyz/yandexgpt/rc' }),
        noRedis,
      ),
    ).toMatchObject({ model: 'gpt://b1gxyz/yandexgpt/rc' });
  });

  describe('LLM_DATA_RESIDENCY=ru', () => {
    const ru = (vars: Record<string, string>) => env({ LLM_DATA_RESIDENCY: 'ru', ...vars });

    it('stops start-up with one line naming the endpoint outside Russia', () => {
      const attempt = () => ru({ OPENAI_API_KEY: 'sk-1' });
      expect(attempt).toThrow(EnvironmentError);
      expect(attempt).toThrow(
        /^Invalid environment: LLM_DATA_RESIDENCY: is ru, but the openai endpoint OPENAI_BASE_URL \(api\.openai\.com\) is outside Russia/,
      );
      try {
        attempt();
      } catch (error) {
        expect((error as Error).message.split('\n')).toHaveLength(1);
      }
      expect(() =>
        ru({
          LLM_PROVIDER: 'gigachat',
          GIGACHAT_AUTH_KEY: 'a2V5',
          GIGACHAT_BASE_URL: 'https://gigachat.example.com/api/v1',
        }),
      ).toThrow(/GIGACHAT_BASE_URL \(gigachat\.example\.com\)/);
    });

    it("allows GigaChat's and Yandex Cloud's hosts, loopback and private addresses and the vouched hosts", () => {
      expect(() => ru({ LLM_PROVIDER: 'gigachat', GIGACHAT_AUTH_KEY: 'a2V5' })).not.toThrow();
      expect(() =>
        ru({ LLM_PROVIDER: 'yandexgpt', YANDEXGPT_API_KEY: 'AQVN', YANDEXGPT_FOLDER_ID: 'b1g' }),
      ).not.toThrow();
      for (const url of [
        'http://127.0.0.1:11434/v1',
        'http://localhost:8000/v1',
        'http://10.1.2.3/v1',
        'http://192.168.1.5/v1',
        'http://[::1]:8000/v1',
      ]) {
        expect(() => ru({ OPENAI_API_KEY: 'x', OPENAI_BASE_URL: url })).not.toThrow();
      }
      expect(() => ru({ OPENAI_API_KEY: 'x', OPENAI_BASE_URL: 'http://8.8.8.8/v1' })).toThrow(/8\.8\.8\.8/);
      expect(() => ru({ OPENAI_API_KEY: 'x', OPENAI_BASE_URL: 'https://llm.selectel.ru/v1' })).toThrow(
        EnvironmentError,
      );
      expect(() =>
        ru({
          OPENAI_API_KEY: 'x',
          OPENAI_BASE_URL: 'https://llm.selectel.ru/v1',
          LLM_RU_HOSTS: 'llm.selectel.ru, vllm.local',
        }),
      ).not.toThrow();
      // No LLM in use: nothing leaves, nothing to refuse.
      expect(() => ru({})).not.toThrow();
    });
  });

  it('wants a price before a budget, and a readable CA file', () => {
    expect(() => env({ LLM_DAILY_BUDGET_RUB: '100' })).toThrow(
      /LLM_DAILY_BUDGET_RUB: needs LLM_PRICE_RUB_PER_1K_INPUT/,
    );
    expect(() => env({ LLM_DAILY_BUDGET_RUB: '100', LLM_PRICE_RUB_PER_1K_INPUT: '0.2' })).not.toThrow();
    expect(() => env({ LLM_CA_FILE: '/nonexistent/russian_trusted_root_ca.pem' })).toThrow(
      /LLM_CA_FILE: must be the path of a readable PEM file/,
    );
    const pem = path.join(tmpdir(), 'volna-settings-spec-ca.pem');
    writeFileSync(pem, '-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n');
    expect(() => env({ LLM_CA_FILE: pem })).not.toThrow();
  });
});
