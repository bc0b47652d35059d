import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  rawBody: string;
  /** JSON or form body, parsed; {} when empty. */
  body: any;
  /** Epoch ms when it arrived. */
  receivedAt: number;
  /** The status it was answered with; unset while pending, hung or dropped. */
  status?: number;
}

export interface FakeResponse {
  status?: number;
  headers?: Record<string, string>;
  /** Serialized as JSON unless a string. */
  body?: unknown;
}

/**
 * What to do with a request instead of (or around) the normal handler:
 * - a FakeResponse: answer it without running the handler (error answers);
 * - 'hang': never answer (the client times out);
 * - 'drop': destroy the connection before doing anything;
 * - 'drop-after': run the handler (the side effect happens), then destroy the connection without answering;
 * - `{ lateMs }`: run the handler only after that long, as a provider does with a request stuck in its queue
 *   while the client has long given up.
 */
export type Fault = FakeResponse | 'hang' | 'drop' | 'drop-after' | { lateMs: number };

/** A server key and certificate (PEM) to serve HTTPS with, e.g. from `createTestCa()` in `./test-ca`. */
export interface FakeTls {
  key: string | Buffer;
  cert: string | Buffer;
}

type Handler = (request: FakeRequest) => FakeResponse | Promise<FakeResponse>;

/**
 * A small stateful HTTP server for wire-faithful provider fakes: routes, a request log, scripted faults, latency.
 */
export class FakeHttpServer {
  readonly requests: FakeRequest[] = [];
  latencyMs = 0;
  /** Chaos: each request fails with this probability, with a fault drawn from `randomFaults`. */
  failureRate = 0;
  randomFaults: Array<{ fault: Fault; match?: (request: FakeRequest) => boolean }> = [];
  private readonly routes: Array<{ method: string; path: RegExp; handler: Handler }> = [];
  private readonly faults: Array<{ match: (r: FakeRequest) => boolean; fault: Fault }> = [];
  private readonly sockets = new Set<Socket>();
  private server?: Server | TlsServer;

  route(method: string, path: RegExp | string, handler: Handler): this {
    const pattern = typeof path === 'string' ? new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) : path;
    this.routes.push({ method: method.toUpperCase(), path: pattern, handler });
    return this;
  }

  /** The next request(s) matching `match` (all by default) get `fault`, `times` times. */
  failNext(fault: Fault, times = 1, match: (request: FakeRequest) => boolean = () => true): this {
    for (let i = 0; i < times; i++) this.faults.push({ match, fault });
    return this;
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  /**
   * Listens on a free port, or on `port` (to come back where it was after `stop`). With `tls` it serves HTTPS
   * (the certificate must name 127.0.0.1, as `createTestCa()` does) and returns an `https://` base URL.
   */
  async start(port = 0, tls?: FakeTls): Promise<string> {
    const listener = (req: IncomingMessage, res: ServerResponse): void => void this.serve(req, res);
    const server = tls ? createTlsServer({ key: tls.key, cert: tls.cert }, listener) : createServer(listener);
    this.server = server;
    // For HTTPS this is the raw TCP socket under the TLS one: destroying it on `stop` ends the TLS session too.
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    return `${tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private randomFault(request: FakeRequest): Fault | undefined {
    if (this.failureRate <= 0 || Math.random() >= this.failureRate) return undefined;
    const candidates = this.randomFaults.filter((f) => !f.match || f.match(request));
    return candidates.length ? candidates[Math.floor(Math.random() * candidates.length)].fault : undefined;
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const request = await readRequest(req);
    this.requests.push(request);
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));

    const index = this.faults.findIndex((f) => f.match(request));
    const fault = index >= 0 ? this.faults.splice(index, 1)[0].fault : this.randomFault(request);
    if (fault === 'hang') return;
    if (fault === 'drop') return void req.socket.destroy();

    if (fault && typeof fault === 'object' && 'lateMs' in fault) {
      await new Promise((resolve) => setTimeout(resolve, fault.lateMs));
    } else if (fault && typeof fault === 'object') {
      request.status = fault.status ?? 200;
      return send(res, fault);
    }
    const route = this.routes.find((r) => r.method === request.method && r.path.test(request.path));
    const response = route ? await route.handler(request) : { status: 404, body: { error: 'not found' } };
    if (fault === 'drop-after') return void req.socket.destroy();
    request.status = response.status ?? 200;
    send(res, response);
  }
}

async function readRequest(req: IncomingMessage): Promise<FakeRequest> {
  let rawBody = '';
  for await (const chunk of req) rawBody += chunk;
  const url = new URL(req.url ?? '/', 'http://fake');
  let body: any = {};
  if (rawBody) {
    const type = req.headers['content-type'] ?? '';
    body = type.includes('application/x-www-form-urlencoded')
      ? Object.fromEntries(new URLSearchParams(rawBody))
      : safeJson(rawBody);
  }
  return {
    method: req.method ?? 'GET',
    path: url.pathname,
    query: url.searchParams,
    headers: req.headers,
    rawBody,
    body,
    receivedAt: Date.now(),
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { _unparsed: text };
  }
}

function send(res: ServerResponse, response: FakeResponse): void {
  const status = response.status ?? 200;
  if (response.body === undefined) {
    res.writeHead(status, response.headers).end();
    return;
  }
  const text = typeof response.body === 'string' ? response.body : JSON.stringify(response.body);
  res.writeHead(status, { 'content-type': 'application/json', ...response.headers }).end(text);
}
