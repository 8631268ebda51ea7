import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { RESOURCE_TYPES, type ResourceType } from './projects';
import type { ExportedResources } from './fhir';

/**
 * The files of an extract, as the FHIR Bulk Data Access implementation guide has them: NDJSON (one resource a line),
 * one or more files per resource type, listed in the completion manifest. Kept encrypted at rest (AES-256-GCM under a
 * key per job), each file bound to its job and name, so that a file swapped for another job's, or renamed, fails to
 * decrypt instead of being served.
 */

export interface NdjsonFile {
  type: ResourceType;
  /** `<Type>-<n>.ndjson`, n from 1 within the type. */
  name: string;
  /** Resources (lines) in the file. */
  count: number;
  content: string;
  /** SHA-256 of the content (UTF-8), hex: what the research log records of the file. */
  sha256: string;
}

/**
 * The NDJSON files of the resources: per type (in RESOURCE_TYPES order), at most `maxLinesPerFile` resources a file,
 * each line one resource as JSON ending in a newline. A type with no resources has no file (the manifest's output is
 * then without it, as the guide allows).
 */
export function toNdjsonFiles(resources: ExportedResources, maxLinesPerFile = 10_000): NdjsonFile[] {
  if (!Number.isInteger(maxLinesPerFile) || maxLinesPerFile < 1) throw new RangeError('maxLinesPerFile is a whole number of at least 1');
  const files: NdjsonFile[] = [];
  for (const type of RESOURCE_TYPES) {
    const list = resources[type] ?? [];
    for (let i = 0; i < list.length; i += maxLinesPerFile) {
      const part = list.slice(i, i + maxLinesPerFile);
      // JSON.stringify escapes newlines inside strings: one resource is always one line.
      const content = part.map((r) => `${JSON.stringify(r)}\n`).join('');
      files.push({ type, name: `${type}-${i / maxLinesPerFile + 1}.ndjson`, count: part.length, content, sha256: createHash('sha256').update(content, 'utf8').digest('hex') });
    }
  }
  return files;
}

/** What binds a file's ciphertext to its job and name (the AES-GCM additional authenticated data). */
export function fileAad(jobId: string, name: string): string {
  return `patient-graph research extract\u0000${jobId}\u0000${name}`;
}

/**
 * The key of one job's files: HKDF-SHA256 of research's key (RESEARCH_KEY) with the job's id. A key per job: a file
 * cannot be decrypted under another job's key, and nothing but the research key need be kept to read them.
 */
export function exportFileKey(researchKey: Buffer, jobId: string): Buffer {
  if (researchKey.length < 32) throw new Error('the research key has at least 32 bytes');
  return Buffer.from(hkdfSync('sha256', researchKey, Buffer.alloc(0), `patient-graph research extract file key\u0000${jobId}`, 32));
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

function checkKey(key: Buffer): void {
  if (key.length !== 32) throw new Error('an export file key is 32 bytes (AES-256)');
}

/** AES-256-GCM with a random 12-byte IV: base64 of iv | tag | ciphertext. `aad`: fileAad(jobId, name). */
export function encryptFile(content: string | Buffer, key: Buffer, aad: string): string {
  checkKey(key);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(typeof content === 'string' ? Buffer.from(content, 'utf8') : content), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64');
}

/** The content encryptFile sealed; throws when the key or the aad is not the one it was sealed with, or it was altered. */
export function decryptFile(sealed: string, key: Buffer, aad: string): string {
  checkKey(key);
  const data = Buffer.from(sealed, 'base64');
  if (data.length < IV_BYTES + TAG_BYTES) throw new Error('not an encrypted export file');
  const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(data.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(data.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    throw new Error('the export file does not decrypt under this key and job (wrong key, wrong file, or altered)');
  }
}

/** The Bulk Data completion manifest (the body of the status request's 200 answer). */
export interface BulkManifest {
  transactionTime: string;
  request: string;
  requiresAccessToken: true;
  output: { type: ResourceType; url: string; count: number }[];
  error: { type: 'OperationOutcome'; url: string }[];
}

/**
 * The manifest of a finished export: when the data was read (`transactionTime`, an instant), the kick-off request's
 * URL, and each file's URL, which the client fetches with its access token (requiresAccessToken: true).
 */
export function bulkManifest(options: {
  transactionTime: string;
  requestUrl: string;
  files: readonly Pick<NdjsonFile, 'type' | 'name' | 'count'>[];
  fileUrl: (name: string) => string;
}): BulkManifest {
  return {
    transactionTime: options.transactionTime,
    request: options.requestUrl,
    requiresAccessToken: true,
    output: options.files.map((f) => ({ type: f.type, url: options.fileUrl(f.name), count: f.count })),
    error: [],
  };
}
