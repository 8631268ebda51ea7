import { readAppRecs, type ReceivedAppRec } from '../kit/appRec';
import { parseXml } from '../kit/xml';
import { readDialogRequests, type DialogMessage, type Foresporsel } from '../kit/dialogRequest';

export type { DialogMessage, Foresporsel };

/**
 * Reads a batch of requests as the product does: a MeldingListe with one MsgHead per patient, each a
 * DIALOG_FORESPORSEL (simulators/kit/dialogRequest.ts); a message it cannot take is refused by application receipt.
 * A list it cannot read as messages is the caller's fault (UGYLDIG_MELDING).
 */
export type ReadRequest = { ok: true; messages: DialogMessage[] } | { ok: false; kode: string; reason: string };

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

/** The AppRecs of a receipt call: a KvitteringListe holding one or more AppRec 1.0; null when the call is not that. */
export function readReceipts(xml: unknown): ReceivedAppRec[] | null {
  if (typeof xml !== 'string' || xml.trim() === '') return null;
  try {
    return readAppRecs((parseXml(xml).KvitteringListe as Record<string, unknown> | undefined)?.AppRec);
  } catch {
    return null;
  }
}
