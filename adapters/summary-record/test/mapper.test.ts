import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BadResponseError } from '../../kit';
import type { SummaryRecordModel } from '../../model';
import { mapSummariesResponse, mapTicketsResponse } from '../mapper';

const summariesFixture = readFileSync(path.join(__dirname, 'fixtures', 'summaries.json'), 'utf8');
const ticketsFixture = readFileSync(path.join(__dirname, 'fixtures', 'tickets.json'), 'utf8');

function summary(ticket: string): SummaryRecordModel {
  const entry = mapSummariesResponse(summariesFixture).get(ticket);
  if (!entry || typeof entry === 'string') throw new Error(`no summary for ${ticket}`);
  return entry;
}

describe('summary record mapper: tickets', () => {
  it('maps grants by patient index and unknown patients to null', () => {
    expect(mapTicketsResponse(ticketsFixture, 3)).toEqual([
      { ticket: 'tkt-criticalInfo-xxxxxxxx0', expiresAt: Date.parse('2026-03-02T10:10:00.000Z') },
      null,
      { ticket: 'tkt-homeCare-xxxxxxxx1', expiresAt: Date.parse('2026-03-02T10:10:00.000Z') },
    ]);
  });

  it('refuses an answer that skips, repeats or invents a patient index', () => {
    expect(() => mapTicketsResponse(ticketsFixture, 4)).toThrow(/unanswered/);
    expect(() => mapTicketsResponse(ticketsFixture, 2)).toThrow(/outside/);
    const twice = JSON.stringify({ tickets: [{ patientIndex: 0, error: 'PATIENT_NOT_FOUND' }, { patientIndex: 0, error: 'PATIENT_NOT_FOUND' }] });
    expect(() => mapTicketsResponse(twice, 1)).toThrow(/twice/);
  });

  it('refuses garbage and wrong shapes', () => {
    expect(() => mapTicketsResponse('{"tickets": [{"tick', 1)).toThrow(BadResponseError);
    expect(() => mapTicketsResponse(JSON.stringify({ tickets: [{ ticket: 't', patientIndex: 0, expiresAt: 'snart' }] }), 1)).toThrow(/expiresAt/);
    expect(() => mapTicketsResponse(JSON.stringify({ summaries: [] }), 1)).toThrow(BadResponseError);
  });
});

describe('summary record mapper: summaries', () => {
  it('maps a FHIR AllergyIntolerance with ATC code, reaction, severity, recorder and local registration date', () => {
    expect(summary('tkt-criticalInfo-xxxxxxxx0').criticalInformation[0]).toEqual({
      id: 'ki-000374',
      type: 'ALLERGY',
      text: 'NSAIDs',
      atc: 'M01A',
      reaction: 'Bronkospasme',
      severity: 'SEVERE',
      recorded: '2021-12-24',
      verified: true,
      recordedByHpr: '9107601',
    });
  });

  it('maps a FHIR Device as an implant, registered by the note on it; Kjernejournal elements: anaesthesia complication, other kinds as OTHER', () => {
    expect(summary('tkt-criticalInfo-xxxxxxxx0').criticalInformation[2]).toEqual({
      id: 'ki-000376',
      type: 'IMPLANT',
      text: 'Mekanisk aortaklaff',
      atc: null,
      reaction: null,
      severity: null,
      recorded: '2022-11-26',
      verified: true,
      recordedByHpr: '9107601',
    });
    const homeCare = summary('tkt-homeCare-xxxxxxxx1').criticalInformation;
    expect(homeCare.find((c) => c.id === 'ki-900001')).toMatchObject({
      type: 'ANAESTHESIA_COMPLICATION',
      reaction: 'Malign hypertermi',
      severity: 'SEVERE',
      // 23:40 local time on the 14th is the 14th, not the UTC day.
      recorded: '2018-02-14',
    });
    expect(summary('tkt-nursingHome-xxxxxxxx2').criticalInformation[1]).toMatchObject({
      type: 'OTHER',
      text: 'MRSA-bærer',
      verified: false,
      recordedByHpr: null,
    });
  });

  it('maps an unconfirmed allergy without reaction or recorder, and drops one entered in error', () => {
    const homeCare = summary('tkt-homeCare-xxxxxxxx1').criticalInformation;
    expect(homeCare.find((c) => c.id === 'ki-900002')).toEqual({
      id: 'ki-900002',
      type: 'ALLERGY',
      text: 'Peanøtter',
      atc: null,
      reaction: null,
      severity: null,
      recorded: '2023-05-02',
      verified: false,
      recordedByHpr: null,
    });
    expect(homeCare.map((c) => c.id)).not.toContain('ki-900003');
    expect(homeCare).toHaveLength(3);
  });

  it('refuses a summary whose resources refer to another patient, or to none', () => {
    const fixture = () => JSON.parse(summariesFixture) as { summaries: { allergies?: Record<string, unknown>[]; implants?: Record<string, unknown>[] }[] };
    const otherAllergy = fixture();
    otherAllergy.summaries[0]!.allergies![1]!.patient = { reference: 'Patient/kjp-someoneelse' };
    expect(() => mapSummariesResponse(JSON.stringify(otherAllergy))).toThrow(/another patient/);
    const otherImplant = fixture();
    otherImplant.summaries[0]!.implants![0]!.patient = { reference: 'Patient/kjp-someoneelse' };
    expect(() => mapSummariesResponse(JSON.stringify(otherImplant))).toThrow(/another patient/);
    const noPatient = fixture();
    delete noPatient.summaries[0]!.allergies![0]!.patient;
    expect(() => mapSummariesResponse(JSON.stringify(noPatient))).toThrow(/patient/);
  });

  it('drops an implant entered in error', () => {
    const fixture = JSON.parse(summariesFixture) as { summaries: { implants?: Record<string, unknown>[] }[] };
    fixture.summaries[0]!.implants![0]!.status = 'entered-in-error';
    const entry = mapSummariesResponse(JSON.stringify(fixture)).get('tkt-criticalInfo-xxxxxxxx0');
    expect(typeof entry !== 'string' && entry?.criticalInformation.map((c) => c.type)).toEqual(['ALLERGY', 'ALLERGY']);
  });

  it('maps dispensations newest first with their dose, converting a decimal-comma amount', () => {
    const dispensations = summary('tkt-homeCare-xxxxxxxx1').dispensations;
    expect(dispensations.map((d) => d.dispensed)).toEqual(['2026-10-21', '2026-10-14', '2026-10-12']);
    expect(dispensations[0]).toEqual({
      id: 'utl-000076',
      atc: 'C07AB02',
      name: 'Metoprolol',
      strength: '50 mg',
      form: 'depottablett',
      dose: { amount: 1, unit: 'tablett', timesPerDay: 1, text: '1 tablett 1 gang daglig' },
      dispensed: '2026-10-21',
      packages: 1,
      pharmacy: 'Vitusapotek Nordstjernen',
      prescriberHpr: '9217889',
    });
    expect(dispensations[2]?.dose).toEqual({ amount: 0.5, unit: 'tablett', timesPerDay: 1, text: '0,5 tablett 1 gang daglig' });
  });

  it('marks a dispensation a patient aged 12-15 kept from her parents (skjermetForForesatte), and no other', () => {
    const fixture = JSON.parse(summariesFixture) as { summaries: { ticket: string; dispensedMedications?: Record<string, unknown>[] }[] };
    const homeCare = fixture.summaries.find((s) => s.ticket === 'tkt-homeCare-xxxxxxxx1');
    const [first, second, third] = homeCare?.dispensedMedications ?? [];
    if (!first || !second || !third) throw new Error('the fixture has three dispensations for homeCare');
    first.skjermetForForesatte = true;
    second.skjermetForForesatte = false;
    const read = mapSummariesResponse(JSON.stringify(fixture)).get('tkt-homeCare-xxxxxxxx1') as SummaryRecordModel;
    expect(read.dispensations.find((d) => d.id === first.utleveringId)?.keptFromParents).toBe(true);
    expect(read.dispensations.filter((d) => 'keptFromParents' in d)).toHaveLength(1);
    // Anything but a boolean is not the protocol's.
    first.skjermetForForesatte = 'ja';
    expect(() => mapSummariesResponse(JSON.stringify(fixture))).toThrow(/skjermetForForesatte/);
  });

  it('maps a dispensation without a stated dose to dose null', () => {
    const apixaban = summary('tkt-nursingHome-xxxxxxxx2').dispensations.find((d) => d.atc === 'B01AF02');
    expect(apixaban?.dose).toBeNull();
    expect(apixaban?.name).toBe('Apixaban');
  });

  it('reports refused tickets by their error code', () => {
    expect(mapSummariesResponse(summariesFixture).get('tkt-expired-xxxxxxxx3')).toBe('TICKET_EXPIRED');
  });

  it('rejects garbage and malformed entries with a bad-response error that quotes no values', () => {
    expect(() => mapSummariesResponse('{"summaries": [{"tick')).toThrow(BadResponseError);
    const wrongDate = JSON.parse(summariesFixture) as { summaries: { dispensedMedications?: { utlevertDato: string }[] }[] };
    const first = wrongDate.summaries[0]?.dispensedMedications?.[0];
    if (first) first.utlevertDato = '15.09.2026';
    const text = JSON.stringify(wrongDate);
    expect(() => mapSummariesResponse(text)).toThrow(BadResponseError);
    expect(() => mapSummariesResponse(text)).not.toThrow(/15\.09\.2026|Acetylsalisylsyre/);
    const summaryOf = (over: Record<string, unknown>) =>
      JSON.stringify({ summaries: [{ ticket: 't', patient: { reference: 'Patient/kjp-x' }, allergies: [], implants: [], otherCriticalInformation: [], dispensedMedications: [], ...over }] });
    expect(() => mapSummariesResponse(summaryOf({}))).not.toThrow();
    expect(() => mapSummariesResponse(summaryOf({ allergies: 'ingen' }))).toThrow(/allergies/);
    // The old shape (one list mixing FHIR resources and Kjernejournal elements) is not this API's.
    expect(() => mapSummariesResponse(summaryOf({ allergies: undefined, criticalInformation: [] }))).toThrow(/allergies/);
    expect(() => mapSummariesResponse(summaryOf({ implants: [{ resourceType: 'Device', id: 'd1', patient: { reference: 'Patient/kjp-x' } }] }))).toThrow(/implants\.0/);
    expect(() => mapSummariesResponse(JSON.stringify({ summaries: [{ ticket: 't', error: 'NOPE' }] }))).toThrow(BadResponseError);
    expect(() => mapSummariesResponse(JSON.stringify({ summaries: [{ ticket: 't', error: 'TICKET_UNKNOWN' }, { ticket: 't', error: 'TICKET_UNKNOWN' }] }))).toThrow(
      /twice/,
    );
  });
});
