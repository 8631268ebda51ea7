import { readFileSync } from 'node:fs';
import path from 'node:path';
import { dispenserJsonSimulator } from '../../../simulators/dispenser-json';
import { BadResponseError, SourceFault } from '../../kit';
import { mapExportPage, readVendorFault } from '../mapper';

const fixture = readFileSync(path.join(__dirname, 'fixtures', 'eksport-side.json'), 'utf8');
const HOME = '03864013065';
const OTHER = '23843227368';


/** The fixture as a test may edit it. */
interface EditablePage {
  pasienter: { personnummer?: string; dispensere: Record<string, unknown>[]; hendelser: (Record<string, unknown> & { legemiddel: Record<string, unknown> | null })[] }[];
  nesteSideToken?: unknown;
}

/** The fixture with one change, for the cases that must fail. */
function edited(change: (page: EditablePage) => void): string {
  const page = JSON.parse(fixture) as EditablePage;
  change(page);
  return JSON.stringify(page);
}

function badResponse(body: string): BadResponseError {
  try {
    mapExportPage(body);
  } catch (error) {
    expect(error).toBeInstanceOf(BadResponseError);
    return error as BadResponseError;
  }
  throw new Error('the page was accepted');
}

describe('dispenser-json mapper', () => {
  const page = mapExportPage(fixture);
  const home = page.records.get(HOME)!;
  const other = page.records.get(OTHER)!;

  it('reads every patient of the page and the paging token', () => {
    expect([...page.records.keys()]).toEqual([HOME, OTHER]);
    expect(page.nextToken).toBeNull();
    expect(mapExportPage(edited((p) => (p.nesteSideToken = 'eyJvIjoyMH0'))).nextToken).toBe('eyJvIjoyMH0');
  });

  it('maps the dispenser as a MEDICATION_DISPENSER device: where it stands and who gets its alerts', () => {
    expect(home.devices).toEqual([
      {
        id: 'DV2-72047128',
        kind: 'MEDICATION_DISPENSER',
        name: 'Dosevakt Hjem 2',
        manufacturer: 'Dosevakt AS',
        since: '2025-04-15',
        until: null,
        location: 'Nygårdsgaten 56, 5015 BERGEN',
        responseCentre: 'Hjemmesykepleien sone sør',
      },
    ]);
    // "" is "not given", as null is.
    expect(other.devices).toEqual([
      { id: 'DV2-31550872', kind: 'MEDICATION_DISPENSER', name: 'Dosevakt Hjem 2', manufacturer: null, since: '2024-02-01', until: '2026-10-30', location: null, responseCentre: null },
    ]);
    expect(home.measurements).toEqual([]);
    expect(home.thresholds).toEqual([]);
  });

  it('keeps the exceptions only, newest first, with wall-clock times in UTC (winter +01:00, summer +02:00)', () => {
    expect(home.events).toEqual([
      {
        id: 'e7f0a8f01c9e5ed6',
        // Winter time: 21:00 in Oslo is 20:00 UTC.
        time: '2026-12-05T20:00:00Z',
        kind: 'DOSE_MISSED',
        text: 'Dose kl. 20:00 ikke tatt ut: Metoprolol',
        deviceId: 'DV2-72047128',
        handled: false,
        handledBy: null,
        medication: { atc: 'C07AB02', name: 'Metoprolol', scheduled: '2026-12-05T19:00:00Z' },
      },
      {
        id: '7cee4a9ff580e54d',
        time: '2026-11-29T16:44:00Z',
        kind: 'DISPENSER_FAULT',
        text: 'Dispenseren må fylles på',
        deviceId: 'DV2-72047128',
        handled: true,
        handledBy: 'Hjemmesykepleien sone sør',
        medication: null,
      },
      {
        id: 'c563624c87679226',
        time: '2026-11-26T07:31:00Z',
        kind: 'DOSE_LATE',
        text: 'Dose kl. 08:00 tatt ut for sent (kl. 08:31): Paracetamol',
        deviceId: 'DV2-72047128',
        // A late dose raises no alert: the platform says nothing of its handling.
        handled: null,
        handledBy: null,
        medication: { atc: 'N02BE01', name: 'Paracetamol', scheduled: '2026-11-26T07:00:00Z' },
      },
      {
        id: '8a40e3c1d7b25f09',
        // Summer time: 21:00 in Oslo is 19:00 UTC.
        time: '2026-07-15T19:00:00Z',
        kind: 'DOSE_MISSED',
        text: 'Dose kl. 20:00 ikke tatt ut: Metoprolol',
        deviceId: 'DV2-72047128',
        handled: true,
        handledBy: 'Hjemmesykepleien sone sør',
        medication: { atc: 'C07AB02', name: 'Metoprolol', scheduled: '2026-07-15T18:00:00Z' },
      },
    ]);
    // The dose taken on time is not an event.
    expect(home.events.map((e) => e.id)).not.toContain('5d1c0a7e9b2f4410');
  });

  it('converts times on the days the clocks change, and a medicine without an ATC code', () => {
    expect(other.events).toEqual([
      {
        id: '1f0b77aa3c9e2d18',
        // 02:30 on the last Sunday of October happens twice: the earlier instant (summer time) is taken.
        time: '2026-10-25T00:30:00Z',
        kind: 'DISPENSER_FAULT',
        text: 'Strømbrudd på dispenseren',
        deviceId: 'DV2-31550872',
        handled: false,
        handledBy: null,
        medication: null,
      },
      {
        id: '2e9a1c0fd4b83a61',
        // The afternoon of the last Sunday of March is summer time already.
        time: '2026-03-29T12:40:00Z',
        kind: 'DOSE_LATE',
        text: 'Dose kl. 14:00 tatt ut for sent (kl. 14:40): Multidose (pose)',
        deviceId: 'DV2-31550872',
        handled: null,
        handledBy: null,
        medication: { atc: null, name: 'Multidose (pose)', scheduled: '2026-03-29T12:00:00Z' },
      },
    ]);
  });

  it.each<[string, (p: EditablePage) => void, RegExp]>([
    ['a patient without a personnummer', (p) => delete p.pasienter[0]!.personnummer, /pasienter\.0\.personnummer/],
    ['a personnummer that is not one', (p) => (p.pasienter[0]!.personnummer = '03864013066'), /pasienter\.0\.personnummer/],
    ['an ISO time with a zone instead of the wall clock', (p) => (p.pasienter[0]!.hendelser[1]!.tidspunkt = '2026-07-15T19:00:00Z'), /pasienter\.0\.hendelser\.1\.tidspunkt/],
    ['a wall-clock time that does not exist', (p) => (p.pasienter[0]!.hendelser[1]!.planlagt = '2026-02-30 20:00'), /pasienter\.0\.hendelser\.1\.planlagt/],
    ['an event type the platform does not have', (p) => (p.pasienter[0]!.hendelser[1]!.type = 'DOSE_GLEMT'), /pasienter\.0\.hendelser\.1\.type/],
    ['a dose event without its medicine', (p) => (p.pasienter[0]!.hendelser[1]!.legemiddel = null), /pasienter\.0\.hendelser\.1\.legemiddel/],
    ['a dose event without its planned time', (p) => (p.pasienter[0]!.hendelser[2]!.planlagt = null), /pasienter\.0\.hendelser\.2\.planlagt/],
    ['a malformed ATC code', (p) => (p.pasienter[0]!.hendelser[1]!.legemiddel!.atc = 'metoprolol'), /pasienter\.0\.hendelser\.1\.legemiddel\.atc/],
    ['a dispenser without a serial number', (p) => delete p.pasienter[0]!.dispensere[0]!.serienummer, /pasienter\.0\.dispensere\.0\.serienummer/],
    ['an installation date that is not a date', (p) => (p.pasienter[0]!.dispensere[0]!.installert = '15.04.2025'), /pasienter\.0\.dispensere\.0\.installert/],
    ['no list of patients', (p) => delete (p as Partial<EditablePage>).pasienter, /pasienter/],
  ])('refuses %s, naming the path and never the value', (_what, change, where) => {
    const error = badResponse(edited(change));
    expect(error.message).toMatch(where);
    expect(error.message).not.toMatch(/\d{11}|2026-07-15T19|DOSE_GLEMT|metoprolol|15\.04\.2025/);
  });

  it('refuses a patient listed twice on a page, and a body that is not JSON', () => {
    expect(badResponse(edited((p) => p.pasienter.push(p.pasienter[0]!))).message).toMatch(/twice \(pasienter\.2\)/);
    expect(badResponse('{"pasienter": [').message).toMatch(/not valid JSON/);
  });

  it("refuses the simulator's canned invalid answer", () => {
    expect(() => mapExportPage(dispenserJsonSimulator.invalid.body)).toThrow(BadResponseError);
  });

  it("reads the vendor's error body by its code only, never its melding", () => {
    const fault = readVendorFault(JSON.stringify({ feil: { kode: 'UGYLDIG_API_NOKKEL', melding: 'Ingrid Solheim 03864013065 ...' } }), 401);
    expect(fault).toBeInstanceOf(SourceFault);
    expect(fault?.fault).toEqual({ protocol: 'dispenser export', code: 'UGYLDIG_API_NOKKEL', status: 401 });
    expect(fault?.message).not.toMatch(/Ingrid|\d{11}/);
    // Free text where the code belongs is not passed on.
    expect(readVendorFault({ feil: { kode: 'Pasient 03864013065 finnes ikke' } }, 400)?.fault.code).toBe('UKJENT');
    expect(readVendorFault('<html>Bad gateway</html>', 502)).toBeNull();
    expect(readVendorFault({ pasienter: [] }, 200)).toBeNull();
    // A fault in a 200 answer is a fault too.
    expect(() => mapExportPage(JSON.stringify({ feil: { kode: 'INTERN_FEIL', melding: 'x' } }))).toThrow(SourceFault);
  });
});
