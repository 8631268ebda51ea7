import { demoPatient } from '../../simulators/population';
import { TestSystem } from './harness';

/**
 * Decision support end to end over the simulators: warnings no single system can raise, in the graph and over CDS
 * Hooks 2.0, under the same rules and access log as any read.
 */
const egil = demoPatient('criticalInfo');
const olav = demoPatient('deceased');
const ingrid = demoPatient('homeCare');
const silje = demoPatient('strictlyConfidential');

const WARNINGS = `query($nin: String!) { patient(nin: $nin) {
  clinicalWarnings { ruleId kind severity summary detail suggestedAction medications partial missingSources
    knowledge { source version citation unverified } evidence { what value date provenance { sourceId system organisation } } }
  medications { atc warnings { ruleId } } } }`;

/** The patient prefetched as an EHR would: a FHIR Patient with the Norwegian identity number. */
const prefetchOf = (nin: string) => ({ patient: { resourceType: 'Patient', id: 'ehr-patient-1', identifier: [{ system: 'urn:oid:2.16.578.1.12.4.1.4.1', value: nin }] } });

/** The CDS Hooks 2.0 specification's patient-view example request (its patient has no Norwegian identity number). */
const specPatientView = {
  hookInstance: 'd1577c69-dfbe-44ad-ba6d-3e05e953b2ea',
  fhirServer: 'http://hooks.smarthealthit.org:9080',
  hook: 'patient-view',
  context: { userId: 'Practitioner/example', patientId: '1288992', encounterId: '89284' },
  prefetch: { patientToGreet: { resourceType: 'Patient', gender: 'male', birthDate: '1925-12-23', id: '1288992', active: true } },
};

/**
 * The shape of the specification's order-select example (R4): a NutritionOrder and an RxNorm-coded MedicationRequest
 * selected, its dose in `doseAndRate` as a single object, as the example has it.
 */
const specOrderSelect = {
  hook: 'order-select',
  hookInstance: 'd1577c69-dfbe-44ad-ba6d-3e05e953b2ea',
  context: {
    userId: 'PractitionerRole/123',
    patientId: '1288992',
    encounterId: '89284',
    selections: ['NutritionOrder/pureeddiet-simple', 'MedicationRequest/smart-MedicationRequest-103'],
    draftOrders: {
      resourceType: 'Bundle',
      entry: [
        { resource: { resourceType: 'NutritionOrder', id: 'pureeddiet-simple', status: 'draft' } },
        {
          resource: {
            resourceType: 'MedicationRequest',
            id: 'smart-MedicationRequest-103',
            status: 'draft',
            intent: 'order',
            medicationCodeableConcept: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '617993', display: 'Amoxicillin 120 MG/ML / clavulanate potassium 8.58 MG/ML Oral Suspension' }] },
            dosageInstruction: [{ text: '5 mL bid x 10 days', timing: { repeat: { frequency: 2, period: 1, periodUnit: 'd' } }, doseAndRate: { doseQuantity: { value: 5, unit: 'mL' } } }],
          },
        },
      ],
    },
  },
};

/** A draft order as a Norwegian EHR would send it: ATC-coded. */
const atcOrder = (id: string, atc: string, display: string, extra: Record<string, unknown> = {}) => ({
  resource: {
    resourceType: 'MedicationRequest',
    id,
    status: 'draft',
    intent: 'order',
    medicationCodeableConcept: { coding: [{ system: 'http://www.whocc.no/atc', code: atc, display }] },
    dosageInstruction: [{ timing: { repeat: { frequency: 3, period: 1, periodUnit: 'd' } }, doseAndRate: [{ doseQuantity: { value: 400, unit: 'mg' } }] }],
    ...extra,
  },
});

describe('decision support on the whole record', () => {
  let system: TestSystem;
  let base: string;
  beforeAll(async () => {
    system = await TestSystem.start({ sourceTimeoutMs: 3000 });
    base = new URL(system.system.gatewayUrl).origin;
  }, 120_000);
  afterAll(async () => {
    await system?.stop();
  });
  afterEach(async () => {
    await system.reset();
  });

  const hook = async (id: string, body: unknown, persona: string | null = 'emergency-physician') => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (persona) headers.authorization = `Bearer ${await system.token(persona)}`;
    const response = await fetch(`${base}/cds-services/${id}`, { method: 'POST', headers, body: JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as any };
  };

  it("warns about Egil Rønning's aspirin against his NSAID allergy, naming both sources, and on the medicine itself", async () => {
    const r = await system.query<any>(WARNINGS, { nin: egil.nin });
    expect(r.body.errors).toBeUndefined();
    const allergy = r.body.data.patient.clinicalWarnings.find((w: any) => w.kind === 'ALLERGY');
    expect(allergy).toEqual(expect.objectContaining({ ruleId: 'CDS-ALLERGY', severity: 'HIGH', medications: ['B01AC06'], partial: false }));
    const systems = allergy.evidence.map((e: any) => e.provenance?.system);
    expect(systems).toEqual(expect.arrayContaining(['summary-record', 'gp-kith']));
    expect(allergy.knowledge.source).toMatch(/^codelists\/cds\//);
    expect(r.body.data.patient.medications.find((m: any) => m.atc === 'B01AC06').warnings.map((w: any) => w.ruleId)).toContain('CDS-ALLERGY');
    // Deterministic: the same record gives the same warnings.
    const again = await system.query<any>(WARNINGS, { nin: egil.nin });
    expect(again.body.data.patient.clinicalWarnings).toEqual(r.body.data.patient.clinicalWarnings);
  }, 60_000);

  it("flags Olav Myhre's active medicines after his death", async () => {
    const r = await system.query<any>(WARNINGS, { nin: olav.nin });
    const deceased = r.body.data.patient.clinicalWarnings.find((w: any) => w.kind === 'DECEASED');
    expect(deceased.medications).toHaveLength(4);
    expect(deceased.evidence[0].provenance.system).toBe('population-register');
  }, 60_000);

  it('says which source is missing instead of staying silent', async () => {
    await system.setBehaviour('summary-record', { mode: 'fail' });
    const r = await system.query<any>(WARNINGS, { nin: egil.nin });
    const warnings = r.body.data.patient.clinicalWarnings;
    expect(warnings.some((w: any) => w.ruleId === 'CDS-ALLERGY')).toBe(false);
    expect(warnings.find((w: any) => w.kind === 'ALLERGY')).toEqual(expect.objectContaining({ ruleId: 'CDS-ALLERGY-PARTIAL', partial: true, missingSources: ['summary-record'] }));
    expect(r.body.errors?.find((e) => e.path?.join('.') === 'patient.clinicalWarnings')?.extensions).toEqual(expect.objectContaining({ code: 'SOURCE_UNAVAILABLE', partial: true, source: 'summary-record' }));
  }, 60_000);

  it("follows the rules: refused without a relationship, and a protected person's places are not named", async () => {
    const refused = await system.query<any>(WARNINGS, { nin: ingrid.nin }, 'nursing-home-doctor');
    expect(refused.body.errors?.find((e) => e.path?.join('.') === 'patient.clinicalWarnings')?.extensions?.reason).toBe('NO_RELATIONSHIP');
    // Silje Brekke's escitalopram comes from her GP office, whose name would place her: a proposed ibuprofen warns
    // (SSRI with NSAID) with the evidence named by its sector only, to everyone outside that office.
    const P = 'query($nin: String!, $p: [ProposedMedication!]) { patient(nin: $nin) { clinicalWarnings(proposed: $p) { ruleId summary detail suggestedAction evidence { what value provenance { sourceId organisation } } } } }';
    const proposed = [{ id: 'd1', atc: 'M01AE01', name: 'Ibuprofen', amount: 400, unit: 'mg', timesPerDay: 3 }];
    const outside = await system.query<any>(P, { nin: silje.nin, p: proposed });
    const warning = outside.body.data.patient.clinicalWarnings.find((w: any) => w.ruleId === 'CDS-INTERACTION-SSRI-NSAID');
    expect(warning.evidence.find((e: any) => e.provenance)?.provenance).toEqual({ sourceId: 'gp', organisation: expect.not.stringMatching(/legekontor|legesenter|Midtbyen/) });
    for (const place of ['Midtbyen', 'Trondheim', 'legekontor', 'legesenter', 'gp-']) expect(JSON.stringify(warning)).not.toContain(place);
    // Her own office sees its name.
    const inside = await system.query<any>(P, { nin: silje.nin, p: proposed }, 'gp-midtbyen');
    expect(JSON.stringify(inside.body.data.patient.clinicalWarnings)).toMatch(/Midtbyen/);
  }, 60_000);

  it('refuses a proposed order that is not an ATC code, naming the argument', async () => {
    const r = await system.query<any>('query($nin: String!, $p: [ProposedMedication!]) { patient(nin: $nin) { clinicalWarnings(proposed: $p) { ruleId } } }', {
      nin: egil.nin,
      p: [{ id: 'x', atc: 'ibuprofen', name: 'Ibuprofen' }],
    });
    expect(r.body.errors?.map((e) => [e.extensions?.code, e.extensions?.argument])).toEqual([['BAD_USER_INPUT', 'proposed[0].atc']]);
  }, 60_000);

  describe('over CDS Hooks 2.0', () => {
    it('lists both services at the discovery endpoint, without a token', async () => {
      const response = await fetch(`${base}/cds-services`);
      const body = (await response.json()) as any;
      expect(response.status).toBe(200);
      expect(body.services.map((s: any) => [s.hook, s.id, s.prefetch.patient])).toEqual([
        ['patient-view', 'patient-graph-warnings', 'Patient/{{context.patientId}}'],
        ['order-select', 'patient-graph-order-check', 'Patient/{{context.patientId}}'],
      ]);
    });

    it('answers patient-view with cards computed by the same rules, logged as a read', async () => {
      const r = await hook('patient-graph-warnings', { ...specPatientView, prefetch: prefetchOf(egil.nin) });
      expect(r.status).toBe(200);
      const allergy = r.body.cards.find((c: any) => c.source.topic.code === 'CDS-ALLERGY');
      expect(allergy).toEqual(expect.objectContaining({ indicator: 'critical', source: expect.objectContaining({ label: 'Patient graph decision support' }) }));
      expect(allergy.summary.length).toBeLessThanOrEqual(140);
      expect(allergy.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(allergy.detail).toMatch(/What to do/);
      // The GP's EHR asks about Ingrid: her access log shows the GP reading her warnings.
      const gp = await hook('patient-graph-warnings', { ...specPatientView, prefetch: prefetchOf(ingrid.nin) }, 'gp');
      expect(gp.body.cards.find((c: any) => c.source.topic.code === 'CDS-INTERACTION-VKA-NSAID')?.indicator).toBe('critical');
      const log = await system.query<any>('{ me { accessLog(last: 20) { fields accessor { practitioner { name { text } } } } } }', {}, 'citizen-ingrid');
      const read = log.body.data.me.accessLog.find((e: any) => e.fields.includes('Patient.clinicalWarnings'));
      expect(read.accessor.practitioner.name.text).toBe('Siri Kristoffersen');
    }, 60_000);

    it("answers the specification's examples: 412 without a Norwegian patient in the prefetch, an info card for an RxNorm order", async () => {
      const spec = await hook('patient-graph-warnings', specPatientView);
      expect([spec.status, spec.body.error]).toEqual([412, 'PREFETCH_REQUIRED']);
      const noPrefetch = await hook('patient-graph-warnings', { ...specPatientView, prefetch: undefined });
      expect(noPrefetch.status).toBe(412);
      const order = await hook('patient-graph-order-check', { ...specOrderSelect, prefetch: prefetchOf(egil.nin) });
      expect(order.status).toBe(200);
      expect(order.body.cards.map((c: any) => [c.indicator, c.source.topic.code])).toEqual([['info', 'UNCODED:smart-MedicationRequest-103']]);
    }, 60_000);

    it('answers order-select with the warnings of the selected order, and a suggestion to remove it', async () => {
      const body = {
        ...specOrderSelect,
        prefetch: prefetchOf(egil.nin),
        context: { ...specOrderSelect.context, selections: ['MedicationRequest/draft-ibu'], draftOrders: { resourceType: 'Bundle', entry: [atcOrder('draft-ibu', 'M01AE01', 'Ibuprofen')] } },
      };
      const r = await hook('patient-graph-order-check', body);
      expect(r.status).toBe(200);
      const allergy = r.body.cards.find((c: any) => c.source.topic.code === 'CDS-ALLERGY');
      expect(allergy.indicator).toBe('critical');
      expect(allergy.selectionBehavior).toBe('at-most-one');
      expect(allergy.suggestions[0].actions).toEqual([{ type: 'delete', description: 'Remove the draft order draft-ibu', resourceId: ['MedicationRequest/draft-ibu'] }]);
      // Only the selected order's warnings: not the record's own (aspirin against the allergy is patient-view's).
      expect(r.body.cards.every((c: any) => c.source.topic.code !== 'CDS-DUPLICATION' || JSON.stringify(c).includes('draft-ibu'))).toBe(true);
    }, 60_000);

    it('gives each failure its documented answer', async () => {
      expect((await hook('patient-graph-warnings', { ...specPatientView, prefetch: prefetchOf(egil.nin) }, null)).status).toBe(401);
      const refused = await hook('patient-graph-warnings', { ...specPatientView, prefetch: prefetchOf(ingrid.nin) }, 'nursing-home-doctor');
      expect([refused.status, refused.body.error, refused.body.reason]).toEqual([403, 'FORBIDDEN', 'NO_RELATIONSHIP']);
      const invalid = await hook('patient-graph-warnings', { ...specPatientView, prefetch: prefetchOf('12345678901') });
      expect([invalid.status, invalid.body.error]).toEqual([400, 'INVALID_NIN']);
      const wrongHook = await hook('patient-graph-warnings', { ...specOrderSelect, prefetch: prefetchOf(egil.nin) });
      expect([wrongHook.status, wrongHook.body.error]).toEqual([400, 'BAD_REQUEST']);
      expect((await hook('no-such-service', specPatientView)).status).toBe(404);
      const unknown = await hook('patient-graph-warnings', { ...specPatientView, prefetch: prefetchOf('10915596784') });
      expect(unknown.status).toBe(200);
      expect(unknown.body.cards.map((c: any) => c.source.topic.code)).toEqual(['PATIENT_NOT_FOUND']);
      for (const answer of [refused, invalid, wrongHook, unknown]) expect(JSON.stringify(answer.body)).not.toMatch(/\bat .*\.ts:\d+/);
    }, 60_000);

    it('says which source is missing when one hangs past its timeout', async () => {
      await system.setBehaviour('summary-record', { mode: 'hang' });
      const r = await hook('patient-graph-warnings', { ...specPatientView, prefetch: prefetchOf(egil.nin) });
      expect(r.status).toBe(200);
      const partial = r.body.cards.find((c: any) => c.source.topic.code === 'CDS-ALLERGY-PARTIAL');
      expect(partial.indicator).toBe('info');
      expect(partial.detail).toContain('summary-record');
    }, 60_000);
  });
});
