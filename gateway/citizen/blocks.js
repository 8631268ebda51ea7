// @ts-check
/**
 * Blocks (sperringer, pasientjournalloven § 17): the ones I have set, each with a button to lift it, and a form to
 * set a new one on a named person in the health service, an organisation, or one of my documents. Shown only when
 * the running graph has them (Patient.blocks, Mutation.setBlock, Mutation.liftBlock: see main.js's capabilities).
 */
import { actionOutcome } from './actions.js';
import { h, newId, replace } from './dom.js';
import { idempotencyKey, radioGroup, resultRegion, selectField, textField } from './forms.js';
import { LIFT_BLOCK, MY_BLOCKS, SET_BLOCK } from './operations.js';
import { missingPart } from './sections.js';
import * as words from './text.js';

/** @typedef {import('./messages.js').Context} Context */

const OTHER = 'annet';

/**
 * Whom and what a block can name, from what the record already shows: the people and organisations of my care
 * team and of my access log, the hospitals that hold my record, and my hospital documents.
 * @param {any} me
 */
export function blockCandidates(me) {
  /** @type {Map<string, string>} */
  const persons = new Map();
  /** @type {Map<string, string>} */
  const organisations = new Map();
  /** @type {Map<string, string>} */
  const documents = new Map();
  for (const member of me.careTeam ?? []) {
    const hpr = member.practitioner?.hprNumber;
    const name = member.practitioner?.name?.text ?? member.name;
    if (hpr && name && !persons.has(hpr)) persons.set(hpr, [name, member.service ?? member.organisation].filter(Boolean).join(', '));
  }
  for (const entry of me.accessLog ?? []) {
    const hpr = entry.accessor?.practitioner?.hprNumber;
    const name = entry.accessor?.practitioner?.name?.text;
    if (hpr && name && !persons.has(hpr)) persons.set(hpr, [name, entry.accessor.organisation].filter(Boolean).join(', '));
    const orgNumber = entry.accessor?.orgNumber;
    if (orgNumber && entry.accessor.organisation && !organisations.has(orgNumber)) organisations.set(orgNumber, entry.accessor.organisation);
  }
  const office = me.generalPractitioner?.office;
  if (office?.orgNumber && office.name && !organisations.has(office.orgNumber)) organisations.set(office.orgNumber, office.name);
  for (const record of me.hospitalRecords ?? []) {
    if (!record) continue;
    if (record.orgNumber && record.hospital && !organisations.has(record.orgNumber)) organisations.set(record.orgNumber, record.hospital);
    for (const document of record.documents ?? []) {
      const title = document.title ?? words.DOCUMENT_KIND[document.kind] ?? 'Dokument';
      // By the hospital's id of it (`sourceId`, not the global `id`): what setBlock takes and a block's documentIds list.
      documents.set(document.sourceId, [title, words.when(document.date, { short: true }), record.hospital].filter(Boolean).join(', '));
    }
  }
  const sorted = (/** @type {Map<string, string>} */ map) => [...map].map(([value, label]) => ({ value, label })).sort((a, b) => a.label.localeCompare(b.label, 'nb'));
  return { persons: sorted(persons), organisations: sorted(organisations), documents: sorted(documents) };
}

/**
 * What a block keeps out, in a sentence: «Martin Aasen (HPR-nummer 1234567) kan ikke lese journalen din.»
 * @param {any} block
 * @param {ReturnType<typeof blockCandidates>} candidates
 */
export function describeBlock(block, candidates) {
  const named = (/** @type {{ value: string, label: string }[]} */ list, /** @type {string | null | undefined} */ value) =>
    list.find((c) => c.value === value)?.label ?? null;
  const documents = (block.documentIds ?? []).map((/** @type {string} */ id) => named(candidates.documents, id) ?? id);
  const covers = documents.length > 0 ? ` Gjelder ${documents.length === 1 ? 'dokumentet' : 'dokumentene'} ${words.list(documents)}.` : '';
  switch (block.kind) {
    case 'PRACTITIONER': {
      const hpr = block.practitioner?.hprNumber;
      const who = block.practitioner?.name?.text ?? named(candidates.persons, hpr)?.split(',')[0];
      return `${who ?? 'En person i helsetjenesten'}${hpr ? ` (HPR-nummer ${hpr})` : ''} kan ikke lese ${documents.length > 0 ? 'dem' : 'journalen din'}.${covers}`;
    }
    case 'ORGANISATION': {
      const which = block.organisation ?? named(candidates.organisations, block.orgNumber);
      return `${which ?? 'En virksomhet'}${block.orgNumber ? ` (organisasjonsnummer ${block.orgNumber})` : ''} kan ikke lese ${documents.length > 0 ? 'dem' : 'journalen din'}.${covers}`;
    }
    case 'DOCUMENT':
    case 'EVERYONE':
      return `Bare ${block.holder ?? 'sykehuset som har opplysningene'} kan lese ${documents.length > 0 ? 'dem' : 'opplysningene'}.${covers}`;
    default:
      return `En sperring (${block.kind}).${covers}`;
  }
}

/**
 * @param {Context} ctx
 */
export function blocksSection(ctx) {
  const { capabilities } = ctx;
  const intro = h(
    'p',
    { class: 'lead' },
    'Du kan sperre opplysninger i journalen din, slik at en bestemt person, en virksomhet eller alle utenfor sykehuset som har et dokument, ikke kan lese dem. Den du sperrer, får ikke se dem gjennom denne tjenesten, heller ikke med nødtilgang. Du kan oppheve en sperring du har satt selv.',
  );
  const consents = h(
    'p',
    {},
    'Samtykker du har gitt, for eksempel til at andre tjenester kan lese den individuelle planen din, vises hos tjenesten som har planen.',
  );
  if (!capabilities.blocks && !capabilities.setBlock) {
    return [
      intro,
      h('p', { class: 'notice' }, h('strong', {}, 'Kommer snart. '), 'Her vil du se sperringene dine og kunne sette og oppheve dem selv. Det er ikke åpnet ennå.'),
      consents,
    ];
  }
  const candidates = blockCandidates(ctx.me);
  const listHeadingId = newId('sperringer');
  const listHeading = h('h3', { id: listHeadingId, tabindex: '-1' }, 'Sperringene dine');
  const list = h('div', { class: 'block-list' });
  const listResult = resultRegion();
  /** Keys of the lifts under way: a lift sent again after a lost answer is the same lift. */
  const liftKeys = new Map();

  const reload = async () => {
    const result = await ctx.request(MY_BLOCKS, 'MyBlocks');
    if (result.status === 401) {
      ctx.expired('Innloggingen din er utløpt. Logg inn igjen.');
      return;
    }
    const blocks = result.data?.me?.blocks;
    if (!blocks) {
      replace(list, missingPart(result.errors[0], 'sperringene dine'));
      return;
    }
    if (blocks.length === 0) {
      replace(list, h('p', {}, 'Du har ingen sperringer.'));
      return;
    }
    replace(
      list,
      h(
        'ul',
        { class: 'cards blocks' },
        blocks.map((/** @type {any} */ block) => {
          const description = describeBlock(block, candidates);
          const button = h('button', { type: 'button', class: 'secondary' }, 'Opphev sperringen', h('span', { class: 'visually-hidden' }, `: ${description}`));
          button.addEventListener('click', () => void lift(block, description));
          return h(
            'li',
            { class: 'card' },
            h('p', { class: 'block-kind' }, h('strong', {}, words.BLOCK_KIND[block.kind] ?? block.kind)),
            h('p', {}, description),
            h(
              'p',
              { class: 'block-meta' },
              block.setByPatient ? 'Satt av deg' : 'Registrert av sykehuset. Vil du endre den, ta kontakt med sykehuset.',
              block.since ? [' (', h('time', { datetime: block.since }, words.when(block.since, { short: true })), ')'] : null,
            ),
            capabilities.liftBlock && block.setByPatient ? h('div', { class: 'actions' }, button) : null,
          );
        }),
      ),
    );
  };

  /**
   * @param {any} block
   * @param {string} description
   */
  const lift = async (block, description) => {
    const key = liftKeys.get(block.id) ?? idempotencyKey('opphev');
    liftKeys.set(block.id, key);
    listResult.say('Opphever sperringen …');
    const outcome = actionOutcome(await ctx.request(LIFT_BLOCK, 'LiftBlock', { input: { idempotencyKey: key, blockId: block.id } }), 'liftBlock');
    if (outcome.ok) {
      liftKeys.delete(block.id);
      await reload();
      listResult.say(`Sperringen er opphevet. ${description.replace(' kan ikke lese journalen din.', ' kan igjen lese journalen din når de har grunn til det.')}`, 'ok');
      // The button pressed is gone with the block: focus goes to the list's heading, not to the top of the page.
      listHeading.focus();
      return;
    }
    if (outcome.expired) {
      ctx.expired(outcome.text);
      return;
    }
    if (!outcome.unknownOutcome) liftKeys.delete(block.id);
    listResult.say(outcome.text, 'error');
  };

  if (capabilities.blocks) void reload();
  else replace(list, h('p', {}, 'Listen over sperringene dine er ikke åpnet ennå.'));

  return [
    intro,
    listHeading,
    listResult.element,
    list,
    capabilities.setBlock ? [h('h3', {}, 'Sett en ny sperring'), setForm(ctx, candidates, reload)] : null,
    consents,
  ];
}

/**
 * @param {Context} ctx
 * @param {ReturnType<typeof blockCandidates>} candidates
 * @param {() => Promise<void>} changed
 */
function setForm(ctx, candidates, changed) {
  const kind = radioGroup({
    legend: 'Hva vil du sperre?',
    name: 'block-kind',
    options: [
      { value: 'PRACTITIONER', label: words.BLOCK_KIND.PRACTITIONER ?? '', hint: 'For eksempel en lege eller sykepleier' },
      { value: 'ORGANISATION', label: words.BLOCK_KIND.ORGANISATION ?? '', hint: 'Alle som arbeider der' },
      { value: 'DOCUMENT', label: words.BLOCK_KIND.DOCUMENT ?? '', hint: 'Bare sykehuset som har dokumentet, kan lese det' },
    ],
  });
  const person = selectField({
    label: 'Hvem vil du sperre?',
    name: 'block-person',
    placeholder: 'Velg en person',
    hint: 'Personer som har ansvar for deg eller har lest journalen din.',
    options: [...candidates.persons, { value: OTHER, label: 'En annen person: skriv HPR-nummeret' }],
  });
  const hpr = textField({ label: 'HPR-nummer', name: 'block-hpr', inputMode: 'numeric', maxLength: 9, hint: 'Nummeret i helsepersonellregisteret, opptil 9 sifre.' });
  const organisation = selectField({
    label: 'Hvilken virksomhet vil du sperre?',
    name: 'block-organisation',
    placeholder: 'Velg en virksomhet',
    options: [...candidates.organisations, { value: OTHER, label: 'En annen virksomhet: skriv organisasjonsnummeret' }],
  });
  const orgNumber = textField({ label: 'Organisasjonsnummer', name: 'block-orgnr', inputMode: 'numeric', maxLength: 11, hint: '9 sifre, fra Enhetsregisteret.' });
  const document = selectField({ label: 'Hvilket dokument vil du sperre?', name: 'block-document', placeholder: 'Velg et dokument', options: candidates.documents });

  const personGroup = h('div', { class: 'subfields', hidden: true }, person.element, h('div', { hidden: true }, hpr.element));
  const organisationGroup = h('div', { class: 'subfields', hidden: true }, organisation.element, h('div', { hidden: true }, orgNumber.element));
  const documentGroup = h(
    'div',
    { class: 'subfields', hidden: true },
    candidates.documents.length > 0 ? document.element : h('p', { class: 'notice' }, 'Vi fant ingen dokumenter fra sykehus i journalen din.'),
  );
  const groups = { PRACTITIONER: personGroup, ORGANISATION: organisationGroup, DOCUMENT: documentGroup };
  const showChosen = () => {
    const chosen = kind.value();
    for (const [value, group] of Object.entries(groups)) group.hidden = value !== chosen;
    /** @type {HTMLElement} */ (hpr.element.parentElement).hidden = person.control.value !== OTHER;
    /** @type {HTMLElement} */ (orgNumber.element.parentElement).hidden = organisation.control.value !== OTHER;
  };
  for (const input of kind.inputs) input.addEventListener('change', showChosen);
  person.control.addEventListener('change', showChosen);
  organisation.control.addEventListener('change', showChosen);

  const result = resultRegion();
  const button = h('button', { type: 'submit' }, 'Sett sperringen');
  const form = /** @type {HTMLFormElement} */ (
    h('form', { class: 'action-form', novalidate: true, 'aria-label': 'Sett en ny sperring' }, kind.element, personGroup, organisationGroup, documentGroup, h('div', { class: 'actions' }, button), result.element)
  );
  let key = /** @type {string | null} */ (null);
  form.addEventListener('input', () => {
    key = null;
  });
  let busy = false;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (busy) return;
    for (const field of [kind, person, hpr, organisation, orgNumber, document]) field.setError(null);
    const chosen = kind.value();
    /** @type {Record<string, unknown>} */
    const input = { kind: chosen };
    /** @type {{ setError(text: string | null): void, focus(): void } | null} */
    let invalid = null;
    let target = '';
    if (!chosen) {
      kind.setError('Velg hva du vil sperre.');
      invalid = kind;
    } else if (chosen === 'PRACTITIONER') {
      if (!person.control.value) {
        person.setError('Velg hvem du vil sperre.');
        invalid = person;
      } else if (person.control.value === OTHER) {
        const value = hpr.control.value.replace(/\s/g, '');
        if (!/^\d{1,9}$/.test(value)) {
          hpr.setError('Skriv HPR-nummeret med bare sifre, opptil 9.');
          invalid = hpr;
        }
        input.hprNumber = value;
        target = `HPR-nummer ${value}`;
      } else {
        input.hprNumber = person.control.value;
        target = candidates.persons.find((p) => p.value === person.control.value)?.label.split(',')[0] ?? '';
      }
    } else if (chosen === 'ORGANISATION') {
      if (!organisation.control.value) {
        organisation.setError('Velg hvilken virksomhet du vil sperre.');
        invalid = organisation;
      } else if (organisation.control.value === OTHER) {
        const value = orgNumber.control.value.replace(/\s/g, '');
        if (!/^\d{9}$/.test(value)) {
          orgNumber.setError('Organisasjonsnummeret har 9 sifre.');
          invalid = orgNumber;
        }
        input.orgNumber = value;
        target = `organisasjonsnummer ${value}`;
      } else {
        input.orgNumber = organisation.control.value;
        target = candidates.organisations.find((o) => o.value === organisation.control.value)?.label ?? '';
      }
    } else if (chosen === 'DOCUMENT') {
      if (!document.control.value) {
        document.setError('Velg hvilket dokument du vil sperre.');
        invalid = document;
      }
      input.documentId = document.control.value;
      target = candidates.documents.find((d) => d.value === document.control.value)?.label ?? '';
    }
    if (invalid) {
      result.say('Sperringen ble ikke satt. Rett feltet som er merket.', 'error');
      invalid.focus();
      return;
    }
    key = key ?? idempotencyKey('sperr');
    input.idempotencyKey = key;
    busy = true;
    button.setAttribute('aria-disabled', 'true');
    result.say('Setter sperringen …');
    try {
      const outcome = actionOutcome(await ctx.request(SET_BLOCK, 'SetBlock', { input }), 'setBlock');
      if (outcome.ok) {
        result.say(
          outcome.payload.replayed ? `Sperringen var allerede satt (${target}).` : `Sperringen er satt: ${target} ${chosen === 'DOCUMENT' ? 'er sperret.' : 'kan ikke lese journalen din.'}`,
          'ok',
        );
        form.reset();
        showChosen();
        key = null;
        await changed();
        return;
      }
      if (outcome.expired) {
        ctx.expired(outcome.text);
        return;
      }
      const fields = {
        kind,
        hprNumber: person.control.value === OTHER ? hpr : person,
        orgNumber: organisation.control.value === OTHER ? orgNumber : organisation,
        documentId: document,
      };
      const field = outcome.field && Object.hasOwn(fields, outcome.field) ? fields[/** @type {keyof typeof fields} */ (outcome.field)] : null;
      if (field) {
        field.setError(outcome.text);
        field.focus();
      }
      if (!outcome.unknownOutcome) key = null;
      result.say(outcome.text, 'error');
    } finally {
      busy = false;
      button.removeAttribute('aria-disabled');
    }
  });
  return form;
}
