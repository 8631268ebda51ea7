import http from 'node:http';
import net from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import { containsNin, decodeUrl } from '../../lib/nin';
import type { Logger } from '../../lib/logger';
import type { PushedEventAnswer, SimulatorContext, SimulatorDefinition, SimulatorSetup } from './definition';
import { noticeSettings, sendChangeNotice, sendEventWebhook, type NoticeOutcome } from './changeNotices';
import { MessageStore } from './messageStore';
import { seedMessages } from './messageSeeds';
import { BIND_HOST } from '../../lib/net';

/**
 * How a simulated instance behaves, set by configuration at start or by the control API at run time:
 * - `normal`: answers as the real system would;
 * - `fail`: answers the system's own server error;
 * - `hang`: accepts the request and never answers;
 * - `garbage`: answers with the real body cut short and mangled (it will not parse);
 * - `invalid`: answers a well-formed body that breaks the protocol's rules;
 * - `down`: not listening at all (connections are refused).
 * `latencyMs` delays every answer. `answerDelayMs` is how long a system that takes dialogue messages waits before
 * it answers a question (default SIM_ANSWER_DELAY_MS, else 2 s): short in tests, long enough in the demo to show
 * the question waiting.
 */
export const MODES = ['normal', 'fail', 'hang', 'garbage', 'invalid', 'down'] as const;
export type Mode = (typeof MODES)[number];

export interface Behaviour {
  mode: Mode;
  latencyMs: number;
  answerDelayMs?: number;
}

/** How long a question waits for its answer when neither the instance's behaviour nor SIM_ANSWER_DELAY_MS says. */
export const DEFAULT_ANSWER_DELAY_MS = 2000;

export interface InstanceStats {
  requests: number;
  byRoute: Record<string, number>;
  /** Requests refused because their URL held an identity number (always 0 unless an adapter is wrong). */
  ninInUrl: number;
  /** What the simulator app observed, by label (see SimulatorContext.observe); absent until it observes something. */
  observed?: Record<string, number>;
}

export class SimulatedInstance {
  private server: http.Server | net.Server | undefined;
  private readonly sockets = new Set<Socket>();
  private port = 0;
  behaviour: Behaviour;
  stats: InstanceStats = { requests: 0, byRoute: {}, ninInUrl: 0 };
  /** The dialogue messages the instance holds: kept across `down` and back, reset by the control API's reset. */
  readonly messages: MessageStore;
  private readonly keptState = new Map<string, unknown>();

  constructor(
    private readonly definition: SimulatorDefinition,
    private readonly setup: SimulatorSetup,
    behaviour: Behaviour,
    private readonly logger: Logger,
  ) {
    this.behaviour = behaviour;
    this.messages = new MessageStore(() => seedMessages(setup));
  }

  get id(): string {
    return this.setup.instance.id;
  }

  /** The instance's configuration (sources.json), for its change notices. */
  get config(): SimulatorSetup['instance'] {
    return this.setup.instance;
  }

  get url(): string {
    return `${this.definition.createMllpHandler ? 'mllp' : 'http'}://127.0.0.1:${this.port}`;
  }

  /** Listens on `port` (0 for any free port) unless the mode is `down`; returns the port it holds. */
  async start(port: number): Promise<number> {
    this.port = port;
    await this.listen();
    // Down from the start: the port is reserved for the instance (so its URL is known), then released.
    if (this.behaviour.mode === 'down') await this.close();
    return this.port;
  }

  async setBehaviour(next: Partial<Behaviour>): Promise<void> {
    const wasDown = this.behaviour.mode === 'down';
    this.behaviour = { ...this.behaviour, ...next };
    if (this.behaviour.mode === 'down' && !wasDown) await this.close();
    if (this.behaviour.mode !== 'down' && wasDown) await this.listen();
  }

  resetStats(): void {
    this.stats = { requests: 0, byRoute: {}, ninInUrl: 0 };
  }

  /** Empties what the app kept (SimulatorContext.kept): the control API's reset. */
  resetKept(): void {
    this.keptState.clear();
  }

  async close(): Promise<void> {
    this.messages.close();
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Counts a label the app observed; digit runs are folded as in routes, so that no identifier is kept. */
  observe(label: string): void {
    const folded = label.replace(/\d{6,}/g, ':id').slice(0, 100);
    const observed = (this.stats.observed ??= {});
    observed[folded] = (observed[folded] ?? 0) + 1;
  }

  /** Whether the system pushes events (SimulatorDefinition.pushEvent). */
  get pushesEvents(): boolean {
    return this.definition.pushEvent !== undefined;
  }

  /**
   * An event for the instance to push (the control API's `POST /instances/:id/events`): the system keeps it, then the
   * patients' change notice goes out and the signed webhook to the events URL (noticeSettings.eventsUrl).
   */
  async pushEvent(request: unknown, deliveries = 1): Promise<{ answer: PushedEventAnswer; webhook?: NoticeOutcome }> {
    if (!this.definition.pushEvent) return { answer: { ok: false, status: 404, error: `system ${this.definition.system} pushes no events` } };
    const context = this.context();
    const answer = this.definition.pushEvent(context, request);
    if (!answer.ok) return { answer };
    await context.changed(answer.patients);
    // More than once when asked: a platform sends an event again when it did not get the answer (at least once).
    let webhook = await sendEventWebhook(this, noticeSettings.eventsUrl, answer.resource);
    for (let sent = 1; sent < deliveries; sent += 1) webhook = await sendEventWebhook(this, noticeSettings.eventsUrl, answer.resource);
    return { answer, webhook };
  }

  private context(): SimulatorContext {
    return {
      ...this.setup,
      observe: (label) => this.observe(label),
      messages: this.messages,
      answerDelayMs: () => this.behaviour.answerDelayMs ?? DEFAULT_ANSWER_DELAY_MS,
      changed: async (patients) => {
        if (noticeSettings.invalidationUrl) await sendChangeNotice(this, noticeSettings.invalidationUrl, patients).catch(() => undefined);
      },
      kept: <T>(name: string, make: () => T): T => {
        if (!this.keptState.has(name)) this.keptState.set(name, make());
        return this.keptState.get(name) as T;
      },
    };
  }

  private async listen(): Promise<void> {
    const context = this.context();
    const server = this.createServer(context);
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, BIND_HOST, () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  private createServer(context: SimulatorContext): http.Server | net.Server {
    if (this.definition.createMllpHandler) return this.mllpServer(this.definition.createMllpHandler(context));
    if (!this.definition.createApp) throw new Error(`simulator ${this.definition.system} defines neither createApp nor createMllpHandler`);
    const server = http.createServer(this.wrap(this.definition.createApp(context)));
    server.keepAliveTimeout = 5000;
    return server;
  }

  /**
   * MLLP (HL7 v2's minimal lower layer protocol): each message framed by VT (0x0b) and FS CR (0x1c 0x0d) on a
   * TCP connection, answered in order. Counted and put through the fault modes like an HTTP request.
   */
  private mllpServer(handle: (message: string) => string | null): net.Server {
    const frame = (text: string) => Buffer.concat([Buffer.from([0x0b]), Buffer.from(text, 'utf8'), Buffer.from([0x1c, 0x0d])]);
    return net.createServer((socket) => {
      let buffer = Buffer.alloc(0);
      socket.on('error', () => socket.destroy());
      socket.on('data', (chunk) => {
        buffer = Buffer.concat([buffer, chunk]);
        for (let end = buffer.indexOf(0x1c); end >= 0; end = buffer.indexOf(0x1c)) {
          const start = buffer.indexOf(0x0b);
          const text = buffer.subarray(start >= 0 && start < end ? start + 1 : 0, end).toString('utf8');
          buffer = buffer.subarray(end + (buffer[end + 1] === 0x0d ? 2 : 1));
          this.stats.requests += 1;
          const route = `MLLP ${/^MSH\|[^|]*\|(?:[^|]*\|){6}([^|^]*\^?[^|^]*)/.exec(text)?.[1] ?? 'unknown'}`;
          this.stats.byRoute[route] = (this.stats.byRoute[route] ?? 0) + 1;
          const { mode, latencyMs } = this.behaviour;
          const controlId = /^MSH\|[^|]*\|(?:[^|]*\|){7}([^|]*)/.exec(text)?.[1] ?? '';
          const canned = (body: string) => frame(body.replaceAll('$CONTROL_ID', controlId));
          const answer = () => {
            if (socket.destroyed) return;
            switch (mode) {
              case 'hang':
                return;
              case 'fail':
                socket.write(canned(this.definition.failure.body));
                return;
              case 'invalid':
                socket.write(canned(this.definition.invalid.body));
                return;
              case 'garbage': {
                const reply = handle(text);
                if (reply !== null) socket.write(frame(mangle(reply)));
                return;
              }
              case 'normal':
              case 'down': {
                const reply = handle(text);
                if (reply !== null) socket.write(frame(reply));
                return;
              }
            }
          };
          if (latencyMs > 0) setTimeout(answer, latencyMs);
          else answer();
        }
      });
    });
  }

  private wrap(protocolApp: express.Express): express.Express {
    const app = express();
    app.disable('x-powered-by');
    app.use((req: Request, res: Response, next: NextFunction) => {
      this.stats.requests += 1;
      // The real systems log URLs; an identity number in one is a privacy breach, so refuse it loudly. This
      // comes first, and the refusal is recorded under a constant route: the URL itself is never kept or logged.
      if (containsNin(req.originalUrl)) {
        this.stats.ninInUrl += 1;
        this.stats.byRoute[REFUSED_ROUTE] = (this.stats.byRoute[REFUSED_ROUTE] ?? 0) + 1;
        this.logger.error({ instance: this.id, method: req.method, route: REFUSED_ROUTE }, 'refused a request with an identity number in its URL');
        const refusal = this.definition.ninInUrl ?? NIN_IN_URL_REFUSAL;
        res.status(refusal.status).type(refusal.contentType).send(refusal.body);
        return;
      }
      const route = routeOf(req.method, req.path);
      this.stats.byRoute[route] = (this.stats.byRoute[route] ?? 0) + 1;
      const { mode, latencyMs } = this.behaviour;
      const proceed = () => this.applyMode(mode, req, res, next);
      if (latencyMs > 0) setTimeout(proceed, latencyMs);
      else proceed();
    });
    app.use(protocolApp);
    return app;
  }

  private applyMode(mode: Mode, _req: Request, res: Response, next: NextFunction): void {
    switch (mode) {
      case 'normal':
      case 'down':
        next();
        return;
      case 'hang':
        return; // never answer; the socket is destroyed when the instance closes
      case 'fail': {
        const { status, contentType, body } = this.definition.failure;
        res.status(status).type(contentType).send(body);
        return;
      }
      case 'invalid': {
        const { status, contentType, body } = this.definition.invalid;
        res.status(status).type(contentType).send(body);
        return;
      }
      case 'garbage': {
        const send = res.send.bind(res);
        res.send = ((body: unknown) => send(mangle(typeof body === 'string' ? body : JSON.stringify(body ?? '')))) as typeof res.send;
        next();
        return;
      }
    }
  }
}

/** The refusal of an identity number in a URL, for a system that names no format of its own. */
const NIN_IN_URL_REFUSAL = { status: 400, contentType: 'text/plain', body: 'identity numbers must not be sent in URLs' } as const;

/** The route under which a request refused for an identity number in its URL is counted. */
export const REFUSED_ROUTE = '<refused: identity number in URL>';

/**
 * The route a request is counted under in the stats (served by the control API): the method and the
 * decoded path, with id-like segments (16+ characters with a digit) and every run of six or more digits
 * folded to `:id`, so that no identifier (an invalid identity number, a record id) is kept.
 */
export function routeOf(method: string, path: string): string {
  const folded = decodeUrl(path)
    .replace(/\/(?=[A-Za-z-]*\d)[A-Za-z0-9-]{16,}$/, '/:id')
    .replace(/\d{6,}/g, ':id');
  return `${method} ${folded}`;
}

/** The real answer cut at a third, with bytes no parser accepts. */
function mangle(body: string): string {
  return `${body.slice(0, Math.max(1, Math.floor(body.length / 3)))}\u0000<<#@!garbage`;
}
