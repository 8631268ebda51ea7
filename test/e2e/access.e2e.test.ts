import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { SignJWT } from 'jose';
import { FIRST_QUERY_FILE } from '../../gateway/playground';
import { PERSONAS } from '../../gateway/devIdp/personas';
import type { Identity } from '../../lib/identity';
import { internalSigningKey, signInternalToken } from '../../lib/internalToken';
import { containsNin } from '../../adapters/kit';
import { demoPatient, getPopulation } from '../../simulators/population';
import { accessGrantSecret, signAccessGrant } from '../../subgraphs/kit/access/accessGrant';
import { TestSystem, type GraphQLErrorJson, type GraphQLResponse } from './harness';

/**
 * Identity, field rules and the access decision, through the gateway and around it: every token the
 * gateway must refuse, every way around it to a subgraph, and each rule's allowed and denied case with the
 * demo personas (docs/ACCESS.md says who should see what).
 */
let system: TestSystem;

beforeAll(async () => {
  system = await TestSystem.start({ sourceTimeoutMs: 5000 });
}, 120_000);

afterAll(async () => {
  await system?.stop();
});

const ingrid = demoPatient('homeCare');
const kjell = demoPatient('nursingHome');
const hilde = demoPatient('blockedDocument');
const silje = demoPatient('strictlyConfidential');

const PATIENT = `query($nin: String!) { patient(nin: $nin) {
  name { text } address { street } municipality { name }
  generalPractitioner { gp { name { text } } office { name herId orgNumber } }
  careRecord { municipality services { unit } }
  gpRecord { office consultations(last: 1) { time } }
  hospitalRecords { hospital documents { id blocked withheldFromPatient title text encounterId author { hprNumber } } }
  summaryRecord { criticalInformation { text } dispensedMedications { pharmacy } }
  medications { atc entries { note provenance { sourceId organisation } } }
  timeline(first: 200) { detail provenance { sourceId organisation } }
  sources { sourceId organisation latencyMs }
} }`;

const codes = (r: GraphQLResponse) => (r.body.errors ?? []).map((e) => e.extensions?.code);
const errorFor = (r: GraphQLResponse, path: string) => r.body.errors?.find((e) => e.path?.join('.') === path);
const rulesAt = (r: GraphQLResponse) => Object.fromEntries((r.body.errors ?? []).map((e) => [e.path?.join('.'), `${e.extensions?.rule}:${e.extensions?.reason}`]));

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; body: any }> {
  const response = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

describe('authentication at the gateway', () => {
  const query = { query: '{ __typename }' };
  const refused = async (token: string | undefined) => {
    const r = await post(system.system.gatewayUrl, query, token === undefined ? {} : { Authorization: `Bearer ${token}` });
    expect(r.status).toBe(401);
    expect(r.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(r.body.data).toBeUndefined();
    return { reason: r.body.errors[0].extensions.reason as string, challenge: r.headers.get('www-authenticate') };
  };

  it('answers a valid token, and refuses a request without one with 401 and a Bearer challenge', async () => {
    expect((await system.query('{ __typename }', {}, 'gp')).body).toEqual({ data: { __typename: 'Query' }, extensions: { cost: expect.any(Object) } });
    expect(await refused(undefined)).toEqual({ reason: 'missing_token', challenge: 'Bearer realm="patient-graph"' });
    // The playground page and health answer without a token.
    expect((await fetch(system.system.playgroundUrl)).status).toBe(200);
    expect((await fetch(system.system.healthUrl)).status).toBe(200);
  });

  it('refuses expired, not yet valid, foreign, misaddressed, re-signed, unsigned and tampered tokens', async () => {
    const good = await system.idp.token('gp');
    const [header, payload, signature] = good.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const otherKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const kid = (JSON.parse(Buffer.from(header, 'base64url').toString()) as { kid: string }).kid;
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const cases: [string, string][] = [
      ['token_expired', await system.idp.token('gp', { expiresInSeconds: -60 })],
      ['token_not_yet_valid', await system.idp.token('gp', { notBeforeSeconds: 300 })],
      ['unknown_issuer', await new SignJWT(claims).setProtectedHeader({ alg: 'ES256', typ: 'at+jwt' }).setIssuer('https://idp.example').sign(otherKey)],
      ['wrong_audience', await system.idp.token('gp', { audience: 'some-other-api' })],
      ['bad_signature', await new SignJWT(claims).setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid }).sign(otherKey)],
      ['algorithm_not_allowed', `${b64({ alg: 'none', typ: 'at+jwt' })}.${payload}.`],
      ['bad_signature', `${header}.${b64({ ...claims, 'helseid://claims/hpr/hpr_number': '5636150' })}.${signature}`],
      ['malformed_token', 'not-a-jwt'],
      ['insufficient_assurance', await system.idp.token('gp', { weakAssurance: true })],
    ];
    for (const [reason, token] of cases) expect([reason, (await refused(token)).reason]).toEqual([reason, reason]);
    expect((await refused(await system.idp.token('citizen-ingrid', { weakAssurance: true }))).challenge).toContain('insufficient_user_authentication');
  });
});

describe('trust between gateway and subgraphs', () => {
  const entities = (nin: string, extra: Record<string, unknown> = {}) => ({
    query: 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Patient { careRecord { municipality services { unit } } } } }',
    variables: { r: [{ __typename: 'Patient', nin, ...extra }] },
  });
  const identity: Identity = {
    kind: 'PERSONNEL',
    role: 'CLINICIAN',
    issuer: 'test',
    hprNumber: '9894367',
    orgNumber: '974557746',
    childOrgNumber: null,
    herId: null,
    profession: 'LE',
    purpose: 'ETREAT',
    emergencyReason: 'test',
  };

  it('refuses a direct call without the internal token, or with one signed by another key, and asks no source', async () => {
    await system.reset();
    const url = system.system.subgraphUrls.person as string;
    const direct = await post(url, { query: `{ patient(nin: "${silje.nin}") { accessGrant name { text } } }` });
    expect(direct.status).toBe(401);
    expect(direct.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const forged = await signInternalToken(generateKeyPairSync('ed25519').privateKey, 'person', randomUUID(), identity);
    expect((await post(url, { query: '{ __typename }' }, { Authorization: `Bearer ${forged}` })).status).toBe(401);
    // A token addressed to another subgraph is refused too.
    const forCare = await signInternalToken(internalSigningKey(), 'care', randomUUID(), identity);
    expect((await post(url, { query: '{ __typename }' }, { Authorization: `Bearer ${forCare}` })).status).toBe(401);
    const stats = await system.stats();
    for (const [id, s] of Object.entries(stats)) expect([id, s.requests]).toEqual([id, 0]);
  });

  it('gives nothing for forged routing fields or a grant of another request, even with a valid internal token', async () => {
    await system.reset();
    const url = system.system.subgraphUrls.care as string;
    const rid = randomUUID();
    // A fresh token for each call: a subgraph takes each token once.
    const auth = async () => ({ Authorization: `Bearer ${await signInternalToken(internalSigningKey(), 'care', rid, identity)}` });
    // The old routing fields, as a caller would forge them: they are not even part of the representation any more.
    const forged = await post(url, entities(silje.nin, { routingMunicipality: '5001', routingAddressProtected: false }), await auth());
    expect(forged.body.data._entities).toEqual([{ careRecord: null }]);
    expect(forged.body.errors[0].extensions).toEqual(expect.objectContaining({ code: 'FORBIDDEN', rule: 'clinicalData', reason: 'INVALID_GRANT' }));
    // A genuine grant, but made for another request: worth nothing here.
    const decision = { routing: { municipality: '4601', gpOffice: '81241', strictlyConfidential: false }, grounds: [{ kind: 'EMERGENCY' as const }], refusal: null };
    const replayed = await post(url, entities(ingrid.nin, { accessGrant: signAccessGrant(accessGrantSecret(), randomUUID(), ingrid.nin, identity, decision) }), await auth());
    expect(replayed.body.errors[0].extensions.reason).toBe('INVALID_GRANT');
    // A grant of this request but for another patient: worth nothing either.
    const otherPatient = await post(url, entities(ingrid.nin, { accessGrant: signAccessGrant(accessGrantSecret(), rid, kjell.nin, identity, decision) }), await auth());
    expect(otherPatient.body.errors[0].extensions.reason).toBe('INVALID_GRANT');
    // A grant of this request and patient, but made for another reader than the internal token names.
    const otherReader = { ...identity, hprNumber: '5419302', orgNumber: '911223341' };
    const anotherReader = await post(url, entities(ingrid.nin, { accessGrant: signAccessGrant(accessGrantSecret(), rid, ingrid.nin, otherReader, decision) }), await auth());
    expect(anotherReader.body.errors[0].extensions.reason).toBe('INVALID_GRANT');
    // A grant made for another subgraph only.
    const forGp = await post(url, entities(ingrid.nin, { accessGrant: signAccessGrant(accessGrantSecret(), rid, ingrid.nin, identity, decision, ['gp']) }), await auth());
    expect(forGp.body.errors[0].extensions.reason).toBe('INVALID_GRANT');
    expect((await system.stats())['care-bergen']?.requests).toBe(0);
    // The same grant for this request and patient is what the person subgraph would hand over: it works.
    const genuine = await post(url, entities(ingrid.nin, { accessGrant: signAccessGrant(accessGrantSecret(), rid, ingrid.nin, identity, decision) }), await auth());
    expect(genuine.body.errors).toBeUndefined();
    expect(genuine.body.data._entities[0].careRecord.municipality).toBe('Bergen kommune');
  });

  it('takes each internal token once: a token replayed to the same subgraph is refused', async () => {
    const url = system.system.subgraphUrls.national as string;
    const auth = { Authorization: `Bearer ${await signInternalToken(internalSigningKey(), 'national', randomUUID(), identity)}` };
    expect((await post(url, { query: '{ __typename }' }, auth)).status).toBe(200);
    expect((await post(url, { query: '{ __typename }' }, auth)).status).toBe(401);
  });

  it('validates every identity number of a representation and caps how many come at once', async () => {
    const url = system.system.subgraphUrls.hospital as string;
    const auth = async () => ({ Authorization: `Bearer ${await signInternalToken(internalSigningKey(), 'hospital', randomUUID(), identity)}` });
    const query = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Patient { nin } } }';
    const invalid = await post(url, { query, variables: { r: [{ __typename: 'Patient', nin: '12345678901' }] } }, await auth());
    expect(invalid.body.errors[0].extensions.code).toBe('INVALID_NIN');
    expect(JSON.stringify(invalid.body)).not.toContain('12345678901');
    const many = Array.from({ length: 1001 }, () => ({ __typename: 'Patient', nin: ingrid.nin }));
    const capped = await post(url, { query, variables: { r: many } }, await auth());
    expect(capped.body.errors[0].extensions).toEqual(expect.objectContaining({ code: 'BAD_USER_INPUT', max: 1000 }));
  });
});

describe('field rules, persona by persona', () => {
  it('patientLookup and citizen: each role has its own entry point, refused before planning otherwise', async () => {
    await system.reset();
    for (const persona of ['citizen-ingrid', 'researcher', 'administrator']) {
      const r = await system.query('query($nin: String!) { patient(nin: $nin) { name { text } } }', { nin: ingrid.nin }, persona);
      expect([persona, r.status, codes(r)]).toEqual([persona, 403, ['FORBIDDEN']]);
      expect(r.body.errors?.[0]?.extensions?.rule).toContain('patientLookup');
    }
    const personnelMe = await system.query('{ me { name { text } } }', {}, 'gp');
    expect([personnelMe.status, personnelMe.body.errors?.[0]?.extensions?.rule]).toEqual([403, 'citizen']);
    const me = await system.query('{ me { name { text } } }', {}, 'citizen-hilde');
    expect(me.body).toEqual({ data: { me: { name: { text: 'Hilde Tveit' } } }, extensions: { cost: expect.any(Object) } });
    // Refused before planning: not one source was asked for the refused requests.
    expect(Object.values(await system.stats()).reduce((n, s) => n + s.requests, 0)).toBeGreaterThan(0);
  });

  it('careRelationship: the GP list, an active municipal service, an active hospital episode; nobody else', async () => {
    const record = `query($nin: String!) { patient(nin: $nin) { name { text } careRecord { services { type } } gpRecord { consultations(last: 1) { time } } hospitalRecords { encounters { class } } } }`;
    const granted: [string, string][] = [
      ['gp', ingrid.nin],
      ['home-care-nurse', ingrid.nin],
      ['hospital-doctor', ingrid.nin],
      ['nursing-home-doctor', kjell.nin],
    ];
    for (const [persona, nin] of granted) {
      const r = await system.query<any>(record, { nin }, persona);
      expect([persona, r.body.errors]).toEqual([persona, undefined]);
      expect(r.body.data.patient.careRecord.services.length).toBeGreaterThan(0);
    }
    const refused: [string, string][] = [
      ['gp', hilde.nin],
      ['home-care-nurse', kjell.nin],
      ['nursing-home-doctor', ingrid.nin],
      ['hospital-doctor', kjell.nin],
    ];
    for (const [persona, nin] of refused) {
      const r = await system.query<any>(record, { nin }, persona);
      // Registry data still: the patient is identified; every health record is refused by its rule.
      expect(r.body.data.patient.name.text).toMatch(/\S/);
      expect([persona, rulesAt(r)]).toEqual([
        persona,
        {
          'patient.careRecord': 'clinicalData:NO_RELATIONSHIP',
          'patient.gpRecord': 'clinicalData:NO_RELATIONSHIP',
          'patient.hospitalRecords': 'clinicalData:NO_RELATIONSHIP',
        },
      ]);
    }
  });

  it('emergencyAccess: ETREAT with a reason opens health data; without a reason it is refused', async () => {
    const q = 'query($nin: String!) { patient(nin: $nin) { summaryRecord { criticalInformation { text } } } }';
    const withReason = await system.query<any>(q, { nin: ingrid.nin }, 'emergency-physician');
    expect(withReason.body.data.patient.summaryRecord.criticalInformation).toEqual([{ text: 'Penicilliner' }]);
    const noReason = await system.query<any>(q, { nin: ingrid.nin }, { persona: 'emergency-physician', options: { reason: null } });
    expect(noReason.body.data.patient.summaryRecord).toBeNull();
    expect(rulesAt(noReason)).toEqual({ 'patient.summaryRecord': 'clinicalData:EMERGENCY_REASON_MISSING' });
  });

  it('namedPersonBlock: a practitioner the patient blocked by name gets none of her health data, emergency access included', async () => {
    const q = 'query($nin: String!) { patient(nin: $nin) { name { text } medications { atc } hospitalRecords { hospital } } }';
    for (const reader of ['blocked-practitioner', { persona: 'blocked-practitioner', options: { purpose: 'ETREAT' as const, reason: 'Akutt innleggelse' } }]) {
      const r = await system.query<any>(q, { nin: hilde.nin }, reader);
      expect(r.body.data.patient).toEqual({ name: { text: 'Hilde Tveit' }, medications: null, hospitalRecords: null });
      expect(rulesAt(r)).toEqual({ 'patient.medications': 'clinicalData:BLOCKED_BY_PATIENT', 'patient.hospitalRecords': 'clinicalData:BLOCKED_BY_PATIENT' });
    }
    // The same person with the HPR number written with leading zeros, as another system might: still blocked.
    for (const hprNumber of ['09429915', '0009429915']) {
      const r = await system.query<any>(q, { nin: hilde.nin }, { persona: 'blocked-practitioner', options: { hprNumber, purpose: 'ETREAT' as const, reason: 'Akutt' } });
      expect([hprNumber, r.body.data.patient]).toEqual([hprNumber, { name: { text: 'Hilde Tveit' }, medications: null, hospitalRecords: null }]);
      expect(rulesAt(r)).toEqual({ 'patient.medications': 'clinicalData:BLOCKED_BY_PATIENT', 'patient.hospitalRecords': 'clinicalData:BLOCKED_BY_PATIENT' });
    }
    // The block names Hilde's record only: the same practitioner reads Ingrid, whom Haukeland treats.
    const other = await system.query<any>(q, { nin: ingrid.nin }, 'blocked-practitioner');
    expect(other.body.errors).toBeUndefined();
  });

  it('namedPersonBlock follows the person, not the organisation claimed, and fails closed without the population register', async () => {
    const q = 'query($nin: String!) { patient(nin: $nin) { gpRecord { consultations(last: 1) { time } } summaryRecord { dispensedMedications { atc } } medications { atc } } }';
    const asBlocked = (orgNumber: string) => ({ persona: 'blocked-practitioner', options: { orgNumber, purpose: 'ETREAT' as const, reason: 'Akutt' } });
    for (const org of ['964338531', '999999999']) {
      const r = await system.query<any>(q, { nin: hilde.nin }, asBlocked(org));
      expect([org, r.body.data.patient]).toEqual([org, { gpRecord: null, summaryRecord: null, medications: null }]);
      expect(new Set(r.body.errors?.map((e) => e.extensions?.reason))).toEqual(new Set(['BLOCKED_BY_PATIENT']));
    }
    await system.setBehaviour('population-register', { mode: 'fail' });
    try {
      const r = await system.query<any>(q, { nin: hilde.nin }, asBlocked('983974724'));
      expect(r.body.data.patient).toEqual({ gpRecord: null, summaryRecord: null, medications: null });
      // Someone the patient did not block still reads by emergency access while the register is down.
      const other = await system.query<any>(q, { nin: hilde.nin }, 'emergency-physician');
      expect(other.body.data.patient.gpRecord.consultations).toHaveLength(1);
    } finally {
      await system.reset();
    }
  });

  it('documentContent reaches the encounter: its department and diagnoses are not shown to those the block keeps out', async () => {
    const q = `query($nin: String!) { patient(nin: $nin) { hospitalRecords { encounters { id sourceId department } diagnoses { code { code } } documents { blocked } }
      gpRecord { referrals { id sourceId toDepartment reason { code } text } } timeline(first: 50) { kind title detail codes { code } } } }`;
    const outside = await system.query<any>(q, { nin: hilde.nin }, 'emergency-physician');
    const record = outside.body.data.patient.hospitalRecords[0];
    expect(record.documents.map((d: any) => d.blocked).sort()).toEqual([false, true]);
    expect(record.encounters.map((e: any) => e.department)).toEqual(['Nevrologisk poliklinikk']);
    expect(record.diagnoses.map((d: any) => d.code.code)).toEqual(['G430']);
    // The hospital's events: the psychiatric visit is gone.
    const hospitalEvents = outside.body.data.patient.timeline.filter((e: any) => e.title.startsWith('Poliklinisk besøk'));
    expect(hospitalEvents.map((e: any) => e.title)).toEqual(['Poliklinisk besøk, Nevrologisk poliklinikk']);
    expect(JSON.stringify(outside.body.data.patient.timeline)).not.toContain('"F32"');
    // And so is the GP's referral that asked for it, in the GP record and its timeline event: "Henvisning til
    // Psykiatrisk poliklinikk" with the diagnosis told what the hidden note was about (outside review).
    const text = JSON.stringify(outside.body.data.patient);
    expect(text).not.toMatch(/[Pp]sykiatri/);
    const referrals = outside.body.data.patient.gpRecord.referrals as any[];
    expect(referrals.map((r) => r.toDepartment)).toEqual(['Nevrologisk poliklinikk']);
    expect(outside.body.data.patient.timeline.filter((e: any) => e.kind === 'GP_REFERRAL').map((e: any) => e.title)).toEqual(['Henvisning til Nevrologisk poliklinikk']);
    const inside = await system.query<any>(q, { nin: hilde.nin }, 'hospital-doctor');
    expect(inside.body.data.patient.hospitalRecords[0].encounters.map((e: any) => e.department).sort()).toEqual(['Nevrologisk poliklinikk', 'Psykiatrisk poliklinikk']);
    // Inside Haukeland, which the block excepts, the referral is there with the note it led to.
    expect((inside.body.data.patient.gpRecord.referrals as any[]).map((r) => r.toDepartment).sort()).toEqual(['Nevrologisk poliklinikk', 'Psykiatrisk poliklinikk']);
    // The ids the sources hand out are opaque: the hidden items leave no gap to count. The global ids, made from them, neither.
    const items = [...referrals, ...outside.body.data.patient.hospitalRecords[0].encounters];
    for (const id of items.flatMap((x: any) => [x.sourceId, x.id])) expect(id).not.toMatch(/\d{3,}/);
    expect(items.every((x: any) => typeof x.sourceId === 'string' && x.sourceId.length > 0)).toBe(true);
  });

  it('documentContent: a blocked document is read at Haukeland only; a withheld one is not shown to the patient', async () => {
    const q = `query($nin: String!) { patient(nin: $nin) { hospitalRecords { documents { id blocked withheldFromPatient title text encounterId author { hprNumber } } } } }`;
    const blockedDoc = (r: GraphQLResponse<any>) => r.body.data.patient.hospitalRecords[0].documents.find((d: any) => d.withheldFromPatient);
    const atHaukeland = await system.query<any>(q, { nin: hilde.nin }, 'hospital-doctor');
    expect(atHaukeland.body.errors).toBeUndefined();
    expect(blockedDoc(atHaukeland)).toEqual(
      expect.objectContaining({ blocked: false, title: expect.stringContaining('Psykiatrisk'), text: expect.stringContaining('depressiv'), encounterId: expect.any(String), author: { hprNumber: expect.any(String) } }),
    );
    // Outside Haukeland, by emergency access: listed, nothing of it, and four refusals naming the rule.
    const elsewhere = await system.query<any>(q, { nin: hilde.nin }, 'emergency-physician');
    expect(blockedDoc(elsewhere)).toEqual({ id: expect.any(String), blocked: true, withheldFromPatient: true, title: null, text: null, encounterId: null, author: null });
    expect(new Set(elsewhere.body.errors?.map((e) => `${e.path?.slice(-1)}:${e.extensions?.rule}:${e.extensions?.reason}`))).toEqual(
      new Set(['title', 'text', 'encounterId', 'author'].map((f) => `${f}:documentContent:BLOCKED_BY_PATIENT`)),
    );
    // Hilde herself: her block does not keep her out, but the note is withheld from her own access.
    const herself = await system.query<any>(q.replace('query($nin: String!) { patient(nin: $nin)', '{ me'), {}, 'citizen-hilde');
    const own = herself.body.data.me.hospitalRecords[0].documents;
    expect(own.find((d: any) => d.withheldFromPatient)).toEqual(expect.objectContaining({ blocked: false, title: null, text: null }));
    expect(own.find((d: any) => !d.withheldFromPatient).text).toMatch(/migrene/);
    expect(new Set(herself.body.errors?.map((e) => e.extensions?.reason))).toEqual(new Set(['WITHHELD_FROM_PATIENT']));
  });

  it('accessLogOwner: only the patient reads who accessed the record', async () => {
    const r = await system.query('query($nin: String!) { patient(nin: $nin) { accessLog { time } } }', { nin: ingrid.nin }, 'gp');
    expect([r.status, r.body.errors?.[0]?.extensions?.rule]).toEqual([403, 'accessLogOwner']);
  });

  it('purpose of use: the reader\'s purpose from the token reaches the summary record', async () => {
    await system.reset();
    const q = 'query($nin: String!) { patient(nin: $nin) { summaryRecord { criticalInformation { text } } } }';
    await system.query(q, { nin: ingrid.nin }, 'gp');
    await system.query(q, { nin: kjell.nin }, 'emergency-physician');
    await system.query('{ me { summaryRecord { criticalInformation { text } } } }', {}, 'citizen-ingrid');
    expect((await system.stats())['summary-record']?.observed).toEqual(
      expect.objectContaining({ 'purpose:TREAT': expect.any(Number), 'purpose:ETREAT': expect.any(Number), 'purpose:PATRQT': expect.any(Number) }),
    );
  });

  it("each persona's view of Ingrid Solheim differs exactly as the rule table says", async () => {
    const q = readFileSync(FIRST_QUERY_FILE, 'utf8');
    const views: Record<string, string> = {};
    for (const p of PERSONAS) {
      const r = await system.query<any>(q, { nin: ingrid.nin }, p.name);
      const data = r.body.data?.patient;
      const shown = data ? Object.keys(data).filter((k) => data[k] !== null) : [];
      views[p.name] = r.status === 403 ? `403 ${r.body.errors?.[0]?.extensions?.rule}` : shown.join(',');
    }
    const everything = 'name,birthDate,municipality,generalPractitioner,summaryRecord,careRecord,gpRecord,hospitalRecords,medications,timelineConnection,sources';
    const identity = 'name,birthDate,municipality,generalPractitioner';
    expect(views).toEqual({
      gp: everything,
      'home-care-nurse': everything,
      'nursing-home-doctor': identity,
      'hospital-doctor': everything,
      'emergency-physician': everything,
      // Hilde blocked him, not Ingrid; Haukeland treats Ingrid.
      'blocked-practitioner': everything,
      'gp-midtbyen': identity,
      'citizen-ingrid': '403 patientLookup',
      'citizen-hilde': '403 patientLookup',
      'citizen-silje': '403 patientLookup',
      'citizen-jonas': '403 patientLookup',
      'citizen-parent': '403 patientLookup',
      'citizen-representative': '403 patientLookup',
      // A participant outside health care looks patients up for a plan, and is refused every other field.
      'nav-counsellor': '403 patientIdentity,protectedAddress,placeName,clinicalData',
      researcher: expect.stringMatching(/^403 patientLookup/),
      administrator: expect.stringMatching(/^403 patientLookup/),
    });
  });
});

describe('the strictly confidential person, read by every persona', () => {
  const places = ['Trondheim', 'Midtbyen', 'nordlys-midt', 'gp-nordlys', '82111', '911223341', '5001', '942110464', 'Apotek', 'apotek', 'St. Olav', 'stolav'];

  it('releases her address and municipality to no one, and her places only to her own GP office', async () => {
    const seenBy: Record<string, string[]> = {};
    for (const p of PERSONAS) {
      const r = await system.query<any>(PATIENT, { nin: silje.nin }, p.name);
      const json = JSON.stringify(r.body.data ?? null);
      seenBy[p.name] = places.filter((place) => json.includes(place));
      for (const e of r.body.errors ?? []) expect(JSON.stringify(e)).not.toMatch(/Trondheim|Midtbyen|nordlys-midt|911223341/);
      if (r.status === 200) {
        expect(r.body.data.patient.address).toBeNull();
        expect(r.body.data.patient.municipality).toBeNull();
        expect(errorFor(r, 'patient.address')?.extensions?.rule).toBe('protectedAddress');
      }
    }
    // Only her GP office sees the office (its name, its system) and her GP: nobody sees the municipality.
    expect(seenBy).toEqual(Object.fromEntries(PERSONAS.map((p) => [p.name, p.name === 'gp-midtbyen' ? ['Midtbyen', 'nordlys-midt', 'gp-nordlys', '82111', '911223341'] : []])));
  });

  it('does not name who wrote or treated a strictly confidential patient outside that organisation', async () => {
    const protectedInCare = getPopulation().persons.find((p) => p.addressProtection === 'STRICTLY_CONFIDENTIAL' && p.careRecord && p.hospitalRecords.length);
    const q = `query($nin: String!) { patient(nin: $nin) { hospitalRecords { documents { author { hprNumber } } encounters { practitioner { hprNumber } } }
      careRecord { visits(last: 3) { performer { hprNumber } } } } }`;
    const r = await system.query<any>(q, { nin: protectedInCare?.nin }, 'emergency-physician');
    expect(JSON.stringify(r.body.data)).not.toMatch(/hprNumber":"\d/);
    expect(new Set(r.body.errors?.map((e) => e.extensions?.rule))).toEqual(new Set(['documentAuthor', 'placeName']));
  });

  it('names no place in her own access log: readers by sector, not organisation, number or name', async () => {
    // Her GP office reads her (the only reader that may see itself named next to her), then an emergency physician.
    await system.query(PATIENT, { nin: silje.nin }, 'gp-midtbyen');
    await system.query(PATIENT, { nin: silje.nin }, 'emergency-physician');
    const q = `{ me { name { text } generalPractitioner { office { name } } accessLog(last: 20) { purpose emergency emergencyReason
      accessor { kind sector organisation orgNumber practitioner { hprNumber name { text } } } } } }`;
    const r = await system.query<any>(q, {}, 'citizen-silje');
    const log = r.body.data.me.accessLog as any[];
    expect(log.length).toBeGreaterThanOrEqual(2);
    // The place rule holds for the patient too: not her GP office, not the hospital, not who read.
    const json = JSON.stringify(r.body.data);
    expect(places.filter((place) => json.includes(place))).toEqual([]);
    for (const hidden of ['974557746', 'Haukeland', '5419302', 'Heidi', 'Rasmussen', 'akuttmottaket']) expect([hidden, json.includes(hidden)]).toEqual([hidden, false]);
    const personnel = log.filter((e) => e.accessor.kind === 'PERSONNEL');
    expect(personnel.slice(0, 2).map((e) => e.accessor.sector)).toEqual(['HOSPITAL', 'GP']);
    expect(personnel.every((e) => ['GP', 'HOSPITAL', 'MUNICIPAL_CARE'].includes(e.accessor.sector))).toBe(true);
    // Emergency access is still shown to her as such; its stated reason (free text, which may name a place) is not.
    expect(log.some((e) => e.emergency === true && e.purpose === 'ETREAT' && e.emergencyReason === null)).toBe(true);
    const refused = new Set((r.body.errors ?? []).map((e) => `${e.path?.filter((p) => typeof p === 'string').join('.')}:${e.extensions?.rule}`));
    expect(refused).toEqual(
      new Set([
        'me.generalPractitioner.office:placeName',
        'me.accessLog.accessor.organisation:placeName',
        'me.accessLog.accessor.orgNumber:placeName',
        'me.accessLog.accessor.practitioner:placeName',
        'me.accessLog.emergencyReason:placeName',
      ]),
    );
  });

  it('names her sources by sector, without timings, for everyone else', async () => {
    const r = await system.query<any>(PATIENT, { nin: silje.nin }, 'emergency-physician');
    const gp = r.body.data.patient.sources.find((s: any) => s.sourceId === 'gp');
    expect(gp).toEqual({ sourceId: 'gp', organisation: 'Fastlege', latencyMs: null });
    expect(errorFor(r, 'patient.gpRecord.office')?.extensions).toEqual(expect.objectContaining({ rule: 'placeName', reason: 'STRICTLY_CONFIDENTIAL' }));
    const own = await system.query<any>(PATIENT, { nin: silje.nin }, 'gp-midtbyen');
    expect(own.body.data.patient.gpRecord.office).toBe('Midtbyen legesenter');
    expect(own.body.data.patient.generalPractitioner.office).toEqual({ name: 'Midtbyen legesenter', herId: '82111', orgNumber: '911223341' });
    expect(own.body.data.patient.sources.find((s: any) => s.sourceId === 'gp-nordlys-midt')).toEqual(expect.objectContaining({ organisation: 'Midtbyen legesenter' }));
  });
});

describe('no error reveals more than its code', () => {
  it('carries no stack trace and no identity number in any refusal', async () => {
    const all: GraphQLErrorJson[] = [];
    for (const p of PERSONAS) {
      for (const nin of [ingrid.nin, hilde.nin, silje.nin]) all.push(...((await system.query(PATIENT, { nin }, p.name)).body.errors ?? []));
    }
    expect(all.length).toBeGreaterThan(20);
    for (const e of all) {
      const text = JSON.stringify(e);
      expect(text).not.toMatch(/stacktrace|exception|\bat .+\.[jt]s:\d+|node_modules/);
      expect(containsNin(text)).toBe(false);
    }
  });
});
