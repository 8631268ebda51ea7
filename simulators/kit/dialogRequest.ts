import { z } from 'zod';

/**
 * A KITH dialogue request as the products read it: a MsgHead v1.2 with a DIALOG_FORESPORSEL
 * (Dialogmelding 1.0) asking for health information (Volven 7322 code 8, Forespørsel om
 * helseopplysninger), addressed by HER-id from the asking party to the receiver, with the patient in
 * MsgInfo/Patient. The GP systems (simulators/gp-kith) and the PLO care system (simulators/care-plo) take
 * the same request in their own batch element and answer its faults with their own codes.
 */
const list = <T extends z.ZodType>(item: T) => z.preprocess((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]), z.array(item));

const herIdent = z.object({ Id: z.string().regex(/^\d{1,9}$/), TypeId: z.object({ '@_V': z.literal('HER') }) });
const organisation = z.object({ OrganisationName: z.string().min(1), Ident: list(z.object({ Id: z.string(), TypeId: z.object({ '@_V': z.string() }) })) });

/** The identity-number kinds (code list 8116) a product accepts in MsgInfo/Patient. */
export type IdKind = 'FNR' | 'DNR' | 'HNR';

function msgHead(kinds: readonly [IdKind, ...IdKind[]]) {
  return z.object({
    MsgInfo: z.object({
      Type: z.object({ '@_V': z.literal('DIALOG_FORESPORSEL') }),
      MIGversion: z.literal('v1.2 2006-05-24'),
      GenDate: z.string().min(1),
      MsgId: z.string().min(1),
      Sender: z.object({ Organisation: organisation }),
      Receiver: z.object({ Organisation: organisation }),
      Patient: z.object({
        Ident: list(z.object({ Id: z.string().regex(/^\d{11}$/), TypeId: z.object({ '@_V': z.enum(kinds) }) })).refine((i) => i.length === 1, 'one identity number'),
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
}

export interface Foresporsel {
  msgId: string;
  senderHerId: string;
  senderName: string;
  receiverHerId: string;
  nin: string;
  kind: IdKind;
  question: string | null;
}

/** Why a batch is refused: the product maps each to its own fault code. */
export type DialogRefusal = 'not-dialog' | 'no-her-id';

const her = (org: z.infer<typeof organisation>) => herIdent.safeParse(org.Ident.find((i) => i.TypeId['@_V'] === 'HER')).data?.Id ?? null;

/**
 * Reads the MsgHeads of a batch (one, or several: the parser makes one a bare object). `at` names where the
 * first wrong element is, a path and never a value (values are identity numbers).
 */
export function readDialogRequests(
  msgHeads: unknown,
  kinds: readonly [IdKind, ...IdKind[]],
): { ok: true; requests: Foresporsel[] } | { ok: false; refusal: DialogRefusal; at: string } {
  const parsed = list(msgHead(kinds))
    .refine((m) => m.length > 0, 'at least one MsgHead')
    .safeParse(msgHeads);
  if (!parsed.success) {
    return { ok: false, refusal: 'not-dialog', at: ['MsgHead', ...(parsed.error.issues[0]?.path.filter((p) => typeof p === 'string') ?? [])].join('/') };
  }
  const requests: Foresporsel[] = [];
  for (const m of parsed.data) {
    const senderHerId = her(m.MsgInfo.Sender.Organisation);
    const receiverHerId = her(m.MsgInfo.Receiver.Organisation);
    if (!senderHerId || !receiverHerId) return { ok: false, refusal: 'no-her-id', at: 'MsgHead/MsgInfo' };
    const ident = m.MsgInfo.Patient.Ident[0] as { Id: string; TypeId: { '@_V': IdKind } };
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
