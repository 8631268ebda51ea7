import { z } from 'zod';
import { BadResponseError, parseJson, validatePayload } from '../kit';
import type { CareRecordModel, CareServiceType, IndividualPlanModel, MedicationModel, MessageModel, MessageReceipt, PlanPartyModel } from '../model';
import { careDose } from '../kit/careDose';
import {
  careTeamRoleFrom,
  IPLOS_SERVICE_TYPES,
  medicationStatusFromText,
  newestFirst,
  personNameFrom,
  planMeasureStatusFrom,
  planSectorFrom,
  plannedVisitTitle,
  relationFromText,
  serviceTypeFromText,
  welfareTypeFromText,
} from '../kit/careVocabulary';
import { hprNumberSchema } from '../../lib/identifiers';
import { isValidDate, isValidLocalDateTime, osloLocalToUtc } from '../../lib/osloTime';

/**
 * care-json search page → CareRecordModel per recipient. Pure: validates and maps.
 * Quirks handled here: dd.mm.yyyy dates, dd.mm.yyyy HH:mm Norwegian wall-clock times (→ ISO UTC),
 * "" for every missing optional value (→ null), lists oldest first (→ visits and administrations newest
 * first), services classified by the vendor's code with its Norwegian text kept.
 */

/** "" (and a missing field) mean "not given" in this export. */
const blank = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' || v === undefined ? null : v), schema.nullable());

const DATE = /^(\d{2})\.(\d{2})\.(\d{4})$/;
const DATE_TIME = /^(\d{2})\.(\d{2})\.(\d{4}) (\d{2}):(\d{2})$/;

const nbDate = z
  .string()
  .regex(DATE)
  .refine((v) => {
    const [, d, m, y] = DATE.exec(v) ?? [];
    return isValidDate(Number(y), Number(m), Number(d));
  }, 'not a calendar date')
  .transform((v) => v.replace(DATE, '$3-$2-$1'));

/** The export writes Norwegian wall-clock time without an offset; the model wants UTC. */
const nbDateTime = z
  .string()
  .regex(DATE_TIME)
  .transform((v) => v.replace(DATE_TIME, '$3-$2-$1T$4:$5'))
  .refine(isValidLocalDateTime, 'not a local date-time')
  .transform(osloLocalToUtc);

const str = z.string().min(1);

const DATE_TIME_SECONDS = /^(\d{2})\.(\d{2})\.(\d{4}) (\d{2}):(\d{2}):(\d{2})$/;
/** A message's time: dd.mm.yyyy HH:mm:ss on the Norwegian wall clock (messages keep their second). */
const nbDateTimeSeconds = z
  .string()
  .regex(DATE_TIME_SECONDS)
  .transform((v) => v.replace(DATE_TIME_SECONDS, '$3-$2-$1T$4:$5:$6'))
  .refine(isValidLocalDateTime, 'not a local date-time')
  .transform(osloLocalToUtc);
const optStr = blank(z.string());
// In normal form (lib/identifiers.ts): the export may write an HPR number with leading zeros.
const hpr = blank(hprNumberSchema);
const list = <T extends z.ZodType>(item: T) => z.array(item).default([]);

const meldingspart = z.object({
  herId: z.string().regex(/^\d{1,9}$/),
  tjeneste: str,
  organisasjonsnummer: blank(z.string().regex(/^\d{9}$/)),
  hprNummer: hpr,
  navn: optStr,
});

const orgnr = blank(z.string().regex(/^\d{9}$/));

/** A party to the individual plan: the role, the person (by HPR number or name), the service and its organisation number. */
const planpart = z.object({
  rolle: optStr,
  sektor: optStr,
  hprNummer: hpr,
  navn: optStr,
  tjeneste: optStr,
  organisasjonsnummer: orgnr,
});

const individuellPlanSchema = z.object({
  planId: str,
  opprettet: blank(nbDate),
  sistRevidert: blank(nbDate),
  koordinator: blank(
    z.object({ hprNummer: hpr, navn: optStr, enhet: optStr, enhetHerId: blank(z.string().regex(/^\d{1,9}$/)), organisasjonsnummer: orgnr }),
  ),
  mal: list(z.object({ malId: str, tekst: str, livsomrade: optStr, tidsfrist: blank(nbDate) })),
  tiltak: list(
    z.object({ tiltakId: str, tekst: str, malId: optStr, ansvarlig: planpart, status: optStr, fraDato: blank(nbDate), tilDato: blank(nbDate) }),
  ),
  nesteMote: blank(z.object({ tidspunkt: nbDateTime, sted: optStr, tema: optStr })),
  deltakere: list(planpart.extend({ samtykke: blank(z.object({ fraDato: nbDate, tilDato: blank(nbDate) })) })),
});

const recipientSchema = z.object({
  fodselsnummer: z.string().regex(/^\d{11}$/),
  vedtak: list(
    z.object({
      vedtakId: str,
      tjenestekode: optStr,
      tjenestetype: str,
      vedtaksdato: blank(nbDate),
      fraDato: nbDate,
      tilDato: blank(nbDate),
      timerPerUke: blank(z.number().min(0).max(168)),
      enhet: optStr,
    }),
  ),
  besok: list(
    z.object({
      besokId: str,
      tidspunkt: nbDateTime,
      varighetMin: blank(z.number().int().min(0)),
      oppgaver: list(z.string()),
      notat: optStr,
      utfortAvHpr: hpr,
    }),
  ),
  iplos: blank(
    z.object({
      dato: nbDate,
      skaarer: z.array(z.object({ variabel: str, skaar: z.number().int().min(1).max(5) })),
    }),
  ),
  parorende: list(
    z.object({ navn: str, relasjon: optStr, telefon: optStr, naermestePaarorende: z.boolean().default(false) }),
  ),
  velferdsteknologi: list(
    z.object({
      utstyrId: str,
      type: str,
      installert: blank(nbDate),
      sisteVarsel: blank(z.object({ tidspunkt: nbDateTime, type: str, handtert: z.boolean() })),
    }),
  ),
  legemidler: list(
    z.object({
      legemiddelId: str,
      atcKode: blank(z.string().regex(/^[A-Z]\d{2}[A-Z]{0,2}\d{0,2}$/)),
      navn: str,
      styrke: optStr,
      form: optStr,
      dosering: optStr,
      mengde: blank(z.number().positive()),
      enhet: optStr,
      antallPerDogn: blank(z.number().int().positive()),
      status: optStr,
      fraDato: blank(nbDate),
      tilDato: blank(nbDate),
      merknad: optStr,
      forskrevetAvHpr: hpr,
    }),
  ),
  utdelinger: list(
    z.object({
      utdelingId: str,
      tidspunkt: nbDateTime,
      atcKode: blank(z.string().regex(/^[A-Z]\d{2}[A-Z]{0,2}\d{0,2}$/)),
      navn: str,
      gitt: z.boolean(),
      merknad: optStr,
      utfortAvHpr: hpr,
    }),
  ),
  // Who is responsible for the recipient, each for a period.
  ansvarlige: list(
    z.object({
      rollekode: optStr,
      rolle: optStr,
      hprNummer: hpr,
      navn: optStr,
      enhet: str,
      enhetHerId: blank(z.string().regex(/^\d{1,9}$/)),
      fraDato: blank(nbDate),
      tilDato: blank(nbDate),
    }),
  ),
  planlagteBesok: list(
    z.object({
      besokId: str,
      tidspunkt: nbDateTime,
      varighetMin: blank(z.number().int().min(0)),
      oppgaver: list(z.string()),
      enhet: optStr,
    }),
  ),
  // The individual plan the coordinating unit keeps (hol. § 7-1); "" when there is none, absent in older exports.
  individuellPlan: blank(individuellPlanSchema),
  // The dialogue messages the care services sent or received about the recipient (issue 15).
  meldinger: list(
    z.object({
      meldingId: str,
      samtaleId: str,
      svarPaMeldingId: optStr,
      type: z.enum(['SPORSMAL', 'SVAR', 'NOTAT']),
      sendt: nbDateTimeSeconds,
      avsender: meldingspart,
      mottaker: meldingspart,
      emne: str,
      tekst: str,
    }),
  ),
});

export const searchPageSchema = z.object({
  totaltAntall: z.number().int().min(0),
  offset: z.number().int().min(0),
  limit: z.number().int().min(1),
  treff: z.array(recipientSchema),
});

export type Recipient = z.infer<typeof recipientSchema>;

/**
 * IPLOS service codes (Volven 9151), and the vendor's own short codes in older exports; the text is kept as
 * the description whatever the code says.
 */
const SERVICE_BY_CODE: Record<string, CareServiceType> = {
  ...IPLOS_SERVICE_TYPES,
  HSPL: 'HOME_NURSING',
  PRAKT: 'PRACTICAL_ASSISTANCE',
  LTO: 'NURSING_HOME_LONG_TERM',
  KTO: 'NURSING_HOME_SHORT_TERM',
  TRYGG: 'SAFETY_ALARM',
};

/** Older records carry no code; their text is recognised instead. */
function serviceType(code: string | null, text: string): CareServiceType {
  return (code ? SERVICE_BY_CODE[code.toUpperCase()] : undefined) ?? serviceTypeFromText(text);
}

/** "1 x 2" (amount x times a day), the nurses' shorthand, for when the structured fields are empty. */
function parseShorthand(text: string | null): { amount: number | null; timesPerDay: number | null } {
  const match = /^\s*(\d+(?:,\d+)?)\s*x\s*(\d+)\s*$/i.exec(text ?? '');
  if (!match?.[1] || !match[2]) return { amount: null, timesPerDay: null };
  return { amount: Number(match[1].replace(',', '.')), timesPerDay: Number(match[2]) };
}

type Legemiddel = Recipient['legemidler'][number];

function medication(m: Legemiddel): MedicationModel {
  const shorthand = parseShorthand(m.dosering);
  return {
    id: m.legemiddelId,
    atc: m.atcKode,
    name: m.navn,
    strength: m.styrke,
    form: m.form,
    dose: careDose(m.mengde ?? shorthand.amount, m.enhet, m.antallPerDogn ?? shorthand.timesPerDay, m.dosering),
    status: medicationStatusFromText(m.status),
    startDate: m.fraDato,
    endDate: m.tilDato,
    note: m.merknad,
    hprNumber: m.forskrevetAvHpr,
  };
}

type Planpart = z.infer<typeof planpart>;

/** A party the plan names by a sector the model knows; one of another sector is taken as health and care only when it has an HPR number. */
function planParty(p: Planpart, consent: PlanPartyModel['consent'] = null): PlanPartyModel {
  return {
    sector: planSectorFrom(p.sektor) ?? (p.hprNummer ? 'HEALTH_AND_CARE' : 'FAMILY'),
    role: p.rolle,
    hprNumber: p.hprNummer,
    name: personNameFrom(p.navn),
    service: p.tjeneste,
    orgNumber: p.organisasjonsnummer,
    herId: null,
    consent,
  };
}

/** The export's individual plan → IndividualPlanModel: the coordinator, goals, measures, the next meeting, the participants with their consents. */
export function mapIndividuellPlan(plan: z.infer<typeof individuellPlanSchema>): IndividualPlanModel {
  const k = plan.koordinator;
  return {
    id: plan.planId,
    established: plan.opprettet,
    revised: plan.sistRevidert,
    goals: plan.mal.map((g) => ({ id: g.malId, text: g.tekst, area: g.livsomrade, targetDate: g.tidsfrist })),
    measures: plan.tiltak.map((t) => ({
      id: t.tiltakId,
      text: t.tekst,
      goalId: t.malId,
      responsible: planParty(t.ansvarlig),
      status: planMeasureStatusFrom(t.status),
      start: t.fraDato,
      end: t.tilDato,
    })),
    coordinator:
      k && (k.hprNummer || k.navn)
        ? { sector: 'HEALTH_AND_CARE', role: 'Koordinator', hprNumber: k.hprNummer, name: personNameFrom(k.navn), service: k.enhet, orgNumber: k.organisasjonsnummer, herId: k.enhetHerId, consent: null }
        : null,
    nextMeeting: plan.nesteMote ? { time: plan.nesteMote.tidspunkt, place: plan.nesteMote.sted, topic: plan.nesteMote.tema } : null,
    // A consent is the patient's to share the plan with a service outside health care: kept only where the party is one.
    participants: plan.deltakere.map((d) => {
      const party = planParty(d);
      const outside = party.sector !== 'HEALTH_AND_CARE' && party.sector !== 'FAMILY';
      return outside && d.samtykke ? { ...party, consent: { from: d.samtykke.fraDato, to: d.samtykke.tilDato } } : party;
    }),
  };
}

export function mapRecipient(r: Recipient): CareRecordModel {
  return {
    services: r.vedtak.map((v) => ({
      id: v.vedtakId,
      type: serviceType(v.tjenestekode, v.tjenestetype),
      description: v.tjenestetype,
      decisionDate: v.vedtaksdato,
      start: v.fraDato,
      end: v.tilDato,
      hoursPerWeek: v.timerPerUke,
      unit: v.enhet,
    })),
    visits: newestFirst(
      r.besok.map((b) => ({ id: b.besokId, time: b.tidspunkt, minutes: b.varighetMin, tasks: b.oppgaver, note: b.notat, hprNumber: b.utfortAvHpr })),
    ),
    functionalAssessment: r.iplos ? { date: r.iplos.dato, scores: r.iplos.skaarer.map((s) => ({ variable: s.variabel, score: s.skaar })) } : null,
    nextOfKin: r.parorende.map((p) => ({ name: p.navn, relation: relationFromText(p.relasjon), phone: p.telefon, primary: p.naermestePaarorende })),
    welfareTechnology: r.velferdsteknologi.map((w) => ({
      id: w.utstyrId,
      type: welfareTypeFromText(w.type),
      installed: w.installert,
      lastAlert: w.sisteVarsel ? { time: w.sisteVarsel.tidspunkt, kind: w.sisteVarsel.type, handled: w.sisteVarsel.handtert } : null,
    })),
    medications: r.legemidler.map(medication),
    administrations: newestFirst(
      r.utdelinger.map((u) => ({ id: u.utdelingId, time: u.tidspunkt, atc: u.atcKode, name: u.navn, given: u.gitt, note: u.merknad, hprNumber: u.utfortAvHpr })),
    ),
    messages: r.meldinger.map(mapMelding).sort((a, b) => a.sentAt.localeCompare(b.sentAt) || a.id.localeCompare(b.id)),
    // A role the model does not know, or a member named by neither HPR number nor name, is left out.
    careTeam: r.ansvarlige.flatMap((a) => {
      const role = careTeamRoleFrom(a.rollekode, a.rolle);
      if (!role || (!a.hprNummer && !a.navn)) return [];
      return [{ role, hprNumber: a.hprNummer, name: personNameFrom(a.navn), service: a.enhet, orgNumber: null, herId: a.enhetHerId, phone: null, start: a.fraDato, end: a.tilDato }];
    }),
    plannedVisits: r.planlagteBesok
      .map((b) => ({
        id: b.besokId,
        kind: 'VISIT' as const,
        time: b.tidspunkt,
        title: plannedVisitTitle(b.oppgaver),
        service: b.enhet,
        status: 'PLANNED' as const,
        deadline: null,
        referralId: null,
        hprNumber: null,
      }))
      .sort((a, b) => Date.parse(a.time) - Date.parse(b.time) || a.id.localeCompare(b.id)),
    individualPlan: r.individuellPlan ? mapIndividuellPlan(r.individuellPlan) : null,
  };
}

const MESSAGE_KIND: Record<Recipient['meldinger'][number]['type'], MessageModel['kind']> = { SPORSMAL: 'QUESTION', SVAR: 'ANSWER', NOTAT: 'NOTE' };

function mapMelding(m: Recipient['meldinger'][number]): MessageModel {
  const party = (p: Recipient['meldinger'][number]['avsender']) => ({ herId: p.herId, service: p.tjeneste, orgNumber: p.organisasjonsnummer, hprNumber: p.hprNummer, name: p.navn });
  return {
    id: m.meldingId,
    conversationRef: m.samtaleId,
    inReplyTo: m.svarPaMeldingId,
    kind: MESSAGE_KIND[m.type],
    sentAt: m.sendt,
    sender: party(m.avsender),
    recipient: party(m.mottaker),
    subject: m.emne,
    text: m.tekst,
  };
}

/** The vendor's message kinds. */
export const MELDINGSTYPE: Record<MessageModel['kind'], string> = { QUESTION: 'SPORSMAL', ANSWER: 'SVAR', NOTE: 'NOTAT' };

/**
 * The vendor's refusal codes, as the Volven 8221 errors a KITH system gives for the same refusal (the model's receipt
 * speaks 8221); a code it does not know is X99 Annen feil, its text kept.
 */
const FEILKODE_8221: Record<string, string> = { UKJENT_MOTTAKER: 'E21', UKJENT_PASIENT: 'E35', UKJENT_AVSENDER: 'X99', UGYLDIG_MELDING: 'T02' };

const kvitteringSchema = z.object({
  kvittering: z.object({
    meldingId: str,
    status: z.enum(['MOTTATT', 'AVVIST']),
    feilkode: optStr,
    beskrivelse: optStr,
    mottatt: optStr,
  }),
});

/**
 * The export's receipt (`kvittering`) for `message` as the model's receipt: MOTTATT → OK, AVVIST → REJECTED with the
 * 8221 code of its feilkode and its description. A receipt for another message id is a bad response.
 */
export function mapKvittering(body: unknown, message: Pick<MessageModel, 'id'>): MessageReceipt {
  const { kvittering } = validatePayload(kvitteringSchema, parseJson(body, 'care-json receipt'), 'care-json receipt');
  if (kvittering.meldingId !== message.id) throw new BadResponseError('a care-json receipt that does not refer to the message sent');
  if (kvittering.status === 'MOTTATT') return { status: 'OK', code: null, text: null };
  return { status: 'REJECTED', code: (kvittering.feilkode && FEILKODE_8221[kvittering.feilkode]) ?? 'X99', text: kvittering.beskrivelse ?? kvittering.feilkode };
}

export interface SearchPage {
  total: number;
  offset: number;
  limit: number;
  /** How many recipients the page listed (the client advances its offset by this). */
  count: number;
  /** Keyed by identity number, in the order the page listed them. */
  records: Map<string, CareRecordModel>;
}

/** Parses one page of a search answer. */
export function mapSearchPage(body: unknown): SearchPage {
  const page = validatePayload(searchPageSchema, parseJson(body, 'care-json search page'), 'care-json search page');
  return {
    total: page.totaltAntall,
    offset: page.offset,
    limit: page.limit,
    count: page.treff.length,
    records: new Map(page.treff.map((r) => [r.fodselsnummer, mapRecipient(r)])),
  };
}
