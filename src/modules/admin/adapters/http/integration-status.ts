import type { EnvironmentVariables } from '../../../../config/env.validation';
import type { IntegrationsDto, IntegrationStatusDto } from './dto/integrations.dto';
import { triageClassifierKind } from '../../../triage';

type Env = EnvironmentVariables;
type Key = keyof Env;

const DEFAULT_TELEGRAM_API_BASE = 'https://api.telegram.org';
export const CHECK_TIMEOUT_MS = 2000;

/** Names of variables that hold credentials: their values never appear in an answer, not even inside an error. */
const SECRET_NAME = /TOKEN|SECRET|PASSWORD|KEY|API_ID|LOGIN|CODE|WEBHOOK_URL|CLIENT_ID/;

/** An integration is configured when all its variables are set; `missing` names the ones that are not. */
function status(name: string, env: Env, required: Key[]): IntegrationStatusDto {
  const missing = required.filter((key) => !env[key]).map(String);
  return { name, configured: missing.length === 0, missing, reachable: null, detail: null };
}

/** What is configured, from the environment alone (the channels module mounts a channel on the same conditions). */
export function configuredIntegrations(env: Env): IntegrationsDto {
  const classifier = triageClassifierKind(env);
  const offline = classifier === 'model' || classifier === 'rules';
  const smsProvider = env.SMSRU_API_ID ? 'smsru' : env.SMSC_LOGIN && env.SMSC_PASSWORD ? 'smsc' : null;
  const crmRequired: Record<Env['CRM_PROVIDER'], Key[]> = {
    local: [],
    bitrix24: ['BITRIX24_WEBHOOK_URL'],
    amocrm: ['AMOCRM_BASE_URL', env.AMOCRM_CLIENT_ID ? 'AMOCRM_CLIENT_SECRET' : 'AMOCRM_ACCESS_TOKEN'],
  };
  return {
    channels: [
      { ...status('webchat', env, []), detail: 'always on: the website widget' },
      status('telegram', env, ['TELEGRAM_BOT_TOKEN', 'TELEGRAM_WEBHOOK_SECRET']),
      status('whatsapp', env, [
        'WHATSAPP_TOKEN',
        'WHATSAPP_PHONE_NUMBER_ID',
        'WHATSAPP_APP_SECRET',
        'WHATSAPP_VERIFY_TOKEN',
      ]),
      status('instagram', env, ['INSTAGRAM_ACCESS_TOKEN', 'INSTAGRAM_APP_SECRET', 'INSTAGRAM_VERIFY_TOKEN']),
      status('vk', env, ['VK_ACCESS_TOKEN', 'VK_GROUP_ID']),
    ],
    crm: {
      ...status(env.CRM_PROVIDER, env, crmRequired[env.CRM_PROVIDER]),
      provider: env.CRM_PROVIDER,
      detail: env.CRM_PROVIDER === 'local' ? 'leads stay in this instance, visible in the admin API' : null,
    },
    llm: {
      ...status('llm', env, offline ? [] : ['OPENAI_API_KEY']),
      classifier,
      model: offline ? null : env.OPENAI_MODEL,
      detail:
        classifier === 'model'
          ? 'the offline model learned from data/triage, no LLM'
          : classifier === 'rules'
            ? 'the offline rule classifier, no LLM'
            : null,
    },
    sms: {
      ...status('sms', env, smsProvider === 'smsc' ? ['SMSC_LOGIN', 'SMSC_PASSWORD'] : ['SMSRU_API_ID']),
      provider: smsProvider,
      detail: smsProvider ? null : 'none: set SMSRU_API_ID, or SMSC_LOGIN and SMSC_PASSWORD',
    },
    managerAlerts: [
      status('telegram', env, ['MANAGER_TELEGRAM_BOT_TOKEN', 'MANAGER_TELEGRAM_CHAT_ID']),
      status('webhook', env, ['ALERT_WEBHOOK_URL']),
    ],
  };
}

/** The bot answers getMe within CHECK_TIMEOUT_MS: the token is valid and Telegram is reachable from here. */
export async function checkTelegram(env: Env): Promise<Pick<IntegrationStatusDto, 'reachable' | 'detail'>> {
  const base = (env.TELEGRAM_API_BASE ?? DEFAULT_TELEGRAM_API_BASE).replace(/\/+$/, '');
  try {
    const response = await fetch(`${base}/bot${env.TELEGRAM_BOT_TOKEN}/getMe`, {
      signal: AbortSignal.timeout(CHECK_TIMEOUT_MS),
    });
    const body = (await response.json().catch(() => null)) as {
      ok?: boolean;
      result?: { username?: string };
      description?: string;
    } | null;
    if (response.ok && body?.ok === true) {
      return { reachable: true, detail: `getMe: @${body.result?.username ?? 'bot'}` };
    }
    const why = typeof body?.description === 'string' ? `: ${body.description.slice(0, 200)}` : '';
    return { reachable: false, detail: scrub(`getMe answered HTTP ${response.status}${why}`, env) };
  } catch (error) {
    const timedOut = (error as Error).name === 'TimeoutError' || (error as Error).name === 'AbortError';
    // A fetch error may carry the URL, and the URL carries the token: only its kind is reported.
    return { reachable: false, detail: timedOut ? `no answer within ${CHECK_TIMEOUT_MS} ms` : 'network error' };
  }
}

/** Removes the value of every credential variable from a text that came from outside. */
export function scrub(text: string, env: Env): string {
  let clean = text;
  for (const [key, value] of Object.entries(env)) {
    if (SECRET_NAME.test(key) && typeof value === 'string' && value.length >= 4) clean = clean.split(value).join('***');
  }
  return clean;
}
