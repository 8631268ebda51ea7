import { z } from 'zod';
import { CODE_LISTS, type CodeList } from '../../codelists';
import type { OriginalMessage, Refusal } from './appRec';

/**
 * A KITH dialogue request as the products read it: a MsgHead v1.2 with a DIALOG_FORESPORSEL (Dialogmelding 1.0,
 * namespace 2006-10-11) asking for health information, addressed by HER-id from the asking party to the receiver,
 * with the patient in MsgInfo/Patient. The GP systems (simulators/gp-kith) and the PLO care system
 * (simulators/care-plo) take the same request in their own batch element; each refuses a message it cannot take by
 * application receipt (simulators/kit/appRec.ts), and a batch it cannot read at all with a fault of its own codes.
 *
 * Dialogmelding 1.0 takes its codes from the lists of its own era (codelists/kith-dialog.json): TypeForesp from
 * Volven 9152 (type of information, from pleie og omsorg) or 9065 (type of journal request), and, since every
 * request here concerns health information, a purpose: Formål from 9068 or a Begrunnelse (the 1.0 schema's
 * annotation on Foresporsel). A code from Volven 7322 (Tema for helsefaglig dialog) is Dialogmelding 1.1's and is
 * refused in a 1.0 message, as is a code its list does not hold.
 */
const list = <T extends z.ZodType>(item: T) => z.preprocess((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]), z.array(item));

const herIdent = z.object({ Id: z.string().regex(/^\d{1,9}$/), TypeId: z.object({ '@_V': z.literal('HER') }) });
const organisation = z.object({ OrganisationName: z.string().min(1), Ident: list(z.object({ Id: z.string(), TypeId: z.object({ '@_V': z.string() }) })) });

/** A code as KITH writes it, from one of `lists` (S the list's bare OID, V one of its codes); DN is the sender's text. */
function codeOf(lists: readonly CodeList[]) {
  return z
    .object({ '@_V': z.string(), '@_S': z.string(), '@_DN': z.string().optional() })
    .refine((c) => lists.some((l) => l.oid === c['@_S'] && l.entries.some((e) => e.code === c['@_V'])), {
      message: `a code of Volven ${lists.map((l) => l.oid?.split('.').pop()).join(' or ')}`,
    })
    .transform((c) => ({ V: c['@_V'], S: c['@_S'], DN: c['@_DN'] ?? null }));
}

/** A code as a request carried it. */
export interface ReceivedCode {
  V: string;
  S: string;
  DN: string | null;
}

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
              Foresporsel: z
                .object({
                  TypeForesp: codeOf([CODE_LISTS.dialogRequestType, CODE_LISTS.dialogJournalRequestType]),
                  Sporsmal: z.string().optional(),
                  Formål: codeOf([CODE_LISTS.dialogPurpose]).optional(),
                  Begrunnelse: z.string().min(1).optional(),
                })
                .refine((f) => f.Formål !== undefined || f.Begrunnelse !== undefined, { message: 'a request for health information states its purpose (Formål or Begrunnelse)', path: ['Formål'] }),
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
  /** TypeForesp as sent (9152 or 9065): an answer repeats the request. */
  type: ReceivedCode;
  /** Formål as sent (9068), if the purpose was coded rather than described. */
  purpose: ReceivedCode | null;
  /** Begrunnelse as sent, if any. */
  reason: string | null;
}

/**
 * Why a whole batch is refused, before any message is read: a message that cannot be referred to (no MsgId, type or
 * GenDate) or answered (no HER-id), so that no application receipt could be addressed to it. The product maps each to
 * its own fault code.
 */
export type DialogRefusal = 'not-dialog' | 'no-her-id';

/**
 * One message of a batch: a request read, or refused with an application receipt's error (Volven 8221) and a text
 * that quotes nothing from the message.
 */
export type DialogMessage = { ok: true; original: OriginalMessage; request: Foresporsel } | ({ ok: false } & Refusal);

const her = (org: z.infer<typeof organisation>) => herIdent.safeParse(org.Ident.find((i) => i.TypeId['@_V'] === 'HER')).data?.Id ?? null;

/** What every message of a batch must have for a receipt to refer to it and reach its sender. */
const identity = z.object({
  MsgInfo: z.object({
    Type: z.object({ '@_V': z.string().min(1), '@_DN': z.string().optional() }),
    GenDate: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/),
    MsgId: z.string().min(1),
    Sender: z.object({ Organisation: organisation }),
    Receiver: z.object({ Organisation: organisation }),
  }),
});

/** Where a zod issue is, as a path of element names (never a value: values are identity numbers). */
const pathOf = (issue: z.core.$ZodIssue | undefined) => (issue?.path ?? []).filter((p) => typeof p === 'string').join('/');

/**
 * Reads the MsgHeads of a batch (one, or several: the parser makes one a bare object), each on its own: a
 * DIALOG_FORESPORSEL that follows Dialogmelding 1.0 is a request; another message type (T10), one that breaks the
 * schema (T02) or the code lists of 1.0 (T99) is refused by receipt. The whole batch is refused (`at` names where,
 * a path and never a value) only when a message cannot be referred to or answered.
 */
export function readDialogRequests(
  msgHeads: unknown,
  kinds: readonly [IdKind, ...IdKind[]],
): { ok: true; messages: DialogMessage[] } | { ok: false; refusal: DialogRefusal; at: string } {
  const all = list(z.unknown()).safeParse(msgHeads);
  if (!all.success || all.data.length === 0) return { ok: false, refusal: 'not-dialog', at: 'MsgHead' };
  const messages: DialogMessage[] = [];
  for (const raw of all.data) {
    const head = identity.safeParse(raw);
    if (!head.success) return { ok: false, refusal: 'not-dialog', at: ['MsgHead', pathOf(head.error.issues[0])].join('/') };
    const info = head.data.MsgInfo;
    const senderHerId = her(info.Sender.Organisation);
    const receiverHerId = her(info.Receiver.Organisation);
    if (!senderHerId || !receiverHerId) return { ok: false, refusal: 'no-her-id', at: 'MsgHead/MsgInfo' };
    const original: OriginalMessage = {
      msgId: info.MsgId,
      type: { V: info.Type['@_V'], DN: info.Type['@_DN'] ?? null },
      genDate: info.GenDate,
      sender: { herId: senderHerId, name: info.Sender.Organisation.OrganisationName },
      receiver: { herId: receiverHerId, name: info.Receiver.Organisation.OrganisationName },
    };
    if (info.Type['@_V'] !== 'DIALOG_FORESPORSEL') {
      messages.push({ ok: false, original, error: 'T10', text: 'Tjenesten tar bare imot DIALOG_FORESPORSEL' });
      continue;
    }
    const parsed = msgHead(kinds).safeParse(raw);
    if (!parsed.success) {
      // A code outside the lists of Dialogmelding 1.0, or no purpose, breaks the profile rather than the schema.
      const profile = parsed.error.issues.find((i) => i.code === 'custom' && i.path.some((p) => p === 'TypeForesp' || p === 'Formål'));
      messages.push(
        profile
          ? { ok: false, original, error: 'T99', text: `Dialogmelding 1.0: ${pathOf(profile).split('/').pop() ?? ''}: ${profile.message}` }
          : { ok: false, original, error: 'T02', text: `Meldingen følger ikke DIALOG_FORESPORSEL: ${pathOf(parsed.error.issues[0])}` },
      );
      continue;
    }
    const m = parsed.data;
    const ident = m.MsgInfo.Patient.Ident[0] as { Id: string; TypeId: { '@_V': IdKind } };
    const foresporsel = m.Document[0]?.RefDoc.Content.Dialogmelding.Foresporsel;
    messages.push({
      ok: true,
      original,
      request: {
        msgId: m.MsgInfo.MsgId,
        senderHerId,
        senderName: m.MsgInfo.Sender.Organisation.OrganisationName,
        receiverHerId,
        nin: ident.Id,
        kind: ident.TypeId['@_V'],
        question: foresporsel?.Sporsmal ?? null,
        type: foresporsel?.TypeForesp as ReceivedCode,
        purpose: foresporsel?.Formål ?? null,
        reason: foresporsel?.Begrunnelse ?? null,
      },
    });
  }
  return { ok: true, messages };
}

/**
 * The request as an answer repeats it (Dialogmelding 1.0: a Notat answering a Foresporsel carries it), with the
 * codes as they were sent, in the schema's order; `q` qualifies element names with the product's prefix.
 */
export function repeatedRequest(request: Foresporsel, q: (name: string) => string): Record<string, unknown> {
  const code = (c: ReceivedCode) => ({ '@_V': c.V, '@_S': c.S, ...(c.DN ? { '@_DN': c.DN } : {}) });
  return {
    [q('TypeForesp')]: code(request.type),
    ...(request.question ? { [q('Sporsmal')]: request.question } : {}),
    ...(request.purpose ? { [q('Formål')]: code(request.purpose) } : {}),
    ...(request.reason ? { [q('Begrunnelse')]: request.reason } : {}),
  };
}
