import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BadResponseError } from '../../kit';
import { mapSearchResponse } from '../mapper';

const fixture = readFileSync(path.join(__dirname, 'fixtures', 'soek.json'), 'utf8');
const INGRID = '03864013065';
const KARI = '06886810685';

const answer = (grants: unknown[]) => JSON.stringify({ fullmakter: grants });
const grant = (over: Record<string, unknown> = {}) => ({
  id: 'fullmakt-a',
  fullmaktsgiver: INGRID,
  fullmektig: KARI,
  omraader: ['INNSYN'],
  gyldigFraOgMed: '2025-09-27',
  gyldigTilOgMed: null,
  ...over,
});

describe('representation register mapper', () => {
  const byGranter = mapSearchResponse(fixture);

  it("maps each granter's grants, ended ones included, with their scopes and periods, oldest first", () => {
    expect(byGranter.get(INGRID)).toEqual({
      grants: [
        { id: 'fullmakt-hisdcobqdnhjys', granterNin: INGRID, representativeNin: '23865221371', scopes: ['READ', 'MESSAGE', 'BLOCK'], from: '2021-08-19', to: '2025-09-26' },
        { id: 'fullmakt-umqccrmngpvngm', granterNin: INGRID, representativeNin: KARI, scopes: ['READ', 'MESSAGE'], from: '2025-09-27', to: null },
      ],
    });
    expect(byGranter.get('24834837222')?.grants.map((g) => g.scopes)).toEqual([['READ']]);
    expect([...byGranter.keys()].sort()).toEqual(['03864013065', '24834837222']);
  });

  it('reads the day of a date-time, an absent end as until withdrawn, and grants nothing for an area it does not know', () => {
    const [model] = mapSearchResponse(
      answer([grant({ gyldigFraOgMed: '2025-09-27T00:00:00Z', gyldigTilOgMed: undefined, omraader: ['TIMEBESTILLING', 'INNSYN', 'INNSYN'] })]),
    ).values();
    expect(model?.grants).toEqual([{ id: 'fullmakt-a', granterNin: INGRID, representativeNin: KARI, scopes: ['READ'], from: '2025-09-27', to: null }]);
    const [none] = mapSearchResponse(answer([grant({ omraader: ['TIMEBESTILLING'] })])).values();
    expect(none?.grants[0]?.scopes).toEqual([]);
  });

  it('answers an empty search with no granters', () => {
    expect(mapSearchResponse(answer([])).size).toBe(0);
  });

  it('refuses garbage, wrong shapes and numbers that are not identity numbers, quoting no values', () => {
    expect(() => mapSearchResponse('{"fullmakter": [')).toThrow(BadResponseError);
    expect(() => mapSearchResponse(JSON.stringify({ grants: [] }))).toThrow(BadResponseError);
    for (const [over, where] of [
      [{ fullmektig: '06886810686' }, /fullmektig/],
      [{ fullmaktsgiver: '0386401306' }, /fullmaktsgiver/],
      [{ fullmektig: 6886810685 }, /fullmektig/],
      [{ fullmektig: INGRID }, /fullmektig/],
      [{ omraader: 'INNSYN' }, /omraader/],
      [{ gyldigFraOgMed: 'i går' }, /gyldigFraOgMed/],
      [{ id: '' }, /id/],
    ] as const) {
      const bad = answer([grant(over)]);
      expect(() => mapSearchResponse(bad)).toThrow(BadResponseError);
      expect(() => mapSearchResponse(bad)).toThrow(where);
      expect(() => mapSearchResponse(bad)).not.toThrow(/0386401306|068868106|i går/);
    }
  });
});
