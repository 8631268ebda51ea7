import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BadResponseError, SourceFault } from '../../kit';
import { mapBulkResponse, mapExtractBatch, mapExtractOrder } from '../mapper';

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

  it('maps the address history of a person who moved to municipalities and periods, never addresses', () => {
    const moved = people.get('17824432651');
    expect(moved?.municipalityNumber).toBe('4601');
    expect(moved?.address?.city).toBe('BERGEN');
    expect(moved?.residenceHistory).toEqual([
      { municipalityNumber: '5001', from: '2014-09-25', to: '2025-09-07' },
      { municipalityNumber: '4601', from: '2025-09-07', to: null },
    ]);
    // A strictly confidential person's residences come as municipalities only (ukjentBosted): no address, still routed.
    const hidden = people.get('08816320691');
    expect([hidden?.addressProtection, hidden?.address, hidden?.municipalityNumber]).toEqual(['STRICTLY_CONFIDENTIAL', null, '5001']);
    expect(hidden?.residenceHistory).toEqual([
      { municipalityNumber: '4601', from: '2017-10-19', to: '2024-08-23' },
      { municipalityNumber: '5001', from: '2024-08-23', to: null },
    ]);
    // Someone who never moved has no history to route by.
    expect(people.get('03864013065')?.residenceHistory).toBeUndefined();
  });

  it('ends an earlier residence the register left open where the next one began', () => {
    const doc = (bostedsadresse: unknown[]) => JSON.stringify({ dokumenter: [{ foedselsEllerDNummer: '03864013065', navn: [{ fornavn: 'A', etternavn: 'B' }], bostedsadresse }] });
    const [person] = mapBulkResponse(
      doc([
        { ukjentBosted: { bostedskommune: '4627' }, angittFlyttedato: '2020-05-01', erGjeldende: true },
        { ukjentBosted: { bostedskommune: '5001' }, gyldigFraOgMed: '2012-01-01T00:00', erGjeldende: false },
      ]),
    ).values();
    expect(person?.residenceHistory).toEqual([
      { municipalityNumber: '5001', from: '2012-01-01', to: '2020-05-01' },
      { municipalityNumber: '4627', from: '2020-05-01', to: null },
    ]);
    expect(person?.address).toBeNull();
  });

  it("maps parental responsibility from the child's document: the holders by number, one or two", () => {
    expect(people.get('16921762112')?.parentalResponsibility).toEqual(['03838506096']);
    expect(people.get('05861450521')?.parentalResponsibility).toEqual(['23829614987', '16817927282']);
    // The holder's own document lists the children she is responsible for: those are not her parents.
    const parent = people.get('03838506096');
    expect(parent?.name.family).toBe('Haugland');
    expect(parent?.parentalResponsibility).toBeUndefined();
    // Adults: none.
    expect(people.get('03864013065')?.parentalResponsibility).toBeUndefined();
  });

  it('reads only current parental responsibility, each holder once, and none without a number', () => {
    const doc = (foreldreansvar: unknown[]) =>
      JSON.stringify({ dokumenter: [{ foedselsEllerDNummer: '16921762112', navn: [{ fornavn: 'Emil', etternavn: 'Haugland' }], foreldreansvar }] });
    const [person] = mapBulkResponse(
      doc([
        { ansvar: 'felles', ansvarlig: '03838506096', ansvarssubjekt: '16921762112', erGjeldende: true },
        { ansvar: 'felles', ansvarlig: '03838506096', erGjeldende: true },
        { ansvar: 'far', ansvarlig: '23829614987', ansvarssubjekt: '16921762112', erGjeldende: false },
        { ansvar: 'ukjent', ansvarligUtenIdentifikator: { navn: { fornavn: 'A', etternavn: 'B' } }, erGjeldende: true },
      ]),
    ).values();
    expect(person?.parentalResponsibility).toEqual(['03838506096']);
  });

  it('refuses parental responsibility naming a number that is not an identity number, quoting neither', () => {
    const doc = (ansvarlig: unknown) =>
      JSON.stringify({ dokumenter: [{ foedselsEllerDNummer: '16921762112', navn: [{ fornavn: 'Emil', etternavn: 'Haugland' }], foreldreansvar: [{ ansvar: 'mor', ansvarlig, erGjeldende: true }] }] });
    // A wrong check digit, too short, a number as a number.
    for (const bad of ['03838506097', '0383850609', 3838506096]) {
      expect(() => mapBulkResponse(doc(bad))).toThrow(BadResponseError);
      expect(() => mapBulkResponse(doc(bad))).toThrow(/foreldreansvar/);
      expect(() => mapBulkResponse(doc(bad))).not.toThrow(/0383850609|16921762112/);
    }
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

describe('population register mapper: the custom extract', () => {
  it('reads the job id of an order, and refuses one that is not a plain URL segment', () => {
    expect(mapExtractOrder('{"jobbId": "6f1c2a9e-0b7d-4c1e-9a55-3e2f1d0c9b8a"}')).toBe('6f1c2a9e-0b7d-4c1e-9a55-3e2f1d0c9b8a');
    for (const bad of ['{}', '{"jobbId": ""}', '{"jobbId": "a/b"}', '{"jobbId": 7}', '[]']) expect(() => mapExtractOrder(bad)).toThrow(BadResponseError);
  });

  it('reads a batch, and the end marker ({} or an empty list) as null', () => {
    expect(mapExtractBatch('{"foedselsEllerDNummer": ["03864013065", "23843227368"]}')).toEqual(['03864013065', '23843227368']);
    expect(mapExtractBatch('{}')).toBeNull();
    expect(mapExtractBatch('{"foedselsEllerDNummer": []}')).toBeNull();
  });

  it('refuses any other answer, naming where it is wrong and never a value', () => {
    for (const bad of ['{"dokumenter": []}', '{"foedselsEllerDNummer": null}', '{"foedselsEllerDNummer": ["03864013066"]}', 'null', '{"foedselsEllerDNummer": [']) {
      expect(() => mapExtractBatch(bad)).toThrow(BadResponseError);
      expect(() => mapExtractBatch(bad)).not.toThrow(/0386401306/);
    }
  });

  it("takes a feilmelding in the answer for the register's refusal, by its code alone", () => {
    expect(() => mapExtractBatch('{"feilmelding": "Kari Nordmann finnes ikke"}')).toThrow(SourceFault);
    expect(() => mapExtractBatch('{"feilmelding": "Kari Nordmann finnes ikke"}')).not.toThrow(/Kari/);
  });
});
