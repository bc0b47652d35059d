import { BlockList, isIP } from 'node:net';

export const LLM_PROVIDERS = ['openai', 'gigachat', 'yandexgpt'] as const;
export type LlmProvider = (typeof LLM_PROVIDERS)[number];

/** Where each provider lives when its base-URL variable is unset. */
export const LLM_DEFAULT_URLS = {
  OPENAI_BASE_URL: 'https://api.openai.com/v1',
  GIGACHAT_OAUTH_URL: 'https://ngw.devices.sberbank.ru:9443/api/v2/oauth',
  GIGACHAT_BASE_URL: 'https://gigachat.devices.sberbank.ru/api/v1',
  YANDEXGPT_BASE_URL: 'https://llm.api.cloud.yandex.net',
} as const;

type EndpointVariable = keyof typeof LLM_DEFAULT_URLS;

/** The providers' own hosts in Russia: GigaChat (Sber) and Yandex Cloud; a host matches itself or any subdomain. */
const RUSSIAN_PROVIDER_DOMAINS = ['devices.sberbank.ru', 'api.cloud.yandex.net'];

const PRIVATE_NETWORKS = new BlockList();
for (const [network, prefix] of [
  ['10.0.0.0', 8],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['127.0.0.0', 8],
] as const) {
  PRIVATE_NETWORKS.addSubnet(network, prefix, 'ipv4');
}
PRIVATE_NETWORKS.addAddress('::1', 'ipv6');
PRIVATE_NETWORKS.addSubnet('fc00::', 7, 'ipv6');

export interface LlmEndpointSettings {
  LLM_PROVIDER: LlmProvider;
  OPENAI_BASE_URL?: string;
  GIGACHAT_OAUTH_URL?: string;
  GIGACHAT_BASE_URL?: string;
  YANDEXGPT_BASE_URL?: string;
}

/** Every URL the configured provider is called at, by the variable that sets it. */
export function llmEndpoints(env: LlmEndpointSettings): Array<{ variable: EndpointVariable; url: string }> {
  const variables: Record<LlmProvider, EndpointVariable[]> = {
    openai: ['OPENAI_BASE_URL'],
    gigachat: ['GIGACHAT_OAUTH_URL', 'GIGACHAT_BASE_URL'],
    yandexgpt: ['YANDEXGPT_BASE_URL'],
  };
  return variables[env.LLM_PROVIDER].map((variable) => ({
    variable,
    url: env[variable] ?? LLM_DEFAULT_URLS[variable],
  }));
}

/**
 * Whether text sent to this host stays in Russia as far as we can tell from its name: GigaChat's and Yandex Cloud's
 * hosts, loopback and private addresses (a model the business runs itself), and the hosts the operator vouches for.
 */
export function isRussianLlmHost(host: string, vouched: readonly string[] = []): boolean {
  const name = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (name === 'localhost' || vouched.some((h) => h.toLowerCase() === name)) return true;
  const family = isIP(name);
  if (family !== 0) return PRIVATE_NETWORKS.check(name, family === 4 ? 'ipv4' : 'ipv6');
  return RUSSIAN_PROVIDER_DOMAINS.some((domain) => name === domain || name.endsWith(`.${domain}`));
}

/** The configured LLM endpoints whose host is not allowed under LLM_DATA_RESIDENCY=ru, as `VARIABLE (host)`. */
export function llmEndpointsOutsideRussia(env: LlmEndpointSettings, vouched: readonly string[]): string[] {
  return llmEndpoints(env)
    .filter(({ url }) => !isRussianLlmHost(new URL(url).hostname, vouched))
    .map(({ variable, url }) => `${variable} (${new URL(url).hostname})`);
}

/** `LLM_RU_HOSTS`: a comma-separated list of host names. */
export function parseHostList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((host) => host.trim())
    .filter(Boolean);
}
