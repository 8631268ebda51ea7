import { CODE_LISTS, entry, LOCAL_SYSTEM, localEntry } from '../../codelists';
import type { Person } from '../population';
import { opaqueId } from '../population/opaqueId';
import { MEASUREMENT_UNIT, type HomeMeasurementKind, type HubDevice, type HubDeviceKind, type HubEvent, type HubMeasurement, type HubThreshold, type MeasurementCode } from '../population/welfare';

/**
 * How the hub writes its world in FHIR R4 (the adapter reads exactly this; adapters/welfare-fhir/README.md):
 * - a home measurement is an Observation (category vital-signs, or survey for the symptom score; code LOINC, NPU or
 *   the hub's own; valueQuantity in UCUM; effectiveDateTime; `device`), carrying the threshold the follow-up service
 *   set for that kind as `referenceRange` of type `treatment`;
 * - an alarm or a fall is a Communication from the device (`sender`) to the response centre (`recipient`), category
 *   the event's kind, `sent` when it went off, the hub's text as `payload`; `status` completed once the response
 *   centre closed it, in-progress until then;
 * - a device is a Device (type from the device list, manufacturer, model as `deviceName`), where it is installed as
 *   `location.display` (the address in words) and the response centre as `owner.display`; that it is in use at the
 *   patient's home is a DeviceUseStatement (subject, device, `timingPeriod` from installation to removal).
 * Every resource names its patient as `subject` (`patient` on Device) with the identity number as the identifier.
 */
export const SYSTEM = {
  fnr: 'urn:oid:2.16.578.1.12.4.1.4.1',
  dnr: 'urn:oid:2.16.578.1.12.4.1.4.2',
  loinc: CODE_LISTS.loinc.system,
  npu: CODE_LISTS.npu.system,
  ucum: 'http://unitsofmeasure.org',
  observationCategory: 'http://terminology.hl7.org/CodeSystem/observation-category',
  referenceRangeMeaning: 'http://terminology.hl7.org/CodeSystem/referencerange-meaning',
  device: LOCAL_SYSTEM.welfareDevice,
  event: LOCAL_SYSTEM.welfareEvent,
  homeMeasurement: LOCAL_SYSTEM.homeMeasurement,
} as const;

export type Resource = Record<string, unknown> & { resourceType: string; id: string };

const DEVICE_CODE: Record<HubDeviceKind, string> = {
  SAFETY_ALARM: 'TRYGG',
  FALL_SENSOR: 'FALL',
  DOOR_SENSOR: 'DOR',
  BLOOD_PRESSURE_MONITOR: 'BTM',
  PULSE_OXIMETER: 'PULSOKS',
  SCALE: 'VEKT',
  THERMOMETER: 'TERMO',
  TABLET: 'NETTBRETT',
};

/** The unit as the hub prints it beside the UCUM code. */
const UNIT_TEXT: Record<HomeMeasurementKind, string> = {
  SYSTOLIC_BLOOD_PRESSURE: 'mmHg',
  DIASTOLIC_BLOOD_PRESSURE: 'mmHg',
  PULSE: 'slag/min',
  OXYGEN_SATURATION: '%',
  BODY_WEIGHT: 'kg',
  BODY_TEMPERATURE: '°C',
  SYMPTOM_SCORE: 'poeng',
};

export function patientLogicalId(nin: string): string {
  return opaqueId('pas', nin);
}

/** The patient as every resource names it: a reference with the identity number as its identifier. */
export function patientReference(person: Pick<Person, 'nin' | 'kind'>): Record<string, unknown> {
  return { reference: `Patient/${patientLogicalId(person.nin)}`, identifier: { system: person.kind === 'DNR' ? SYSTEM.dnr : SYSTEM.fnr, value: person.nin } };
}

function coding(code: MeasurementCode): { system: string; code: string; display: string } {
  switch (code.system) {
    case 'LOINC':
      return { system: SYSTEM.loinc, code: code.code, display: entry('loinc', code.code).display };
    case 'NPU':
      return { system: SYSTEM.npu, code: code.code, display: entry('npu', code.code).display };
    case 'LOCAL':
      return { system: SYSTEM.homeMeasurement, code: code.code, display: localEntry(SYSTEM.homeMeasurement, code.code).display };
  }
}

const quantity = (kind: HomeMeasurementKind, value: number) => ({ value, unit: UNIT_TEXT[kind], system: SYSTEM.ucum, code: MEASUREMENT_UNIT[kind] });

export function observationResource(m: HubMeasurement, patient: Record<string, unknown>, thresholds: readonly HubThreshold[]): Resource {
  const threshold = thresholds.find((t) => t.kind === m.kind);
  const survey = m.kind === 'SYMPTOM_SCORE';
  return {
    resourceType: 'Observation',
    id: m.id,
    status: 'final',
    category: [
      {
        coding: [{ system: SYSTEM.observationCategory, code: survey ? 'survey' : 'vital-signs', display: survey ? 'Survey' : 'Vital Signs' }],
      },
    ],
    code: { coding: [coding(m.code)] },
    subject: patient,
    effectiveDateTime: m.time,
    valueQuantity: quantity(m.kind, m.value),
    device: { reference: `Device/${m.deviceId}` },
    ...(threshold
      ? {
          referenceRange: [
            {
              ...(threshold.low !== null ? { low: quantity(m.kind, threshold.low) } : {}),
              ...(threshold.high !== null ? { high: quantity(m.kind, threshold.high) } : {}),
              type: { coding: [{ system: SYSTEM.referenceRangeMeaning, code: 'treatment', display: 'Treatment Range' }] },
              text: 'Grenseverdi satt av oppfølgingstjenesten',
            },
          ],
        }
      : {}),
  };
}

export function communicationResource(e: HubEvent, patient: Record<string, unknown>, responseCentre: string | null): Resource {
  const category = localEntry(SYSTEM.event, e.kind);
  const recipient = e.handledBy ?? responseCentre;
  return {
    resourceType: 'Communication',
    id: e.id,
    status: e.handled ? 'completed' : 'in-progress',
    category: [{ coding: [{ system: SYSTEM.event, code: e.kind, display: category.display }] }],
    priority: 'urgent',
    subject: patient,
    sent: e.time,
    ...(e.deviceId ? { sender: { reference: `Device/${e.deviceId}` } } : {}),
    ...(recipient ? { recipient: [{ display: recipient }] } : {}),
    payload: [{ contentString: e.text }],
  };
}

export function deviceResource(d: HubDevice, patient: Record<string, unknown>): Resource {
  const type = localEntry(SYSTEM.device, DEVICE_CODE[d.kind]);
  return {
    resourceType: 'Device',
    id: d.id,
    status: d.until ? 'inactive' : 'active',
    type: { coding: [{ system: SYSTEM.device, code: type.code, display: type.display }] },
    manufacturer: d.manufacturer,
    deviceName: [{ name: d.model, type: 'model-name' }],
    patient,
    ...(d.responseCentre ? { owner: { display: d.responseCentre } } : {}),
    ...(d.location ? { location: { display: d.location } } : {}),
  };
}

export function deviceUseStatementResource(d: HubDevice, patient: Record<string, unknown>): Resource {
  return {
    resourceType: 'DeviceUseStatement',
    id: `bruk-${d.id}`.slice(0, 64),
    status: d.until ? 'completed' : 'active',
    subject: patient,
    device: { reference: `Device/${d.id}` },
    timingPeriod: { start: d.since, ...(d.until ? { end: d.until } : {}) },
  };
}
