import { EnvironmentError, validateEnvironment } from '../../../../config/env.validation';
import { llmTriageSettings, triageClassifierKind } from './llm-triage.settings';

const env = (vars: Record<string, string> = {}) =>
  validateEnvironment({ ADMIN_API_TOKEN: 'test-admin-token-0123456789', ...vars });

describe('triage classifier configuration', () => {
  it('uses the offline model without an LLM key, and the hybrid with one', () => {
    expect(triageClassifierKind(env())).toBe('model');
    expect(triageClassifierKind(env({ OPENAI_API_KEY: 'sk-1' }))).toBe('hybrid');
    expect(triageClassifierKind(env({ OPENAI_API_KEY: 'sk-1', TRIAGE_CLASSIFIER: 'rules' }))).toBe('rules');
    expect(triageClassifierKind(env({ OPENAI_API_KEY: 'sk-1', TRIAGE_CLASSIFIER: 'llm' }))).toBe('llm');
  });

  it('refuses llm or hybrid without a key, naming the variable', () => {
    expect(() => env({ TRIAGE_CLASSIFIER: 'hybrid' })).toThrow(EnvironmentError);
    expect(() => env({ TRIAGE_CLASSIFIER: 'hybrid' })).toThrow(/OPENAI_API_KEY: must be set when TRIAGE_CLASSIFIER/);
    expect(() => env({ TRIAGE_CLASSIFIER: 'smart' })).toThrow(
      /TRIAGE_CLASSIFIER: must be one of model, rules, llm, hybrid/,
    );
  });

  it('builds the LLM settings with the defaults', () => {
    const settings = llmTriageSettings(
      env({ OPENAI_API_KEY: 'sk-1', OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1', BUSINESS_PRESET: 'clinic' }),
    );
    expect(settings).toMatchObject({
      apiKey: 'sk-1',
      model: 'gpt-4o-mini',
      baseUrl: 'http://127.0.0.1:11434/v1',
      timeoutMs: 2000,
      maskPii: true,
      preset: { name: 'clinic' },
    });
    expect(llmTriageSettings(env({ OPENAI_API_KEY: 'sk-1', LLM_MASK_PII: 'false' })).maskPii).toBe(false);
  });
});
