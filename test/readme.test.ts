import { readFileSync } from 'node:fs';
import path from 'node:path';
import { FIRST_QUERY_FILE } from '../gateway/playground';
import { getPopulation } from '../simulators/population';
import { demoPatientList } from '../simulators/population/demoPatients';

const readme = readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');

describe('README', () => {
  it('shows the same first query the playground opens with (and the end-to-end test runs)', () => {
    expect(readme).toContain(readFileSync(FIRST_QUERY_FILE, 'utf8').trim());
  });

  it('lists every demo patient with its number and what it shows', () => {
    for (const p of demoPatientList(getPopulation())) {
      expect(readme).toContain(`| \`${p.nin}\` | ${p.name} | ${p.age} | ${p.municipality ?? '—'} | ${p.key} | ${p.shows} |`);
    }
  });

  it('tells a newcomer the two commands', () => {
    expect(readme).toContain('npm install && npm start');
    expect(readme).toContain('npm test');
  });
});
