/**
 * The medicine-dispenser platform's "true world" (the vendor export `dispenser-json`, instance dispenser-dosevakt): for
 * each person with an automatic home medicine dispenser in their municipal care record, the dispenser and what it saw
 * over the last 14 days: each dose it released on time, late or not at all, and its faults. A pure function of the
 * person and the moment asked (the world's today, clock.ts): each dose's outcome is drawn from a generator seeded by
 * the person's number and the dose's own day and time, so a dose keeps its outcome while the window moves on.
 *
 * The schedule is the municipal care list's (`careRecord.medications`): every active medicine taken every day at
 * fixed times (not as needed), at the Norwegian dose times by intakes a day (1: 08:00; 2: 08:00, 20:00; 3: 08:00,
 * 14:00, 20:00; 4: 08:00, 12:00, 16:00, 20:00). One pouch a slot holds every medicine of that time: a slot not taken
 * out is a missed dose of each medicine in it.
 *
 * The demo patient `homeCare` (Ingrid Solheim) takes her metoprolol in the evening (the home nursing service moved the
 * once-daily dose to 20:00 when the hospital reduced it at discharge) and left the 20:00 pouch in the dispenser three
 * times in the last seven days: the graph shows a missed dose of the drug whose dose the hospital changed.
 */
import { osloLocalToUtc, todayInOslo } from '../../lib/osloTime';
import { worldToday } from './clock';
import { addDays, Random, seedOf } from './random';
import type { MedicationUse, Person } from './types';

export const DISPENSER_MANUFACTURER = 'Dosevakt AS';
export const DISPENSER_MODEL = 'Dosevakt Hjem 2';

/** Days of history the platform exports, today included. */
export const DISPENSER_HISTORY_DAYS = 14;
/** A dose taken out within this many minutes of its time is on time. */
export const ON_TIME_MINUTES = 30;
/** The dose window: a pouch not taken out within it is locked away and reported missed at its end. */
export const WINDOW_MINUTES = 60;

/** The Norwegian dose times (Oslo wall clock) by intakes a day. */
export const DOSE_TIMES: Readonly<Record<number, readonly string[]>> = {
  1: ['08:00'],
  2: ['08:00', '20:00'],
  3: ['08:00', '14:00', '20:00'],
  4: ['08:00', '12:00', '16:00', '20:00'],
};

/** Which of the demo patient's evening pouches she left in the dispenser: days before the world's today. */
export const DEMO_MISSED_EVENINGS = [2, 4, 6] as const;
const DEMO_EVENING_ATC = 'C07AB02';

export interface DispenserDevice {
  /** The vendor's serial number (its id for the device). */
  serial: string;
  model: string;
  manufacturer: string;
  /** ISO dates: installed, and taken away (null while in use). */
  installed: string;
  ended: string | null;
  /** Where it stands: the patient's address in words; null for a strictly confidential address or none. */
  location: string | null;
  /** Who gets its alerts: the patient's home nursing district; null without one. */
  alertRecipient: string | null;
}

export type DoseOutcome = 'TAKEN' | 'LATE' | 'MISSED';

/** One medicine in one pouch, as the dispenser released it (or did not). */
export interface DispenserDose {
  id: string;
  serial: string;
  atc: string;
  name: string;
  /** The dose's planned time (ISO UTC). */
  scheduled: string;
  outcome: DoseOutcome;
  /** When it was taken out (ISO UTC); null when missed. */
  takenAt: string | null;
  /** When the platform knew the outcome: taken out, or the end of the window for a missed dose (ISO UTC). */
  time: string;
  /** A missed dose's alert, acknowledged by the alert recipient at this time (ISO UTC); null otherwise or not yet. */
  acknowledgedAt: string | null;
}

export interface DispenserFault {
  id: string;
  serial: string;
  kind: 'REFILL_NEEDED' | 'POWER_FAILURE';
  time: string;
  acknowledgedAt: string | null;
}

export interface DispenserRecord {
  devices: DispenserDevice[];
  /** Every dose of the window, oldest first. */
  doses: DispenserDose[];
  faults: DispenserFault[];
}

interface Slot {
  time: string;
  medicines: { atc: string; name: string }[];
}

/** The medicines the dispenser holds: active, every day, at fixed times. */
function dispensed(m: MedicationUse): boolean {
  return m.status === 'active' && !m.dose.asNeeded && (m.dose.intervalDays ?? 1) === 1 && m.dose.timesPerDay >= 1;
}

/** The day's pouches: each dose time with the medicines taken then, from the care list. */
function schedule(person: Person, day: string): Slot[] {
  const slots = new Map<string, Slot['medicines']>();
  for (const m of person.careRecord?.medications ?? []) {
    if (!dispensed(m) || m.startDate > day || (m.endDate !== null && m.endDate < day)) continue;
    const times = person.demo === 'homeCare' && m.atc === DEMO_EVENING_ATC ? ['20:00'] : (DOSE_TIMES[Math.min(m.dose.timesPerDay, 4)] ?? []);
    for (const time of times) slots.set(time, [...(slots.get(time) ?? []), { atc: m.atc, name: m.name }]);
  }
  return [...slots].sort(([a], [b]) => a.localeCompare(b)).map(([time, medicines]) => ({ time, medicines }));
}

const MINUTE = 60_000;
const plus = (iso: string, minutes: number) => new Date(Date.parse(iso) + minutes * MINUTE).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** An id for one thing the platform logged: two keyed hashes (64 bits), never the person's number. */
function eventId(nin: string, what: string): string {
  const text = `${nin}:${what}`;
  return `${seedOf('dispenser-event', text).toString(16).padStart(8, '0')}${seedOf('dispenser-event-2', text).toString(16).padStart(8, '0')}`;
}

function serialOf(deviceId: string): string {
  const random = new Random(seedOf('dispenser-serial', deviceId));
  return `DV2-${String(random.int(10_000_000, 99_999_999))}`;
}

function locationOf(person: Person): string | null {
  if (!person.address || person.addressProtection === 'STRICTLY_CONFIDENTIAL' || person.addressProtection === 'STRICTLY_CONFIDENTIAL_ABROAD') return null;
  const a = person.address;
  return `${a.street} ${a.houseNumber}, ${a.postalCode} ${a.city}`;
}

/** The home nursing district that serves the patient today, which takes the dispenser's alerts. */
function alertRecipientOf(person: Person, today: string): string | null {
  const services = person.careRecord?.services ?? [];
  const running = services.filter((s) => s.type === 'HOME_NURSING' && s.start <= today && (s.end === null || s.end >= today));
  return running.at(-1)?.unit ?? null;
}

/**
 * The moment the record is made up to: now, or the end of the world's today when the machine's clock is behind it
 * (the reference date), so that the window always ends on the world's today.
 */
function cutoffOf(now: Date, today: string): number {
  return todayInOslo(now) < today ? Date.parse(osloLocalToUtc(`${today}T23:59`)) : now.getTime();
}

/**
 * What the dispenser platform holds for the person, or null for a person without a dispenser in their care record.
 * Which platform instance serves them (by their municipality) is the simulator's to decide.
 */
export function dispenserRecordOf(person: Person, now: Date = new Date()): DispenserRecord | null {
  const installed = person.careRecord?.welfareTechnology.filter((w) => w.type === 'MEDICATION_DISPENSER') ?? [];
  if (installed.length === 0) return null;
  const today = worldToday(now);
  const cutoff = Math.min(cutoffOf(now, today), person.deceasedDate ? Date.parse(osloLocalToUtc(`${person.deceasedDate}T00:00`)) : Infinity);
  const location = locationOf(person);
  const alertRecipient = alertRecipientOf(person, today);
  const devices: DispenserDevice[] = installed.map((w) => ({
    serial: serialOf(w.id),
    model: DISPENSER_MODEL,
    manufacturer: DISPENSER_MANUFACTURER,
    installed: w.installed,
    ended: person.deceasedDate,
    location,
    alertRecipient,
  }));
  // The dispenser in use (the last installed): the one that released the doses.
  const device = [...devices].sort((a, b) => a.installed.localeCompare(b.installed)).at(-1)!;
  const doses: DispenserDose[] = [];
  const faults: DispenserFault[] = [];
  const acknowledged = (time: string, random: Random) => {
    const at = plus(time, random.int(4, 40));
    return Date.parse(at) <= cutoff ? at : null;
  };
  for (let back = DISPENSER_HISTORY_DAYS - 1; back >= 0; back--) {
    const day = addDays(today, -back);
    if (day < device.installed) continue;
    for (const slot of schedule(person, day)) {
      const scheduled = osloLocalToUtc(`${day}T${slot.time}`);
      // Only a pouch whose window has closed has an outcome.
      if (Date.parse(scheduled) + WINDOW_MINUTES * MINUTE > cutoff) continue;
      const random = new Random(seedOf('dispenser-dose', `${person.nin}:${day}:${slot.time}`));
      const roll = random.next();
      let outcome: DoseOutcome = roll < 0.03 ? 'MISSED' : roll < 0.1 ? 'LATE' : 'TAKEN';
      if (person.demo === 'homeCare' && slot.time === '20:00') {
        // Her three missed evenings in the last week, and no other missed evening.
        outcome = (DEMO_MISSED_EVENINGS as readonly number[]).includes(back) ? 'MISSED' : outcome === 'MISSED' ? 'TAKEN' : outcome;
      }
      const takenAt =
        outcome === 'TAKEN'
          ? plus(scheduled, random.int(0, ON_TIME_MINUTES - 1))
          : outcome === 'LATE'
            ? plus(scheduled, random.int(ON_TIME_MINUTES, WINDOW_MINUTES - 1))
            : null;
      const time = takenAt ?? plus(scheduled, WINDOW_MINUTES);
      const acknowledgedAt = outcome === 'MISSED' ? acknowledged(time, random) : null;
      for (const m of slot.medicines) {
        doses.push({ id: eventId(person.nin, `dose:${day}:${slot.time}:${m.atc}`), serial: device.serial, atc: m.atc, name: m.name, scheduled, outcome, takenAt, time, acknowledgedAt });
      }
    }
    // Now and then the dispenser asks for a refill (the pharmacy's roll runs low) or loses power.
    const random = new Random(seedOf('dispenser-fault', `${person.nin}:${day}`));
    const roll = random.next();
    if (roll < 0.06) {
      const time = osloLocalToUtc(`${day}T${String(random.int(6, 22)).padStart(2, '0')}:${String(random.int(0, 59)).padStart(2, '0')}`);
      if (Date.parse(time) <= cutoff) {
        faults.push({ id: eventId(person.nin, `fault:${day}`), serial: device.serial, kind: roll < 0.045 ? 'REFILL_NEEDED' : 'POWER_FAILURE', time, acknowledgedAt: acknowledged(time, random) });
      }
    }
  }
  return { devices, doses, faults };
}

