import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsJSON,
  IsNumber,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  MinLength,
  Validate,
  ValidateIf,
  ValidationError,
  type ValidationArguments,
  ValidatorConstraint,
  ValidatorConstraintInterface,
  validateSync,
} from 'class-validator';
import { accessSync, constants } from 'node:fs';
import { IANAZone } from 'luxon';
import { ReadonlyTokensConstraint } from '../http/readonly-tokens.constraint';
import { LLM_PROVIDERS, llmEndpointsOutsideRussia, parseHostList, type LlmProvider } from './llm-endpoints';

export const APP_ROLES = ['all', 'api', 'worker'] as const;
export type AppRole = (typeof APP_ROLES)[number];
export const CRM_PROVIDERS = ['local', 'bitrix24', 'amocrm'] as const;
export type CrmProvider = (typeof CRM_PROVIDERS)[number];
export const BUSINESS_PRESETS = ['salon', 'clinic', 'autoservice', 'fitness', 'education'] as const;
export type BusinessPreset = (typeof BUSINESS_PRESETS)[number];

@ValidatorConstraint({ name: 'ianaZone' })
class IsIanaZone implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && IANAZone.isValidZone(value);
  }
  defaultMessage(): string {
    return 'must be an IANA time zone such as Asia/Krasnoyarsk';
  }
}

@ValidatorConstraint({ name: 'readableFile' })
class ReadableFileConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    try {
      accessSync(String(value), constants.R_OK);
      return true;
    } catch {
      return false;
    }
  }
  defaultMessage(): string {
    return 'must be the path of a readable PEM file';
  }
}

/** LLM_DATA_RESIDENCY=ru: every endpoint of the configured LLM provider must be allowed. */
@ValidatorConstraint({ name: 'llmResidency' })
class LlmResidencyConstraint implements ValidatorConstraintInterface {
  private outside(env: EnvironmentVariables): string[] {
    try {
      return llmEndpointsOutsideRussia(env, parseHostList(env.LLM_RU_HOSTS));
    } catch {
      return []; // a malformed URL is reported by its own variable
    }
  }
  validate(value: unknown, args: ValidationArguments): boolean {
    const env = args.object as EnvironmentVariables;
    return value !== 'ru' || !usesLlm(env) || this.outside(env).length === 0;
  }
  defaultMessage(args: ValidationArguments): string {
    const env = args.object as EnvironmentVariables;
    return (
      `is ru, but the ${env.LLM_PROVIDER} endpoint ${this.outside(env).join(', ')} is outside Russia: ` +
      'use gigachat or yandexgpt, a model on a loopback or private address, or add the host to LLM_RU_HOSTS'
    );
  }
}

/** A budget in roubles needs a price to turn tokens into roubles. */
@ValidatorConstraint({ name: 'pricedBudget' })
class PricedBudgetConstraint implements ValidatorConstraintInterface {
  validate(_value: unknown, args: ValidationArguments): boolean {
    const env = args.object as EnvironmentVariables;
    return env.LLM_PRICE_RUB_PER_1K_INPUT > 0 || (env.LLM_PRICE_RUB_PER_1K_OUTPUT ?? 0) > 0;
  }
  defaultMessage(): string {
    return 'needs LLM_PRICE_RUB_PER_1K_INPUT (and LLM_PRICE_RUB_PER_1K_OUTPUT if it differs) to count roubles';
  }
}

const GIGACHAT_SCOPES = ['GIGACHAT_API_PERS', 'GIGACHAT_API_B2B', 'GIGACHAT_API_CORP'] as const;

/** Whether messages go to an LLM (of this provider, when given): TRIAGE_CLASSIFIER llm or hybrid, or unset with keys. */
export function usesLlm(env: EnvironmentVariables, provider?: LlmProvider): boolean {
  if (provider && env.LLM_PROVIDER !== provider) return false;
  return (
    env.TRIAGE_CLASSIFIER === 'llm' ||
    env.TRIAGE_CLASSIFIER === 'hybrid' ||
    (!env.TRIAGE_CLASSIFIER && hasLlmCredentials(env))
  );
}

/** Whether the credentials of LLM_PROVIDER are set. */
export function hasLlmCredentials(env: EnvironmentVariables): boolean {
  switch (env.LLM_PROVIDER) {
    case 'gigachat':
      return Boolean(env.GIGACHAT_AUTH_KEY);
    case 'yandexgpt':
      return Boolean(env.YANDEXGPT_API_KEY || env.YANDEXGPT_IAM_TOKEN);
    default:
      return Boolean(env.OPENAI_API_KEY);
  }
}

const URL_OPTIONS = { require_tld: false, require_protocol: true, protocols: ['http', 'https'] };
const toInt = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value));
const toNumber = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value));
const toBool = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : ['true', '1', 'yes'].includes(String(value).toLowerCase());

/**
 * Every environment variable the service reads. Secrets of a vendor are required only when that vendor is
 * switched on. A bad value stops start-up with one line per problem.
 */
export class EnvironmentVariables {
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(65535)
  PORT = 3000;

  @Matches(/^postgres(ql)?:\/\/.+\/[^/?]+/, { message: 'must be a postgres:// URL with a database name' })
  DATABASE_URL = 'postgres://postgres:postgres@localhost:5432/volna';

  @Matches(/^rediss?:\/\/.+/, { message: 'must be a redis:// or rediss:// URL' })
  REDIS_URL = 'redis://localhost:6379';

  @IsIn(APP_ROLES, { message: `must be one of ${APP_ROLES.join(', ')}` })
  APP_ROLE: AppRole = 'all';

  @IsString({ message: 'must be set to a secret of at least 16 characters' })
  @MinLength(16, { message: 'must be set to a secret of at least 16 characters' })
  ADMIN_API_TOKEN!: string;

  // Admin access
  /** Read-only admin tokens, `name:token,name:token` (names a-z 0-9 _ -, tokens of 16+ characters). */
  @IsOptional()
  @Validate(ReadonlyTokensConstraint)
  ADMIN_READONLY_TOKENS?: string;

  /** Wrong admin tokens one client address may send within ADMIN_AUTH_WINDOW_SECONDS before it gets 429. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  ADMIN_AUTH_MAX_FAILURES = 10;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(86400)
  ADMIN_AUTH_WINDOW_SECONDS = 60;

  /** Reverse proxies in front of the app that append to X-Forwarded-For; 0 uses the socket's address. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(10)
  ADMIN_TRUST_PROXY_HOPS = 0;

  @Validate(IsIanaZone)
  TZ_BUSINESS = 'Asia/Krasnoyarsk';

  @IsOptional()
  @IsUrl(URL_OPTIONS)
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;

  @IsIn(BUSINESS_PRESETS, { message: `must be one of ${BUSINESS_PRESETS.join(', ')}` })
  BUSINESS_PRESET: BusinessPreset = 'salon';

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  /** A successful HTTP request is logged only when it took this long; errors (5xx) and refusals (4xx) always. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  HTTP_LOG_SLOW_MS = 1000;

  // CRM
  @IsIn(CRM_PROVIDERS, { message: `must be one of ${CRM_PROVIDERS.join(', ')}` })
  CRM_PROVIDER: CrmProvider = 'local';

  @ValidateIf((env: EnvironmentVariables) => env.CRM_PROVIDER === 'bitrix24' || env.BITRIX24_WEBHOOK_URL !== undefined)
  @IsUrl(URL_OPTIONS, { message: 'must be the incoming-webhook URL https://<portal>/rest/<user>/<code>/' })
  BITRIX24_WEBHOOK_URL?: string;

  @ValidateIf((env: EnvironmentVariables) => env.CRM_PROVIDER === 'amocrm' || env.AMOCRM_BASE_URL !== undefined)
  @IsUrl(URL_OPTIONS, { message: 'must be the account URL https://<subdomain>.amocrm.ru' })
  AMOCRM_BASE_URL?: string;

  /** Timeout of one CRM HTTP call; past it the outcome is uncertain and the adapter looks up before creating. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  CRM_HTTP_TIMEOUT_MS = 10000;

  /** A hot lead gets a task for the responsible manager, due this many minutes later. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  CRM_TASK_DEADLINE_MINUTES = 15;

  /**
   * After a create that got no answer, how long a lookup must wait before it may conclude the lead is not in the
   * CRM: the unanswered request can still be sitting in the provider's queue and land later.
   */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  CRM_CREATE_SETTLE_MS = 15000;

  /** Passes over a CRM sync's remaining steps within one try when a call blips (1 = none). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(5)
  CRM_QUICK_PASSES = 3;

  /**
   * CRM syncs at once per worker process. They wait on the CRM outside any transaction, holding a database
   * connection only for a statement at a time, and their calls to Bitrix24 share its batches. A batch of 50
   * commands takes the portal seconds to run and a lead's steps go one after another, so keeping the portal's
   * 2 requests/s × 50 commands busy takes hundreds of syncs at once.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  CRM_SYNC_CONCURRENCY = 500;

  /** Replay CRM dead letters of outages and blocks by themselves once the CRM answers again. */
  @Transform(toBool)
  @IsBoolean()
  CRM_REDRIVE_ENABLED = true;

  /** How often the redrive checks; it probes with one dead letter before replaying the rest. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  CRM_REDRIVE_INTERVAL_MS = 30000;

  // Bitrix24 (CRM_PROVIDER=bitrix24)
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  BITRIX24_ASSIGNED_BY_ID?: number;

  /** JSON map channel → SOURCE_ID, e.g. {"webchat":"WEB","telegram":"OTHER"}; missing channels use OTHER. */
  @IsOptional()
  @IsJSON({ message: 'must be a JSON object mapping channel to SOURCE_ID' })
  BITRIX24_SOURCE_IDS?: string;

  @Transform(toNumber)
  @IsNumber()
  @Min(0.1)
  BITRIX24_RATE_PER_SEC = 2;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  BITRIX24_RATE_BURST = 50;

  /** Commands sent together in one `batch` call when several wait for the bucket (Bitrix24 allows 50). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(50)
  BITRIX24_BATCH_SIZE = 50;

  // amoCRM (CRM_PROVIDER=amocrm): a long-lived token, or an OAuth app whose refresh token then lives in the database.
  @ValidateIf((env: EnvironmentVariables) => env.CRM_PROVIDER === 'amocrm' && !env.AMOCRM_CLIENT_ID)
  @IsString({ message: 'must be set (or set AMOCRM_CLIENT_ID, AMOCRM_CLIENT_SECRET and AMOCRM_REFRESH_TOKEN)' })
  AMOCRM_ACCESS_TOKEN?: string;

  @IsOptional()
  @IsString()
  AMOCRM_CLIENT_ID?: string;

  @ValidateIf((env: EnvironmentVariables) => env.AMOCRM_CLIENT_ID !== undefined)
  @IsString({ message: 'must be set with AMOCRM_CLIENT_ID' })
  AMOCRM_CLIENT_SECRET?: string;

  /** The first refresh token; after the first refresh the rotating token is kept in the database. */
  @ValidateIf((env: EnvironmentVariables) => env.AMOCRM_CLIENT_ID !== undefined)
  @IsString({ message: 'must be set with AMOCRM_CLIENT_ID' })
  AMOCRM_REFRESH_TOKEN?: string;

  @ValidateIf((env: EnvironmentVariables) => env.AMOCRM_CLIENT_ID !== undefined)
  @IsUrl(URL_OPTIONS, { message: 'must be the redirect URI registered for the amoCRM integration' })
  AMOCRM_REDIRECT_URI?: string;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  AMOCRM_PIPELINE_ID?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  AMOCRM_STATUS_ID?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  AMOCRM_RESPONSIBLE_USER_ID?: number;

  /** Id of the lead custom field (text) that holds our lead id: without it a lead cannot be found again. */
  @ValidateIf(
    (env: EnvironmentVariables) => env.CRM_PROVIDER === 'amocrm' || env.AMOCRM_EXTERNAL_ID_FIELD_ID !== undefined,
  )
  @Transform(toInt)
  @IsInt({ message: 'must be the id of the lead text field that keeps the Volna lead id (required with amocrm)' })
  AMOCRM_EXTERNAL_ID_FIELD_ID?: number;

  /** amoCRM allows 7 requests/s per account; 6 with a burst of one never puts more than 7 in a second. */
  @Transform(toNumber)
  @IsNumber()
  @Min(0.1)
  AMOCRM_RATE_PER_SEC = 6;

  // Manager alerts: always logged; also sent to a Telegram chat and/or a webhook when configured.
  @ValidateIf((env: EnvironmentVariables) => env.MANAGER_TELEGRAM_CHAT_ID !== undefined)
  @IsString({ message: 'must be set with MANAGER_TELEGRAM_CHAT_ID' })
  MANAGER_TELEGRAM_BOT_TOKEN?: string;

  @ValidateIf((env: EnvironmentVariables) => env.MANAGER_TELEGRAM_BOT_TOKEN !== undefined)
  @Matches(/^-?\d+$|^@\w+$/, { message: 'must be a chat id (a number) or @channelname' })
  MANAGER_TELEGRAM_CHAT_ID?: string;

  @IsOptional()
  @IsUrl(URL_OPTIONS)
  ALERT_WEBHOOK_URL?: string;

  /** Alerts of one kind within this window go out as one message. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  ALERT_GROUP_WINDOW_MS = 60000;

  // Operations alerts: checked where workers run; each alerts the managers once when it starts and once when it ends.
  /** How often the workers check queues, dead letters and the CRM and LLM circuits. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  OPS_MONITOR_INTERVAL_MS = 30000;

  /** Jobs ready to run in one queue (delayed ones not counted) above which the queue is behind. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  OPS_BACKLOG_ALERT = 500;

  /** How long a queue must stay behind before the managers are alerted. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  OPS_BACKLOG_ALERT_AFTER_MS = 120000;

  /** New dead letters within OPS_DEAD_LETTERS_WINDOW_MINUTES above which the managers are alerted. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  OPS_DEAD_LETTERS_ALERT = 10;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1440)
  OPS_DEAD_LETTERS_WINDOW_MINUTES = 15;

  /** Sites that may embed the chat widget: `*` (any) or a comma-separated list of origins (https://salon.ru). */
  @Matches(/^(\*|https?:\/\/[^,\s]+(,\s*https?:\/\/[^,\s]+)*)$/, {
    message: 'must be * or a comma-separated list of origins such as https://salon.example.ru',
  })
  WEBCHAT_ALLOWED_ORIGINS = '*';

  // Channels: each one switches on when its credentials are set.
  /** Where providers reach this instance (https://volna.example.ru); `npm run telegram:webhook` registers it. */
  @IsOptional()
  @IsUrl(URL_OPTIONS)
  PUBLIC_BASE_URL?: string;

  @ValidateIf((env: EnvironmentVariables) => env.TELEGRAM_WEBHOOK_SECRET !== undefined)
  @Matches(/^\d+:[A-Za-z0-9_-]{20,}$/, { message: 'must be a bot token from @BotFather (123456:ABC...)' })
  TELEGRAM_BOT_TOKEN?: string;

  /** Telegram sends it back in X-Telegram-Bot-Api-Secret-Token: 1-256 characters A-Z, a-z, 0-9, _ and -. */
  @ValidateIf((env: EnvironmentVariables) => env.TELEGRAM_BOT_TOKEN !== undefined)
  @Matches(/^[A-Za-z0-9_-]{16,256}$/, { message: 'must be 16 to 256 letters, digits, "_" or "-"' })
  TELEGRAM_WEBHOOK_SECRET?: string;

  @ValidateIf((env: EnvironmentVariables) => env.WHATSAPP_PHONE_NUMBER_ID !== undefined)
  @IsString({ message: 'must be set with WHATSAPP_PHONE_NUMBER_ID' })
  WHATSAPP_TOKEN?: string;

  @ValidateIf((env: EnvironmentVariables) => env.WHATSAPP_TOKEN !== undefined)
  @Matches(/^\d+$/, { message: 'must be the numeric phone number id of the WhatsApp Business number' })
  WHATSAPP_PHONE_NUMBER_ID?: string;

  @ValidateIf((env: EnvironmentVariables) => env.WHATSAPP_TOKEN !== undefined)
  @IsString({ message: 'must be set with WHATSAPP_TOKEN (the app secret signs the webhooks)' })
  WHATSAPP_APP_SECRET?: string;

  @ValidateIf((env: EnvironmentVariables) => env.WHATSAPP_TOKEN !== undefined)
  @IsString({ message: 'must be set with WHATSAPP_TOKEN (the webhook handshake needs it)' })
  WHATSAPP_VERIFY_TOKEN?: string;

  /** Approved template sent outside the 24-hour window (unset: the SMS fallback). Its one body parameter is the reply. */
  @IsOptional()
  @Matches(/^[a-z0-9_]{1,512}$/, { message: 'must be a template name: lowercase letters, digits and "_"' })
  WHATSAPP_TEMPLATE_NAME?: string;

  @Matches(/^[a-z]{2,3}(_[A-Z]{2})?$/, { message: 'must be a template language code such as ru or en_US' })
  WHATSAPP_TEMPLATE_LANGUAGE = 'ru';

  /** Messages per second to WhatsApp for this number (the tier allows up to 80). */
  @Transform(toNumber)
  @IsNumber()
  @Min(0.1)
  WHATSAPP_RATE_PER_SEC = 20;

  @ValidateIf((env: EnvironmentVariables) => env.INSTAGRAM_APP_SECRET !== undefined)
  @IsString({ message: 'must be set with INSTAGRAM_APP_SECRET' })
  INSTAGRAM_ACCESS_TOKEN?: string;

  @ValidateIf((env: EnvironmentVariables) => env.INSTAGRAM_ACCESS_TOKEN !== undefined)
  @IsString({ message: 'must be set with INSTAGRAM_ACCESS_TOKEN (the app secret signs the webhooks)' })
  INSTAGRAM_APP_SECRET?: string;

  @ValidateIf((env: EnvironmentVariables) => env.INSTAGRAM_ACCESS_TOKEN !== undefined)
  @IsString({ message: 'must be set with INSTAGRAM_ACCESS_TOKEN (the webhook handshake needs it)' })
  INSTAGRAM_VERIFY_TOKEN?: string;

  @ValidateIf((env: EnvironmentVariables) => env.VK_GROUP_ID !== undefined)
  @IsString({ message: 'must be set with VK_GROUP_ID (a community token with the messages scope)' })
  VK_ACCESS_TOKEN?: string;

  @ValidateIf((env: EnvironmentVariables) => env.VK_ACCESS_TOKEN !== undefined)
  @Matches(/^\d+$/, { message: 'must be the numeric community id' })
  VK_GROUP_ID?: string;

  @ValidateIf((env: EnvironmentVariables) => env.VK_ACCESS_TOKEN !== undefined)
  @IsString({ message: 'must be set with VK_ACCESS_TOKEN (the Callback API secret key)' })
  VK_SECRET?: string;

  @ValidateIf((env: EnvironmentVariables) => env.VK_ACCESS_TOKEN !== undefined)
  @IsString({ message: 'must be set with VK_ACCESS_TOKEN (the string the Callback API confirmation expects)' })
  VK_CONFIRMATION_CODE?: string;

  @Matches(/^\d+\.\d+$/, { message: 'must be a VK API version such as 5.199' })
  VK_API_VERSION = '5.199';

  // SMS for notifications and fallbacks: SMS.ru or SMSC.ru, whichever has credentials.
  @IsOptional()
  @IsString()
  SMSRU_API_ID?: string;

  @ValidateIf((env: EnvironmentVariables) => env.SMSC_PASSWORD !== undefined)
  @IsString({ message: 'must be set with SMSC_PASSWORD' })
  SMSC_LOGIN?: string;

  @ValidateIf((env: EnvironmentVariables) => env.SMSC_LOGIN !== undefined)
  @IsString({ message: 'must be set with SMSC_LOGIN' })
  SMSC_PASSWORD?: string;

  /** Alphanumeric sender name approved by the gateway (unset: the gateway's default). */
  @IsOptional()
  @Matches(/^[A-Za-z0-9 .-]{1,11}$/, { message: 'must be an approved sender name of up to 11 Latin letters or digits' })
  SMS_SENDER?: string;

  // Notifications to clients
  /** Local time (TZ_BUSINESS) when quiet hours begin: no reminder goes out from then until QUIET_HOURS_END. */
  @Matches(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'must be a local time HH:mm' })
  QUIET_HOURS_START = '22:00';

  @Matches(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'must be a local time HH:mm' })
  QUIET_HOURS_END = '09:00';

  // Scheduling
  /** On start, an empty services table gets BUSINESS_PRESET's services and two staff members with weekly hours. */
  @Transform(toBool)
  @IsBoolean()
  SCHEDULING_SEED_PRESET = true;

  /** Free slots start on this grid, counted from the start of each working stretch (after a break too). */
  @Transform(toInt)
  @IsInt()
  @Min(5)
  @Max(240)
  SLOT_STEP_MINUTES = 30;

  /** How long a slot offered to a client stays held for that conversation while they answer. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(86400)
  SLOT_HOLD_SECONDS = 600;

  /** Free slots offered start at least this long from now. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(10080)
  BOOKING_MIN_LEAD_MINUTES = 60;

  // Provider base URLs: point adapters at fakes or proxies.
  @IsOptional() @IsUrl(URL_OPTIONS) TELEGRAM_API_BASE?: string;
  @IsOptional() @IsUrl(URL_OPTIONS) WHATSAPP_GRAPH_BASE?: string;
  @IsOptional() @IsUrl(URL_OPTIONS) INSTAGRAM_GRAPH_BASE?: string;
  @IsOptional() @IsUrl(URL_OPTIONS) VK_API_BASE?: string;
  @IsOptional() @IsUrl(URL_OPTIONS) OPENAI_BASE_URL?: string;
  @IsOptional() @IsUrl(URL_OPTIONS) SMS_API_BASE?: string;

  // Triage: LLM
  /**
   * Who triages messages. Unset: hybrid (the LLM, the offline model as fallback) when the LLM_PROVIDER's credentials
   * are set, else the offline model learned from data/triage. `rules` is the older keyword classifier, kept for
   * comparison.
   */
  @IsOptional()
  @IsIn(['model', 'rules', 'llm', 'hybrid'], { message: 'must be one of model, rules, llm, hybrid' })
  TRIAGE_CLASSIFIER?: 'model' | 'rules' | 'llm' | 'hybrid';

  /**
   * Which LLM triages: `openai` (api.openai.com, or any OpenAI-compatible server at OPENAI_BASE_URL: vLLM, Ollama),
   * `gigachat` (Sber) or `yandexgpt` (Yandex Cloud).
   */
  @IsIn(LLM_PROVIDERS, { message: `must be one of ${LLM_PROVIDERS.join(', ')}` })
  LLM_PROVIDER: LlmProvider = 'openai';

  /** Key of the OpenAI-compatible API at OPENAI_BASE_URL; any non-empty value for a server without keys (Ollama). */
  @ValidateIf((env: EnvironmentVariables) => usesLlm(env, 'openai'))
  @IsString({ message: 'must be set when TRIAGE_CLASSIFIER is llm or hybrid' })
  OPENAI_API_KEY?: string;

  @IsString()
  @MinLength(1)
  OPENAI_MODEL = 'gpt-4o-mini';

  /** GigaChat's authorization key (base64 of client id and secret), exchanged for 30-minute access tokens. */
  @ValidateIf((env: EnvironmentVariables) => usesLlm(env, 'gigachat'))
  @IsString({ message: 'must be set when TRIAGE_CLASSIFIER is llm or hybrid with LLM_PROVIDER=gigachat' })
  GIGACHAT_AUTH_KEY?: string;

  /** GIGACHAT_API_PERS for individuals, GIGACHAT_API_B2B (prepaid) or GIGACHAT_API_CORP (postpaid) for businesses. */
  @IsIn(GIGACHAT_SCOPES, { message: `must be one of ${GIGACHAT_SCOPES.join(', ')}` })
  GIGACHAT_SCOPE: (typeof GIGACHAT_SCOPES)[number] = 'GIGACHAT_API_PERS';

  @IsOptional() @IsUrl(URL_OPTIONS) GIGACHAT_OAUTH_URL?: string;
  @IsOptional() @IsUrl(URL_OPTIONS) GIGACHAT_BASE_URL?: string;

  @IsString()
  @MinLength(1)
  GIGACHAT_MODEL = 'GigaChat-2';

  /** A Yandex Cloud API key of a service account with the ai.languageModels.user role; or YANDEXGPT_IAM_TOKEN. */
  @ValidateIf((env: EnvironmentVariables) => usesLlm(env, 'yandexgpt') && !env.YANDEXGPT_IAM_TOKEN)
  @IsString({ message: 'or YANDEXGPT_IAM_TOKEN must be set when TRIAGE_CLASSIFIER is llm or hybrid with yandexgpt' })
  YANDEXGPT_API_KEY?: string;

  @IsOptional() @IsString() YANDEXGPT_IAM_TOKEN?: string;

  /** The Yandex Cloud folder the model is billed to; part of the model URI gpt://FOLDER/MODEL. */
  @ValidateIf((env: EnvironmentVariables) => usesLlm(env, 'yandexgpt') && !env.YANDEXGPT_MODEL.startsWith('gpt://'))
  @IsString({ message: 'must be set when TRIAGE_CLASSIFIER is llm or hybrid with LLM_PROVIDER=yandexgpt' })
  YANDEXGPT_FOLDER_ID?: string;

  /** A model name (`yandexgpt-lite/latest`, `yandexgpt/rc`) put in gpt://FOLDER/..., or a whole gpt:// URI. */
  @IsString()
  @MinLength(1)
  YANDEXGPT_MODEL = 'yandexgpt-lite/latest';

  @IsOptional() @IsUrl(URL_OPTIONS) YANDEXGPT_BASE_URL?: string;

  /**
   * A PEM file of CA certificates trusted for LLM hosts on top of Node's own roots: the Russian Trusted Root CA for
   * GigaChat, or a private CA of a self-hosted model. TLS verification is never switched off.
   */
  @IsOptional()
  @Validate(ReadableFileConstraint)
  LLM_CA_FILE?: string;

  /**
   * `ru`: personal data stays in Russia. Only GigaChat and Yandex Cloud hosts, loopback and private addresses and the
   * hosts in LLM_RU_HOSTS may be LLM endpoints; any other stops start-up.
   */
  @IsOptional()
  @IsIn(['ru'], { message: 'must be ru, or unset' })
  @Validate(LlmResidencyConstraint)
  LLM_DATA_RESIDENCY?: 'ru';

  /** Host names the operator vouches for under LLM_DATA_RESIDENCY=ru (a model served in a Russian data centre). */
  @IsOptional() @IsString() LLM_RU_HOSTS?: string;

  /** What the provider charges per 1,000 prompt tokens, in roubles; the KPI's cost and the budget use it. */
  @Transform(toNumber)
  @IsNumber({}, { message: 'must be a number of roubles' })
  @Min(0)
  LLM_PRICE_RUB_PER_1K_INPUT = 0;

  /** Per 1,000 completion tokens; unset: the same as LLM_PRICE_RUB_PER_1K_INPUT (GigaChat and YandexGPT bill alike). */
  @IsOptional()
  @Transform(toNumber)
  @IsNumber({}, { message: 'must be a number of roubles' })
  @Min(0)
  LLM_PRICE_RUB_PER_1K_OUTPUT?: number;

  /**
   * Roubles of LLM spend a local day (TZ_BUSINESS) may reach; past it every message is triaged by the offline model
   * until midnight and the managers get one alert. Unset: no cap.
   */
  @IsOptional()
  @Transform(toNumber)
  @IsNumber({}, { message: 'must be a number of roubles' })
  @Min(0)
  @ValidateIf((env: EnvironmentVariables) => env.LLM_DAILY_BUDGET_RUB !== undefined)
  @Validate(PricedBudgetConstraint)
  LLM_DAILY_BUDGET_RUB?: number;

  /** The longest the LLM may take on one message; past it the offline model answers (hybrid). */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(60000)
  LLM_TIMEOUT_MS = 2000;

  /** Replace phones, e-mails and names with placeholders in everything sent to the LLM. */
  @Transform(toBool)
  @IsBoolean()
  LLM_MASK_PII = true;

  /** Consecutive LLM failures after which the rules answer alone for LLM_BREAKER_OPEN_MS. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  LLM_BREAKER_FAILURES = 5;

  /** How long the LLM is left alone after the breaker opens; then one probe tries it again. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  LLM_BREAKER_OPEN_MS = 30000;

  // Delivery: retry policy, outbox relay, dead letters, workers.
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(20)
  RETRY_ATTEMPTS = 3;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  RETRY_BASE_MS = 1000;

  @Transform(({ value }) => (value === undefined || value === '' ? undefined : Number(value)))
  @IsNumber()
  @Min(1)
  RETRY_FACTOR = 4;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  RETRY_MAX_DELAY_MS = 30000;

  @Transform(({ value }) => (value === undefined || value === '' ? undefined : Number(value)))
  @IsNumber()
  @Min(0)
  @Max(1)
  RETRY_JITTER_RATIO = 0.2;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  DLQ_RETENTION_DAYS = 7;

  @Transform(toInt)
  @IsInt()
  @Min(100)
  OUTBOX_LEASE_MS = 30000;

  @Transform(toInt)
  @IsInt()
  @Min(50)
  OUTBOX_SWEEP_INTERVAL_MS = 5000;

  @Transform(toInt)
  @IsInt()
  @Min(500)
  QUEUE_LOCK_DURATION_MS = 30000;

  /** Jobs per queue at once. Start-up checks that DATABASE_POOL_SIZE covers QUEUE_CONCURRENCY × queues +
   * TRIAGE_CONCURRENCY + 5 (the pool rule in docs/DEPLOYMENT.md). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(200)
  QUEUE_CONCURRENCY = 5;

  /** Triage jobs at once; they wait mostly on the LLM, outside any transaction. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(200)
  TRIAGE_CONCURRENCY = 10;

  /**
   * Connections of this process's pool: 80 by default, 10 for APP_ROLE=api. An accept holds a connection for one
   * statement; more connections than that only make Postgres backends fight over the cores (bench:ingest).
   */
  @Transform(toInt)
  @IsInt()
  @Min(2)
  @Max(500)
  DATABASE_POOL_SIZE = 80;

  /** Key prefix of the queues, so several instances can share one Redis. */
  @Matches(/^[A-Za-z0-9_-]{1,32}$/, { message: 'must be 1 to 32 letters, digits, "-" or "_"' })
  QUEUE_PREFIX = 'volna';

  @Transform(toBool)
  @IsBoolean()
  MIGRATIONS_RUN = true;

  // Personal data (152-FZ): how long texts and raw events are kept; a graceful stop's drain.
  /** Message texts older than this are blanked (text, attachment kind, buttons, triage slots); rows and counts stay. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  MESSAGE_RETENTION_DAYS = 365;

  /** Raw webhook bodies (names, phones as the provider sent them) are deleted after this many days. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  INBOUND_EVENT_RETENTION_DAYS = 30;

  /** How often the workers purge what is past retention. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  PERSONAL_DATA_PURGE_INTERVAL_MS = 3_600_000;

  /**
   * On SIGTERM /health/ready turns 503 at once, and HTTP keeps serving this long so the orchestrator stops routing
   * here before the port closes. The whole stop must fit in the 25 s deadline.
   */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(15000)
  SHUTDOWN_DRAIN_MS = 5000;
}

export class EnvironmentError extends Error {
  constructor(readonly problems: string[]) {
    super(
      problems.length === 1
        ? `Invalid environment: ${problems[0]}`
        : `Invalid environment:\n${problems.map((p) => `  ${p}`).join('\n')}`,
    );
    this.name = 'EnvironmentError';
  }
}

function describe(error: ValidationError): string {
  const reasons = [...new Set(Object.values(error.constraints ?? {}))].join('; ');
  const shown = /TOKEN|SECRET|PASSWORD|KEY|URL/.test(error.property) ? '' : ` (got "${String(error.value)}")`;
  return `${error.property}: ${reasons}${error.value === undefined ? ' (not set)' : shown}`;
}

/** Validates raw environment variables; throws EnvironmentError listing every problem. */
export function validateEnvironment(raw: Record<string, string | undefined>): EnvironmentVariables {
  // An empty variable counts as unset, so compose files can pass `FOO=` without breaking defaults.
  const present = Object.fromEntries(Object.entries(raw).filter(([, value]) => value !== undefined && value !== ''));
  const env = plainToInstance(EnvironmentVariables, present, { exposeDefaultValues: true });
  const errors = validateSync(env, { skipMissingProperties: false, forbidUnknownValues: false });
  if (errors.length > 0) throw new EnvironmentError(errors.map(describe));
  if (present.DATABASE_POOL_SIZE === undefined && env.APP_ROLE === 'api') env.DATABASE_POOL_SIZE = API_POOL_SIZE;
  return env;
}

const API_POOL_SIZE = 10;
