import type { Logger } from './logger';

/** What a started service reports to whoever launched it. */
export interface Started {
  /** Named URLs it serves, for example `{ graphql: 'http://127.0.0.1:4001/graphql' }`. */
  urls: Record<string, string>;
  close(): Promise<void>;
}

/** The message a service sends its parent (over IPC, when there is one) once it listens. */
export interface ReadyMessage {
  type: 'ready';
  service: string;
  urls: Record<string, string>;
}

/**
 * Runs a service process: starts it, tells the parent where it listens, and shuts down cleanly on
 * SIGINT/SIGTERM (or when the parent goes away). A failure to start exits with status 1 and one clear line.
 */
export function runService(service: string, logger: Logger, start: () => Promise<Started>): void {
  let started: Started | undefined;
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.debug({ signal }, 'stopping');
    const force = setTimeout(() => process.exit(0), 5000);
    force.unref();
    try {
      await started?.close();
    } finally {
      process.exit(0);
    }
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('disconnect', () => void stop('parent gone'));
  start()
    .then((s) => {
      started = s;
      const message: ReadyMessage = { type: 'ready', service, urls: s.urls };
      if (process.send) process.send(message);
      const main = s.urls.graphql ?? s.urls.control ?? Object.values(s.urls)[0];
      logger.info(`${service} ready${main ? ` at ${main}` : ''}`);
    })
    .catch((error: unknown) => {
      const taken = (error as NodeJS.ErrnoException | undefined)?.code === 'EADDRINUSE';
      const port = (error as { port?: number } | undefined)?.port;
      logger.fatal(`${service} failed to start: ${taken ? `port ${port ?? ''} is already in use (EADDRINUSE)` : error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    });
}
