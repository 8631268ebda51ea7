import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import express, { type Request, type RequestHandler } from 'express';
import {
  buildSchema,
  GraphQLError,
  isObjectType,
  Kind,
  print,
  subscribe as graphqlSubscribe,
  visit,
  type DocumentNode,
  type ExecutionResult,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLFieldResolver,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { createHandler } from 'graphql-sse/lib/use/express';
import { decodeJwt } from 'jose';
import { Agent, fetch } from 'undici';
import { graphError } from '../../lib/errorCodes';
import type { Logger } from '../../lib/logger';
import { metrics } from '../../lib/metrics';
import { validateNin } from '../../lib/nin';
import { fromRoot } from '../../lib/repositoryRoot';
import type { Issuer } from '../auth/issuers';
import { authenticate, type Authenticated } from '../auth/authenticate';
import { readerKey } from '../limits/rateLimit';
import { auditPseudonymKey } from '../../lib/secrets';
import { CLOCK_TOLERANCE_SECONDS, REFUSAL_TEXT } from '../auth/verifyAccessToken';
import { ALERT_ID, isAfter, type Alert, type AlertBus, type Alerts } from '../../lib/alertStream';

/**
 * GraphQL subscriptions over server-sent events (graphql-sse, distinct-connections mode) at `POST /graphql/stream`:
 * `welfareAlerts(nin:)`, the live alerts of one patient's welfare technology (schema/subscriptions.graphql).
 *
 * Nothing here decides access. Subscribing reads the patient's events once as the subscriber, and every alert is read
 * as the subscriber too, by the engine's whole request pipeline: on the Apollo gateway in this process
 * (`inProcessReads`, gateway/createGateway.ts), on another engine through its own `/graphql` with the subscriber's
 * token (`readOverHttp`). The field rules, the access log, the places withheld for a strictly confidential address and
 * the error codes are those of any read; once the token has expired, a read is refused as its request would be. A read the rules refuse (the care relationship ended) is sent as the stream's last event,
 * and the stream ends. The alert's id goes out as the SSE `id:` field, so a client resumes with Last-Event-ID (or
 * `after`) and gets what it missed from the alert stream's window (gateway/alerts/alertBus.ts).
 */

/** The header that marks the gateway's own reads for a subscriber: they are not the reader's requests to rate-limit. */
export const INTERNAL_READ_HEADER = 'x-patient-graph-alert-read';
/** How many `welfareAlerts` subscriptions one reader may hold open on a replica: ALERT_SUBSCRIPTIONS_PER_READER (default 20). */
export function subscriptionsPerReader(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env.ALERT_SUBSCRIPTIONS_PER_READER ?? 20);
  if (!Number.isInteger(value) || value < 1 || value > 10_000) throw new Error('ALERT_SUBSCRIPTIONS_PER_READER must be a whole number from 1 to 10000');
  return value;
}

/** A secret of this process: a client cannot send it, so it cannot escape the rate limit with it. */
export const internalReadToken = randomBytes(24).toString('base64url');

/** Whether a request is this process's own read for a subscriber. */
export function isInternalRead(req: Request): boolean {
  return req.get(INTERNAL_READ_HEADER) === internalReadToken;
}

/** The API schema with the subscriptions beside it (the fields an alert's event selects are the API's own). */
export function subscriptionSchema(): GraphQLSchema {
  const api = readFileSync(fromRoot('schema/public.graphql'), 'utf8');
  const subscriptions = readFileSync(fromRoot('schema/subscriptions.graphql'), 'utf8');
  return buildSchema(`${api}\n${subscriptions}`);
}

/** Who subscribed, as authentication verified them: every read of the subscription is theirs. */
export interface Subscriber {
  authenticated: Authenticated;
  /** The bearer header, for a read over HTTP. */
  authorization: string;
  /** When the token expires (ms since the epoch): a read after it is refused as that token's request would be. */
  expiresAt: number;
  /** The gateway's port, for a read over HTTP. */
  port: number;
}

/** A GraphQL request the subscription makes as the subscriber. */
export interface SubscriberRequest {
  operationName: string;
  query: string;
  variables: Record<string, unknown>;
}

/**
 * How the subscription reads the graph as the subscriber: through the engine's whole request pipeline (field rules,
 * limits, the access log, error formatting). `readOverHttp`, through the gateway's own `/graphql`, serves any engine;
 * an engine that can run a request in this process passes its own (gateway/createGateway.ts), which skips the socket,
 * the JSON both ways and verifying the same token again.
 */
export type SubscriberReads = (subscriber: Subscriber, request: SubscriberRequest) => Promise<GraphAnswer>;

interface SubscriberContext extends Record<PropertyKey, unknown> {
  subscriber: Subscriber;
  reads: SubscriberReads;
  lastEventId: string | undefined;
  /** Errors to send with the next result (a read's errors, a resume past the window). */
  pending: GraphQLError[];
  /** The alert the result being written is for: its SSE `id:`. */
  lastAlertId?: string;
}

export interface GraphAnswer {
  data?: { patient?: Record<string, unknown> | null } | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

const agent = new Agent({ keepAliveTimeout: 10_000, connections: 64 });

/** A read through the gateway's own `/graphql`, with the subscriber's token: whichever engine serves it. */
export const readOverHttp: SubscriberReads = async (subscriber, request) => {
  const response = await fetch(`http://127.0.0.1:${subscriber.port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: subscriber.authorization, [INTERNAL_READ_HEADER]: internalReadToken },
    body: JSON.stringify(request),
    dispatcher: agent,
    signal: AbortSignal.timeout(10_000),
  });
  return (await response.json()) as GraphAnswer;
};

/** The answer `/graphql` gives a request whose token has expired (gateway/auth/authenticate.ts). */
export function expiredTokenAnswer(): GraphAnswer {
  return { errors: [{ message: REFUSAL_TEXT.token_expired, extensions: { code: 'UNAUTHENTICATED', reason: 'token_expired' } }] };
}

/** A read as the subscriber, refused once the token they subscribed with has expired (as `/graphql` would refuse it). */
async function readAsSubscriber(ctx: SubscriberContext, request: SubscriberRequest): Promise<GraphAnswer> {
  if (Date.now() >= ctx.subscriber.expiresAt + CLOCK_TOLERANCE_SECONDS * 1000) return expiredTokenAnswer();
  return ctx.reads(ctx.subscriber, request);
}

/** An error of a read the rules (or the login) refused, rather than a source that failed beside the data. */
const refusal = (answer: GraphAnswer) => answer.errors?.find((e) => !e.extensions?.partial && ['FORBIDDEN', 'UNAUTHENTICATED', 'PATIENT_NOT_FOUND', 'INVALID_NIN', 'AUDIT_UNAVAILABLE', 'RATE_LIMITED'].includes(String(e.extensions?.code)));

const asGraphQLError = (e: NonNullable<GraphAnswer['errors']>[number], path?: readonly (string | number)[]) =>
  new GraphQLError(e.message, { ...(path ? { path } : {}), extensions: e.extensions ?? { code: 'INTERNAL_SERVER_ERROR' } });

/** The subscription's `welfareAlerts` field, the `event` fields under it (by response key), and the fragments they use. */
function deliveryOf(document: DocumentNode, operationName: string | null | undefined): { rootKey: string; query: string } {
  const fragments = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]));
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION && (!operationName || d.name?.value === operationName));
  const fieldsNamed = (set: SelectionSetNode | undefined, name: string, seen = new Set<string>()): FieldNode[] =>
    (set?.selections ?? []).flatMap((s) => {
      if (s.kind === Kind.FIELD) return s.name.value === name ? [s] : [];
      if (s.kind === Kind.INLINE_FRAGMENT) return fieldsNamed(s.selectionSet, name, seen);
      if (seen.has(s.name.value)) return [];
      seen.add(s.name.value);
      return fieldsNamed(fragments.get(s.name.value)?.selectionSet, name, seen);
    });
  const [root] = fieldsNamed(operation?.selectionSet, 'welfareAlerts');
  const events = root ? fieldsNamed(root.selectionSet, 'event') : [];
  // Each `event` (by its response key) is the patient's `welfareEvent` under the same key; without one, the alert is
  // still read (its id only), so that it is authorised and logged before its kind and id are sent.
  const selections = events.length
    ? events.map((e) => `${e.alias?.value ?? 'event'}: welfareEvent(sourceId: $id) ${e.selectionSet ? print(e.selectionSet) : ''}`)
    : ['event: welfareEvent(sourceId: $id) { sourceId }'];
  const used = new Set<string>();
  const collect = (node: SelectionSetNode | undefined) =>
    visit(node ?? { kind: Kind.SELECTION_SET, selections: [] }, {
      FragmentSpread(spread) {
        if (used.has(spread.name.value)) return;
        used.add(spread.name.value);
        collect(fragments.get(spread.name.value)?.selectionSet);
      },
    });
  for (const e of events) collect(e.selectionSet);
  const definitions = [...used].flatMap((name) => (fragments.get(name) ? [print(fragments.get(name)!)] : []));
  return {
    rootKey: root?.alias?.value ?? 'welfareAlerts',
    query: `query WelfareAlert($nin: String!, $id: String!) { patient(nin: $nin) { ${selections.join(' ')} } }\n${definitions.join('\n')}`,
  };
}

const SUBSCRIBE_QUERY = 'query WelfareAlertsSubscribe($nin: String!) { patient(nin: $nin) { welfareEvents(last: 0) { sourceId } } }';

interface Payload {
  alertId: string;
  kind: string;
  patient: Record<string, unknown> | null;
}

/** Fields of what the delivery read answered are found by response key (the read used the subscriber's aliases). */
const byResponseKey: GraphQLFieldResolver<unknown, unknown> = (source, _args, _ctx, info) => {
  if (source === null || typeof source !== 'object') return null;
  return (source as Record<string, unknown>)[info.path.key as string];
};

export interface AlertSubscriptionsOptions {
  alerts: Alerts;
  /** The per-reader rate limit, after authentication: each subscription request counts as a request. */
  limit?: RequestHandler[];
  issuers: readonly Issuer[];
  logger: Logger;
  /** How a subscription reads as its subscriber: the engine's own, in this process, where it has one. */
  reads?: SubscriberReads;
  /** At most this many open subscriptions per reader on this replica (default ALERT_SUBSCRIPTIONS_PER_READER). */
  perReader?: number;
}

/** The `/graphql/stream` route: authentication first, POST only, then graphql-sse. */
export function alertSubscriptions(options: AlertSubscriptionsOptions): RequestHandler[] {
  const { alerts, logger } = options;
  const bus = alerts.bus;
  const schema = subscriptionSchema();

  const resolvers = {
    welfareAlerts: async (args: { nin: string; kinds?: string[] | null; after?: string | null }, ctx: SubscriberContext, document: DocumentNode, operationName: string | null | undefined) => {
      const nin = args.nin.trim();
      const checked = validateNin(nin);
      if (!checked.valid) throw graphError('INVALID_NIN', 'Not a valid national identity number', { reasons: checked.reasons });
      const after = args.after ?? ctx.lastEventId ?? null;
      if (after !== null && !ALERT_ID.test(after)) throw graphError('BAD_USER_INPUT', 'Not an alert id (`after`, or the Last-Event-ID header): an `alertId` this stream sent', { argument: 'after' });
      // Subscribing is a read of the patient's events as the subscriber: refused here as any read would be.
      const probe = await readAsSubscriber(ctx, { operationName: 'WelfareAlertsSubscribe', query: SUBSCRIBE_QUERY, variables: { nin } });
      const refused = refusal(probe) ?? (probe.data?.patient ? undefined : probe.errors?.[0]);
      if (refused) throw asGraphQLError(refused);
      const delivery = deliveryOf(document, operationName);
      const kinds = args.kinds?.length ? new Set(args.kinds) : null;
      const patientKey = alerts.patientKey(nin);
      return alertIterator({ bus, ctx, nin, patientKey, kinds, after, delivery, logger });
    },
  };

  const handler = createHandler<SubscriberContext>({
    schema,
    // Distinct connections only: one POST per subscription, its body holding the operation (and the identity number).
    authenticate: () => null,
    context: (req) => (req.context.res.locals.alertContext as SubscriberContext) ?? null,
    subscribe: async (args) => {
      const ctx = args.contextValue;
      const result = await graphqlSubscribe({
        ...args,
        fieldResolver: byResponseKey,
        rootValue: {},
        subscribeFieldResolver: async (_root, fieldArgs, _c, info) => {
          if (info.fieldName !== 'welfareAlerts') throw graphError('BAD_USER_INPUT', 'Unknown subscription');
          return resolvers.welfareAlerts(fieldArgs as { nin: string }, ctx, args.document, args.operationName);
        },
      });
      if (!(Symbol.asyncIterator in result)) return result;
      const iterator = result[Symbol.asyncIterator]();
      // Each result carries the errors of its alert's read (at their paths under the subscription's field).
      return {
        [Symbol.asyncIterator]() {
          return this;
        },
        async next() {
          const step = await iterator.next();
          if (step.done) return step;
          const extra = ctx.pending.splice(0);
          return { done: false, value: extra.length ? { ...step.value, errors: [...(step.value.errors ?? []), ...extra] } : step.value };
        },
        async return() {
          return (await iterator.return?.()) ?? { done: true, value: undefined };
        },
      } as AsyncIterableIterator<ExecutionResult>;
    },
  });

  // The payload's fields: the alert, and each `event` from the delivery read under its response key.
  const typeResolvers: Record<string, GraphQLFieldResolver<Payload, unknown>> = {
    alertId: (p) => p.alertId,
    kind: (p) => p.kind,
  };
  // Each event of the stream is the subscription field's value.
  const subscription = schema.getSubscriptionType();
  const root = subscription?.getFields().welfareAlerts;
  if (root) root.resolve = (payload: unknown) => payload;
  const welfareAlert = schema.getType('LiveWelfareAlert');
  if (isObjectType(welfareAlert)) {
    const fields = welfareAlert.getFields();
    for (const [name, resolve] of Object.entries(typeResolvers)) fields[name]!.resolve = resolve as GraphQLFieldResolver<unknown, unknown>;
    const event: GraphQLFieldResolver<Payload, unknown> = (p, _a, _c, info) => p.patient?.[info.path.key as string] ?? null;
    fields.event!.resolve = event as GraphQLFieldResolver<unknown, unknown>;
  }

  const refuseGet: RequestHandler = (req, res, next) => {
    if (req.method === 'POST') return next();
    res
      .status(405)
      .set('Allow', 'POST')
      .json({ errors: [{ message: 'Subscribe with POST (the graphql-sse protocol, distinct connections): a GET would carry the identity number in its URL', extensions: { code: 'METHOD_NOT_ALLOWED' } }] });
  };
  // Open subscriptions by reader (an HMAC of who they are, as the rate limit keys them): each alert costs a read per
  // subscription, so one reader's streams are bounded.
  const perReader = options.perReader ?? subscriptionsPerReader();
  const open = new Map<string, number>();
  const pseudonymKey = auditPseudonymKey();
  const start: RequestHandler = async (req, res) => {
    res.set('Cache-Control', 'no-store');
    const authenticated = res.locals.auth as Authenticated;
    const reader = readerKey(authenticated.identity, pseudonymKey);
    const held = open.get(reader) ?? 0;
    if (held >= perReader) {
      res
        .status(429)
        .set('Retry-After', '30')
        .json({ errors: [{ message: `This reader has ${held} alert subscriptions open here, as many as one reader may (ALERT_SUBSCRIPTIONS_PER_READER): close one first`, extensions: { code: 'TOO_MANY_SUBSCRIPTIONS', limit: perReader } }] });
      return;
    }
    open.set(reader, held + 1);
    res.once('close', () => {
      const left = (open.get(reader) ?? 1) - 1;
      if (left > 0) open.set(reader, left);
      else open.delete(reader);
    });
    const authorization = req.get('authorization') ?? '';
    // The token was verified just now (authenticate): its expiry is read, not trusted blindly.
    const expiresAt = (decodeJwt(authorization.replace(/^Bearer\s+/i, '')).exp ?? 0) * 1000;
    const context: SubscriberContext = {
      subscriber: { authenticated, authorization, expiresAt, port: req.socket.localPort ?? 0 },
      reads: options.reads ?? readOverHttp,
      lastEventId: req.get('last-event-id') || undefined,
      pending: [],
    };
    res.locals.alertContext = context;
    // Each result goes out with its alert's id as the SSE `id:` field, so that a client resumes by Last-Event-ID.
    const write = res.write.bind(res) as (chunk: unknown, ...rest: unknown[]) => boolean;
    res.write = ((chunk: unknown, ...rest: unknown[]) => {
      const text = typeof chunk === 'string' && chunk.startsWith('event: next') && context.lastAlertId ? `id: ${context.lastAlertId}\n${chunk}` : chunk;
      return write(text, ...rest);
    }) as typeof res.write;
    try {
      await handler(req, res);
    } catch (error) {
      logger.error({ err: error }, 'alert subscription failed');
      if (!res.headersSent) res.status(500).json({ errors: [{ message: 'The subscription failed', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
      else res.end();
    }
  };
  return [refuseGet, authenticate(options.issuers, logger), ...(options.limit ?? []), express.json({ limit: '64kb' }), start];
}

interface IteratorSetup {
  bus: AlertBus;
  ctx: SubscriberContext;
  nin: string;
  patientKey: string;
  kinds: Set<string> | null;
  after: string | null;
  delivery: { rootKey: string; query: string };
  logger: Logger;
}

/**
 * The subscription's alerts: those after `after` still in the window, then the live ones, each read as the
 * subscriber. Stops at once when the client goes (return), and after a refused read.
 */
function alertIterator(setup: IteratorSetup): AsyncIterableIterator<Payload> {
  const { bus, ctx, nin, patientKey, kinds, delivery } = setup;
  const queue: Alert[] = [];
  let wake: (() => void) | undefined;
  let done = false;
  let last = setup.after;
  const wanted = (a: Alert) => a.patientKey === patientKey && (!kinds || kinds.has(a.kind));
  // Listening before the missed ones are fetched: nothing published in between falls between the two.
  const stop = bus.listen((a) => {
    if (!wanted(a)) return;
    queue.push(a);
    wake?.();
  });
  metrics().alertSubscriptions.inc();
  const missed = setup.after
    ? bus.since(setup.after).then(async (found) => {
        if (found === null) {
          ctx.pending.push(graphError('ALERT_RESUME_EXPIRED', 'Alerts after this id may be gone (it is older than the window alerts are kept for); read Patient.welfareEvents for what happened meanwhile'));
          return (await bus.since(`${Date.now() - 1}-0`)) ?? [];
        }
        return found;
      })
    : Promise.resolve([]);
  let replayed = false;
  const finish = () => {
    if (!done) metrics().alertSubscriptions.dec();
    done = true;
    stop();
    wake?.();
  };
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next(): Promise<IteratorResult<Payload>> {
      if (!replayed) {
        replayed = true;
        queue.unshift(...(await missed).filter(wanted));
      }
      while (!done) {
        const alert = queue.shift();
        if (!alert) {
          await new Promise<void>((resolve) => (wake = resolve));
          wake = undefined;
          continue;
        }
        if (last && !isAfter(alert.id, last)) continue;
        last = alert.id;
        let answer: GraphAnswer;
        try {
          answer = await readAsSubscriber(ctx, { operationName: 'WelfareAlert', query: delivery.query, variables: { nin, id: alert.eventId } });
        } catch (error) {
          setup.logger.warn({ err: { message: (error as Error).message } }, 'alert read failed');
          answer = { errors: [{ message: 'The alert could not be read now', extensions: { code: 'SOURCE_UNAVAILABLE', partial: true } }] };
        }
        const refused = refusal(answer);
        for (const e of answer.errors ?? []) {
          const [, key, ...rest] = e.path ?? [];
          ctx.pending.push(asGraphQLError(e, key === undefined ? [delivery.rootKey] : [delivery.rootKey, key, ...rest]));
        }
        const patient = answer.data?.patient ?? null;
        if (!refused && patient && Object.values(patient).every((v) => v === null) && !answer.errors?.length) {
          ctx.pending.push(graphError('SOURCE_BAD_RESPONSE', 'The platform pushed an event it does not hold', { reason: 'EVENT_NOT_FOUND', source: alert.source }));
        }
        ctx.lastAlertId = alert.id;
        metrics().alertDeliveries.inc({ outcome: refused ? 'refused' : ctx.pending.length ? 'partial' : 'delivered' });
        // A refused read is the last: the subscriber no longer may read this patient's alerts.
        if (refused) finish();
        return { done: false, value: { alertId: alert.id, kind: alert.kind, patient } };
      }
      return { done: true, value: undefined };
    },
    async return(): Promise<IteratorResult<Payload>> {
      finish();
      return { done: true, value: undefined };
    },
  };
}
