import { BeforeApplicationShutdown, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { EnvironmentVariables } from '../config/env.validation';

/**
 * The first steps of a graceful stop. Nest runs, on SIGTERM: onModuleDestroy hooks, beforeApplicationShutdown
 * hooks, closing the HTTP server (which waits for requests in flight), then onApplicationShutdown hooks (queue
 * workers finish their jobs, queues and the database pool close). This provider hooks into the first two:
 * - at once, /health/ready turns 503 "shutting down" so the orchestrator stops routing here, and every response
 *   from now on carries `Connection: close` so clients do not keep reusing this process;
 * - then, when a signal stopped the process, it keeps serving for SHUTDOWN_DRAIN_MS, the time the orchestrator
 *   needs to notice and take the instance out of its endpoints (an `app.close()` from code skips the wait);
 * - then it closes the HTTP server and waits for the requests in flight, before anything they need goes away.
 */
@Injectable()
export class ShutdownDrain implements OnModuleDestroy, BeforeApplicationShutdown {
  private readonly logger = new Logger(ShutdownDrain.name);
  private stopping = false;

  constructor(
    private readonly env: EnvironmentVariables,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  get shuttingDown(): boolean {
    return this.stopping;
  }

  /** Idempotent: the first call wins. */
  begin(): void {
    if (this.stopping) return;
    this.stopping = true;
    this.httpServer()?.prependListener('request', (_request: IncomingMessage, response: ServerResponse) => {
      if (!response.headersSent) response.setHeader('Connection', 'close');
    });
  }

  onModuleDestroy(): void {
    this.begin();
  }

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    this.begin();
    const server = this.httpServer();
    if (!server?.listening) return;
    if (signal && this.env.SHUTDOWN_DRAIN_MS > 0) {
      this.logger.log(`${signal}: not ready any more, serving ${this.env.SHUTDOWN_DRAIN_MS} ms more before closing`);
      await new Promise((resolve) => setTimeout(resolve, this.env.SHUTDOWN_DRAIN_MS));
    }
    await closeGracefully(server);
  }

  /** Undefined in the worker role, which has no HTTP server. */
  private httpServer(): Server | undefined {
    return this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
  }
}

/**
 * Stops accepting connections and waits for the requests in flight. A keep-alive connection whose request was
 * already running when the drain began goes idle after its answer instead of closing: close those as they idle.
 */
function closeGracefully(server: Server): Promise<void> {
  return new Promise((resolve) => {
    const closeIdle = setInterval(() => server.closeIdleConnections(), 100);
    server.close(() => {
      clearInterval(closeIdle);
      resolve();
    });
  });
}
