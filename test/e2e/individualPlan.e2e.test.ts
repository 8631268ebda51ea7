import { readFileSync } from 'node:fs';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { getNamedType, isObjectType, parse } from 'graphql';
import { containsNin } from '../../adapters/kit';
import type { AccessRecord } from '../../lib/audit/AccessRecord';
import { patientPseudonym } from '../../lib/audit/patientPseudonym';
import { devSecrets } from '../../lib/secrets';
import { SUBGRAPH_NAMES, subgraphSdl } from '../../lib/subgraphs';
import { demoPatient, getPopulation } from '../../simulators/population';
import { TestSystem, type GraphQLErrorJson } from './harness';

/**
 * The individual plan (issue 15, item 5), through the real processes: a NAV counsellor (persona nav-counsellor, a
 * participant outside health care) reads the plan of Jonas Eide, whose consent names NAV Bergenhus, and nothing else:
 * every other field of his is refused, most before planning; the plans whose consents do not name NAV Bergenhus are
 * refused, as is Jonas's plan to another NAV office; each read is in the access log with its ground. Health personnel
 * with a care relationship read the plan, others do not.
 */
let system: TestSystem;

beforeAll(async () => {
  system = await TestSystem.start({ sourceTimeoutMs: 5000 });
}, 120_000);

afterAll(async () => {
  await system?.stop();
});

const jonas = demoPatient('individualPlan');
const ingrid = demoPatient('homeCare');
const sara = getPopulation().persons.find((p) => p.givenName === 'Sara' && p.familyName === 'Moe')!;
const NAV_BERGENHUS = '991500014';

const PLAN = `query($nin: String!) { patient(nin: $nin) { nin individualPlan {
  id sourceId established revised
  goals { id sourceId text area targetDate }
  measures { id sourceId text goalId status start end responsible { sector role name service orgNumber } }
  coordinator { sector role name hprNumber service orgNumber }
  nextMeeting { time place topic }
  participants { sector role name hprNumber service orgNumber consent { from to inForce } }
  provenance { sourceId sector organisation }
} } }`;

const errorsOf = (r: { body: { errors?: GraphQLErrorJson[] } }) => r.body.errors ?? [];
const fileRecords = (): AccessRecord[] =>
  readFileSync(system.system.auditLogFile as string, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as AccessRecord);
const pseudonym = (nin: string) => patientPseudonym(nin, Buffer.from(devSecrets().auditPseudonymKey, 'base64url'));

describe('a NAV counsellor, a participant outside health care', () => {
  it("reads Jonas Eide's plan, whose consent names NAV Bergenhus: goals, measures, who is responsible, the next meeting, the participants", async () => {
    const r = await system.query<any>(PLAN, { nin: jonas.nin }, 'nav-counsellor');
    expect([r.status, errorsOf(r)]).toEqual([200, []]);
    const plan = r.body.data.patient.individualPlan;
    const truth = jonas.careRecord!.individualPlan!;
    expect(r.body.data.patient.nin).toBe(jonas.nin);
    expect(plan.sourceId).toBe(truth.id);
    expect(plan.goals.map((g: any) => g.text)).toEqual(truth.goals.map((g) => g.text));
    // The care system's ids in `sourceId`; `id` is the global id, another for each item. A measure's goalId names its
    // goal by the care system's id (PlanGoal.sourceId).
    expect(plan.goals.map((g: any) => g.sourceId)).toEqual(truth.goals.map((g) => g.id));
    expect(plan.measures.map((m: any) => [m.sourceId, m.goalId])).toEqual(truth.measures.map((m) => [m.id, m.goalId]));
    expect(plan.measures.some((m: any) => m.goalId !== null)).toBe(true);
    for (const m of plan.measures) if (m.goalId !== null) expect(plan.goals.map((g: any) => g.sourceId)).toContain(m.goalId);
    const ids = [plan, ...plan.goals, ...plan.measures].map((x: any) => x.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const x of [plan, ...plan.goals, ...plan.measures]) expect([x.id, x.id === x.sourceId, /^[A-Za-z]+$/.test(x.id)]).toEqual([x.id, false, true]);
    expect(plan.measures.map((m: any) => [m.responsible.service, m.status])).toEqual([
      ['NAV Bergenhus', 'ONGOING'],
      ['NAV Bergenhus', 'PLANNED'],
      ['Psykisk helse og rus sentrum', 'ONGOING'],
      ['Nordnes legekontor', 'ONGOING'],
      ['Koordinerende enhet', 'ONGOING'],
    ]);
    expect(plan.coordinator).toMatchObject({ sector: 'HEALTH_AND_CARE', role: 'Koordinator', service: 'Koordinerende enhet', orgNumber: '964338531', hprNumber: truth.coordinator.hprNumber });
    expect(Date.parse(plan.nextMeeting.time)).toBeGreaterThan(Date.now());
    expect(plan.participants.map((p: any) => [p.sector, p.service, p.consent?.inForce ?? null])).toEqual([
      ['HEALTH_AND_CARE', 'Psykisk helse og rus sentrum', null],
      ['HEALTH_AND_CARE', 'Nordnes legekontor', null],
      ['NAV', 'NAV Bergenhus', true],
      ['FAMILY', null, null],
    ]);
    expect(plan.participants[2]).toMatchObject({ name: 'Marte Haugland', orgNumber: NAV_BERGENHUS, consent: { from: truth.participants[2]?.consent?.from } });
    expect(plan.provenance).toEqual({ sourceId: 'care-bergen', sector: 'MUNICIPAL_CARE', organisation: 'Bergen kommune' });
  });

  it('is refused every other field of his, before planning where the role can never read it, and no source is asked for those', async () => {
    // Every field of Patient the API has, but the number (and its encryption, the global id: same rule) and the
    // plan, each asked alone.
    const fields = new Map<string, string>();
    for (const name of SUBGRAPH_NAMES) {
      const patient = buildSubgraphSchema([{ typeDefs: parse(subgraphSdl(name)) }]).getType('Patient');
      if (!isObjectType(patient)) continue;
      for (const f of Object.values(patient.getFields())) {
        const hidden = f.astNode?.directives?.some((d) => ['inaccessible', 'external'].includes(d.name.value));
        if (hidden || f.name === 'nin' || f.name === 'id' || f.name === 'individualPlan' || f.args.some((a) => a.type.toString().endsWith('!'))) continue;
        fields.set(f.name, isObjectType(getNamedType(f.type)) ? `${f.name} { __typename }` : f.name);
      }
    }
    expect(fields.size).toBeGreaterThan(20);
    await system.reset();
    const outcomes: Record<string, string> = {};
    for (const [name, selection] of fields) {
      const r = await system.query<any>(`query($nin: String!) { patient(nin: $nin) { ${selection} } }`, { nin: jonas.nin }, 'nav-counsellor');
      const error = errorsOf(r).find((e) => e.extensions?.code === 'FORBIDDEN');
      const refused = r.status === 403 ? 'before planning' : error && r.body.data?.patient?.[name] === null ? 'by the subgraph' : 'DISCLOSED';
      outcomes[name] = refused;
    }
    // Nothing disclosed: each refused, the role pre-check refusing every field whose rule can never grant a participant.
    expect(Object.entries(outcomes).filter(([, o]) => o === 'DISCLOSED')).toEqual([]);
    expect(Object.entries(outcomes).filter(([, o]) => o === 'before planning').length).toBe(fields.size);
    const stats = await system.stats();
    expect(Object.values(stats).reduce((n, s) => n + s.requests, 0)).toBe(0);

    // Asked beside the plan, the plan still arrives and the request is refused as a whole before planning.
    const mixed = await system.query<any>(`query($nin: String!) { patient(nin: $nin) { name { text } individualPlan { id } } }`, { nin: jonas.nin }, 'nav-counsellor');
    expect([mixed.status, mixed.body.errors?.[0]?.extensions?.reason, mixed.body.errors?.[0]?.extensions?.fields]).toEqual([403, 'ROLE', ['Patient.name']]);
    // No worklist, no `me`.
    const worklist = await system.query<any>(`query($nins: [String!]!) { patients(nins: $nins) { individualPlan { id } } }`, { nins: [jonas.nin] }, 'nav-counsellor');
    expect([worklist.status, worklist.body.errors?.[0]?.extensions?.rule]).toEqual([403, 'healthPersonnel']);
    expect((await system.query<any>('{ me { individualPlan { id } } }', {}, 'nav-counsellor')).status).toBe(403);
  });

  it("is refused the plans whose consents do not name NAV Bergenhus, and a number nobody has, alike", async () => {
    // A valid synthetic number nobody in the population has.
    const nobody = '01908510026';
    expect(getPopulation().persons.some((p) => p.nin === nobody)).toBe(false);
    for (const [who, nin] of [
      ['Ingrid Solheim (no one outside health care)', ingrid.nin],
      ['Sara Moe (her school and PPT)', sara.nin],
      ['a number nobody has', nobody],
    ] as const) {
      const r = await system.query<any>(PLAN, { nin }, 'nav-counsellor');
      expect([who, r.status, r.body.data?.patient?.individualPlan ?? null]).toEqual([who, 200, null]);
      expect(errorsOf(r).map((e) => [e.extensions?.code, e.extensions?.rule, e.extensions?.reason])).toEqual([['FORBIDDEN', 'individualPlan', 'NO_PLAN_CONSENT']]);
    }
  });

  it("is refused Jonas's plan when logged in for another NAV office, or for NAV as a whole", async () => {
    for (const childOrgNumber of ['991500022', null]) {
      const r = await system.query<any>(PLAN, { nin: jonas.nin }, { persona: 'nav-counsellor', options: { childOrgNumber } });
      expect([childOrgNumber, r.body.data?.patient?.individualPlan ?? null, errorsOf(r)[0]?.extensions?.reason]).toEqual([childOrgNumber, null, 'NO_PLAN_CONSENT']);
    }
  });

  it('is written to the access log with the consent as its ground, which Jonas sees as NAV Bergenhus', async () => {
    const before = fileRecords().length;
    await system.query(PLAN, { nin: jonas.nin }, 'nav-counsellor');
    await system.query(PLAN, { nin: ingrid.nin }, 'nav-counsellor');
    const added = fileRecords().slice(before);
    const read = added.find((r) => r.patient === pseudonym(jonas.nin));
    expect(read).toMatchObject({ purpose: 'COC', basis: [`PLAN_CONSENT:${NAV_BERGENHUS}`], denied: [], accessor: { kind: 'PERSONNEL', hprNumber: null, orgNumber: '889640782', childOrgNumber: NAV_BERGENHUS } });
    expect(read?.fields).toEqual(expect.arrayContaining(['Patient.individualPlan', 'IndividualPlan.goals', 'PlanParty.consent']));
    // The refused read is logged too, with no ground: what was asked and refused.
    expect(added.find((r) => r.patient === pseudonym(ingrid.nin))).toMatchObject({ basis: ['PLAN_PARTICIPANT'], denied: ['Patient.individualPlan'] });
    expect(containsNin(JSON.stringify(added))).toBe(false);

    const log = await system.query<any>('{ me { accessLog(last: 20) { purpose fields accessor { kind sector organisation orgNumber practitioner { hprNumber } } } } }', {}, 'citizen-jonas');
    expect(errorsOf(log)).toEqual([]);
    const nav = log.body.data.me.accessLog.find((e: any) => e.accessor.organisation === 'NAV Bergenhus');
    expect(nav).toMatchObject({ purpose: 'COC', accessor: { kind: 'PERSONNEL', sector: null, orgNumber: NAV_BERGENHUS, practitioner: null } });
    expect(nav.fields).toContain('Patient.individualPlan');
  });
});

describe('health personnel and the patient', () => {
  it('read the plan with a care relationship (the GP office, the municipal service), and the patient reads his own', async () => {
    for (const persona of ['gp', 'home-care-nurse']) {
      const r = await system.query<any>(PLAN, { nin: jonas.nin }, persona);
      expect([persona, errorsOf(r), r.body.data.patient.individualPlan.participants.length]).toEqual([persona, [], 4]);
    }
    const own = await system.query<any>('{ me { individualPlan { goals { text } participants { service consent { inForce } } } } }', {}, 'citizen-jonas');
    expect(errorsOf(own)).toEqual([]);
    expect(own.body.data.me.individualPlan.goals).toHaveLength(3);
    // Ingrid Solheim's plan, to her GP.
    const ingridsPlan = await system.query<any>(PLAN, { nin: ingrid.nin }, 'gp');
    expect(ingridsPlan.body.data.patient.individualPlan.participants.map((p: any) => p.sector)).toEqual(['HEALTH_AND_CARE', 'HEALTH_AND_CARE', 'FAMILY']);
    const relationshipGround = fileRecords().findLast((r) => r.patient === pseudonym(jonas.nin) && r.accessor.kind === 'PERSONNEL' && r.accessor.hprNumber === '9757146');
    expect(relationshipGround?.basis).toEqual(['MUNICIPAL_SERVICE:964338531']);
  });

  it('are refused it without a relationship, and by emergency access read it with the reason logged', async () => {
    const r = await system.query<any>(PLAN, { nin: jonas.nin }, 'nursing-home-doctor');
    expect([r.body.data.patient.individualPlan, errorsOf(r).map((e) => [e.extensions?.rule, e.extensions?.reason])]).toEqual([null, [['individualPlan', 'NO_RELATIONSHIP']]]);
    const emergency = await system.query<any>(PLAN, { nin: jonas.nin }, 'emergency-physician');
    expect(emergency.body.data.patient.individualPlan.sourceId).toBe(jonas.careRecord?.individualPlan?.id);
    // A citizen reads only her own.
    const other = await system.query<any>(PLAN, { nin: jonas.nin }, 'citizen-ingrid');
    expect(other.status).toBe(403);
  });

  it('read Sara Moe’s plan in Trondheim’s PLO system, the ended consent of child welfare not in force', async () => {
    const r = await system.query<any>(PLAN, { nin: sara.nin }, 'nursing-home-doctor');
    expect(errorsOf(r)).toEqual([]);
    const plan = r.body.data.patient.individualPlan;
    expect(plan.provenance).toMatchObject({ sourceId: 'care-trondheim', organisation: 'Trondheim kommune' });
    expect(plan.participants.filter((p: any) => p.consent).map((p: any) => [p.sector, p.consent.inForce])).toEqual([
      ['SCHOOL', true],
      ['PPT', true],
      ['CHILD_WELFARE', false],
    ]);
  });
});
