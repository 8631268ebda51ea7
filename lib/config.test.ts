import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createAdapter } from '../adapters';
import { AdapterKit } from '../adapters/kit';
import { checkConsistency, CONFIG_DIR, instancesOf, interpolateEnv, jsonErrorWithLine, loadOrganisations, loadSources, organisationsSchema } from './config';
import { createLogger } from './logger';

const raw = () => JSON.parse(readFileSync(path.join(CONFIG_DIR, 'organisations.json'), 'utf8')) as { municipalities: Record<string, unknown>[] };

describe('organisations configuration', () => {
  it('names every municipality with its organisation number', () => {
    const orgs = loadOrganisations();
    expect(Object.fromEntries(orgs.municipalities.map((m) => [m.name, m.orgNumber]))).toEqual({
      Bergen: '964338531',
      Askøy: '964338442',
      Trondheim: '942110464',
    });
  });

  it('refuses a municipality without a valid organisation number, naming the path', () => {
    const missing = raw();
    delete missing.municipalities[0]?.orgNumber;
    const refused = organisationsSchema.safeParse(missing);
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]?.path).toEqual(['municipalities', 0, 'orgNumber']);

    const short = raw();
    if (short.municipalities[1]) short.municipalities[1].orgNumber = '96433844';
    expect(organisationsSchema.safeParse(short).error?.issues[0]?.message).toBe('not an organisation number (9 digits with a valid check digit)');
    // Nine digits with a wrong check digit are not an organisation number either.
    const wrong = raw();
    if (wrong.municipalities[1]) wrong.municipalities[1].orgNumber = '964338532';
    expect(organisationsSchema.safeParse(wrong).error?.issues[0]?.path).toEqual(['municipalities', 1, 'orgNumber']);
  });

  it('lists the services outside health care that take part in individual plans, each unit by a valid organisation number', () => {
    const orgs = loadOrganisations();
    expect(orgs.outsideHealth.map((s) => [s.name, s.kind, s.orgNumber, s.parentOrgNumber])).toEqual([
      ['NAV Bergenhus', 'NAV', '991500014', '889640782'],
      ['NAV Årstad', 'NAV', '991500022', '889640782'],
      ['NAV Heimdal', 'NAV', '991500030', '889640782'],
      ['Charlottenlund ungdomsskole', 'SCHOOL', '992500018', '942110464'],
      ['PP-tjenesten i Trondheim', 'PPT', '992500026', '942110464'],
      ['Barneverntjenesten i Trondheim', 'CHILD_WELFARE', '992500034', '942110464'],
    ]);
    const bad = raw() as unknown as { outsideHealth: Record<string, unknown>[] };
    if (bad.outsideHealth[0]) bad.outsideHealth[0].orgNumber = '991500015';
    expect(organisationsSchema.safeParse(bad).error?.issues[0]?.path).toEqual(['outsideHealth', 0, 'orgNumber']);
    const health = Object.fromEntries(Object.entries(raw()).filter(([k]) => !k.startsWith('$'))) as unknown as { outsideHealth: Record<string, unknown>[] };
    // A unit outside health care can be no health organisation: its number is what a plan's consent names.
    if (health.outsideHealth[0]) health.outsideHealth[0].orgNumber = '923456783';
    expect(() => checkConsistency(organisationsSchema.parse(health), loadSources())).toThrow(/outsideHealth NAV Bergenhus: organisation number 923456783 is a health organisation's/);
  });

  it("checks a municipality's instances per sector: a sector with a contract, instances that provide one of its contracts", () => {
    const routed = (sectorInstances: Record<string, string[]>) => {
      const orgs = Object.fromEntries(Object.entries(raw()).filter(([k]) => !k.startsWith('$'))) as unknown as { municipalities: Record<string, unknown>[] };
      if (orgs.municipalities[0]) orgs.municipalities[0].sectorInstances = sectorInstances;
      return () => checkConsistency(organisationsSchema.parse(orgs), loadSources());
    };
    expect(routed({ WELFARE_TECHNOLOGY: ['welfare-hub', 'dispenser-dosevakt'] })).not.toThrow();
    expect(routed({ WELFARE_TECHNOLOGY: ['care-bergen'] })).toThrow(/municipality 4601 WELFARE_TECHNOLOGY names instance "care-bergen" of system care-json, which provides no contract of that sector \(WelfareRecordModel\)/);
    expect(routed({ WELFARE_TECHNOLOGY: ['welfare-nowhere'] })).toThrow(/names instance "welfare-nowhere", which sources.json does not define/);
    expect(routed({ PHARMACY: ['welfare-hub'] })).toThrow(/names instances for PHARMACY, which is no sector with a contract/);
  });
});

describe('environment variables in the configuration', () => {
  const config = { a: { secret: '${A_SECRET:-dev-a}', url: '${A_URL}' }, b: ['${B_SECRET:-dev-b}', '${B_URL:-http://b}'], $comment: '${NOT_READ}' };

  it('reads them, with their defaults outside production', () => {
    expect(interpolateEnv(config, { A_URL: 'http://a' })).toEqual({ a: { secret: 'dev-a', url: 'http://a' }, b: ['dev-b', 'http://b'], $comment: '${NOT_READ}' });
  });

  it('names every missing one at once, not one per restart', () => {
    expect(() => interpolateEnv(config, { NODE_ENV: 'production' })).toThrow(
      'environment variables A_SECRET, B_SECRET must be set with NODE_ENV=production (their defaults are development values); environment variable A_URL is required by the configuration',
    );
    expect(() => interpolateEnv(config, { NODE_ENV: 'production', A_SECRET: 's', B_SECRET: 't' })).toThrow(/^environment variable A_URL is required by the configuration$/);
  });
});

describe('configuration mistakes', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'config-'));
  const write = (name: string, text: string) => {
    const file = path.join(dir, name);
    writeFileSync(file, text);
    return file;
  };
  const sources = () => JSON.parse(readFileSync(path.join(CONFIG_DIR, 'sources.json'), 'utf8')) as { defaults: Record<string, unknown>; instances: Record<string, Record<string, unknown>> };

  it('refuses a misspelt key, naming it and where it stands', () => {
    const config = sources();
    (config.instances['care-bergen'] as Record<string, unknown>).timeoutMS = 5000;
    expect(() => loadSources(write('misspelt.json', JSON.stringify(config)))).toThrow(/instances\.care-bergen: unknown key "timeoutMS"/);
    const orgs = JSON.parse(readFileSync(path.join(CONFIG_DIR, 'organisations.json'), 'utf8')) as { hospitals: Record<string, unknown>[] };
    (orgs.hospitals[0] as Record<string, unknown>).orgnumber = '1';
    expect(() => loadOrganisations(write('orgs.json', JSON.stringify(orgs)))).toThrow(/hospitals\.0: unknown key "orgnumber"/);
  });

  it('takes $comment keys as documentation, not configuration', () => {
    const config = sources();
    (config.instances['care-bergen'] as Record<string, unknown>).$comment = 'Bergen kommune, Gerica-like';
    expect(loadSources(write('commented.json', JSON.stringify(config))).instances['care-bergen']).toBeDefined();
  });

  it('gives a JSON syntax error with its line and column', () => {
    const file = write('broken.json', '{\n  "defaults": { "timeoutMs": 3000 },\n  "instances" {}\n}\n');
    expect(() => loadSources(file)).toThrow(/broken\.json is not valid JSON: ColonExpected at line 3, column 15/);
    expect(jsonErrorWithLine('{\n"a": 1,\n}', 'whatever V8 says')).toBe('PropertyNameExpected at line 3, column 1');
  });

  it("refuses an adapter option the adapter does not know", () => {
    const config = sources();
    const bergen = config.instances['care-bergen'] as { options: Record<string, unknown> };
    bergen.options = { ...bergen.options, clientSecrett: 'x' };
    const [instance] = instancesOf(loadSources(write('options.json', JSON.stringify(config)))).filter((i) => i.id === 'care-bergen');
    expect(() => createAdapter(instance as never, 'CareRecordModel', new AdapterKit(createLogger('test')))).toThrow(/instance care-bergen \(care-json\) has invalid options: .*clientSecrett/);
  });
});
