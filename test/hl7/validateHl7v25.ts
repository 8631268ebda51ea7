/**
 * An HL7 v2.5 message-structure check for the test suite, driven by the v2.5 definitions of the npm package
 * `hl7-dictionary` (1.0.1, MIT): message structures with the cardinality of each segment and group, each
 * segment's fields and each data type's components with optionality, data type and table, and the HL7 tables'
 * values. No npm package here validates v2 conformance on its own (HAPI and the NIST tools are Java), so this
 * file is the engine and the dictionary the data. Each issue carries the table 0357 code it corresponds to.
 *
 * What it checks: segment order and cardinality (0357 code 100), required fields and components (101), the
 * primitive types DTM/TS, DT, TM, NM and SI (102), HL7-defined tables (ID, 103), coding systems in CE/CWE
 * against table 0396 (103), the version (203) and the character set (MSH-18 for anything beyond ASCII).
 *
 * Known limits of the dictionary, and what is done about them:
 * - Optionality is only R or "not R": C (conditional) and B (backward compatible) read as optional.
 * - Table values are one set merged over v2.1 to v2.7.1, not v2.5's. Where that matters here, the v2.5 values
 *   are given below (table 0516), from crs4/hl7apy `hl7apy/v2_5/tables.py`.
 * - User-defined tables (IS, and the tables of coded fields other than 0357) hold only HL7's suggested values,
 *   which a site may replace: they are not checked here; a profile that adopts them checks them itself (the
 *   Z01 profile below does for OBX-8).
 * - v2.5 models RSP_K11's query-specific segment pattern as the generic ROW_DEFINITION group (RDF/RDT), as
 *   NHapi's v2.5 model does; a query profile supplies its own with `segmentPattern`.
 */

/** One field or component as hl7-dictionary describes it. `opt` 2 is R (required), 1 optional, 3 conditional. */
interface ElementDefinition {
  datatype: string;
  desc: string;
  opt: number;
  table?: number | null;
}

/** A segment or a group in a message structure; `max` 0 is unbounded. */
export interface StructureElement {
  name: string;
  min: number;
  max: number;
  children?: readonly StructureElement[];
}

interface Hl7v25Definitions {
  segments: Record<string, { desc: string; fields: ElementDefinition[] } | undefined>;
  fields: Record<string, { subfields?: ElementDefinition[] } | undefined>;
  messages: Record<string, { segments: { segments: StructureElement[] } } | undefined>;
}

type Hl7Tables = Record<string, { desc: string; values: Record<string, string> } | undefined>;

// hl7-dictionary is CommonJS without types: loaded by path (the v2.5 part and the tables, under 1 ms) and typed
// by the interfaces above.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const V25 = require('hl7-dictionary/lib/2.5') as Hl7v25Definitions;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const TABLES = require('hl7-dictionary/lib/tables') as Hl7Tables;

/**
 * Table values where the dictionary's merged set is not v2.5's. Table 0516 (error severity) in v2.5 is E, I, W;
 * `F` (fatal) came later (hl7apy v2_5/tables.py 'HL70516'; HL7 v2.5 §2.15.5.4).
 */
const V25_TABLE_VALUES: Readonly<Record<number, readonly string[]>> = { 516: ['E', 'I', 'W'] };

/** A finding: the table 0357 code it corresponds to, severity as in table 0516 (E error, W warning). */
export interface Hl7Issue {
  code: 100 | 101 | 102 | 103 | 200 | 203 | 207;
  severity: 'E' | 'W';
  /** Where, as segment id, its position in the message and the field: `OBX[7]-8`, `MSH-18`. */
  location: string;
  text: string;
}

export interface Hl7CheckOptions {
  /** Groups of the v2.5 structure replaced by a query profile's own, by name (RSP_K11's `ROW_DEFINITION`). */
  segmentPattern?: Readonly<Record<string, StructureElement>>;
}

/** The segments of an ER7 message: split on CR (the v2.5 segment terminator), then on the field separator. */
export interface ParsedMessage {
  segments: string[][];
  separators: { field: string; component: string; repetition: string; subcomponent: string };
}

export function parseEr7(text: string): ParsedMessage | null {
  if (!text.startsWith('MSH') || text.length < 8) return null;
  const [field, component, repetition, , subcomponent] = [...text.slice(3, 8)] as [string, string, string, string, string];
  const segments = text.split('\r').filter((line) => line.length > 0).map((line) => line.split(field));
  return { segments, separators: { field, component, repetition, subcomponent } };
}

/** Field `n` of a segment ('' when absent). MSH-1 is the field separator itself, so MSH's fields sit one place lower. */
export function fieldOf(message: ParsedMessage, segment: readonly string[], n: number): string {
  if (segment[0] === 'MSH') return n === 1 ? message.separators.field : (segment[n - 1] ?? '');
  return segment[n] ?? '';
}

const PRIMITIVE_FORMATS: Readonly<Record<string, RegExp>> = {
  // DTM: YYYY[MM[DD[HH[MM[SS[.S[S[S[S]]]]]]]]][+/-ZZZZ] (v2.5 §2.A.22).
  DTM: /^\d{4}((0[1-9]|1[0-2])((0[1-9]|[12]\d|3[01])(([01]\d|2[0-3])([0-5]\d([0-5]\d(\.\d{1,4})?)?)?)?)?)?([+-](0\d|1[0-4])[0-5]\d)?$/,
  DT: /^\d{4}((0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])?)?$/,
  TM: /^([01]\d|2[0-3])([0-5]\d([0-5]\d(\.\d{1,4})?)?)?([+-](0\d|1[0-4])[0-5]\d)?$/,
  NM: /^[+-]?(\d+(\.\d*)?|\.\d+)$/,
  SI: /^\d{1,4}$/,
};

function tableValues(table: number): readonly string[] | null {
  const override = V25_TABLE_VALUES[table];
  if (override) return override;
  const values = Object.keys(TABLES[String(table)]?.values ?? {});
  return values.length > 0 ? values : null;
}

/**
 * Table 0396 (coding system), with its v2.5 patterns that the dictionary lists as single rows: `99zzz` or `L`
 * for a local system and `HL7nnnn` for HL7 table nnnn ("99zzz or L: Local general code (where z is an
 * alphanumeric character)", hl7.eu v2.5 table 0396; hl7apy v2_5/tables.py 'HL70396').
 */
function isCodingSystem(value: string): boolean {
  return value === 'L' || /^99[A-Za-z0-9]{1,3}$/.test(value) || /^HL7\d{4}$/.test(value) || (tableValues(396)?.includes(value) ?? false);
}

/** Checks one value against its data type: a primitive's format, an ID's table, then a composite's components. */
function checkValue(definition: ElementDefinition, value: string, location: string, depth: number, message: ParsedMessage, issues: Hl7Issue[]): void {
  if (value === '' || value === '""') return;
  const type = definition.datatype;
  const format = PRIMITIVE_FORMATS[type];
  if (format && !format.test(value)) issues.push({ code: 102, severity: 'E', location, text: `${definition.desc}: "${value}" is not a valid ${type}` });
  if (type === 'ID' && definition.table) {
    const allowed = definition.table === 396 ? isCodingSystem(value) : (tableValues(definition.table)?.includes(value) ?? true);
    if (!allowed) issues.push({ code: 103, severity: 'E', location, text: `${definition.desc}: "${value}" is not in HL7 table ${String(definition.table).padStart(4, '0')}` });
  }
  const parts = V25.fields[type]?.subfields ?? [];
  if (parts.length === 0 || depth >= 2) return;
  const { component, subcomponent } = message.separators;
  const values = value.split(depth === 0 ? component : subcomponent);
  parts.forEach((part, i) => {
    const partValue = values[i] ?? '';
    const where = `${location}.${i + 1}`;
    if (part.opt === 2 && partValue === '') issues.push({ code: 101, severity: 'E', location: where, text: `${definition.desc}: required component ${part.desc} is missing` });
    // Table 0357 on a coded field (ERR-3, MSA-6) binds its first component, the code. Only that one: other
    // coded fields name user-defined tables, whose values a site chooses.
    const bound = i === 0 && definition.table === 357 ? { ...part, datatype: 'ID', table: 357 } : part;
    checkValue(bound, partValue, where, depth + 1, message, issues);
  });
}

/** Greedy LL(1) match of the segment ids against a structure: the first segments of each element decide. */
function firstSegments(element: StructureElement): Set<string> {
  if (!element.children) return new Set([element.name]);
  const out = new Set<string>();
  for (const child of element.children) {
    for (const id of firstSegments(child)) out.add(id);
    if (child.min >= 1) break;
  }
  return out;
}

function matchStructure(elements: readonly StructureElement[], ids: readonly string[], start: number, path: string, issues: Hl7Issue[]): number {
  let position = start;
  for (const element of elements) {
    const max = element.max === 0 ? Infinity : element.max;
    let count = 0;
    while (count < max && position < ids.length) {
      const id = ids[position] ?? '';
      if (!element.children) {
        if (id !== element.name) break;
        position += 1;
      } else {
        if (!firstSegments(element).has(id)) break;
        const before = position;
        position = matchStructure(element.children, ids, position, `${path}.${element.name}`, issues);
        if (position === before) break;
      }
      count += 1;
    }
    if (count < element.min) {
      const found = ids[position] ? `${ids[position]} at segment ${position + 1}` : 'the end of the message';
      issues.push({ code: 100, severity: 'E', location: path, text: `required ${element.children ? 'group' : 'segment'} ${element.name} is missing (found ${found})` });
    }
  }
  return position;
}

/** Checks an ER7 message (segments separated by CR) against HL7 v2.5. An empty list means no finding. */
export function validateHl7v25(text: string, options: Hl7CheckOptions = {}): Hl7Issue[] {
  const message = parseEr7(text);
  if (!message) return [{ code: 100, severity: 'E', location: 'MSH', text: 'the message does not start with an MSH segment' }];
  const issues: Hl7Issue[] = [];
  if (text.includes('\n')) issues.push({ code: 100, severity: 'E', location: 'message', text: 'a line feed: v2 segments end with CR only' });
  const msh = message.segments[0] ?? [];
  const version = fieldOf(message, msh, 12).split(message.separators.component)[0];
  if (version !== '2.5') issues.push({ code: 203, severity: 'E', location: 'MSH-12', text: `version "${version}" is not 2.5` });

  // The structure: MSH-9.3, or for a message without it, the general acknowledgment or type_event.
  const [type = '', event = '', named] = fieldOf(message, msh, 9).split(message.separators.component);
  const structureId = named || (type === 'ACK' ? 'ACK' : `${type}_${event}`);
  const structure = V25.messages[structureId];
  if (!structure) return [...issues, { code: 200, severity: 'E', location: 'MSH-9', text: `v2.5 has no message structure ${structureId}` }];
  const elements = structure.segments.segments.map((element) => options.segmentPattern?.[element.name] ?? element);
  const ids = message.segments.map((segment) => segment[0] ?? '');
  const end = matchStructure(elements, ids, 0, structureId, issues);
  if (end < ids.length) issues.push({ code: 100, severity: 'E', location: `${ids[end]}[${end + 1}]`, text: `segment ${ids[end]} is not expected here in ${structureId}` });

  message.segments.forEach((segment, index) => {
    const id = segment[0] ?? '';
    const definition = V25.segments[id];
    if (!definition) {
      issues.push({ code: 100, severity: 'E', location: `${id}[${index + 1}]`, text: `v2.5 has no segment ${id}` });
      return;
    }
    const fieldCount = id === 'MSH' ? segment.length : segment.length - 1;
    if (fieldCount > definition.fields.length) issues.push({ code: 100, severity: 'W', location: `${id}[${index + 1}]`, text: `${fieldCount} fields; v2.5 defines ${definition.fields.length}` });
    definition.fields.forEach((field, k) => {
      const n = k + 1;
      const location = `${id}[${index + 1}]-${n}`;
      const value = fieldOf(message, segment, n);
      if (field.opt === 2 && value === '') issues.push({ code: 101, severity: 'E', location, text: `required field ${field.desc} is missing` });
      // MSH-1 and MSH-2 are the separators themselves.
      if (id === 'MSH' && n <= 2) return;
      // OBX-5's type is OBX-2; QPD-3's is the query profile's, not checked here.
      const datatype = field.datatype === 'VARIES' ? (id === 'OBX' && n === 5 ? fieldOf(message, segment, 2) : '') : field.datatype;
      for (const repetition of value.split(message.separators.repetition)) checkValue({ ...field, datatype }, repetition, location, 0, message, issues);
    });
  });

  // MSH-18 (table 0211): empty means ASCII ("This is the default if this field is omitted", HL7 table 0211), so
  // a message with any other character must name its character set.
  if (/[^\x20-\x7e\r]/.test(text) && fieldOf(message, msh, 18) === '') {
    issues.push({ code: 103, severity: 'E', location: 'MSH-18', text: 'characters outside printable ASCII, but MSH-18 (character set) is empty, which means ASCII' });
  }
  return issues;
}

/**
 * The laboratory's Z01 query profile ("Laboratoriesvar for pasient", QBP^Q11 answered RSP^K11): its segment
 * pattern in RSP_K11, where v2.5 has the generic ROW_DEFINITION group: at most one patient, under it any number
 * of orders, each ORC, OBR and one or more OBX.
 */
export const Z01_SEGMENT_PATTERN: Readonly<Record<string, StructureElement>> = {
  ROW_DEFINITION: {
    name: 'PATIENT',
    min: 0,
    max: 1,
    children: [
      { name: 'PID', min: 1, max: 1 },
      {
        name: 'ORDER',
        min: 0,
        max: 0,
        children: [
          { name: 'ORC', min: 1, max: 1 },
          { name: 'OBR', min: 1, max: 1 },
          { name: 'OBX', min: 1, max: 0 },
        ],
      },
    ],
  },
};

/** Table 0078's suggested values (v2.5), which the Z01 profile adopts; N, A and AA apply to non-numeric results only. */
const ABNORMAL_FLAGS = Object.keys(TABLES['78']?.values ?? {}).filter((flag) => flag !== 'null');
const NON_NUMERIC_FLAGS = new Set(['N', 'A', 'AA']);

/** Rules of the Z01 profile that v2.5's definitions cannot express. */
export function z01ProfileIssues(text: string): Hl7Issue[] {
  const message = parseEr7(text);
  if (!message) return [];
  const issues: Hl7Issue[] = [];
  const { component, repetition } = message.separators;
  const first = (id: string) => message.segments.find((segment) => segment[0] === id);
  const at = (id: string, n: number) => {
    const segment = first(id);
    return segment ? fieldOf(message, segment, n) : '';
  };
  // Original acknowledgment mode, a synchronous query and answer over MLLP: with MSH-15 or MSH-16 valued the
  // sender asks for enhanced mode, where an accept acknowledgment (CA) comes before the RSP (HL7 v2.5 chapter 2,
  // enhanced acknowledgment mode; the acknowledgment table of QBP_Q11 in chapter 5) and would be taken for the
  // answer.
  if (at('MSH', 15) !== '' || at('MSH', 16) !== '') {
    issues.push({ code: 103, severity: 'E', location: 'MSH-15/16', text: `MSH-15 "${at('MSH', 15)}", MSH-16 "${at('MSH', 16)}": the profile uses original mode, both empty` });
  }
  message.segments.forEach((segment, index) => {
    if (segment[0] === 'OBX') {
      const numeric = fieldOf(message, segment, 2) === 'NM';
      for (const flag of fieldOf(message, segment, 8).split(repetition).filter(Boolean)) {
        if (!ABNORMAL_FLAGS.includes(flag)) issues.push({ code: 103, severity: 'E', location: `OBX[${index + 1}]-8`, text: `abnormal flag "${flag}" is not in table 0078` });
        if (numeric && NON_NUMERIC_FLAGS.has(flag)) {
          issues.push({ code: 103, severity: 'E', location: `OBX[${index + 1}]-8`, text: `abnormal flag "${flag}" applies to non-numeric results (table 0078); a number within its interval has none` });
        }
      }
    }
    // ERR-3 names its table: the code is HL7's, table 0357 ("HL7nnnn", table 0396).
    if (segment[0] === 'ERR' && fieldOf(message, segment, 3).split(component)[2] !== 'HL70357') {
      issues.push({ code: 103, severity: 'E', location: `ERR[${index + 1}]-3.3`, text: 'ERR-3 must name its coding system HL70357' });
    }
  });
  if (at('MSH', 9).split(component)[0] !== 'RSP') return issues;
  // The answer acknowledges the query: QAK-1 echoes its tag (QPD-2), and QAK-2 agrees with MSA-1. A refusal
  // (AE, AR) says why in ERR and repeats its status in QAK-2 (IHE's PDQ/PIX practice: MSA AE goes with QAK AE
  // or AR, never NF); an accepted query has no error, and QAK-2 OK exactly when a patient follows.
  if (at('QAK', 1) !== at('QPD', 2)) issues.push({ code: 103, severity: 'E', location: 'QAK-1', text: 'QAK-1 does not echo the query tag in QPD-2' });
  const ack = at('MSA', 1);
  const status = at('QAK', 2);
  const hasError = first('ERR') !== undefined;
  const hasPatient = first('PID') !== undefined;
  if (ack === 'AE' || ack === 'AR') {
    if (!hasError) issues.push({ code: 101, severity: 'E', location: 'ERR', text: `MSA-1 ${ack} without an ERR segment saying why` });
    if (status !== ack) issues.push({ code: 103, severity: 'E', location: 'QAK-2', text: `QAK-2 "${status}" with MSA-1 ${ack}` });
    if (hasPatient) issues.push({ code: 100, severity: 'E', location: 'PID', text: `a patient in a refusal (MSA-1 ${ack})` });
  } else {
    if (hasError) issues.push({ code: 100, severity: 'E', location: 'ERR', text: `an ERR segment with MSA-1 ${ack}` });
    if (status !== (hasPatient ? 'OK' : 'NF')) issues.push({ code: 103, severity: 'E', location: 'QAK-2', text: `QAK-2 "${status}" ${hasPatient ? 'with' : 'without'} a patient` });
  }
  return issues;
}

/** A Z01 message (the query, its answer, or the general acknowledgment) against v2.5 and the Z01 profile. */
export function checkZ01Message(text: string): Hl7Issue[] {
  return [...validateHl7v25(text, { segmentPattern: Z01_SEGMENT_PATTERN }), ...z01ProfileIssues(text)];
}
