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
  ValidatorConstraint,
  ValidatorConstraintInterface,
  validateSync,
} from 'class-validator';
import { IANAZone } from 'luxon';

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

  @Validate(IsIanaZone)
  TZ_BUSINESS = 'Asia/Krasnoyarsk';

  @IsOptional()
  @IsUrl(URL_OPTIONS)
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;

  @IsIn(BUSINESS_PRESETS, { message: `must be one of ${BUSINESS_PRESETS.join(', ')}` })
  BUSINESS_PRESET: BusinessPreset = 'salon';

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

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

  @Transform(toNumber)
  @IsNumber()
  @Min(0.1)
  AMOCRM_RATE_PER_SEC = 7;

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

  // Provider base URLs: point adapters at fakes or proxies.
  @IsOptional() @IsUrl(URL_OPTIONS) TELEGRAM_API_BASE?: string;
  @IsOptional() @IsUrl(URL_OPTIONS) WHATSAPP_GRAPH_BASE?: string;
  @IsOptional() @IsUrl(URL_OPTIONS) INSTAGRAM_GRAPH_BASE?: string;
  @IsOptional() @IsUrl(URL_OPTIONS) VK_API_BASE?: string;
  @IsOptional() @IsUrl(URL_OPTIONS) OPENAI_BASE_URL?: string;
  @IsOptional() @IsUrl(URL_OPTIONS) SMS_API_BASE?: string;

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

  /** Jobs per queue at once. A CRM sync can hold two database connections: keep DATABASE_POOL_SIZE above
   * QUEUE_CONCURRENCY × (queues + 1); start-up checks it. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(200)
  QUEUE_CONCURRENCY = 5;

  @Transform(toInt)
  @IsInt()
  @Min(2)
  @Max(500)
  DATABASE_POOL_SIZE = 40;

  /** Key prefix of the queues, so several instances can share one Redis. */
  @Matches(/^[A-Za-z0-9_-]{1,32}$/, { message: 'must be 1 to 32 letters, digits, "-" or "_"' })
  QUEUE_PREFIX = 'volna';

  @Transform(toBool)
  @IsBoolean()
  MIGRATIONS_RUN = true;

  /** Mounts POST /bench/insert, the baseline of `npm run bench:ingest`. Never in production. */
  @Transform(toBool)
  @IsBoolean()
  BENCH_ROUTES = false;
}

export class EnvironmentError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid environment:\n${problems.map((p) => `  ${p}`).join('\n')}`);
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
  return env;
}
