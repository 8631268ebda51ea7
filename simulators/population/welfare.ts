import { osloLocalToUtc } from '../../lib/osloTime';
import { CONDITIONS } from './codes';
import { worldToday } from './clock';
import { opaqueId } from './opaqueId';
import { addDays, ageOn, Random, seedOf } from './random';
import type { Person } from './types';

/**
 * The welfare technology "true world" of the national integration hub for welfare technology (Nasjonalt
 * velferdsteknologisk knutepunkt): what the hub holds for one person, a pure function of the person and the
 * simulated world's today (clock.ts), drawn from a generator seeded by the identity number, so that one person
 * always gets the same world, whichever other persons exist.
 *
 * - Digital home follow-up (digital hjemmeoppfølging): living persons aged 50 or more with heart failure or COPD
 *   (from the GP's problem list or a hospital diagnosis), outside a nursing home: everyone in home nursing, and
 *   four in five of the others. Measurements for the last 30 days up to yesterday (Oslo mornings), with the
 *   thresholds the follow-up service set and the devices at home.
 * - Safety alarms and fall sensors: each SAFETY_ALARM and FALL_SENSOR of the care record's welfare technology is a
 *   device of the hub (with the same id), installed at the person's address, its alarms going to the
 *   municipality's response centre, with its ALARM and FALL events of the last 60 days.
 * A strictly confidential address is held here as any other (the hub has it; the graph masks it).
 */

export type HomeMeasurementKind = 'SYSTOLIC_BLOOD_PRESSURE' | 'DIASTOLIC_BLOOD_PRESSURE' | 'PULSE' | 'OXYGEN_SATURATION' | 'BODY_WEIGHT' | 'BODY_TEMPERATURE' | 'SYMPTOM_SCORE';
export type HubDeviceKind = 'SAFETY_ALARM' | 'FALL_SENSOR' | 'DOOR_SENSOR' | 'BLOOD_PRESSURE_MONITOR' | 'PULSE_OXIMETER' | 'SCALE' | 'THERMOMETER' | 'TABLET';
export type HubEventKind = 'ALARM' | 'FALL' | 'DOOR';

/** A code a device sends for a measurement: LOINC, NPU, or the hub's own where neither has one. */
export interface MeasurementCode {
  system: 'LOINC' | 'NPU' | 'LOCAL';
  code: string;
}

export interface HubDevice {
  id: string;
  kind: HubDeviceKind;
  /** The product, as the vendor names it. */
  model: string;
  manufacturer: string;
  /** Installed (ISO date), and taken away (null while in use). */
  since: string;
  until: string | null;
  /** The address it is installed at, in words. */
  location: string | null;
  /** Who takes its alarms (safety alarms and fall sensors only). */
  responseCentre: string | null;
}

export interface HubMeasurement {
  id: string;
  /** ISO date-time, UTC. */
  time: string;
  kind: HomeMeasurementKind;
  code: MeasurementCode;
  value: number;
  deviceId: string;
}

export interface HubThreshold {
  kind: HomeMeasurementKind;
  low: number | null;
  high: number | null;
}

export interface HubEvent {
  id: string;
  /** ISO date-time, UTC. */
  time: string;
  kind: HubEventKind;
  text: string;
  deviceId: string | null;
  handled: boolean;
  handledBy: string | null;
}

export interface WelfareWorld {
  /** The follow-up programme, when the person is followed up at home. */
  followUp: 'HEART_FAILURE' | 'COPD' | null;
  devices: HubDevice[];
  measurements: HubMeasurement[];
  thresholds: HubThreshold[];
  events: HubEvent[];
}

/** The UCUM unit of each kind of measurement, as the hub sends it. */
export const MEASUREMENT_UNIT: Record<HomeMeasurementKind, string> = {
  SYSTOLIC_BLOOD_PRESSURE: 'mm[Hg]',
  DIASTOLIC_BLOOD_PRESSURE: 'mm[Hg]',
  PULSE: '/min',
  OXYGEN_SATURATION: '%',
  BODY_WEIGHT: 'kg',
  BODY_TEMPERATURE: 'Cel',
  SYMPTOM_SCORE: '{score}',
};

/** The LOINC code of each kind (the symptom score has none the hub uses: its own code, CAT). */
export const MEASUREMENT_CODE: Record<HomeMeasurementKind, MeasurementCode> = {
  SYSTOLIC_BLOOD_PRESSURE: { system: 'LOINC', code: '8480-6' },
  DIASTOLIC_BLOOD_PRESSURE: { system: 'LOINC', code: '8462-4' },
  PULSE: { system: 'LOINC', code: '8867-4' },
  OXYGEN_SATURATION: { system: 'LOINC', code: '59408-5' },
  BODY_WEIGHT: { system: 'LOINC', code: '29463-7' },
  BODY_TEMPERATURE: { system: 'LOINC', code: '8310-5' },
  SYMPTOM_SCORE: { system: 'LOCAL', code: 'CAT' },
};

/** Body weight as the scales that write NPU send it. */
export const NPU_BODY_WEIGHT: MeasurementCode = { system: 'NPU', code: 'NPU03804' };

const DEVICE_MODELS: Record<HubDeviceKind, { model: string; manufacturer: string }[]> = {
  SAFETY_ALARM: [{ model: 'Careline Safe', manufacturer: 'Careline' }, { model: 'Tunstall Lifeline Smart Hub', manufacturer: 'Tunstall' }],
  FALL_SENSOR: [{ model: 'Tunstall iVi fallsensor', manufacturer: 'Tunstall' }, { model: 'Careline fallalarm', manufacturer: 'Careline' }],
  DOOR_SENSOR: [{ model: 'Tunstall dørsensor', manufacturer: 'Tunstall' }],
  BLOOD_PRESSURE_MONITOR: [{ model: 'A&D UA-651BLE', manufacturer: 'A&D Medical' }, { model: 'Omron M7 Intelli IT', manufacturer: 'Omron' }],
  PULSE_OXIMETER: [{ model: 'Nonin 3230', manufacturer: 'Nonin Medical' }],
  SCALE: [{ model: 'A&D UC-352BLE', manufacturer: 'A&D Medical' }],
  THERMOMETER: [{ model: 'Braun ThermoScan 7', manufacturer: 'Braun' }],
  TABLET: [{ model: 'Samsung Galaxy Tab A8 med Dignio MyDignio', manufacturer: 'Samsung' }],
};
/** The scale that writes body weight with NPU's code rather than LOINC's. */
const NPU_SCALE = { model: 'Seca 803 Connect', manufacturer: 'Seca' };

const HEART_FAILURE_ICPC = CONDITIONS.find((c) => c.key === 'heartFailure')?.icpc.code ?? 'K77';
const HEART_FAILURE_ICD = CONDITIONS.find((c) => c.key === 'heartFailure')?.icd.code ?? 'I500';
const COPD_ICPC = CONDITIONS.find((c) => c.key === 'copd')?.icpc.code ?? 'R95';
const COPD_ICD = CONDITIONS.find((c) => c.key === 'copd')?.icd.code ?? 'J449';

/** The condition keys (codes.ts) the person has, as the GP's problem list and the hospitals' diagnoses hold them. */
function conditionKeys(person: Person): Set<'heartFailure' | 'copd'> {
  const icpc = new Set((person.gpRecord?.problems ?? []).map((p) => p.code));
  const icd = new Set(person.hospitalRecords.flatMap((r) => r.episodes.flatMap((e) => e.diagnoses.map((d) => d.code))));
  const keys = new Set<'heartFailure' | 'copd'>();
  if (icpc.has(HEART_FAILURE_ICPC) || icd.has(HEART_FAILURE_ICD)) keys.add('heartFailure');
  if (icpc.has(COPD_ICPC) || icd.has(COPD_ICD)) keys.add('copd');
  return keys;
}

function isActive(service: { start: string; end: string | null }, today: string): boolean {
  return service.start <= today && (service.end === null || service.end >= today);
}

/** The address in words, as the hub writes where a device is installed: "Storgata 5, 5003 Bergen". */
export function addressInWords(person: Person): string | null {
  const a = person.address;
  if (!a) return null;
  const city = a.city.toLowerCase().replace(/(^|[\s-])(\p{L})/gu, (_m, sep: string, letter: string) => `${sep}${letter.toUpperCase()}`);
  return `${a.street} ${a.houseNumber}, ${a.postalCode} ${city}`;
}

/** The response centre that takes the municipality's alarms. */
export function responseCentreOf(municipalityName: string): string {
  return `${municipalityName} legevakt, trygghetsalarmsentralen`;
}

/** An instant (UTC) on the Oslo wall clock `days` from today. */
function osloInstant(today: string, days: number, hour: number, minute: number): string {
  return osloLocalToUtc(`${addDays(today, days)}T${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`);
}

const round = (value: number, decimals: number) => Math.round(value * 10 ** decimals) / 10 ** decimals;
/** A roughly normal draw (the mean of three uniforms), scaled to ±spread. */
const noise = (rng: Random, spread: number) => ((rng.next() + rng.next() + rng.next()) / 3 - 0.5) * 2 * spread;

/**
 * What the hub holds for a person (empty lists where nothing). `municipalityName` names the response centre (the
 * municipality of organisations.json; without it, the city of the address).
 */
export function welfareWorld(person: Person, options: { today?: string; municipalityName?: string } = {}): WelfareWorld {
  const today = options.today ?? worldToday();
  const rng = new Random(seedOf('welfare', person.nin));
  const ids = (prefix: string) => {
    let n = 0;
    return () => opaqueId(prefix, `${person.nin}:${n++}`);
  };
  const measurementId = ids('hm');
  const eventId = ids('alarm');
  const deviceId = ids('vtu');
  const living = person.deceasedDate === null;
  const location = addressInWords(person);
  const centre = responseCentreOf(options.municipalityName ?? addressInWords(person)?.split(' ').pop() ?? 'Kommunens');
  const care = person.careRecord;
  const devices: HubDevice[] = [];
  const measurements: HubMeasurement[] = [];
  const thresholds: HubThreshold[] = [];
  const events: HubEvent[] = [];

  // Safety alarms and fall sensors: the care record's devices, under their own ids.
  for (const w of care?.welfareTechnology ?? []) {
    if (w.type !== 'SAFETY_ALARM' && w.type !== 'FALL_SENSOR' && w.type !== 'DOOR_SENSOR') continue;
    const product = rng.pick(DEVICE_MODELS[w.type]);
    devices.push({
      id: w.id,
      kind: w.type,
      ...product,
      since: w.installed,
      until: living ? null : person.deceasedDate,
      location,
      responseCentre: centre,
    });
    if (!living) continue;
    const kind: HubEventKind = w.type === 'SAFETY_ALARM' ? 'ALARM' : w.type === 'FALL_SENSOR' ? 'FALL' : 'DOOR';
    const daysAgo: number[] = [];
    const count = kind === 'ALARM' ? rng.int(0, 4) : rng.int(0, 2);
    for (let i = 0; i < count; i++) daysAgo.push(rng.int(1, 59));
    // The demo patient pressed her alarm this week.
    if (person.demo === 'homeCare' && kind === 'ALARM') daysAgo.push(rng.int(2, 5));
    const installedDaysAgo = Math.round((Date.parse(today) - Date.parse(w.installed)) / 86_400_000);
    for (const days of daysAgo.filter((d) => d < installedDaysAgo).sort((a, b) => b - a)) {
      const handled = rng.chance(0.93);
      const falseAlarm = kind === 'ALARM' && rng.chance(0.35);
      events.push({
        id: eventId(),
        time: osloInstant(today, -days, rng.int(0, 23), rng.int(0, 59)),
        kind,
        text:
          kind === 'ALARM'
            ? falseAlarm
              ? 'Trygghetsalarm utløst ved et uhell; ingen hjelp trengs'
              : rng.pick(['Trygghetsalarm utløst; hjemmesykepleien tilkalt', 'Trygghetsalarm utløst; pasienten var svimmel', 'Trygghetsalarm utløst; pasienten trengte hjelp opp fra stol'])
            : kind === 'FALL'
              ? rng.pick(['Fall registrert av fallsensor; pasienten hjulpet opp', 'Fall registrert av fallsensor; ingen skade'])
              : 'Dør åpnet om natten',
        deviceId: w.id,
        handled,
        handledBy: handled ? centre : null,
      });
    }
  }

  // Digital home follow-up.
  const keys = conditionKeys(person);
  const inNursingHome = care?.services.some((s) => s.type === 'NURSING_HOME_LONG_TERM' && isActive(s, today)) ?? false;
  const inHomeCare = care?.services.some((s) => s.type === 'HOME_NURSING' && isActive(s, today)) ?? false;
  const eligible = living && keys.size > 0 && ageOn(person.birthDate, today) >= 50 && !inNursingHome;
  const chosen = rng.chance(0.8);
  const followUp = eligible && (inHomeCare || chosen || person.demo === 'homeCare') ? (keys.has('heartFailure') ? 'HEART_FAILURE' : 'COPD') : null;
  if (followUp) {
    const since = addDays(today, -rng.int(60, 700));
    const device = (kind: HubDeviceKind, product = rng.pick(DEVICE_MODELS[kind])): HubDevice => {
      const d: HubDevice = { id: deviceId(), kind, ...product, since, until: null, location, responseCentre: null };
      devices.push(d);
      return d;
    };
    const tablet = device('TABLET');
    // One sitting a morning: what one device measures together has one time.
    const measure = (days: number, at: [number, number], kind: HomeMeasurementKind, value: number, from: HubDevice, code = MEASUREMENT_CODE[kind]) => {
      measurements.push({ id: measurementId(), time: osloInstant(today, days, at[0], at[1]), kind, code, value, deviceId: from.id });
    };
    if (followUp === 'HEART_FAILURE') {
      const npuScale = rng.chance(0.35);
      const monitor = device('BLOOD_PRESSURE_MONITOR');
      const scale = device('SCALE', npuScale ? NPU_SCALE : undefined);
      const weight = rng.float(58, 96, 1);
      const systolic = rng.int(112, 145);
      const diastolic = rng.int(64, 84);
      const pulse = rng.int(58, 84);
      // Fluid building up: weight rising over the last week (always for the demo patient).
      const gaining = person.demo === 'homeCare' || rng.chance(0.4);
      const gainStart = rng.int(5, 8);
      thresholds.push(
        { kind: 'SYSTOLIC_BLOOD_PRESSURE', low: 90, high: 160 },
        { kind: 'DIASTOLIC_BLOOD_PRESSURE', low: 50, high: 100 },
        { kind: 'PULSE', low: 45, high: 110 },
        { kind: 'BODY_WEIGHT', low: null, high: round(weight + 2, 1) },
      );
      for (let days = -30; days <= -1; days++) {
        if (rng.chance(0.06)) continue; // a morning without measuring
        const hour = rng.int(7, 9);
        const sitting: [number, number] = [hour, rng.int(0, 49)];
        const weighed: [number, number] = [hour, rng.int(0, 49)];
        const spike = rng.chance(0.04);
        const gain = gaining && -days <= gainStart ? ((gainStart + 1 + days) / gainStart) * 3 : 0;
        measure(days, sitting, 'SYSTOLIC_BLOOD_PRESSURE', Math.round(systolic + noise(rng, 12) + (spike ? 30 : 0)), monitor);
        measure(days, sitting, 'DIASTOLIC_BLOOD_PRESSURE', Math.round(diastolic + noise(rng, 7) + (spike ? 12 : 0)), monitor);
        measure(days, sitting, 'PULSE', Math.round(pulse + noise(rng, 9) + (rng.chance(0.03) ? 40 : 0)), monitor);
        measure(days, weighed, 'BODY_WEIGHT', round(weight + gain + noise(rng, 0.5), 1), scale, npuScale ? NPU_BODY_WEIGHT : MEASUREMENT_CODE.BODY_WEIGHT);
      }
    } else {
      const oximeter = device('PULSE_OXIMETER');
      const thermometer = device('THERMOMETER');
      const spo2 = rng.int(92, 95);
      const pulse = rng.int(68, 92);
      const cat = rng.int(10, 24);
      const low = rng.chance(0.6) ? { start: rng.int(3, 25), days: rng.int(2, 4) } : null;
      thresholds.push(
        { kind: 'OXYGEN_SATURATION', low: rng.chance(0.3) ? 88 : 90, high: null },
        { kind: 'PULSE', low: 45, high: 110 },
        { kind: 'BODY_TEMPERATURE', low: null, high: 38 },
        { kind: 'SYMPTOM_SCORE', low: null, high: Math.min(40, cat + 8) },
      );
      for (let days = -30; days <= -1; days++) {
        if (rng.chance(0.08)) continue;
        const sitting: [number, number] = [rng.int(8, 10), rng.int(0, 49)];
        const later: [number, number] = [sitting[0] + 1, rng.int(0, 59)];
        const episode = low !== null && -days <= low.start && -days > low.start - low.days;
        measure(days, sitting, 'OXYGEN_SATURATION', Math.max(80, Math.min(100, Math.round(spo2 + noise(rng, 1.5) - (episode ? rng.int(4, 7) : 0)))), oximeter);
        measure(days, sitting, 'PULSE', Math.round(pulse + noise(rng, 8) + (episode ? 15 : 0)), oximeter);
        if (episode || rng.chance(0.15)) measure(days, later, 'BODY_TEMPERATURE', round(episode ? rng.float(37.6, 38.6, 1) : 36.8 + noise(rng, 0.5), 1), thermometer);
        if (-days % 7 === 0 || episode) measure(days, later, 'SYMPTOM_SCORE', Math.max(0, Math.min(40, Math.round(cat + noise(rng, 3) + (episode ? 8 : 0)))), tablet);
      }
    }
  }
  return { followUp, devices, measurements, thresholds, events };
}
