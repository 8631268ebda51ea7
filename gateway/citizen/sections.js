// @ts-check
/**
 * The sections that show the record: who is responsible for me, what happens next, my medicines, who has read my
 * record, and the messages about me. Each shows what came and says what did not: a field withheld because the
 * address is strictly confidential, a source that did not answer (a partial list), a part refused.
 */
import { h } from './dom.js';
import { errorAt, errorsUnder, withheldForProtection } from './graphql.js';
import * as words from './text.js';

/** @typedef {import('./graphql.js').GraphQLError} GraphQLError */

const PROTECTED_NOTE = 'De kunne fortalt hvor du bor, og du har strengt fortrolig adresse.';

/** Why a part of a 12–15-year-old's record is not shown to her parent (WITHHELD_FROM_PARENTS). */
const WITHHELD_TEXT =
  'Fra barnet fyller 12 år, kan det holde opplysninger unna foreldrene (pasient- og brukerrettighetsloven § 3-4). Systemene som har denne delen av journalen, viser ikke hva barnet har holdt unna, så den vises ikke for deg. Barnet selv eller helsetjenesten kan fortelle mer.';

/**
 * Why a whole part is missing (the field is null), in words.
 * @param {GraphQLError | undefined} error
 * @param {string} what «hvem som har ansvar for deg»
 */
export function missingPart(error, what) {
  if (error?.extensions?.code === 'WITHHELD_FROM_PARENTS') return h('p', { class: 'notice' }, h('strong', {}, 'Vises ikke for foreldre. '), WITHHELD_TEXT);
  if (error?.extensions?.code === 'FORBIDDEN') {
    return h('p', { class: 'notice' }, h('strong', {}, 'Vises ikke. '), `Du har ikke tilgang til ${what} her.`);
  }
  return h('p', { class: 'notice' }, h('strong', {}, 'Mangler nå. '), `Vi fikk ikke hentet ${what} akkurat nå. Prøv igjen senere.`);
}

/**
 * A note when a list is partial: a source that holds data about the person did not answer.
 * @param {GraphQLError[]} errors
 * @param {(string | number)[]} path
 */
export function partialNote(errors, path) {
  const trouble = errorsUnder(errors, path).filter((e) => e.extensions?.code !== 'FORBIDDEN');
  if (trouble.length === 0) return null;
  if (trouble.every((e) => e.extensions?.code === 'WITHHELD_FROM_PARENTS')) return h('p', { class: 'notice' }, h('strong', {}, 'Noe vises ikke for foreldre. '), WITHHELD_TEXT);
  return h(
    'p',
    { class: 'notice' },
    h('strong', {}, 'Noe kan mangle. '),
    'Et av systemene som har opplysninger om deg, svarte ikke da vi spurte. Listen kan derfor være ufullstendig. Prøv igjen senere.',
  );
}

/**
 * @param {HTMLElement} body
 * @param {string} term
 * @param {string | Node | null | undefined} value
 */
function addTerm(body, term, value) {
  if (value === null || value === undefined || value === '') return;
  body.append(h('div', { class: 'term' }, h('dt', {}, term), h('dd', {}, value)));
}

/**
 * @param {string | null | undefined} iso
 * @param {{ short?: boolean }} [options]
 */
function timeElement(iso, options) {
  return iso ? h('time', { datetime: iso }, words.when(iso, options)) : null;
}

/** @param {string} text */
function lowerFirst(text) {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/**
 * Who is responsible for me, and how to reach their service: the current care team, one card per person or
 * service (the GP's card names the GP office; one person in two roles is one card).
 * @param {any} me
 * @param {GraphQLError[]} errors
 */
export function careTeamSection(me, errors) {
  const path = ['me', 'careTeam'];
  if (!me.careTeam) return [missingPart(errorAt(errors, path), 'hvem som har ansvar for deg')];
  /** @type {{ key: string | null, roles: string[], member: any, withheld: boolean }[]} */
  const cards = [];
  me.careTeam.forEach((/** @type {any} */ member, /** @type {number} */ i) => {
    const withheld = errorsUnder(errors, [...path, i]).some(withheldForProtection);
    if (member.role === 'GP_OFFICE' && cards.some((c) => c.roles.includes('REGULAR_GP') && c.member.herId === member.herId)) return;
    const person = member.practitioner?.hprNumber ?? member.name;
    const key = person ? `${person}|${member.herId ?? ''}` : null;
    const same = key ? cards.find((c) => c.key === key) : undefined;
    if (same) same.roles.push(member.role);
    else cards.push({ key, roles: [member.role], member, withheld });
  });
  if (cards.length === 0) {
    return [partialNote(errors, path), h('p', {}, 'Vi fant ingen som har et særskilt ansvar for deg nå.')];
  }
  const anyWithheld = cards.some((c) => c.withheld);
  return [
    partialNote(errors, path),
    anyWithheld ? h('p', { class: 'withheld' }, h('strong', {}, 'Navn, sted og telefonnummer vises ikke. '), PROTECTED_NOTE) : null,
    h(
      'ul',
      { class: 'cards' },
      cards.map(({ roles, member }) => {
        const titles = roles.map((r) => words.ROLE[r]?.title ?? r);
        const terms = h('dl', { class: 'terms' });
        addTerm(terms, 'Navn', member.practitioner?.name?.text ?? member.name);
        const place = [member.service, member.organisation !== member.service ? member.organisation : null].filter(Boolean).join(', ');
        addTerm(terms, roles.includes('REGULAR_GP') ? 'Legekontor' : 'Tjeneste', place);
        if (member.phone) {
          const phone = words.phoneNumber(member.phone);
          addTerm(terms, 'Telefon', h('a', { href: phone.href }, phone.shown));
        }
        addTerm(terms, 'Fra', timeElement(member.start));
        return h(
          'li',
          { class: 'card' },
          h('h3', {}, words.list([titles[0] ?? '', ...titles.slice(1).map(lowerFirst)])),
          h('p', { class: 'about' }, words.ROLE[roles[0] ?? '']?.about ?? ''),
          terms,
        );
      }),
    ),
  ];
}

/**
 * @param {any} item
 */
function upcomingStatus(item) {
  switch (item.status) {
    case 'BOOKED':
      return 'Timen er bestilt.';
    case 'PLANNED':
      return 'Planlagt.';
    case 'RECEIVED':
      return 'Sykehuset vurderer henvisningen. Du skal få svar innen datoen over.';
    case 'ACCEPTED':
      return item.deadline
        ? `Henvisningen er godtatt. Du har rett til å få helsehjelp senest ${words.when(item.deadline)}.`
        : 'Henvisningen er godtatt.';
    default:
      return '';
  }
}

/**
 * What happens next, soonest first.
 * @param {any} me
 * @param {GraphQLError[]} errors
 */
export function upcomingSection(me, errors) {
  const path = ['me', 'upcoming'];
  if (!me.upcoming) return [missingPart(errorAt(errors, path), 'hva som skal skje videre')];
  if (me.upcoming.length === 0) return [partialNote(errors, path), h('p', {}, 'Vi fant ingen avtaler, besøk eller henvisninger fremover.')];
  const anyWithheld = me.upcoming.some((/** @type {any} */ _item, /** @type {number} */ i) => errorsUnder(errors, [...path, i]).some(withheldForProtection));
  return [
    partialNote(errors, path),
    anyWithheld ? h('p', { class: 'withheld' }, h('strong', {}, 'Sted og navn vises ikke. '), PROTECTED_NOTE) : null,
    h(
      'ol',
      { class: 'cards upcoming' },
      me.upcoming.map((/** @type {any} */ item) => {
        const terms = h('dl', { class: 'terms' });
        addTerm(terms, item.kind === 'REFERRAL' ? 'Svar eller start senest' : 'Når', timeElement(item.at ?? item.day));
        addTerm(terms, 'Hva', item.title);
        addTerm(terms, 'Hvor', [item.service, item.organisation !== item.service ? item.organisation : null].filter(Boolean).join(', '));
        addTerm(terms, 'Hvem', item.practitioner?.name?.text);
        return h('li', { class: 'card' }, h('h3', {}, words.UPCOMING_KIND[item.kind] ?? item.kind), terms, h('p', { class: 'status-line' }, upcomingStatus(item)));
      }),
    ),
  ];
}

/**
 * My medicines as one list, those with something to check first, each discrepancy in plain words.
 * @param {any} me
 * @param {GraphQLError[]} errors
 */
export function medicationsSection(me, errors) {
  const path = ['me', 'medications'];
  if (!me.medications) return [missingPart(errorAt(errors, path), 'medisinene dine')];
  if (me.medications.length === 0) return [partialNote(errors, path), h('p', {}, 'Vi fant ingen medisiner registrert på deg.')];
  const items = [...me.medications].sort((a, b) => Number(b.hasDiscrepancy) - Number(a.hasDiscrepancy));
  const toCheck = items.filter((m) => m.hasDiscrepancy).length;
  return [
    partialNote(errors, path),
    h(
      'p',
      { class: 'lead' },
      'Listen samler det fastlegen, sykehuset, hjemmetjenesten og apoteket har registrert om medisinene dine. ',
      toCheck > 0
        ? h('strong', {}, `${toCheck} av ${items.length} medisiner har noe du bør sjekke. De står først.`)
        : `Alle ${items.length} stemmer overens.`,
    ),
    h(
      'ul',
      { class: 'cards meds' },
      items.map((m) =>
        h(
          'li',
          { class: m.hasDiscrepancy ? 'card med med-check' : 'card med' },
          h('h3', {}, m.name),
          h('p', { class: 'status-line' }, h('span', { class: 'label' }, 'Status: '), words.MEDICATION_STATUS[m.status] ?? m.status),
          m.hasDiscrepancy
            ? h(
                'div',
                { class: 'warning' },
                h('p', { class: 'warning-title' }, h('span', { class: 'icon', 'aria-hidden': 'true' }, '!'), h('strong', {}, 'Sjekk denne medisinen')),
                m.discrepancies.map((/** @type {any} */ d) => h('p', {}, d.forPatient)),
              )
            : h('p', { class: 'ok-line' }, 'Alle som har den registrert, er enige.'),
        ),
      ),
    ),
  ];
}

/**
 * @param {any} entry
 * @param {boolean} withheld
 */
function reader(entry, withheld) {
  const accessor = entry.accessor;
  if (accessor.kind === 'PATIENT') return 'Du selv';
  const name = accessor.practitioner?.name?.text;
  const place = accessor.organisation;
  if (withheld || (!name && !place)) return `Helsepersonell ${words.SECTOR_PLACE[accessor.sector] ?? 'i helsetjenesten'}`;
  return [name, place].filter(Boolean).join(', ');
}

/**
 * Who has read my record: the last 20, emergency access marked in words.
 * @param {any} me
 * @param {GraphQLError[]} errors
 */
export function accessLogSection(me, errors) {
  const path = ['me', 'accessLog'];
  if (!me.accessLog) return [missingPart(errorAt(errors, path), 'hvem som har lest journalen din')];
  const intro = h(
    'p',
    { class: 'lead' },
    'De siste gangene noen har lest journalen din eller gjort noe med den gjennom denne tjenesten, de nyeste først (opptil 20). Også når du selv ser på denne siden, blir det skrevet ned.',
  );
  if (me.accessLog.length === 0) return [intro, h('p', {}, 'Ingen har lest journalen din ennå.')];
  const withheldAt = me.accessLog.map((/** @type {any} */ _e, /** @type {number} */ i) => errorsUnder(errors, [...path, i]).some(withheldForProtection));
  const emergencies = me.accessLog.filter((/** @type {any} */ e) => e.emergency).length;
  return [
    intro,
    emergencies > 0
      ? h('p', { class: 'emergency-summary' }, h('span', { class: 'badge' }, 'Nødtilgang'), ` ${emergencies} av oppslagene var nødtilgang: lest uten behandlingsforhold, i en akutt situasjon.`)
      : null,
    withheldAt.some(Boolean)
      ? h('p', { class: 'withheld' }, h('strong', {}, 'Navn og arbeidssted vises ikke, bare hvilken del av helsetjenesten de arbeider i. '), PROTECTED_NOTE)
      : null,
    h(
      'ol',
      { class: 'log' },
      me.accessLog.map((/** @type {any} */ entry, /** @type {number} */ i) =>
        h(
          'li',
          { class: entry.emergency ? 'log-entry log-emergency' : 'log-entry' },
          h('p', { class: 'log-who' }, h('strong', {}, reader(entry, withheldAt[i]))),
          h('p', { class: 'log-when' }, timeElement(entry.time, { short: true })),
          h('p', {}, `${words.ACTION[entry.action] ?? entry.action}. ${entry.accessor.kind === 'PATIENT' ? '' : `${words.PURPOSE[entry.purpose] ?? entry.purpose}.`}`.trim()),
          entry.emergency
            ? h(
                'p',
                { class: 'emergency' },
                h('span', { class: 'badge' }, 'Nødtilgang'),
                entry.emergencyReason ? ` Begrunnelse: ${entry.emergencyReason}` : ' Lest uten behandlingsforhold, i en akutt situasjon.',
              )
            : null,
        ),
      ),
    ),
  ];
}

/**
 * @param {any} party
 */
function party(party) {
  const service = party?.service ?? 'en tjeneste';
  return party?.name ? `${service} (${party.name})` : service;
}

/**
 * The threads of messages between my services about me, newest first.
 * @param {any[] | null} threads
 * @param {GraphQLError[]} errors
 * @param {(string | number)[]} path
 */
export function messageThreads(threads, errors, path) {
  if (!threads) return [missingPart(errorAt(errors, path), 'meldingene')];
  if (threads.length === 0) return [partialNote(errors, path), h('p', {}, 'Det er ingen meldinger om deg mellom tjenestene.')];
  return [
    partialNote(errors, path),
    h(
      'ul',
      { class: 'cards threads' },
      threads.map((thread) =>
        h(
          'li',
          { class: 'card thread' },
          h('h4', {}, thread.subject),
          h('p', { class: 'log-when' }, 'Siste aktivitet: ', timeElement(thread.lastActivity, { short: true })),
          h(
            'ol',
            { class: 'messages' },
            thread.messages.map((/** @type {any} */ m) =>
              h(
                'li',
                { class: 'message' },
                h('p', { class: 'message-meta' }, h('strong', {}, `${words.MESSAGE_KIND[m.kind] ?? m.kind} fra ${party(m.sender)} til ${party(m.recipient)}`)),
                h('p', { class: 'message-meta' }, timeElement(m.sentAt, { short: true }), ` · ${words.MESSAGE_STATUS[m.status] ?? m.status}`),
                h('p', { class: 'message-text' }, m.text),
              ),
            ),
          ),
        ),
      ),
    ),
  ];
}
