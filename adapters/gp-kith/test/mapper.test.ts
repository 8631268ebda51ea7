import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gpKithSimulator } from '../../../simulators/gp-kith';
import { BadResponseError } from '../../kit';
import { CODE_SYSTEM } from '../../model';
import { mapJournalResponse, type JournalAnswer } from '../mapper';

const fixture = (name: string) => readFileSync(path.join(__dirname, 'fixtures', name), 'utf8');
const nordlys = fixture('nordlys-journal.xml');
const fjord = fixture('fjord-epj.xml');
const icpc = (code: string, display: string) => ({ system: CODE_SYSTEM.icpc2, code, display });

/** The records of an answer by identity number (the client correlates by request; here the number is enough). */
const records = (dialect: 'soap11' | 'soap12', xml: string) => new Map(mapJournalResponse(dialect, xml).map((a: JournalAnswer) => [a.nin, a.record]));

/** The error a mapping throws, to assert on its message. */
function errorOf(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the mapping to fail');
}

describe('gp-kith mapper, Nordlys Journal (soap11)', () => {
  const answers = mapJournalResponse('soap11', nordlys);
  const byNin = records('soap11', nordlys);
  const ingrid = byNin.get('03864013065');

  it('reads one DIALOG_SVAR per patient: the request it answers, the office and us by HER-id, the patient', () => {
    expect(answers.map(({ record, ...rest }) => ({ ...rest, journal: record !== null }))).toEqual([
      { refToParent: '6f1c2a0e-5b1d-4c0e-9a51-2f7d10c0a001', senderHerId: '81241', receiverHerId: '90001', nin: '03864013065', journal: true },
      { refToParent: '6f1c2a0e-5b1d-4c0e-9a51-2f7d10c0a002', senderHerId: '81242', receiverHerId: '90001', nin: '23843227368', journal: true },
      { refToParent: '6f1c2a0e-5b1d-4c0e-9a51-2f7d10c0a003', senderHerId: '81241', receiverHerId: '90001', nin: '01010112345', journal: false },
    ]);
  });

  it('lists consultations newest first, with Oslo wall-clock V attributes converted to UTC (CET and CEST)', () => {
    expect(ingrid?.consultations.map((c) => [c.id, c.time])).toEqual([
      ['kons-000063', '2026-10-10T09:00:00Z'],
      ['kons-000060', '2025-09-29T15:20:00Z'], // 17:20 summer time
      ['kons-000061', '2025-05-22T11:40:00Z'],
      ['kons-000062', '2024-11-17T12:40:00Z'], // 13:40 winter time
    ]);
    expect(ingrid?.consultations[3]).toEqual({
      id: 'kons-000062',
      time: '2024-11-17T12:40:00Z',
      contactType: 'OFFICE',
      reason: icpc('S18', 'Kutt/rift'),
      diagnoses: [icpc('S18', 'Kutt/rift')],
      note: 'Undersøkt. Ingen alarmsymptomer. Råd gitt.',
      hprNumber: '9217889',
    });
  });

  it('maps contact type codes, unknown ones to OTHER', () => {
    expect(ingrid?.consultations.find((c) => c.id === 'kons-000061')?.contactType).toBe('HOME_VISIT');
    const olav = byNin.get('23843227368');
    expect(olav?.consultations.find((c) => c.id === 'kons-000303')?.contactType).toBe('OTHER'); // EKONS
    expect(olav?.consultations.find((c) => c.id === 'kons-000301')?.contactType).toBe('PHONE');
  });

  it('maps the problem list with its start dates', () => {
    expect(ingrid?.problems[1]).toEqual({ code: icpc('K78', 'Atrieflimmer/flutter'), since: '2022-09-21' });
  });

  it('maps prescriptions with ATC, structured dose and status, active and stopped', () => {
    expect(ingrid?.prescriptions.find((p) => p.id === 'resept-000066')).toEqual({
      id: 'resept-000066',
      atc: 'B01AA03',
      name: 'Warfarin',
      strength: '2,5 mg',
      form: 'tablett',
      dose: { amount: 2, unit: 'tablett', timesPerDay: 1, text: '2 tabletter 1 gang daglig' },
      status: 'ACTIVE',
      startDate: '2022-10-19',
      endDate: null,
      note: null,
      hprNumber: '9217889',
    });
    expect(ingrid?.prescriptions.find((p) => p.id === 'resept-000070')).toMatchObject({
      atc: 'N05CF01',
      status: 'STOPPED',
      startDate: '2024-02-01',
      endDate: '2026-09-15',
      note: 'Seponert grunnet fallrisiko.',
    });
  });

  it('maps referrals with the receiving organisation number and department', () => {
    expect(ingrid?.referrals).toEqual([
      {
        id: 'henv-000071',
        date: '2026-04-14',
        toOrgNumber: '983974724',
        toDepartment: 'Hjertepoliklinikken',
        reason: icpc('K77', 'Hjertesvikt'),
        text: 'Henvises til vurdering ved hjertepoliklinikken for hjertesvikt.',
        hprNumber: '9217889',
      },
    ]);
  });

  it('maps a planned consultation (kontroll) to a follow-up in UTC, titled by the GP\'s text', () => {
    expect(ingrid?.plannedFollowUps).toEqual([
      {
        id: 'kontroll-000081',
        kind: 'FOLLOW_UP',
        time: '2026-11-10T09:20:00Z',
        title: 'Kontroll etter sykehusopphold: vekt, blodtrykk og nyreprøver.',
        service: null,
        status: 'PLANNED',
        deadline: null,
        referralId: null,
        hprNumber: '9217889',
      },
    ]);
  });

  it('accepts a KITH time that carries its own offset', () => {
    const withOffset = nordlys.replace('V="2024-11-17T13:40:00"', 'V="2024-11-17T13:40:00+01:00"');
    expect(records('soap11', withOffset).get('03864013065')?.consultations[3]?.time).toBe('2024-11-17T12:40:00Z');
  });

  it('maps an unknown status code to UNKNOWN and a non-ATC drug code to no ATC', () => {
    const odd = nordlys
      .replace('<ju:Status V="S" DN="Seponert"/>', '<ju:Status V="P" DN="Pause"/>')
      .replace('<ju:Drug V="N05CF01" S="2.16.578.1.12.4.1.1.7180"', '<ju:Drug V="123456" S="2.16.578.1.12.4.1.1.9999"');
    expect(records('soap11', odd).get('03864013065')?.prescriptions.find((p) => p.id === 'resept-000070')).toMatchObject({
      status: 'UNKNOWN',
      atc: null,
      name: 'Zopiklon',
    });
  });

  it('reads an answer without a journal extract (the office holds no journal for the patient) as null', () => {
    expect(byNin.get('01010112345')).toBeNull();
  });

  it('reads an empty batch answer as no answers', () => {
    const empty = nordlys.replace(/<nl:HentJournalResponse([^>]*)>[\s\S]*<\/nl:HentJournalResponse>/, '<nl:HentJournalResponse$1/>');
    expect(mapJournalResponse('soap11', empty)).toEqual([]);
  });
});

describe('gp-kith mapper, Fjord EPJ (soap12)', () => {
  const byNin = records('soap12', fjord);
  const tomasz = byNin.get('65849226767');
  const astrid = byNin.get('05864538616');

  it('reads one MsgHead per patient, taking the patient from MsgInfo (a D-number here)', () => {
    expect([...byNin.keys()]).toEqual(['65849226767', '05864538616', '01010112345']);
    expect(byNin.get('01010112345')).toBeNull();
  });

  it('converts compact local times and dates, and lists consultations newest first', () => {
    expect(tomasz?.consultations.map((c) => [c.id, c.time, c.contactType])).toEqual([
      ['kons-000321', '2026-01-30T14:00:00Z', 'VIDEO'], // 202601301500, winter
      ['kons-000322', '2025-10-31T11:40:00Z', 'OFFICE'], // 202510311240, winter
      ['kons-000323', '2025-09-14T11:40:00Z', 'OFFICE'], // 202509141340, summer
    ]);
    expect(astrid?.problems[0]).toEqual({ code: icpc('T90', 'Diabetes type 2'), since: '2025-05-24' });
  });

  it('reads a diagnosis without a code system as ICPC-2 and a note with a language attribute', () => {
    const c = tomasz?.consultations.find((x) => x.id === 'kons-000322');
    expect(c?.diagnoses).toEqual([icpc('R74', 'Akutt øvre luftveisinfeksjon')]);
    expect(c?.note).toBe('Undersøkt. Ingen alarmsymptomer. Råd gitt.');
  });

  it('maps a planned phone consultation without text or person, titled by how and why', () => {
    expect(astrid?.plannedFollowUps).toEqual([
      { id: 'kontroll-000224', kind: 'FOLLOW_UP', time: '2026-11-13T12:40:00Z', title: 'Telefonkonsultasjon: Kontroll: Kronisk obstruktiv lungesykdom', service: null, status: 'PLANNED', deadline: null, referralId: null, hprNumber: null },
    ]);
  });

  it('maps a stopped prescription and a referral with compact dates', () => {
    expect(astrid?.prescriptions.find((p) => p.id === 'resept-000222')).toEqual({
      id: 'resept-000222',
      atc: 'C08CA01',
      name: 'Amlodipin',
      strength: '5 mg',
      form: 'tablett',
      dose: { amount: 1, unit: 'tablett', timesPerDay: 1, text: '1 tablett 1 gang daglig' },
      status: 'STOPPED',
      startDate: '2020-12-01',
      endDate: '2026-09-15',
      note: 'Seponert grunnet ankelødem.',
      hprNumber: '2150611',
    });
    expect(astrid?.prescriptions.find((p) => p.id === 'resept-000221')?.dose).toEqual({
      amount: 2,
      unit: 'inhalasjon',
      timesPerDay: 4,
      text: '2 inhalasjoner 4 ganger daglig',
    });
    expect(astrid?.referrals).toEqual([
      {
        id: 'henv-000223',
        date: '2026-03-02',
        toOrgNumber: '983974724',
        toDepartment: 'Lungepoliklinikken',
        reason: icpc('R95', 'Kronisk obstruktiv lungesykdom'),
        text: 'Henvises til vurdering ved lungepoliklinikken for kols.',
        hprNumber: '2150611',
      },
    ]);
  });

  it('reads a patient with nothing recorded (an empty Journal element) as an empty record', () => {
    const empty = fjord.replace(/<Journal xmlns="([^"]+)">[\s\S]*?<\/Journal>/, '<Journal xmlns="$1"/>');
    expect(records('soap12', empty).get('65849226767')).toEqual({ consultations: [], problems: [], prescriptions: [], referrals: [], messages: [], plannedFollowUps: [] });
  });

  it('reads an empty MsgHeadList as no patients', () => {
    const empty = fjord.replace(/<MsgHeadList([^>]*)>[\s\S]*<\/MsgHeadList>/, '<MsgHeadList$1/>');
    expect(mapJournalResponse('soap12', empty)).toEqual([]);
  });
});

describe('gp-kith mapper, answers off the protocol', () => {
  it('rejects garbage and a truncated answer', () => {
    expect(() => mapJournalResponse('soap11', 'not xml at all')).toThrow(BadResponseError);
    expect(() => mapJournalResponse('soap12', fjord.slice(0, fjord.length / 2))).toThrow(BadResponseError);
  });

  it("rejects one vendor's packaging read as the other's", () => {
    expect(() => mapJournalResponse('soap11', fjord)).toThrow(/HentJournalResponse/);
    expect(() => mapJournalResponse('soap12', nordlys)).toThrow(/MsgHeadList/);
  });

  it("rejects the simulator's invalid answer (a MsgHead without MsgInfo) in both dialects", () => {
    expect(() => mapJournalResponse('soap11', gpKithSimulator.invalid.body)).toThrow(BadResponseError);
    expect(() => mapJournalResponse('soap12', gpKithSimulator.invalid.body)).toThrow(BadResponseError);
  });

  it('rejects impossible dates in either format without quoting them', () => {
    const nordlysError = errorOf(() => mapJournalResponse('soap11', nordlys.replace('V="2022-10-19"', 'V="2022-13-45"')));
    expect(nordlysError).toBeInstanceOf(BadResponseError);
    expect(nordlysError.message).toMatch(/StartDate/);
    expect(nordlysError.message).not.toMatch(/2022-13-45/);
    expect(() => mapJournalResponse('soap12', fjord.replace('<StartDateTime>202601301500</StartDateTime>', '<StartDateTime>202602301500</StartDateTime>'))).toThrow(
      BadResponseError,
    );
    // A Nordlys-style attribute where Fjord writes element text.
    expect(() => mapJournalResponse('soap12', fjord.replace('<StartDate>20201201</StartDate>', '<StartDate V="2020-12-01"/>'))).toThrow(BadResponseError);
  });

  it('rejects an answer whose patient identity is malformed, and never quotes identity numbers or names', () => {
    const broken = fjord.replace('<Id>65849226767</Id>', '<Id>6584922641</Id>');
    const error = errorOf(() => mapJournalResponse('soap12', broken));
    expect(error).toBeInstanceOf(BadResponseError);
    expect(error.message).toMatch(/Patient/);
    expect(error.message).not.toMatch(/\d{10,11}/);
  });

  it('rejects an answer with two journal extracts, and one about two patients', () => {
    const extract = /<mh:Document>\s*<mh:DocumentConnection V="V"[\s\S]*?<\/mh:Document>/.exec(nordlys)?.[0] as string;
    expect(() => mapJournalResponse('soap11', nordlys.replace(extract, extract + extract))).toThrow(/two journal extracts/);
    const twoPatients = nordlys.replace(/(<mh:Patient>[\s\S]*?)(<mh:Ident>[\s\S]*?<\/mh:Ident>)/, '$1$2$2');
    expect(() => mapJournalResponse('soap11', twoPatients)).toThrow(/Patient/);
  });

  it('rejects a prescription whose drug has no name and an answer of the wrong message type', () => {
    expect(() => mapJournalResponse('soap11', nordlys.replace(' DN="Warfarin"', ''))).toThrow(/Drug/);
    expect(() => mapJournalResponse('soap11', nordlys.replace('<mh:Type V="DIALOG_SVAR"', '<mh:Type V="DIALOG_NOTAT"'))).toThrow(/Type/);
  });

  it('reads the answer by its Dialogmelding 1.0 topic (Volven 9069), and refuses a 1.1 topic (7322) or a contradicting one', () => {
    expect(mapJournalResponse('soap11', nordlys).map((a) => a.record !== null)).toEqual([true, true, false]);
    const helsefaglig = nordlys.replace(/TemaKodet V="1" S="2.16.578.1.12.4.1.1.9069"/, 'TemaKodet V="8" S="2.16.578.1.12.4.1.1.7322"');
    expect(() => mapJournalResponse('soap11', helsefaglig)).toThrow(/9069 code 1 or 3/);
    expect(() => mapJournalResponse('soap12', fjord.replace(/TemaKodet V="1"/, 'TemaKodet V="3"'))).toThrow(/nothing is held/);
    expect(() => mapJournalResponse('soap11', nordlys.replace(/TemaKodet V="3"/, 'TemaKodet V="1"'))).toThrow(/included/);
    expect(() => mapJournalResponse('soap11', nordlys.replace(/<dia:Dialogmelding[\s\S]*?<\/dia:Dialogmelding>/, ''))).toThrow(BadResponseError);
  });

  it('treats a SOAP fault as a bad answer (the client reads faults before mapping)', () => {
    expect(() => mapJournalResponse('soap11', gpKithSimulator.failure.body)).toThrow(/SOAP fault/);
  });
});

describe('gp-kith mapper: what a patient aged 12-15 kept from her parents (Restriction)', () => {
  const kept = fixture('fjord-epj-kept-from-parents.xml');
  const ida = records('soap12', kept).get('25831263671');

  it('marks the restricted consultation and prescription keptFromParents, and nothing else', () => {
    expect(ida?.consultations.filter((c) => c.keptFromParents).map((c) => [c.id, c.reason?.code, c.keptFromParents])).toEqual([['kons-qpkqgamnaexxil', 'W11', true]]);
    expect(ida?.consultations.filter((c) => !('keptFromParents' in c)).map((c) => c.id).sort()).toEqual(
      ['kons-kcfqxzotlmkapc', 'kons-jyjuzkqeohmlif', 'kons-eitgwtynvbwcxe', 'kons-wnjbozewojhrlv'].sort(),
    );
    expect(ida?.prescriptions.map((m) => [m.id, m.atc, m.strength, m.keptFromParents])).toEqual([['resept-ixwiavricusmjh', 'G03AA07', '150/30 mikrog', true]]);
    // An extract without restrictions marks nothing.
    const ingrid = records('soap11', nordlys).get('03864013065');
    expect([...(ingrid?.consultations ?? []), ...(ingrid?.prescriptions ?? [])].some((x) => 'keptFromParents' in x)).toBe(false);
  });

  it('reads a restriction of a kind it does not know the same way (fail closed), and refuses one without a value', () => {
    const other = records('soap12', kept.replace('<Restriction V="FORELDRE"', '<Restriction V="ANNET"')).get('25831263671');
    expect(other?.consultations.filter((c) => c.keptFromParents).map((c) => c.reason?.code)).toEqual(['W11']);
    expect(() => mapJournalResponse('soap12', kept.replace('<Restriction V="FORELDRE"', '<Restriction'))).toThrow(BadResponseError);
  });
});
