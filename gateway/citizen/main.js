// @ts-check
/**
 * Min journal: log in, read my own record through the public graph (`me`), act on it. The token is kept in this
 * module's memory only; logging out or closing the page forgets it, and nothing is written to the browser's storage.
 */
import { blocksSection } from './blocks.js';
import { byId, h, replace } from './dom.js';
import { graphqlClient } from './graphql.js';
import { loginChoices, loginNote, logIn } from './login.js';
import { messagesSection } from './messages.js';
import { MY_OVERVIEW, SCHEMA_CAPABILITIES } from './operations.js';
import { radioGroup, resultRegion } from './forms.js';
import { accessLogSection, careTeamSection, medicationsSection, upcomingSection } from './sections.js';

/**
 * What the running graph offers of the actions still being built, from its schema.
 * @typedef {{ blocks: boolean, setBlock: boolean, liftBlock: boolean, sendMessage: boolean, sendMessageInput: Set<string> }} Capabilities
 */

const page = {
  main: byId('innhold'),
  status: byId('status'),
  login: byId('login'),
  loginBody: byId('login-body'),
  overview: byId('overview'),
  nav: byId('sections-nav'),
  session: byId('session'),
  who: byId('who'),
  logout: byId('logout'),
  heading: byId('title'),
  subtitle: byId('subtitle'),
};

/** @type {{ session: import('./login.js').Session | null }} */
const state = { session: null };
const request = graphqlClient(() => (state.session && state.session.expiresAt > Date.now() ? state.session.accessToken : null));

/** What the page says about loading, logging in and out: read out by screen readers (role=status). */
const status = resultRegion(page.status);

const SECTIONS = [
  { id: 'ansvar', title: 'Hvem har ansvar for meg' },
  { id: 'neste', title: 'Hva skjer videre' },
  { id: 'medisiner', title: 'Medisinene mine' },
  { id: 'innsyn', title: 'Hvem har lest journalen min' },
  { id: 'sperringer', title: 'Sperringer og samtykker' },
  { id: 'meldinger', title: 'Meldinger' },
];

/**
 * @param {string} id
 * @param {(Node | string | null | (Node | string | null)[])[]} content
 */
function fill(id, content) {
  replace(byId(`${id}-body`), ...content);
}

async function showLogin() {
  /** @type {{ devLogin: boolean }} */
  let config = { devLogin: false };
  try {
    const response = await fetch('/min-journal/config.json', { cache: 'no-store', credentials: 'omit' });
    if (response.ok) config = await response.json();
  } catch {
    // No configuration: no login to offer, said below.
  }
  /** @type {import('./login.js').LoginChoice[]} */
  let choices = [];
  try {
    choices = await loginChoices(config);
  } catch {
    choices = [];
  }
  if (choices.length === 0) {
    replace(page.loginBody, h('p', { class: 'notice' }, 'Innlogging er ikke satt opp for denne tjenesten ennå. Prøv igjen senere.'));
    return;
  }
  const who = radioGroup({
    legend: 'Hvem vil du logge inn som?',
    name: 'persona',
    hint: loginNote,
    options: choices.map((c) => ({ value: c.id, label: c.label, hint: c.hint })),
  });
  const button = h('button', { type: 'submit' }, 'Logg inn');
  const form = h('form', { class: 'action-form', novalidate: true, 'aria-label': 'Logg inn' }, who.element, h('div', { class: 'actions' }, button));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const choice = who.value();
    who.setError(choice ? null : 'Velg hvem du vil logge inn som.');
    if (!choice) {
      status.say('Du er ikke logget inn. Velg hvem du vil logge inn som.', 'error');
      who.focus();
      return;
    }
    status.say('Logger inn …');
    try {
      state.session = await logIn(choice);
    } catch {
      status.say('Innloggingen mislyktes. Prøv igjen.', 'error');
      return;
    }
    await showOverview();
  });
  replace(page.loginBody, form);
}

/**
 * @returns {Promise<Capabilities>}
 */
async function capabilities() {
  const result = await request(SCHEMA_CAPABILITIES, 'SchemaCapabilities');
  const names = (/** @type {any} */ type, /** @type {string} */ list) => new Set((type?.[list] ?? []).map((/** @type {{ name: string }} */ f) => f.name));
  const mutations = names(result.data?.mutation, 'fields');
  const patient = names(result.data?.patient, 'fields');
  return {
    blocks: patient.has('blocks'),
    setBlock: mutations.has('setBlock'),
    liftBlock: mutations.has('liftBlock'),
    sendMessage: mutations.has('sendMessage'),
    sendMessageInput: names(result.data?.sendMessageInput, 'inputFields'),
  };
}

/** @param {string} text */
function expired(text) {
  logOut(text);
}

async function showOverview() {
  page.login.hidden = true;
  page.overview.hidden = false;
  page.nav.hidden = false;
  page.session.hidden = false;
  page.main.setAttribute('aria-busy', 'true');
  for (const section of SECTIONS) fill(section.id, [h('p', { class: 'loading' }, 'Henter …')]);
  status.say('Henter journalen din …');
  const [caps, overview] = await Promise.all([capabilities(), request(MY_OVERVIEW, 'MyOverview')]);
  page.main.removeAttribute('aria-busy');
  if (overview.status === 401) {
    expired('Innloggingen din er utløpt. Logg inn igjen.');
    return;
  }
  const me = overview.data?.me;
  if (!me) {
    const retry = h('button', { type: 'button' }, 'Prøv igjen');
    retry.addEventListener('click', () => void showOverview());
    for (const section of SECTIONS) fill(section.id, [h('p', { class: 'notice' }, 'Ikke hentet.')]);
    fill(SECTIONS[0]?.id ?? 'ansvar', [h('p', { class: 'notice' }, h('strong', {}, 'Vi fikk ikke hentet journalen din akkurat nå. '), 'Prøv igjen om litt.'), h('div', { class: 'actions' }, retry)]);
    status.say('Vi fikk ikke hentet journalen din.', 'error');
    return;
  }
  const errors = overview.errors;
  page.who.textContent = me.name?.text ?? '';
  page.subtitle.textContent = me.name?.text ? `Journalen til ${me.name.text}` : '';
  const ctx = { request, me, errors, capabilities: caps, expired };
  fill('ansvar', careTeamSection(me, errors));
  fill('neste', upcomingSection(me, errors));
  fill('medisiner', medicationsSection(me, errors));
  fill('innsyn', accessLogSection(me, errors));
  fill('sperringer', blocksSection(ctx));
  fill('meldinger', messagesSection(ctx));
  status.say('Journalen din er hentet.', 'ok');
  page.heading.focus();
}

/** @param {string} text */
function logOut(text) {
  state.session = null;
  for (const section of SECTIONS) fill(section.id, []);
  page.overview.hidden = true;
  page.nav.hidden = true;
  page.session.hidden = true;
  page.who.textContent = '';
  page.subtitle.textContent = '';
  page.login.hidden = false;
  status.say(text, 'info');
  void showLogin().then(() => page.heading.focus());
}

page.logout.addEventListener('click', () => logOut('Du er logget ut.'));
replace(
  page.nav.querySelector('ul') ?? page.nav,
  SECTIONS.map((s) => h('li', {}, h('a', { href: `#${s.id}` }, s.title))),
);
void showLogin();
