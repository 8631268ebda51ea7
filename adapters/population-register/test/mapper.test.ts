import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BadResponseError } from '../../kit';
import { mapBulkResponse } from '../mapper';

const fixture = readFileSync(path.join(__dirname, 'fixtures', 'bulkoppslag.json'), 'utf8');

describe('population register mapper', () => {
  const people = mapBulkResponse(fixture);

  it('maps a person, picking the current name among historical ones', () => {
    expect(people.get('03864013065')).toEqual({
      name: { given: 'Ingrid', middle: null, family: 'Solheim' },
      birthDate: '1940-06-03',
      sex: 'FEMALE',
      deceasedDate: null,
      address: { street: 'Nygårdsgaten', houseNumber: '56', postalCode: '5015', city: 'BERGEN' },
      addressProtection: 'NONE',
      municipalityNumber: '4601',
    });
  });

  it('never releases a strictly confidential address, even when the register sends one, but keeps the municipality for routing', () => {
    const person = people.get('30818824250');
    expect(person?.addressProtection).toBe('STRICTLY_CONFIDENTIAL');
    expect(person?.address).toBeNull();
    expect(person?.municipalityNumber).toBe('5001');
  });

  it('maps a death and a D-number holder', () => {
    expect(people.get('23843227368')?.deceasedDate).toBe('2026-08-14');
    expect(people.get('65849226767')?.name.family).toBe('Nowak');
  });

  it('rejects garbage and wrong shapes with a bad-response error that quotes no values', () => {
    expect(() => mapBulkResponse('{"dokumenter": [')).toThrow(BadResponseError);
    const wrong = JSON.stringify({ dokumenter: [{ foedselsEllerDNummer: '03864013065', navn: 'Ingrid' }] });
    expect(() => mapBulkResponse(wrong)).toThrow(/navn/);
    expect(() => mapBulkResponse(wrong)).not.toThrow(/Ingrid|03864013065/);
    expect(() => mapBulkResponse(JSON.stringify({ personer: [] }))).toThrow(BadResponseError);
  });
});
