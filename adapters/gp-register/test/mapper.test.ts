import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BadResponseError, parseSoapBody } from '../../kit';
import { mapGpDetailsResponse } from '../mapper';

const fixture = readFileSync(path.join(__dirname, 'fixtures', 'GetPatientsGPDetails.xml'), 'utf8');
/** The mapper reads the SOAP Body's content; the client gets it from the kit's envelope parser. */
const bodyOf = (xml: string) => parseSoapBody(xml);

/** The fixture with a hand edit, which must change something. */
const edited = (from: string | RegExp, to: string) => {
  const xml = fixture.replace(from, to);
  expect(xml).not.toBe(fixture);
  return xml;
};

describe('GP register mapper', () => {
  const listings = mapGpDetailsResponse(bodyOf(fixture));

  it('maps a listing: the GP, the office with its record system, and the date the listing began', () => {
    expect(listings.get('03864013065')).toEqual({
      gpHprNumber: '9217889',
      gpName: { given: 'Siri', middle: null, family: 'Kristoffersen' },
      office: { herId: '81241', name: 'Nordnes legekontor', orgNumber: '923456783', recordSystem: 'Nordlys Journal' },
      since: '2022-09-21',
    });
  });

  it('reads a UTC DateTime as the Norwegian date it stands for', () => {
    expect(listings.get('14913527195')?.since).toBe('2011-06-18');
    expect(listings.get('14913527195')?.office.recordSystem).toBe('Fjord EPJ');
  });

  it('maps a vacant list (no GP assigned) and a nil organisation number to nulls', () => {
    expect(listings.get('65849226767')).toEqual({
      gpHprNumber: null,
      gpName: null,
      office: { herId: '81243', name: 'Fyllingsdalen legesenter', orgNumber: null, recordSystem: 'Fjord EPJ' },
      since: '2022-05-10',
    });
  });

  it('picks the open association when a patient has switched GP, and keeps the closed one as an earlier listing', () => {
    const young = listings.get('23850274401');
    expect(young?.gpHprNumber).toBe('9177978');
    expect(young?.office.herId).toBe('82116');
    expect(young?.since).toBe('2024-08-26');
    expect(young?.history).toEqual([{ gpHprNumber: '1234567', office: { herId: '82115', name: 'Heimdal legesenter', orgNumber: '955667786' }, from: '2019-01-01', to: '2024-08-25' }]);
    // One listing only: no history.
    expect(listings.get('03864013065')?.history).toBeUndefined();
  });

  it('leaves out patients the register did not answer for', () => {
    expect([...listings.keys()].sort()).toEqual(['03864013065', '14913527195', '23850274401', '65849226767']);
  });

  it('maps a single association (one element, not a list) and an empty result', () => {
    const end = '</a:PatientToGPContractAssociation>';
    const one = fixture.slice(0, fixture.indexOf(end) + end.length) + fixture.slice(fixture.lastIndexOf(end) + end.length);
    expect([...mapGpDetailsResponse(bodyOf(one)).keys()]).toEqual(['03864013065']);
    const none = fixture.replace(/<a:PatientToGPContractAssociation>[\s\S]*<\/a:PatientToGPContractAssociation>/, '');
    expect(mapGpDetailsResponse(bodyOf(none)).size).toBe(0);
  });

  it('rejects wrong shapes with a bad-response error that quotes no values', () => {
    const noContract = edited(/<a:GPContract>[\s\S]*?<\/a:GPContract>/, '');
    expect(() => mapGpDetailsResponse(bodyOf(noContract))).toThrow(BadResponseError);
    expect(() => mapGpDetailsResponse(bodyOf(noContract))).toThrow(/GPContract/);

    const badDate = edited('2022-09-21T00:00:00', '21.09.2022');
    expect(() => mapGpDetailsResponse(bodyOf(badDate))).toThrow(/From/);
    expect(() => mapGpDetailsResponse(bodyOf(badDate))).not.toThrow(/21\.09\.2022|03864013065|Kristoffersen/);

    const badNin = edited('<a:PatientNIN>03864013065', '<a:PatientNIN>0386401306X');
    expect(() => mapGpDetailsResponse(bodyOf(badNin))).toThrow(BadResponseError);
    expect(() => mapGpDetailsResponse(bodyOf(badNin))).not.toThrow(/0386401306X/);

    const noResult = edited(/<GetPatientsGPDetailsResult[\s\S]*<\/GetPatientsGPDetailsResult>/, '');
    expect(() => mapGpDetailsResponse(bodyOf(noResult))).toThrow(/GetPatientsGPDetailsResponse/);
    expect(() => mapGpDetailsResponse({ GetPatientsGPDetailsResponse: { Other: '' } })).toThrow(/GetPatientsGPDetailsResult/);
    expect(() => mapGpDetailsResponse({ GetPersonsResponse: {} })).toThrow(BadResponseError);
  });

  it('refuses a body that is not XML before the mapper sees it', () => {
    expect(() => bodyOf(fixture.slice(0, 400))).toThrow(BadResponseError);
  });
});
