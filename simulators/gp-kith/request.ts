import { parseXml } from '../kit/xml';
import { readDialogRequests, type Foresporsel } from '../kit/dialogRequest';

export type { Foresporsel };

/**
 * Reads a batch of KITH dialogue requests as the products do: the SOAP Body holds the vendor's batch
 * element with one MsgHead per patient, each a DIALOG_FORESPORSEL (simulators/kit/dialogRequest.ts) from the
 * asking party to the patient's GP office. Anything else is the caller's fault.
 */
export type ReadRequest = { ok: true; requests: Foresporsel[] } | { ok: false; reason: string; code: string };

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
