import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BadResponseError, parseSoapBody } from '../../kit';
import { mapGetPersonsResponse } from '../mapper';

const fixture = readFileSync(path.join(__dirname, 'fixtures', 'GetPersons.xml'), 'utf8');
/** The mapper reads the SOAP Body's content; the client gets it from the kit's envelope parser. */
const bodyOf = (xml: string) => parseSoapBody(xml);

/** The fixture with a hand edit, which must change something. */
const edited = (from: string | RegExp, to: string) => {
  const xml = fixture.replace(from, to);
  expect(xml).not.toBe(fixture);
  return xml;
};

describe('practitioner register mapper', () => {
  const people = mapGetPersonsResponse(bodyOf(fixture));

  it('maps a GP: only the authorisation in force (not the lapsed licence), with its speciality', () => {
    expect(people.get('9217889')).toEqual({
      hprNumber: '9217889',
      name: { given: 'Siri', middle: null, family: 'Kristoffersen' },
      authorisations: [{ profession: 'LE', professionText: 'Lege', validFrom: '2007-06-01' }],
      specialities: ['Allmennmedisin'],
    });
  });

  it('maps a middle name, a single approval, xs:boolean 1 and a local-time DateTime', () => {
    expect(people.get('7129611')).toEqual({
      hprNumber: '7129611',
      name: { given: 'Morten', middle: 'Strand', family: 'Jensen' },
      authorisations: [{ profession: 'LE', professionText: 'Lege', validFrom: '1990-01-01' }],
      specialities: ['Allmennmedisin'],
    });
  });

  it('maps nurses and health workers, who have no specialities', () => {
    expect(people.get('9490444')?.authorisations).toEqual([{ profession: 'SP', professionText: 'Sykepleier', validFrom: '2000-12-01' }]);
    expect(people.get('9490444')?.specialities).toEqual([]);
    expect(people.get('9856825')?.authorisations[0]?.profession).toBe('HF');
  });

  it('maps several specialities', () => {
    expect(people.get('9053206')?.specialities).toEqual(['Indremedisin', 'Geriatri']);
  });

  it('maps no approvals at all (an empty or nil collection) to no authorisations', () => {
    const revoked = edited(/<a:Godkjenninger>[\s\S]*?<\/a:Godkjenninger>/, '<a:Godkjenninger i:nil="true"/>');
    expect(mapGetPersonsResponse(bodyOf(revoked)).get('9217889')).toMatchObject({ authorisations: [], specialities: [] });
  });

  it('maps an empty result (no number known) to an empty map', () => {
    const none = edited(/<a:Person>[\s\S]*<\/a:Person>/, '');
    expect(mapGetPersonsResponse(bodyOf(none)).size).toBe(0);
  });

  it('rejects wrong shapes with a bad-response error that quotes no values', () => {
    const noNumber = edited('<a:HPRNummer>9217889</a:HPRNummer>', '');
    expect(() => mapGetPersonsResponse(bodyOf(noNumber))).toThrow(/HPRNummer/);
    expect(() => mapGetPersonsResponse(bodyOf(noNumber))).not.toThrow(/Kristoffersen|Siri/);

    const foreignCodeSystem = edited(/(<a:Helsepersonellkategori>\s*<a:Aktiv>true<\/a:Aktiv>\s*<a:Beskrivelse>Sykepleier<\/a:Beskrivelse>\s*<a:OID>)9060/, '$19999');
    expect(() => mapGetPersonsResponse(bodyOf(foreignCodeSystem))).toThrow(/Helsepersonellkategori/);

    // KITH's attribute form is not the register's contract: the code's members are elements.
    const codeAsAttributes = edited(/<a:Helsepersonellkategori>\s*<a:Aktiv>true<\/a:Aktiv>\s*<a:Beskrivelse>Helsefagarbeider<\/a:Beskrivelse>\s*<a:OID>9060<\/a:OID>\s*<a:Verdi>HF<\/a:Verdi>\s*<\/a:Helsepersonellkategori>/, '<a:Helsepersonellkategori V="HF" S="2.16.578.1.12.4.1.1.9060" DN="Helsefagarbeider"/>');
    expect(() => mapGetPersonsResponse(bodyOf(codeAsAttributes))).toThrow(BadResponseError);
    const codeAsText = edited(/<a:Helsepersonellkategori>\s*<a:Aktiv>true<\/a:Aktiv>\s*<a:Beskrivelse>Helsefagarbeider<\/a:Beskrivelse>[\s\S]*?<\/a:Helsepersonellkategori>/, '<a:Helsepersonellkategori>HF</a:Helsepersonellkategori>');
    expect(() => mapGetPersonsResponse(bodyOf(codeAsText))).toThrow(BadResponseError);

    const badDate = edited('<a:Fra>2009-07-01T00:00:00</a:Fra>', '<a:Fra>01.07.2009</a:Fra>');
    expect(() => mapGetPersonsResponse(bodyOf(badDate))).toThrow(/Fra/);
    expect(() => mapGetPersonsResponse(bodyOf(badDate))).not.toThrow(/01\.07\.2009/);

    expect(() => mapGetPersonsResponse({ GetPersonsResponse: { Other: '' } })).toThrow(/GetPersonsResult/);
  });
});
