import pino from 'pino';
import { Writable } from 'node:stream';
import { buildXml, parseXml } from './xml';
import { appRec, judgeAnswers, MalformedMessageError, readSourceReceipt, receiptsSettled, receivedMessage, ReceiptLedger, sendReceipts, type AnswerItem, type ReceivedMessage } from './appRec';
import { BadResponseError, SourceFault } from './errors';

/** A logger whose lines the test reads. */
function capturingLogger(): { logger: pino.Logger; lines: () => Record<string, unknown>[] } {
  const out: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      out.push(chunk.toString());
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines: () => out.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

const MSGHEAD = {
  MsgInfo: {
    Type: { '@_V': 'DIALOG_SVAR', '@_DN': 'Svar på forespørsel' },
    GenDate: '2026-12-06T10:15:00',
    MsgId: 'a6967e6a-8c0a-4be4-a647-c921d3086423',
    Sender: { Organisation: { OrganisationName: 'Nordnes legekontor', Ident: [{ Id: '81241', TypeId: { '@_V': 'HER' } }, { Id: '974600951', TypeId: { '@_V': 'ENH' } }] } },
    Receiver: { Organisation: { OrganisationName: 'Patient Graph', Ident: { Id: '90001', TypeId: { '@_V': 'HER' } } } },
  },
};
const US = { herId: '90001', name: 'Patient Graph' };

describe('application receipts (AppRec 1.0) on the adapters’ side', () => {
  it('reads what a receipt refers to from a MsgHead, leniently, and nothing when it could not refer to it', () => {
    expect(receivedMessage(MSGHEAD)).toEqual({
      type: { V: 'DIALOG_SVAR', DN: 'Svar på forespørsel' },
      genDate: '2026-12-06T10:15:00',
      msgId: 'a6967e6a-8c0a-4be4-a647-c921d3086423',
      sender: { herId: '81241', name: 'Nordnes legekontor' },
    });
    // Broken elsewhere (no patient, no documents) is still answerable.
    expect(receivedMessage({ MsgInfo: { ...MSGHEAD.MsgInfo, Patient: undefined } })).not.toBeNull();
    expect(receivedMessage({ MsgInfo: { ...MSGHEAD.MsgInfo, MsgId: '' } })).toBeNull();
    expect(receivedMessage({ MsgInfo: { ...MSGHEAD.MsgInfo, GenDate: '06.12.2026' } })).toBeNull();
    expect(receivedMessage({ MsgInfo: { ...MSGHEAD.MsgInfo, Sender: { Organisation: { Ident: { Id: '974600951', TypeId: { '@_V': 'ENH' } } } } } })).toBeNull();
    expect(receivedMessage(undefined)).toBeNull();
  });

  it('writes an AppRec from us to the message’s sender, referring to it by type, issue date and id; Avvist with an 8221 error', () => {
    const message = receivedMessage(MSGHEAD) as ReceivedMessage;
    const now = new Date('2026-12-06T09:16:00Z');
    const ok = parseXml(buildXml({ AppRec: appRec(message, { ok: true }, US, now, (n) => n) })).AppRec as Record<string, unknown>;
    expect(ok).toMatchObject({
      MsgType: { '@_V': 'APPREC', '@_DN': 'Applikasjonskvittering' },
      MIGversion: '1.0 2004-11-21',
      GenDate: '2026-12-06T10:16:00',
      Sender: { HCP: { Inst: { Name: 'Patient Graph', Id: '90001', TypeId: { '@_V': 'HER' } } } },
      Receiver: { HCP: { Inst: { Name: 'Nordnes legekontor', Id: '81241', TypeId: { '@_V': 'HER' } } } },
      Status: { '@_V': '1', '@_DN': 'OK' },
      OriginalMsgId: { MsgType: { '@_V': 'DIALOG_SVAR' }, IssueDate: '2026-12-06T10:15:00', Id: 'a6967e6a-8c0a-4be4-a647-c921d3086423' },
    });
    expect(ok.Error).toBeUndefined();
    const refused = parseXml(buildXml({ AppRec: appRec(message, { ok: false, error: 'E31', text: 'Svaret gjelder en annen pasient enn forespørselen' }, US, now, (n) => n) })).AppRec;
    expect(refused).toMatchObject({
      Status: { '@_V': '2', '@_DN': 'Avvist' },
      Error: { '@_V': 'E31', '@_S': '2.16.578.1.12.4.1.1.8221', '@_DN': 'Pasientens fødselsnummer er feil', '@_OT': 'Svaret gjelder en annen pasient enn forespørselen' },
    });
  });

  it('reads a source’s AppRec refusing a request as its fault, by codes only', () => {
    const receipt = readSourceReceipt({ Status: { '@_V': '2' }, Error: { '@_V': 'E21', '@_OT': 'Ingrid Solheim 03864013065' }, OriginalMsgId: { MsgType: { '@_V': 'DIALOG_FORESPORSEL' }, IssueDate: '2026-12-06T10:15:00', Id: 'm-1' } });
    expect(receipt).toEqual({ originalId: 'm-1', rejected: true, errorCode: 'E21' });
    expect(readSourceReceipt({ Status: { '@_V': '2' }, Error: { '@_V': 'Ingrid Solheim' }, OriginalMsgId: { MsgType: { '@_V': 'X' }, Id: 'm-1' } })?.errorCode).toBeNull();
    expect(readSourceReceipt({ Status: {} })).toBeNull();
  });

  it('judges every answer on its own: OK when it passes, Avvist with the reason when not, and the read fails on the first', () => {
    const message = (id: string) => ({ ...(receivedMessage(MSGHEAD) as ReceivedMessage), msgId: id });
    const answer = (ref: string, nin: string, sender = '81241', receiver = '90001') => ({ refToParent: ref, senderHerId: sender, receiverHerId: receiver, nin, record: { nin } });
    const items: AnswerItem<{ nin: string }>[] = [
      { kind: 'answer', message: message('a1'), answer: answer('r1', '11111111111') },
      { kind: 'answer', message: message('a2'), answer: answer('r2', '33333333333') },
      { kind: 'answer', message: message('a3'), answer: answer('r9', '22222222222') },
      { kind: 'answer', message: message('a4'), answer: answer('r2', '22222222222', '81242') },
      { kind: 'answer', message: message('a5'), answer: answer('r2', '22222222222', '81241', '90002') },
      { kind: 'answer', message: message('a6'), answer: answer('r1', '11111111111') },
      { kind: 'malformed', message: message('a7'), error: new MalformedMessageError('broken', 'T02', 'Svaret validerer ikke') },
    ];
    const { result, ledger } = judgeAnswers(items, [{ msgId: 'r1', nin: '11111111111' }, { msgId: 'r2', nin: '22222222222' }], { askedOf: () => '81241', us: '90001', noun: 'an answer', party: 'office' });
    expect([...result.keys()]).toEqual(['11111111111']);
    expect(ledger.summary()).toEqual({ '1': 1, '2:E31': 1, '2:E10': 1, '2:X99': 2, '2:E21': 1, '2:T02': 1 });
    expect(ledger.failure?.message).toBe('an answer about another patient than its request');
    const xml = buildXml({ L: { AppRec: ledger.appRecs(US, (n) => n) } });
    expect((parseXml(xml, ['AppRec']).L as { AppRec: { OriginalMsgId: { Id: string } }[] }).AppRec.map((a) => a.OriginalMsgId.Id)).toEqual(['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7']);
    // The source's own refusal fails the read as its fault; a receipt is never acknowledged.
    const refused = judgeAnswers([{ kind: 'receipt', receipt: { originalId: 'r1', rejected: true, errorCode: 'E21' } }], [{ msgId: 'r1', nin: '1' }], { askedOf: () => '1', us: '9', noun: 'x', party: 'y' });
    expect(refused.ledger.failure).toBeInstanceOf(SourceFault);
    expect(refused.ledger.failure?.message).toBe('answered a KITH AppRec fault (Avvist), error code E21');
    expect(refused.ledger.size).toBe(0);
    const unanswered = judgeAnswers([], [{ msgId: 'r1', nin: '1' }], { askedOf: () => '1', us: '9', noun: 'x', party: 'y' });
    expect(unanswered.ledger.failure?.message).toBe('a DIALOG_FORESPORSEL went unanswered');
  });

  it('sends without the read waiting, and logs a failure by its code only', async () => {
    const { logger, lines } = capturingLogger();
    let called = false;
    let release: () => void = () => undefined;
    const delivered = new Promise<void>((resolve) => (release = resolve));
    sendReceipts({
      source: 'gp-nordlys-vest',
      summary: { '1': 2 },
      logger,
      deliver: async () => {
        called = true;
        await delivered;
      },
    });
    // sendReceipts returned before the receipts were delivered.
    expect(called).toBe(true);
    expect(lines()).toEqual([]);
    release();
    await receiptsSettled();
    expect(lines()).toEqual([expect.objectContaining({ source: 'gp-nordlys-vest', receipts: { '1': 2 }, msg: 'application receipts delivered' })]);

    const failing = capturingLogger();
    sendReceipts({ source: 'gp', summary: { '2:E31': 1 }, logger: failing.logger, deliver: () => Promise.reject(new Error('Ingrid Solheim 03864013065 could not be acknowledged')) });
    sendReceipts({
      source: 'gp',
      summary: { '1': 1 },
      logger: failing.logger,
      deliver: () => {
        throw new TypeError('thrown at once');
      },
    });
    await receiptsSettled();
    const logged = JSON.stringify(failing.lines());
    expect(failing.lines().map((l) => [l.msg, l.code]).sort()).toEqual([
      ['application receipts not delivered', 'Error'],
      ['application receipts not delivered', 'TypeError'],
    ]);
    expect(logged).not.toMatch(/Ingrid|03864013065/);
  });

  it('keeps nothing to acknowledge out of the ledger: a message that cannot be referred to fails the read without a receipt', () => {
    const ledger = new ReceiptLedger();
    ledger.refuse(null, 'T02', 'x', new BadResponseError('broken'));
    expect(ledger.size).toBe(0);
    expect(ledger.failure?.message).toBe('broken');
  });
});
