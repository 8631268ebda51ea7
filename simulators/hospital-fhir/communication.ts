import { createHash } from 'node:crypto';
import { z } from 'zod';
import { isoUtc, utcToOsloOffsetDateTime } from '../../lib/osloTime';
import type { SimulatorContext } from '../kit/definition';
import { KITH_TYPE, kindOfKithType, type HeldMessage, type HeldParty, type MessageKind } from '../kit/messageStore';
import { checkParties, receiveMessage, type MessageRefusal, type MessagingSystem } from '../kit/messaging';
import { SYSTEM, type Resource } from './resources';

/**
 * Dialogue messages as the hospital's FHIR API takes and gives them (issue 15): FHIR R4 Communication.
 * - `POST /fhir/Communication` creates one: the patient in `subject` by identifier (fødselsnummer, D- or H-number; in
 *   the body, never a URL) or as `Patient/<id>`; the parties in `sender` and `recipient`, each a contained
 *   PractitionerRole (`#avsender`, `#mottaker`) whose `healthcareService` names the service by HER-id (and whose
 *   `practitioner` names the person by HPR number) or a reference by HER-id identifier; the sender's message id in
 *   `identifier` (`urn:x-patient-graph:identifier:message`); the kind in `category` (Volven 8279: DIALOG_FORESPORSEL,
 *   DIALOG_SVAR, DIALOG_NOTAT); the thread in the extension `…/StructureDefinition/conversation` (the first message's
 *   id) and the message it answers in `inResponseTo`; the subject line in `topic.text` (R4's "subject line of an
 *   email"); the text in `payload.contentString`; `sent`.
 * - Answered 201 with the resource as created (`Location`), or 200 with the same resource when the identifier was
 *   taken before (a create is conditional on the identifier, as `If-None-Exist: identifier=…` asks, whether or not
 *   the client says so); 422 with an OperationOutcome for a message it refuses (the recipient is not one of its
 *   departments, the patient is not the hospital's, the sender is not in the address register, the content breaks
 *   the rules above), the issue's `details` coded with the Volven 8221 error the KITH systems would give (E21, E35,
 *   X99, T02, T99); 400 for a body that is no Communication at all.
 * - Searches return a patient's messages with `_revinclude=Communication:subject`.
 * A question is answered by the department after the instance's `answerDelayMs`.
 */
export const MESSAGE_ID_SYSTEM = 'urn:x-patient-graph:identifier:message';
export const CONVERSATION_EXTENSION = 'http://patient-graph.example/fhir/StructureDefinition/conversation';
/** HER-id (Adresseregisteret), OID 2.16.578.1.12.4.1.2. */
export const HER_SYSTEM = 'urn:oid:2.16.578.1.12.4.1.2';
export const MESSAGE_TYPE_SYSTEM = 'urn:oid:2.16.578.1.12.4.1.1.8279';
const APPREC_ERROR_SYSTEM = 'urn:oid:2.16.578.1.12.4.1.1.8221';

const ERROR_TEXT: Record<MessageRefusal['code'], string> = {
  E21: 'Mottaker finnes ikke',
  E35: 'Pasienten finnes ikke i mottakersystemet',
  T02: 'XML validerer ikke',
  T10: 'Støtter ikke meldingsformatet',
  T99: 'Annen feil på format',
  X99: 'Annen feil',
};
const ISSUE_CODE: Record<MessageRefusal['code'], string> = { E21: 'not-found', E35: 'not-found', X99: 'business-rule', T02: 'structure', T10: 'not-supported', T99: 'code-invalid' };

/** The refusal of a Communication: an OperationOutcome whose issue says why, coded with Volven 8221. */
export function refusalOutcome(refusal: MessageRefusal): Record<string, unknown> {
  return {
    resourceType: 'OperationOutcome',
    issue: [
      {
        severity: 'error',
        code: ISSUE_CODE[refusal.code],
        details: { coding: [{ system: APPREC_ERROR_SYSTEM, code: refusal.code, display: ERROR_TEXT[refusal.code] }], text: refusal.text },
        diagnostics: refusal.text,
      },
    ],
  };
}

/** A logical id for a message's Communication: the same for the same message id, never a run of eleven digits. */
export function communicationId(messageId: string): string {
  for (let salt = 0; ; salt += 1) {
    const id = `kom-${createHash('sha256').update(`${salt}:${messageId}`).digest('hex').slice(0, 32)}`;
    if (!/\d{11}/.test(id)) return id;
  }
}

function practitionerRole(id: string, p: HeldParty): Resource {
  return {
    resourceType: 'PractitionerRole',
    id,
    ...(p.hprNumber || p.name ? { practitioner: { ...(p.hprNumber ? { identifier: { system: SYSTEM.hpr, value: p.hprNumber } } : {}), ...(p.name ? { display: p.name } : {}) } } : {}),
    ...(p.orgNumber ? { organization: { identifier: { system: SYSTEM.orgNumber, value: p.orgNumber } } } : {}),
    healthcareService: [{ identifier: { system: HER_SYSTEM, value: p.herId }, display: p.service }],
  };
}

/** A held message as the FHIR API shows it, for the patient `patientRef` (`Patient/<id>`). */
export function communicationResource(m: HeldMessage, patientRef: string, held: (id: string) => boolean): Resource {
  const type = KITH_TYPE[m.kind];
  return {
    resourceType: 'Communication',
    id: communicationId(m.id),
    contained: [practitionerRole('avsender', m.sender), practitionerRole('mottaker', m.recipient)],
    extension: [{ url: CONVERSATION_EXTENSION, valueIdentifier: { system: MESSAGE_ID_SYSTEM, value: m.conversationRef } }],
    identifier: [{ system: MESSAGE_ID_SYSTEM, value: m.id }],
    ...(m.inReplyTo
      ? { inResponseTo: [held(m.inReplyTo) ? { reference: `Communication/${communicationId(m.inReplyTo)}` } : { identifier: { system: MESSAGE_ID_SYSTEM, value: m.inReplyTo }, type: 'Communication' }] }
      : {}),
    status: 'completed',
    category: [{ coding: [{ system: MESSAGE_TYPE_SYSTEM, code: type.V, display: type.DN }] }],
    subject: { reference: patientRef },
    topic: { text: m.subject },
    sent: utcToOsloOffsetDateTime(m.sentAt),
    sender: { reference: '#avsender' },
    recipient: [{ reference: '#mottaker' }],
    payload: [{ contentString: m.text }],
  };
}

const identifier = z.object({ system: z.string(), value: z.string().min(1) });
const reference = z.object({ reference: z.string().optional(), identifier: identifier.optional(), display: z.string().optional(), type: z.string().optional() });
const role = z.looseObject({
  resourceType: z.literal('PractitionerRole'),
  id: z.string(),
  practitioner: z.object({ identifier: identifier.optional(), display: z.string().optional() }).optional(),
  organization: z.object({ identifier: identifier.optional() }).optional(),
  healthcareService: z.array(z.object({ identifier: identifier.optional(), display: z.string().optional() })).optional(),
});
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

const communicationSchema = z.looseObject({
  resourceType: z.literal('Communication'),
  contained: z.array(z.looseObject({ resourceType: z.string(), id: z.string().optional() })).optional(),
  extension: z.array(z.looseObject({ url: z.string(), valueIdentifier: identifier.optional() })).optional(),
  identifier: z.array(identifier).min(1),
  inResponseTo: z.array(reference).optional(),
  status: z.enum(['completed', 'in-progress']),
  category: z.array(z.object({ coding: z.array(z.object({ system: z.string().optional(), code: z.string().optional() })).optional() })).min(1),
  subject: reference,
  topic: z.object({ text: z.string().trim().min(1) }),
  sent: z.string().regex(DATE_TIME),
  sender: reference,
  recipient: z.array(reference).length(1),
  payload: z.array(z.object({ contentString: z.string().trim().min(1) })).length(1),
});

/** The sender's HER-id, read leniently (a reference by identifier, or the contained role it points at); '' when none. */
function senderHerOf(body: unknown): string {
  const c = body as { sender?: { reference?: unknown; identifier?: { system?: unknown; value?: unknown } }; contained?: unknown } | null;
  if (c?.sender?.identifier?.system === HER_SYSTEM && typeof c.sender.identifier.value === 'string') return c.sender.identifier.value;
  const local = typeof c?.sender?.reference === 'string' && c.sender.reference.startsWith('#') ? c.sender.reference.slice(1) : undefined;
  const roles = Array.isArray(c?.contained) ? (c.contained as { id?: unknown; healthcareService?: { identifier?: { system?: unknown; value?: unknown } }[] }[]) : [];
  const service = roles.find((r) => r.id === local)?.healthcareService?.find((h) => h.identifier?.system === HER_SYSTEM);
  return typeof service?.identifier?.value === 'string' ? service.identifier.value : '';
}

/** The message id a Communication carries, read leniently so that a malformed one can still be refused once. */
function messageIdOf(body: unknown): string | null {
  const ids = (body as { identifier?: unknown } | null)?.identifier;
  if (!Array.isArray(ids)) return null;
  const found = ids.find((i): i is { system: string; value: string } => typeof i?.system === 'string' && i.system === MESSAGE_ID_SYSTEM && typeof i.value === 'string' && i.value.trim() !== '');
  return found?.value.trim() ?? null;
}

export interface CommunicationHost {
  /** The hospital's patient for an identity number or its own logical id. */
  patient(ref: { nin?: string; localId?: string }): { nin: string; localId: string } | undefined;
}

type Read = { message: HeldMessage } | { kind: MessageKind | null; refusal: MessageRefusal };

function readCommunication(context: SimulatorContext, host: CommunicationHost, body: unknown, id: string): Read {
  const parsed = communicationSchema.safeParse(body);
  const kindOf = (c: unknown) => {
    const code = (c as { category?: { coding?: { system?: string; code?: string }[] }[] } | null)?.category?.flatMap((x) => x.coding ?? []).find((x) => x.system === MESSAGE_TYPE_SYSTEM)?.code;
    return code ? (kindOfKithType(code) ?? null) : null;
  };
  const refuse = (code: MessageRefusal['code'], text: string): Read => ({ kind: kindOf(body), refusal: { code, text } });
  if (!parsed.success) return refuse('T02', `Communication følger ikke profilen: ${parsed.error.issues[0]?.path.join('.') ?? ''}`);
  const c = parsed.data;
  const kind = kindOf(c);
  if (!kind) return refuse('T99', 'category skal ha en kode fra kodeverk 8279: DIALOG_FORESPORSEL, DIALOG_SVAR eller DIALOG_NOTAT');
  const contained = new Map<string, unknown>((c.contained ?? []).flatMap((r) => (r.id ? [[`#${r.id}`, r] as [string, unknown]] : [])));
  const party = (ref: z.infer<typeof reference>): HeldParty | null => {
    if (ref.identifier?.system === HER_SYSTEM) return { herId: ref.identifier.value, service: ref.display ?? '', orgNumber: null, hprNumber: null, name: null };
    const r = role.safeParse(ref.reference ? contained.get(ref.reference) : undefined);
    const service = r.data?.healthcareService?.find((h) => h.identifier?.system === HER_SYSTEM);
    if (!r.success || !service?.identifier) return null;
    const org = r.data.organization?.identifier;
    const hpr = r.data.practitioner?.identifier;
    return {
      herId: service.identifier.value,
      service: service.display ?? '',
      orgNumber: org?.system === SYSTEM.orgNumber ? org.value : null,
      hprNumber: hpr?.system === SYSTEM.hpr ? hpr.value : null,
      name: r.data.practitioner?.display ?? null,
    };
  };
  const sender = party(c.sender);
  const recipient = party(c.recipient[0]!);
  if (!sender || !recipient || !/^\d{1,9}$/.test(sender.herId) || !/^\d{1,9}$/.test(recipient.herId)) return refuse('T02', 'sender og recipient skal angi tjenesten med HER-id');
  const subjectId = c.subject.identifier;
  const nin = subjectId && [SYSTEM.fnr, SYSTEM.dnr, SYSTEM.hnr].includes(subjectId.system as never) && /^\d{11}$/.test(subjectId.value) ? subjectId.value : undefined;
  const localId = c.subject.reference?.startsWith('Patient/') ? c.subject.reference.slice('Patient/'.length) : undefined;
  if (!nin && !localId) return refuse('T02', 'subject skal angi pasienten med fødselsnummer, D-nummer eller H-nummer');
  const parentRef = c.inResponseTo?.[0];
  const parent = parentRef?.identifier?.system === MESSAGE_ID_SYSTEM ? parentRef.identifier.value : parentRef?.reference?.startsWith('Communication/') ? context.messages.all().find((m) => `Communication/${communicationId(m.id)}` === parentRef.reference)?.id : undefined;
  if (parentRef && !parent) return refuse('T02', 'inResponseTo viser til en melding tjenesten ikke kjenner');
  if (kind === 'ANSWER' && !parent) return refuse('T02', 'Et svar viser til meldingen det svarer på (inResponseTo)');
  const conversation = c.extension?.find((e) => e.url === CONVERSATION_EXTENSION)?.valueIdentifier?.value;
  const patient = host.patient({ nin, localId });
  return {
    message: {
      id,
      conversationRef: conversation ?? (parent ? (context.messages.find(parent)?.conversationRef ?? parent) : id),
      inReplyTo: parent ?? null,
      kind,
      sentAt: isoUtc(Date.parse(c.sent)),
      sender,
      recipient,
      subject: c.topic.text.trim(),
      text: c.payload[0]!.contentString.trim(),
      // An unknown patient is refused below (E35) before anything is stored; the number is kept only when known.
      patientNin: patient?.nin ?? nin ?? '',
    },
  };
}

/**
 * Takes a Communication body: the HTTP status and the resource or OperationOutcome to answer, the same for the same
 * message id. Null when the body carries no message id (the caller answers 400).
 */
export function takeCommunication(context: SimulatorContext, system: MessagingSystem, host: CommunicationHost, body: unknown): { status: number; body: Record<string, unknown> } | null {
  const id = messageIdOf(body);
  const senderHer = senderHerOf(body);
  if (!id || (body as { resourceType?: unknown } | null)?.resourceType !== 'Communication') {
    context.observe('message:received');
    context.observe('message:unreadable');
    return null;
  }
  const taken = receiveMessage(context, system, senderHer, id, () => {
    const read = readCommunication(context, host, body, id);
    const refusal = 'refusal' in read ? read.refusal : checkParties(context, system, read.message);
    if (refusal || !('message' in read)) {
      return { kind: 'message' in read ? read.message.kind : read.kind, refusal, message: null, receipt: { status: 422, body: refusalOutcome(refusal as MessageRefusal) } };
    }
    const patient = host.patient({ nin: read.message.patientNin });
    const resource = communicationResource(read.message, `Patient/${patient?.localId ?? ''}`, (m) => context.messages.has(m));
    return { kind: read.message.kind, refusal: null, message: read.message, receipt: { status: 201, body: resource } };
  });
  return { status: taken.repeated && taken.receipt.status === 201 ? 200 : taken.receipt.status, body: taken.receipt.body };
}
