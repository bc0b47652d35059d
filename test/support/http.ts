import { ADMIN_TOKEN } from './test-env';

export interface JsonResponse<T = any> {
  status: number;
  contentType: string;
  body: T;
}

export async function request<T = any>(
  url: string,
  init: {
    method?: string;
    body?: unknown;
    rawBody?: string | Buffer;
    headers?: Record<string, string>;
    admin?: boolean;
  } = {},
): Promise<JsonResponse<T>> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.body !== undefined || init.rawBody !== undefined) headers['content-type'] ??= 'application/json';
  if (init.admin) headers.authorization = `Bearer ${ADMIN_TOKEN}`;
  const response = await fetch(url, {
    method: init.method ?? (init.body !== undefined || init.rawBody !== undefined ? 'POST' : 'GET'),
    headers,
    body: init.rawBody ?? (init.body !== undefined ? JSON.stringify(init.body) : undefined),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON: keep the text */
  }
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', body: body as T };
}

let counter = 0;
/** Ids in the webchat format: 8 to 64 of [A-Za-z0-9_-]. */
export function webchatId(prefix = 'id'): string {
  counter += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter}`;
}
