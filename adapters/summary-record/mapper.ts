import { z } from 'zod';
import { hprNumberSchema, normaliseHprNumber } from '../../lib/identifiers';
import { BadResponseError, parseJson, validatePayload } from '../kit';
import { CODE_SYSTEM, type SummaryRecordModel } from '../model';

/**
 * Kjernejournal answers → SummaryRecordModel. Pure: validates the payloads and maps them.
 * - The tickets answer names patients by their index in the request, never by number.
 * - The summaries answer is keyed by ticket. Each summary names the patient by the record's own logical id
 *   (`patient.reference`), and every FHIR resource in it must refer to that patient: one that refers to
 *   another is a broken answer (it would put someone else's allergy in this patient's record). Allergies
 *   come as FHIR R4 AllergyIntolerance resources, implants as FHIR R4 Device resources, other critical
 *   information as Kjernejournal's own elements (`type` "anestesikomplikasjon", …); dispensations come
 *   oldest first in Norwegian field names. Registration times are FHIR dateTimes with a local offset.
 */

export const HPR_SYSTEM = 'urn:oid:2.16.578.1.12.4.1.4.4';

export type CriticalInformation = SummaryRecordModel['criticalInformation'][number];
export type DispensationModel = SummaryRecordModel['dispensations'][number];
export type TicketError = 'TICKET_EXPIRED' | 'TICKET_UNKNOWN';

/** A FHIR date or dateTime (a dateTime must carry Z or an offset). */
const fhirDateTime = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/);
const text = z.string().trim().min(1);
const optionalText = z
  .string()
  .nullish()
  .transform((v) => (v && v.trim() !== '' ? v.trim() : null));
const identifierRef = z.object({ identifier: z.object({ system: z.string(), value: z.string() }).passthrough().optional() }).passthrough();
/** A reference to the summary's patient, by the record's logical id (`Patient/<id>`). */
const patientRef = z.object({ reference: z.string().regex(/^Patient\/[A-Za-z0-9\-.]{1,64}$/) }).passthrough();

// ------------------------------------------------------------------ tickets

const ticketsResponseSchema = z.object({
  tickets: z.array(
    z.discriminatedUnion('error', [
      z.object({ error: z.undefined().optional(), ticket: text, patientIndex: z.number().int().min(0), expiresAt: z.iso.datetime({ offset: true }) }),
      z.object({ error: z.literal('PATIENT_NOT_FOUND'), patientIndex: z.number().int().min(0) }),
    ]),
  ),
});

/** A ticket as the client keeps it: the opaque value and when it stops being valid (epoch ms). */
export interface TicketGrant {
  ticket: string;
  expiresAt: number;
}

/**
 * The tickets answer for a request of `count` patients, in request order: a grant, or null where the
 * record knows no such patient. Every patient must be answered exactly once.
 */
export function mapTicketsResponse(body: unknown, count: number): (TicketGrant | null)[] {
  const payload = validatePayload(ticketsResponseSchema, parseJson(body, 'summary record tickets answer'), 'summary record tickets answer');
  const grants = new Array<TicketGrant | null | undefined>(count).fill(undefined);
  for (const entry of payload.tickets) {
    const i = entry.patientIndex;
    if (i >= count) throw new BadResponseError('summary record tickets answer names a patient index outside the request');
    if (grants[i] !== undefined) throw new BadResponseError('summary record tickets answer names a patient twice');
    grants[i] = entry.error === undefined ? { ticket: entry.ticket, expiresAt: Date.parse(entry.expiresAt) } : null;
  }
  if (grants.some((g) => g === undefined)) throw new BadResponseError('summary record tickets answer leaves patients unanswered');
  return grants as (TicketGrant | null)[];
}

// ------------------------------------------------------------------ critical information

const codingSchema = z.object({ system: z.string().optional(), code: z.string().optional(), display: z.string().optional() }).passthrough();
const SEVERITIES = ['mild', 'moderate', 'severe'] as const;

const allergySchema = z
  .object({
    resourceType: z.literal('AllergyIntolerance'),
    id: text,
    patient: patientRef,
    verificationStatus: z.object({ coding: z.array(codingSchema).min(1) }).passthrough().optional(),
    code: z
      .object({ coding: z.array(codingSchema).optional(), text: z.string().optional() })
      .passthrough()
      .refine((c) => Boolean(c.text?.trim() || c.coding?.some((x) => x.display?.trim())), 'code without text or display'),
    reaction: z
      .array(
        z
          .object({
            manifestation: z.array(z.object({ text: z.string().optional(), coding: z.array(codingSchema).optional() }).passthrough()).min(1),
            severity: z.enum(SEVERITIES).optional(),
          })
          .passthrough(),
      )
      .optional(),
    recordedDate: fhirDateTime.optional(),
    recorder: identifierRef.optional(),
  })
  .passthrough();

const deviceSchema = z
  .object({
    resourceType: z.literal('Device'),
    id: text,
    status: z.enum(['active', 'inactive', 'entered-in-error', 'unknown']).optional(),
    type: z
      .object({ coding: z.array(codingSchema).optional(), text: z.string().optional() })
      .passthrough()
      .optional(),
    deviceName: z.array(z.object({ name: z.string(), type: z.string() }).passthrough()).optional(),
    patient: patientRef,
    note: z.array(z.object({ text: z.string(), time: fhirDateTime.optional(), authorReference: identifierRef.optional() }).passthrough()).optional(),
  })
  .passthrough()
  .refine((d) => Boolean(d.type?.text?.trim() || d.type?.coding?.some((x) => x.display?.trim()) || d.deviceName?.some((n) => n.name.trim())), 'device without a name');

const kjElementSchema = z
  .object({
    resourceType: z.undefined().optional(),
    type: text,
    id: text,
    beskrivelse: text,
    reaksjon: optionalText,
    alvorlighetsgrad: z.enum(['lett', 'moderat', 'alvorlig']).optional(),
    verifisert: z.boolean(),
    registrertDato: fhirDateTime.optional(),
    registrertAv: identifierRef.optional(),
  })
  .passthrough();

type Allergy = z.infer<typeof allergySchema>;
type Device = z.infer<typeof deviceSchema>;
type KjElement = z.infer<typeof kjElementSchema>;

const KJ_TYPES: Record<string, CriticalInformation['type']> = {
  implantat: 'IMPLANT',
  anestesikomplikasjon: 'ANAESTHESIA_COMPLICATION',
};
const ALVORLIGHET: Record<NonNullable<KjElement['alvorlighetsgrad']>, NonNullable<CriticalInformation['severity']>> = {
  lett: 'MILD',
  moderat: 'MODERATE',
  alvorlig: 'SEVERE',
};

/**
 * The day of registration as the record wrote it (its local date): a time of day adds nothing here, and
 * converting to UTC would move late-evening registrations to the day before.
 */
function dateOf(value: string | undefined): string | null {
  return value ? value.slice(0, 10) : null;
}

function hprOf(ref: z.infer<typeof identifierRef> | undefined): string | null {
  const id = ref?.identifier;
  if (!id || id.system !== HPR_SYSTEM) return null;
  // In normal form (lib/identifiers.ts), as every HPR number the rules compare.
  const hpr = normaliseHprNumber(id.value);
  if (!hpr) throw new BadResponseError('summary record names a recorder whose HPR number is not a number');
  return hpr;
}

export function mapAllergy(resource: Allergy): CriticalInformation {
  const codings = resource.code.coding ?? [];
  const atc = codings.find((c) => c.system === CODE_SYSTEM.atc && c.code)?.code ?? null;
  const reactions = resource.reaction ?? [];
  const manifestations = reactions.flatMap((r) => r.manifestation.map((m) => m.text?.trim() || m.coding?.[0]?.display?.trim() || '')).filter(Boolean);
  // Several reactions: the worst one says how dangerous the allergy is.
  const worst = reactions.reduce<number>((max, r) => Math.max(max, r.severity ? SEVERITIES.indexOf(r.severity) : -1), -1);
  const severity = SEVERITIES[worst];
  return {
    id: resource.id,
    type: 'ALLERGY',
    text: resource.code.text?.trim() || codings.find((c) => c.display?.trim())?.display?.trim() || '',
    atc,
    reaction: manifestations.length ? manifestations.join('; ') : null,
    severity: severity ? (severity.toUpperCase() as Uppercase<typeof severity>) : null,
    recorded: dateOf(resource.recordedDate),
    verified: resource.verificationStatus?.coding.some((c) => c.code === 'confirmed') ?? false,
    recordedByHpr: hprOf(resource.recorder),
  };
}

/**
 * An implant (FHIR Device). Kjernejournal registers an implant from the record of the hospital that implanted
 * it, so it is verified; when and by whom it was registered is the note on it.
 */
export function mapImplant(device: Device): CriticalInformation {
  const note = device.note?.find((n) => n.time || n.authorReference) ?? device.note?.[0];
  return {
    id: device.id,
    type: 'IMPLANT',
    text: device.type?.text?.trim() || device.type?.coding?.find((c) => c.display?.trim())?.display?.trim() || device.deviceName?.find((n) => n.name.trim())?.name.trim() || '',
    atc: null,
    reaction: null,
    severity: null,
    recorded: dateOf(note?.time),
    verified: true,
    recordedByHpr: hprOf(note?.authorReference),
  };
}

export function mapKjElement(element: KjElement): CriticalInformation {
  return {
    id: element.id,
    // Kjernejournal has more kinds than the graph names (infections, rare diseases, …): they are kept as OTHER.
    type: KJ_TYPES[element.type] ?? 'OTHER',
    text: element.beskrivelse,
    atc: null,
    reaction: element.reaksjon,
    severity: element.alvorlighetsgrad ? ALVORLIGHET[element.alvorlighetsgrad] : null,
    recorded: dateOf(element.registrertDato),
    verified: element.verifisert,
    recordedByHpr: hprOf(element.registrertAv),
  };
}

// ------------------------------------------------------------------ dispensations

/** Amounts sometimes arrive as Norwegian decimal strings ("0,5"). */
const amount = z.union([z.number().nonnegative(), z.string().regex(/^\d+(,\d+)?$/).transform((s) => Number(s.replace(',', '.')))]).nullish();

const dispensationSchema = z
  .object({
    utleveringId: text,
    atc: z.string().regex(/^[A-Z]\d{2}([A-Z]{1,2}(\d{2})?)?$/).nullish(),
    varenavn: text,
    styrke: optionalText,
    legemiddelform: optionalText,
    dosering: z
      .object({ tekst: text, mengde: amount, enhet: optionalText, antallPerDogn: amount })
      .passthrough()
      .nullish(),
    utlevertDato: z.iso.date(),
    antallPakninger: z.number().int().nonnegative().nullish(),
    apotek: optionalText,
    forskriverHpr: hprNumberSchema.nullish(),
    // Kept from the parents by a patient aged 12–15 (pbrl § 3-4); absent or false when not.
    skjermetForForesatte: z.boolean().nullish(),
  })
  .passthrough();

type Dispensation = z.infer<typeof dispensationSchema>;

export function mapDispensation(d: Dispensation): DispensationModel {
  return {
    id: d.utleveringId,
    atc: d.atc ?? null,
    name: d.varenavn,
    strength: d.styrke,
    form: d.legemiddelform,
    dose: d.dosering
      ? { amount: d.dosering.mengde ?? null, unit: d.dosering.enhet, timesPerDay: d.dosering.antallPerDogn ?? null, text: d.dosering.tekst }
      : null,
    dispensed: d.utlevertDato,
    packages: d.antallPakninger ?? null,
    pharmacy: d.apotek,
    prescriberHpr: d.forskriverHpr ?? null,
    ...(d.skjermetForForesatte === true ? { keptFromParents: true } : {}),
  };
}

// ------------------------------------------------------------------ summaries

const summarySchema = z.object({
  error: z.undefined().optional(),
  ticket: text,
  patient: patientRef,
  allergies: z.array(allergySchema),
  implants: z.array(deviceSchema),
  otherCriticalInformation: z.array(kjElementSchema),
  dispensedMedications: z.array(dispensationSchema),
});
const summaryEntrySchema = z.discriminatedUnion('error', [
  z.object({ error: z.enum(['TICKET_EXPIRED', 'TICKET_UNKNOWN']), ticket: text }),
  summarySchema,
]);
const summariesResponseSchema = z.object({ summaries: z.array(summaryEntrySchema) });

type Summary = z.infer<typeof summarySchema>;

export function mapSummary(summary: Summary): SummaryRecordModel {
  // Every resource belongs to the summary's patient: anything else is another person's data under this ticket.
  const patient = summary.patient.reference;
  if ([...summary.allergies, ...summary.implants].some((r) => r.patient.reference !== patient)) {
    throw new BadResponseError("summary record answer holds a resource of another patient than the summary's");
  }
  // Entered in error: FHIR says such a resource must be treated as if it did not exist.
  const allergies = summary.allergies.filter((a) => !a.verificationStatus?.coding.some((c) => c.code === 'entered-in-error')).map(mapAllergy);
  const implants = summary.implants.filter((d) => d.status !== 'entered-in-error').map(mapImplant);
  const criticalInformation = [...allergies, ...implants, ...summary.otherCriticalInformation.map(mapKjElement)];
  const dispensations = summary.dispensedMedications
    .map(mapDispensation)
    .sort((a, b) => b.dispensed.localeCompare(a.dispensed) || a.id.localeCompare(b.id));
  return { criticalInformation, dispensations };
}

/** The summaries answer: per ticket, the patient's summary or why the ticket was refused. */
export function mapSummariesResponse(body: unknown): Map<string, SummaryRecordModel | TicketError> {
  const payload = validatePayload(summariesResponseSchema, parseJson(body, 'summary record summaries answer'), 'summary record summaries answer');
  const result = new Map<string, SummaryRecordModel | TicketError>();
  for (const entry of payload.summaries) {
    if (result.has(entry.ticket)) throw new BadResponseError('summary record summaries answer names a ticket twice');
    result.set(entry.ticket, entry.error === undefined ? mapSummary(entry) : entry.error);
  }
  return result;
}
