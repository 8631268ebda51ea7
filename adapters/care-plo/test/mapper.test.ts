import { readFileSync } from 'node:fs';
import path from 'node:path';
import { carePloSimulator } from '../../../simulators/care-plo';
import { BadResponseError } from '../../kit';
import { mapMeldingListe } from '../mapper';

const fixture = readFileSync(path.join(__dirname, 'fixtures', 'meldingliste.xml'), 'utf8');
const NURSING_HOME = '14913527195';
const HOME = '22924932337';

describe('care-plo mapper', () => {
  const answers = mapMeldingListe(fixture);
  const records = new Map(answers.map((a) => [a.nin, a.record]));
  const nursingHome = records.get(NURSING_HOME)!;
  const home = records.get(HOME)!;

  it('reads one answer per MsgHead: the request it refers to, both HER-ids, the patient and the attached record', () => {
    expect(answers.map((a) => [a.refToParent, a.senderHerId, a.receiverHerId, a.nin])).toEqual([
      ['0f8e3c2a-1111-4a2b-8c3d-9e8f7a6b5c4d', '95001', '90001', NURSING_HOME],
      ['0f8e3c2a-2222-4a2b-8c3d-9e8f7a6b5c4d', '95001', '90001', HOME],
    ]);
    expect(answers.every((a) => a.record !== null)).toBe(true);
  });

  it('reads a DIALOG_SVAR as nothing held, and refuses a HELSEOPPLYSNINGER_LEGE without its extract or PLO message', () => {
    const [first] = fixture.match(/ {2}<mh:MsgHead>[\s\S]*?<\/mh:MsgHead>\n/) ?? [''];
    const withoutExtract = first.replace(/<mh:Document>\s*<mh:DocumentConnection V="V"[\s\S]*?<\/mh:Document>\n/, '');
    const list = (heads: string) => fixture.replace(/ {2}<mh:MsgHead>[\s\S]*<\/mh:MsgHead>\n/, heads);
    expect(() => mapMeldingListe(list(withoutExtract))).toThrow(/exactly one care record extract/);
    const withoutPlo = first.replace(/<HelseopplysningerTilLege [\s\S]*?<\/HelseopplysningerTilLege>/, '<Dialogmelding xmlns="http://www.kith.no/xmlstds/dialog/2006-10-11"><Notat><TemaKodet V="3" S="2.16.578.1.12.4.1.1.9069"/></Notat></Dialogmelding>');
    expect(() => mapMeldingListe(list(withoutPlo))).toThrow(/HelseopplysningerTilLege/);
    const svar = first
      .replace('V="HELSEOPPLYSNINGER_LEGE" DN="Helseopplysninger til lege"', 'V="DIALOG_SVAR" DN="Svar på forespørsel"')
      .replace(/<mh:Document>[\s\S]*<\/mh:Document>/, '<mh:Document><mh:RefDoc><mh:MsgType V="XML"/><mh:Content><Dialogmelding xmlns="http://www.kith.no/xmlstds/dialog/2006-10-11"><Notat><TemaKodet V="3" S="2.16.578.1.12.4.1.1.9069" DN="Har ikke ønskede opplysninger"/></Notat></Dialogmelding></mh:Content></mh:RefDoc></mh:Document>');
    expect(mapMeldingListe(list(svar))).toEqual([expect.objectContaining({ nin: NURSING_HOME, record: null })]);
    // Volven 9069 code 3 (Dialogmelding 1.0's answer list) is "nothing held"; 7322 (Dialogmelding 1.1's) and another answer are not.
    expect(() => mapMeldingListe(list(svar.replace('V="3" S="2.16.578.1.12.4.1.1.9069"', 'V="8" S="2.16.578.1.12.4.1.1.7322"')))).toThrow(/9069 code 3/);
    expect(() => mapMeldingListe(list(svar.replace('V="3" S="2.16.578.1.12.4.1.1.9069"', 'V="2" S="2.16.578.1.12.4.1.1.9069"')))).toThrow(/9069 code 3/);
    expect(() => mapMeldingListe(list(svar.replace(/<Notat>.*?<\/Notat>/, '<Foresporsel/>')))).toThrow(/Dialogmelding\.Notat/);
    // A DIALOG_SVAR carrying a record is off-protocol: it is not read as one.
    expect(() => mapMeldingListe(list(first.replace('V="HELSEOPPLYSNINGER_LEGE"', 'V="DIALOG_SVAR"')))).toThrow(/DIALOG_SVAR/);
    expect(() => mapMeldingListe(list(first.replace('V="HELSEOPPLYSNINGER_LEGE"', 'V="DIALOG_FORESPORSEL"')))).toThrow(/MsgInfo\.Type/);
  });

  it('maps services by code, keeping the DN text, and reads unknown codes by their text', () => {
    expect(nursingHome.services).toEqual([
      {
        id: 'vedtak-000105',
        type: 'HOME_NURSING',
        description: 'Helsetjenester i hjemmet',
        decisionDate: '2023-11-13',
        start: '2023-12-03',
        end: '2025-11-19',
        hoursPerWeek: 14,
        unit: 'Hjemmesykepleien sentrum',
      },
      {
        id: 'vedtak-000106',
        type: 'NURSING_HOME_LONG_TERM',
        description: 'Langtidsopphold i institusjon',
        decisionDate: '2025-10-24',
        start: '2025-11-19',
        end: null,
        hoursPerWeek: null,
        unit: 'Ila helse- og velferdssenter',
      },
      {
        id: 'vedtak-x01',
        type: 'NURSING_HOME_SHORT_TERM',
        description: 'Korttidsopphold, rehabilitering',
        decisionDate: null,
        start: '2025-09-01',
        end: '2025-09-21',
        hoursPerWeek: null,
        unit: 'Ila helse- og velferdssenter',
      },
      { id: 'vedtak-x02', type: 'OTHER', description: 'Dagaktivitetstilbud', decisionDate: null, start: '2025-05-02', end: null, hoursPerWeek: 7.5, unit: null },
    ]);
    expect(home.services.map((s) => s.type)).toEqual(['HOME_NURSING', 'SAFETY_ALARM', 'PRACTICAL_ASSISTANCE']);
  });

  it('reads local times as Oslo time, winter and summer, the spring gap and an explicit offset, newest first', () => {
    expect(nursingHome.visits[0]).toEqual({
      id: 'besok-000113',
      time: '2026-11-01T08:38:00Z',
      minutes: 20,
      tasks: ['Rapport'],
      note: 'Urolig på kveldstid. Skjermet.',
      hprNumber: '1287168',
    });
    const byId = new Map(nursingHome.visits.map((v) => [v.id, v]));
    expect(byId.get('besok-sommer-001')?.time).toBe('2026-07-15T06:15:00Z');
    expect(byId.get('besok-sommer-002')?.time).toBe('2026-07-15T18:15:00Z');
    // 02:30 does not exist on 29 March 2026; it is read as the clock before the switch meant it.
    expect(byId.get('besok-dst-001')).toEqual({ id: 'besok-dst-001', time: '2026-03-29T01:30:00Z', minutes: null, tasks: ['Tilsyn'], note: null, hprNumber: null });
    expect(nursingHome.visits.map((v) => v.id).slice(-3)).toEqual(['besok-sommer-002', 'besok-sommer-001', 'besok-dst-001']);
  });

  it('maps the care team by the local role code or, from another list, by its DN text, with the units\' HER-ids and periods', () => {
    expect(nursingHome.careTeam).toEqual([
      { role: 'PRIMARY_CONTACT', hprNumber: '3082321', name: { given: 'Marianne', middle: null, family: 'Lie' }, service: 'Hjemmesykepleien sentrum', orgNumber: null, herId: '82303', phone: null, start: '2023-12-03', end: '2025-11-19' },
      { role: 'PRIMARY_CONTACT', hprNumber: '9209018', name: null, service: 'Ila helse- og velferdssenter', orgNumber: null, herId: '82311', phone: null, start: '2025-11-19', end: null },
      { role: 'MUNICIPAL_COORDINATOR', hprNumber: null, name: { given: 'Tone', middle: null, family: 'Strand' }, service: 'Koordinerende enhet', orgNumber: null, herId: null, phone: null, start: null, end: null },
    ]);
    expect(home.careTeam).toEqual([]);
  });

  it('maps planned visits in UTC, titled by their tasks', () => {
    expect(nursingHome.plannedVisits).toEqual([
      { id: 'planbesok-000201', kind: 'VISIT', time: '2026-11-04T09:00:00Z', title: 'Planlagt besøk: Legevisitt', service: 'Ila helse- og velferdssenter', status: 'PLANNED', deadline: null, referralId: null, hprNumber: null },
    ]);
  });

  it('maps the IPLOS scores by their DN text', () => {
    expect(nursingHome.functionalAssessment?.date).toBe('2026-06-05');
    expect(nursingHome.functionalAssessment?.scores).toHaveLength(17);
    expect(nursingHome.functionalAssessment?.scores.slice(0, 2)).toEqual([
      { variable: 'Sosial deltakelse', score: 4 },
      { variable: 'Styre eget liv', score: 5 },
    ]);
  });

  it('maps next of kin by code, by DN text, and with nothing but a name', () => {
    expect(nursingHome.nextOfKin).toEqual([
      { name: 'Kristian Amundsen', relation: 'CHILD', phone: '97888765', primary: true },
      { name: 'Berit Aune', relation: 'SIBLING', phone: '91234567', primary: false },
      { name: 'Nils Berg', relation: 'OTHER', phone: null, primary: false },
    ]);
    expect(home.nextOfKin[0]?.relation).toBe('SPOUSE');
  });

  it('maps welfare technology, its last alert in UTC', () => {
    expect(home.welfareTechnology).toEqual([
      { id: 'vft-000644', type: 'SAFETY_ALARM', installed: '2024-07-23', lastAlert: { time: '2026-10-26T19:52:00Z', kind: 'Fall', handled: true } },
      { id: 'vft-x01', type: 'DOOR_SENSOR', installed: null, lastAlert: null },
    ]);
    expect(nursingHome.welfareTechnology).toEqual([]);
  });

  it('maps medications, deriving the dose text from the structured dose', () => {
    expect(nursingHome.medications[0]).toEqual({
      id: 'lm-000114',
      atc: 'N06DA02',
      name: 'Donepezil',
      strength: '5 mg',
      form: 'tablett',
      dose: { amount: 1, unit: 'tablett', timesPerDay: 1, text: '1 tablett 1 gang daglig' },
      status: 'ACTIVE',
      startDate: '2024-03-25',
      endDate: null,
      note: null,
      hprNumber: '7129611',
    });
    const byId = new Map(nursingHome.medications.map((m) => [m.id, m]));
    expect(byId.get('lm-000116')?.dose?.text).toBe('1 tablett 2 ganger daglig');
    expect(byId.get('lm-x01')?.dose).toEqual({ amount: 0.5, unit: 'tablett', timesPerDay: 3, text: '1/2 tablett morgen, middag og kveld' });
    expect(byId.get('lm-x02')).toMatchObject({ status: 'STOPPED', endDate: '2025-11-19', note: 'Seponert ved innflytting: interaksjon med antikoagulasjon.' });
    expect(byId.get('lm-x03')).toEqual({
      id: 'lm-x03',
      atc: null,
      name: 'Vitamin D-dråper',
      strength: null,
      form: null,
      dose: null,
      status: 'UNKNOWN',
      startDate: null,
      endDate: null,
      note: null,
      hprNumber: null,
    });
  });

  it('lists administrations newest first with their UTC times', () => {
    expect(nursingHome.administrations[0]).toEqual({
      id: 'adm-000128',
      time: '2026-11-01T20:01:00Z',
      atc: 'B01AF02',
      name: 'Apixaban',
      given: true,
      note: null,
      hprNumber: '7145155',
    });
    const times = nursingHome.administrations.map((a) => Date.parse(a.time));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(nursingHome.administrations.find((a) => a.id === 'adm-000121')).toMatchObject({ time: '2026-10-31T08:01:00Z', given: false, note: 'Pasienten sov' });
  });

  it('reads a list without MsgHeads as no answers', () => {
    const empty = fixture.replace(/ {2}<mh:MsgHead>[\s\S]*<\/mh:MsgHead>\n/, '');
    expect(mapMeldingListe(empty)).toEqual([]);
  });

  it('rejects the simulator\'s invalid answer: a MsgHead naming no patient, a service without FraDato', () => {
    expect(() => mapMeldingListe(carePloSimulator.invalid.body)).toThrow(BadResponseError);
    expect(() => mapMeldingListe(carePloSimulator.invalid.body)).toThrow(/MsgInfo\.Patient/);
    expect(() => mapMeldingListe(carePloSimulator.invalid.body)).toThrow(/Tjeneste\.0\.FraDato/);
  });

  it('rejects wrong formats without quoting values', () => {
    const norwegianDate = fixture.replace('<FraDato>2023-12-03</FraDato>', '<FraDato>03.12.2023</FraDato>');
    expect(() => mapMeldingListe(norwegianDate)).toThrow(/Tjeneste\.0\.FraDato/);
    expect(() => mapMeldingListe(norwegianDate)).not.toThrow(/2023|14913527195|Aune/);
    const badScore = fixture.replace('<Verdi>4</Verdi>', '<Verdi>9</Verdi>');
    expect(() => mapMeldingListe(badScore)).toThrow(/IPLOS\.Skaar\.0\.Verdi/);
    const badTime = fixture.replace('<Tidspunkt>2026-10-26T08:06:00</Tidspunkt>', '<Tidspunkt>26.10.2026 08:06</Tidspunkt>');
    expect(() => mapMeldingListe(badTime)).toThrow(/Besok\.0\.Tidspunkt/);
  });

  it('rejects garbage, error messages and other messages', () => {
    expect(() => mapMeldingListe(fixture.slice(0, 400))).toThrow(BadResponseError);
    expect(() => mapMeldingListe(carePloSimulator.failure.body)).toThrow(/Feilmelding/);
    expect(() => mapMeldingListe('<?xml version="1.0"?><Annet><MsgInfo/></Annet>')).toThrow(/MeldingListe/);
    expect(() => mapMeldingListe('')).toThrow(BadResponseError);
  });
});

describe('care-plo mapper: the individual plan in the extract (IndividuellPlan)', () => {
  const planFixture = readFileSync(path.join(__dirname, 'fixtures', 'meldingliste-individuell-plan.xml'), 'utf8');
  const SARA = '01831165088';
  const plan = mapMeldingListe(planFixture).find((a) => a.nin === SARA)?.record?.individualPlan;

  it('reads goals, measures with who is responsible and their status by the local lists, the coordinator and the next meeting in UTC', () => {
    expect(plan).toMatchObject({ id: 'ip-ysxrrioemqnrey', established: '2026-05-24', revised: '2026-10-16' });
    expect(plan?.goals.map((g) => [g.area, g.targetDate])).toEqual([
      ['Skole', '2027-06-09'],
      ['Helse', null],
      ['Familie', null],
    ]);
    expect(plan?.measures.map((m) => [m.responsible.sector, m.responsible.role, m.status, m.start, m.end])).toEqual([
      ['SCHOOL', 'Kontaktlærer', 'ONGOING', '2026-07-04', null],
      ['PPT', 'Rådgiver', 'COMPLETED', '2026-05-05', '2026-08-03'],
      ['HEALTH_AND_CARE', 'Primærkontakt', 'ONGOING', '2026-05-24', null],
      ['CHILD_WELFARE', 'Saksbehandler', 'COMPLETED', '2026-04-15', '2026-09-22'],
      ['HEALTH_AND_CARE', 'Koordinator', 'ONGOING', '2026-05-24', null],
    ]);
    expect(plan?.coordinator).toEqual({
      sector: 'HEALTH_AND_CARE',
      role: 'Koordinator',
      hprNumber: '1060727',
      name: { given: 'Kristian', middle: null, family: 'Moen' },
      service: 'Koordinerende enhet',
      orgNumber: '942110464',
      herId: '82320',
      consent: null,
    });
    // 25.12.2026 14:30 in Trondheim (winter time) is 13:30 UTC.
    expect(plan?.nextMeeting).toEqual({ time: '2026-12-25T13:30:00Z', place: 'Charlottenlund ungdomsskole', topic: 'Skolehverdagen etter tilretteleggingen' });
  });

  it('reads the participants, those outside health care with their consents, a consent that has ended included', () => {
    expect(plan?.participants.map((p) => [p.sector, p.service, p.orgNumber, p.consent])).toEqual([
      ['HEALTH_AND_CARE', 'Psykisk helse barn og unge', '942110464', null],
      ['HEALTH_AND_CARE', 'Byåsen legesenter', '933445569', null],
      ['SCHOOL', 'Charlottenlund ungdomsskole', '992500018', { from: '2026-04-15', to: '2027-06-04' }],
      ['PPT', 'PP-tjenesten i Trondheim', '992500026', { from: '2026-04-15', to: '2027-06-04' }],
      ['CHILD_WELFARE', 'Barneverntjenesten i Trondheim', '992500034', { from: '2026-04-15', to: '2026-09-22' }],
      ['FAMILY', null, null, null],
    ]);
    expect(plan?.participants[0]?.herId).toBe('82330');
  });

  it('keeps no consent on a party of an unknown sector, and refuses a plan whose consent is not a date', () => {
    const otherList = planFixture.replace('<Sektor V="SKOLE" S="urn:x-patient-graph:codesystem:plan-party-sector" DN="Skole"/>\n                <Navn>Eirik Moen</Navn>\n                <Enhet>Charlottenlund ungdomsskole</Enhet>\n                <Organisasjonsnummer>992500018</Organisasjonsnummer>\n                <Samtykke>', '<Sektor V="SKOLE" S="2.16.578.1.12.4.1.1.9999" DN="Skole"/>\n                <Navn>Eirik Moen</Navn>\n                <Enhet>Charlottenlund ungdomsskole</Enhet>\n                <Organisasjonsnummer>992500018</Organisasjonsnummer>\n                <Samtykke>');
    expect(otherList).not.toBe(planFixture);
    const read = mapMeldingListe(otherList).find((a) => a.nin === SARA)?.record?.individualPlan;
    expect(read?.participants[2]).toMatchObject({ sector: 'FAMILY', consent: null });
    const badDate = planFixture.replace('<TilDato>2026-09-22</TilDato>\n                </Samtykke>', '<TilDato>22.09.2026</TilDato>\n                </Samtykke>');
    expect(badDate).not.toBe(planFixture);
    expect(() => mapMeldingListe(badDate)).toThrow(BadResponseError);
    expect(() => mapMeldingListe(badDate)).not.toThrow(/01831165088|Sara|Moe/);
  });
});
