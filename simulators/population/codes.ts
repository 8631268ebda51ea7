/**
 * Real code systems with plausible values for the synthetic population.
 * OIDs: urn:oid:2.16.578.1.12.4.1.1.<n> (Volven code systems).
 */
export const CODE_SYSTEMS = {
  icpc2: '2.16.578.1.12.4.1.1.7170',
  icd10: '2.16.578.1.12.4.1.1.7110',
  atc: '2.16.578.1.12.4.1.1.7180',
  municipality: '2.16.578.1.12.4.1.1.3402',
  loinc: 'http://loinc.org',
} as const;

export interface Coding {
  code: string;
  text: string;
}

export interface Drug {
  atc: string;
  name: string;
  strength: string;
  form: string;
  /** Typical dose: amount per intake, unit and intakes per day. */
  dose: { amount: number; unit: string; timesPerDay: number };
}

export const DRUGS = {
  metformin: { atc: 'A10BA02', name: 'Metformin', strength: '500 mg', form: 'tablett', dose: { amount: 1, unit: 'tablett', timesPerDay: 2 } },
  ramipril: { atc: 'C09AA05', name: 'Ramipril', strength: '5 mg', form: 'tablett', dose: { amount: 1, unit: 'tablett', timesPerDay: 1 } },
  amlodipine: { atc: 'C08CA01', name: 'Amlodipin', strength: '5 mg', form: 'tablett', dose: { amount: 1, unit: 'tablett', timesPerDay: 1 } },
  metoprolol: { atc: 'C07AB02', name: 'Metoprolol', strength: '50 mg', form: 'depottablett', dose: { amount: 1, unit: 'tablett', timesPerDay: 1 } },
  atorvastatin: { atc: 'C10AA05', name: 'Atorvastatin', strength: '20 mg', form: 'tablett', dose: { amount: 1, unit: 'tablett', timesPerDay: 1 } },
  furosemide: { atc: 'C03CA01', name: 'Furosemid', strength: '40 mg', form: 'tablett', dose: { amount: 1, unit: 'tablett', timesPerDay: 1 } },
  asa: { atc: 'B01AC06', name: 'Acetylsalisylsyre', strength: '75 mg', form: 'tablett', dose: { amount: 1, unit: 'tablett', timesPerDay: 1 } },
  apixaban: { atc: 'B01AF02', name: 'Apixaban', strength: '5 mg', form: 'tablett', dose: { amount: 1, unit: 'tablett', timesPerDay: 2 } },
  warfarin: { atc: 'B01AA03', name: 'Warfarin', strength: '2,5 mg', form: 'tablett', dose: { amount: 2, unit: 'tablett', timesPerDay: 1 } },
  paracetamol: { atc: 'N02BE01', name: 'Paracetamol', strength: '500 mg', form: 'tablett', dose: { amount: 2, unit: 'tablett', timesPerDay: 3 } },
  morphine: { atc: 'N02AA01', name: 'Morfin', strength: '10 mg', form: 'depottablett', dose: { amount: 1, unit: 'tablett', timesPerDay: 2 } },
  zopiclone: { atc: 'N05CF01', name: 'Zopiklon', strength: '5 mg', form: 'tablett', dose: { amount: 1, unit: 'tablett', timesPerDay: 1 } },
  escitalopram: { atc: 'N06AB10', name: 'Escitalopram', strength: '10 mg', form: 'tablett', dose: { amount: 1, unit: 'tablett', timesPerDay: 1 } },
  levothyroxine: { atc: 'H03AA01', name: 'Levotyroksin', strength: '100 mikrog', form: 'tablett', dose: { amount: 1, unit: 'tablett', timesPerDay: 1 } },
  omeprazole: { atc: 'A02BC01', name: 'Omeprazol', strength: '20 mg', form: 'enterokapsel', dose: { amount: 1, unit: 'kapsel', timesPerDay: 1 } },
  salmeterolFluticasone: { atc: 'R03AK06', name: 'Salmeterol og flutikason', strength: '50/250 mikrog', form: 'inhalasjonspulver', dose: { amount: 1, unit: 'inhalasjon', timesPerDay: 2 } },
  salbutamol: { atc: 'R03AC02', name: 'Salbutamol', strength: '0,1 mg/dose', form: 'inhalasjonsaerosol', dose: { amount: 2, unit: 'inhalasjon', timesPerDay: 4 } },
  ibuprofen: { atc: 'M01AE01', name: 'Ibuprofen', strength: '400 mg', form: 'tablett', dose: { amount: 1, unit: 'tablett', timesPerDay: 3 } },
  donepezil: { atc: 'N06DA02', name: 'Donepezil', strength: '5 mg', form: 'tablett', dose: { amount: 1, unit: 'tablett', timesPerDay: 1 } },
  sumatriptan: { atc: 'N02CC01', name: 'Sumatriptan', strength: '50 mg', form: 'tablett', dose: { amount: 1, unit: 'tablett', timesPerDay: 1 } },
  alendronate: { atc: 'M05BA04', name: 'Alendronsyre', strength: '70 mg', form: 'tablett', dose: { amount: 1, unit: 'tablett', timesPerDay: 1 } },
} as const satisfies Record<string, Drug>;

export type DrugKey = keyof typeof DRUGS;

export interface ConditionDef {
  key: string;
  icpc: Coding;
  icd: Coding;
  /** Chance of having it at age 20 and at age 85, linearly between. */
  prevalence: [number, number];
  drugs: DrugKey[][];
  /** Lab tests (LOINC keys) a hospital would take. */
  labs: LabKey[];
  chronic: boolean;
}

export const CONDITIONS: ConditionDef[] = [
  { key: 'diabetes', icpc: { code: 'T90', text: 'Diabetes type 2' }, icd: { code: 'E11', text: 'Diabetes mellitus type 2' }, prevalence: [0.02, 0.2], drugs: [['metformin']], labs: ['hba1c', 'creatinine'], chronic: true },
  { key: 'hypertension', icpc: { code: 'K86', text: 'Hypertensjon ukomplisert' }, icd: { code: 'I10', text: 'Essensiell (primær) hypertensjon' }, prevalence: [0.03, 0.45], drugs: [['ramipril'], ['amlodipine']], labs: ['creatinine', 'potassium'], chronic: true },
  { key: 'heartFailure', icpc: { code: 'K77', text: 'Hjertesvikt' }, icd: { code: 'I50', text: 'Hjertesvikt' }, prevalence: [0, 0.15], drugs: [['furosemide', 'metoprolol']], labs: ['ntprobnp', 'creatinine', 'potassium'], chronic: true },
  { key: 'atrialFibrillation', icpc: { code: 'K78', text: 'Atrieflimmer/flutter' }, icd: { code: 'I48', text: 'Atrieflimmer og atrieflutter' }, prevalence: [0, 0.16], drugs: [['apixaban', 'metoprolol'], ['warfarin', 'metoprolol']], labs: ['inr', 'hemoglobin'], chronic: true },
  { key: 'angina', icpc: { code: 'K74', text: 'Iskemisk hjertesykdom med angina' }, icd: { code: 'I20', text: 'Angina pectoris' }, prevalence: [0, 0.12], drugs: [['asa', 'atorvastatin']], labs: ['ldl'], chronic: true },
  { key: 'copd', icpc: { code: 'R95', text: 'Kronisk obstruktiv lungesykdom' }, icd: { code: 'J44', text: 'Annen kronisk obstruktiv lungesykdom' }, prevalence: [0, 0.12], drugs: [['salmeterolFluticasone', 'salbutamol']], labs: ['crp'], chronic: true },
  { key: 'asthma', icpc: { code: 'R96', text: 'Astma' }, icd: { code: 'J45', text: 'Astma' }, prevalence: [0.07, 0.05], drugs: [['salbutamol'], ['salmeterolFluticasone']], labs: [], chronic: true },
  { key: 'dementia', icpc: { code: 'P70', text: 'Demens' }, icd: { code: 'F03', text: 'Uspesifisert demens' }, prevalence: [0, 0.22], drugs: [['donepezil']], labs: [], chronic: true },
  { key: 'depression', icpc: { code: 'P76', text: 'Depressiv lidelse' }, icd: { code: 'F32', text: 'Depressiv episode' }, prevalence: [0.06, 0.08], drugs: [['escitalopram']], labs: [], chronic: true },
  { key: 'kneeOsteoarthrosis', icpc: { code: 'L90', text: 'Artrose i kne' }, icd: { code: 'M17', text: 'Artrose i kne' }, prevalence: [0.01, 0.3], drugs: [['paracetamol']], labs: [], chronic: true },
  { key: 'migraine', icpc: { code: 'N89', text: 'Migrene' }, icd: { code: 'G43', text: 'Migrene' }, prevalence: [0.12, 0.02], drugs: [['sumatriptan']], labs: [], chronic: true },
  { key: 'hypothyroidism', icpc: { code: 'T86', text: 'Hypotyreose/myksødem' }, icd: { code: 'E03', text: 'Annen hypotyreose' }, prevalence: [0.02, 0.1], drugs: [['levothyroxine']], labs: ['tsh'], chronic: true },
  { key: 'insomnia', icpc: { code: 'P06', text: 'Søvnforstyrrelse' }, icd: { code: 'G47', text: 'Søvnforstyrrelser' }, prevalence: [0.03, 0.12], drugs: [['zopiclone']], labs: [], chronic: true },
  { key: 'reflux', icpc: { code: 'D84', text: 'Sykdom i spiserør' }, icd: { code: 'K21', text: 'Gastroøsofageal reflukssykdom' }, prevalence: [0.04, 0.12], drugs: [['omeprazole']], labs: [], chronic: true },
];

/** Acute reasons for a hospital stay, each with the GP's ICPC-2 code for the follow-up consultation. */
export const ACUTE_EPISODES: { key: string; icd: Coding; icpc: Coding; minAge: number; labs: LabKey[]; days: [number, number] }[] = [
  { key: 'pneumonia', icd: { code: 'J18', text: 'Pneumoni, uspesifisert mikroorganisme' }, icpc: { code: 'R81', text: 'Lungebetennelse' }, minAge: 0, labs: ['crp', 'hemoglobin'], days: [3, 8] },
  { key: 'hipFracture', icd: { code: 'S72', text: 'Brudd i lårben' }, icpc: { code: 'L75', text: 'Brudd i lårben' }, minAge: 70, labs: ['hemoglobin', 'creatinine'], days: [5, 12] },
  { key: 'uti', icd: { code: 'N39.0', text: 'Urinveisinfeksjon med uspesifisert lokalisasjon' }, icpc: { code: 'U71', text: 'Cystitt/urinveisinfeksjon' }, minAge: 60, labs: ['crp', 'creatinine'], days: [2, 5] },
  { key: 'heartAttack', icd: { code: 'I21', text: 'Akutt hjerteinfarkt' }, icpc: { code: 'K75', text: 'Akutt hjerteinfarkt' }, minAge: 45, labs: ['troponin', 'hemoglobin', 'ldl'], days: [3, 7] },
  { key: 'stroke', icd: { code: 'I63', text: 'Hjerneinfarkt' }, icpc: { code: 'K90', text: 'Hjerneslag' }, minAge: 55, labs: ['hemoglobin', 'ldl'], days: [5, 14] },
  { key: 'heartFailureExacerbation', icd: { code: 'I50', text: 'Hjertesvikt' }, icpc: { code: 'K77', text: 'Hjertesvikt' }, minAge: 60, labs: ['ntprobnp', 'creatinine', 'potassium'], days: [3, 9] },
];

export interface LabDef {
  loinc: string;
  text: string;
  unit: string;
  /** Normal range and the spread a sick patient may show. */
  low: number;
  high: number;
  spread: [number, number];
  decimals: number;
}

export const LABS = {
  hba1c: { loinc: '4548-4', text: 'HbA1c', unit: 'mmol/mol', low: 20, high: 42, spread: [35, 80], decimals: 0 },
  creatinine: { loinc: '2160-0', text: 'Kreatinin', unit: 'µmol/L', low: 45, high: 105, spread: [50, 180], decimals: 0 },
  potassium: { loinc: '2823-3', text: 'Kalium', unit: 'mmol/L', low: 3.5, high: 5.0, spread: [3.2, 5.6], decimals: 1 },
  hemoglobin: { loinc: '718-7', text: 'Hemoglobin', unit: 'g/dL', low: 11.7, high: 17.0, spread: [9.0, 15.5], decimals: 1 },
  crp: { loinc: '1988-5', text: 'CRP', unit: 'mg/L', low: 0, high: 5, spread: [2, 180], decimals: 0 },
  inr: { loinc: '6301-6', text: 'INR', unit: '{INR}', low: 2.0, high: 3.0, spread: [1.4, 4.2], decimals: 1 },
  ntprobnp: { loinc: '33762-6', text: 'NT-proBNP', unit: 'ng/L', low: 0, high: 450, spread: [300, 6000], decimals: 0 },
  troponin: { loinc: '89579-7', text: 'Troponin I, høysensitiv', unit: 'ng/L', low: 0, high: 34, spread: [5, 2500], decimals: 0 },
  ldl: { loinc: '13457-7', text: 'LDL-kolesterol', unit: 'mmol/L', low: 0, high: 3.0, spread: [1.4, 5.2], decimals: 1 },
  tsh: { loinc: '3016-3', text: 'TSH', unit: 'mIU/L', low: 0.5, high: 4.1, spread: [0.3, 9.0], decimals: 1 },
} as const satisfies Record<string, LabDef>;

export type LabKey = keyof typeof LABS;

/** Reasons for a GP consultation beyond the chronic list (ICPC-2). */
export const GP_ACUTE_REASONS: Coding[] = [
  { code: 'R74', text: 'Akutt øvre luftveisinfeksjon' },
  { code: 'L03', text: 'Symptomer/plager korsrygg' },
  { code: 'A97', text: 'Ingen sykdom' },
  { code: 'S18', text: 'Kutt/rift' },
  { code: 'D73', text: 'Gastroenteritt antatt infeksiøs' },
  { code: 'H71', text: 'Akutt mellomørebetennelse' },
  { code: 'A04', text: 'Slapphet/tretthet' },
  { code: 'N01', text: 'Hodepine' },
];

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
