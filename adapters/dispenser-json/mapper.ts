import { z } from 'zod';
import { BadResponseError, codeToken, ninSchema, parseJson, SourceFault, validatePayload } from '../kit';
import type { WelfareEventKind, WelfareEventModel, WelfareRecordModel } from '../model';
import { isValidLocalDateTime, osloLocalToUtc } from '../../lib/osloTime';

/**
 * The dispenser vendor's export page → WelfareRecordModel per patient. Pure: validates and maps.
 * Quirks handled here: times in Norwegian wall-clock time `yyyy-mm-dd HH:mm` without a zone (→ ISO UTC); every dose
 * the dispenser released is an event, of which only the exceptions are the graph's (a dose taken on time is dropped);
 * errors in the vendor's own body `{ "feil": { "kode", "melding" } }`, read by their code only.
 */

const WALL_CLOCK = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2})$/;

/** A wall-clock time as the export writes it; kept as written (the dose's clock time goes into the text) and checked. */
const wallClock = z
  .string()
  .regex(WALL_CLOCK)
  .refine((v) => isValidLocalDateTime(v.replace(' ', 'T')), 'not a local date-time');

/** Wall clock in Oslo → ISO UTC with Z. */
const utc = (wall: string) => osloLocalToUtc(wall.replace(' ', 'T'));

const str = z.string().min(1);
/** "" and a missing field mean "not given" as much as null does. */
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' || v === undefined ? null : v), schema.nullable());

const ATC = /^[A-Z]\d{2}[A-Z]{2}\d{2}$/;

export const EVENT_TYPES = ['DOSE_TATT', 'DOSE_TATT_SENT', 'DOSE_IKKE_TATT', 'PAFYLL_NODVENDIG', 'STROMBRUDD'] as const;
type EventType = (typeof EVENT_TYPES)[number];

const hendelseSchema = z
  .object({
    hendelseId: str,
    serienummer: optional(str),
    tidspunkt: wallClock,
    type: z.enum(EVENT_TYPES),
    legemiddel: optional(z.object({ atc: optional(z.string().regex(ATC)), navn: str })),
    planlagt: optional(wallClock),
    // An alert (a missed dose, a fault) acknowledged by its recipient.
    kvittert: optional(z.object({ tidspunkt: wallClock, av: optional(str) })),
  })
  .superRefine((h, ctx) => {
    // A dose event names its medicine and its planned time; the path is reported, never the value.
    if (h.type.startsWith('DOSE_')) {
      if (!h.legemiddel) ctx.addIssue({ code: 'custom', path: ['legemiddel'], message: 'a dose event without its medicine' });
      if (!h.planlagt) ctx.addIssue({ code: 'custom', path: ['planlagt'], message: 'a dose event without its planned time' });
    }
  });

const dispenserSchema = z.object({
  serienummer: str,
  modell: str,
  produsent: optional(str),
  installert: optional(z.iso.date()),
  avsluttet: optional(z.iso.date()),
  plassering: optional(str),
  varslingsmottaker: optional(str),
});

const pasientSchema = z.object({
  personnummer: ninSchema,
  dispensere: z.array(dispenserSchema).default([]),
  hendelser: z.array(hendelseSchema).default([]),
});

export const exportPageSchema = z.object({
  pasienter: z.array(pasientSchema),
  nesteSideToken: optional(z.string().min(1).max(2000)),
});

type Hendelse = z.infer<typeof hendelseSchema>;
type Pasient = z.infer<typeof pasientSchema>;

const KIND: Record<Exclude<EventType, 'DOSE_TATT'>, WelfareEventKind> = {
  DOSE_IKKE_TATT: 'DOSE_MISSED',
  DOSE_TATT_SENT: 'DOSE_LATE',
  PAFYLL_NODVENDIG: 'DISPENSER_FAULT',
  STROMBRUDD: 'DISPENSER_FAULT',
};

const clock = (wall: string) => WALL_CLOCK.exec(wall)?.[2] ?? wall;

/** What happened, in Norwegian (bokmål), as the platform's screens say it: the medicine and the times, never a place. */
function textOf(h: Hendelse): string {
  const navn = h.legemiddel?.navn ?? '';
  const planned = h.planlagt ? clock(h.planlagt) : '';
  switch (h.type) {
    case 'DOSE_IKKE_TATT':
      return `Dose kl. ${planned} ikke tatt ut: ${navn}`;
    case 'DOSE_TATT_SENT':
      return `Dose kl. ${planned} tatt ut for sent (kl. ${clock(h.tidspunkt)}): ${navn}`;
    case 'PAFYLL_NODVENDIG':
      return 'Dispenseren må fylles på';
    case 'STROMBRUDD':
      return 'Strømbrudd på dispenseren';
    case 'DOSE_TATT':
      return `Dose kl. ${planned} tatt ut: ${navn}`;
  }
}

function mapEvent(h: Hendelse & { type: Exclude<EventType, 'DOSE_TATT'> }): WelfareEventModel {
  // A late dose raises no alert: the platform says nothing of its handling. An alert is handled once acknowledged.
  const alert = h.type !== 'DOSE_TATT_SENT';
  return {
    id: h.hendelseId,
    time: utc(h.tidspunkt),
    kind: KIND[h.type],
    text: textOf(h),
    deviceId: h.serienummer,
    handled: alert ? h.kvittert !== null : null,
    handledBy: alert ? (h.kvittert?.av ?? null) : null,
    medication: h.legemiddel ? { atc: h.legemiddel.atc, name: h.legemiddel.navn, scheduled: h.planlagt ? utc(h.planlagt) : null } : null,
  };
}

const isException = (h: Hendelse): h is Hendelse & { type: Exclude<EventType, 'DOSE_TATT'> } => h.type !== 'DOSE_TATT';

export function mapPatient(p: Pasient): WelfareRecordModel {
  return {
    devices: p.dispensere.map((d) => ({
      id: d.serienummer,
      kind: 'MEDICATION_DISPENSER',
      name: d.modell,
      manufacturer: d.produsent,
      since: d.installert,
      until: d.avsluttet,
      location: d.plassering,
      responseCentre: d.varslingsmottaker,
    })),
    measurements: [],
    thresholds: [],
    // The exceptions only (a dose taken on time is not an event of the graph's), newest first.
    events: p.hendelser
      .filter(isException)
      .map(mapEvent)
      .sort((a, b) => b.time.localeCompare(a.time) || a.id.localeCompare(b.id)),
  };
}

export interface ExportPage {
  records: Map<string, WelfareRecordModel>;
  /** The token for the next page; null on the last one. */
  nextToken: string | null;
}

/** Parses one page of the export. A patient listed twice on it is refused (the export lists each once). */
export function mapExportPage(body: unknown): ExportPage {
  const json = parseJson(body, 'dispenser export page');
  const fault = readVendorFault(json);
  if (fault) throw fault;
  const page = validatePayload(exportPageSchema, json, 'dispenser export page');
  const records = new Map<string, WelfareRecordModel>();
  page.pasienter.forEach((p, i) => {
    if (records.has(p.personnummer)) throw new BadResponseError(`dispenser export page lists a patient twice (pasienter.${i})`);
    records.set(p.personnummer, mapPatient(p));
  });
  return { records, nextToken: page.nesteSideToken };
}

const faultSchema = z.object({ feil: z.object({ kode: z.string() }).passthrough() }).passthrough();

/**
 * The vendor's error body (`{ "feil": { "kode", "melding" } }`) as a SourceFault with its code and the HTTP status,
 * or null when the body is not one. The melding is the vendor's free text and is never read.
 */
export function readVendorFault(body: unknown, status?: number): SourceFault | null {
  let json: unknown = body;
  if (typeof body === 'string') {
    try {
      json = JSON.parse(body);
    } catch {
      return null;
    }
  }
  const parsed = faultSchema.safeParse(json);
  if (!parsed.success) return null;
  return new SourceFault({ protocol: 'dispenser export', code: codeToken(parsed.data.feil.kode) ?? 'UKJENT', ...(status ? { status } : {}) });
}
