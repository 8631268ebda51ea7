import { Hl7Message, type Hl7Segment } from '@medplum/core';
import { normaliseHprNumber } from '../../lib/identifiers';
import { osloLocalToUtc } from '../../lib/osloTime';
import { BadResponseError, codeToken, SourceFault } from '../kit';
import { CODE_SYSTEM, type LabResultsModel } from '../model';
import { FLAGS, NLK_SYSTEMS } from './protocol';

/** What an answer must answer: the query's control id, its query tag and the patient asked about. */
export interface Asked {
  controlId: string;
  queryTag: string;
  nin: string;
}

type LabResult = LabResultsModel['results'][number];

/** A field's text, '' where the segment ends before it (HL7 drops trailing empty fields). */
function fieldText(segment: Hl7Segment, index: number): string {
  return (segment.getField(index) as Hl7Segment['fields'][number] | undefined)?.toString() ?? '';
}

function component(segment: Hl7Segment | undefined, index: number, position: number): string {
  const field = segment?.getField(index) as Hl7Segment['fields'][number] | undefined;
  return field?.getComponent(position) ?? '';
}

/**
 * An HL7 TS (`yyyyMMddHHmm[ss][.s][+hhmm]`) as ISO UTC. Without an offset it is Norwegian wall-clock time, as
 * laboratory systems here write it.
 */
export function hl7TimeToUtc(value: string, path: string): string {
  const match = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(?:\.\d+)?([+-]\d{4})?$/.exec(value);
  if (!match) throw new BadResponseError(`${path} is not an HL7 date-time`);
  const [, y, mo, d, h, mi, s = '00', zone] = match;
  const local = `${y}-${mo}-${d}T${h}:${mi}:${s}`;
  if (!zone) {
    try {
      return osloLocalToUtc(local);
    } catch {
      throw new BadResponseError(`${path} is not a real date-time`);
    }
  }
  const instant = new Date(`${local}${zone.slice(0, 3)}:${zone.slice(3)}`);
  if (Number.isNaN(instant.getTime())) throw new BadResponseError(`${path} is not a real date-time`);
  return instant.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function number(value: string, path: string): number | null {
  if (value === '') return null;
  if (!/^-?\d+(\.\d+)?$/.test(value)) throw new BadResponseError(`${path} is not a number`);
  return Number(value);
}

/** A reference range (OBX-7) such as `20-42`, `<5` or `>60`. */
function range(value: string): { low: number | null; high: number | null } {
  const both = /^(-?\d+(?:\.\d+)?)-(-?\d+(?:\.\d+)?)$/.exec(value);
  if (both) return { low: Number(both[1]), high: Number(both[2]) };
  const below = /^<(-?\d+(?:\.\d+)?)$/.exec(value);
  if (below) return { low: null, high: Number(below[1]) };
  const above = /^>(-?\d+(?:\.\d+)?)$/.exec(value);
  if (above) return { low: Number(above[1]), high: null };
  return { low: null, high: null };
}

/**
 * Reads one RSP^K11. A refusal (MSA-1 AE or AR) is the laboratory's fault answer, reported by its codes (ERR-3,
 * ERR-5), never its text; QAK-2 `NF` is a patient the laboratory has no results for (null). Privacy: an answer to
 * another query, or a PID naming another patient, is a bad response, never someone else's results passed on.
 */
export function mapQueryResponse(text: string, asked: Asked): LabResultsModel | null {
  // HL7 v2 text has no control characters but its segment separator: anything else is a broken answer.
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(text)) throw new BadResponseError('control characters in an HL7 message');
  let message: Hl7Message;
  try {
    message = Hl7Message.parse(text);
  } catch {
    throw new BadResponseError('not an HL7 v2 message');
  }
  const msh = message.getSegment('MSH');
  const msa = message.getSegment('MSA');
  if (!msh || !msa) throw new BadResponseError('an HL7 answer without MSH and MSA');
  const ackCode = fieldText(msa, 1);
  // A refusal is the laboratory's fault answer, whether or not it could read which message it refuses, and
  // whether it is an RSP^K11 (with QAK and QPD) or the general ACK: MSA-1, then ERR-3 (HL7's table 0357 code)
  // and ERR-5 (the laboratory's own reason, such as PARTNER).
  if (ackCode === 'AE' || ackCode === 'AR' || ackCode === 'CE' || ackCode === 'CR') {
    const err = message.getSegment('ERR');
    throw new SourceFault({ protocol: 'HL7', code: ackCode, subcode: codeToken(component(err, 3, 1)), vendorCode: codeToken(component(err, 5, 1)) });
  }
  if (fieldText(msa, 2) !== asked.controlId) throw new BadResponseError('MSA-2 acknowledges another message');
  if (ackCode !== 'AA' && ackCode !== 'CA') throw new BadResponseError('MSA-1 is not an acknowledgment code');
  if (component(msh, 9, 1) !== 'RSP' || component(msh, 9, 2) !== 'K11') throw new BadResponseError('MSH-9 is not RSP^K11');
  const qak = message.getSegment('QAK');
  if (!qak || fieldText(qak, 1) !== asked.queryTag) throw new BadResponseError('QAK-1 answers another query');
  const status = fieldText(qak, 2);
  if (status === 'NF') return null;
  if (status !== 'OK') throw new BadResponseError('QAK-2 is neither OK nor NF');
  const pids = message.getAllSegments('PID');
  if (pids.length !== 1) throw new BadResponseError('an RSP^K11 must name exactly one patient');
  const pid = pids[0] as Hl7Segment;
  if (component(pid, 3, 1) !== asked.nin) throw new BadResponseError('PID-3 names another patient than the query');
  const found = results(message);
  if (message.getAllSegments('OBX').length === 0) throw new BadResponseError('QAK-2 OK but no OBX result');
  return { results: found };
}

/**
 * The laboratory's flag (OBX-8, table 0078). In v2.5 a numeric result within its reference interval has no flag
 * (`N` is "normal (applies to non-numeric results)"), so an empty OBX-8 on a value inside OBX-7 reads as
 * normal; outside it, or without an interval, no flag stays no flag. `N` is still read: 0078 is user-defined
 * and some laboratories send it for numbers too.
 */
function flagOf(flag: string, value: number | null, low: number | null, high: number | null): LabResult['flag'] {
  if (flag !== '') return flag in FLAGS ? FLAGS[flag as keyof typeof FLAGS] : null;
  if (value === null || (low === null && high === null)) return null;
  return (low === null || value >= low) && (high === null || value <= high) ? 'NORMAL' : null;
}

/** OBX results, each under the OBR (and ORC) before it. */
function results(message: Hl7Message): LabResult[] {
  const out: LabResult[] = [];
  let order: { filler: string; time: string; orderedByHpr: string | null } | null = null;
  let orderedByHpr: string | null = null;
  message.segments.forEach((segment, index) => {
    const path = `segment ${index + 1} (${segment.name})`;
    if (segment.name === 'ORC') {
      const hpr = component(segment, 12, 1);
      orderedByHpr = component(segment, 12, 9) === 'HPR' ? normaliseHprNumber(hpr) : null;
    } else if (segment.name === 'OBR') {
      const filler = component(segment, 3, 1);
      if (!filler) throw new BadResponseError(`${path}: OBR-3 (filler order number) is empty`);
      order = { filler, time: hl7TimeToUtc(fieldText(segment, 7), `${path}: OBR-7`), orderedByHpr };
    } else if (segment.name === 'OBX') {
      if (!order) throw new BadResponseError(`${path}: an OBX before any OBR`);
      const current: { filler: string; time: string; orderedByHpr: string | null } = order;
      const system = component(segment, 3, 3);
      const code = component(segment, 3, 1);
      if (!NLK_SYSTEMS.has(system) || !/^[A-Z]{3}\d{5}$/.test(code)) throw new BadResponseError(`${path}: OBX-3 is not an NLK code`);
      const valueType = fieldText(segment, 2);
      if (valueType !== 'NM') throw new BadResponseError(`${path}: OBX-2 value type is not NM`);
      const unitSystem = component(segment, 6, 3);
      if (unitSystem !== '' && unitSystem !== 'UCUM') throw new BadResponseError(`${path}: OBX-6 is not a UCUM unit`);
      const resultStatus = fieldText(segment, 11);
      // Only final and corrected results (F, C): a preliminary value may still change.
      if (resultStatus !== 'F' && resultStatus !== 'C') return;
      const { low, high } = range(fieldText(segment, 7));
      const flag = fieldText(segment, 8);
      const observationTime = fieldText(segment, 14);
      const value = number(fieldText(segment, 5), `${path}: OBX-5`);
      out.push({
        id: `${current.filler}-${fieldText(segment, 1) || String(out.length + 1)}`,
        time: observationTime ? hl7TimeToUtc(observationTime, `${path}: OBX-14`) : current.time,
        code: { system: CODE_SYSTEM.nlk, code, display: component(segment, 3, 2) || null },
        value,
        unit: component(segment, 6, 1) || null,
        referenceLow: low,
        referenceHigh: high,
        flag: flagOf(flag, value, low, high),
        orderedByHpr: current.orderedByHpr,
      });
    }
  });
  return out;
}
