import { z } from 'zod';
import allergyFile from './allergy-cross-reactivity.json';
import classesFile from './classes.json';
import interactionsFile from './interactions.json';
import norgepFile from './norgep.json';
import norgepNhFile from './norgep-nh.json';
import renalFile from './renal.json';

/**
 * The decision-support knowledge base as shipped (issue 17): small, cited extracts, each item naming its source
 * (with version) and whether it was checked against the published text (`verified`, as the code lists do). On the
 * machine that wrote them nothing could be checked (no internet): every item is `verified: false`, and the file
 * headers say what each was written from. Validated with zod when loaded, so a malformed file fails at start-up.
 */

const severity = z.enum(['HIGH', 'MODERATE', 'LOW']);
/** ATC prefixes (A, A02, A02BC, A02BC01) or @CLASS names of classes.json. */
const selector = z.array(z.string().regex(/^(@[A-Z0-9_]+|[A-Z](\d\d([A-Z]([A-Z](\d\d)?)?)?)?)$/)).min(1);

const sourceSchema = z.object({
  citation: z.string().min(10),
  version: z.string().min(1),
  url: z.string().url().nullable(),
  read: z.string().min(1),
});

const item = { source: z.string().min(1), verified: z.boolean() };

function file<T extends z.ZodTypeAny>(itemSchema: T, extra: z.ZodRawShape = {}) {
  return z.object({ name: z.string(), version: z.string().min(1), sources: z.record(z.string(), sourceSchema), notes: z.array(z.string()).min(1), items: z.array(itemSchema).min(1), ...extra });
}

export const classSchema = z.object({ id: z.string().regex(/^[A-Z0-9_]+$/), display: z.string(), atc: selector, except: selector.optional(), duplicationClass: z.boolean().optional(), ...item });

export const interactionSchema = z.object({
  id: z.string().regex(/^[A-Z0-9-]+$/),
  a: selector,
  b: selector,
  severity,
  effect: z.string(),
  mechanism: z.string(),
  action: z.string(),
  ...item,
});

export const crossReactivitySchema = z.object({
  id: z.string().regex(/^[A-Z0-9-]+$/),
  allergen: selector,
  textPatterns: z.array(z.string()),
  reactsWith: selector,
  severity,
  explanation: z.string(),
  action: z.string(),
  ...item,
});

export const renalBandSchema = z.object({
  id: z.string(),
  eGfrFrom: z.number().min(0),
  eGfrBelow: z.number().positive(),
  maxDailyDoseMg: z.number().positive().optional(),
  potassiumAbove: z.number().positive().optional(),
  severity,
  text: z.string(),
  action: z.string(),
});

export const renalSchema = z.object({ id: z.string().regex(/^[A-Z0-9_]+$/), drugs: selector, display: z.string(), bands: z.array(renalBandSchema).min(1), ...item });

const labCode = z.object({ system: z.string(), code: z.string(), display: z.string(), verified: z.boolean() });

export const criterionSchema = z.object({
  n: z.number().int().positive(),
  kind: z.enum(['SINGLE', 'COMBINATION', 'COUNT']),
  drugs: selector.optional(),
  groups: z.array(selector).min(2).optional(),
  min: z.number().int().min(2).optional(),
  maxDailyDoseMg: z.number().positive().optional(),
  regularOnly: z.boolean().optional(),
  inUseDays: z.number().int().positive().optional(),
  severity,
  text: z.string().max(300),
  action: z.string(),
  ...item,
}).refine((c) => (c.kind === 'COMBINATION' ? !!c.groups : !!c.drugs) && (c.kind !== 'COUNT' || c.min !== undefined), { message: 'a COMBINATION needs groups, SINGLE and COUNT need drugs, COUNT needs min' });

export const knowledgeSchemas = {
  classes: file(classSchema),
  interactions: file(interactionSchema),
  allergy: file(crossReactivitySchema),
  renal: file(renalSchema, { eGfrCodes: z.array(labCode), eGfrUnits: z.array(z.string()).min(1), creatinineCodes: z.array(labCode).min(1), potassiumCodes: z.array(labCode).min(1) }),
  norgep: file(criterionSchema),
  norgepNh: file(criterionSchema),
} as const;

export type KnowledgeKey = keyof typeof knowledgeSchemas;
export type DrugClass = z.infer<typeof classSchema>;
export type InteractionItem = z.infer<typeof interactionSchema>;
export type CrossReactivityItem = z.infer<typeof crossReactivitySchema>;
export type RenalItem = z.infer<typeof renalSchema>;
export type RenalBand = z.infer<typeof renalBandSchema>;
export type Criterion = z.infer<typeof criterionSchema>;
export type KnowledgeSource = z.infer<typeof sourceSchema>;

export interface KnowledgeFile<I> {
  name: string;
  version: string;
  sources: Record<string, KnowledgeSource>;
  notes: string[];
  items: I[];
}

export interface Knowledge {
  classes: KnowledgeFile<DrugClass>;
  interactions: KnowledgeFile<InteractionItem>;
  allergy: KnowledgeFile<CrossReactivityItem>;
  renal: KnowledgeFile<RenalItem> & { eGfrCodes: z.infer<typeof labCode>[]; eGfrUnits: string[]; creatinineCodes: z.infer<typeof labCode>[]; potassiumCodes: z.infer<typeof labCode>[] };
  norgep: KnowledgeFile<Criterion>;
  norgepNh: KnowledgeFile<Criterion>;
}

export const KNOWLEDGE_FILES: Record<KnowledgeKey, unknown> = {
  classes: classesFile,
  interactions: interactionsFile,
  allergy: allergyFile,
  renal: renalFile,
  norgep: norgepFile,
  norgepNh: norgepNhFile,
};

/** Validates raw files (as KNOWLEDGE_FILES holds them), and that every item's source and every @CLASS resolve. */
export function parseKnowledge(raw: Record<KnowledgeKey, unknown>): Knowledge {
  const k = {
    classes: knowledgeSchemas.classes.parse(raw.classes),
    interactions: knowledgeSchemas.interactions.parse(raw.interactions),
    allergy: knowledgeSchemas.allergy.parse(raw.allergy),
    renal: knowledgeSchemas.renal.parse(raw.renal),
    norgep: knowledgeSchemas.norgep.parse(raw.norgep),
    norgepNh: knowledgeSchemas.norgepNh.parse(raw.norgepNh),
  } as unknown as Knowledge;
  const classIds = new Set(k.classes.items.map((c) => c.id));
  for (const [key, f] of Object.entries(k) as [KnowledgeKey, KnowledgeFile<{ source: string }>][]) {
    for (const i of f.items) {
      if (!f.sources[i.source]) throw new Error(`codelists/cds ${key}: an item names source ${i.source}, which the file does not list`);
      for (const s of JSON.stringify(i).match(/"@[A-Z0-9_]+"/g) ?? []) {
        if (!classIds.has(s.slice(2, -1))) throw new Error(`codelists/cds ${key}: unknown class ${s}`);
      }
    }
  }
  return k;
}

let cached: Knowledge | undefined;

/** The shipped knowledge base, validated once. */
export function knowledge(): Knowledge {
  cached ??= parseKnowledge(KNOWLEDGE_FILES);
  return cached;
}

/** Whether an ATC code lies in a selector (ATC prefixes and @CLASS names). */
export function matches(k: Knowledge, atc: string | null, selectorList: readonly string[]): boolean {
  if (!atc) return false;
  const code = atc.trim().toUpperCase();
  return selectorList.some((s) => {
    if (!s.startsWith('@')) return code.startsWith(s);
    const cls = k.classes.items.find((c) => c.id === s.slice(1));
    return !!cls && cls.atc.some((p) => code.startsWith(p)) && !(cls.except ?? []).some((p) => code.startsWith(p));
  });
}
