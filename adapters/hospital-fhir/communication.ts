import { z } from 'zod';
import { normaliseHprNumber, normaliseOrgNumber } from '../../lib/identifiers';
import { validateNin } from '../../lib/nin';
import { utcToOsloOffsetDateTime } from '../../lib/osloTime';
import type { OutgoingMessage } from '../contracts';
import { BadResponseError, parseJson, validatePayload } from '../kit';
import type { MessageModel, MessageParty, MessageReceipt } from '../model';
import { fhirDateTime, SYSTEM } from './fhir';

/**
 * Dialogue messages between services as FHIR R4 Communication (issue 15), on the graph's side of the hospitals'
 * FHIR API: the resource `sendMessage` creates, the server's answer read as the model's receipt, and the
 * Communications a patient search returns (`_revinclude=Communication:subject`) read as MessageModel.
 * - the patient in `subject` by identifier (fødselsnummer, D- or H-number), in the body: never a URL;
 * - the sender and the recipient as contained PractitionerRoles (`#avsender`, `#mottaker`): the service by HER-id in
 *   `healthcareService`, its organisation number in `organization`, the person by HPR number in `practitioner`;
 * - the message id in `identifier` (`urn:x-patient-graph:identifier:message`: the sender's own id, as the GP record's
 *   referral ids travel under a URN of the project's); the thread (the first message's id) in the extension
 *   `http://patient-graph.example/fhir/StructureDefinition/conversation`, as R4 has no element for it; the message it
 *   answers in `inResponseTo` (by identifier);
 * - the kind in `category`, coded with KITH's message functions (Volven 8279: DIALOG_FORESPORSEL, DIALOG_SVAR,
 *   DIALOG_NOTAT), so that the three protocols say it alike; the subject line in `topic.text` (R4's "a subject line
 *   in an email"); the text in `payload.contentString`; `sent` in Oslo time with its offset.
 * The create is conditional on the identifier (`If-None-Exist`), so that the same message sent again creates
 * nothing: 201 (created) and 200 (existed) are both OK; a 4xx with an OperationOutcome is the server's refusal
 * (REJECTED, with the Volven 8221 code its issue's details carry, else the issue's code).
 */
export const MESSAGE_ID_SYSTEM = 'urn:x-patient-graph:identifier:message';
export const CONVERSATION_EXTENSION = 'http://patient-graph.example/fhir/StructureDefinition/conversation';
export const MESSAGE_TYPE_SYSTEM = 'urn:oid:2.16.578.1.12.4.1.1.8279';
const APPREC_ERROR_SYSTEM = 'urn:oid:2.16.578.1.12.4.1.1.8221';
export const COMMUNICATION_PATH = '/fhir/Communication';

const TYPE: Record<MessageModel['kind'], { code: string; display: string }> = {
  QUESTION: { code: 'DIALOG_FORESPORSEL', display: 'Forespørsel' },
  ANSWER: { code: 'DIALOG_SVAR', display: 'Svar på forespørsel' },
  NOTE: { code: 'DIALOG_NOTAT', display: 'Notat' },
};
const KIND: Record<string, MessageModel['kind']> = { DIALOG_FORESPORSEL: 'QUESTION', DIALOG_SVAR: 'ANSWER', DIALOG_NOTAT: 'NOTE' };

const NIN_SYSTEM = { FNR: SYSTEM.fnr, DNR: SYSTEM.dnr, HNR: SYSTEM.hnr } as const;

function role(id: string, p: MessageParty): Record<string, unknown> {
  return {
    resourceType: 'PractitionerRole',
    id,
    ...(p.hprNumber || p.name ? { practitioner: { ...(p.hprNumber ? { identifier: { system: SYSTEM.hpr, value: p.hprNumber } } : {}), ...(p.name ? { display: p.name } : {}) } } : {}),
    ...(p.orgNumber ? { organization: { identifier: { system: SYSTEM.orgNumber, value: p.orgNumber } } } : {}),
    healthcareService: [{ identifier: { system: SYSTEM.herId, value: p.herId }, display: p.service }],
  };
}

/** The Communication that carries `m` (throws, before anything is sent, for an answer that names no question). */
export function communicationFor(m: OutgoingMessage): Record<string, unknown> {
  if (m.kind === 'ANSWER' && !m.inReplyTo) throw new TypeError('an answer names the message it answers (inReplyTo)');
  const nin = validateNin(m.patientNin);
  return {
    resourceType: 'Communication',
    contained: [role('avsender', m.sender), role('mottaker', m.recipient)],
    extension: [{ url: CONVERSATION_EXTENSION, valueIdentifier: { system: MESSAGE_ID_SYSTEM, value: m.conversationRef } }],
    identifier: [{ system: MESSAGE_ID_SYSTEM, value: m.id }],
    ...(m.inReplyTo ? { inResponseTo: [{ identifier: { system: MESSAGE_ID_SYSTEM, value: m.inReplyTo }, type: 'Communication' }] } : {}),
    status: 'completed',
    category: [{ coding: [{ system: MESSAGE_TYPE_SYSTEM, ...TYPE[m.kind] }] }],
    subject: { identifier: { system: nin.valid ? NIN_SYSTEM[nin.info.kind] : SYSTEM.fnr, value: m.patientNin }, type: 'Patient' },
    topic: { text: m.subject },
    // To the second, in Oslo time with its offset, as the server writes instants: the same message is the same.
    sent: utcToOsloOffsetDateTime(m.sentAt),
    sender: { reference: '#avsender' },
    recipient: [{ reference: '#mottaker' }],
    payload: [{ contentString: m.text }],
  };
}

/** The conditional create's header: create only when no Communication carries the message id. */
export const ifNoneExist = (m: Pick<MessageModel, 'id'>) => `identifier=${encodeURIComponent(MESSAGE_ID_SYSTEM)}|${encodeURIComponent(m.id)}`;

const identifier = z.object({ system: z.string().optional(), value: z.string().optional() });
const reference = z.object({ reference: z.string().optional(), identifier: identifier.optional(), display: z.string().optional() });

/** A 201 or 200 answer: the Communication created (or found), which must carry the message id. */
export function readCreated(body: unknown, m: Pick<MessageModel, 'id'>): MessageReceipt {
  const created = validatePayload(z.object({ resourceType: z.literal('Communication'), identifier: z.array(identifier).min(1) }), parseJson(body, 'Communication created'), 'Communication created');
  if (!created.identifier.some((i) => i.system === MESSAGE_ID_SYSTEM && i.value === m.id)) throw new BadResponseError('a created Communication that does not carry the message sent');
  return { status: 'OK', code: null, text: null };
}

const outcomeSchema = z.object({
  resourceType: z.literal('OperationOutcome'),
  issue: z
    .array(
      z.object({
        severity: z.string(),
        code: z.string(),
        details: z.object({ coding: z.array(z.object({ system: z.string().optional(), code: z.string().optional() })).optional(), text: z.string().optional() }).optional(),
        diagnostics: z.string().optional(),
      }),
    )
    .min(1),
});

/** The server's refusal (an OperationOutcome with a 4xx) as REJECTED: the 8221 code of its details, else the issue's code. */
export function readRefusal(body: unknown): MessageReceipt | null {
  const parsed = outcomeSchema.safeParse(parseJsonOrNull(body));
  if (!parsed.success) return null;
  const issue = parsed.data.issue.find((i) => i.severity === 'error' || i.severity === 'fatal') ?? parsed.data.issue[0]!;
  const code = issue.details?.coding?.find((c) => c.system === APPREC_ERROR_SYSTEM)?.code ?? issue.code;
  return { status: 'REJECTED', code, text: issue.details?.text ?? issue.diagnostics ?? null };
}

function parseJsonOrNull(body: unknown): unknown {
  try {
    return parseJson(body, 'OperationOutcome');
  } catch {
    return null;
  }
}

/** A Communication of a search answer, as far as the mapper reads it. */
export const communicationSchema = z.object({
  resourceType: z.literal('Communication'),
  id: z.string().regex(/^[A-Za-z0-9\-.]{1,64}$/),
  contained: z.array(z.looseObject({ resourceType: z.string(), id: z.string().optional() })).optional(),
  extension: z.array(z.looseObject({ url: z.string(), valueIdentifier: identifier.optional() })).optional(),
  identifier: z.array(identifier).optional(),
  inResponseTo: z.array(reference).optional(),
  status: z.string(),
  category: z.array(z.object({ coding: z.array(z.object({ system: z.string().optional(), code: z.string().optional() })).optional() })).optional(),
  subject: z.object({ reference: z.string().min(1) }),
  topic: z.object({ text: z.string().optional() }).optional(),
  sent: fhirDateTime.optional(),
  sender: reference.optional(),
  recipient: z.array(reference).optional(),
  payload: z.array(z.object({ contentString: z.string().optional() })).optional(),
});
export type Communication = z.infer<typeof communicationSchema>;

const roleSchema = z.looseObject({
  resourceType: z.literal('PractitionerRole'),
  practitioner: reference.optional(),
  organization: reference.optional(),
  healthcareService: z.array(reference).optional(),
});

/**
 * A patient's Communications → MessageModel, oldest first. Only dialogue messages between services are read: one
 * whose sender or recipient is no service by HER-id (a message to or from the patient, say) is not one. `isoDateTime`
 * turns the server's instants into the model's.
 */
export function mapCommunications(list: readonly Communication[], isoDateTime: (value: string) => string): MessageModel[] {
  const live = list.filter((c) => c.status !== 'entered-in-error');
  const idOf = (c: Communication) => c.identifier?.find((i) => i.system === MESSAGE_ID_SYSTEM && i.value)?.value ?? c.id;
  const byResourceId = new Map(live.map((c) => [c.id, idOf(c)]));
  const out: MessageModel[] = [];
  for (const c of live) {
    const contained = new Map((c.contained ?? []).flatMap((r) => (r.id ? [[`#${r.id}`, r] as [string, unknown]] : [])));
    const party = (ref: z.infer<typeof reference> | undefined): MessageParty | null => {
      if (!ref) return null;
      if (ref.identifier?.system === SYSTEM.herId && ref.identifier.value) return { herId: ref.identifier.value, service: ref.display ?? '', orgNumber: null, hprNumber: null, name: null };
      const r = roleSchema.safeParse(ref.reference ? contained.get(ref.reference) : undefined);
      const service = r.data?.healthcareService?.find((h) => h.identifier?.system === SYSTEM.herId && h.identifier.value);
      if (!r.success || !service?.identifier?.value) return null;
      const org = r.data.organization?.identifier;
      const hpr = r.data.practitioner?.identifier;
      return {
        herId: service.identifier.value,
        service: service.display ?? '',
        orgNumber: org?.system === SYSTEM.orgNumber ? normaliseOrgNumber(org.value) : null,
        hprNumber: hpr?.system === SYSTEM.hpr ? normaliseHprNumber(hpr.value) : null,
        name: r.data.practitioner?.display ?? null,
      };
    };
    const sender = party(c.sender);
    const recipient = party(c.recipient?.[0]);
    if (!sender || !recipient) continue;
    if (!c.sent) throw new BadResponseError('a Communication between services without the time it was sent');
    const id = idOf(c);
    const parent = c.inResponseTo?.[0];
    const inReplyTo = parent?.identifier?.system === MESSAGE_ID_SYSTEM && parent.identifier.value ? parent.identifier.value : parent?.reference?.startsWith('Communication/') ? (byResourceId.get(parent.reference.slice('Communication/'.length)) ?? null) : null;
    const typeCode = c.category?.flatMap((x) => x.coding ?? []).find((x) => x.system === MESSAGE_TYPE_SYSTEM)?.code;
    out.push({
      id,
      conversationRef: c.extension?.find((e) => e.url === CONVERSATION_EXTENSION)?.valueIdentifier?.value ?? inReplyTo ?? id,
      inReplyTo,
      kind: (typeCode && KIND[typeCode]) || (inReplyTo ? 'ANSWER' : 'NOTE'),
      sentAt: isoDateTime(c.sent),
      sender,
      recipient,
      subject: c.topic?.text ?? '',
      text: (c.payload ?? []).flatMap((p) => (p.contentString ? [p.contentString] : [])).join('\n\n'),
    });
  }
  return out.sort((a, b) => a.sentAt.localeCompare(b.sentAt) || a.id.localeCompare(b.id));
}
