import { CODE_LISTS, coded, entry, type LabEntry } from '../../codelists';
import { marketedStrengthProblem } from '../../codelists/marketedStrengths';

/**
 * The clinical vocabulary of the synthetic population. Every code comes from an extract of its official list
 * in codelists/ (with that list's display text), so a code or text that is not in the list fails at load
 * time, and codelists.test.ts checks everything the simulators emit. OIDs: urn:oid:2.16.578.1.12.4.1.1.<n>.
 */
export const CODE_SYSTEMS = {
  icpc2: CODE_LISTS.icpc2.oid as string,
  icd10: CODE_LISTS.icd10.oid as string,
  atc: CODE_LISTS.atc.oid as string,
  municipality: CODE_LISTS.municipality.oid as string,
  /** Norsk laboratoriekodeverk (NLK), the code list Norwegian laboratories report with. */
  nlk: CODE_LISTS.nlk.oid as string,
  ucum: 'http://unitsofmeasure.org',
} as const;

export interface Coding {
  code: string;
  text: string;
}

/** How a medicine is to be taken. */
export interface DoseSpec {
  /** Amount per intake, in `unit`. */
  amount: number;
  unit: string;
  /** Intakes per dosing day; for as-needed dosing, the most a day. */
  timesPerDay: number;
  /** Days between dosing days: 1 (or absent) every day, 7 once a week. */
  intervalDays?: number;
  /** As needed (ved behov, PRN): taken when symptoms call for it, up to `timesPerDay` a day. */
  asNeeded?: boolean;
}

export interface Drug {
  atc: string;
  /** The Norwegian substance name of the ATC list (FEST). */
  name: string;
  /** A strength marketed in Norway for this form (codelists/marketed-strengths.json). */
  strength: string;
  /** The Norwegian pharmaceutical form (legemiddelform) the product is sold as. */
  form: string;
  dose: DoseSpec;
  /**
   * How a prescriber lowers the dose (a discharge dose reduction): fewer tablets, fewer intakes, or a lower
   * strength that is marketed; never half a strength nobody makes. Absent where no sensible lower dose exists
   * in the marketed strengths (the lowest strength taken once a day, an as-needed medicine).
   */
  reduced?: { strength?: string; dose?: Partial<DoseSpec> };
}

/** A medicine; its strengths (the usual and the reduced) must be marketed in Norway in its form, or loading fails. */
function drug(atc: string, strength: string, form: string, dose: DoseSpec, reduced?: Drug['reduced']): Drug {
  for (const s of [strength, ...(reduced?.strength ? [reduced.strength] : [])]) {
    const problem = marketedStrengthProblem(atc, form, s);
    if (problem) throw new Error(`simulators/population/codes.ts: ${problem}`);
  }
  return { atc, name: entry('atc', atc).display, strength, form, dose, ...(reduced ? { reduced } : {}) };
}

/**
 * The medicines and how a Norwegian GP typically prescribes them. Reliever inhalers and triptans are taken
 * as needed (ved behov), never on a fixed schedule; alendronate 70 mg is a weekly tablet. Forms and strengths
 * as marketed in Norway (codelists/marketed-strengths.json).
 */
export const DRUGS = {
  // Reduced: one tablet a day instead of two (250 mg tablets are not marketed).
  metformin: drug('A10BA02', '500 mg', 'tablett', { amount: 1, unit: 'tablett', timesPerDay: 2 }, { dose: { timesPerDay: 1 } }),
  ramipril: drug('C09AA05', '5 mg', 'tablett', { amount: 1, unit: 'tablett', timesPerDay: 1 }, { strength: '2,5 mg' }),
  // 5 mg is the lowest strength: no reduction.
  amlodipine: drug('C08CA01', '5 mg', 'tablett', { amount: 1, unit: 'tablett', timesPerDay: 1 }),
  metoprolol: drug('C07AB02', '50 mg', 'depottablett', { amount: 1, unit: 'tablett', timesPerDay: 1 }, { strength: '25 mg' }),
  // Only where a hospital switches a patient's beta-blocker at discharge (Shape.dischargeSwitch): no condition draws it.
  bisoprolol: drug('C07AB07', '5 mg', 'tablett', { amount: 1, unit: 'tablett', timesPerDay: 1 }, { strength: '2,5 mg' }),
  atorvastatin: drug('C10AA05', '20 mg', 'tablett, filmdrasjert', { amount: 1, unit: 'tablett', timesPerDay: 1 }, { strength: '10 mg' }),
  furosemide: drug('C03CA01', '40 mg', 'tablett', { amount: 1, unit: 'tablett', timesPerDay: 1 }, { strength: '20 mg' }),
  spironolactone: drug('C03DA01', '25 mg', 'tablett', { amount: 1, unit: 'tablett', timesPerDay: 1 }),
  asa: drug('B01AC06', '75 mg', 'enterotablett', { amount: 1, unit: 'tablett', timesPerDay: 1 }),
  // The reduced dose of the label (2.5 mg twice daily), never once daily.
  apixaban: drug('B01AF02', '5 mg', 'tablett, filmdrasjert', { amount: 1, unit: 'tablett', timesPerDay: 2 }, { strength: '2,5 mg' }),
  // Marevan comes in 2.5 mg only, dosed as a number of tablets.
  warfarin: drug('B01AA03', '2,5 mg', 'tablett', { amount: 2, unit: 'tablett', timesPerDay: 1 }, { dose: { amount: 1 } }),
  paracetamol: drug('N02BE01', '500 mg', 'tablett', { amount: 2, unit: 'tablett', timesPerDay: 3 }, { dose: { amount: 1 } }),
  // Depot morphine stays twice daily; Dolcontin comes in 5 mg.
  morphine: drug('N02AA01', '10 mg', 'depottablett', { amount: 1, unit: 'tablett', timesPerDay: 2 }, { strength: '5 mg' }),
  // 5 mg is the lowest strength marketed: no reduction (2.5 mg is not made, 3.75 mg not confirmed in Norway).
  zopiclone: drug('N05CF01', '5 mg', 'tablett', { amount: 1, unit: 'tablett', timesPerDay: 1 }),
  escitalopram: drug('N06AB10', '10 mg', 'tablett, filmdrasjert', { amount: 1, unit: 'tablett', timesPerDay: 1 }, { strength: '5 mg' }),
  levothyroxine: drug('H03AA01', '100 mikrog', 'tablett', { amount: 1, unit: 'tablett', timesPerDay: 1 }, { strength: '50 mikrog' }),
  omeprazole: drug('A02BC01', '20 mg', 'enterokapsel', { amount: 1, unit: 'kapsel', timesPerDay: 1 }, { strength: '10 mg' }),
  // Stepped down to the lower inhaled steroid dose.
  salmeterolFluticasone: drug('R03AK06', '50/250 mikrog', 'inhalasjonspulver, dosedispensert', { amount: 1, unit: 'inhalasjon', timesPerDay: 2 }, { strength: '50/100 mikrog' }),
  // A reliever: 2 puffs when short of breath, at most 4 times a day.
  salbutamol: drug('R03AC02', '0,1 mg/dose', 'inhalasjonsaerosol', { amount: 2, unit: 'inhalasjon', timesPerDay: 4, asNeeded: true }),
  ibuprofen: drug('M01AE01', '400 mg', 'tablett', { amount: 1, unit: 'tablett', timesPerDay: 3 }, { dose: { timesPerDay: 2 } }),
  // 5 mg is the lowest strength (2.5 mg is not marketed): no reduction.
  donepezil: drug('N06DA02', '5 mg', 'tablett, filmdrasjert', { amount: 1, unit: 'tablett', timesPerDay: 1 }),
  // Taken at the start of a migraine attack, at most once a day as this GP writes it.
  sumatriptan: drug('N02CC01', '50 mg', 'tablett', { amount: 1, unit: 'tablett', timesPerDay: 1, asNeeded: true }),
  // One tablet once a week, fasting, upright (the weekly form; 70 mg daily would be a sevenfold overdose).
  alendronate: drug('M05BA04', '70 mg', 'tablett', { amount: 1, unit: 'tablett', timesPerDay: 1, intervalDays: 7 }),
  // A combined contraceptive pill (Microgynon): one tablet a day, 21 days of each 28 as the pack has it.
  combinedPill: drug('G03AA07', '150/30 mikrog', 'tablett, drasjert', { amount: 1, unit: 'tablett', timesPerDay: 1 }),
} as const satisfies Record<string, Drug>;

/** The drug of an ATC code, as the population prescribes it. */
export function drugByAtc(atc: string): Drug | undefined {
  return Object.values(DRUGS).find((d) => d.atc === atc);
}

export type DrugKey = keyof typeof DRUGS;

export interface ConditionDef {
  key: string;
  icpc: Coding;
  icd: Coding;
  /** Chance of having it at age 20 and at age 85, linearly between. */
  prevalence: [number, number];
  drugs: DrugKey[][];
  /** Lab tests a hospital would take. */
  labs: LabKey[];
  chronic: boolean;
}

const icpc = (code: string) => coded('icpc2', code);
const icd = (code: string) => coded('icd10', code);

export const CONDITIONS: ConditionDef[] = [
  { key: 'diabetes', icpc: icpc('T90'), icd: icd('E119'), prevalence: [0.02, 0.2], drugs: [['metformin']], labs: ['hba1c', 'creatinine'], chronic: true },
  { key: 'hypertension', icpc: icpc('K86'), icd: icd('I10'), prevalence: [0.03, 0.45], drugs: [['ramipril'], ['amlodipine']], labs: ['creatinine', 'potassium'], chronic: true },
  { key: 'heartFailure', icpc: icpc('K77'), icd: icd('I500'), prevalence: [0, 0.15], drugs: [['furosemide', 'metoprolol']], labs: ['ntprobnp', 'creatinine', 'potassium'], chronic: true },
  { key: 'atrialFibrillation', icpc: icpc('K78'), icd: icd('I482'), prevalence: [0, 0.16], drugs: [['apixaban', 'metoprolol'], ['warfarin', 'metoprolol']], labs: ['inr', 'hemoglobin'], chronic: true },
  { key: 'angina', icpc: icpc('K74'), icd: icd('I209'), prevalence: [0, 0.12], drugs: [['asa', 'atorvastatin']], labs: ['ldl'], chronic: true },
  { key: 'copd', icpc: icpc('R95'), icd: icd('J449'), prevalence: [0, 0.12], drugs: [['salmeterolFluticasone', 'salbutamol']], labs: ['crp'], chronic: true },
  { key: 'asthma', icpc: icpc('R96'), icd: icd('J459'), prevalence: [0.07, 0.05], drugs: [['salbutamol'], ['salmeterolFluticasone']], labs: [], chronic: true },
  { key: 'dementia', icpc: icpc('P70'), icd: icd('F03'), prevalence: [0, 0.22], drugs: [['donepezil']], labs: [], chronic: true },
  { key: 'depression', icpc: icpc('P76'), icd: icd('F321'), prevalence: [0.06, 0.08], drugs: [['escitalopram']], labs: [], chronic: true },
  { key: 'kneeOsteoarthrosis', icpc: icpc('L90'), icd: icd('M179'), prevalence: [0.01, 0.3], drugs: [['paracetamol']], labs: [], chronic: true },
  { key: 'migraine', icpc: icpc('N89'), icd: icd('G430'), prevalence: [0.12, 0.02], drugs: [['sumatriptan']], labs: [], chronic: true },
  { key: 'hypothyroidism', icpc: icpc('T86'), icd: icd('E039'), prevalence: [0.02, 0.1], drugs: [['levothyroxine']], labs: ['tsh'], chronic: true },
  { key: 'insomnia', icpc: icpc('P06'), icd: icd('G470'), prevalence: [0.03, 0.12], drugs: [['zopiclone']], labs: [], chronic: true },
  { key: 'reflux', icpc: icpc('D84'), icd: icd('K219'), prevalence: [0.04, 0.12], drugs: [['omeprazole']], labs: [], chronic: true },
];

/** Acute reasons for a hospital stay, each with the GP's ICPC-2 code for the follow-up consultation. */
export const ACUTE_EPISODES: { key: string; icd: Coding; icpc: Coding; minAge: number; labs: LabKey[]; days: [number, number] }[] = [
  { key: 'pneumonia', icd: icd('J189'), icpc: icpc('R81'), minAge: 0, labs: ['crp', 'hemoglobin'], days: [3, 8] },
  { key: 'hipFracture', icd: icd('S7200'), icpc: icpc('L75'), minAge: 70, labs: ['hemoglobin', 'creatinine'], days: [5, 12] },
  { key: 'uti', icd: icd('N390'), icpc: icpc('U71'), minAge: 60, labs: ['crp', 'creatinine'], days: [2, 5] },
  { key: 'heartAttack', icd: icd('I2141'), icpc: icpc('K75'), minAge: 45, labs: ['troponin', 'hemoglobin', 'ldl'], days: [3, 7] },
  { key: 'stroke', icd: icd('I639'), icpc: icpc('K90'), minAge: 55, labs: ['hemoglobin', 'ldl'], days: [5, 14] },
  { key: 'heartFailureExacerbation', icd: icd('I500'), icpc: icpc('K77'), minAge: 60, labs: ['ntprobnp', 'creatinine', 'potassium'], days: [3, 9] },
];

/** The fallback ICPC-2 code for a stay whose diagnosis has no GP code of its own. */
export const ICPC_UNSPECIFIED: Coding = icpc('A99');

export interface LabDef {
  /** NLK code. */
  code: string;
  /** The name the lab report prints. */
  text: string;
  /** UCUM code. */
  unit: string;
  /** The adult reference interval (not a treatment target) and the spread a sick patient may show. */
  low: number;
  high: number;
  spread: [number, number];
  decimals: number;
  /** Where a treatment aims the value for patients on it (for example INR on warfarin): the range their results fall in. */
  onTreatment?: { atc: string; range: [number, number] };
  /** The reference interval per sex, where the list gives one (haemoglobin). */
  bySex?: { female: [number, number]; male: [number, number] };
}

function lab(code: string, spread: [number, number], decimals: number, onTreatment?: LabDef['onTreatment']): LabDef {
  const e: LabEntry = entry('nlk', code);
  const pair = (r: number[]): [number, number] => [r[0] as number, r[1] as number];
  const bySex = e.referenceBySex ? { female: pair(e.referenceBySex.female), male: pair(e.referenceBySex.male) } : undefined;
  return { code, text: e.shortName, unit: e.unit, low: e.referenceLow, high: e.referenceHigh, spread, decimals, ...(onTreatment ? { onTreatment } : {}), ...(bySex ? { bySex } : {}) };
}

export const LABS = {
  hba1c: lab('NPU27300', [35, 80], 0),
  creatinine: lab('NPU04998', [50, 180], 0),
  potassium: lab('NPU03230', [3.2, 5.6], 1),
  // NLK's Norwegian code, in g/dL (NPU28309 in g/L is the Swedish and Danish convention, not in NLK).
  hemoglobin: lab('NOR05172', [9.0, 15.5], 1),
  crp: lab('NPU19748', [2, 180], 0),
  // The reference interval is 0.8-1.2; a patient on warfarin is kept at 2.0-3.0, so their INR is "high" by design.
  inr: lab('NPU01685', [1.4, 4.2], 1, { atc: 'B01AA03', range: [1.8, 3.2] }),
  ntprobnp: lab('NPU21571', [300, 6000], 0),
  // High-sensitivity troponin T (hs-cTnT), as Norwegian laboratories report it.
  troponin: lab('NPU27501', [5, 2500], 0),
  ldl: lab('NPU01568', [1.4, 5.2], 1),
  tsh: lab('NPU03577', [0.3, 9.0], 1),
} as const satisfies Record<string, LabDef>;

export type LabKey = keyof typeof LABS;

/** Reasons for a GP consultation beyond the chronic list (ICPC-2). */
export const GP_ACUTE_REASONS: Coding[] = ['R74', 'L03', 'A97', 'S18', 'D73', 'H71', 'A04', 'N01'].map(icpc);

/** ICPC-2 codes a demo shape may add to a GP's problem list without a draw. */
export const icpc2 = icpc;

export interface AllergyDef {
  substance: string;
  /** ATC of the substance class where it is a drug. */
  atc?: string;
  reaction: string;
  severity: 'mild' | 'moderate' | 'severe';
  category: 'medication' | 'food' | 'environment';
}

export const ALLERGIES: AllergyDef[] = [
  { substance: 'Penicilliner', atc: 'J01CE', reaction: 'Urtikaria og hevelse', severity: 'moderate', category: 'medication' },
  { substance: 'Penicilliner', atc: 'J01CE', reaction: 'Anafylaksi', severity: 'severe', category: 'medication' },
  { substance: 'Sulfonamider', atc: 'J01EC', reaction: 'Utslett', severity: 'mild', category: 'medication' },
  { substance: 'NSAIDs', atc: 'M01A', reaction: 'Bronkospasme', severity: 'severe', category: 'medication' },
  { substance: 'Jodholdig kontrastmiddel', atc: 'V08A', reaction: 'Anafylaktoid reaksjon', severity: 'severe', category: 'medication' },
  { substance: 'Latex', reaction: 'Kontakteksem', severity: 'moderate', category: 'environment' },
  { substance: 'Peanøtter', reaction: 'Anafylaksi', severity: 'severe', category: 'food' },
];

export const IMPLANTS = [
  { text: 'Pacemaker (tokammer)', code: 'pacemaker' },
  { text: 'Hofteprotese, total', code: 'hip-prosthesis' },
  { text: 'Mekanisk aortaklaff', code: 'mechanical-valve' },
];

/** IPLOS: the 17 functional variables municipal care scores from 1 (no need of help) to 5 (full help). */
export const IPLOS_VARIABLES = [
  'Sosial deltakelse',
  'Styre eget liv',
  'Ivareta egen helse',
  'Beslutninger i dagliglivet',
  'Hukommelse',
  'Kommunikasjon',
  'Skaffe seg varer og tjenester',
  'Alminnelig husarbeid',
  'Lage mat',
  'Spise',
  'Personlig hygiene',
  'Kle av og på seg',
  'Toalett',
  'Bevege seg innendørs',
  'Bevege seg utendørs',
  'Syn',
  'Hørsel',
] as const;
