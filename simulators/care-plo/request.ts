import { z } from 'zod';
import { parseXml } from '../kit/xml';

/**
 * Reads a batch of requests as the product does: a MeldingListe with one MsgHead per patient, each a
 * DIALOG_FORESPORSEL (Dialogmelding 1.0) asking for health information (Volven 7322 code 8), addressed by HER-id,
 * with the patient in MsgInfo/Patient. Anything else is the caller's fault.
 */
const list = <T extends z.ZodType>(item: T) => z.preprocess((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]), z.array(item));

const herIdent = z.object({ Id: z.string().regex(/^\d{1,9}$/), TypeId: z.object({ '@_V': z.literal('HER') }) });
const organisation = z.object({ OrganisationName: z.string().min(1), Ident: list(z.object({ Id: z.string(), TypeId: z.object({ '@_V': z.string() }) })) });

const msgHead = z.object({
  MsgInfo: z.object({
    Type: z.object({ '@_V': z.literal('DIALOG_FORESPORSEL') }),
    MIGversion: z.literal('v1.2 2006-05-24'),
    GenDate: z.string().min(1),
    MsgId: z.string().min(1),
    Sender: z.object({ Organisation: organisation }),
    Receiver: z.object({ Organisation: organisation }),
    Patient: z.object({
      Ident: list(z.object({ Id: z.string().regex(/^\d{11}$/), TypeId: z.object({ '@_V': z.enum(['FNR', 'DNR']) }) })).refine((i) => i.length === 1, 'one identity number'),
    }),
  }),
  Document: list(
    z.object({
      RefDoc: z.object({
        Content: z.object({
          Dialogmelding: z.object({
            Foresporsel: z.object({
              TypeForesp: z.object({ '@_V': z.literal('8'), '@_S': z.literal('2.16.578.1.12.4.1.1.7322') }),
              Sporsmal: z.string().optional(),
            }),
          }),
        }),
      }),
    }),
  ).refine((d) => d.length === 1, 'one document'),
});

const batch = z.object({ MeldingListe: z.object({ MsgHead: list(msgHead).refine((m) => m.length > 0, 'at least one MsgHead') }) });

export interface Foresporsel {
  msgId: string;
  senderHerId: string;
  senderName: string;
  receiverHerId: string;
  nin: string;
  kind: 'FNR' | 'DNR';
  question: string | null;
}

export type ReadRequest = { ok: true; requests: Foresporsel[] } | { ok: false; kode: string; reason: string };

const her = (org: z.infer<typeof organisation>) => herIdent.safeParse(org.Ident.find((i) => i.TypeId['@_V'] === 'HER')).data?.Id ?? null;

export function readRequest(xml: unknown): ReadRequest {
  if (typeof xml !== 'string' || xml.trim() === '') return { ok: false, kode: 'UGYLDIG_MELDING', reason: 'Meldingen må sendes som application/xml' };
  let doc: Record<string, unknown>;
  try {
    doc = parseXml(xml);
  } catch {
    return { ok: false, kode: 'UGYLDIG_MELDING', reason: 'Meldingen er ikke velformet XML' };
  }
  const parsed = batch.safeParse(doc);
  if (!parsed.success) {
    // Names the first wrong element (a path, never a value: values are identity numbers).
    const where = parsed.error.issues[0]?.path.filter((p) => typeof p === 'string').join('/') ?? '';
    return { ok: false, kode: 'UGYLDIG_MELDING', reason: `Meldingen følger ikke DIALOG_FORESPORSEL: ${where}` };
  }
  const requests: Foresporsel[] = [];
  for (const m of parsed.data.MeldingListe.MsgHead) {
    const senderHerId = her(m.MsgInfo.Sender.Organisation);
    const receiverHerId = her(m.MsgInfo.Receiver.Organisation);
    if (!senderHerId || !receiverHerId) return { ok: false, kode: 'UGYLDIG_MELDING', reason: 'Avsender og mottaker må ha HER-id' };
    const ident = m.MsgInfo.Patient.Ident[0] as { Id: string; TypeId: { '@_V': 'FNR' | 'DNR' } };
    requests.push({
      msgId: m.MsgInfo.MsgId,
      senderHerId,
      senderName: m.MsgInfo.Sender.Organisation.OrganisationName,
      receiverHerId,
      nin: ident.Id,
      kind: ident.TypeId['@_V'],
      question: m.Document[0]?.RefDoc.Content.Dialogmelding.Foresporsel.Sporsmal ?? null,
    });
  }
  return { ok: true, requests };
}
