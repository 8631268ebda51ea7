import { parseXml } from '../adapters/kit';
import { loadOrganisations } from '../lib/config';
import { tjenestemottaker } from '../simulators/care-json/tjenestemottaker';
import { buildJournalRequest, buildMessageCall, buildReceipts as buildGpReceipts } from '../adapters/gp-kith/request';
import { buildMessage as buildPloMessage, buildReceipts as buildPloReceipts, buildRequest as buildPloRequest } from '../adapters/care-plo/request';
import type { OutgoingMessage } from '../adapters/contracts';
import { messageAppRec } from '../simulators/kit/appRec';
import { buildXml as buildSimulatorXml } from '../simulators/kit/xml';
import { APPREC_ERRORS, ReceiptLedger, type AppRecError } from '../adapters/kit/appRec';
import { journalResponse } from '../simulators/gp-kith/journal';
import { meldingListe } from '../simulators/care-plo/messages';
import type { Foresporsel } from '../simulators/kit/dialogRequest';
import { pasientBlock } from '../simulators/care-plo/helseopplysninger';
import { includedResources, patientResource } from '../simulators/hospital-fhir/resources';
import { communicationResource, deviceResource, deviceUseStatementResource, observationResource, patientReference } from '../simulators/welfare-fhir/resources';
import { welfareWorld } from '../simulators/population/welfare';
import { getPopulation } from '../simulators/population';
import { hprPerson } from '../simulators/practitioner-register';
import { criticalInformation, dispensedMedication, kjPatientReference } from '../simulators/summary-record/projection';
import { checkCoding, CODE_LISTS, type CodeEntry, KITH_LIST_USE, listForSystem, LOCAL_LISTS } from './index';
import atcFile from './atc.json';
import hprFile from './hpr.json';
import icd10File from './icd10-no.json';
import icpc2File from './icpc2-no.json';
import kithDialogFile from './kith-dialog.json';
import localFile from './local.json';
import loincFile from './loinc.json';
import municipalityFile from './municipality-3402.json';
import nlkFile from './nlk.json';
import volvenFile from './volven-9151.json';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- ucum-lhc ships CommonJS without types
const ucum = require('@lhncbc/ucum-lhc') as { UcumLhcUtils: { getInstance(): { validateUnitString(unit: string, suggest?: boolean): { status: string } } } };

/**
 * Every code the synthetic population holds and every code the simulators put on the wire must be in one of
 * the code-list extracts in codelists/, with the list's display text. A wrong code, a category that cannot be
 * recorded, a display text that is not the official one or a unit that is not UCUM fails here.
 */

const population = getPopulation();
const orgs = loadOrganisations();
const utils = ucum.UcumLhcUtils.getInstance();

/**
 * Code systems of the message envelope and of FHIR's own terminology, checked by the structural validation of
 * those messages (the KITH/PLO schemas and the FHIR R4 validator), not by a clinical code list.
 */
const STRUCTURAL_SYSTEMS = new Set([
  '2.16.578.1.12.4.1.1.8279', // KITH message type
  '2.16.578.1.12.4.1.1.9051', // organisation identifier type
  '2.16.578.1.12.4.1.1.8116', // person identifier type
]);
const isStructural = (system: string) => STRUCTURAL_SYSTEMS.has(system.replace(/^urn:oid:/, '')) || system.startsWith('http://terminology.hl7.org/');

interface Emitted {
  where: string;
  system: string;
  code: string;
  display: string | null;
}

/**
 * Walks a message (as built objects): KITH V/S/DN codes, in attributes or elements; the HPR register's `Kode`
 * contract (Verdi, OID as the list's number under 2.16.578.1.12.4.1.1, Beskrivelse); and FHIR codings.
 */
function collect(node: unknown, where: string, out: Emitted[]): Emitted[] {
  if (Array.isArray(node)) {
    for (const item of node) collect(item, where, out);
    return out;
  }
  if (!node || typeof node !== 'object') return out;
  const obj = node as Record<string, unknown>;
  const field = (name: string) => {
    const key = Object.keys(obj).find((k) => k.replace(/^@_/, '').replace(/^[\w-]+:/, '') === name);
    return key === undefined ? undefined : obj[key];
  };
  const v = field('V');
  const s = field('S');
  if (typeof v === 'string' && typeof s === 'string') {
    const dn = field('DN');
    out.push({ where, system: s, code: v, display: typeof dn === 'string' ? dn : null });
  }
  const verdi = field('Verdi');
  const oid = field('OID');
  if (typeof verdi === 'string' && typeof oid === 'string') {
    const text = field('Beskrivelse');
    out.push({ where, system: /^\d+$/.test(oid) ? `2.16.578.1.12.4.1.1.${oid}` : oid, code: verdi, display: typeof text === 'string' ? text : null });
  }
  if (typeof obj.system === 'string' && typeof obj.code === 'string' && !obj.system.startsWith('urn:oid:2.16.578.1.12.4.1.4.')) {
    out.push({ where, system: obj.system, code: obj.code, display: typeof obj.display === 'string' ? obj.display : null });
  }
  for (const value of Object.values(obj)) collect(value, where, out);
  return out;
}

function problems(emitted: readonly Emitted[]): string[] {
  const seen = new Set<string>();
  const found: string[] = [];
  for (const e of emitted) {
    if (isStructural(e.system)) continue;
    const problem = checkCoding(e.system, e.code, e.display);
    const line = problem && `${e.where}: ${problem}`;
    if (line && !seen.has(line)) {
      seen.add(line);
      found.push(line);
    }
  }
  return found;
}

/** A KITH code as a message carried it, with the namespace of the standard it was carried in. */
interface KithEmitted extends Emitted {
  namespace: string;
}

/** The attributes of an XML start tag, by name. */
const attributesOf = (tag: string) => Object.fromEntries([...tag.matchAll(/([\w:.-]+)="([^"]*)"/g)].map((a) => [a[1], a[2]]));

/**
 * Every coded value (V with S) inside each Dialogmelding of a KITH message, read from its text, with the namespace
 * its Dialogmelding declares: the namespace says which version of the standard, and so which lists, the codes must
 * come from (codelists/kith-dialog.json `usedIn`).
 */
function dialogCodes(xml: string, where: string): KithEmitted[] {
  const out: KithEmitted[] = [];
  for (const block of xml.matchAll(/<(?:([\w-]+):)?Dialogmelding\b([^>]*)>([\s\S]*?)<\/(?:[\w-]+:)?Dialogmelding>/g)) {
    const attributes = attributesOf(block[2] ?? '');
    const namespace = attributes[block[1] ? `xmlns:${block[1]}` : 'xmlns'] ?? '(none)';
    for (const element of (block[3] ?? '').matchAll(/<(?:[\w-]+:)?([^\s/>]+)(\s[^>]*?)\/?>/g)) {
      const a = attributesOf(element[2] ?? '');
      if (a.V !== undefined && a.S !== undefined) out.push({ where: `${where} ${element[1]}`, namespace, system: a.S, code: a.V, display: a.DN ?? null });
    }
  }
  return out;
}

/** What is wrong with KITH codes: not in their list, not the list's text, or a list of another version of the standard. */
function kithProblems(emitted: readonly KithEmitted[]): string[] {
  const found = new Set<string>();
  for (const e of emitted) {
    const problem = checkCoding(e.system, e.code, e.display);
    if (problem) found.add(`${e.where}: ${problem}`);
    const uses = KITH_LIST_USE.get(e.system.replace(/^urn:oid:/, '')) ?? [];
    if (!uses.some((u) => u.namespace === e.namespace)) found.add(`${e.where}: list ${e.system} is not one of ${e.namespace} (${uses.map((u) => u.standard).join(', ') || 'no KITH use known'})`);
  }
  return [...found];
}

/**
 * The codes of each application receipt (AppRec 1.0) in a message, with its namespace (declared on the AppRec or, by
 * its prefix, anywhere in the document): MsgType and OriginalMsgId/MsgType (Volven 8279; the latter's text is the
 * acknowledged message's own, not checked), Status (8258) and Error (its S, 8221). Status and MsgType are CS, without S.
 */
function appRecCodes(xml: string, where: string): KithEmitted[] {
  const out: KithEmitted[] = [];
  for (const block of xml.matchAll(/<(?:([\w-]+):)?AppRec\b([^>]*)>([\s\S]*?)<\/(?:[\w-]+:)?AppRec>/g)) {
    const own = attributesOf(block[2] ?? '')[block[1] ? `xmlns:${block[1]}` : 'xmlns'];
    const namespace = own ?? new RegExp(`xmlns:${block[1]}="([^"]+)"`).exec(xml)?.[1] ?? '(none)';
    const body = block[3] ?? '';
    const cs = (element: string, system: string, from = body) => {
      const tag = new RegExp(`<(?:[\\w-]+:)?${element}\\b([^>]*)\\/?>`).exec(from);
      const a = attributesOf(tag?.[1] ?? '');
      if (a.V !== undefined) out.push({ where: `${where} ${element}`, namespace, system, code: a.V, display: a.DN ?? null });
    };
    const [head, original] = body.split(/<(?:[\w-]+:)?OriginalMsgId>/) as [string, string | undefined];
    cs('MsgType', '2.16.578.1.12.4.1.1.8279', head);
    cs('Status', '2.16.578.1.12.4.1.1.8258', head);
    for (const e of head.matchAll(/<(?:[\w-]+:)?Error\b([^>]*)\/?>/g)) {
      const a = attributesOf(e[1] ?? '');
      out.push({ where: `${where} Error`, namespace, system: a.S ?? '(no list)', code: a.V ?? '', display: a.DN ?? null });
    }
    const echoed = /<(?:[\w-]+:)?MsgType\b([^>]*)\/?>/.exec(original ?? '');
    out.push({ where: `${where} OriginalMsgId/MsgType`, namespace, system: '2.16.578.1.12.4.1.1.8279', code: attributesOf(echoed?.[1] ?? '').V ?? '', display: null });
  }
  return out;
}

/** A request as the KITH simulators read it (simulators/kit/dialogRequest.ts), coded as the adapters send it. */
const KITH_REQUEST: Omit<Foresporsel, 'receiverHerId' | 'nin' | 'msgId'> = {
  senderHerId: '90001',
  senderName: 'Patient graph',
  kind: 'FNR',
  question: 'Journaluttrekk',
  type: { V: '2', S: '2.16.578.1.12.4.1.1.9065', DN: 'Spørsmål om å få overført en eller flere kategorier opplysninger i journalen' },
  purpose: { V: '2', S: '2.16.578.1.12.4.1.1.9068', DN: 'Helsehjelp til pasient som har journal' },
  reason: null,
};

describe('the code-list extracts', () => {
  const files = { atcFile, icd10File, icpc2File, loincFile, municipalityFile, nlkFile, volvenFile };

  it('name their source, version and the date they were read, and hold unique codes', () => {
    for (const [name, file] of Object.entries(files)) {
      expect([name, file.source.url]).toEqual([name, expect.stringMatching(/^https:\/\//)]);
      expect([name, file.source.retrieved]).toEqual([name, expect.stringMatching(/^\d{4}-\d{2}-\d{2}/)]);
      expect([name, file.version]).toEqual([name, expect.any(String)]);
      const codes = file.entries.map((e: { code: string }) => e.code);
      expect([name, new Set(codes).size]).toEqual([name, codes.length]);
    }
    for (const l of hprFile.lists) expect(l.source.retrieved).toMatch(/^\d{4}-\d{2}-\d{2}/);
  });

  it('hold only recordable ICD-10 codes, written without a dot', () => {
    const categories = ['E11', 'I50', 'I48', 'I20', 'J44', 'J45', 'F32', 'M17', 'G43', 'E03', 'G47', 'K21', 'J18', 'S72', 'I21', 'I63'];
    for (const e of CODE_LISTS.icd10.entries) {
      expect(e.code).toMatch(/^[A-Z]\d{2}[0-9a-z]{0,3}$/);
      expect(categories).not.toContain(e.code);
    }
  });

  it('give every laboratory analysis a valid UCUM unit and a reference interval (an INR target is not one)', () => {
    for (const e of nlkFile.entries) {
      expect([e.code, utils.validateUnitString(e.unit).status]).toEqual([e.code, 'valid']);
      expect(e.referenceLow).toBeLessThan(e.referenceHigh);
    }
    expect(utils.validateUnitString('mIU/L').status).toBe('invalid');
    const inr = nlkFile.entries.find((e) => e.shortName === 'INR');
    expect(inr?.referenceHigh).toBeLessThanOrEqual(1.5);
  });

  it('keep made-up codes in local.json only, under this project’s own URNs, never under the Norwegian OID arc', () => {
    for (const l of LOCAL_LISTS) {
      expect(l.system).toMatch(/^urn:x-patient-graph:codesystem:/);
      expect(l.entries.length).toBeGreaterThan(0);
    }
    for (const l of localFile.lists) expect(l.why.length).toBeGreaterThan(20);
    const official = Object.values(CODE_LISTS).map((l) => l.system);
    expect(official.every((s) => !s.startsWith('urn:x-patient-graph'))).toBe(true);
  });

  it('flag every code they could not verify, and list those in one place', () => {
    const flagged = [...Object.values(CODE_LISTS), ...LOCAL_LISTS].flatMap((l) =>
      (l.entries as (CodeEntry & { verified?: boolean })[]).filter((e) => e.verified === false).map((e) => `${l.system} ${e.code}`),
    );
    expect(flagged.length).toBeGreaterThan(0);
    // local.json's `unverified` names each list that has flagged entries.
    for (const f of flagged) {
      const list = listForSystem(f.split(' ')[0] as string);
      const oid = list?.oid?.split('.').pop() ?? '';
      expect(localFile.unverified.some((u) => u.includes(f.split(' ')[1] as string) || u.includes(oid))).toBe(true);
    }
  });
});

describe('the synthetic population', () => {
  it('codes every diagnosis, reason and problem with a code of its list and that list’s display text', () => {
    const emitted: Emitted[] = [];
    const icpc2 = CODE_LISTS.icpc2.system;
    const icd10 = CODE_LISTS.icd10.system;
    for (const p of population.persons) {
      for (const c of p.gpRecord?.consultations ?? []) {
        emitted.push({ where: `${p.nin} consultation`, system: icpc2, code: c.reason.code, display: c.reason.text });
        for (const d of c.diagnoses) emitted.push({ where: `${p.nin} consultation`, system: icpc2, code: d.code, display: d.text });
      }
      for (const pr of p.gpRecord?.problems ?? []) emitted.push({ where: `${p.nin} problem`, system: icpc2, code: pr.code, display: pr.text });
      for (const r of p.gpRecord?.referrals ?? []) emitted.push({ where: `${p.nin} referral`, system: icpc2, code: r.reason.code, display: r.reason.text });
      for (const h of p.hospitalRecords) {
        for (const e of h.episodes) for (const d of e.diagnoses) emitted.push({ where: `${p.nin} episode`, system: icd10, code: d.code, display: d.text });
      }
    }
    expect(emitted.length).toBeGreaterThan(1000);
    expect(problems(emitted)).toEqual([]);
  });

  it('codes every medicine with ATC and the list’s Norwegian name, in every system’s record of it', () => {
    const emitted: Emitted[] = [];
    const atc = CODE_LISTS.atc.system;
    for (const p of population.persons) {
      const uses = [
        ...(p.gpRecord?.prescriptions ?? []),
        ...p.hospitalRecords.flatMap((h) => h.medications),
        ...(p.careRecord?.medications ?? []),
        ...(p.careRecord?.administrations ?? []),
        ...p.summaryRecord.dispensations,
      ];
      for (const m of uses) emitted.push({ where: `${p.nin} medicine`, system: atc, code: m.atc, display: m.name });
      for (const ci of p.summaryRecord.criticalInfo) if (ci.atc) emitted.push({ where: `${p.nin} critical information`, system: atc, code: ci.atc, display: null });
    }
    expect(problems(emitted)).toEqual([]);
  });

  it('codes every laboratory result with NLK, the list’s unit (UCUM) and its reference interval', () => {
    const wrong: string[] = [];
    let count = 0;
    for (const p of population.persons) {
      for (const lab of p.hospitalRecords.flatMap((h) => h.labs)) {
        count += 1;
        const e = CODE_LISTS.nlk.entries.find((x) => x.code === lab.code);
        // The interval of the patient's sex where the list gives one per sex.
        const [low, high] = e?.referenceBySex?.[p.sex] ?? [e?.referenceLow, e?.referenceHigh];
        if (!e) wrong.push(`${lab.code} is not in NLK`);
        else if (lab.text !== e.shortName || lab.unit !== e.unit || lab.low !== low || lab.high !== high) {
          wrong.push(`${lab.code}: ${lab.text} ${lab.unit} ${lab.low}-${lab.high}, the list says ${e.shortName} ${e.unit} ${low}-${high}`);
        }
      }
    }
    expect(count).toBeGreaterThan(100);
    expect([...new Set(wrong)]).toEqual([]);
  });

  it('gives practitioners HPR categories and specialities of the lists, and people municipalities of 3402', () => {
    const emitted: Emitted[] = [];
    for (const pr of population.practitioners) {
      emitted.push({ where: `HPR ${pr.hprNumber}`, system: CODE_LISTS.hprCategory.system, code: pr.profession, display: null });
      if (pr.speciality) {
        const found = CODE_LISTS.hprSpeciality.entries.find((e) => e.display === pr.speciality);
        expect([pr.speciality, found?.display]).toEqual([pr.speciality, pr.speciality]);
      }
    }
    for (const m of orgs.municipalities) emitted.push({ where: 'organisations.json', system: CODE_LISTS.municipality.system, code: m.number, display: m.name });
    expect(problems(emitted)).toEqual([]);
  });
});

describe('what the simulators emit', () => {
  const practitioners = new Map(population.practitioners.map((p) => [p.hprNumber, p]));
  const hospitals = new Map(orgs.hospitals.map((h) => [h.orgNumber, h]));
  const municipalityName = (n: string) => orgs.municipalities.find((m) => m.number === n)?.name ?? n;

  it('the hospitals’ FHIR resources carry only listed codes with their displays (ICD-10, ATC, NLK, UCUM, LOINC)', () => {
    const emitted: Emitted[] = [];
    for (const p of population.persons) {
      for (const record of p.hospitalRecords) {
        const hospital = hospitals.get(record.orgNumber);
        if (!hospital) continue;
        const ctx = { hospital: { orgNumber: hospital.orgNumber, name: hospital.name }, practitioners };
        collect(patientResource(p, record, ctx), `${p.nin} Patient`, emitted);
        for (const [type, resources] of Object.entries(includedResources(record, ctx))) collect(resources, `${p.nin} ${type}`, emitted);
      }
    }
    // UCUM units are validated as units, not looked up in a list.
    const units = emitted.filter((e) => e.system === 'http://unitsofmeasure.org');
    for (const u of new Set(units.map((x) => x.code))) expect([u, utils.validateUnitString(u).status]).toEqual([u, 'valid']);
    const coded = emitted.filter((e) => e.system !== 'http://unitsofmeasure.org');
    expect(new Set(coded.map((e) => e.system))).toEqual(expect.objectContaining(new Set([CODE_LISTS.icd10.system, CODE_LISTS.atc.system, CODE_LISTS.nlk.system, CODE_LISTS.loinc.system])));
    expect(problems(coded)).toEqual([]);
  });

  it('the welfare technology hub’s FHIR resources carry only listed codes with their displays (LOINC, NPU, UCUM, the local device and event lists)', () => {
    const emitted: Emitted[] = [];
    for (const p of population.persons) {
      const world = welfareWorld(p, { municipalityName: 'Bergen' });
      const patient = patientReference(p);
      collect(world.measurements.map((m) => observationResource(m, patient, world.thresholds)), `${p.nin} Observation`, emitted);
      collect(world.events.map((e) => communicationResource(e, patient, null)), `${p.nin} Communication`, emitted);
      collect(world.devices.flatMap((d) => [deviceResource(d, patient), deviceUseStatementResource(d, patient)]), `${p.nin} Device`, emitted);
    }
    const units = emitted.filter((e) => e.system === 'http://unitsofmeasure.org');
    for (const u of new Set(units.map((x) => x.code))) expect([u, utils.validateUnitString(u).status]).toEqual([u, 'valid']);
    const coded = emitted.filter((e) => e.system !== 'http://unitsofmeasure.org');
    expect(new Set(coded.map((e) => e.system))).toEqual(expect.objectContaining(new Set([CODE_LISTS.loinc.system, CODE_LISTS.npu.system])));
    expect(problems(coded)).toEqual([]);
  });

  it('the GP systems’ journal extracts (both dialects) carry ICPC-2 and ATC codes of the lists, with their texts', () => {
    const emitted: Emitted[] = [];
    for (const [i, p] of population.persons.filter((x) => x.gpRecord).entries()) {
      const record = p.gpRecord;
      if (!record) continue;
      const dialect = i % 2 === 0 ? 'soap11' : 'soap12';
      const office = orgs.gpOffices.find((o) => o.herId === record.officeHerId);
      if (!office) continue;
      const request = { ...KITH_REQUEST, msgId: `req-${i}`, receiverHerId: office.herId, nin: p.nin };
      const xml = journalResponse(dialect, [{ office, request, found: { person: p, record } }]);
      collect(parseXml(xml, []), `${p.nin} GP journal`, emitted);
    }
    // The journal's clinical codes; the envelope's own code lists are checked by the KITH schema validation.
    const clinical = emitted.filter((e) => [CODE_LISTS.icpc2.oid, CODE_LISTS.atc.oid].includes(e.system.replace(/^urn:oid:/, '')));
    expect(new Set(clinical.map((e) => e.system))).toEqual(new Set([CODE_LISTS.icpc2.oid, CODE_LISTS.atc.oid]));
    expect(problems(clinical)).toEqual([]);
  });

  it('the PLO care system’s messages carry Volven 9151 services and, for the rest, only the local lists', () => {
    const emitted: Emitted[] = [];
    for (const p of population.persons) {
      if (p.careRecord) collect(pasientBlock(p, p.careRecord, municipalityName(p.careRecord.municipality)), `${p.nin} PLO`, emitted);
    }
    const systems = new Set(emitted.map((e) => e.system));
    expect(systems.has('2.16.578.1.12.4.1.1.9151')).toBe(true);
    expect([...systems].some((s) => s.includes('.99'))).toBe(false);
    expect(problems(emitted)).toEqual([]);
  });

  it('the JSON care export writes 9151 service codes with their texts and ATC-coded medicines', () => {
    const emitted: Emitted[] = [];
    for (const p of population.persons) {
      if (!p.careRecord) continue;
      const out = tjenestemottaker(p.nin, p.careRecord) as { vedtak: { tjenestekode: string; tjenestetype: string }[]; legemidler: { atcKode: string; navn: string }[] };
      for (const v of out.vedtak) emitted.push({ where: `${p.nin} vedtak`, system: CODE_LISTS.careService.system, code: v.tjenestekode, display: v.tjenestetype });
      for (const m of out.legemidler) emitted.push({ where: `${p.nin} legemiddel`, system: CODE_LISTS.atc.system, code: m.atcKode, display: m.navn });
    }
    expect(emitted.length).toBeGreaterThan(100);
    expect(problems(emitted)).toEqual([]);
  });

  it('the summary care record’s allergies and dispensations carry listed ATC codes', () => {
    const emitted: Emitted[] = [];
    for (const p of population.persons) {
      for (const ci of p.summaryRecord.criticalInfo) collect(criticalInformation(ci, kjPatientReference(p.nin)), `${p.nin} critical information`, emitted);
      for (const d of p.summaryRecord.dispensations) {
        const out = dispensedMedication(d) as { atc: string; varenavn: string };
        emitted.push({ where: `${p.nin} dispensation`, system: CODE_LISTS.atc.system, code: out.atc, display: out.varenavn });
      }
    }
    expect(emitted.some((e) => e.code === 'J01CE')).toBe(true);
    expect(problems(emitted)).toEqual([]);
  });

  it('the practitioner register answers with HPR codes of 9060, 7704 and 7426', () => {
    const emitted: Emitted[] = [];
    for (const pr of population.practitioners) collect(hprPerson(pr), `HPR ${pr.hprNumber}`, emitted);
    const systems = new Set(emitted.map((e) => e.system.replace(/^urn:oid:/, '')));
    expect(systems).toEqual(new Set(['2.16.578.1.12.4.1.1.9060', '2.16.578.1.12.4.1.1.7704', '2.16.578.1.12.4.1.1.7426']));
    expect(problems(emitted)).toEqual([]);
  });

  it('the KITH dialogue messages of both sides (requests, answers, nothing-held answers) carry Dialogmelding 1.0 codes of 1.0 lists, with their texts', () => {
    expect(kithDialogFile.source.url).toMatch(/^https:\/\//);
    expect(kithDialogFile.source.retrieved).toMatch(/^\d{4}-\d{2}-\d{2}/);
    const emitted: KithEmitted[] = [];
    const gpPatients = population.persons.filter((x) => x.gpRecord).slice(0, 6);
    for (const dialect of ['soap11', 'soap12'] as const) {
      const messages = gpPatients.map((p, i) => ({ nin: p.nin, officeHerId: p.gpRecord!.officeHerId, msgId: `m-${i}` }));
      emitted.push(...dialogCodes(buildJournalRequest({ dialect, senderHerId: '90001', genDate: new Date(), messages }), `gp-kith request (${dialect})`));
      for (const p of gpPatients) {
        const office = orgs.gpOffices.find((o) => o.herId === p.gpRecord!.officeHerId)!;
        const request = { ...KITH_REQUEST, msgId: 'm', receiverHerId: office.herId, nin: p.nin };
        emitted.push(...dialogCodes(journalResponse(dialect, [{ office, request, found: { person: p, record: p.gpRecord! } }, { office, request, found: null }]), `GP answer (${dialect})`));
      }
    }
    const carePatients = population.persons.filter((x) => x.careRecord).slice(0, 6);
    emitted.push(...dialogCodes(buildPloRequest(carePatients.map((p, i) => ({ nin: p.nin, msgId: `m-${i}` })), { senderHerId: '90001', receiverHerId: '95001' }), 'care-plo request'));
    const ploRequest = { ...KITH_REQUEST, type: { V: '1', S: '2.16.578.1.12.4.1.1.9152', DN: 'Helseopplysninger' }, msgId: 'm', receiverHerId: '95001' };
    emitted.push(...dialogCodes(meldingListe({ name: 'Trondheim kommune', herId: '95001' }, carePatients.map((p) => ({ request: { ...ploRequest, nin: p.nin }, found: null }))), 'PLO nothing-held answer'));
    // Every list of a Dialogmelding 1.0 exchange is used: the two request types, the purpose, the answer's topic.
    expect(new Set(emitted.map((e) => e.system))).toEqual(new Set(['9152', '9065', '9068', '9069'].map((n) => `2.16.578.1.12.4.1.1.${n}`)));
    expect(new Set(emitted.map((e) => e.namespace))).toEqual(new Set(['http://www.kith.no/xmlstds/dialog/2006-10-11']));
    expect(kithProblems(emitted)).toEqual([]);
  });

  it('the application receipts (AppRec 1.0) of both sides carry codes of 8279, 8258 and 8221, with their texts', () => {
    const message = { type: { V: 'DIALOG_SVAR', DN: 'Svar på forespørsel' }, genDate: '2026-12-06T10:15:00', msgId: 'm-1', sender: { herId: '81241', name: 'Legekontor' } };
    const ledger = new ReceiptLedger();
    ledger.accept(message);
    for (const error of Object.keys(APPREC_ERRORS) as AppRecError[]) ledger.refuse(message, error, 'Test', new Error('test'));
    const ours = ledger.appRecs({ herId: '90001', name: 'Patient Graph' }, (x) => `ar:${x}`);
    const emitted: KithEmitted[] = [
      ...appRecCodes(buildGpReceipts('soap11', ours), 'gp-kith receipts (soap11)'),
      ...appRecCodes(buildGpReceipts('soap12', ours), 'gp-kith receipts (soap12)'),
      ...appRecCodes(buildPloReceipts(ours), 'care-plo receipts'),
    ];
    // The systems' refusals, one of each kind.
    const person = population.persons.find((x) => x.gpRecord)!;
    const office = orgs.gpOffices.find((o) => o.herId === person.gpRecord!.officeHerId)!;
    const original = { msgId: 'r-1', type: { V: 'DIALOG_FORESPORSEL', DN: 'Forespørsel' }, genDate: '2026-12-06T10:00:00', sender: { herId: '90001', name: 'Patient Graph' }, receiver: { herId: office.herId, name: office.name } };
    const refusals = (['E21', 'T02', 'T10', 'T99'] as const).map((error) => ({ original, error, text: 'Test' }));
    for (const dialect of ['soap11', 'soap12'] as const) {
      emitted.push(...appRecCodes(journalResponse(dialect, refusals.map((r) => ({ ...r, from: original.receiver }))), `GP refusals (${dialect})`));
    }
    emitted.push(...appRecCodes(meldingListe({ name: 'Trondheim kommune', herId: '95001' }, refusals), 'PLO refusals'));
    expect(new Set(emitted.map((e) => e.system))).toEqual(new Set(['8279', '8258', '8221'].map((n) => `2.16.578.1.12.4.1.1.${n}`)));
    expect(new Set(emitted.map((e) => e.namespace))).toEqual(new Set(['http://www.kith.no/xmlstds/apprec/2004-11-21']));
    expect(emitted.filter((e) => e.where.endsWith(' Error')).length).toBe(3 * Object.keys(APPREC_ERRORS).length + 3 * refusals.length);
    expect(kithProblems(emitted)).toEqual([]);
  });

  it('the dialogue messages between services (issue 15) carry codes of Dialogmelding 1.0’s lists (9152, 9153, 9068, 9069, 7321) with their texts, and their AppRecs codes of 8279, 8258, 8221', () => {
    const person = population.persons.find((x) => x.gpRecord)!;
    const message = (kind: OutgoingMessage['kind'], senderSector: OutgoingMessage['senderSector']): OutgoingMessage => ({
      id: `m-${kind}`,
      conversationRef: 'm-QUESTION',
      inReplyTo: kind === 'ANSWER' ? 'm-QUESTION' : null,
      kind,
      sentAt: '2026-11-02T09:15:30Z',
      sender: { herId: '81302', service: 'Hjemmesykepleien sone sør', orgNumber: '964338531', hprNumber: null, name: null },
      recipient: { herId: person.gpRecord!.officeHerId, service: 'Legekontor', orgNumber: null, hprNumber: null, name: null },
      subject: 'Emne',
      text: 'Tekst',
      patientNin: person.nin,
      ...(senderSector ? { senderSector } : {}),
    });
    const emitted: KithEmitted[] = [];
    for (const kind of ['QUESTION', 'ANSWER', 'NOTE'] as const) {
      for (const sector of ['MUNICIPAL_CARE', 'GP', undefined] as const) {
        for (const dialect of ['soap11', 'soap12'] as const) emitted.push(...dialogCodes(buildMessageCall(dialect, message(kind, sector)), `gp-kith ${kind} (${dialect})`));
        emitted.push(...dialogCodes(buildPloMessage(message(kind, sector)), `care-plo ${kind}`));
      }
    }
    expect(new Set(emitted.map((e) => e.system))).toEqual(new Set(['9152', '9153', '9068', '9069', '7321'].map((n) => `2.16.578.1.12.4.1.1.${n}`)));
    expect(kithProblems(emitted)).toEqual([]);
    // The systems' receipts for messages: OK, and each refusal they give.
    const original = { msgId: 'm-1', type: { V: 'DIALOG_NOTAT', DN: 'Notat' }, genDate: '2026-11-02T10:15:30', sender: { herId: '81302', name: 'Hjemmesykepleien sone sør' }, receiver: { herId: '81241', name: 'Nordnes legekontor' } };
    const receipts = [null, ...(['E21', 'E35', 'X99', 'T02', 'T10', 'T99'] as const).map((error) => ({ error, text: 'Test' }))].map((refusal) =>
      buildSimulatorXml({ 'ar:AppRec': { '@_xmlns:ar': 'http://www.kith.no/xmlstds/apprec/2004-11-21', ...messageAppRec(original, refusal, original.receiver, (n) => `ar:${n}`) } }),
    );
    const apprecs = receipts.flatMap((xml, i) => appRecCodes(xml, `message receipt ${i}`));
    expect(apprecs.filter((e) => e.where.endsWith(' Error'))).toHaveLength(6);
    expect(kithProblems(apprecs)).toEqual([]);
  });

  it('a KITH code of another version of the standard fails the check (7322 is Dialogmelding 1.1’s)', () => {
    const note = (ns: string, code: string) => `<dia:Dialogmelding xmlns:dia="${ns}"><dia:Notat>${code}</dia:Notat></dia:Dialogmelding>`;
    const helsefaglig = '<dia:TemaKodet V="8" S="2.16.578.1.12.4.1.1.7322" DN="Forespørsel om helseopplysninger"/>';
    expect(kithProblems(dialogCodes(note('http://www.kith.no/xmlstds/dialog/2006-10-11', helsefaglig), 'test'))).toEqual([
      'test TemaKodet: list 2.16.578.1.12.4.1.1.7322 is not one of http://www.kith.no/xmlstds/dialog/2006-10-11 (Dialogmelding 1.1 (Helsefaglig dialog))',
    ]);
    expect(kithProblems(dialogCodes(note('http://www.kith.no/xmlstds/dialog/2013-01-23', helsefaglig), 'test'))).toEqual([]);
    expect(kithProblems(dialogCodes(note('http://www.kith.no/xmlstds/dialog/2006-10-11', '<dia:TemaKodet V="3" S="2.16.578.1.12.4.1.1.9069" DN="Har ikke opplysninger"/>'), 'test'))).toEqual([
      'test TemaKodet: Svar på forespørsel (9069; name a description of its use, not confirmed) 3: display "Har ikke opplysninger", the list says "Har ikke ønskede opplysninger"',
    ]);
  });

  it('a wrong code or display text fails the check', () => {
    expect(checkCoding(CODE_LISTS.icd10.system, 'N39.0', null)).toMatch(/not in/);
    expect(checkCoding(CODE_LISTS.icd10.system, 'I50', null)).toMatch(/not in/);
    expect(checkCoding('2.16.578.1.12.4.1.1.7170', 'L90', 'Artrose i kne')).toMatch(/display "Artrose i kne", the list says "Kneleddsartrose"/);
    expect(checkCoding('2.16.578.1.12.4.1.1.99001', '1', 'Hjemmesykepleie')).toMatch(/no extract/);
    expect(checkCoding(CODE_LISTS.careService.system, '15', 'Helsetjenester i hjemmet')).toBeNull();
  });
});
