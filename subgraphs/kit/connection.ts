import { createHash } from 'node:crypto';
import { graphError } from '../../lib/errorCodes';
import { CONNECTIONS } from '../../lib/argumentRules';

/**
 * Relay-style cursor connections over a list the rules have already cut to what this reader may see: one page of
 * edges, each with an opaque cursor, and where the page lies in the whole list. The resolver hands over the whole
 * list in its order (after the access rules and the field's own filters); this is the only place lists are paged.
 *
 * A cursor names an item, not a position: base64url of a version and a digest of the list's name and the item's
 * stable key (its id and time in the source, or what else identifies it), so a page read after the list grew at its
 * head still continues after the item the client last saw. The digest, not the key, is in the cursor: nothing the
 * cursor holds can be read back (no id, no identity number, whatever a caller's key is made of).
 */
export interface ConnectionArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

export interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface Connection<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
  /** How many items the whole list holds; the schema offers it only where that tells nothing the rules hide. */
  totalCount: number;
}

export interface ConnectionOptions<T> {
  /** The connection's schema coordinate (`CareRecord.visitsConnection`): its page size and cap, and what its cursors are bound to. */
  coordinate: keyof typeof CONNECTIONS;
  /** What identifies the item within the list, stable across reads (a source id and time). Hashed, never sent. */
  key: (item: T) => string;
}

/** Bumped when the cursor's content changes: a cursor of another version is refused rather than misread. */
const VERSION = '1';

function digest(coordinate: string, key: string): string {
  return createHash('sha256').update(`${coordinate}\n${key}`).digest('base64url').slice(0, 22);
}

function invalidCursor(argument: 'after' | 'before', reason: 'UNREADABLE' | 'NOT_IN_LIST'): Error {
  return graphError(
    'INVALID_CURSOR',
    reason === 'UNREADABLE'
      ? `${argument}: is not a cursor this graph gave`
      : `${argument}: the cursor names no item of this list (a cursor of another list, or an item no longer in it); read the list again from its start`,
    { argument, reason },
  );
}

/**
 * One page of `items` by `first`/`after` or `last`/`before` (Relay Cursor Connections). Without `first` and `last`,
 * the first page of the connection's default size. `first` and `last` together are refused (BAD_USER_INPUT), as
 * are counts outside 0 to the connection's cap; a cursor that is not one of this list's is INVALID_CURSOR.
 * `hasNextPage` and `hasPreviousPage` say whether the whole list holds items after the page's last edge and before
 * its first, whichever way it was paged.
 */
export function connection<T>(items: readonly T[], args: ConnectionArgs, options: ConnectionOptions<T>): Connection<T> {
  const { coordinate } = options;
  const page = CONNECTIONS[coordinate];
  const field = coordinate.split('.')[1];
  const first = args.first ?? null;
  const last = args.last ?? null;
  if (first !== null && last !== null) {
    throw graphError('BAD_USER_INPUT', `${field}: give first (with after) or last (with before), not both`, { argument: 'last' });
  }
  for (const [name, value] of [['first', first], ['last', last]] as const) {
    if (value !== null && (!Number.isInteger(value) || value < 0 || value > page.max)) {
      throw graphError('BAD_USER_INPUT', `${field}(${name}:) takes a whole number from 0 to ${page.max}`, { argument: name });
    }
  }
  // Equal keys (two identical events) are told apart by their order among equals, which a re-read keeps.
  const seen = new Map<string, number>();
  const keys = items.map((item) => {
    const key = options.key(item);
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    return `${key}#${n}`;
  });
  // Digests only where needed: the page's edges, and the items up to a cursor being looked for.
  const cursors: (string | undefined)[] = [];
  const cursorAt = (i: number): string => (cursors[i] ??= Buffer.from(`${VERSION}:${digest(coordinate, keys[i] as string)}`).toString('base64url'));
  const indexOf = (argument: 'after' | 'before', cursor: string): number => {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(cursor) || !Buffer.from(cursor, 'base64url').toString('utf8').startsWith(`${VERSION}:`)) throw invalidCursor(argument, 'UNREADABLE');
    for (let i = 0; i < items.length; i++) if (cursorAt(i) === cursor) return i;
    throw invalidCursor(argument, 'NOT_IN_LIST');
  };
  const lo = args.after ? indexOf('after', args.after) + 1 : 0;
  const hi = Math.max(lo, args.before ? indexOf('before', args.before) : items.length);
  const [start, end] = last !== null ? [Math.max(lo, hi - last), hi] : [lo, Math.min(hi, lo + (first ?? page.pageSize))];
  const edges = items.slice(start, end).map((node, i) => ({ cursor: cursorAt(start + i), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: end < items.length,
      hasPreviousPage: start > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
    totalCount: items.length,
  };
}
