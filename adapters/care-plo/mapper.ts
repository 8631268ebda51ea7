import { z } from 'zod';
import { hprNumberSchema } from '../../lib/identifiers';
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
import { isoUtc, isValidDate, isValidLocalDateTime, osloLocalToUtc } from '../../lib/osloTime';
import { BadResponseError, parseXml, validatePayload } from '../kit';
import { MalformedMessageError, readSourceReceipt, receivedMessage, type AnswerItem } from '../kit/appRec';
import { answerTopic } from '../kit/kith';
import type { CareRecordModel, IndividualPlanModel, MedicationModel, MedicationStatus, MessageModel, MessageReceipt, PlanPartyModel } from '../model';
import type { OutgoingMessage } from '../contracts';
import { messageReceipt } from '../kit/kithMessage';
import { normaliseOrgNumber } from '../../lib/identifiers';

/**
 * The care system's answers (a MeldingListe of MsgHeads, one per request) → one PloAnswer each: who sent it, to
 * whom, which request it answers, about which patient, and for a HELSEOPPLYSNINGER_LEGE the CareRecordModel read
 * from the attached care record extract (the PLO message HelseopplysningerTilLege is its main document); a
 * DIALOG_SVAR means the service holds nothing on the patient. Pure: parses, validates and maps. Quirks of the
 * extract handled here: every value is element text (numbers and booleans too); optional elements are left
 * out or sent empty; codes are V/S/DN attributes (the model keeps DN as the description); date-times are
 * Norwegian wall-clock time without an offset (→ UTC); the dose is structured only (→ text derived).
 */

/** Elements that may repeat; the parser makes them arrays even when there is one. */
export const PLO_ARRAYS = ['MsgHead', 'AppRec', 'Document', 'Ident', 'Tjeneste', 'Besok', 'Oppgave', 'Skaar', 'Parorende', 'Velferdsteknologi', 'Legemiddel', 'Utdeling', 'Melding', 'Ansvarlig', 'PlanlagtBesok', 'Mal', 'Tiltak', 'Deltaker'];

/** An element left empty (`<Notat/>`) counts as left out. */
const opt = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' || v === undefined ? null : v), schema.nullable());
const list = <T extends z.ZodType>(item: T) => z.array(item).default([]);

const text = z.string().trim().min(1);
const code = z.object({ '@_V': text, '@_S': z.string().optional(), '@_DN': z.string().optional() });
const codeWithText = code.extend({ '@_DN': text });

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine((v) => isValidDate(Number(v.slice(0, 4)), Number(v.slice(5, 7)), Number(v.slice(8, 10))), 'not a calendar date');

/** Local time without an offset is Norwegian wall-clock time; one with an offset is taken as it says. */
const dateTime = z.union([
  z
    .string()
    .refine(isValidLocalDateTime, 'not a local date-time')
    .transform(osloLocalToUtc),
  z.iso.datetime({ offset: true }).transform((v) => isoUtc(Date.parse(v))),
]);

const decimal = z
  .string()
  .regex(/^\d+(\.\d+)?$/)
  .transform(Number);
const integer = z
  .string()
  .regex(/^\d+$/)
  .transform(Number);
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
// In normal form (lib/identifiers.ts), as every HPR number the rules compare.
const hpr = opt(z.object({ HprNr: hprNumberSchema })).transform((v) => v?.HprNr ?? null);
const atc = opt(code.extend({ '@_V': z.string().regex(/^[A-Z]\d{2}[A-Z]{0,2}\d{0,2}$/) })).transform((v) => v?.['@_V'] ?? null);

const meldingspart = z.object({
  Tjenestenavn: text,
  HerId: z.string().regex(/^\d{1,9}$/),
  Organisasjonsnummer: opt(z.string().regex(/^\d{9}$/)),
  Helsepersonell: hpr,
  Navn: opt(text),
});

/** A party to the individual plan: its role, sector (local list plan-party-sector), the person, the service and its numbers. */
const planpart = z.object({
  Rolle: opt(text),
  Sektor: codeWithText,
  Helsepersonell: hpr,
  Navn: opt(text),
  Enhet: opt(text),
  EnhetHerId: opt(z.string().regex(/^\d{1,9}$/)),
  Organisasjonsnummer: opt(z.string().regex(/^\d{9}$/)),
});

const individuellPlanSchema = z.object({
  PlanId: text,
  Opprettet: opt(isoDate),
  SistRevidert: opt(isoDate),
  Koordinator: opt(planpart),
  Mal: list(z.object({ MalId: text, Tekst: text, Livsomrade: opt(text), Tidsfrist: opt(isoDate) })),
  Tiltak: list(z.object({ TiltakId: text, Tekst: text, MalId: opt(text), Tiltaksansvarlig: planpart, Status: codeWithText, FraDato: opt(isoDate), TilDato: opt(isoDate) })),
  NesteMote: opt(z.object({ Tidspunkt: dateTime, Sted: opt(text), Tema: opt(text) })),
  Deltaker: list(planpart.extend({ Samtykke: opt(z.object({ FraDato: isoDate, TilDato: opt(isoDate) })) })),
});

const pasientSchema = z.object({
  Tjeneste: list(
    z.object({
      TjenesteId: text,
      Type: codeWithText,
      Vedtaksdato: opt(isoDate),
      FraDato: isoDate,
      TilDato: opt(isoDate),
      TimerPerUke: opt(decimal.refine((n) => n <= 168, 'more hours than a week has')),
      Enhet: opt(text),
    }),
  ),
  Besok: list(
    z.object({
      BesokId: text,
      Tidspunkt: dateTime,
      VarighetMin: opt(integer),
      Oppgave: list(text),
      Notat: opt(text),
      UtfortAv: hpr,
    }),
  ),
  IPLOS: opt(
    z.object({
      Vurderingsdato: isoDate,
      Skaar: list(z.object({ Variabel: codeWithText, Verdi: integer.refine((n) => n >= 1 && n <= 5, 'an IPLOS score is 1 to 5') })),
    }),
  ),
  Parorende: list(
    z.object({ Navn: text, Relasjon: opt(code), Telefon: opt(text), NaermestePaarorende: opt(bool).transform((v) => v ?? false) }),
  ),
  Velferdsteknologi: list(
    z.object({
      UtstyrId: text,
      Type: code,
      Installert: opt(isoDate),
      SisteVarsel: opt(z.object({ Tidspunkt: dateTime, Hendelse: text, Handtert: bool })),
    }),
  ),
  Legemiddel: list(
    z.object({
      LegemiddelId: text,
      Atc: atc,
      Navn: text,
      Styrke: opt(text),
      Legemiddelform: opt(text),
      Dosering: opt(
        z.object({ Mengde: opt(decimal), Enhet: opt(text), AntallPerDogn: opt(integer), DoseringTekst: opt(text) }),
      ),
      Status: opt(code),
      FraDato: opt(isoDate),
      TilDato: opt(isoDate),
      Merknad: opt(text),
      Rekvirent: hpr,
    }),
  ),
  Utdeling: list(
    z.object({
      UtdelingId: text,
      Tidspunkt: dateTime,
      Atc: atc,
      Navn: text,
      Gitt: bool,
      Merknad: opt(text),
      UtfortAv: hpr,
    }),
  ),
  // Who is responsible for the patient, each for a period, and the service's plan for the coming days.
  Ansvarlig: list(
    z.object({
      Rolle: codeWithText,
      Helsepersonell: hpr,
      Navn: opt(text),
      Enhet: text,
      EnhetHerId: opt(z.string().regex(/^\d{1,9}$/)),
      FraDato: opt(isoDate),
      TilDato: opt(isoDate),
    }),
  ),
  PlanlagtBesok: list(
    z.object({
      BesokId: text,
      Tidspunkt: dateTime,
      VarighetMin: opt(integer),
      Oppgave: list(text),
      Enhet: opt(text),
    }),
  ),
  // The individual plan the coordinating unit keeps (hol. § 7-1).
  IndividuellPlan: opt(individuellPlanSchema),
  // The dialogue messages the care services sent or received about the patient (issue 15).
  Melding: list(
    z.object({
      MeldingId: text,
      Type: code.extend({ '@_V': z.enum(['DIALOG_FORESPORSEL', 'DIALOG_SVAR', 'DIALOG_NOTAT']) }),
      Sendt: dateTime,
      SamtaleId: text,
      SvarPaa: opt(text),
      Avsender: meldingspart,
      Mottaker: meldingspart,
      Emne: text,
      Tekst: text,
    }),
  ),
});

const ident = z.object({ Id: text, TypeId: z.object({ '@_V': text }) });
const organisation = z.object({ Organisation: z.object({ Ident: z.array(ident).min(1) }) });

const msgHeadSchema = z.object({
  MsgInfo: z.object({
    Type: z.object({ '@_V': z.enum(['HELSEOPPLYSNINGER_LEGE', 'DIALOG_SVAR']) }),
    MsgId: text,
    ConversationRef: z.object({ RefToParent: text }),
    Sender: organisation,
    Receiver: organisation,
    Patient: z.object({ Ident: z.array(z.object({ Id: z.string().regex(/^\d{11}$/), TypeId: z.object({ '@_V': z.enum(['FNR', 'DNR']) }) })).length(1) }),
  }),
  Document: z.array(
    z.object({
      RefDoc: z.object({
        Content: z.object({
          HelseopplysningerTilLege: z.object({ InformasjonOmForsendelsen: z.object({ Forsendelsesstatus: code }) }).optional(),
          Omsorgsuttrekk: pasientSchema.optional(),
          Dialogmelding: z.object({ Notat: z.object({ TemaKodet: z.object({ '@_V': z.string(), '@_S': z.string().optional() }) }) }).optional(),
        }),
      }),
    }),
  ).min(1),
});

// An empty list parses as empty text. Its messages are validated one by one (msgHeadSchema), so that each can be
// acknowledged or refused on its own: MsgHeads (the answers) and AppRecs (the service refusing a request).
export const messageSchema = z.object({
  MeldingListe: z.preprocess((v) => (v === '' ? {} : v), z.object({ MsgHead: z.array(z.unknown()).default([]), AppRec: z.array(z.unknown()).default([]) })),
});

export type Pasient = z.infer<typeof pasientSchema>;

/** Roles in the care team: this project's own list (codelists/local.json). */
const CARE_TEAM_ROLE_SYSTEM = 'urn:x-patient-graph:codesystem:care-team-role';

/** IPLOS service types, Volven 9151. A service code of another list is read by its DN text instead. */
const IPLOS_SERVICE_SYSTEM = '2.16.578.1.12.4.1.1.9151';
const SERVICE_BY_CODE = IPLOS_SERVICE_TYPES;
const RELATION_BY_CODE: Record<string, CareRecordModel['nextOfKin'][number]['relation']> = { EKT: 'SPOUSE', BARN: 'CHILD', SOSK: 'SIBLING', ANN: 'OTHER' };
const WELFARE_BY_CODE: Record<string, CareRecordModel['welfareTechnology'][number]['type']> = {
  TRYGG: 'SAFETY_ALARM',
  FALL: 'FALL_SENSOR',
  MEDDISP: 'MEDICATION_DISPENSER',
  DOR: 'DOOR_SENSOR',
};
const STATUS_BY_CODE: Record<string, MedicationStatus> = { A: 'ACTIVE', S: 'STOPPED' };

type Code = z.infer<typeof code>;

/** A known code decides; an unknown one is read by its DN text. */
function byCode<T>(table: Record<string, T>, c: Code | null, fromText: (text: string) => T): T {
  return (c ? table[c['@_V']] : undefined) ?? fromText(c?.['@_DN'] ?? '');
}

/** Parties to the plan and its measures' statuses: this project's own lists (codelists/local.json). */
const PLAN_SECTOR_SYSTEM = 'urn:x-patient-graph:codesystem:plan-party-sector';
const PLAN_STATUS_SYSTEM = 'urn:x-patient-graph:codesystem:plan-measure-status';

type Planpart = z.infer<typeof planpart>;

/** A party by its sector in the local list; a sector of another list, or one the model does not know, is health and care only for a person with an HPR number. */
function planParty(p: Planpart): PlanPartyModel {
  const sector = p.Sektor['@_S'] === PLAN_SECTOR_SYSTEM ? planSectorFrom(p.Sektor['@_V']) : null;
  return {
    sector: sector ?? (p.Helsepersonell ? 'HEALTH_AND_CARE' : 'FAMILY'),
    role: p.Rolle,
    hprNumber: p.Helsepersonell,
    name: personNameFrom(p.Navn),
    service: p.Enhet,
    orgNumber: p.Organisasjonsnummer,
    herId: p.EnhetHerId,
    consent: null,
  };
}

/** The extract's individual plan → IndividualPlanModel; a consent is kept only on a participant outside health care. */
export function mapIndividuellPlan(plan: z.infer<typeof individuellPlanSchema>): IndividualPlanModel {
  return {
    id: plan.PlanId,
    established: plan.Opprettet,
    revised: plan.SistRevidert,
    goals: plan.Mal.map((g) => ({ id: g.MalId, text: g.Tekst, area: g.Livsomrade, targetDate: g.Tidsfrist })),
    measures: plan.Tiltak.map((t) => ({
      id: t.TiltakId,
      text: t.Tekst,
      goalId: t.MalId,
      responsible: planParty(t.Tiltaksansvarlig),
      status: planMeasureStatusFrom(t.Status['@_S'] === PLAN_STATUS_SYSTEM ? t.Status['@_V'] : null),
      start: t.FraDato,
      end: t.TilDato,
    })),
    coordinator: plan.Koordinator ? { ...planParty(plan.Koordinator), sector: 'HEALTH_AND_CARE' } : null,
    nextMeeting: plan.NesteMote ? { time: plan.NesteMote.Tidspunkt, place: plan.NesteMote.Sted, topic: plan.NesteMote.Tema } : null,
    participants: plan.Deltaker.map((d) => {
      const party = planParty(d);
      const outside = party.sector !== 'HEALTH_AND_CARE' && party.sector !== 'FAMILY';
      return outside && d.Samtykke ? { ...party, consent: { from: d.Samtykke.FraDato, to: d.Samtykke.TilDato } } : party;
    }),
  };
}

function medication(m: Pasient['Legemiddel'][number]): MedicationModel {
  const dose = m.Dosering;
  return {
    id: m.LegemiddelId,
    atc: m.Atc,
    name: m.Navn,
    strength: m.Styrke,
    form: m.Legemiddelform,
    dose: dose ? careDose(dose.Mengde, dose.Enhet, dose.AntallPerDogn, dose.DoseringTekst) : null,
    status: byCode(STATUS_BY_CODE, m.Status, medicationStatusFromText),
    startDate: m.FraDato,
    endDate: m.TilDato,
    note: m.Merknad,
    hprNumber: m.Rekvirent,
  };
}

export function mapPasient(p: Pasient): CareRecordModel {
  return {
    services: p.Tjeneste.map((t) => ({
      id: t.TjenesteId,
      // Codes mean something only within their list: 1 is practical assistance in 9151, something else elsewhere.
      type: t.Type['@_S']?.replace(/^urn:oid:/, '') === IPLOS_SERVICE_SYSTEM ? byCode(SERVICE_BY_CODE, t.Type, serviceTypeFromText) : serviceTypeFromText(t.Type['@_DN']),
      description: t.Type['@_DN'],
      decisionDate: t.Vedtaksdato,
      start: t.FraDato,
      end: t.TilDato,
      hoursPerWeek: t.TimerPerUke,
      unit: t.Enhet,
    })),
    visits: newestFirst(p.Besok.map((b) => ({ id: b.BesokId, time: b.Tidspunkt, minutes: b.VarighetMin, tasks: b.Oppgave, note: b.Notat, hprNumber: b.UtfortAv }))),
    functionalAssessment: p.IPLOS
      ? { date: p.IPLOS.Vurderingsdato, scores: p.IPLOS.Skaar.map((s) => ({ variable: s.Variabel['@_DN'], score: s.Verdi })) }
      : null,
    nextOfKin: p.Parorende.map((k) => ({
      name: k.Navn,
      relation: byCode(RELATION_BY_CODE, k.Relasjon, relationFromText),
      phone: k.Telefon,
      primary: k.NaermestePaarorende,
    })),
    welfareTechnology: p.Velferdsteknologi.map((w) => ({
      id: w.UtstyrId,
      type: byCode(WELFARE_BY_CODE, w.Type, welfareTypeFromText),
      installed: w.Installert,
      lastAlert: w.SisteVarsel ? { time: w.SisteVarsel.Tidspunkt, kind: w.SisteVarsel.Hendelse, handled: w.SisteVarsel.Handtert } : null,
    })),
    medications: p.Legemiddel.map(medication),
    administrations: newestFirst(
      p.Utdeling.map((u) => ({ id: u.UtdelingId, time: u.Tidspunkt, atc: u.Atc, name: u.Navn, given: u.Gitt, note: u.Merknad, hprNumber: u.UtfortAv })),
    ),
    messages: p.Melding.map(mapMelding).sort((a, b) => a.sentAt.localeCompare(b.sentAt) || a.id.localeCompare(b.id)),
    // The role by the local list's code, or by its words; a role the model does not know is left out.
    careTeam: p.Ansvarlig.flatMap((a) => {
      const known = a.Rolle['@_S'] === CARE_TEAM_ROLE_SYSTEM ? a.Rolle['@_V'] : null;
      const role = careTeamRoleFrom(known, a.Rolle['@_DN']);
      if (!role || (!a.Helsepersonell && !a.Navn)) return [];
      return [{ role, hprNumber: a.Helsepersonell, name: personNameFrom(a.Navn), service: a.Enhet, orgNumber: null, herId: a.EnhetHerId, phone: null, start: a.FraDato, end: a.TilDato }];
    }),
    plannedVisits: p.PlanlagtBesok.map((b) => ({
      id: b.BesokId,
      kind: 'VISIT' as const,
      time: b.Tidspunkt,
      title: plannedVisitTitle(b.Oppgave),
      service: b.Enhet,
      status: 'PLANNED' as const,
      deadline: null,
      referralId: null,
      hprNumber: null,
    })).sort((a, b) => Date.parse(a.time) - Date.parse(b.time) || a.id.localeCompare(b.id)),
    individualPlan: p.IndividuellPlan ? mapIndividuellPlan(p.IndividuellPlan) : null,
  };
}

const MESSAGE_KIND: Record<Pasient['Melding'][number]['Type']['@_V'], MessageModel['kind']> = { DIALOG_FORESPORSEL: 'QUESTION', DIALOG_SVAR: 'ANSWER', DIALOG_NOTAT: 'NOTE' };

function mapMelding(m: Pasient['Melding'][number]): MessageModel {
  const party = (p: Pasient['Melding'][number]['Avsender']) => ({
    herId: p.HerId,
    service: p.Tjenestenavn,
    orgNumber: normaliseOrgNumber(p.Organisasjonsnummer),
    hprNumber: p.Helsepersonell,
    name: p.Navn,
  });
  return {
    id: m.MeldingId,
    conversationRef: m.SamtaleId,
    inReplyTo: m.SvarPaa,
    kind: MESSAGE_KIND[m.Type['@_V']],
    sentAt: m.Sendt,
    sender: party(m.Avsender),
    recipient: party(m.Mottaker),
    subject: m.Emne,
    text: m.Tekst,
  };
}

/**
 * The care service's application receipt for one dialogue message (the AppRec document its message endpoint answers)
 * as the model's receipt; a BadResponseError when the answer is no receipt for that message.
 */
export function readMessageReceipt(xml: unknown, message: OutgoingMessage): MessageReceipt {
  if (typeof xml !== 'string') throw new BadResponseError('care-plo answered a message with something that is not text');
  const doc = parseXml(xml);
  if ('Feilmelding' in doc) throw new BadResponseError('care-plo answered a Feilmelding where an application receipt was expected');
  return messageReceipt(doc.AppRec, message);
}

/** One MsgHead of the answer. */
export interface PloAnswer {
  /** The MsgId of the request this answers (ConversationRef/RefToParent). */
  refToParent: string;
  senderHerId: string | null;
  receiverHerId: string | null;
  /** The patient named in MsgInfo/Patient. */
  nin: string;
  /** The care record, or null when the service holds nothing on the patient (DIALOG_SVAR). */
  record: CareRecordModel | null;
}

const herId = (org: z.infer<typeof organisation>) => org.Organisation.Ident.find((i) => i.TypeId['@_V'] === 'HER')?.Id ?? null;

const ANSWER_TYPES: readonly string[] = ['HELSEOPPLYSNINGER_LEGE', 'DIALOG_SVAR'];

/** One answer MsgHead, validated and mapped; a MalformedMessageError when it breaks the protocol. */
function readAnswer(raw: unknown, index: number): PloAnswer {
  const type = (raw as { MsgInfo?: { Type?: { '@_V'?: unknown } } } | undefined)?.MsgInfo?.Type?.['@_V'];
  let m: z.infer<typeof msgHeadSchema>;
  try {
    m = validatePayload(msgHeadSchema, raw, `care-plo MeldingListe MsgHead ${index + 1}`);
  } catch (error) {
    const message = error instanceof Error ? error.message : 'care-plo MeldingListe';
    // Another kind of message than an answer is one the adapter does not take (T10); anything else breaks the schema (T02).
    if (typeof type === 'string' && !ANSWER_TYPES.includes(type)) throw new MalformedMessageError(message, 'T10', 'Tjenesten tar bare imot HELSEOPPLYSNINGER_LEGE eller DIALOG_SVAR som svar');
    throw new MalformedMessageError(message, 'T02', 'Svaret validerer ikke mot meldingen og omsorgsuttrekket');
  }
  const malformed = (message: string, text: string) => new MalformedMessageError(message, 'T99', text);
  const contents = m.Document.map((d) => d.RefDoc.Content);
  let record: CareRecordModel | null = null;
  if (m.MsgInfo.Type['@_V'] === 'HELSEOPPLYSNINGER_LEGE') {
    // The PLO message is the main document; the care record travels as the attached extract.
    if (!contents[0]?.HelseopplysningerTilLege) throw malformed('a HELSEOPPLYSNINGER_LEGE whose main document is not HelseopplysningerTilLege', 'Hoveddokumentet er ikke HelseopplysningerTilLege');
    const extracts = contents.filter((c) => c.Omsorgsuttrekk);
    if (extracts.length !== 1) throw malformed('a HELSEOPPLYSNINGER_LEGE without exactly one care record extract', 'Meldingen har ikke nøyaktig ett omsorgsuttrekk');
    record = mapPasient(extracts[0]!.Omsorgsuttrekk!);
  } else if (!contents[0]?.Dialogmelding || contents.some((c) => c.Omsorgsuttrekk)) {
    throw malformed('a DIALOG_SVAR that is not a Dialogmelding note', 'DIALOG_SVAR skal være et dialogmeldingsnotat uten vedlegg');
  } else if (answerTopic(contents[0].Dialogmelding.Notat.TemaKodet) !== 'nothing-held') {
    // A DIALOG_SVAR is this service's answer for a patient it holds nothing on: Volven 9069 code 3 (the answer
    // list of Dialogmelding 1.0). Any other topic, or a code of another list (7322 is Dialogmelding 1.1's), is not
    // read as "nothing held".
    throw malformed('a DIALOG_SVAR whose Notat/TemaKodet is not Volven 9069 code 3 (Har ikke ønskede opplysninger)', 'TemaKodet i Dialogmelding 1.0 skal være kode 3 fra kodeverk 9069');
  }
  return {
    refToParent: m.MsgInfo.ConversationRef.RefToParent,
    senderHerId: herId(m.MsgInfo.Sender),
    receiverHerId: herId(m.MsgInfo.Receiver),
    nin: m.MsgInfo.Patient.Ident[0]!.Id,
    record,
  };
}

/**
 * Reads a MeldingListe answer message by message: each answer read or found malformed, each application receipt the
 * service sent instead of an answer. Throws a BadResponseError only when the list itself cannot be read (not XML, a
 * Feilmelding, another document): then no message can be told from another.
 */
export function readMeldingListe(xml: unknown): AnswerItem<CareRecordModel>[] {
  if (typeof xml !== 'string') throw new BadResponseError('care-plo answer is not text');
  const doc = parseXml(xml, PLO_ARRAYS);
  if ('Feilmelding' in doc) throw new BadResponseError('care-plo answered a Feilmelding where a MeldingListe was expected');
  const list = validatePayload(messageSchema, doc, 'care-plo MeldingListe').MeldingListe;
  const items: AnswerItem<CareRecordModel>[] = list.MsgHead.map((raw, i) => {
    const message = receivedMessage(raw);
    try {
      return { kind: 'answer' as const, message, answer: readAnswer(raw, i) };
    } catch (error) {
      if (error instanceof MalformedMessageError) return { kind: 'malformed' as const, message, error };
      throw error;
    }
  });
  return [...items, ...list.AppRec.map((raw) => ({ kind: 'receipt' as const, receipt: readSourceReceipt(raw) }))];
}

/** Parses a MeldingListe answer, failing on the first message that breaks the protocol (the client reads message by message). */
export function mapMeldingListe(xml: unknown): PloAnswer[] {
  const items = readMeldingListe(xml);
  const malformed = items.find((i) => i.kind === 'malformed');
  if (malformed) throw malformed.error;
  return items.flatMap((i) => (i.kind === 'answer' ? [i.answer] : []));
}
