import { createCipheriv, createDecipheriv, createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { globalIdKey } from './secrets';
import { sector, SECTOR_NAMES, type SECTORS, type SectorName } from './sectors';

/**
 * Global ids (`id: ID!`, `Node`, `Query.node(id:)`): opaque, stable and unforgeable, so that a client's normalised
 * cache keys its store on something that is not personal data.
 *
 * An id is the entity's type and its key (a patient's identity number, a practitioner's HPR number, a source and the
 * source's own id of an item) encrypted under GLOBAL_ID_KEY with AES-256-GCM, the IV synthetic (HMAC-SHA256 of the
 * plaintext under a second key, as AES-SIV does): the same entity always gets the same id (a cache normalises on it),
 * two entities never share one, and the id says nothing about what is inside. Privacy decisions:
 * - Encrypted, not hashed: identity numbers are fewer than a billion, so a hash of one (even truncated) is read back by
 *   trying them all; without the key the ciphertext is worth nothing, and with it `node(id:)` gets from id to entity
 *   without a lookup table.
 * - The GCM tag, and the IV recomputed from what it decrypts to, refuse a tampered, truncated or invented id
 *   (INVALID_ID), so an id cannot be edited into another patient's.
 * - The plaintext is padded to 16 bytes, so an id's length does not tell a source's record id's length.
 * - Written in 32 letters, no digits: an id never holds a digit run that reads as (or hides) an identity number, and
 *   the adapter kit's and simulators' refusal of URLs holding one never trips on it.
 *
 * Rotating GLOBAL_ID_KEY changes every id (clients' caches start afresh; ids stored by a client stop resolving).
 */

/**
 * The types that have global ids, each with its code inside the id. Append only: a code, once issued, is in clients'
 * caches; never reuse or renumber one. A sector added later declares its item types' codes in its own entry
 * (lib/sectors.ts `itemTypes`), merged below.
 */
const CORE_ID_TYPES = {
  Patient: 1,
  Practitioner: 2,
  GpOffice: 3,
  CareMedication: 4,
  MedicationAdministration: 5,
  HospitalMedication: 6,
  Diagnosis: 7,
  // Items that held their source's own id in `id` until it moved to `sourceId` (issue 19).
  IndividualPlan: 8,
  PlanGoal: 9,
  PlanMeasure: 10,
  CareService: 11,
  CareVisit: 12,
  WelfareTechnologyDevice: 13,
  Consultation: 14,
  Prescription: 15,
  Referral: 16,
  Encounter: 17,
  ClinicalDocument: 18,
  LabResult: 19,
  CriticalInformation: 20,
  DispensedMedication: 21,
  ReferralAssessment: 22,
  UpcomingItem: 23,
} as const;

/** The item types the sectors declare (`itemTypes`), by name. */
type SectorItemType = { [S in SectorName]: (typeof SECTORS)[S] extends { itemTypes: infer T } ? keyof T & string : never }[SectorName];

export type GlobalIdType = keyof typeof CORE_ID_TYPES | SectorItemType;

export const GLOBAL_ID_TYPES: Readonly<Record<GlobalIdType, number>> = (() => {
  const all: Record<string, number> = { ...CORE_ID_TYPES };
  for (const name of SECTOR_NAMES) {
    for (const [type, code] of Object.entries(sector(name).itemTypes ?? {})) {
      // Two types under one code would open each other's ids: refused where the code is declared.
      if (all[type] !== undefined || Object.values(all).includes(code)) throw new Error(`global id type ${type} (code ${code}) of sector ${name} is taken`);
      all[type] = code;
    }
  }
  return all as Record<GlobalIdType, number>;
})();

export interface DecodedGlobalId {
  type: GlobalIdType;
  /** The key parts, as encoded. */
  key: string[];
}

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const BLOCK = 16;
// Binds the ciphertext to this use: the same key could not open a value sealed for something else.
const AAD = Buffer.from('patient-graph global id v1');
/** 32 letters (no `l`, no digits): 5 bits a letter. */
const ALPHABET = 'abcdefghijkmnopqrstuvwxyzABCDEFG';
const LETTER_VALUE = new Map([...ALPHABET].map((c, i) => [c, i]));
/** Longer than any id this graph issues (a patient's is 72 letters, an item's about 100): refused unread. */
const MAX_ID_LENGTH = 400;
const TYPE_BY_CODE = new Map(Object.entries(GLOBAL_ID_TYPES).map(([type, code]) => [code as number, type as GlobalIdType]));

export class GlobalIdCodec {
  private readonly encryptionKey: Buffer;
  private readonly ivKey: Buffer;

  constructor(key: Buffer) {
    if (key.length < 32) throw new Error('GlobalIdCodec: the key must hold at least 32 bytes');
    // Two keys from one secret: one encrypts, one makes the synthetic IV.
    this.encryptionKey = Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), 'patient-graph global id: encryption', 32));
    this.ivKey = Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), 'patient-graph global id: synthetic iv', 32));
  }

  /** The id of the entity of `type` with this key (one or more non-empty parts, no NUL). */
  encode(type: GlobalIdType, key: readonly string[]): string {
    const code = GLOBAL_ID_TYPES[type];
    if (key.length === 0 || key.some((part) => typeof part !== 'string' || part.length === 0 || part.includes('\u0000'))) {
      throw new Error(`GlobalIdCodec: a ${type} key needs non-empty parts without NUL`);
    }
    const plaintext = pad(Buffer.concat([Buffer.from([code]), Buffer.from(key.join('\u0000'), 'utf8')]));
    const iv = this.syntheticIv(plaintext);
    const cipher = createCipheriv('aes-256-gcm', this.encryptionKey, iv);
    cipher.setAAD(AAD);
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return toLetters(Buffer.concat([Buffer.from([VERSION]), iv, ciphertext, cipher.getAuthTag()]));
  }

  /** The type and key inside an id this graph issued under this key; null for anything else (forged, altered, another key's). */
  decode(id: unknown): DecodedGlobalId | null {
    if (typeof id !== 'string' || id.length === 0 || id.length > MAX_ID_LENGTH) return null;
    const bytes = fromLetters(id);
    if (!bytes || bytes.length < 1 + IV_BYTES + BLOCK + TAG_BYTES || bytes[0] !== VERSION) return null;
    const iv = bytes.subarray(1, 1 + IV_BYTES);
    const ciphertext = bytes.subarray(1 + IV_BYTES, bytes.length - TAG_BYTES);
    if (ciphertext.length % BLOCK !== 0) return null;
    let plaintext: Buffer;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.encryptionKey, iv);
      decipher.setAAD(AAD);
      decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
      plaintext = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
    } catch {
      return null;
    }
    // Only what encode makes: its own IV for its own plaintext.
    if (!timingSafeEqual(this.syntheticIv(plaintext), iv)) return null;
    const unpadded = unpad(plaintext);
    const type = unpadded && unpadded.length > 1 ? TYPE_BY_CODE.get(unpadded[0] as number) : undefined;
    if (!unpadded || !type) return null;
    return { type, key: unpadded.subarray(1).toString('utf8').split('\u0000') };
  }

  private syntheticIv(plaintext: Buffer): Buffer {
    return createHmac('sha256', this.ivKey).update(AAD).update(plaintext).digest().subarray(0, IV_BYTES);
  }
}

/** ISO/IEC 7816-4 padding to a whole number of blocks: 0x80, then zeros. */
function pad(data: Buffer): Buffer {
  const length = Math.ceil((data.length + 1) / BLOCK) * BLOCK;
  const out = Buffer.alloc(length);
  data.copy(out);
  out[data.length] = 0x80;
  return out;
}

function unpad(data: Buffer): Buffer | null {
  let end = data.length - 1;
  while (end >= 0 && data[end] === 0) end--;
  return end >= 0 && data[end] === 0x80 ? data.subarray(0, end) : null;
}

function toLetters(bytes: Buffer): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

function fromLetters(text: string): Buffer | null {
  const bytes: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const c of text) {
    const value = LETTER_VALUE.get(c);
    if (value === undefined) return null;
    buffer = (buffer << 5) | value;
    bits += 5;
    if (bits >= 8) {
      bytes.push((buffer >> (bits - 8)) & 0xff);
      bits -= 8;
      buffer &= (1 << bits) - 1;
    }
  }
  // One string per id: the last letter's spare bits are zero, and no letter is left over (a letter more or a
  // different spare bit would be another string for the same bytes).
  if (bits >= 5 || buffer !== 0) return null;
  return Buffer.from(bytes);
}

let codec: GlobalIdCodec | undefined;

/** The process's codec, under GLOBAL_ID_KEY (every process that issues or reads ids: the gateway and every subgraph but messaging). */
export function globalIds(): GlobalIdCodec {
  return (codec ??= new GlobalIdCodec(globalIdKey()));
}
