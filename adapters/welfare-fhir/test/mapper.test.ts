import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BadResponseError } from '../../kit';
import { mapResources, parseSearchPage, readPushedEvent } from '../mapper';

const text = (name: string) => readFileSync(path.join(__dirname, 'fixtures', name), 'utf8');
const fixture = (name: string) => JSON.parse(text(name)) as Record<string, unknown> & { entry: { resource: Record<string, unknown> }[] };

const HOME_CARE = '03864013065';
const D_NUMBER = '65849226767';
const CENTRE = 'Bergen legevakt, trygghetsalarmsentralen';

function allResources() {
  return ['observations-page1.json', 'observations-page2.json', 'communications.json', 'device-use.json'].flatMap((name) => parseSearchPage(text(name)).resources);
}

/** A copy of a fixture's resources with one resource changed. */
function withChanged(name: string, index: number, change: (resource: Record<string, unknown>) => void) {
  const bundle = fixture(name);
  const resource = bundle.entry[index]?.resource as Record<string, unknown>;
  change(resource);
  return parseSearchPage(bundle).resources;
}

describe('welfare-fhir mapper', () => {
  it('reads a page and its next link', () => {
    const page = parseSearchPage(text('observations-page1.json'));
    expect(page.resources).toHaveLength(4);
    expect(page.next).toBe('http://hub.test/fhir?_getpages=abcdefghij&_getpagesoffset=4&_count=4&_bundletype=searchset');
    expect(parseSearchPage(text('communications.json')).next).toBeNull();
  });

  it('maps measurements value by value: LOINC, NPU and the hub’s own code, times in UTC, units converted', () => {
    const records = mapResources(allResources());
    expect([...records.keys()].sort()).toEqual([HOME_CARE, D_NUMBER].sort());
    const a = records.get(HOME_CARE);
    expect(a?.measurements).toEqual([
      {
        id: 'hm-sys',
        time: '2026-12-05T07:33:00Z',
        kind: 'SYSTOLIC_BLOOD_PRESSURE',
        code: { system: 'http://loinc.org', code: '8480-6', display: 'Systolic blood pressure' },
        value: 147,
        unit: 'mm[Hg]',
        deviceId: 'vtu-btm',
      },
      {
        id: 'hm-vekt1',
        time: '2026-12-04T07:50:00Z',
        kind: 'BODY_WEIGHT',
        code: { system: 'urn:oid:1.2.208.176.2.1', code: 'NPU03804', display: 'Pt—Body; mass = ? kg' },
        value: 63.2,
        unit: 'kg',
        deviceId: 'vtu-vekt',
      },
      {
        id: 'hm-vekt2',
        time: '2026-12-05T07:40:00Z',
        kind: 'BODY_WEIGHT',
        code: { system: 'urn:oid:1.2.208.176.2.1', code: 'NPU03804', display: 'Pt—Body; mass = ? kg' },
        value: 64.1,
        unit: 'kg',
        deviceId: 'vtu-vekt',
      },
      // 9279-1 (respiratory rate) is no kind the graph knows: skipped.
    ]);
    // The newest measurement's range per kind, in the model's order of kinds.
    expect(a?.thresholds).toEqual([
      { kind: 'SYSTOLIC_BLOOD_PRESSURE', low: 90, high: 160, unit: 'mm[Hg]' },
      { kind: 'BODY_WEIGHT', low: null, high: 63.8, unit: 'kg' },
    ]);
    const d = records.get(D_NUMBER);
    expect(d?.measurements).toEqual([
      expect.objectContaining({ id: 'hm-spo2', kind: 'OXYGEN_SATURATION', value: 89, unit: '%', time: '2026-12-06T09:12:00Z' }),
      expect.objectContaining({ id: 'hm-cat', kind: 'SYMPTOM_SCORE', value: 22, unit: '{score}', code: { system: 'urn:x-patient-graph:codesystem:home-measurement', code: 'CAT', display: 'Symptomskår KOLS (CAT, 0–40)' } }),
    ]);
    expect(d?.thresholds).toEqual([{ kind: 'OXYGEN_SATURATION', low: 90, high: null, unit: '%' }]);
    expect(d?.devices).toEqual([]);
    expect(d?.events).toEqual([]);
  });

  it('maps events: handled by the response centre when completed, not handled while in progress, unknown categories skipped', () => {
    const events = mapResources(allResources()).get(HOME_CARE)?.events;
    expect(events).toEqual([
      { id: 'alarm-a', time: '2026-12-04T20:44:00Z', kind: 'ALARM', text: 'Trygghetsalarm utløst; hjemmesykepleien tilkalt', deviceId: 'vft-trygg', handled: true, handledBy: CENTRE, medication: null },
      { id: 'fall-a', time: '2026-12-06T03:10:00Z', kind: 'FALL', text: 'Fall registrert av fallsensor', deviceId: 'vft-fall', handled: false, handledBy: null, medication: null },
    ]);
  });

  it('maps devices in use with where they are installed and who takes their alarms', () => {
    expect(mapResources(allResources()).get(HOME_CARE)?.devices).toEqual([
      { id: 'vft-trygg', kind: 'SAFETY_ALARM', name: 'Careline Safe', manufacturer: 'Careline', since: '2025-01-19', until: null, location: 'Storgata 5, 5003 Bergen', responseCentre: CENTRE },
      { id: 'vtu-vekt', kind: 'SCALE', name: 'Seca 803 Connect', manufacturer: 'Seca', since: '2025-08-07', until: '2026-11-30', location: 'Storgata 5, 5003 Bergen', responseCentre: null },
    ]);
  });

  it('reads a pushed event (text or parsed) for its own instance only', () => {
    const expected = {
      patientNin: HOME_CARE,
      event: { id: 'push-abcdefghijklmnop', time: '2026-12-07T04:41:00Z', kind: 'ALARM', text: 'Trygghetsalarm utløst', deviceId: 'vft-trygg', handled: false, handledBy: null, medication: null },
    };
    expect(readPushedEvent(text('webhook-alarm.json'), 'welfare-hub')).toEqual(expected);
    expect(readPushedEvent(JSON.parse(text('webhook-alarm.json')), 'welfare-hub')).toEqual(expected);
    expect(() => readPushedEvent(text('webhook-alarm.json'), 'another-hub')).toThrow(BadResponseError);
    expect(() => readPushedEvent('{"source":', 'welfare-hub')).toThrow(BadResponseError);
    const noNin = JSON.parse(text('webhook-alarm.json')) as { resource: { subject: { identifier: { value: string } } } };
    noNin.resource.subject.identifier.value = '12345678901';
    expect(() => readPushedEvent(noNin, 'welfare-hub')).toThrow(/resource\.subject\.identifier\.value/);
  });

  describe('malformed answers are BadResponseErrors naming the path, never a value', () => {
    const cases: [string, () => unknown][] = [
      ['not a Bundle', () => parseSearchPage('{"resourceType":"Patient"}')],
      ['not JSON', () => parseSearchPage('{"resourceType":')],
      ['an Observation without a subject identifier', () => mapResources(withChanged('observations-page1.json', 0, (r) => (r.subject = { reference: 'Patient/x' })))],
      ['an Observation whose time has no zone', () => mapResources(withChanged('observations-page1.json', 0, (r) => (r.effectiveDateTime = '2026-12-05T08:33:00')))],
      ['a weight in pounds', () => mapResources(withChanged('observations-page1.json', 1, (r) => (r.valueQuantity = { value: 140, system: 'http://unitsofmeasure.org', code: '[lb_av]' })))],
      ['a value that is text', () => mapResources(withChanged('observations-page1.json', 0, (r) => (r.valueQuantity = { value: 'høy' })))],
      ['a statement naming a device not in the answer', () => mapResources(withChanged('device-use.json', 0, (r) => (r.device = { reference: 'Device/missing' })))],
      ['an identity number that is not one', () => mapResources(withChanged('communications.json', 0, (r) => ((r.subject as { identifier: { value: string } }).identifier.value = '03864013066')))],
    ];
    it.each(cases)('%s', (_what, run) => {
      let error: unknown;
      try {
        run();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(BadResponseError);
      const message = (error as Error).message;
      expect(message).not.toMatch(/03864013066|03864013065|høy|140/);
    });
  });
});
