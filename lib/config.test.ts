import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CONFIG_DIR, loadOrganisations, organisationsSchema } from './config';

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

  it('refuses a municipality without a nine-digit organisation number, naming the path', () => {
    const missing = raw();
    delete missing.municipalities[0]?.orgNumber;
    const refused = organisationsSchema.safeParse(missing);
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]?.path).toEqual(['municipalities', 0, 'orgNumber']);

    const short = raw();
    if (short.municipalities[1]) short.municipalities[1].orgNumber = '96433844';
    expect(organisationsSchema.safeParse(short).error?.issues[0]?.message).toBe('must be 9 digits');
  });
});
