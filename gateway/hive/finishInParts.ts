import { GraphQLError, type ExecutionResult, type GraphQLFormattedError } from 'graphql';

/**
 * An answer sent in parts (`@defer`, `@stream`: incremental delivery as Hive Gateway's executor sends it, each
 * later part's entries placed by `path`), put through the same end-of-request rules as an answer sent whole: the
 * access log, error tidying and masking. Every part is on record before it leaves: the rules run once per part,
 * each time on everything sent so far (the access log keeps only what is new, PartwiseAuditStore). A part the
 * rules withhold (AUDIT_UNAVAILABLE) ends the answer there: a withheld first part becomes the whole answer (HTTP
 * 503, as without parts), a withheld later part is sent as its entries nulled with the error, and the execution
 * is stopped. An answer that came in one part is sent whole.
 */
type Path = readonly (string | number)[];
type AnyError = GraphQLError | GraphQLFormattedError;

interface Entry {
  data?: Record<string, unknown> | null;
  items?: readonly unknown[] | null;
  path?: Path;
  label?: string;
  errors?: readonly AnyError[];
  extensions?: Record<string, unknown>;
}

export interface Part {
  data?: Record<string, unknown> | null;
  errors?: readonly AnyError[];
  hasNext: boolean;
  incremental?: readonly Entry[];
  extensions?: Record<string, unknown>;
}

export interface Finished {
  result: ExecutionResult;
  status: number | undefined;
}

export interface PartsOptions {
  /** The rules' end of request (the bridge's `finish`), on a whole answer. */
  finish(result: ExecutionResult): Promise<Finished>;
  /** The gateway's error masking, for errors inside later parts (Yoga masks only a part's top-level errors). */
  maskError(error: unknown): GraphQLError;
  /** What to do to the first part before the rules see it (add what the execution found beside its data). */
  firstPart?(part: Part): Part;
  /** Once, when the answer has ended however it ended: what was sent of it. */
  ended(data: unknown, errors: readonly AnyError[]): void;
}

export function isPartStream(result: unknown): result is AsyncIterable<Part> {
  return typeof result === 'object' && result !== null && Symbol.asyncIterator in result;
}

/** A whole answer (one part only, or a withheld first part) or the parts to send. */
export async function finishInParts(parts: AsyncIterable<Part>, options: PartsOptions): Promise<{ whole: Finished } | { parts: AsyncIterable<Part> }> {
  const iterator = parts[Symbol.asyncIterator]();
  const sent: { data: Record<string, unknown> | null | undefined; errors: AnyError[] } = { data: undefined, errors: [] };
  let withheld = false;
  let stopped = false;
  // Once, however the answer ends: sent to the end, withheld, failed, or dropped by the client before a part was read.
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await iterator.return?.();
    options.ended(sent.data, sent.errors);
  };

  /** Adds a part to everything sent so far and runs the rules; what of the part may leave, or withheld. */
  const take = async (part: Part): Promise<{ part: Part; finished: Finished }> => {
    const incremental = part.incremental?.map((e) => (e.errors ? { ...e, errors: e.errors.map((x) => options.maskError(unDoubled(x, e.path ?? []))) } : e));
    const own = [...(part.errors ?? []), ...(incremental ?? []).flatMap((e) => e.errors ?? [])];
    if ('data' in part) sent.data = part.data === null ? null : (clone(part.data) as Record<string, unknown> | undefined);
    for (const entry of incremental ?? []) place(sent, entry);
    const finished = await options.finish({ data: sent.data, errors: [...sent.errors, ...own] as GraphQLError[] });
    if (sent.data && finished.result.data === null) {
      withheld = true;
      return { part, finished };
    }
    // Tidying drops errors (a repeat of one already sent, one on a hidden field): send only those it kept.
    const kept = new Set<unknown>(finished.result.errors ?? []);
    const keep = (errors: readonly AnyError[] | undefined) => (errors ? errors.filter((e) => kept.has(e)) : undefined);
    const nonEmpty = (errors: readonly AnyError[] | undefined) => (errors?.length ? errors : undefined);
    sent.errors.push(...own.filter((e) => kept.has(e)));
    return {
      part: {
        ...part,
        ...(part.errors ? { errors: nonEmpty(keep(part.errors)) } : {}),
        ...(incremental ? { incremental: incremental.map((e) => ({ ...e, errors: nonEmpty(keep(e.errors)) })) } : {}),
      },
      finished,
    };
  };

  const first = await iterator.next();
  if (first.done) {
    options.ended(undefined, []);
    return { whole: { result: { errors: [options.maskError(new Error('the execution ended without an answer'))] }, status: undefined } };
  }
  let initial: Awaited<ReturnType<typeof take>>;
  try {
    initial = await take(options.firstPart ? options.firstPart(first.value) : first.value);
  } catch (error) {
    await stop();
    throw error;
  }
  if (withheld || !first.value.hasNext) {
    await stop();
    const { hasNext: _hasNext, incremental: _incremental, ...whole } = initial.finished.result as ExecutionResult & Partial<Part>;
    return { whole: { ...initial.finished, result: whole } };
  }
  // The first part leaves as the rules left it (their extensions included); later parts as they came, tidied.
  const extensions = initial.finished.result.extensions ?? initial.part.extensions;
  const head: Part = { ...initial.part, ...(extensions ? { extensions } : {}), hasNext: true };
  async function* rest(): AsyncGenerator<Part> {
    try {
      yield head;
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
        const { part, finished } = await take(next.value);
        if (withheld) {
          const refusal = finished.result.errors ?? [];
          yield {
            hasNext: false,
            incremental: (next.value.incremental ?? [{ path: [] }]).map((e, i) => ({
              ...(e.path ? { path: e.path } : {}),
              ...(e.label ? { label: e.label } : {}),
              ...('items' in e ? { items: null } : { data: null }),
              ...(i === 0 ? { errors: refusal } : {}),
            })),
          };
          return;
        }
        yield part;
        if (!next.value.hasNext) return;
      }
    } finally {
      await stop();
    }
  }
  // A generator's `finally` runs only once it has started: a client that goes before the first read (the server calls
  // `return()` on a generator never started) must stop the execution and end the access log's record all the same.
  const generator = rest();
  const sending: AsyncIterableIterator<Part> = {
    next: () => generator.next(),
    return: async (value?: unknown) => {
      const done = await generator.return(value as undefined);
      await stop();
      return done;
    },
    throw: async (error?: unknown) => {
      try {
        return await generator.throw(error);
      } finally {
        await stop();
      }
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
  return { parts: sending };
}

/**
 * An error of a deferred field as its subgraph raised it, on the path the answer has it. The planner relocates a
 * subgraph's error in a deferred fragment onto the field's path and then adds the subgraph's own path below
 * `_entities[i]`, which names the field again: `patient.summaryRecord.summaryRecord` for a refused
 * `summaryRecord`. The key repeated right below the entry's path is said once; any other path is left alone.
 */
function unDoubled(error: AnyError, entryPath: Path): AnyError {
  const path = error.path;
  const at = entryPath.length;
  if (!path || path.length < at + 2 || typeof path[at] !== 'string' || path[at] !== path[at + 1] || !entryPath.every((p, i) => path[i] === p)) return error;
  const fixed = [...path.slice(0, at + 1), ...path.slice(at + 2)];
  return error instanceof GraphQLError
    ? new GraphQLError(error.message, { path: fixed, extensions: error.extensions, originalError: error.originalError ?? undefined })
    : { ...error, path: fixed };
}

/** Puts a later part's entry into the answer so far: a deferred fragment's data at its path, streamed items from theirs. */
function place(answer: { data: Record<string, unknown> | null | undefined }, entry: Entry): void {
  const path = entry.path ?? [];
  answer.data ??= {};
  if ('items' in entry) {
    const index = path[path.length - 1];
    const list = containerAt(answer.data, path.slice(0, -1), 'list');
    if (typeof index !== 'number' || !Array.isArray(list)) throw new Error('streamed items without a list index in their path');
    (entry.items ?? []).forEach((item, i) => {
      list[index + i] = clone(item);
    });
    return;
  }
  if (!entry.data) return;
  merge(containerAt(answer.data, path, 'object'), clone(entry.data));
}

/** The object or list at a path, made where the answer so far has none. */
function containerAt(root: Record<string, unknown>, path: Path, kind: 'object' | 'list'): Record<string, unknown> | unknown[] {
  let node: Record<string | number, unknown> = root;
  path.forEach((step, i) => {
    const want = i + 1 < path.length ? (typeof path[i + 1] === 'number' ? 'list' : 'object') : kind;
    if (node[step] === null || typeof node[step] !== 'object') node[step] = want === 'list' ? [] : {};
    node = node[step] as Record<string | number, unknown>;
  });
  return node as Record<string, unknown> | unknown[];
}

function merge(target: Record<string | number, unknown> | unknown[], value: Record<string | number, unknown> | unknown[]): void {
  const into = target as Record<string | number, unknown>;
  for (const [key, v] of Object.entries(value)) {
    const existing = into[key];
    if (v && typeof v === 'object' && existing && typeof existing === 'object') merge(existing as Record<string, unknown>, v as Record<string, unknown>);
    else into[key] = v;
  }
}

function clone<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}
