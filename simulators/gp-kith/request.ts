import { z } from 'zod';
import { parseXml } from '../../adapters/kit/xml';

/**
 * Reads a HENT_JOURNAL request as the products do: a KITH MsgHead in the SOAP Body, whose one document
 * lists the patients (identity number and GP office HER-id). Anything else is the caller's fault.
 */
const one = <T extends z.ZodType>(item: T) => z.preprocess((v) => (Array.isArray(v) ? v : [v]), z.array(item));

const typeId = z.object({ '@_V': z.string() });

const requestSchema = z.object({
  Envelope: z.object({
    Body: z.object({
      MsgHead: z.object({
        MsgInfo: z.object({
          Type: z.object({ '@_V': z.literal('HENT_JOURNAL') }),
          MIGversion: z.string().min(1),
          GenDate: z.string().min(1),
          MsgId: z.string().min(1),
          Sender: z.object({ Organisation: z.object({ Ident: z.object({ Id: z.string(), TypeId: typeId }) }) }),
          Receiver: z.object({ Organisation: z.object({ Ident: z.object({ Id: z.string(), TypeId: typeId }) }) }),
        }),
        Document: z.object({
          RefDoc: z.object({
            Content: z.object({
              JournalRequest: z.object({
                Patient: one(
                  z.object({
                    Ident: z.object({ Id: z.string().regex(/^\d{11}$/), TypeId: z.object({ '@_V': z.enum(['FNR', 'DNR']) }) }),
                    GpOffice: z.object({ Ident: z.object({ Id: z.string().regex(/^\d{3,9}$/), TypeId: z.object({ '@_V': z.literal('HER') }) }) }),
                  }),
                ),
              }),
            }),
          }),
        }),
      }),
    }),
  }),
});

export interface JournalRequest {
  msgId: string;
  senderHerId: string;
  receiverId: string;
  patients: { nin: string; officeHerId: string }[];
}

export type ReadRequest = { ok: true; request: JournalRequest } | { ok: false; reason: string; code: string };

/** The envelope's namespace as written (the parser drops namespaces, but the SOAP version lives there). */
export function envelopeNamespace(xml: string): string | null {
  const open = /<(?:([\w.-]+):)?Envelope\b([^>]*)>/.exec(xml);
  if (!open) return null;
  const attr = open[1] ? `xmlns:${open[1]}` : 'xmlns';
  return new RegExp(`\\s${attr.replace('.', '\\.')}\\s*=\\s*["']([^"']+)["']`).exec(open[2] ?? '')?.[1] ?? null;
}

export function readRequest(xml: string): ReadRequest {
  let doc: unknown;
  try {
    doc = parseXml(xml);
  } catch {
    return { ok: false, reason: 'Meldingen er ikke gyldig XML', code: 'E100' };
  }
  const parsed = requestSchema.safeParse(doc);
  if (!parsed.success) {
    // Names the first wrong element (a path, never a value: values are identity numbers).
    const where = parsed.error.issues[0]?.path.filter((p) => typeof p === 'string').join('/') ?? '';
    return { ok: false, reason: `Meldingen følger ikke HENT_JOURNAL: ${where}`, code: 'E101' };
  }
  const head = parsed.data.Envelope.Body.MsgHead;
  return {
    ok: true,
    request: {
      msgId: head.MsgInfo.MsgId,
      senderHerId: head.MsgInfo.Sender.Organisation.Ident.Id,
      receiverId: head.MsgInfo.Receiver.Organisation.Ident.Id,
      patients: head.Document.RefDoc.Content.JournalRequest.Patient.map((p) => ({ nin: p.Ident.Id, officeHerId: p.GpOffice.Ident.Id })),
    },
  };
}
