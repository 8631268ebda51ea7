import { z } from 'zod';
import { isValidDate } from '../../lib/osloTime';
import { BadResponseError, ninSchema, parseJson, validatePayload } from '../kit';
import { CODE_SYSTEM, type Coding, type MeasurementKind, type PushedWelfareEvent, type WelfareDeviceKind, type WelfareEventKind, type WelfareEventModel, type WelfareRecordModel } from '../model';

/**
 * The hub's FHIR R4 resources → WelfareRecordModel. Pure: validates what it reads (zod), throws BadResponseError naming
 * the path, never a value.
 * - Observation → a measurement, its kind by code: LOINC (8480-6, 8462-4, 8867-4, 59408-5 or 2708-6, 29463-7,
 *   8310-5), NPU (NPU03804 body mass) or the hub's own (CAT, the symptom score). An Observation with a code of none of
 *   these is skipped (the hub carries more than the graph shows), as is one entered in error or cancelled, or one
 *   without a value. Its unit must be the kind's UCUM unit (an oxygen saturation as a fraction `1` and a weight in `g`
 *   are converted); another unit is a bad response. The thresholds are the `referenceRange` (of type `treatment`, or
 *   untyped) of the newest measurement of each kind.
 * - Communication → an event, its kind by category (the hub's event list: ALARM, FALL, DOOR); another category is
 *   skipped. `status` completed → handled (by the recipient, the response centre), in-progress, preparation or
 *   on-hold → not handled; entered-in-error → skipped; anything else → unknown (null).
 * - DeviceUseStatement with its included Device → a device: kind by the Device's type (the device list), OTHER for a
 *   type not in it; name: the model (`deviceName`), else the type's text; in use `timingPeriod`; where: the Device's
 *   `location.display`; the response centre: its `owner.display`.
 * Every resource names its patient by `subject.identifier` (`patient.identifier` on Device) with an identity number.
 */
const WHAT = 'welfare hub answer';

export const SYSTEM = {
  fnr: 'urn:oid:2.16.578.1.12.4.1.4.1',
  dnr: 'urn:oid:2.16.578.1.12.4.1.4.2',
  hnr: 'urn:oid:2.16.578.1.12.4.1.4.3',
  loinc: CODE_SYSTEM.loinc,
  npu: 'urn:oid:1.2.208.176.2.1',
  ucum: 'http://unitsofmeasure.org',
  homeMeasurement: 'urn:x-patient-graph:codesystem:home-measurement',
  device: 'urn:x-patient-graph:codesystem:welfare-technology-device',
  event: 'urn:x-patient-graph:codesystem:welfare-technology-event',
  referenceRangeMeaning: 'http://terminology.hl7.org/CodeSystem/referencerange-meaning',
} as const;
const NIN_SYSTEMS: readonly string[] = [SYSTEM.fnr, SYSTEM.dnr, SYSTEM.hnr];

/** The kind of each code the adapter knows, by `system|code`. */
export const MEASUREMENT_KIND_BY_CODE: ReadonlyMap<string, MeasurementKind> = new Map([
  [`${SYSTEM.loinc}|8480-6`, 'SYSTOLIC_BLOOD_PRESSURE'],
  [`${SYSTEM.loinc}|8462-4`, 'DIASTOLIC_BLOOD_PRESSURE'],
  [`${SYSTEM.loinc}|8867-4`, 'PULSE'],
  [`${SYSTEM.loinc}|59408-5`, 'OXYGEN_SATURATION'],
  [`${SYSTEM.loinc}|2708-6`, 'OXYGEN_SATURATION'],
  [`${SYSTEM.loinc}|29463-7`, 'BODY_WEIGHT'],
  [`${SYSTEM.loinc}|8310-5`, 'BODY_TEMPERATURE'],
  [`${SYSTEM.npu}|NPU03804`, 'BODY_WEIGHT'],
  [`${SYSTEM.homeMeasurement}|CAT`, 'SYMPTOM_SCORE'],
]);

/** The UCUM unit the model gives each kind. */
export const UNIT: Record<MeasurementKind, string> = {
  SYSTOLIC_BLOOD_PRESSURE: 'mm[Hg]',
  DIASTOLIC_BLOOD_PRESSURE: 'mm[Hg]',
  PULSE: '/min',
  OXYGEN_SATURATION: '%',
  BODY_WEIGHT: 'kg',
  BODY_TEMPERATURE: 'Cel',
  SYMPTOM_SCORE: '{score}',
};
/** Units some devices send, converted to the kind's: a factor for each (kind, unit). */
const CONVERSIONS: Partial<Record<MeasurementKind, Record<string, number>>> = {
  OXYGEN_SATURATION: { '1': 100 },
  BODY_WEIGHT: { g: 0.001 },
  PULSE: { '{beats}/min': 1 },
};

const DEVICE_KIND: Record<string, WelfareDeviceKind> = {
  TRYGG: 'SAFETY_ALARM',
  FALL: 'FALL_SENSOR',
  DOR: 'DOOR_SENSOR',
  MEDDISP: 'MEDICATION_DISPENSER',
  BTM: 'BLOOD_PRESSURE_MONITOR',
  PULSOKS: 'PULSE_OXIMETER',
  VEKT: 'SCALE',
  TERMO: 'THERMOMETER',
  NETTBRETT: 'TABLET',
};
const EVENT_KINDS: readonly WelfareEventKind[] = ['ALARM', 'FALL', 'DOOR'];

// ---------------------------------------------------------------- schemas (only what is read is declared)

const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const DATE_TIME = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?(Z|[+-]((0\d|1[0-3]):[0-5]\d|14:00))$/;
const fhirDateTime = z.string().refine((v) => DATE.test(v) || DATE_TIME.test(v), 'not a FHIR date or dateTime');
const instant = z.string().regex(DATE_TIME);
const id = z.string().regex(/^[A-Za-z0-9\-.]{1,64}$/);
const coding = z.object({ system: z.string().optional(), code: z.string().optional(), display: z.string().optional() });
const codeableConcept = z.object({ coding: z.array(coding).optional(), text: z.string().optional() });
const reference = z.object({ reference: z.string().optional(), display: z.string().optional() });
const patientReference = z.object({ reference: z.string().optional(), identifier: z.object({ system: z.string(), value: z.string() }) });
const quantity = z.object({ value: z.number().finite().optional(), unit: z.string().optional(), system: z.string().optional(), code: z.string().optional() });

const observationSchema = z.object({
  resourceType: z.literal('Observation'),
  id,
  status: z.string(),
  code: codeableConcept,
  subject: patientReference,
  effectiveDateTime: instant,
  valueQuantity: quantity.optional(),
  device: reference.optional(),
  referenceRange: z.array(z.object({ low: quantity.optional(), high: quantity.optional(), type: codeableConcept.optional() })).optional(),
});

const communicationSchema = z.object({
  resourceType: z.literal('Communication'),
  id,
  status: z.string(),
  category: z.array(codeableConcept).optional(),
  subject: patientReference,
  sent: instant,
  sender: reference.optional(),
  recipient: z.array(reference).optional(),
  payload: z.array(z.object({ contentString: z.string().optional() })).optional(),
});

const deviceSchema = z.object({
  resourceType: z.literal('Device'),
  id,
  status: z.string().optional(),
  type: codeableConcept.optional(),
  manufacturer: z.string().optional(),
  deviceName: z.array(z.object({ name: z.string(), type: z.string().optional() })).optional(),
  patient: patientReference.optional(),
  owner: reference.optional(),
  location: reference.optional(),
});

const deviceUseStatementSchema = z.object({
  resourceType: z.literal('DeviceUseStatement'),
  id,
  status: z.string(),
  subject: patientReference,
  device: z.object({ reference: z.string().regex(/^Device\/[A-Za-z0-9\-.]{1,64}$/) }),
  timingPeriod: z.object({ start: fhirDateTime.optional(), end: fhirDateTime.optional() }).optional(),
});

type Observation = z.infer<typeof observationSchema>;
type Communication = z.infer<typeof communicationSchema>;
type Device = z.infer<typeof deviceSchema>;
type DeviceUseStatement = z.infer<typeof deviceUseStatementSchema>;

const searchBundleSchema = z.object({
  resourceType: z.literal('Bundle'),
  type: z.literal('searchset'),
  link: z.array(z.object({ relation: z.string(), url: z.string() })).optional(),
  entry: z.array(z.object({ resource: z.looseObject({ resourceType: z.string() }) })).optional(),
});

export interface SearchPage {
  resources: { resourceType: string }[];
  next: string | null;
}

/** One page of a search: its resources (matches and includes) and the next page's link. */
export function parseSearchPage(body: unknown): SearchPage {
  const bundle = validatePayload(searchBundleSchema, parseJson(body, WHAT), WHAT);
  return { resources: (bundle.entry ?? []).map((e) => e.resource), next: bundle.link?.find((l) => l.relation === 'next')?.url ?? null };
}

// ---------------------------------------------------------------- mapping

/** An instant as ISO UTC with Z (no milliseconds when there are none). */
export function isoDateTime(value: string, path: string): string {
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw new BadResponseError(`${WHAT} ${path} holds an impossible date-time`);
  return new Date(time).toISOString().replace('.000Z', 'Z');
}

/** The day of a FHIR date or dateTime, as the source wrote it. */
function isoDate(value: string, path: string): string {
  const day = value.slice(0, 10);
  if (!isValidDate(...(day.split('-').map(Number) as [number, number, number]))) throw new BadResponseError(`${WHAT} ${path} holds an impossible date`);
  return day;
}

function ninOf(ref: { identifier: { system: string; value: string } }, path: string): string {
  if (!NIN_SYSTEMS.includes(ref.identifier.system)) throw new BadResponseError(`${WHAT} ${path}.identifier.system is not an identity number system`);
  if (!ninSchema.safeParse(ref.identifier.value).success) throw new BadResponseError(`${WHAT} ${path}.identifier.value is not an identity number`);
  return ref.identifier.value;
}

function deviceIdOf(ref: { reference?: string | undefined } | undefined): string | null {
  const match = /^Device\/([A-Za-z0-9\-.]{1,64})$/.exec(ref?.reference ?? '');
  return match?.[1] ?? null;
}

function kindOf(concept: z.infer<typeof codeableConcept>): { kind: MeasurementKind; code: Coding } | undefined {
  for (const c of concept.coding ?? []) {
    const kind = MEASUREMENT_KIND_BY_CODE.get(`${c.system ?? ''}|${c.code ?? ''}`);
    if (kind && c.system && c.code) return { kind, code: { system: c.system, code: c.code, display: c.display ?? null } };
  }
  return undefined;
}

/** A quantity in the kind's unit, or a bad response naming the path. */
function inUnit(q: z.infer<typeof quantity>, kind: MeasurementKind, path: string): number {
  if (q.value === undefined) throw new BadResponseError(`${WHAT} ${path}.value is missing`);
  const unit = q.system === SYSTEM.ucum ? q.code : (q.code ?? q.unit);
  if (unit === UNIT[kind]) return q.value;
  const factor = unit === undefined ? undefined : CONVERSIONS[kind]?.[unit];
  if (factor === undefined) throw new BadResponseError(`${WHAT} ${path}: not a unit of ${kind}`);
  return Math.round(q.value * factor * 1000) / 1000;
}

const emptyRecord = (): WelfareRecordModel => ({ devices: [], measurements: [], thresholds: [], events: [] });

/** Validates one resource of a type the mapper reads; undefined for a type it does not. */
function parseResource(resource: { resourceType: string }, index: number): Observation | Communication | Device | DeviceUseStatement | undefined {
  const path = `${WHAT} resource ${index} (${/^[A-Za-z]{1,40}$/.test(resource.resourceType) ? resource.resourceType : 'unknown type'})`;
  switch (resource.resourceType) {
    case 'Observation':
      return validatePayload(observationSchema, resource, path);
    case 'Communication':
      return validatePayload(communicationSchema, resource, path);
    case 'Device':
      return validatePayload(deviceSchema, resource, path);
    case 'DeviceUseStatement':
      return validatePayload(deviceUseStatementSchema, resource, path);
    default:
      // An OperationOutcome with warnings (search mode outcome), or a type the hub added: not read.
      return undefined;
  }
}

/** One event from a Communication; undefined when its category is none the graph knows or it was entered in error. */
export function mapEvent(c: Communication, path: string): WelfareEventModel | undefined {
  if (c.status === 'entered-in-error') return undefined;
  const kind = c.category?.flatMap((cat) => cat.coding ?? []).find((k) => k.system === SYSTEM.event && EVENT_KINDS.includes(k.code as WelfareEventKind));
  if (!kind) return undefined;
  const handled = c.status === 'completed' ? true : ['in-progress', 'preparation', 'on-hold'].includes(c.status) ? false : null;
  const text = c.payload?.map((p) => p.contentString).find((t) => t !== undefined) ?? kind.display ?? '';
  return {
    id: c.id,
    time: isoDateTime(c.sent, `${path}.sent`),
    kind: kind.code as WelfareEventKind,
    text,
    deviceId: deviceIdOf(c.sender),
    handled,
    handledBy: handled ? (c.recipient?.find((r) => r.display)?.display ?? null) : null,
    medication: null,
  };
}

/** The records in a search's resources (all pages of all searches together), by identity number. */
export function mapResources(resources: readonly { resourceType: string }[]): Map<string, WelfareRecordModel> {
  const records = new Map<string, WelfareRecordModel>();
  const recordOf = (nin: string) => {
    let record = records.get(nin);
    if (!record) records.set(nin, (record = emptyRecord()));
    return record;
  };
  const devices = new Map<string, Device>();
  const statements: { statement: DeviceUseStatement; index: number }[] = [];
  /** The newest measurement's range of each kind, per patient. */
  const ranges = new Map<string, Map<MeasurementKind, { time: string; low: number | null; high: number | null }>>();
  const seen = new Set<string>();

  resources.forEach((raw, index) => {
    const resource = parseResource(raw, index);
    if (!resource) return;
    const path = `resource ${index} (${resource.resourceType})`;
    // The same resource on two pages (a device included for two statements) is read once.
    const key = `${resource.resourceType}/${resource.id}`;
    if (seen.has(key)) return;
    seen.add(key);
    switch (resource.resourceType) {
      case 'Device':
        devices.set(resource.id, resource);
        return;
      case 'DeviceUseStatement':
        if (resource.status !== 'entered-in-error') statements.push({ statement: resource, index });
        return;
      case 'Communication': {
        const nin = ninOf(resource.subject, `${path}.subject`);
        const event = mapEvent(resource, path);
        if (event) recordOf(nin).events.push(event);
        return;
      }
      case 'Observation': {
        const nin = ninOf(resource.subject, `${path}.subject`);
        if (['entered-in-error', 'cancelled'].includes(resource.status)) return;
        const coded = kindOf(resource.code);
        if (!coded || !resource.valueQuantity) return;
        const time = isoDateTime(resource.effectiveDateTime, `${path}.effectiveDateTime`);
        recordOf(nin).measurements.push({
          id: resource.id,
          time,
          kind: coded.kind,
          code: coded.code,
          value: inUnit(resource.valueQuantity, coded.kind, `${path}.valueQuantity`),
          unit: UNIT[coded.kind],
          deviceId: deviceIdOf(resource.device),
        });
        const range = resource.referenceRange?.find((r) => !r.type || r.type.coding?.some((c) => c.system === SYSTEM.referenceRangeMeaning && c.code === 'treatment'));
        if (range && (range.low || range.high)) {
          const byKind = ranges.get(nin) ?? new Map();
          ranges.set(nin, byKind);
          const known = byKind.get(coded.kind);
          if (!known || known.time < time) {
            byKind.set(coded.kind, {
              time,
              low: range.low ? inUnit(range.low, coded.kind, `${path}.referenceRange.low`) : null,
              high: range.high ? inUnit(range.high, coded.kind, `${path}.referenceRange.high`) : null,
            });
          }
        }
        return;
      }
    }
  });

  for (const { statement, index } of statements) {
    const path = `resource ${index} (DeviceUseStatement)`;
    const nin = ninOf(statement.subject, `${path}.subject`);
    const deviceId = deviceIdOf(statement.device) as string;
    const device = devices.get(deviceId);
    if (!device) throw new BadResponseError(`${WHAT} ${path}.device names a Device the answer does not include`);
    const type = device.type?.coding?.find((c) => c.system === SYSTEM.device && c.code);
    recordOf(nin).devices.push({
      id: device.id,
      kind: (type?.code && DEVICE_KIND[type.code]) || 'OTHER',
      name: device.deviceName?.[0]?.name ?? device.type?.text ?? type?.display ?? '',
      manufacturer: device.manufacturer ?? null,
      since: statement.timingPeriod?.start ? isoDate(statement.timingPeriod.start, `${path}.timingPeriod.start`) : null,
      until: statement.timingPeriod?.end ? isoDate(statement.timingPeriod.end, `${path}.timingPeriod.end`) : null,
      location: device.location?.display ?? null,
      responseCentre: device.owner?.display ?? null,
    });
  }

  const order = Object.keys(UNIT) as MeasurementKind[];
  for (const [nin, byKind] of ranges) {
    recordOf(nin).thresholds = [...byKind]
      .sort(([a], [b]) => order.indexOf(a) - order.indexOf(b))
      .map(([kind, r]) => ({ kind, low: r.low, high: r.high, unit: UNIT[kind] }));
  }
  return records;
}

const webhookSchema = z.object({ source: z.string().min(1), resource: communicationSchema });

/**
 * A webhook the hub pushed (`{ "source": <instance id>, "resource": <Communication> }`, JSON text or parsed), for the
 * instance `source`: whose event it is, and the event. A body from another instance, or a Communication of a kind the
 * graph does not know, is a bad response.
 */
export function readPushedEvent(body: unknown, source: string): PushedWelfareEvent {
  const what = 'welfare hub event';
  const parsed = validatePayload(webhookSchema, parseJson(body, what), what);
  if (parsed.source !== source) throw new BadResponseError(`${what} source is not this instance`);
  const event = mapEvent(parsed.resource, 'resource');
  if (!event) throw new BadResponseError(`${what} resource.category is no event kind the graph knows (or the event was entered in error)`);
  return { patientNin: ninOf(parsed.resource.subject, 'resource.subject'), event };
}
