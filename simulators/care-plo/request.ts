import { parseXml } from '../kit/xml';
import { readDialogRequests, type Foresporsel } from '../kit/dialogRequest';

export type { Foresporsel };

/**
 * Reads a batch of requests as the product does: a MeldingListe with one MsgHead per patient, each a
 * DIALOG_FORESPORSEL (simulators/kit/dialogRequest.ts). Anything else is the caller's fault.
 */
export type ReadRequest = { ok: true; requests: Foresporsel[] } | { ok: false; kode: string; reason: string };

export function readRequest(xml: unknown): ReadRequest {
  if (typeof xml !== 'string' || xml.trim() === '') return { ok: false, kode: 'UGYLDIG_MELDING', reason: 'Meldingen må sendes som application/xml' };
  let doc: Record<string, unknown>;
  try {
    doc = parseXml(xml);
  } catch {
    return { ok: false, kode: 'UGYLDIG_MELDING', reason: 'Meldingen er ikke velformet XML' };
  }
  const read = readDialogRequests((doc.MeldingListe as Record<string, unknown> | undefined)?.MsgHead, ['FNR', 'DNR', 'HNR']);
  if (read.ok) return read;
  return {
    ok: false,
    kode: 'UGYLDIG_MELDING',
    reason: read.refusal === 'no-her-id' ? 'Avsender og mottaker må ha HER-id' : `Meldingen følger ikke DIALOG_FORESPORSEL: MeldingListe/${read.at}`,
  };
}
