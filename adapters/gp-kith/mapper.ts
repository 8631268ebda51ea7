import { z } from 'zod';
import { normaliseOrgNumber } from '../../lib/identifiers';
import { BadResponseError, parseXml, validatePayload } from '../kit';
import { CODE_SYSTEM, type Coding, type GpRecordModel, type MedicationModel, type MedicationStatus, type MessageModel, type MessageReceipt, type UpcomingItemModel } from '../model';
import type { OutgoingMessage } from '../contracts';
import { messageReceipt } from '../kit/kithMessage';
import { normaliseHprNumber } from '../../lib/identifiers';
import { DATE_CODECS, type DateCodec } from './dates';
import type { GpKithDialect } from './manifest';
import { MalformedMessageError, readSourceReceipt, receivedMessage, type AnswerItem } from '../kit/appRec';
import { answerTopic } from '../kit/kith';
import { DIALECTS, MESSAGE_TYPE } from './protocol';

/**
 * KITH DIALOG_SVAR answers → GpRecordModel. Pure: parses (namespace prefixes stripped, so the vendors'
 * different prefixes and default namespaces read alike), validates with zod and maps. Each MsgHead is
 * about one patient (MsgInfo/Patient); the journal extract is an attached document. The two dialects
 * differ in the batch element and in the extract's version, that is its date format:
 * - soap11 (Nordlys Journal): Body/HentJournalResponse/MsgHead, extract 2019-06-01 (TS `V` attributes);
 * - soap12 (Fjord EPJ): Body/MsgHeadList/MsgHead, extract 2016-10-01 (compact element text).
 * An office that holds no journal for the patient answers without an extract.
 */

/** An element that may occur once, many times or not at all, always read as a list. */
const list = <T extends z.ZodType>(item: T) =>
  z.preprocess((v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]), z.array(item));

/** Element text; an element with attributes (such as `xml:lang`) parses to an object with `#text`. */
const text = z.union([z.string(), z.object({ '#text': z.string() }).transform((o) => o['#text'])]);
const optionalText = text.optional().transform((t) => (t && t.trim() !== '' ? t : null));

/** A KITH coded value: V (value), S (code system OID), DN (display name). */
const cv = z.object({ '@_V': z.string().min(1), '@_S': z.string().optional(), '@_DN': z.string().optional() });
type Cv = z.infer<typeof cv>;

const ident = <T extends readonly [string, ...string[]]>(types: T, id: RegExp) =>
  z.object({ Id: z.string().regex(id), TypeId: z.object({ '@_V': z.enum(types) }) });

const patient = z.object({ Ident: ident(['FNR', 'DNR', 'HNR'], /^\d{11}$/) });
const professional = z.object({ Ident: ident(['HPR'], /^\d{4,9}$/) });
const decimal = z.string().regex(/^\d+([.,]\d+)?$/).transform((v) => Number(v.replace(',', '.')));

function journalSchema(d: DateCodec) {
  const consultation = z.object({
    Id: z.string().min(1),
    StartDateTime: d.dateTime,
    ContactType: cv.optional(),
    Reason: cv.optional(),
    Diagnosis: list(cv),
    Note: optionalText,
    HealthcareProfessional: professional.optional(),
    Restriction: list(cv),
  });
  const problem = z.object({ Diagnosis: cv, StartDate: d.date.optional() });
  const prescription = z.object({
    Id: z.string().min(1),
    // The product name is the DN of the ATC code; without it there is nothing to show a clinician.
    Drug: cv.extend({ '@_DN': z.string().min(1) }),
    Strength: optionalText,
    Form: optionalText,
    Dosage: z
      .object({
        Amount: z.object({ '@_V': decimal, '@_U': z.string().optional() }).optional(),
        TimesPerDay: z.object({ '@_V': decimal }).optional(),
        Text: text,
      })
      .optional(),
    Status: cv.optional(),
    StartDate: d.date.optional(),
    EndDate: d.date.optional(),
    Note: optionalText,
    Prescriber: professional.optional(),
    Restriction: list(cv),
  });
  const referral = z.object({
    Id: z.string().min(1),
    IssueDate: d.date,
    ReceivingOrganisation: z
      .object({ Ident: z.object({ Id: z.string(), TypeId: z.object({ '@_V': z.string() }) }).optional(), Department: optionalText })
      .optional(),
    Reason: cv.optional(),
    Text: optionalText,
    HealthcareProfessional: professional.optional(),
    Restriction: list(cv),
  });
  // A consultation planned in the appointment book.
  const plannedConsultation = z.object({
    Id: z.string().min(1),
    StartDateTime: d.dateTime,
    DurationMinutes: z.preprocess((v) => (typeof v === 'number' ? String(v) : v), z.string().regex(/^\d{1,4}$/)).optional(),
    ContactType: cv.optional(),
    Reason: cv.optional(),
    Text: optionalText,
    HealthcareProfessional: professional.optional(),
    Restriction: list(cv),
  });
  // A dialogue message the office sent or received (issue 15): the parties by HER-id, the thread and what it answers.
  const party = z.object({
    Name: text,
    HerId: z.string().regex(/^\d{1,9}$/),
    Organisation: z.object({ Id: z.string(), TypeId: z.object({ '@_V': z.string() }) }).optional(),
    HealthcareProfessional: professional.optional(),
    PersonName: optionalText,
  });
  const message = z.object({
    Id: z.string().min(1),
    Type: z.object({ '@_V': z.enum(['DIALOG_FORESPORSEL', 'DIALOG_SVAR', 'DIALOG_NOTAT']) }),
    SentDateTime: d.dateTime,
    Conversation: z.string().min(1),
    InReplyTo: optionalText,
    Sender: party,
    Receiver: party,
    Subject: text,
    Text: text,
  });
  return z.object({
    Consultation: list(consultation),
    Problem: list(problem),
    Prescription: list(prescription),
    Referral: list(referral),
    PlannedConsultation: list(plannedConsultation),
    Message: list(message),
  });
}

/** An identifier in MsgHead: Id and its type (V of TypeId). */
const msgHeadIdent = z.object({ Id: z.string(), TypeId: z.object({ '@_V': z.string() }) });
const organisation = z.object({ Organisation: z.object({ Ident: list(msgHeadIdent) }) });

/** The Dialogmelding 1.0 note that answers a request: its topic (Notat/TemaKodet, Volven 9069) is what the adapter reads. */
const dialogNote = z.object({ Notat: z.object({ TemaKodet: z.object({ '@_V': z.string(), '@_S': z.string().optional() }) }) });

/** One DIALOG_SVAR: who answers, to whom, about whom, to which request, and the journal when attached. */
function svarSchema(journal: ReturnType<typeof journalSchema>) {
  // An element with nothing in it parses as '' (its xmlns attribute is dropped with the prefixes): an empty record.
  const content = z.object({ Journal: z.preprocess(emptyElementAsObject, journal).optional(), Dialogmelding: dialogNote.optional() });
  return z.object({
    MsgInfo: z.object({
      Type: z.object({ '@_V': z.literal(MESSAGE_TYPE.answer.V) }),
      MsgId: z.string().min(1),
      ConversationRef: z.object({ RefToParent: z.string().min(1) }),
      Sender: organisation,
      Receiver: organisation,
      Patient: z.object({ Ident: list(patient.shape.Ident).refine((i) => i.length === 1, 'exactly one identity number') }),
    }),
    Document: list(z.object({ RefDoc: z.object({ Content: z.preprocess(emptyElementAsObject, content).optional() }) })),
  });
}

/** An element with nothing in it parses as '' (its xmlns attribute is dropped with the prefixes). */
const emptyElementAsObject = (value: unknown) => (value === '' ? {} : value);

/**
 * The batch answer's envelope: the vendor's batch element holding one message per request, each a DIALOG_SVAR
 * (MsgHead) or, for a request the system refused, an application receipt (AppRec). The messages are validated one by
 * one (`SVAR_SCHEMAS`), so that each can be acknowledged or refused on its own.
 */
function answerSchema(dialect: GpKithDialect) {
  const batch = DIALECTS[dialect].batch.response;
  return z.object({
    Envelope: z.object({
      Body: z.object({ [batch]: z.preprocess((v) => (v === '' ? {} : v), z.object({ MsgHead: list(z.unknown()), AppRec: list(z.unknown()) })) }),
    }),
  });
}

const SCHEMAS = { soap11: answerSchema('soap11'), soap12: answerSchema('soap12') };
const SVAR_SCHEMAS = { soap11: svarSchema(journalSchema(DATE_CODECS.soap11)), soap12: svarSchema(journalSchema(DATE_CODECS.soap12)) };

type Journal = z.infer<ReturnType<typeof journalSchema>>;

/** S is an OID in KITH; the model carries OIDs as URNs. Without S the element's usual system is meant. */
function systemOf(s: string | undefined, fallback: string): string {
  if (!s) return fallback;
  if (/^\d+(\.\d+)+$/.test(s)) return `urn:oid:${s}`;
  return s;
}

function coding(value: Cv, fallbackSystem: string = CODE_SYSTEM.icpc2): Coding {
  return { system: systemOf(value['@_S'], fallbackSystem), code: value['@_V'], display: value['@_DN'] ?? null };
}

const CONTACT_TYPES: Record<string, GpRecordModel['consultations'][number]['contactType']> = {
  OPPM: 'OFFICE',
  TLF: 'PHONE',
  VIDEO: 'VIDEO',
  SYKEBES: 'HOME_VISIT',
};

const STATUSES: Record<string, MedicationStatus> = { A: 'ACTIVE', S: 'STOPPED' };

function mapPrescription(p: Journal['Prescription'][number]): MedicationModel {
  const system = systemOf(p.Drug['@_S'], CODE_SYSTEM.atc);
  return {
    id: p.Id,
    // Only an ATC code is an ATC code: a vendor-local product number must not pass for one.
    atc: system === CODE_SYSTEM.atc ? p.Drug['@_V'] : null,
    name: p.Drug['@_DN'],
    strength: p.Strength,
    form: p.Form,
    dose: p.Dosage
      ? {
          amount: p.Dosage.Amount?.['@_V'] ?? null,
          unit: p.Dosage.Amount?.['@_U'] ?? null,
          timesPerDay: p.Dosage.TimesPerDay?.['@_V'] ?? null,
          text: p.Dosage.Text,
        }
      : null,
    status: (p.Status && STATUSES[p.Status['@_V']]) ?? 'UNKNOWN',
    startDate: p.StartDate ?? null,
    endDate: p.EndDate ?? null,
    note: p.Note,
    hprNumber: p.Prescriber?.Ident.Id ?? null,
    ...keptFromParents(p.Restriction),
  };
}

/**
 * An entry the extract restricts (`Restriction`): FORELDRE, kept from the parents by a patient aged 12–15 (pbrl
 * § 3-4). A restriction of a kind this mapper does not know is read the same way (fail closed: it is at least not for
 * a parent reading for the child). Absent when unrestricted.
 */
function keptFromParents(restrictions: readonly Cv[]): { keptFromParents?: true } {
  return restrictions.length > 0 ? { keptFromParents: true } : {};
}

const MESSAGE_KIND: Record<Journal['Message'][number]['Type']['@_V'], MessageModel['kind']> = { DIALOG_FORESPORSEL: 'QUESTION', DIALOG_SVAR: 'ANSWER', DIALOG_NOTAT: 'NOTE' };

function mapMessage(m: Journal['Message'][number]): MessageModel {
  const party = (p: Journal['Message'][number]['Sender']) => ({
    herId: p.HerId,
    service: p.Name,
    orgNumber: p.Organisation?.TypeId['@_V'] === 'ENH' ? normaliseOrgNumber(p.Organisation.Id) : null,
    hprNumber: normaliseHprNumber(p.HealthcareProfessional?.Ident.Id) ?? null,
    name: p.PersonName,
  });
  return {
    id: m.Id,
    conversationRef: m.Conversation,
    inReplyTo: m.InReplyTo,
    kind: MESSAGE_KIND[m.Type['@_V']],
    sentAt: m.SentDateTime,
    sender: party(m.Sender),
    recipient: party(m.Receiver),
    subject: m.Subject,
    text: m.Text,
  };
}

export function mapJournal(j: Journal): GpRecordModel {
  return {
    consultations: j.Consultation.map((c) => ({
      id: c.Id,
      time: c.StartDateTime,
      contactType: (c.ContactType && CONTACT_TYPES[c.ContactType['@_V']]) ?? 'OTHER',
      reason: c.Reason ? coding(c.Reason) : null,
      diagnoses: c.Diagnosis.map((d) => coding(d)),
      note: c.Note,
      hprNumber: c.HealthcareProfessional?.Ident.Id ?? null,
      ...keptFromParents(c.Restriction),
    })).sort((a, b) => b.time.localeCompare(a.time) || a.id.localeCompare(b.id)),
    problems: j.Problem.map((p) => ({ code: coding(p.Diagnosis), since: p.StartDate ?? null })),
    prescriptions: j.Prescription.map(mapPrescription),
    referrals: j.Referral.map((r) => {
      const org = r.ReceivingOrganisation;
      const orgNumber = org?.Ident?.TypeId['@_V'] === 'ENH' ? normaliseOrgNumber(org.Ident.Id) : null;
      return {
        id: r.Id,
        date: r.IssueDate,
        toOrgNumber: orgNumber,
        toDepartment: org?.Department ?? null,
        reason: r.Reason ? coding(r.Reason) : null,
        text: r.Text,
        hprNumber: r.HealthcareProfessional?.Ident.Id ?? null,
        ...keptFromParents(r.Restriction),
      };
    }),
    messages: j.Message.map(mapMessage).sort((a, b) => a.sentAt.localeCompare(b.sentAt) || a.id.localeCompare(b.id)),
    plannedFollowUps: j.PlannedConsultation.map(mapPlannedConsultation).sort((a, b) => a.time.localeCompare(b.time) || a.id.localeCompare(b.id)),
  };
}

const CONTACT_WORDS: Partial<Record<GpRecordModel['consultations'][number]['contactType'], string>> = { PHONE: 'Telefonkonsultasjon', VIDEO: 'Videokonsultasjon', HOME_VISIT: 'Sykebesøk' };

/**
 * A planned consultation → a follow-up: titled by the GP's text (or the reason), with how it takes place where it is
 * not at the office. The office itself is the source's, named by the subgraph.
 */
function mapPlannedConsultation(c: Journal['PlannedConsultation'][number]): UpcomingItemModel {
  const contactType = (c.ContactType && CONTACT_TYPES[c.ContactType['@_V']]) ?? 'OTHER';
  const what = c.Text ?? (c.Reason?.['@_DN'] ? `Kontroll: ${c.Reason['@_DN']}` : 'Planlagt konsultasjon');
  const how = CONTACT_WORDS[contactType];
  return {
    id: c.Id,
    kind: 'FOLLOW_UP',
    time: c.StartDateTime,
    title: how ? `${how}: ${what}` : what,
    service: null,
    status: 'PLANNED',
    deadline: null,
    referralId: null,
    hprNumber: c.HealthcareProfessional?.Ident.Id ?? null,
    ...keptFromParents(c.Restriction),
  };
}

/** One DIALOG_SVAR, read: the request it answers, the parties by HER-id, the patient, and the record if any. */
export interface JournalAnswer {
  refToParent: string;
  senderHerId: string | null;
  receiverHerId: string | null;
  nin: string;
  /** Null when the office sent no journal extract: it holds no journal for the patient. */
  record: GpRecordModel | null;
}

const herOf = (o: { Organisation: { Ident: z.infer<typeof msgHeadIdent>[] } }) => o.Organisation.Ident.find((i) => i.TypeId['@_V'] === 'HER')?.Id ?? null;

/** One DIALOG_SVAR, validated and mapped; a MalformedMessageError when it breaks the protocol. */
function readSvar(dialect: GpKithDialect, raw: unknown, index: number): JournalAnswer {
  const type = (raw as { MsgInfo?: { Type?: { '@_V'?: unknown } } } | undefined)?.MsgInfo?.Type?.['@_V'];
  const what = `${DIALECTS[dialect].product} answer MsgHead ${index + 1}`;
  let m: z.infer<(typeof SVAR_SCHEMAS)[GpKithDialect]>;
  try {
    m = validatePayload(SVAR_SCHEMAS[dialect], raw, what);
  } catch (error) {
    const message = error instanceof Error ? error.message : what;
    // Another kind of message than an answer is one the adapter does not take (T10); anything else breaks the schema (T02).
    if (typeof type === 'string' && type !== MESSAGE_TYPE.answer.V) throw new MalformedMessageError(message, 'T10', 'Tjenesten tar bare imot DIALOG_SVAR som svar på forespørsel');
    throw new MalformedMessageError(message, 'T02', 'Svaret validerer ikke mot DIALOG_SVAR med journaluttrekk');
  }
  const journals = m.Document.flatMap((d) => (d.RefDoc.Content?.Journal ? [d.RefDoc.Content.Journal] : []));
  const malformed = (message: string, text: string) => new MalformedMessageError(message, 'T99', text);
  if (journals.length > 1) throw malformed('a DIALOG_SVAR with two journal extracts', 'Svaret har mer enn ett journaluttrekk');
  // The note says what the answer is (Dialogmelding 1.0, Volven 9069): the extract is attached (1) or none is
  // held (3). Another list (7322 is Dialogmelding 1.1's) or another answer is not guessed at, and a note that
  // contradicts the attachments is not believed either way.
  const notes = m.Document.flatMap((d) => (d.RefDoc.Content?.Dialogmelding ? [d.RefDoc.Content.Dialogmelding] : []));
  if (notes.length !== 1) throw malformed('a DIALOG_SVAR without exactly one Dialogmelding note', 'Svaret har ikke nøyaktig ett dialogmeldingsnotat');
  const topic = answerTopic(notes[0]?.Notat.TemaKodet);
  if (!topic) throw malformed('a DIALOG_SVAR whose Notat/TemaKodet is not Volven 9069 code 1 or 3', 'TemaKodet i Dialogmelding 1.0 skal være kode 1 eller 3 fra kodeverk 9069');
  if (topic === 'included' && journals.length === 0) {
    throw malformed('a DIALOG_SVAR that says the information is included (9069 code 1) without a journal extract', 'TemaKodet 1 (opplysningene er inkludert), men uten journaluttrekk');
  }
  if (topic === 'nothing-held' && journals.length > 0) {
    throw malformed('a DIALOG_SVAR that says nothing is held (9069 code 3) with a journal extract', 'TemaKodet 3 (har ikke ønskede opplysninger), men med journaluttrekk');
  }
  return {
    refToParent: m.MsgInfo.ConversationRef.RefToParent,
    senderHerId: herOf(m.MsgInfo.Sender),
    receiverHerId: herOf(m.MsgInfo.Receiver),
    nin: (m.MsgInfo.Patient.Ident[0] as { Id: string }).Id,
    record: journals[0] ? mapJournal(journals[0]) : null,
  };
}

/**
 * Reads a batch answer message by message: each DIALOG_SVAR read or found malformed, each application receipt the
 * system sent instead of an answer. Throws a BadResponseError only when the batch itself cannot be read (not XML, a
 * SOAP fault, another vendor's packaging): then no message can be told from another. Whether each answer belongs
 * to a request of ours is the client's check: it knows the requests.
 */
export function readJournalResponse(dialect: GpKithDialect, xml: string): AnswerItem<GpRecordModel>[] {
  const doc = parseXml(xml, ['MsgHead', 'Document', 'AppRec']);
  const body = (doc.Envelope as Record<string, unknown> | undefined)?.Body as Record<string, unknown> | undefined;
  if (body && typeof body === 'object' && 'Fault' in body) throw new BadResponseError('a SOAP fault where a journal answer was expected');
  const payload = validatePayload(SCHEMAS[dialect], doc, `${DIALECTS[dialect].product} answer`);
  const batch = (payload.Envelope.Body as Record<string, { MsgHead: unknown[]; AppRec: unknown[] }>)[DIALECTS[dialect].batch.response];
  const items: AnswerItem<GpRecordModel>[] = (batch?.MsgHead ?? []).map((raw, i) => {
    const message = receivedMessage(raw);
    try {
      return { kind: 'answer' as const, message, answer: readSvar(dialect, raw, i) };
    } catch (error) {
      if (error instanceof MalformedMessageError) return { kind: 'malformed' as const, message, error };
      throw error;
    }
  });
  return [...items, ...(batch?.AppRec ?? []).map((raw) => ({ kind: 'receipt' as const, receipt: readSourceReceipt(raw) }))];
}

/**
 * Parses a batch answer into one JournalAnswer per DIALOG_SVAR, failing on the first that breaks the protocol (the
 * client reads message by message with readJournalResponse, to acknowledge each).
 */
export function mapJournalResponse(dialect: GpKithDialect, xml: string): JournalAnswer[] {
  const items = readJournalResponse(dialect, xml);
  const malformed = items.find((i) => i.kind === 'malformed');
  if (malformed) throw malformed.error;
  return items.flatMap((i) => (i.kind === 'answer' ? [i.answer] : []));
}

/**
 * The office's application receipt for one dialogue message (the vendor's message operation's answer) as the model's
 * receipt; a BadResponseError when the answer is no receipt for that message (adapters/kit/kithMessage.ts).
 */
export function readMessageReceipt(dialect: GpKithDialect, xml: string, message: OutgoingMessage): MessageReceipt {
  const doc = parseXml(xml);
  const body = (doc.Envelope as Record<string, unknown> | undefined)?.Body as Record<string, unknown> | undefined;
  if (!body || typeof body !== 'object') throw new BadResponseError(`${DIALECTS[dialect].product} answered a message with something that is no SOAP envelope`);
  const appRec = (body[DIALECTS[dialect].messages.response] as Record<string, unknown> | undefined)?.AppRec;
  if (Array.isArray(appRec)) throw new BadResponseError('more than one application receipt for one message');
  return messageReceipt(appRec, message);
}
