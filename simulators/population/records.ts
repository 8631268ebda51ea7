import {
  ACUTE_EPISODES,
  ALLERGIES,
  CONDITIONS,
  DRUGS,
  drugByAtc,
  GP_ACUTE_REASONS,
  ICPC_UNSPECIFIED,
  IMPLANTS,
  IPLOS_VARIABLES,
  LABS,
  icpc2,
  type Coding,
  type ConditionDef,
  type DoseSpec,
  type DrugKey,
  type LabDef,
  type LabKey,
} from './codes';
import type { Shape, World } from './generate';
import { FIRST_DRAW } from './firstDraw';
import { mentalHealthCareRecord } from './individualPlan';
import { FAMILY_NAMES, GIVEN_NAMES, NURSING_HOMES } from './names';
import { addDays, at, daysBetween, type Random } from './random';
import type {
  CareEpisode,
  CareRecord,
  CareService,
  Consultation,
  CriticalInfo,
  Dispensation,
  Episode,
  GpRecord,
  HospitalRecord,
  LabResult,
  MedicationUse,
  Practitioner,
  Referral,
  SummaryRecord,
} from './types';

/** What the generator knows about a person before any system has recorded it. */
export interface Truth {
  world: World;
  rng: Random;
  age: number;
  sex: 'female' | 'male';
  birthDate: string;
  municipality: string | null;
  conditions: ConditionDef[];
  medications: MedicationUse[];
  endOfRecord: string;
  deceasedDate: string | null;
  gp: { officeHerId: string; practitioner: Practitioner; since: string } | null;
  shape: Shape;
  /** Changes the hospital made at the last discharge, which the GP did not pick up. */
  changes?: { dose?: { atc: string; strength: string; dose: DoseSpec; date: string }; stopped?: { atc: string; date: string; note: string } };
  /** The last discharge: its date and the doctor who wrote the list. */
  lastDischarge?: { date: string; hprNumber: string };
  /** When the person moved to `municipality`, where they moved (moves.ts): its services start after. */
  residentSince?: string;
}

/**
 * A medicine a demo shape adds without a draw (so nobody else's draws move), recorded only by the systems
 * it names: the way a medicine goes missing from a list in real life.
 */
export interface AddedDrug {
  drug: DrugKey;
  /** Who started it: the hospital on the day of the last discharge, or the GP `daysAfterDischarge` later. */
  startedBy: 'hospital' | 'gp';
  daysAfterDischarge: number;
  recordedBy: ('gp' | 'hospital' | 'care' | 'dispensed')[];
  /** How the municipal care list has it, where that differs from the prescription (a transcription error). */
  careDose?: Partial<DoseSpec>;
  /** A problem (ICPC-2) the GP records with it. */
  gpProblem?: string;
  /** Why, as the prescriber wrote it. */
  note: string;
}

/** A consultation a demo shape's GP record must have (see Shape.gpConsultations). */
export interface FixedConsultation {
  /** ICPC-2 code of the reason (and the diagnosis). */
  reason: string;
  daysAgo: number;
  note: string;
}

/**
 * What a patient aged 12–15 has kept from her parents (pbrl § 3-4 second paragraph, see Shape.keptFromParents): a
 * consultation for contraception (ICPC-2 W11), the contraceptive pill the GP prescribed then, and its dispensations,
 * each marked keptFromParents in the GP record and in the national dispensations.
 */
export interface KeptFromParentsShape {
  /** The consultation was this many days before the end of the record. */
  daysAgo: number;
  /** The consultation's note. */
  note: string;
}

/** The contraceptive pill of a shape's kept consultation, as the GP prescribed it. */
function keptPrescription(t: Truth, id: string): MedicationUse | null {
  const kept = t.shape.keptFromParents;
  if (!kept || !t.gp) return null;
  const startDate = addDays(t.endOfRecord, -kept.daysAgo);
  const ageThen = Math.floor(daysBetween(t.birthDate, startDate) / 365.25);
  if (ageThen < 12 || ageThen >= 16) throw new RangeError('only a patient aged 12–15 keeps a consultation from her parents (pbrl § 3-4)');
  const drug = DRUGS.combinedPill;
  return {
    id,
    atc: drug.atc,
    name: drug.name,
    strength: drug.strength,
    form: drug.form,
    dose: { ...drug.dose },
    status: 'active',
    startDate,
    endDate: null,
    note: 'Start på første dag i neste menstruasjon. Ta én tablett daglig i 21 dager, deretter 7 dager pause.',
    hprNumber: t.gp.practitioner.hprNumber,
    keptFromParents: true,
  };
}

/** A medicine the municipal care list has in another form or dose than prescribed (see Shape.careTranscription). */
export interface CareTranscription {
  drug: DrugKey;
  form?: string;
  dose?: Partial<DoseSpec>;
}

/** A medicine the hospital switched to another of its class at the last discharge (see Shape.dischargeSwitch). */
export interface DischargeSwitch {
  drug: DrugKey;
  to: DrugKey;
  /** Why, as the discharging doctor wrote it. */
  note: string;
}

/** An added medicine as prescribed, with who prescribed it and when. */
function addedUse(t: Truth, added: AddedDrug, id: string): MedicationUse | null {
  if (!t.lastDischarge) return null;
  const drug = DRUGS[added.drug];
  const startDate = addDays(t.lastDischarge.date, added.daysAfterDischarge);
  if (startDate > t.endOfRecord) return null;
  const hprNumber = added.startedBy === 'hospital' ? t.lastDischarge.hprNumber : (t.gp?.practitioner.hprNumber ?? '');
  return { id, atc: drug.atc, name: drug.name, strength: drug.strength, form: drug.form, dose: { ...drug.dose }, status: 'active', startDate, endDate: null, note: added.note, hprNumber };
}

function addedFor(t: Truth, system: AddedDrug['recordedBy'][number]): AddedDrug[] {
  return (t.shape.addedDrugs ?? []).filter((a) => a.recordedBy.includes(system));
}

const DEPARTMENTS: Record<string, string> = {
  pneumonia: 'Lungemedisinsk avdeling',
  hipFracture: 'Ortopedisk avdeling',
  uti: 'Medisinsk avdeling',
  heartAttack: 'Hjerteavdelingen',
  stroke: 'Nevrologisk avdeling',
  heartFailureExacerbation: 'Hjerteavdelingen',
};

const OUTPATIENT_DEPARTMENTS: Record<string, string> = {
  heartFailure: 'Hjertepoliklinikken',
  atrialFibrillation: 'Hjertepoliklinikken',
  angina: 'Hjertepoliklinikken',
  copd: 'Lungepoliklinikken',
  diabetes: 'Endokrinologisk poliklinikk',
  depression: 'Psykiatrisk poliklinikk',
  migraine: 'Nevrologisk poliklinikk',
  kneeOsteoarthrosis: 'Ortopedisk poliklinikk',
};

export const SPECIALITY_FOR: Record<string, string> = {
  'Lungemedisinsk avdeling': 'Lungesykdommer',
  'Ortopedisk avdeling': 'Ortopedisk kirurgi',
  'Medisinsk avdeling': 'Indremedisin',
  Hjerteavdelingen: 'Hjertesykdommer',
  'Nevrologisk avdeling': 'Nevrologi',
  Hjertepoliklinikken: 'Hjertesykdommer',
  Lungepoliklinikken: 'Lungesykdommer',
  'Endokrinologisk poliklinikk': 'Indremedisin',
  'Psykiatrisk poliklinikk': 'Psykiatri',
  'Nevrologisk poliklinikk': 'Nevrologi',
  'Ortopedisk poliklinikk': 'Ortopedisk kirurgi',
};

const PLURAL: Record<string, string> = { tablett: 'tabletter', kapsel: 'kapsler', inhalasjon: 'inhalasjoner' };

/**
 * A dose as a Norwegian prescriber writes it: "2 tabletter 3 ganger daglig", "2 inhalasjoner ved behov,
 * inntil 4 ganger daglig", "1 tablett 1 gang i uken". The adapters read as-needed and weekly dosing back from
 * these words where a protocol has no field for them.
 */
export function doseText(m: { dose: { amount: number; unit: string; timesPerDay: number; intervalDays?: number; asNeeded?: boolean } }): string {
  const { amount, unit, timesPerDay, intervalDays, asNeeded } = m.dose;
  const units = amount === 1 ? unit : (PLURAL[unit] ?? unit);
  const per = `${timesPerDay} ${timesPerDay === 1 ? 'gang' : 'ganger'}`;
  const head = `${String(amount).replace('.', ',')} ${units}`;
  if (asNeeded) return `${head} ved behov, inntil ${per} daglig`;
  if (intervalDays === 7) return `${head} ${per} i uken`;
  if (intervalDays && intervalDays > 1) return `${head} ${per} hver ${intervalDays}. dag`;
  return `${head} ${per} daglig`;
}

// ---------------------------------------------------------------- hospital

export function buildHospitalRecords(t: Truth): HospitalRecord[] {
  const { rng, world } = t;
  if (!t.municipality) return [];
  const municipality = world.orgs.municipalities.find((m) => m.number === t.municipality);
  const orgNumber = municipality?.hospitals[0];
  if (!orgNumber) return [];
  const specs = episodeSpecs(t);
  if (specs.length === 0) return [];
  const doctors = world.doctorsByHospital.get(orgNumber) ?? [];
  const record: HospitalRecord = {
    orgNumber,
    localId: rng.hex(12),
    episodes: [],
    medications: [],
    documents: [],
    labs: [],
    blockedPractitioners: blockedPractitioners(t.shape, doctors),
    careEpisodes: [],
    referralAnswers: [],
    appointments: [],
  };

  const ordered = [...specs].sort((a, b) => b.daysAgo - a.daysAgo);
  const lastInpatient = ordered.filter((s) => !s.key.startsWith('outpatient:')).pop();
  for (const spec of ordered) {
    const start = addDays(t.endOfRecord, -spec.daysAgo);
    if (start < addDays(t.birthDate, 1)) continue;
    const doctorFor = (department: string) =>
      doctors.find((d) => d.speciality === SPECIALITY_FOR[department]) ?? rng.pick(doctors);
    if (spec.key.startsWith('outpatient:')) {
      const condition = CONDITIONS.find((c) => c.key === spec.key.slice('outpatient:'.length));
      if (!condition) continue;
      const department = OUTPATIENT_DEPARTMENTS[condition.key] ?? 'Medisinsk poliklinikk';
      const doctor = doctorFor(department);
      const episode: Episode = {
        id: world.id('enc'),
        kind: 'outpatient',
        start: at(start, rng.int(8, 14), rng.pick([0, 15, 30, 45])),
        end: at(start, 15, 0),
        department,
        hprNumber: doctor.hprNumber,
        diagnoses: [{ ...condition.icd, primary: true }],
      };
      record.episodes.push(episode);
      record.documents.push({
        id: world.id('doc'),
        episodeId: episode.id,
        date: episode.end,
        kind: 'outpatient-note',
        title: `Poliklinisk notat, ${department}`,
        text: `Poliklinisk kontroll for ${condition.icd.text.toLowerCase()}. Stabil tilstand. Fortsetter uendret behandling. Ny kontroll ved behov via fastlege.`,
        authorHpr: doctor.hprNumber,
        blocked: t.shape.blockDocuments === true && condition.key === 'depression',
        withheldFromPatient: t.shape.blockDocuments === true && t.shape.withholdFromPatient === true && condition.key === 'depression',
      });
      record.labs.push(...labsFor(t, episode, condition.labs, false));
      continue;
    }
    const acute = ACUTE_EPISODES.find((a) => a.key === spec.key);
    if (!acute) continue;
    const department = DEPARTMENTS[acute.key] ?? 'Medisinsk avdeling';
    const doctor = doctorFor(department);
    const days = rng.int(acute.days[0], acute.days[1]);
    const end = addDays(start, days);
    const secondary = t.conditions.filter((c) => c.chronic && c.icd.code !== acute.icd.code).slice(0, 3);
    const episode: Episode = {
      id: world.id('enc'),
      kind: 'inpatient',
      start: at(start, rng.int(0, 23), rng.int(0, 59)),
      end: at(end, rng.int(10, 15), rng.pick([0, 30])),
      department,
      hprNumber: doctor.hprNumber,
      diagnoses: [{ ...acute.icd, primary: true }, ...secondary.map((c) => ({ ...c.icd, primary: false }))],
    };
    record.episodes.push(episode);
    record.labs.push(...labsFor(t, episode, acute.labs, true));
    const discharge = dischargeMedications(t, end, spec === lastInpatient, doctor);
    record.medications = discharge;
    record.documents.push({
      id: world.id('doc'),
      episodeId: episode.id,
      date: episode.end,
      kind: 'discharge-summary',
      title: `Epikrise, ${department}`,
      text: dischargeText(episode, days, discharge, t),
      authorHpr: doctor.hprNumber,
      blocked: t.shape.blockDocuments === true,
      withheldFromPatient: t.shape.blockDocuments === true && t.shape.withholdFromPatient === true,
    });
  }
  record.careEpisodes = careEpisodes(record.episodes, t);
  return record.episodes.length ? [record] : [];
}

/** The doctors the shape blocks by name: looked up by speciality, never drawn. */
function blockedPractitioners(shape: Shape, doctors: Practitioner[]): string[] {
  if (!shape.blockPractitioner) return [];
  const doctor = doctors.find((d) => d.speciality === shape.blockPractitioner);
  if (!doctor) throw new RangeError(`no doctor with speciality ${shape.blockPractitioner} to block`);
  return [doctor.hprNumber];
}

/** How long after its latest encounter a department is taken to still follow the patient up. */
export const ACTIVE_EPISODE_DAYS = 180;

/**
 * One episode of care per department, derived from the encounters (no draws): it starts with the first
 * encounter there and stays active while the latest one ended at most ACTIVE_EPISODE_DAYS before the
 * reference date and the patient lives; otherwise it finished when that encounter ended.
 */
function careEpisodes(episodes: Episode[], t: Truth): CareEpisode[] {
  const byDepartment = new Map<string, Episode[]>();
  for (const e of episodes) byDepartment.set(e.department, [...(byDepartment.get(e.department) ?? []), e]);
  return [...byDepartment.values()].map((list) => {
    const first = list.reduce((a, b) => (b.start < a.start ? b : a));
    const latest = list.reduce((a, b) => (b.end > a.end ? b : a));
    // For the living, the end of the record is the reference date.
    const active = t.deceasedDate === null && daysBetween(latest.end, t.endOfRecord) <= ACTIVE_EPISODE_DAYS;
    return {
      id: t.world.derivedId('eoc', first.id),
      department: first.department,
      start: first.start,
      end: active ? null : latest.end,
      status: active ? 'active' : 'finished',
      responsibleHpr: latest.hprNumber,
      contactPersons: [],
    };
  });
}

function episodeSpecs(t: Truth): { key: string; daysAgo: number }[] {
  const { rng, shape } = t;
  if (shape.episodes === 'none') return [];
  if (shape.episodes) return shape.episodes;
  const keys = new Set(t.conditions.map((c) => c.key));
  let p = 0.04;
  if (t.age >= 70) p += 0.3;
  if (keys.has('heartFailure') || keys.has('copd') || keys.has('atrialFibrillation')) p += 0.2;
  if (!rng.chance(p)) return [];
  const eligible = ACUTE_EPISODES.filter(
    (a) => t.age >= a.minAge && (a.key !== 'heartFailureExacerbation' || keys.has('heartFailure')),
  ).map((a) => a.key);
  const outpatient = t.conditions.filter((c) => OUTPATIENT_DEPARTMENTS[c.key]).map((c) => `outpatient:${c.key}`);
  const n = rng.int(1, 3);
  const used = new Set<number>();
  const specs: { key: string; daysAgo: number }[] = [];
  for (let i = 0; i < n; i++) {
    let daysAgo: number;
    do daysAgo = rng.int(20, 1000);
    while ([...used].some((u) => Math.abs(u - daysAgo) < 30));
    used.add(daysAgo);
    const pool = outpatient.length && rng.chance(0.35) ? outpatient : eligible;
    if (pool.length) specs.push({ key: rng.pick(pool), daysAgo });
  }
  return specs;
}

function labsFor(t: Truth, episode: Episode, keys: LabKey[], sick: boolean): LabResult[] {
  const { rng, world } = t;
  const out: LabResult[] = [];
  const takenOn = [episode.start, ...(episode.kind === 'inpatient' ? [addDays(episode.end, -1)] : [])];
  for (const key of keys) {
    const def = LABS[key];
    for (const when of takenOn) {
      // A patient on the treatment a test monitors (INR on warfarin) is kept in its target range, not the reference interval.
      const target: LabDef['onTreatment'] = 'onTreatment' in def ? def.onTreatment : undefined;
      const treated = target !== undefined && t.medications.some((m) => m.atc === target.atc);
      // The reference interval for this patient: per sex where the list gives one (haemoglobin).
      const bySex: LabDef['bySex'] = 'bySex' in def ? def.bySex : undefined;
      const [low, high] = bySex ? bySex[t.sex] : [def.low, def.high];
      const [lo, hi] = treated ? target.range : sick ? def.spread : [low, high];
      out.push({
        id: world.id('obs'),
        episodeId: episode.id,
        time: at(when, rng.int(6, 9), rng.int(0, 59)),
        code: def.code,
        text: def.text,
        value: rng.float(lo, hi, def.decimals),
        unit: def.unit,
        low,
        high,
      });
    }
  }
  return out;
}

/** The medication list the hospital writes at discharge; on the last stay it may change a dose or stop a drug. */
function dischargeMedications(t: Truth, dischargeDate: string, last: boolean, doctor: Practitioner): MedicationUse[] {
  const { rng, world, shape } = t;
  const active = t.medications.filter((m) => m.startDate <= dischargeDate);
  if (last) {
    const doseKey = shape.discrepancies?.dose;
    const statusKey = shape.discrepancies?.status;
    const pickRandom = !shape.demo && shape.discrepancies === undefined;
    const doseAtc = doseKey ? DRUGS[doseKey].atc : pickRandom && active.length && rng.chance(0.15) ? rng.pick(active).atc : undefined;
    const stopAtc = statusKey ? DRUGS[statusKey].atc : pickRandom && active.length > 1 && rng.chance(0.08) ? rng.pick(active).atc : undefined;
    t.changes = {};
    if (doseAtc) {
      // Lowered as a prescriber can: fewer tablets or intakes, or a lower strength that is marketed. A medicine
      // with no such lower dose (the lowest strength once a day) is left as it was.
      const med = active.find((m) => m.atc === doseAtc);
      const reduced = drugByAtc(doseAtc)?.reduced;
      if (med && reduced) t.changes.dose = { atc: doseAtc, strength: reduced.strength ?? med.strength, dose: { ...med.dose, ...reduced.dose }, date: dischargeDate };
    }
    if (stopAtc && stopAtc !== doseAtc) {
      const reason = stopAtc === DRUGS.ibuprofen.atc ? 'interaksjon med antikoagulasjon, økt blødningsrisiko' : 'ikke lenger indisert';
      t.changes.stopped = { atc: stopAtc, date: dischargeDate, note: `Seponert ved utskrivning: ${reason}.` };
    }
  }
  const list = active.map((m) => switched(t, last, applyChanges(t, { ...m, id: world.id('ms'), hprNumber: doctor.hprNumber, dose: { ...m.dose } }, dischargeDate)));
  if (!last) return list;
  t.lastDischarge = { date: dischargeDate, hprNumber: doctor.hprNumber };
  // Medicines the hospital started at this discharge: on its own list, and (for a demo shape) nowhere else yet.
  const started = addedFor(t, 'hospital').filter((a) => a.startedBy === 'hospital');
  return [...list, ...started.map((a) => addedUse(t, a, world.id('ms'))).filter((m): m is MedicationUse => m !== null)];
}

/** The discharge entry as the hospital switched it (Shape.dischargeSwitch), on the last discharge only; no draw, same id. */
function switched(t: Truth, last: boolean, m: MedicationUse): MedicationUse {
  const change = last ? t.shape.dischargeSwitch?.find((c) => DRUGS[c.drug].atc === m.atc) : undefined;
  if (!change) return m;
  const to = DRUGS[change.to];
  return { ...m, atc: to.atc, name: to.name, strength: to.strength, form: to.form, dose: { ...to.dose }, note: change.note };
}

/** A record as a system that has read the last discharge summary holds it. */
function applyChanges(t: Truth, m: MedicationUse, asOf: string): MedicationUse {
  const { dose, stopped } = t.changes ?? {};
  if (dose && dose.atc === m.atc && dose.date <= asOf) {
    return { ...m, strength: dose.strength, dose: { ...dose.dose }, startDate: dose.date, note: 'Dosen redusert ved utskrivning.' };
  }
  if (stopped && stopped.atc === m.atc && stopped.date <= asOf) {
    return { ...m, status: 'stopped', endDate: stopped.date, note: stopped.note };
  }
  return m;
}

function dischargeText(episode: Episode, days: number, meds: MedicationUse[], t: Truth): string {
  const primary = episode.diagnoses.find((d) => d.primary);
  const others = episode.diagnoses.filter((d) => !d.primary);
  const medLines = meds.map((m) => `- ${m.name} ${m.strength}, ${doseText(m)}${m.status === 'stopped' ? ' (seponert)' : ''}${m.note ? `. ${m.note}` : ''}`);
  return [
    `Innlagt ${episode.start.slice(0, 10)}, utskrevet ${episode.end.slice(0, 10)} (${days} døgn), ${episode.department}.`,
    `Hoveddiagnose: ${primary?.code} ${primary?.text}.`,
    others.length ? `Bidiagnoser: ${others.map((d) => `${d.code} ${d.text}`).join('; ')}.` : '',
    `Forløp: ${t.age} år gammel ${t.sex === 'female' ? 'kvinne' : 'mann'} innlagt med ${primary?.text.toLowerCase()}. Behandlet etter retningslinjer med god effekt. Utskrives i stabil tilstand.`,
    'Legemidler ved utskrivning:',
    ...(medLines.length ? medLines : ['- Ingen faste legemidler.']),
    'Videre oppfølging: Kontroll hos fastlege om 2 uker. Hjemmesykepleien er orientert der det er aktuelt.',
  ]
    .filter(Boolean)
    .join('\n');
}

// ---------------------------------------------------------------- GP

const NOTES: Record<string, string[]> = {
  chronic: ['Kontroll. Stabil. Fortsetter som før.', 'Årskontroll. Blodprøver tatt. Ingen endring i medisiner.', 'Fornyet resepter. God etterlevelse.'],
  acute: ['Vurdert. Symptomatisk behandling. Kontakt ved forverring.', 'Undersøkt. Ingen alarmsymptomer. Råd gitt.'],
  followUp: ['Kontroll etter sykehusopphold. Epikrise gjennomgått med pasienten.', 'Oppfølging etter innleggelse. Bedre. Videre plan som i epikrise.'],
};

export function buildGpRecord(t: Truth, gp: NonNullable<Truth['gp']>, hospital: HospitalRecord[]): GpRecord {
  const { rng, world } = t;
  const colleagues = world.gpsByOffice.get(gp.officeHerId) ?? [gp.practitioner];
  const consultations: Consultation[] = [];
  const chronic = t.conditions.filter((c) => c.chronic);
  const since = gp.since;
  const span = Math.max(1, daysBetween(since, t.endOfRecord));
  const n = chronic.length ? rng.int(3, 9) : rng.int(t.shape.demo ? 1 : 0, 4);
  for (let i = 0; i < n; i++) {
    const day = addDays(since, rng.int(0, Math.min(span - 1, 1100)) + Math.max(0, span - 1 - 1100));
    const isChronic = chronic.length > 0 && rng.chance(0.6);
    const reason: Coding = isChronic ? rng.pick(chronic).icpc : rng.pick(GP_ACUTE_REASONS);
    consultations.push({
      id: world.id('kons'),
      time: at(day, rng.int(8, 15), rng.pick([0, 20, 40])),
      hprNumber: rng.chance(0.85) ? gp.practitioner.hprNumber : rng.pick(colleagues).hprNumber,
      contactType: rng.pick(['office', 'office', 'office', 'phone', 'video']),
      reason,
      diagnoses: [reason],
      note: rng.pick(isChronic ? NOTES.chronic! : NOTES.acute!),
    });
  }
  const referrals: Referral[] = [];
  for (const record of hospital) {
    for (const episode of record.episodes) {
      const primary = episode.diagnoses.find((d) => d.primary);
      const icpc = episodeIcpc(episode, t.conditions);
      if (episode.kind === 'inpatient') {
        const day = addDays(episode.end, rng.int(10, 20));
        if (day < t.endOfRecord && day >= since) {
          consultations.push({
            id: world.id('kons'),
            time: at(day, rng.int(8, 15), rng.pick([0, 20, 40])),
            hprNumber: gp.practitioner.hprNumber,
            contactType: 'office',
            reason: icpc,
            diagnoses: [icpc],
            note: rng.pick(NOTES.followUp!),
          });
        }
      } else {
        const day = addDays(episode.start, -rng.int(20, 60));
        if (day >= since) {
          const referral: Referral = {
            id: world.id('henv'),
            date: day,
            hprNumber: gp.practitioner.hprNumber,
            toOrgNumber: record.orgNumber,
            toDepartment: episode.department,
            reason: icpc,
            text: `Henvises til vurdering ved ${episode.department.toLowerCase()} for ${primary?.text.toLowerCase() ?? 'utredning'}.`,
          };
          referrals.push(referral);
          // The hospital registers the referral it received (by the GP's own id for it) on the episode it led to.
          episode.referral = { id: referral.id, date: referral.date, hprNumber: referral.hprNumber, reason: referral.reason };
        }
      }
    }
  }
  // A demo shape's own consultations and what a teenager kept from her parents: no draw, so nobody else's moves.
  for (const fixed of t.shape.gpConsultations ?? []) {
    const day = addDays(t.endOfRecord, -fixed.daysAgo);
    if (day < since) continue;
    const reason = icpc2(fixed.reason);
    consultations.push({ id: world.id('kons'), time: at(day, 9, 20), hprNumber: gp.practitioner.hprNumber, contactType: 'office', reason, diagnoses: [reason], note: fixed.note });
  }
  const kept = t.shape.keptFromParents;
  if (kept) {
    const reason = icpc2('W11');
    const day = addDays(t.endOfRecord, -kept.daysAgo);
    consultations.push({ id: world.id('kons'), time: at(day, 14, 40), hprNumber: gp.practitioner.hprNumber, contactType: 'office', reason, diagnoses: [reason], note: kept.note, keptFromParents: true });
  }
  consultations.sort((a, b) => a.time.localeCompare(b.time));
  const prescriptions = t.medications.map((m) => ({ ...m, id: world.id('resept'), dose: { ...m.dose }, hprNumber: gp.practitioner.hprNumber }));
  const pill = keptPrescription(t, kept ? world.id('resept') : '');
  if (pill) prescriptions.push(pill);
  const problems = chronic.map((c) => ({ ...c.icpc, since: maxOf(since, addDays(t.endOfRecord, -rng.int(300, 3000))) }));
  for (const added of addedFor(t, 'gp')) {
    const use = addedUse(t, added, world.id('resept'));
    if (!use) continue;
    prescriptions.push(use);
    if (added.gpProblem) problems.push({ ...icpc2(added.gpProblem), since: use.startDate });
  }
  return { officeHerId: gp.officeHerId, consultations, problems, prescriptions, referrals, plannedFollowUps: [] };
}

function episodeIcpc(episode: Episode, conditions: ConditionDef[]): Coding {
  const primary = episode.diagnoses.find((d) => d.primary);
  const acute = ACUTE_EPISODES.find((a) => a.icd.code === primary?.code);
  if (acute) return acute.icpc;
  const chronic = conditions.find((c) => c.icd.code === primary?.code) ?? CONDITIONS.find((c) => c.icd.code === primary?.code);
  return chronic?.icpc ?? ICPC_UNSPECIFIED;
}

function maxOf(a: string, b: string): string {
  return a > b ? a : b;
}

// ---------------------------------------------------------------- municipal care

export const TASKS_HOME = [['Medisinering', 'Tilsyn'], ['Personlig stell', 'Medisinering'], ['Sårstell'], ['Blodsukkermåling', 'Medisinering'], ['Tilsyn']];
const VISIT_NOTES = [
  'Pasienten i fin form. Tatt medisiner.',
  'Noe sliten i dag. Spist lite frokost. Observeres.',
  'Bistått med morgenstell. Ingen nye plager.',
  'Medisiner gitt. Pårørende til stede.',
  'Klager over smerter i kne. Paracetamol gitt etter plan.',
];

export function buildCareRecord(t: Truth, hospital: HospitalRecord[]): CareRecord | null {
  const { rng, world, shape } = t;
  if (!t.municipality) return null;
  // Shapes only, drawn last (individualPlan.ts): follow-up by the mental health service.
  if (shape.care === 'mentalHealth') return mentalHealthCareRecord(t);
  const keys = new Set(t.conditions.map((c) => c.key));
  let kind: 'home' | 'nursingHome' | 'none';
  if (shape.care) kind = shape.care;
  else if (t.age >= 80 && rng.chance(0.7)) kind = (keys.has('dementia') && t.age >= 85 && rng.chance(0.6)) || (t.age >= 93 && rng.chance(0.5)) ? 'nursingHome' : 'home';
  else if (t.age >= 67 && (keys.has('dementia') || keys.has('heartFailure') || keys.has('copd')) && rng.chance(0.35)) kind = 'home';
  else kind = 'none';
  if (kind === 'none') return null;

  const staff = world.nursesByMunicipality.get(t.municipality) ?? [];
  const configured = world.orgs.municipalities.find((m) => m.number === t.municipality)?.services ?? [];
  const unitsOf = (kind: string) => configured.filter((s) => s.kind === kind).map((s) => s.name);
  // The first draw's municipalities name their four districts alike; one added since, its own (organisations.json).
  const districts = FIRST_DRAW.municipalities.includes(t.municipality) ? [] : unitsOf('HOME_NURSING');
  const district = districts.length ? rng.pick(districts) : `Hjemmesykepleien ${rng.pick(['sone nord', 'sone sør', 'sentrum', 'sone vest'])}`;
  const end = t.endOfRecord;
  const ended = t.deceasedDate;
  const services: CareService[] = [];
  // Drawn for everyone alike; for someone who moved here, the service started after the move.
  const drawnStart = addDays(end, -rng.int(200, 1400));
  const homeStart = t.residentSince && drawnStart < t.residentSince ? addDays(t.residentSince, 10) : drawnStart;
  if (kind === 'nursingHome' && t.residentSince) throw new RangeError('a nursing-home stay after a move is not drawn');
  const decided = (start: string) => addDays(start, -rng.int(7, 30));
  if (kind === 'home') {
    services.push({ id: world.id('vedtak'), type: 'HOME_NURSING', decisionDate: decided(homeStart), start: homeStart, end: ended, hoursPerWeek: rng.int(2, 12), unit: district });
    if (rng.chance(0.75) || shape.demo) {
      const s = addDays(homeStart, rng.int(0, 120));
      services.push({ id: world.id('vedtak'), type: 'SAFETY_ALARM', decisionDate: decided(s), start: s, end: ended, hoursPerWeek: null, unit: 'Trygghetsalarmsentralen' });
    }
    if (rng.chance(0.4)) {
      const s = addDays(homeStart, rng.int(0, 200));
      services.push({ id: world.id('vedtak'), type: 'PRACTICAL_ASSISTANCE', decisionDate: decided(s), start: s, end: ended, hoursPerWeek: rng.int(1, 4), unit: 'Praktisk bistand' });
    }
  } else {
    // A municipality added to the configuration: its own nursing homes, as organisations.json lists them.
    const homes = NURSING_HOMES[t.municipality] ?? unitsOf('NURSING_HOME');
    const home = rng.pick(homes.length ? homes : ['Sykehjem']);
    const moved = addDays(end, -rng.int(90, 900));
    services.push({ id: world.id('vedtak'), type: 'HOME_NURSING', decisionDate: decided(homeStart < moved ? homeStart : addDays(moved, -400)), start: homeStart < moved ? homeStart : addDays(moved, -380), end: moved, hoursPerWeek: rng.int(6, 14), unit: district });
    services.push({ id: world.id('vedtak'), type: 'NURSING_HOME_LONG_TERM', decisionDate: decided(moved), start: moved, end: ended, hoursPerWeek: null, unit: home });
  }

  const visits = [];
  const perDay = kind === 'home' ? 2 : 1;
  for (let d = 6; d >= 0; d--) {
    const day = addDays(end, -d - (ended ? 1 : 0));
    for (let v = 0; v < perDay; v++) {
      const nurse = rng.pick(staff);
      visits.push({
        id: world.id('besok'),
        time: at(day, v === 0 ? rng.int(7, 10) : rng.int(19, 21), rng.int(0, 59)),
        minutes: rng.pick([15, 20, 30, 45]),
        hprNumber: nurse.hprNumber,
        tasks: kind === 'home' ? rng.pick(TASKS_HOME) : ['Rapport'],
        note: kind === 'home' ? rng.pick(VISIT_NOTES) : rng.pick(['Rolig natt. Spist godt.', 'Urolig på kveldstid. Skjermet.', 'Deltok i fellesaktivitet. God stemning.']),
      });
    }
  }

  const base = kind === 'nursingHome' ? 3 : 2;
  const functionalScores = {
    date: addDays(end, -rng.int(20, 160)),
    scores: IPLOS_VARIABLES.map((variable) => {
      let score = base + rng.int(-1, 1);
      if (keys.has('dementia') && ['Hukommelse', 'Styre eget liv', 'Beslutninger i dagliglivet'].includes(variable)) score += 2;
      return { variable, score: Math.max(1, Math.min(5, score)) };
    }),
  };

  const relations: CareRecord['nextOfKin'] = [];
  const kinCount = rng.int(1, 2);
  for (let i = 0; i < kinCount; i++) {
    const childSex = rng.chance(0.5) ? 'female' : 'male';
    relations.push({
      name: `${rng.pick(GIVEN_NAMES[childSex].middle)} ${rng.pick(FAMILY_NAMES)}`,
      relation: i === 0 && t.age < 88 && rng.chance(0.3) ? 'spouse' : 'child',
      phone: `${rng.pick(['4', '9'])}${String(rng.int(0, 9_999_999)).padStart(7, '0')}`,
      primary: i === 0,
    });
  }

  const welfareTechnology: CareRecord['welfareTechnology'] = [];
  const alarm = services.find((s) => s.type === 'SAFETY_ALARM');
  if (alarm) {
    welfareTechnology.push({
      id: world.id('vft'),
      type: 'SAFETY_ALARM',
      installed: alarm.start,
      lastAlert: rng.chance(0.6) ? { time: at(addDays(end, -rng.int(1, 60)), rng.int(0, 23), rng.int(0, 59)), kind: rng.pick(['Alarm utløst', 'Falsk alarm', 'Fall']), handled: true } : null,
    });
  }
  if (kind === 'home' && rng.chance(0.3)) {
    welfareTechnology.push({ id: world.id('vft'), type: 'FALL_SENSOR', installed: addDays(homeStart, rng.int(10, 150)), lastAlert: rng.chance(0.4) ? { time: at(addDays(end, -rng.int(1, 90)), rng.int(0, 23), rng.int(0, 59)), kind: 'Fall registrert', handled: true } : null });
  }
  if (kind === 'home' && (rng.chance(0.3) || shape.demo === 'homeCare')) {
    welfareTechnology.push({ id: world.id('vft'), type: 'MEDICATION_DISPENSER', installed: addDays(homeStart, rng.int(10, 150)), lastAlert: { time: at(addDays(end, -rng.int(1, 10)), 8, rng.int(10, 50)), kind: 'Dose ikke tatt ut', handled: rng.chance(0.8) } });
  }

  const latestDischarge = hospital.flatMap((h) => h.episodes).map((e) => e.end.slice(0, 10)).sort().pop() ?? '0000-00-00';
  const medications = t.medications.map((m) => {
    const listed = applyChanges(t, { ...m, id: world.id('lm'), dose: { ...m.dose }, hprNumber: t.gp?.practitioner.hprNumber ?? '' }, latestDischarge);
    const transcribed = shape.careTranscription?.find((c) => DRUGS[c.drug].atc === m.atc);
    return transcribed ? { ...listed, form: transcribed.form ?? listed.form, dose: { ...listed.dose, ...transcribed.dose } } : listed;
  });
  const administrations: CareRecord['administrations'] = [];
  for (let d = 1; d >= 0; d--) {
    const day = addDays(end, -d - (ended ? 1 : 0));
    for (const m of medications.filter((x) => x.status === 'active')) {
      // One draw set per intake slot, as-needed medicines included, so the draws never depend on how a dose reads:
      // as many slots as the prescription has, even where the list has fewer intakes (a dose lowered at discharge).
      const prescribed = t.medications.find((x) => x.atc === m.atc)?.dose.timesPerDay ?? m.dose.timesPerDay;
      for (let k = 0; k < Math.max(prescribed, m.dose.timesPerDay); k++) {
        const r = rng.next();
        const given = r < 0.95;
        const record = {
          id: world.id('adm'),
          time: at(day, [8, 20, 14, 22][k] ?? 12, rng.int(0, 30)),
          atc: m.atc,
          name: m.name,
          given,
          note: given ? null : rng.pick(['Pasienten sov', 'Pasienten nektet', 'Ikke hjemme']),
          hprNumber: rng.pick(staff).hprNumber,
        };
        if (k >= m.dose.timesPerDay) continue;
        // An as-needed medicine is given only when the patient asks for it (about one slot in four here).
        if (m.dose.asNeeded) {
          if (r < 0.25) administrations.push({ ...record, note: 'Gitt ved behov' });
          continue;
        }
        administrations.push(record);
      }
    }
  }
  // Medicines a demo shape added: given as the care list says, every time (no draw).
  for (const added of addedFor(t, 'care')) {
    const use = addedUse(t, added, world.id('lm'));
    if (!use) continue;
    const onList: MedicationUse = { ...use, dose: { ...use.dose, ...added.careDose } };
    medications.push(onList);
    const every = onList.dose.intervalDays ?? 1;
    for (let d = 1; d >= 0; d--) {
      const day = addDays(end, -d - (ended ? 1 : 0));
      if (daysBetween(onList.startDate, day) % every !== 0) continue;
      administrations.push({ id: world.id('adm'), time: at(day, 7, 30), atc: onList.atc, name: onList.name, given: true, note: null, hprNumber: staff[0]?.hprNumber ?? '' });
    }
  }
  return { municipality: t.municipality, services, visits, functionalScores, nextOfKin: relations, welfareTechnology, medications, administrations, careTeam: [], plannedVisits: [], individualPlan: null };
}

// ---------------------------------------------------------------- national summary record

const PHARMACIES: Record<string, string[]> = {
  '4601': ['Vitusapotek Nordstjernen', 'Apotek 1 Lagunen', 'Boots apotek Bergen Storsenter'],
  '4627': ['Vitusapotek Kleppestø', 'Apotek 1 Askøy'],
  '5001': ['Apotek 1 Trondheim Torg', 'Boots apotek Solsiden', 'Vitusapotek Ugla'],
};

/**
 * The periods a person lives in a nursing home (long-term stay): the institution gives their medicines from
 * its own stock, bought on a requisition and paid by the municipality, so no pharmacy dispenses them to the
 * person in the meantime (and nothing reaches Kjernejournal's dispensations).
 */
function nursingHomeStays(t: Truth, care: CareRecord | null): [string, string][] {
  return (care?.services ?? []).filter((s) => s.type === 'NURSING_HOME_LONG_TERM').map((s) => [s.start, s.end ?? t.endOfRecord]);
}

export function buildSummaryRecord(t: Truth, hospital: HospitalRecord[], care: CareRecord | null): SummaryRecord {
  const { rng, world, shape } = t;
  const stays = nursingHomeStays(t, care);
  const fromPharmacy = (date: string) => !stays.some(([from, to]) => date >= from && date <= to);
  const criticalInfo: CriticalInfo[] = [];
  const allergyIdx = shape.allergies ?? (rng.chance(0.08) ? [rng.int(0, ALLERGIES.length - 1)] : []);
  const recorder = hospital[0] ? rng.pick(hospital[0].episodes).hprNumber : (t.gp?.practitioner.hprNumber ?? '');
  for (const i of allergyIdx) {
    const a = ALLERGIES[i];
    if (!a) continue;
    criticalInfo.push({
      id: world.id('ki'),
      type: 'ALLERGY',
      text: a.substance,
      atc: a.atc ?? null,
      reaction: a.reaction,
      severity: a.severity,
      recorded: addDays(t.endOfRecord, -rng.int(100, 3000)),
      recordedBy: recorder,
      verified: rng.chance(0.8),
    });
  }
  const implantCodes =
    shape.implants ??
    [
      ...(t.conditions.some((c) => c.key === 'atrialFibrillation') && t.age > 75 && rng.chance(0.3) ? ['pacemaker'] : []),
      ...(hospital.some((h) => h.episodes.some((e) => e.diagnoses.some((d) => d.code.startsWith('S72')))) ? ['hip-prosthesis'] : []),
    ];
  for (const code of implantCodes) {
    const implant = IMPLANTS.find((x) => x.code === code);
    if (!implant) continue;
    criticalInfo.push({ id: world.id('ki'), type: 'IMPLANT', text: implant.text, atc: null, reaction: null, severity: null, recorded: addDays(t.endOfRecord, -rng.int(50, 2000)), recordedBy: recorder, verified: true });
  }
  if (rng.chance(0.01)) {
    criticalInfo.push({ id: world.id('ki'), type: 'ANAESTHESIA_COMPLICATION', text: 'Malign hypertermi i familien', atc: null, reaction: 'Malign hypertermi', severity: 'severe', recorded: addDays(t.endOfRecord, -rng.int(100, 3000)), recordedBy: recorder, verified: true });
  }

  const dispensations: Dispensation[] = [];
  if (t.gp) {
    const pharmacies = PHARMACIES[t.municipality ?? ''] ?? ['Vitusapotek Jernbanetorget'];
    const pharmacy = rng.pick(pharmacies);
    for (const m of t.medications) {
      const from = maxOf(m.startDate, addDays(t.endOfRecord, -365));
      const dates: string[] = [];
      for (let d = from; d <= t.endOfRecord; d = addDays(d, rng.int(80, 100))) dates.push(d);
      // Drawn for everyone alike (so no later draw moves); a day in a nursing home has no dispensation.
      for (const d of dates.slice(-3).filter(fromPharmacy)) {
        dispensations.push({
          id: world.id('utl'),
          atc: m.atc,
          name: m.name,
          strength: m.strength,
          form: m.form,
          dose: { ...m.dose },
          dispensed: d,
          packages: 1,
          prescriberHpr: t.gp.practitioner.hprNumber,
          pharmacy,
        });
      }
    }
    // Medicines a demo shape added: collected the day after they were started, then every 84 days (a 12-week pack).
    for (const added of addedFor(t, 'dispensed')) {
      const use = addedUse(t, added, '');
      if (!use) continue;
      for (let d = addDays(use.startDate, 1); d <= t.endOfRecord; d = addDays(d, 84)) {
        if (!fromPharmacy(d)) continue;
        dispensations.push({ id: world.id('utl'), atc: use.atc, name: use.name, strength: use.strength, form: use.form, dose: { ...use.dose }, dispensed: d, packages: 1, prescriberHpr: use.hprNumber, pharmacy });
      }
    }
  }
  // The contraceptive pill a teenager kept from her parents: collected the day after, then every 84 days (three packs).
  const pill = keptPrescription(t, '');
  if (pill) {
    const pharmacy = rng.pick(PHARMACIES[t.municipality ?? ''] ?? ['Vitusapotek Jernbanetorget']);
    for (let d = addDays(pill.startDate, 1); d <= t.endOfRecord; d = addDays(d, 84)) {
      dispensations.push({ id: world.id('utl'), atc: pill.atc, name: pill.name, strength: pill.strength, form: pill.form, dose: { ...pill.dose }, dispensed: d, packages: 1, prescriberHpr: pill.hprNumber, pharmacy, keptFromParents: true });
    }
  }
  dispensations.sort((a, b) => a.dispensed.localeCompare(b.dispensed));
  return { criticalInfo, dispensations };
}

export type { DrugKey };
