import { readAppRecs, type ReceivedAppRec } from '../kit/appRec';
import { parseXml } from '../kit/xml';
import { readDialogRequests, type DialogMessage, type Foresporsel } from '../kit/dialogRequest';

export type { DialogMessage, Foresporsel };

/**
 * Reads a batch of KITH dialogue requests as the products do: the SOAP Body holds the vendor's batch
 * element with one MsgHead per patient, each a DIALOG_FORESPORSEL (simulators/kit/dialogRequest.ts) from the
 * asking party to the patient's GP office; a message it cannot take is refused by application receipt. A batch it
 * cannot read as messages is the caller's fault, with the product's own codes: E100 not XML, E101 a message that
 * cannot be referred to, E102 one without the HER-ids a receipt would be addressed by.
 */
export type ReadRequest = { ok: true; messages: DialogMessage[] } | { ok: false; reason: string; code: string };

/** The envelope's namespace as written (the parser drops namespaces, but the SOAP version lives there). */
export function envelopeNamespace(xml: string): string | null {
  const open = /<(?:([\w.-]+):)?Envelope\b([^>]*)>/.exec(xml);
  if (!open) return null;
  const attr = open[1] ? `xmlns:${open[1]}` : 'xmlns';
  return new RegExp(`\\s${attr.replace('.', '\\.')}\\s*=\\s*["']([^"']+)["']`).exec(open[2] ?? '')?.[1] ?? null;
}

export function readRequest(xml: string, batchElement: string): ReadRequest {
  let doc: Record<string, unknown>;
  try {
    doc = parseXml(xml);
  } catch {
    return { ok: false, reason: 'Meldingen er ikke gyldig XML', code: 'E100' };
  }
  const body = (doc.Envelope as Record<string, unknown> | undefined)?.Body as Record<string, unknown> | undefined;
  const element = body?.[batchElement] as Record<string, unknown> | undefined;
  const read = readDialogRequests(element?.MsgHead, ['FNR', 'DNR', 'HNR']);
  if (read.ok) return read;
  return read.refusal === 'no-her-id'
    ? { ok: false, reason: 'Avsender og mottaker må ha HER-id', code: 'E102' }
    : { ok: false, reason: `Meldingen følger ikke DIALOG_FORESPORSEL: ${batchElement}/${read.at}`, code: 'E101' };
}

/**
 * The AppRecs of a receipt call: the SOAP Body's element `element` (the vendor's) holding one or more AppRec 1.0
 * (simulators/kit/appRec.ts); null when the call is not that.
 */
export function readReceipts(xml: string, element: string): ReceivedAppRec[] | null {
  try {
    const doc = parseXml(xml);
    const body = (doc.Envelope as Record<string, unknown> | undefined)?.Body as Record<string, unknown> | undefined;
    return readAppRecs((body?.[element] as Record<string, unknown> | undefined)?.AppRec);
  } catch {
    return null;
  }
}

/**
 * The one MsgHead of a message call: the SOAP Body's element `element` (the vendor's) holding exactly one MsgHead. A
 * call it cannot read is the caller's fault: E100 not XML, E104 not one message.
 */
export function readMessage(xml: string, element: string): { ok: true; msgHead: unknown } | { ok: false; reason: string; code: string } {
  let doc: Record<string, unknown>;
  try {
    doc = parseXml(xml);
  } catch {
    return { ok: false, reason: 'Meldingen er ikke gyldig XML', code: 'E100' };
  }
  const body = (doc.Envelope as Record<string, unknown> | undefined)?.Body as Record<string, unknown> | undefined;
  const heads = (body?.[element] as Record<string, unknown> | undefined)?.MsgHead;
  if (!heads || Array.isArray(heads) || typeof heads !== 'object') return { ok: false, reason: `Én melding per kall: ${element}/MsgHead`, code: 'E104' };
  return { ok: true, msgHead: heads };
}
