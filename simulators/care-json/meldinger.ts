import { z } from 'zod';
import { osloLocalToUtc, utcToOsloLocal, isValidLocalDateTime } from '../../lib/osloTime';
import type { SimulatorContext } from '../kit/definition';
import type { HeldMessage, HeldParty, MessageKind } from '../kit/messageStore';
import { checkParties, receiveMessage, type MessageRefusal, type MessagingSystem } from '../kit/messaging';
import { norskDato } from './tjenestemottaker';

/**
 * Dialogue messages in the vendor's JSON export (issue 15): `POST /api/v2/meldinger` takes one message about a care
 * recipient for one of the municipality's services, with the export's Norwegian field names and dates, and answers
 * the vendor's own receipt (`kvittering`):
 * - 201 `{ kvittering: { meldingId, status: "MOTTATT", feilkode: "", beskrivelse: "", mottatt } }` when taken, 200 with
 *   the very same receipt when the same `meldingId` comes again from the same sender (nothing stored twice);
 * - 422 with `status: "AVVIST"` and a `feilkode` of the vendor's (UKJENT_MOTTAKER, UKJENT_PASIENT, UKJENT_AVSENDER,
 *   UGYLDIG_MELDING) when it refuses it at application level; the same again for the same id;
 * - 400 `{ feilkode, melding }` (the export's error body) when the call cannot be read as a message at all.
 * The export (`tjenestemottakere/sok`) lists each recipient's messages under `meldinger`, oldest first.
 */
export const MESSAGE_PATH = '/api/v2/meldinger';

const TYPE: Record<MessageKind, string> = { QUESTION: 'SPORSMAL', ANSWER: 'SVAR', NOTE: 'NOTAT' };
const KIND = Object.fromEntries(Object.entries(TYPE).map(([kind, type]) => [type, kind])) as Record<string, MessageKind>;

/** The vendor's refusal codes for the graph's Volven 8221 reasons. */
const FEILKODE: Record<MessageRefusal['code'], string> = {
  E21: 'UKJENT_MOTTAKER',
  E35: 'UKJENT_PASIENT',
  X99: 'UKJENT_AVSENDER',
  T02: 'UGYLDIG_MELDING',
  T10: 'UGYLDIG_MELDING',
  T99: 'UGYLDIG_MELDING',
};

const blank = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' || v === undefined ? null : v), schema.nullable());
const part = z.object({
  herId: z.string().regex(/^\d{1,9}$/),
  tjeneste: z.string().trim().min(1),
  organisasjonsnummer: blank(z.string().regex(/^\d{9}$/)),
  hprNummer: blank(z.string().regex(/^\d{1,9}$/)),
  navn: blank(z.string().trim().min(1)),
});
/** `dd.mm.yyyy HH:mm:ss`, Norwegian wall-clock time: a message keeps its second. */
const TIDSPUNKT = /^(\d{2})\.(\d{2})\.(\d{4}) (\d{2}):(\d{2}):(\d{2})$/;
const tidspunkt = z
  .string()
  .regex(TIDSPUNKT)
  .transform((v) => v.replace(TIDSPUNKT, '$3-$2-$1T$4:$5:$6'))
  .refine(isValidLocalDateTime, 'ikke et tidspunkt')
  .transform(osloLocalToUtc);

export const meldingSchema = z.object({
  meldingId: z.string().trim().min(1).max(100),
  samtaleId: z.string().trim().min(1).max(100),
  svarPaMeldingId: blank(z.string().trim().min(1).max(100)),
  type: z.enum(['SPORSMAL', 'SVAR', 'NOTAT']),
  sendt: tidspunkt,
  fodselsnummer: z.string().regex(/^\d{11}$/),
  avsender: part,
  mottaker: part,
  emne: z.string().trim().min(1).max(200),
  tekst: z.string().trim().min(1).max(100_000),
});

/** An instant as the export writes a message's time: `dd.mm.yyyy HH:mm:ss` on the Norwegian wall clock. */
export function meldingTidspunkt(isoUtc: string): string {
  const local = utcToOsloLocal(isoUtc);
  return `${norskDato(local.slice(0, 10))} ${local.slice(11, 19)}`;
}

const partOut = (p: HeldParty) => ({ herId: p.herId, tjeneste: p.service, organisasjonsnummer: p.orgNumber ?? '', hprNummer: p.hprNumber ?? '', navn: p.name ?? '' });

/** A message as the export lists it under a recipient (the patient is the recipient it is listed under). */
export function melding(m: HeldMessage): Record<string, unknown> {
  return {
    meldingId: m.id,
    samtaleId: m.conversationRef,
    svarPaMeldingId: m.inReplyTo ?? '',
    type: TYPE[m.kind],
    sendt: meldingTidspunkt(m.sentAt),
    avsender: partOut(m.sender),
    mottaker: partOut(m.recipient),
    emne: m.subject,
    tekst: m.text,
  };
}

export interface Kvittering {
  meldingId: string;
  status: 'MOTTATT' | 'AVVIST';
  feilkode: string;
  beskrivelse: string;
  mottatt: string;
}

/**
 * Takes one message body: the HTTP status and body to answer, the same for the same message id from the same sender.
 * Null when the body is not a message with an id and a sender (the caller answers 400 with the export's error).
 */
export function takeMelding(context: SimulatorContext, system: MessagingSystem, body: unknown): { status: number; body: { kvittering: Kvittering } } | null {
  const raw = body as { meldingId?: unknown; avsender?: { herId?: unknown }; type?: unknown } | null;
  const id = typeof raw?.meldingId === 'string' ? raw.meldingId.trim() : '';
  const sender = typeof raw?.avsender?.herId === 'string' ? raw.avsender.herId : '';
  if (!id || !sender) {
    context.observe('message:received');
    context.observe('message:unreadable');
    return null;
  }
  const taken = receiveMessage(context, system, sender, id, () => {
    const parsed = meldingSchema.safeParse(body);
    const kind = typeof raw?.type === 'string' ? (KIND[raw.type] ?? null) : null;
    const receipt = (refusal: MessageRefusal | null): Kvittering => ({
      meldingId: id,
      status: refusal ? 'AVVIST' : 'MOTTATT',
      feilkode: refusal ? FEILKODE[refusal.code] : '',
      beskrivelse: refusal?.text ?? '',
      mottatt: meldingTidspunkt(new Date().toISOString()),
    });
    if (!parsed.success) {
      const where = parsed.error.issues[0]?.path.join('.') ?? '';
      const refusal: MessageRefusal = { code: 'T02', text: `Meldingen kan ikke leses: ${where}` };
      return { kind, refusal, message: null, receipt: receipt(refusal) };
    }
    const m = parsed.data;
    const message: HeldMessage = {
      id: m.meldingId,
      conversationRef: m.samtaleId,
      inReplyTo: m.svarPaMeldingId,
      kind: KIND[m.type] as MessageKind,
      sentAt: m.sendt,
      sender: { herId: m.avsender.herId, service: m.avsender.tjeneste, orgNumber: m.avsender.organisasjonsnummer, hprNumber: m.avsender.hprNummer, name: m.avsender.navn },
      recipient: { herId: m.mottaker.herId, service: m.mottaker.tjeneste, orgNumber: m.mottaker.organisasjonsnummer, hprNumber: m.mottaker.hprNummer, name: m.mottaker.navn },
      subject: m.emne,
      text: m.tekst,
      patientNin: m.fodselsnummer,
    };
    const answerWithoutQuestion = message.kind === 'ANSWER' && !message.inReplyTo ? ({ code: 'T02', text: 'Et svar viser til meldingen det svarer på (svarPaMeldingId)' } as const) : null;
    const refusal = answerWithoutQuestion ?? checkParties(context, system, message);
    return { kind: message.kind, refusal, message: refusal ? null : message, receipt: receipt(refusal) };
  });
  const kvittering = taken.receipt;
  return { status: kvittering.status === 'AVVIST' ? 422 : taken.repeated ? 200 : 201, body: { kvittering } };
}

