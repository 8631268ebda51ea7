// @ts-check
/**
 * Messages: a question to my GP office or my home-care service (a service of my care team, by its HER-id), and the
 * threads about me between my services. The form stays in place while the list below it is fetched again.
 */
import { actionOutcome } from './actions.js';
import { h, replace } from './dom.js';
import { idempotencyKey, radioGroup, resultRegion, textField } from './forms.js';
import { errorsUnder, withheldForProtection } from './graphql.js';
import { MY_MESSAGES, SEND_MESSAGE } from './operations.js';
import { messageThreads } from './sections.js';

/**
 * @typedef {import('./graphql.js').GraphQLResult} GraphQLResult
 * @typedef {(query: string, operationName: string, variables?: Record<string, unknown>) => Promise<GraphQLResult>} Request
 * @typedef {{ request: Request, me: any, errors: import('./graphql.js').GraphQLError[], capabilities: import('./main.js').Capabilities, expired(text: string): void }} Context
 */

/**
 * The services I can write to: my GP office and my home-care (or nursing-home) service, current members of my care
 * team whose HER-id I may see.
 * @param {any} me
 */
export function messageRecipients(me) {
  /** @type {Map<string, { value: string, label: string }>} */
  const recipients = new Map();
  for (const member of me.careTeam ?? []) {
    if (!member.herId || !member.service || recipients.has(member.herId)) continue;
    if (member.role === 'REGULAR_GP' || member.role === 'GP_OFFICE') {
      recipients.set(member.herId, { value: member.herId, label: `Fastlegekontoret: ${member.service}` });
    } else if (member.role === 'PRIMARY_CONTACT' && member.sector === 'MUNICIPAL_CARE') {
      recipients.set(member.herId, { value: member.herId, label: `Hjemmetjenesten: ${member.service}` });
    }
  }
  return [...recipients.values()];
}

/**
 * @param {Context} ctx
 */
export function messagesSection(ctx) {
  const list = h('div', { class: 'thread-list' });
  const path = ['me', 'messages'];
  replace(list, messageThreads(ctx.me.messages, ctx.errors, path));
  const refresh = resultRegion();
  const refreshButton = h('button', { type: 'button', class: 'secondary' }, 'Hent meldingene på nytt');
  refreshButton.addEventListener('click', async () => {
    refresh.say('Henter meldingene …');
    if (await reloadThreads(ctx, list)) refresh.say('Meldingene er hentet på nytt.', 'ok');
    else refresh.say('Vi fikk ikke hentet meldingene. Prøv igjen senere.', 'error');
  });
  return [
    h('h3', {}, 'Skriv til fastlegekontoret eller hjemmetjenesten'),
    sendForm(ctx, () => reloadThreads(ctx, list)),
    h('h3', {}, 'Meldinger om deg mellom tjenestene'),
    h('p', { class: 'lead' }, 'Her ser du også meldingene tjenestene sender hverandre om deg, og svarene.'),
    h('div', { class: 'actions' }, refreshButton),
    refresh.element,
    list,
  ];
}

/**
 * @param {Context} ctx
 * @param {HTMLElement} list
 * @returns {Promise<boolean>} whether the messages came
 */
async function reloadThreads(ctx, list) {
  const result = await ctx.request(MY_MESSAGES, 'MyMessages');
  if (result.status === 401) {
    ctx.expired('Innloggingen din er utløpt. Logg inn igjen.');
    return false;
  }
  const threads = result.data?.me ? result.data.me.messages : null;
  replace(list, messageThreads(threads, result.errors, ['me', 'messages']));
  return threads !== null;
}

/**
 * @param {Context} ctx
 * @param {() => Promise<unknown>} sent called after a message was sent
 */
function sendForm(ctx, sent) {
  const recipients = messageRecipients(ctx.me);
  if (recipients.length === 0) {
    const withheld = errorsUnder(ctx.errors, ['me', 'careTeam']).some(withheldForProtection);
    return h(
      'p',
      { class: 'notice' },
      withheld
        ? 'Du kan ikke skrive herfra: hvem tjenestene dine er, vises ikke fordi du har strengt fortrolig adresse. Kontakt fastlegekontoret ditt direkte.'
        : 'Du kan ikke skrive herfra: vi fant ingen fastlege eller hjemmetjeneste som kan ta imot meldinger fra deg.',
    );
  }
  const recipient = radioGroup({ legend: 'Hvem vil du skrive til?', name: 'recipient', options: recipients });
  const subject = textField({ label: 'Emne', name: 'subject', maxLength: 200, hint: 'Kort om hva det gjelder, for eksempel «Spørsmål om Metoprolol». Høyst 200 tegn.' });
  const text = textField({
    label: 'Melding',
    name: 'text',
    multiline: true,
    maxLength: 10000,
    hint: 'Skriv ikke om noe som haster. Ring legevakten på 116 117, eller 113 hvis det er fare for liv.',
  });
  const result = resultRegion();
  const button = h('button', { type: 'submit' }, 'Send meldingen');
  const form = /** @type {HTMLFormElement} */ (
    h('form', { class: 'action-form', novalidate: true, 'aria-label': 'Skriv en melding' }, recipient.element, subject.element, text.element, h('div', { class: 'actions' }, button), result.element)
  );
  /** The key of the message being sent: kept while it is the same message, so sending it again cannot send two. */
  let key = /** @type {string | null} */ (null);
  form.addEventListener('input', () => {
    key = null;
  });
  let busy = false;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (busy) return;
    const to = recipient.value();
    const subjectText = subject.control.value.trim();
    const body = text.control.value;
    recipient.setError(to ? null : 'Velg hvem du vil skrive til.');
    subject.setError(subjectText ? (subjectText.length > 200 ? 'Emnet kan ha høyst 200 tegn.' : null) : 'Skriv et emne.');
    text.setError(body.trim() ? (body.length > 10000 ? 'Meldingen kan ha høyst 10 000 tegn.' : null) : 'Skriv meldingen.');
    const invalid = [!to ? recipient : null, !subjectText || subjectText.length > 200 ? subject : null, !body.trim() || body.length > 10000 ? text : null].filter(
      (f) => f !== null,
    );
    if (invalid.length > 0) {
      result.say(`Meldingen ble ikke sendt. Rett ${invalid.length === 1 ? 'feltet' : `de ${invalid.length} feltene`} som er merket.`, 'error');
      invalid[0]?.focus();
      return;
    }
    key = key ?? idempotencyKey('melding');
    /** @type {Record<string, unknown>} */
    const input = { idempotencyKey: key, recipientHerId: to, kind: 'QUESTION', subject: subjectText, text: body };
    // Where the input still asks which patient the message is about, it is the citizen herself (in the body, never a URL).
    if (ctx.capabilities.sendMessageInput.has('patient')) input.patient = ctx.me.nin;
    busy = true;
    button.setAttribute('aria-disabled', 'true');
    result.say('Sender meldingen …');
    try {
      const outcome = actionOutcome(await ctx.request(SEND_MESSAGE, 'SendMessage', { input }), 'sendMessage');
      if (outcome.ok) {
        const to_ = recipients.find((r) => r.value === to)?.label.replace(/^[^:]*: /, '') ?? 'tjenesten';
        result.say(
          outcome.payload.replayed
            ? `Meldingen var allerede sendt til ${to_}. Den ble ikke sendt på nytt.`
            : `Meldingen er sendt til ${to_}. Du finner den og svaret i listen under.`,
          'ok',
        );
        form.reset();
        for (const field of [recipient, subject, text]) field.setError(null);
        key = null;
        await sent();
        return;
      }
      if (outcome.expired) {
        ctx.expired(outcome.text);
        return;
      }
      const fields = { recipientHerId: recipient, subject, text };
      const field = outcome.field && Object.hasOwn(fields, outcome.field) ? fields[/** @type {keyof typeof fields} */ (outcome.field)] : null;
      if (field) {
        field.setError(outcome.text);
        field.focus();
      }
      // A refusal changed nothing: the next try is a new message. An unknown outcome keeps the key, so a retry cannot send two.
      if (!outcome.unknownOutcome) key = null;
      result.say(outcome.text, 'error');
    } finally {
      busy = false;
      button.removeAttribute('aria-disabled');
    }
  });
  return form;
}
