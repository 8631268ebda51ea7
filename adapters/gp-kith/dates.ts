import { z } from 'zod';
import type { GpKithDialect } from './manifest';
import { isoUtc, isValidWallClock, osloWallClockToUtc, type WallClock } from '../../lib/osloTime';

/**
 * How each dialect writes dates and times, as zod schemas that validate and convert to the model's ISO
 * forms. Both write Oslo wall-clock time; they differ in where it goes:
 * - Nordlys Journal (soap11): KITH TS attributes, `<StartDateTime V="2026-03-01T10:20:00"/>`, `<StartDate V="2026-03-01"/>`;
 * - Fjord EPJ (soap12): compact element text, `<StartDateTime>202603011020</StartDateTime>`, `<StartDate>20260301</StartDate>`.
 */
export interface DateCodec {
  /** → ISO date-time in UTC (`2026-03-01T09:20:00Z`). */
  dateTime: z.ZodType<string, unknown>;
  /** → ISO date (`2026-03-01`). */
  date: z.ZodType<string, unknown>;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function wallClock(groups: (string | undefined)[]): WallClock {
  const [year, month, day, hour, minute, second] = [0, 1, 2, 3, 4, 5].map((i) => Number(groups[i] ?? 0)) as [number, number, number, number, number, number];
  return { year, month, day, hour, minute, second };
}

const toDateTime = (w: WallClock, ctx: z.RefinementCtx) => {
  if (!isValidWallClock(w)) {
    ctx.addIssue({ code: 'custom', message: 'not a real date-time' });
    return z.NEVER;
  }
  return osloWallClockToUtc(w);
};

const toDate = (w: WallClock, ctx: z.RefinementCtx) => {
  if (!isValidWallClock(w)) {
    ctx.addIssue({ code: 'custom', message: 'not a real date' });
    return z.NEVER;
  }
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}`;
};

const KITH_TS = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?(Z|[+-]\d{2}:\d{2})?$/;
const KITH_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

const nordlys: DateCodec = {
  dateTime: z.object({ '@_V': z.string().regex(KITH_TS) }).transform((v, ctx) => {
    const m = KITH_TS.exec(v['@_V']) ?? [];
    const w = wallClock(m.slice(1, 7));
    // A time with its own offset (allowed by KITH TS, rarely sent) needs no Oslo rule.
    if (m[7] && isValidWallClock(w)) return isoUtc(Date.parse(v['@_V']));
    return toDateTime(w, ctx);
  }),
  date: z.object({ '@_V': z.string().regex(KITH_DATE) }).transform((v, ctx) => toDate(wallClock((KITH_DATE.exec(v['@_V']) ?? []).slice(1)), ctx)),
};

const COMPACT_TS = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?$/;
const COMPACT_DATE = /^(\d{4})(\d{2})(\d{2})$/;

const fjord: DateCodec = {
  dateTime: z.string().regex(COMPACT_TS).transform((v, ctx) => toDateTime(wallClock((COMPACT_TS.exec(v) ?? []).slice(1)), ctx)),
  date: z.string().regex(COMPACT_DATE).transform((v, ctx) => toDate(wallClock((COMPACT_DATE.exec(v) ?? []).slice(1)), ctx)),
};

export const DATE_CODECS: Record<GpKithDialect, DateCodec> = { soap11: nordlys, soap12: fjord };
