import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateXML } from 'xmllint-wasm';
import { fromRoot } from '../../lib/repositoryRoot';

/**
 * Strict XML Schema validation for the test suite: libxml2's xmllint compiled to WebAssembly (the npm
 * package `xmllint-wasm`), so it needs neither a native tool nor the network. Every schema under
 * `schemas/` is loaded at once, through a driver schema that imports each target namespace, so that a
 * message is checked all the way down: the SOAP envelope, the vendor's batch element, each MsgHead, and the
 * content inside RefDoc/Content (whose wildcard is processContents="strict": content in a namespace no loaded
 * schema declares is an error, never skipped).
 *
 * `KITH_XSD_DIR` may name a folder holding official schemas (for example KITH's MsgHead-v1_2.xsd with the
 * xmldsig-core-schema.xsd it imports): each target namespace found there is validated against the official
 * file instead of the project's own. The rest (the project's journal extract, the vendors' envelopes) stays.
 * The same holds for the PLO namespaces (HelseopplysningerTilLege, poKomponent): put the official PLO v1.6 files,
 * with the schemas they import, in the same folder.
 */
export interface XmlDocument {
  /** A name for messages: which simulator, which request. Never an identity number. */
  name: string;
  xml: string;
}

export interface XsdReport {
  /** How many documents were validated. */
  count: number;
  /** Documents that failed, with libxml2's messages (they name elements and values: test output only). */
  failures: { name: string; errors: string[] }[];
  /** Target namespaces validated against official schemas from KITH_XSD_DIR. */
  official: string[];
}

interface SchemaFile {
  fileName: string;
  contents: string;
  targetNamespace: string | null;
}

const SCHEMA_ROOT = fromRoot('schemas');

/**
 * A schema file's text. KITH publishes many of its schemas (MsgHead v1.2, the PLO messages) in ISO-8859-1: those
 * are decoded as Latin-1 and their declaration rewritten to UTF-8, as xmllint is handed UTF-8 text; read as
 * UTF-8 they would lose every æ, ø and å, in element names too (Dialogmelding's Formål).
 */
function readSchemaText(path: string): string {
  const bytes = readFileSync(path);
  const declared = /^<\?xml[^>]*\bencoding\s*=\s*["']([^"']+)["']/i.exec(bytes.subarray(0, 200).toString('latin1'))?.[1]?.toLowerCase();
  if (declared !== 'iso-8859-1' && declared !== 'latin1') return bytes.toString('utf8');
  return bytes.toString('latin1').replace(/^(<\?xml[^>]*\bencoding\s*=\s*["'])[^"']+(["'])/i, '$1UTF-8$2');
}

function schemaFiles(dir: string): SchemaFile[] {
  const files: SchemaFile[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...schemaFiles(path));
    else if (/\.(xsd|dtd)$/i.test(entry.name)) {
      const contents = readSchemaText(path);
      const ns = /\.xsd$/i.test(entry.name) ? /<(?:[\w-]+:)?schema\b[^>]*\btargetNamespace\s*=\s*"([^"]+)"/.exec(contents)?.[1] ?? null : null;
      files.push({ fileName: entry.name, contents, targetNamespace: ns });
    }
  }
  return files;
}

let loaded: { files: SchemaFile[]; driver: string; official: string[] } | undefined;

/** The schema set: the project's, with any namespace the official folder provides taken from there. */
function schemaSet(): { files: SchemaFile[]; driver: string; official: string[] } {
  if (loaded) return loaded;
  const own = schemaFiles(SCHEMA_ROOT);
  const officialDir = process.env.KITH_XSD_DIR;
  const officialFiles = officialDir ? schemaFiles(officialDir) : [];
  const official = [...new Set(officialFiles.flatMap((f) => (f.targetNamespace ? [f.targetNamespace] : [])))];
  const files = [...own.filter((f) => !f.targetNamespace || !official.includes(f.targetNamespace)), ...officialFiles];
  const names = new Set<string>();
  for (const f of files) {
    if (names.has(f.fileName)) throw new Error(`two schema files are named ${f.fileName}; rename one (the validator loads them side by side)`);
    names.add(f.fileName);
  }
  // One import per namespace; MsgHead and AppRec first, as the vendors' schemas import them without a location.
  const byNamespace = new Map<string, string>();
  for (const f of files) if (f.targetNamespace && !byNamespace.has(f.targetNamespace)) byNamespace.set(f.targetNamespace, f.fileName);
  const importedByVendors = (ns: string) => Number(ns.includes('/msghead/') || ns.includes('/apprec/'));
  const order = [...byNamespace.entries()].sort(([a], [b]) => importedByVendors(b) - importedByVendors(a));
  const driver = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">',
    ...order.map(([ns, file]) => `  <xs:import namespace="${ns}" schemaLocation="${file}"/>`),
    '</xs:schema>',
  ].join('\n');
  loaded = { files, driver, official };
  return loaded;
}

/** Documents per xmllint run: enough to amortise starting it, few enough for its memory. */
const PER_RUN = 150;

export async function validateXml(documents: readonly XmlDocument[]): Promise<XsdReport> {
  const { files, driver, official } = schemaSet();
  const failures: XsdReport['failures'] = [];
  for (let start = 0; start < documents.length; start += PER_RUN) {
    const part = documents.slice(start, start + PER_RUN);
    const inputs = part.map((d, i) => ({ fileName: `doc-${start + i}.xml`, contents: d.xml }));
    const result = await validateXML({
      xml: inputs,
      schema: [{ fileName: 'driver.xsd', contents: driver }],
      preload: files.map((f) => ({ fileName: f.fileName, contents: f.contents })),
      maxMemoryPages: 4096,
    });
    // xmllint's own report, line by line: `doc-3.xml:12: Schemas validity error : …`, `doc-3.xml fails to validate`.
    const byFile = new Map<string, string[]>();
    const failed = new Set<string>();
    let validated = 0;
    for (const line of result.rawOutput.split('\n')) {
      const error = /^(doc-\d+\.xml):\d+: (.*)$/.exec(line);
      if (error?.[1]) byFile.set(error[1], [...(byFile.get(error[1]) ?? []), error[2] ?? '']);
      const verdict = /^(doc-\d+\.xml) (validates|fails to validate)$/.exec(line);
      if (verdict?.[1]) {
        validated += 1;
        if (verdict[2] !== 'validates') failed.add(verdict[1]);
      }
    }
    // Every document must have its verdict; anything else (a schema that does not compile, memory) fails the run.
    if (validated !== inputs.length) throw new Error(`xmllint did not validate every document:\n${result.rawOutput.slice(0, 4000)}`);
    inputs.forEach((input, i) => {
      if (failed.has(input.fileName)) failures.push({ name: part[i]?.name ?? input.fileName, errors: byFile.get(input.fileName) ?? ['fails to validate'] });
    });
  }
  return { count: documents.length, failures, official };
}
