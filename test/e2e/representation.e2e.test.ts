import { demoPatient } from '../../simulators/population';
import { TestSystem, type GraphQLErrorJson } from './harness';

/**
 * Acting for someone else, end to end over the simulators: a parent for her children (the population register's
 * parental responsibility), a daughter for her mother (the representation register's power of attorney). What a
 * 14-year-old kept from her parents stays with her; the parts of the record whose systems mark nothing are withheld
 * from her parents, said so, and not asked; who acted is in the represented person's access log.
 */
const emil = demoPatient('child');
const ida = demoPatient('teen');
const ingrid = demoPatient('homeCare');

const RECORD = `{ me { nin name { text }
  gpRecord { consultations(last: 50) { reason { code } diagnoses { code } } prescriptions { atc } referrals { id } }
  summaryRecord { dispensedMedications { atc } }
  medications { atc }
  hospitalRecords { hospital }
  labResults { code { code } }
  careRecord { municipality }
  timeline { kind codes { code } }
  sources { sector state errorCode } } }`;
const LOG = '{ me { accessLog(last: 200) { action purpose accessor { kind representative { name basis } } } } }';
const SET_BLOCK = 'mutation($input: SetBlockInput!) { setBlock(input: $input) { blockId replayed } }';

const codes = (e: GraphQLErrorJson[] | undefined) => (e ?? []).map((x) => [x.path?.join('.'), x.extensions?.code]);
const sumOf = (stats: Record<string, { requests: number }>, prefix: RegExp) =>
  Object.entries(stats)
    .filter(([id]) => prefix.test(id))
    .reduce((n, [, s]) => n + s.requests, 0);

describe('acting for someone else', () => {
  let system: TestSystem;
  const parentFor = (nin: string) => ({ persona: 'citizen-parent', options: { represents: nin } });
  beforeAll(async () => {
    system = await TestSystem.start({ sourceTimeoutMs: 5000 });
  }, 120_000);
  afterAll(async () => {
    await system?.stop();
  });

  it("a parent reads her 8-year-old's whole record, and his access log names her", async () => {
    const before = await system.stats();
    const read = await system.query<any>(RECORD, {}, 'citizen-parent');
    expect(read.body.errors).toBeUndefined();
    // For a child under 12 every part is read (the hospital, laboratory and care systems of his area are asked).
    expect(sumOf(await system.stats(), /^(hospital|lab|care)/)).toBeGreaterThan(sumOf(before, /^(hospital|lab|care)/));
    expect(read.body.data.me.nin).toBe(emil.nin);
    expect(read.body.data.me.gpRecord.consultations.length).toBe(emil.gpRecord?.consultations.length);
    expect(read.body.data.me.medications.map((m: any) => m.atc)).toContain('R03AC02');
    const log = await system.query<any>(LOG, {}, 'citizen-parent');
    expect(log.body.errors).toBeUndefined();
    expect(log.body.data.me.accessLog.filter((e: any) => e.accessor.kind === 'REPRESENTATIVE').map((e: any) => e.accessor.representative)).toEqual(
      expect.arrayContaining([{ name: 'Marte Haugland', basis: 'PARENTAL_RESPONSIBILITY' }]),
    );
  }, 60_000);

  it("a parent reads her 14-year-old's record without what the girl kept from her, and without the parts that cannot tell", async () => {
    // Her GP sees what the girl kept (so the data is there to be kept).
    const gp = await system.query<any>('query($nin: String!) { patient(nin: $nin) { gpRecord { consultations(last: 50) { reason { code } } prescriptions { atc } } } }', { nin: ida.nin }, 'gp');
    expect(gp.body.errors).toBeUndefined();
    expect(gp.body.data.patient.gpRecord.consultations.map((c: any) => c.reason?.code)).toContain('W11');
    expect(gp.body.data.patient.gpRecord.prescriptions.map((m: any) => m.atc)).toContain('G03AA07');

    const before = await system.stats();
    const read = await system.query<any>(RECORD, {}, parentFor(ida.nin));
    const after = await system.stats();
    const me = read.body.data.me;
    expect(me.nin).toBe(ida.nin);
    // What she kept is nowhere: not in the GP record, the dispensations, the merged list, the problem codes or the timeline.
    const text = JSON.stringify(me);
    expect(text).not.toMatch(/W11|G03AA07/);
    expect(me.gpRecord.consultations.length).toBe((ida.gpRecord?.consultations.length ?? 0) - 1);
    // The hospitals, their laboratories and municipal care mark nothing: withheld, said so, and not asked.
    expect(codes(read.body.errors)).toEqual(
      expect.arrayContaining([
        ['me.hospitalRecords', 'WITHHELD_FROM_PARENTS'],
        ['me.labResults', 'WITHHELD_FROM_PARENTS'],
        ['me.careRecord', 'WITHHELD_FROM_PARENTS'],
        ['me.medications', 'WITHHELD_FROM_PARENTS'],
        ['me.timeline', 'WITHHELD_FROM_PARENTS'],
      ]),
    );
    expect(me.sources.filter((s: any) => s.state === 'WITHHELD').map((s: any) => [s.sector, s.errorCode])).toEqual([
      ['MUNICIPAL_CARE', 'WITHHELD_FROM_PARENTS'],
      ['HOSPITAL', 'WITHHELD_FROM_PARENTS'],
      ['WELFARE_TECHNOLOGY', 'WITHHELD_FROM_PARENTS'],
    ]);
    expect(sumOf(after, /^(hospital|lab|care)/) - sumOf(before, /^(hospital|lab|care)/)).toBe(0);
    // Who read her record would tell where she was treated: her log is withheld from her parents too.
    const log = await system.query<any>(LOG, {}, parentFor(ida.nin));
    expect(codes(log.body.errors)).toEqual([['me.accessLog', 'WITHHELD_FROM_PARENTS']]);
  }, 60_000);

  it('a parent is refused for a child she has no responsibility for, and for an adult', async () => {
    for (const nin of [ingrid.nin, demoPatient('representative').nin]) {
      const read = await system.query<any>('{ me { name { text } medications { atc } } }', {}, parentFor(nin));
      expect(read.body.errors?.map((e) => e.extensions?.reason)).toEqual(expect.arrayContaining(['NOT_REPRESENTED']));
      expect(JSON.stringify(read.body.data ?? {})).not.toMatch(/Solheim/);
    }
  }, 60_000);

  it('a daughter reads for her mother under the power of attorney, is named in her log, and may not set a block the grant does not name', async () => {
    const read = await system.query<any>('{ me { nin medications { atc } } }', {}, 'citizen-representative');
    expect(read.body.errors).toBeUndefined();
    expect(read.body.data.me.nin).toBe(ingrid.nin);
    expect(read.body.data.me.medications.length).toBeGreaterThan(0);

    const log = await system.query<any>(LOG, {}, 'citizen-ingrid');
    expect(log.body.errors).toBeUndefined();
    expect(log.body.data.me.accessLog.filter((e: any) => e.accessor.kind === 'REPRESENTATIVE').map((e: any) => e.accessor.representative)).toEqual(
      expect.arrayContaining([{ name: 'Kari Solheim', basis: 'POWER_OF_ATTORNEY' }]),
    );

    const blocksBefore = await system.query<any>('{ me { blocks { id } } }', {}, 'citizen-ingrid');
    const set = await system.query<any>(SET_BLOCK, { input: { idempotencyKey: 'rep-block-1', kind: 'PRACTITIONER', hprNumber: '9144897' } }, 'citizen-representative');
    expect(set.body.errors?.map((e) => [e.extensions?.code, e.extensions?.reason])).toEqual([['FORBIDDEN', 'OUTSIDE_POWER_OF_ATTORNEY']]);
    const blocksAfter = await system.query<any>('{ me { blocks { id } } }', {}, 'citizen-ingrid');
    expect(blocksAfter.body.data.me.blocks).toEqual(blocksBefore.body.data.me.blocks);
  }, 60_000);
});
