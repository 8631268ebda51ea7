import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { HospitalRecord } from '../population';
import { operationOutcome } from './outcome';
import { SYSTEM, type ProjectionContext, type Resource } from './resources';

/**
 * Blocks (sperring, pjl § 17) a patient sets and lifts herself, through the graph: FHIR Consents the hospital
 * holds beside those it registered itself. Created with `POST /fhir/Consent` (once per identifier, FHIR's
 * conditional create with `If-None-Exist`), lifted with `PUT /fhir/Consent/{id}` and `status: inactive`. Only a
 * Consent the patient set (performer: the patient; identifier under CITIZEN_BLOCK_SYSTEM) is hers to lift: the
 * blocks the hospital registered are changed at the hospital.
 */
export const CITIZEN_BLOCK_SYSTEM = 'urn:x-patient-graph:identifier:citizen-block';

const identifier = z.object({ system: z.string(), value: z.string().min(1).max(200) });
const actor = z.object({ role: z.unknown().optional(), reference: z.object({ identifier }) });
const consentBody = z.object({
  resourceType: z.literal('Consent'),
  status: z.literal('active'),
  identifier: z.array(identifier).min(1),
  patient: z.object({ identifier }),
  performer: z.array(z.object({ identifier })).min(1),
  provision: z.object({
    type: z.literal('deny'),
    actor: z.array(actor).max(10).optional(),
    data: z.array(z.object({ meaning: z.literal('instance'), reference: z.object({ reference: z.string().regex(/^DocumentReference\/[A-Za-z0-9.-]{1,64}$/) }) })).max(10).optional(),
  }),
});

interface Kept {
  nin: string;
  key: string;
  resource: Resource;
}

/** What this hospital keeps of the blocks patients set: by id, and by their identifier (the idempotency key). */
export class CitizenConsents {
  private readonly byId = new Map<string, Kept>();
  private readonly byKey = new Map<string, string>();

  /** The patient's active ones, as the record's search shows them (patient by the record's own reference). */
  forPatient(nin: string, patientRef: string): Resource[] {
    return [...this.byId.values()].filter((k) => k.nin === nin && k.resource.status === 'active').map((k) => ({ ...k.resource, patient: { reference: patientRef } }));
  }

  /**
   * Takes a Consent a patient sets. 201 with the resource; 200 with the one already made for the same identifier
   * (If-None-Exist), nothing new stored; 4xx with an OperationOutcome for what it cannot take.
   */
  create(body: unknown, patient: (nin: string) => { record: HospitalRecord; localId: string } | undefined, ctx: ProjectionContext): { status: number; body: Record<string, unknown>; nin?: string } {
    const parsed = consentBody.safeParse(body);
    if (!parsed.success) return refuse(400, 'structure', 'A Consent with status active, identifier, patient and performer by identifier, and a deny provision is expected.');
    const consent = parsed.data;
    const key = consent.identifier.find((i) => i.system === CITIZEN_BLOCK_SYSTEM)?.value;
    if (!key) return refuse(422, 'required', `A block set by the patient carries an identifier under ${CITIZEN_BLOCK_SYSTEM}.`);
    const nin = consent.patient.identifier.value;
    // The patient sets her own block: the performer is the patient.
    if (!consent.performer.some((p) => p.identifier.value === nin)) return refuse(403, 'forbidden', 'Only the patient may set a block on her record here.');
    const existing = this.byKey.get(key);
    if (existing) {
      const kept = this.byId.get(existing) as Kept;
      return kept.nin === nin ? { status: 200, body: kept.resource, nin } : refuse(409, 'duplicate', 'This identifier names another Consent.');
    }
    const held = patient(nin);
    if (!held) return refuse(422, 'not-found', 'This hospital holds no record of the patient.');
    const { actor: actors = [], data = [] } = consent.provision;
    if (actors.length === 0 && data.length === 0) return refuse(422, 'required', 'A block names whom it keeps out (actor) or what it covers (data).');
    for (const a of actors) {
      const { system, value } = a.reference.identifier;
      if (system !== SYSTEM.hpr && system !== SYSTEM.orgNumber) return refuse(422, 'code-invalid', 'An actor is named by HPR number or organisation number.');
      if (!/^\d{1,9}$/.test(value)) return refuse(422, 'value', 'An actor identifier is a number.');
    }
    const documents = new Set(held.record.documents.map((d) => d.id));
    for (const d of data) {
      // A document of another patient, or one this hospital does not hold, is not one she can block here.
      if (!documents.has(d.reference.reference.replace(/^DocumentReference\//, ''))) return refuse(422, 'not-found', "The document is not in the patient's record here.");
    }
    const id = randomUUID();
    const resource: Resource = {
      resourceType: 'Consent',
      id,
      meta: { versionId: '1' },
      identifier: [{ system: CITIZEN_BLOCK_SYSTEM, value: key }],
      status: 'active',
      scope: { coding: [{ system: SYSTEM.consentScope, code: 'patient-privacy', display: 'Privacy Consent' }] },
      category: [{ coding: [{ system: SYSTEM.loinc, code: '59284-0', display: 'Patient Consent' }] }],
      patient: { reference: `Patient/${held.localId}` },
      dateTime: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      performer: [{ reference: `Patient/${held.localId}` }],
      organization: [{ identifier: { system: SYSTEM.orgNumber, value: ctx.hospital.orgNumber }, display: ctx.hospital.name }],
      policyRule: { text: 'pjl § 17 (sperring), satt av pasienten' },
      provision: {
        type: 'deny',
        ...(actors.length ? { actor: actors.map((a) => ({ role: RECIPIENT, reference: { identifier: a.reference.identifier } })) } : {}),
        ...(data.length ? { data } : {}),
      },
    };
    this.byId.set(id, { nin, key, resource });
    this.byKey.set(key, id);
    return { status: 201, body: resource, nin };
  }

  /** Lifts a block the patient set (status inactive). Another Consent of the hospital's is not hers to change. */
  update(id: string, body: unknown, registered: (id: string) => boolean): { status: number; body: Record<string, unknown>; nin?: string } {
    const kept = this.byId.get(id);
    if (!kept && registered(id)) return refuse(403, 'forbidden', 'Only a block the patient set through this service can be lifted here; the others are changed at the hospital.');
    if (!kept) return refuse(404, 'not-found', 'No such Consent.');
    const parsed = z.object({ resourceType: z.literal('Consent'), id: z.literal(id), status: z.enum(['active', 'inactive']) }).safeParse(body);
    if (!parsed.success) return refuse(400, 'structure', 'PUT the Consent with its id and the status it is to have.');
    const version = Number((kept.resource.meta as { versionId?: string } | undefined)?.versionId ?? '1') + (kept.resource.status === parsed.data.status ? 0 : 1);
    kept.resource = { ...kept.resource, status: parsed.data.status, meta: { versionId: String(version) } };
    return { status: 200, body: kept.resource, nin: kept.nin };
  }
}

const RECIPIENT = { coding: [{ system: SYSTEM.participationType, code: 'IRCP', display: 'information recipient' }] };

function refuse(status: number, code: string, text: string): { status: number; body: Record<string, unknown> } {
  return { status, body: operationOutcome(code, text) };
}
