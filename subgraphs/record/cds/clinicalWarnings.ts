import { knowledge as shippedKnowledge, matches, type Criterion, type Knowledge, type KnowledgeFile, type RenalBand } from '../../../codelists/cds';
import type { Provenance } from '../../kit/provenance';
import type { MedicationEntry, MedicationEntryKind } from '../../kit/shapes';
import { scheduleOf, strengthInMg, type MedicationListItem } from '../mergeMedications';
import { ckdEpi2021 } from './egfr';
import type {
  CdsInput,
  ClinicalWarning,
  ClinicalWarningsInput,
  CriticalInformationInput,
  LabResultInput,
  MissingSource,
  WarningEvidence,
  WarningKind,
  WarningKnowledge,
  WarningSeverity,
} from './types';

/**
 * Clinical warnings over the merged record (issue 17): what no single system can see, because it needs the GP's list,
 * the hospital's, the care service's, the pharmacy's dispensations, the summary record's allergies, the laboratory and
 * the registers together. Pure and deterministic: the same input (in any order of its lists) gives the same warnings,
 * in the same order; today is an argument, never the clock.
 *
 * Kinds and their rules (knowledge in codelists/cds/, every item flagged verified=false until checked):
 * - INTERACTION (CDS-INTERACTION-<pair>): two active medicines of an interaction pair (interactions.json);
 * - DUPLICATION (CDS-DUPLICATION): two different active medicines of the same ATC level 4 (first five characters) or
 *   of a duplication class (two oral anticoagulants, two NSAIDs); the same substance reported by two sources is one
 *   merged medicine and never a duplication. An as-needed medicine beside a regular one of the same class is a
 *   common, intended regimen (a reliever beside a controller) and is skipped;
 * - ALLERGY (CDS-ALLERGY): an active medicine within an allergy's ATC class, or cross-reactive with it
 *   (allergy-cross-reactivity.json); an as-needed medicine warns all the same (one dose is enough for a reaction).
 *   Not warned: a stopped medicine, and one known only from dispensations that all came before the allergy was
 *   recorded (the reaction the record describes was probably to it);
 * - RENAL (CDS-RENAL-<atc or class>): an active medicine against the latest kidney function (renal.json), with the
 *   result's date and source; doses are compared averaged per day over their dosing interval, so a weekly tablet is
 *   not read as a daily overdose;
 * - DECEASED (CDS-DECEASED): active medicines after the date of death;
 * - NORGEP (CDS-NORGEP-<n>): NORGEP criteria for patients aged 70 and over living at home; NORGEP_NH
 *   (CDS-NORGEPNH-<n>): NORGEP-NH criteria for nursing-home residents (instead of NORGEP, not as well).
 * A kind whose input comes from a source that did not answer gets a LOW notice (CDS-<KIND>-PARTIAL) naming the
 * source, and its warnings carry `partial`: see `partialNotices`.
 */

export const ENGINE_VERSION = 'cds-engine-1';

const SEVERITY_RANK: Record<WarningSeverity, number> = { HIGH: 0, MODERATE: 1, LOW: 2 };
const KIND_ORDER: WarningKind[] = ['DECEASED', 'ALLERGY', 'INTERACTION', 'RENAL', 'DUPLICATION', 'NORGEP', 'NORGEP_NH'];

/** The inputs each kind's rules read: a missing source that supplies one makes the kind partial. */
export const KIND_INPUTS: Record<WarningKind, CdsInput[]> = {
  INTERACTION: ['MEDICATIONS'],
  DUPLICATION: ['MEDICATIONS'],
  ALLERGY: ['CRITICAL_INFORMATION', 'MEDICATIONS'],
  RENAL: ['LAB_RESULTS', 'PERSON', 'MEDICATIONS'],
  DECEASED: ['PERSON', 'MEDICATIONS'],
  NORGEP: ['PERSON', 'CARE_SERVICES', 'MEDICATIONS'],
  NORGEP_NH: ['CARE_SERVICES', 'MEDICATIONS'],
};

/** The CDS Hooks card indicator of a severity. */
export function cdsIndicator(severity: WarningSeverity): 'critical' | 'warning' | 'info' {
  return severity === 'HIGH' ? 'critical' : severity === 'MODERATE' ? 'warning' : 'info';
}

/** The key mergeMedications groups by: the ATC code, or the name where a source has no code. */
export function medicationKey(item: Pick<MedicationListItem, 'atc' | 'name'>): string {
  return item.atc ? item.atc.trim().toUpperCase() : `name:${item.name.trim().toLowerCase()}`;
}

/**
 * What each failed source would have supplied, from its sector and system (as `SourceStatus` names them): the
 * record subgraph passes its failed statuses through this.
 */
export function inputsOfSource(source: { sector: string; system: string }): CdsInput[] {
  switch (source.sector) {
    case 'GP':
      return ['MEDICATIONS'];
    case 'HOSPITAL':
      return source.system === 'lab-hl7' ? ['LAB_RESULTS'] : ['MEDICATIONS', 'LAB_RESULTS'];
    case 'MUNICIPAL_CARE':
      return ['MEDICATIONS', 'CARE_SERVICES'];
    case 'NATIONAL':
      return ['CRITICAL_INFORMATION', 'MEDICATIONS'];
    case 'REGISTRY':
      return source.system === 'population-register' || source.system === 'subgraph' ? ['PERSON'] : [];
    default:
      return [];
  }
}

/** Missing sources from failed source statuses (any state but OK, STALE and NOT_APPLICABLE). */
export function missingSourcesFrom(statuses: readonly { sourceId: string; sector: string; system: string; organisation: string | null; state: string }[]): MissingSource[] {
  return statuses
    .filter((s) => !['OK', 'STALE', 'NOT_APPLICABLE'].includes(s.state))
    .map((s) => ({ sourceId: s.sourceId, sector: s.sector, organisation: s.organisation, inputs: inputsOfSource(s) }))
    .filter((s) => s.inputs.length > 0);
}

// ------------------------------------------------------------------ medicines

interface ActiveMedication {
  key: string;
  item: MedicationListItem;
  /** Today's entries that say it is in use (not of a service the patient has left). */
  entries: MedicationEntry[];
  asNeededOnly: boolean;
  /** Averaged per day over the dosing interval, the highest any source gives; null when no source's dose computes. */
  dailyMg: { mg: number; entry: MedicationEntry } | null;
  earliestStart: string | null;
}

const KIND_WORDS: Record<MedicationEntryKind, string> = {
  GP_PRESCRIPTION: 'prescription',
  HOSPITAL_STATEMENT: 'hospital medication list',
  MUNICIPAL_CARE_LIST: 'municipal care list',
  NATIONAL_DISPENSATION: 'dispensed',
};

function entryDailyMg(e: MedicationEntry): number | null {
  const mg = strengthInMg(e.strength);
  const dose = e.dose;
  if (mg === null || !dose || dose.amount === null || dose.timesPerDay === null) return null;
  const interval = scheduleOf(e).intervalDays ?? 1;
  return (mg * dose.amount * dose.timesPerDay) / interval;
}

function activeMedications(items: readonly MedicationListItem[]): ActiveMedication[] {
  const out: ActiveMedication[] = [];
  for (const item of items) {
    if (item.status !== 'ACTIVE') continue;
    const today = item.entries.filter((e) => !e.provenance.period);
    const inUse = today.filter((e) => e.status === 'ACTIVE');
    const entries = inUse.length ? inUse : today;
    const doses = entries
      .map((e) => ({ entry: e, mg: entryDailyMg(e) }))
      .filter((d): d is { entry: MedicationEntry; mg: number } => d.mg !== null)
      .sort((a, b) => b.mg - a.mg);
    const starts = item.entries.map((e) => e.startDate).filter((d): d is string => !!d).sort();
    out.push({
      key: medicationKey(item),
      item,
      entries,
      asNeededOnly: entries.length > 0 && entries.every((e) => scheduleOf(e).asNeeded === true),
      dailyMg: doses[0] ?? null,
      earliestStart: starts[0] ?? null,
    });
  }
  return out.sort((a, b) => a.key.localeCompare(b.key));
}

function formatNumber(n: number): string {
  return String(Math.round(n * 100) / 100);
}

/** Each entry that says it is in use; of a pharmacy's dispensations only the latest (the others add nothing). */
function medicationEvidence(m: ActiveMedication): WarningEvidence[] {
  const latestDispensation = new Map<string, MedicationEntry>();
  for (const e of m.entries.filter((x) => x.kind === 'NATIONAL_DISPENSATION')) {
    const seen = latestDispensation.get(e.provenance.organisation);
    if (!seen || (e.lastDispensed ?? '') > (seen.lastDispensed ?? '')) latestDispensation.set(e.provenance.organisation, e);
  }
  const shown = m.entries.filter((e) => e.kind !== 'NATIONAL_DISPENSATION' || latestDispensation.get(e.provenance.organisation) === e);
  return shown.map((e) => ({
    what: `${e.name}${e.strength ? ` ${e.strength}` : ''} (${KIND_WORDS[e.kind]}, ${e.provenance.organisation})`,
    value: [e.status, e.dose?.text].filter(Boolean).join(': '),
    date: e.kind === 'NATIONAL_DISPENSATION' ? (e.lastDispensed ?? e.startDate) : e.startDate,
    provenance: e.provenance,
  }));
}

const names = (ms: readonly ActiveMedication[]) => ms.map((m) => m.item.name).join(', ');

function sourcesOf(m: ActiveMedication): string {
  return [...new Set(m.entries.map((e) => e.provenance.organisation))].join(', ');
}

// ------------------------------------------------------------------ warnings

function fit(summary: string): string {
  return summary.length <= 140 ? summary : `${summary.slice(0, 139).trimEnd()}…`;
}

function knowledgeOf<I extends { source: string; verified: boolean }>(file: KnowledgeFile<I>, fileName: string, item: I, itemId: string): WarningKnowledge {
  const source = file.sources[item.source];
  return {
    source: `codelists/cds/${fileName}#${itemId}`,
    version: `${file.version}; ${source?.version ?? 'unknown'}`,
    citation: source?.citation ?? 'unknown',
    unverified: !item.verified,
  };
}

/** For rules that rest on the record alone (a date of death), not on a knowledge item. */
function ruleKnowledge(rule: string, citation: string): WarningKnowledge {
  return { source: `subgraphs/record/cds/clinicalWarnings.ts#${rule}`, version: ENGINE_VERSION, citation, unverified: false };
}

interface Context {
  k: Knowledge;
  input: ClinicalWarningsInput;
  meds: ActiveMedication[];
  missing: (kind: WarningKind) => MissingSource[];
}

function warning(ctx: Context, w: Omit<ClinicalWarning, 'partial'>): ClinicalWarning {
  const missing = ctx.missing(w.kind);
  return { ...w, summary: fit(w.summary), ...(missing.length ? { partial: { missingSources: missing } } : {}) };
}

function interactions(ctx: Context): ClinicalWarning[] {
  const { k, meds } = ctx;
  const out: ClinicalWarning[] = [];
  for (const pair of k.interactions.items) {
    for (let i = 0; i < meds.length; i++) {
      for (let j = i + 1; j < meds.length; j++) {
        const [x, y] = [meds[i] as ActiveMedication, meds[j] as ActiveMedication];
        const ordered = matches(k, x.item.atc, pair.a) && matches(k, y.item.atc, pair.b) ? [x, y] : matches(k, y.item.atc, pair.a) && matches(k, x.item.atc, pair.b) ? [y, x] : null;
        if (!ordered) continue;
        const [a, b] = ordered as [ActiveMedication, ActiveMedication];
        const prn = [a, b].filter((m) => m.asNeededOnly);
        out.push(
          warning(ctx, {
            ruleId: `CDS-INTERACTION-${pair.id}`,
            kind: 'INTERACTION',
            severity: pair.severity,
            summary: `Interaction: ${a.item.name} + ${b.item.name}: ${pair.effect}`,
            detail:
              `${a.item.name} (${sourcesOf(a)}) and ${b.item.name} (${sourcesOf(b)}) are both in use. ${pair.effect} ${pair.mechanism}` +
              (prn.length ? ` ${names(prn)} is taken as needed (ved behov): the risk applies on the days it is taken.` : ''),
            suggestedAction: pair.action,
            knowledge: knowledgeOf(k.interactions, 'interactions.json', pair, pair.id),
            evidence: [...medicationEvidence(a), ...medicationEvidence(b)],
            medications: [a.key, b.key],
          }),
        );
      }
    }
  }
  return out;
}

function duplications(ctx: Context): ClinicalWarning[] {
  const { k } = ctx;
  // Regular medicines with an ATC code: an as-needed reliever beside a regular medicine of its class is intended.
  const meds = ctx.meds.filter((m) => m.item.atc && !m.asNeededOnly);
  const groups: { label: string; members: ActiveMedication[]; severity: WarningSeverity; knowledge: WarningKnowledge }[] = [];
  const byLevel4 = new Map<string, ActiveMedication[]>();
  for (const m of meds) {
    const atc = (m.item.atc as string).toUpperCase();
    if (atc.length < 7) continue;
    const level4 = atc.slice(0, 5);
    byLevel4.set(level4, [...(byLevel4.get(level4) ?? []), m]);
  }
  const classesFile = k.classes;
  const atcSource = classesFile.items.find((c) => c.source === 'atc-who-2025');
  for (const [level4, members] of [...byLevel4].sort(([a], [b]) => a.localeCompare(b))) {
    if (members.length < 2) continue;
    groups.push({
      label: `ATC ${level4}`,
      members,
      severity: 'MODERATE',
      knowledge: {
        source: `codelists/cds/classes.json#ATC-LEVEL-4`,
        version: `${classesFile.version}; ${classesFile.sources['atc-who-2025']?.version ?? 'unknown'}`,
        citation: classesFile.sources['atc-who-2025']?.citation ?? 'unknown',
        unverified: atcSource ? !atcSource.verified : true,
      },
    });
  }
  for (const cls of classesFile.items.filter((c) => c.duplicationClass)) {
    const members = meds.filter((m) => matches(k, m.item.atc, [`@${cls.id}`]));
    const level4s = new Set(members.map((m) => (m.item.atc as string).slice(0, 5)));
    // Only across level 4: within it, the level-4 group above has said it.
    if (members.length < 2 || level4s.size < 2) continue;
    groups.push({ label: cls.display, members, severity: cls.id === 'ORAL_ANTICOAGULANT' ? 'HIGH' : 'MODERATE', knowledge: knowledgeOf(classesFile, 'classes.json', cls, cls.id) });
  }
  return groups.map((g) => {
    const sources = new Set(g.members.flatMap((m) => m.entries.map((e) => e.provenance.organisation)));
    const perSource = g.members.map((m) => `${m.item.name} (${sourcesOf(m)})`).join(' and ');
    const fromDifferent = g.members.some((m, i) => g.members.some((o, j) => i !== j && sourcesOf(m) !== sourcesOf(o)));
    return warning(ctx, {
      ruleId: 'CDS-DUPLICATION',
      kind: 'DUPLICATION',
      severity: g.severity,
      summary: `Therapeutic duplication: ${names(g.members)} (${g.label}) are both in use`,
      detail:
        `${perSource} are different medicines of the same class (${g.label}), both in use. ` +
        (fromDifferent && sources.size > 1
          ? 'They come from different sources: often one replaced the other (a hospital switched within the class) and the other list was not updated, so the patient may take both.'
          : 'The same source lists both: confirm that both are intended.'),
      suggestedAction: 'Reconcile with the prescribers: keep one, stop the other, and update every list.',
      knowledge: g.knowledge,
      evidence: g.members.flatMap(medicationEvidence),
      medications: g.members.map((m) => m.key),
    });
  });
}

function allergyEvidence(a: CriticalInformationInput): WarningEvidence {
  return {
    what: `Allergy or intolerance: ${a.text}${a.atc ? ` (ATC ${a.atc})` : ''}${a.verified ? '' : ', not verified in the source'}`,
    value: [a.reaction, a.severity].filter(Boolean).join(', ') || 'recorded',
    date: a.recorded,
    provenance: a.provenance,
  };
}

const lowerOne = (s: WarningSeverity): WarningSeverity => (s === 'HIGH' ? 'MODERATE' : 'LOW');

function allergies(ctx: Context): ClinicalWarning[] {
  const { k, meds, input } = ctx;
  const out: ClinicalWarning[] = [];
  const records = [...input.criticalInformation].filter((c) => c.type === 'ALLERGY').sort((a, b) => a.id.localeCompare(b.id));
  for (const allergy of records) {
    const allergyAtc = allergy.atc?.trim().toUpperCase() ?? null;
    const items = k.allergy.items.filter((i) =>
      allergyAtc ? matches(k, allergyAtc, i.allergen) || i.allergen.some((s) => !s.startsWith('@') && s.startsWith(allergyAtc)) : i.textPatterns.some((p) => new RegExp(p, 'i').test(allergy.text)),
    );
    for (const m of meds) {
      // Known only from dispensations that all came before the allergy was recorded: what it records was probably a reaction to it.
      const dates = m.entries.map((e) => (e.kind === 'NATIONAL_DISPENSATION' ? e.lastDispensed : null));
      if (allergy.recorded && m.entries.length && m.entries.every((e) => e.kind === 'NATIONAL_DISPENSATION') && dates.every((d) => d !== null && d < (allergy.recorded as string))) continue;
      const direct = !!allergyAtc && !!m.item.atc && m.item.atc.toUpperCase().startsWith(allergyAtc);
      const cross = items.find((i) => matches(k, m.item.atc, i.reactsWith));
      if (!direct && !cross) continue;
      const base: WarningSeverity = direct ? (allergy.severity === 'SEVERE' || allergy.severity === null ? 'HIGH' : 'MODERATE') : (cross as NonNullable<typeof cross>).severity;
      const severity = !direct && allergy.severity === 'MILD' ? lowerOne(base) : base;
      const how = direct ? `${m.item.name} (ATC ${m.item.atc}) belongs to the class the allergy names (${allergyAtc})` : `${(cross as NonNullable<typeof cross>).explanation}`;
      out.push(
        warning(ctx, {
          ruleId: 'CDS-ALLERGY',
          kind: 'ALLERGY',
          severity,
          summary: `Allergy: ${allergy.text}${allergy.reaction ? ` (${allergy.reaction.toLowerCase()})` : ''}, and ${m.item.name} is in use`,
          detail:
            `${allergy.provenance.organisation} records ${allergy.text}${allergy.reaction ? ` (${allergy.reaction}` : ''}${allergy.severity ? `, ${allergy.severity.toLowerCase()}` : ''}${allergy.reaction ? ')' : ''}${allergy.recorded ? ` on ${allergy.recorded}` : ''}; ` +
            `${m.item.name} is in use according to ${sourcesOf(m)}. ${how}.` +
            (m.asNeededOnly ? ' It is taken as needed (ved behov): a single dose is enough for a reaction.' : '') +
            (allergy.verified ? '' : ' The allergy is not verified in the summary record.'),
          suggestedAction: cross && !direct ? cross.action : 'Do not give; stop it and choose a medicine outside the class, or confirm with the patient that the allergy record is wrong and correct it.',
          knowledge: cross && !direct ? knowledgeOf(k.allergy, 'allergy-cross-reactivity.json', cross, cross.id) : ruleKnowledge('ALLERGY-SAME-CLASS', 'The allergy record\'s own ATC class (Kjernejournal); ATC/DDD Index 2025.'),
          evidence: [allergyEvidence(allergy), ...medicationEvidence(m)],
          medications: [m.key],
        }),
      );
    }
  }
  return out;
}

// ------------------------------------------------------------------ kidney function

interface RenalFunction {
  eGfr: number;
  evidence: WarningEvidence[];
  date: string;
}

const latest = (results: readonly LabResultInput[]) =>
  [...results].filter((r) => r.value !== null).sort((a, b) => b.time.localeCompare(a.time) || a.id.localeCompare(b.id))[0];

const normUnit = (u: string | null) => (u ?? '').replace(/\s+/g, '').toLowerCase();

function labEvidence(r: LabResultInput): WarningEvidence {
  return { what: `${r.code.display ?? r.code.code} (${r.code.code})`, value: `${r.value}${r.unit ? ` ${r.unit}` : ''}`, date: r.time, provenance: r.provenance };
}

function ageOn(birthDate: string, date: string): number {
  const [by, bm, bd] = birthDate.slice(0, 10).split('-').map(Number) as [number, number, number];
  const [y, m, d] = date.slice(0, 10).split('-').map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

function renalFunction(ctx: Context): RenalFunction | null {
  const { k, input } = ctx;
  const units = new Set(k.renal.eGfrUnits.map(normUnit));
  const isCode = (codes: { code: string }[]) => (r: LabResultInput) => codes.some((c) => c.code === r.code.code);
  const eGfr = latest(input.labResults.filter((r) => isCode(k.renal.eGfrCodes)(r) || units.has(normUnit(r.unit))));
  const creatinine = latest(input.labResults.filter(isCode(k.renal.creatinineCodes)));
  const { birthDate, sex } = input.person;
  if (creatinine && (!eGfr || creatinine.time > eGfr.time) && birthDate && sex) {
    const age = ageOn(birthDate, creatinine.time);
    const value = ckdEpi2021(creatinine.value as number, age, sex);
    return {
      eGfr: value,
      date: creatinine.time,
      evidence: [
        labEvidence(creatinine),
        { what: `eGFR estimated from this creatinine (CKD-EPI 2021, age ${age}, ${sex.toLowerCase()}; computed by the rule, not reported by the laboratory)`, value: `${Math.round(value)} mL/min/1.73 m²`, date: creatinine.time, provenance: null },
      ],
    };
  }
  if (eGfr) return { eGfr: eGfr.value as number, date: eGfr.time, evidence: [labEvidence(eGfr)] };
  return null;
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to.slice(0, 10)}T00:00:00Z`) - Date.parse(`${from.slice(0, 10)}T00:00:00Z`)) / 86_400_000);
}

function renal(ctx: Context): ClinicalWarning[] {
  const { k, meds, input } = ctx;
  const fn = renalFunction(ctx);
  const potassium = latest(input.labResults.filter((r) => k.renal.potassiumCodes.some((c) => c.code === r.code.code)));
  const out: ClinicalWarning[] = [];
  for (const m of meds) {
    for (const item of k.renal.items.filter((i) => matches(k, m.item.atc, i.drugs))) {
      // The first eGFR band that fires (bands run from the most severe), and every potassium band that does.
      let eGfrFired = false;
      for (const band of item.bands) {
        if (eGfrFired && band.potassiumAbove === undefined) continue;
        const hit = bandHit(band, fn, potassium, m);
        if (!hit) continue;
        const age = fn ? daysBetween(fn.date, input.today) : 0;
        const evidence = [...(band.potassiumAbove !== undefined && potassium ? [labEvidence(potassium)] : []), ...(band.potassiumAbove === undefined && fn ? fn.evidence : []), ...medicationEvidence(m)];
        const measured = band.potassiumAbove !== undefined ? `P-Kalium ${potassium?.value} mmol/L (${potassium?.time.slice(0, 10)})` : `eGFR ${Math.round(fn?.eGfr ?? 0)} (${fn?.date.slice(0, 10)})`;
        out.push(
          warning(ctx, {
            ruleId: `CDS-RENAL-${item.id}`,
            kind: 'RENAL',
            severity: band.severity,
            summary: `Kidney function: ${m.item.name} with ${measured}`,
            detail:
              `${band.text} ${m.item.name} is in use according to ${sourcesOf(m)}${hit.dose ? `, ${hit.dose}` : ''}; the latest ${measured}.` +
              (band.potassiumAbove === undefined && age > 365 ? ` The result is ${age} days old: measure kidney function again.` : ''),
            suggestedAction: band.action,
            knowledge: knowledgeOf(k.renal, 'renal.json', item, band.id),
            evidence,
            medications: [m.key],
          }),
        );
        if (band.potassiumAbove === undefined) eGfrFired = true;
      }
    }
  }
  return out;
}

function bandHit(band: RenalBand, fn: RenalFunction | null, potassium: LabResultInput | undefined, m: ActiveMedication): { dose: string | null } | null {
  if (band.potassiumAbove !== undefined) return potassium && (potassium.value as number) > band.potassiumAbove ? { dose: null } : null;
  if (!fn || fn.eGfr < band.eGfrFrom || fn.eGfr >= band.eGfrBelow) return null;
  if (band.maxDailyDoseMg === undefined) return { dose: null };
  // Over the limit averaged per day over the dosing interval; a dose that does not compute says nothing.
  if (!m.dailyMg || m.dailyMg.mg <= band.maxDailyDoseMg) return null;
  return { dose: `${formatNumber(m.dailyMg.mg)} mg a day according to ${m.dailyMg.entry.provenance.organisation} (at most ${band.maxDailyDoseMg} mg)` };
}

// ------------------------------------------------------------------ death

function deceased(ctx: Context): ClinicalWarning[] {
  const { meds, input } = ctx;
  const died = input.person.deceasedDate;
  if (!died || meds.length === 0) return [];
  const after = meds.filter((m) => m.entries.some((e) => e.kind === 'NATIONAL_DISPENSATION' && e.lastDispensed && e.lastDispensed > died));
  return [
    warning(ctx, {
      ruleId: 'CDS-DECEASED',
      kind: 'DECEASED',
      severity: after.length ? 'HIGH' : 'MODERATE',
      summary: `Died ${died}, yet ${meds.length} medicine${meds.length === 1 ? ' is' : 's are'} still active: ${names(meds)}`,
      detail:
        `The population register records the date of death ${died}. ${names(meds)} ${meds.length === 1 ? 'is' : 'are'} still active according to ${[...new Set(meds.flatMap((m) => m.entries.map((e) => e.provenance.organisation)))].join(', ')}.` +
        (after.length ? ` ${names(after)} ${after.length === 1 ? 'was' : 'were'} dispensed after the date of death.` : '') +
        ' Either the lists were not closed, or the record belongs to someone else.',
      suggestedAction: 'Confirm the death and close the prescriptions and lists (stop in e-resept, the care list); if medicines were dispensed after the death, report it.',
      knowledge: ruleKnowledge('DECEASED', 'Date of death from the population register (Folkeregisteret); rule of this project.'),
      evidence: [
        { what: 'Date of death (population register)', value: died, date: died, provenance: input.person.provenance },
        ...meds.flatMap(medicationEvidence),
      ],
      medications: meds.map((m) => m.key),
    }),
  ];
}

// ------------------------------------------------------------------ NORGEP, NORGEP-NH

export function nursingHomeResident(services: ClinicalWarningsInput['careServices'], today: string): boolean {
  return services.some((s) => (s.type === 'NURSING_HOME_LONG_TERM' || s.type === 'NURSING_HOME_SHORT_TERM') && s.start.slice(0, 10) <= today && (s.end === null || s.end.slice(0, 10) >= today));
}

function criterionMembers(ctx: Context, c: Criterion): ActiveMedication[][] | null {
  const { k, meds, input } = ctx;
  const eligible = meds.filter((m) => {
    if (c.regularOnly && m.asNeededOnly) return false;
    if (c.inUseDays !== undefined && (!m.earliestStart || daysBetween(m.earliestStart, input.today) < c.inUseDays)) return false;
    if (c.maxDailyDoseMg !== undefined && (!m.dailyMg || m.dailyMg.mg <= c.maxDailyDoseMg)) return false;
    return true;
  });
  if (c.kind === 'SINGLE') {
    const hits = eligible.filter((m) => matches(k, m.item.atc, c.drugs ?? []));
    return hits.length ? hits.map((m) => [m]) : null;
  }
  if (c.kind === 'COUNT') {
    const hits = eligible.filter((m) => matches(k, m.item.atc, c.drugs ?? []));
    return hits.length >= (c.min ?? 2) ? [hits] : null;
  }
  // COMBINATION: one distinct medicine per group (a small search: lists are short).
  const groups = c.groups ?? [];
  const candidates = groups.map((g) => eligible.filter((m) => matches(k, m.item.atc, g)));
  const chosen: ActiveMedication[] = [];
  const assign = (i: number): boolean => {
    if (i === groups.length) return true;
    for (const m of candidates[i] ?? []) {
      if (chosen.includes(m)) continue;
      chosen.push(m);
      if (assign(i + 1)) return true;
      chosen.pop();
    }
    return false;
  };
  if (!assign(0)) return null;
  // Every medicine of any group belongs to the warning, the assignment first.
  const all = [...chosen, ...candidates.flat().filter((m) => !chosen.includes(m))];
  return [[...new Map(all.map((m) => [m.key, m])).values()]];
}

function criteria(ctx: Context, kind: 'NORGEP' | 'NORGEP_NH'): ClinicalWarning[] {
  const { k, input } = ctx;
  const file = kind === 'NORGEP' ? k.norgep : k.norgepNh;
  const fileName = kind === 'NORGEP' ? 'norgep.json' : 'norgep-nh.json';
  const prefix = kind === 'NORGEP' ? 'CDS-NORGEP' : 'CDS-NORGEPNH';
  const label = kind === 'NORGEP' ? 'NORGEP' : 'NORGEP-NH';
  const out: ClinicalWarning[] = [];
  for (const c of file.items) {
    for (const members of criterionMembers(ctx, c) ?? []) {
      const dose = c.maxDailyDoseMg !== undefined && members[0]?.dailyMg ? ` (${formatNumber(members[0].dailyMg.mg)} mg a day according to ${members[0].dailyMg.entry.provenance.organisation})` : '';
      out.push(
        warning(ctx, {
          ruleId: `${prefix}-${c.n}`,
          kind,
          severity: c.severity,
          summary: `${label} ${c.n}: ${names(members)}`,
          detail: `${c.text} In use: ${members.map((m) => `${m.item.name} (${sourcesOf(m)})`).join(', ')}${dose}.`,
          suggestedAction: c.action,
          knowledge: knowledgeOf(file, fileName, c, String(c.n)),
          evidence: [
            ...(kind === 'NORGEP' && input.person.birthDate
              ? [{ what: 'Age (population register)', value: `${ageOn(input.person.birthDate, input.today)} years`, date: input.person.birthDate, provenance: input.person.provenance }]
              : []),
            ...(kind === 'NORGEP_NH' ? nursingHomeEvidence(input) : []),
            ...members.flatMap(medicationEvidence),
          ],
          medications: members.map((m) => m.key),
        }),
      );
    }
  }
  return out;
}

function nursingHomeEvidence(input: ClinicalWarningsInput): WarningEvidence[] {
  return input.careServices
    .filter((s) => nursingHomeResident([s], input.today))
    .sort((a, b) => a.id.localeCompare(b.id))
    .map((s) => ({ what: `Nursing-home stay (${s.type === 'NURSING_HOME_LONG_TERM' ? 'long-term' : 'short-term'})${s.description ? `: ${s.description}` : ''}`, value: `from ${s.start.slice(0, 10)}`, date: s.start, provenance: s.provenance }));
}

// ------------------------------------------------------------------ partial notices

const KIND_TEXT: Record<WarningKind, string> = {
  INTERACTION: 'Interactions',
  DUPLICATION: 'Therapeutic duplication',
  ALLERGY: 'Allergies against medicines',
  RENAL: 'Doses against kidney function',
  DECEASED: 'Medicines after a date of death',
  NORGEP: 'NORGEP criteria',
  NORGEP_NH: 'NORGEP-NH criteria',
};

const INPUT_TEXT: Record<CdsInput, string> = {
  MEDICATIONS: 'medication list',
  CRITICAL_INFORMATION: 'allergies (summary care record)',
  LAB_RESULTS: 'laboratory results',
  PERSON: 'date of birth and death (population register)',
  CARE_SERVICES: 'municipal care services',
};

/**
 * A LOW notice per kind that could not be fully checked, naming the sources that did not answer. A missing medication
 * source makes every kind partial (its warnings say so), but a notice of its own only for the list-wide checks
 * (interactions, duplication), so that one failed GP system gives two notices, not seven. Other inputs give a notice
 * for each kind that reads them, where the check matters for this patient.
 */
function partialNotices(ctx: Context, relevant: Record<WarningKind, boolean>): ClinicalWarning[] {
  const out: ClinicalWarning[] = [];
  for (const kind of KIND_ORDER) {
    const missing = ctx.missing(kind);
    if (!missing.length || !relevant[kind]) continue;
    const inputs = [...new Set(missing.flatMap((s) => s.inputs.filter((i) => KIND_INPUTS[kind].includes(i))))];
    const listWide = kind === 'INTERACTION' || kind === 'DUPLICATION';
    if (!listWide && inputs.every((i) => i === 'MEDICATIONS')) continue;
    const who = missing.map((s) => s.organisation ?? s.sourceId).join(', ');
    out.push({
      ruleId: `CDS-${kind.replace('_', '')}-PARTIAL`,
      kind,
      severity: 'LOW',
      summary: fit(`${KIND_TEXT[kind]} not fully checked: ${who} did not answer`),
      detail: `${KIND_TEXT[kind]} could not be fully checked: the ${inputs.map((i) => INPUT_TEXT[i]).join(' and ')} from ${who} ${missing.length === 1 ? 'is' : 'are'} missing. Absence of a warning of this kind says nothing.`,
      suggestedAction: 'Try again later, or check the missing source directly.',
      knowledge: ruleKnowledge('PARTIAL', 'Source statuses of this answer.'),
      evidence: missing.map((s) => ({ what: `Source that did not answer (${s.sector})`, value: s.organisation ?? s.sourceId, date: null, provenance: null })),
      medications: [],
      partial: { missingSources: missing },
    });
  }
  return out;
}

// ------------------------------------------------------------------ the engine

export function clinicalWarnings(input: ClinicalWarningsInput, k: Knowledge = shippedKnowledge()): ClinicalWarning[] {
  const meds = activeMedications(input.medications);
  const missingSources = [...input.missingSources].sort((a, b) => a.sourceId.localeCompare(b.sourceId));
  const missing = (kind: WarningKind) => missingSources.filter((s) => s.inputs.some((i) => KIND_INPUTS[kind].includes(i)));
  const ctx: Context = { k, input, meds, missing };
  const { birthDate, deceasedDate } = input.person;
  const age = birthDate ? ageOn(birthDate, input.today) : null;
  const resident = nursingHomeResident(input.careServices, input.today);
  const alive = deceasedDate === null;
  const renalMeds = meds.some((m) => k.renal.items.some((i) => matches(k, m.item.atc, i.drugs)));
  const hasMeds = meds.length > 0;
  const warnings = [
    ...deceased(ctx),
    ...allergies(ctx),
    ...interactions(ctx),
    ...(alive ? renal(ctx) : []),
    ...duplications(ctx),
    ...(alive && !resident && age !== null && age >= 70 ? criteria(ctx, 'NORGEP') : []),
    ...(alive && resident ? criteria(ctx, 'NORGEP_NH') : []),
  ];
  const relevant: Record<WarningKind, boolean> = {
    INTERACTION: true,
    DUPLICATION: true,
    ALLERGY: hasMeds,
    RENAL: alive && renalMeds,
    DECEASED: hasMeds,
    NORGEP: alive && hasMeds && !resident && (age === null || age >= 70),
    NORGEP_NH: alive && hasMeds,
  };
  return [...warnings, ...partialNotices(ctx, relevant)].sort(compareWarnings);
}

function compareWarnings(a: ClinicalWarning, b: ClinicalWarning): number {
  return (
    SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
    KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) ||
    a.ruleId.localeCompare(b.ruleId, 'en', { numeric: true }) ||
    a.medications.join('|').localeCompare(b.medications.join('|')) ||
    a.summary.localeCompare(b.summary)
  );
}

/** The warnings that concern one merged medication (for `MedicationListItem.warnings`). */
export function warningsFor(warnings: readonly ClinicalWarning[], item: Pick<MedicationListItem, 'atc' | 'name'>): ClinicalWarning[] {
  const key = medicationKey(item);
  return warnings.filter((w) => w.medications.includes(key));
}

export type { Provenance };
