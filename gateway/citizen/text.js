// @ts-check
/**
 * The page's words, in bokmål, for the graph's codes: what a role, a status or a purpose means to the person
 * whose record it is. Dates in Norwegian time (Europe/Oslo), whatever the browser's own zone.
 */

/** @type {Record<string, { title: string, about: string }>} */
export const ROLE = {
  REGULAR_GP: { title: 'Fastlegen din', about: 'Legen du står på liste hos. Kontakt legekontoret for time og for spørsmål om medisinene dine.' },
  GP_OFFICE: { title: 'Fastlegekontoret ditt', about: 'Kontoret der fastlegen din arbeider.' },
  PRIMARY_CONTACT: { title: 'Primærkontakten din', about: 'Din faste kontaktperson i hjemmetjenesten eller på sykehjemmet.' },
  MUNICIPAL_COORDINATOR: { title: 'Koordinatoren din i kommunen', about: 'Har oversikt over hjelpen du får fra kommunen, og sørger for at tjenestene samarbeider.' },
  PLAN_COORDINATOR: { title: 'Koordinatoren for den individuelle planen din', about: 'Lager og følger opp den individuelle planen sammen med deg.' },
  RESPONSIBLE_PHYSICIAN: { title: 'Legen som har ansvar for deg på sykehuset', about: 'Pasientansvarlig lege: har det medisinske ansvaret mens du følges opp der.' },
  CONTACT_PERSON: { title: 'Kontaktpersonen din på sykehuset', about: 'Den du kan spørre om behandlingen og om hva som skal skje.' },
};

/** A sector as the place someone works, after «ved» or «i». */
/** @type {Record<string, string>} */
export const SECTOR_PLACE = {
  GP: 'ved et fastlegekontor',
  MUNICIPAL_CARE: 'i kommunens helse- og omsorgstjeneste',
  HOSPITAL: 'ved et sykehus',
  NATIONAL: 'i en nasjonal helsetjeneste',
  REGISTRY: 'i et nasjonalt register',
};

/** @type {Record<string, string>} */
export const UPCOMING_KIND = {
  APPOINTMENT: 'Time på sykehuset',
  REFERRAL: 'Henvisning til sykehuset',
  VISIT: 'Besøk fra hjemmetjenesten',
  FOLLOW_UP: 'Kontroll hos fastlegen',
};

/** @type {Record<string, string>} */
export const MEDICATION_STATUS = {
  ACTIVE: 'I bruk',
  STOPPED: 'Sluttet med',
  UNKNOWN: 'Ukjent om den er i bruk',
};

/** @type {Record<string, string>} */
export const ACTION = {
  READ: 'Leste journalen din',
  SEND_MESSAGE: 'Sendte en melding om deg',
  SET_BLOCK: 'Satte en sperring i journalen din',
  LIFT_BLOCK: 'Opphevet en sperring i journalen din',
};

/** @type {Record<string, string>} */
export const PURPOSE = {
  TREAT: 'For å behandle deg',
  ETREAT: 'Akutt behandling uten at de hadde et behandlingsforhold til deg (nødtilgang)',
  COC: 'For å samordne hjelpen du får',
  PATRQT: 'Du leste din egen journal',
  HRESCH: 'Forskning',
  HOPERAT: 'Administrasjon',
};

/** @type {Record<string, string>} */
export const MESSAGE_KIND = { QUESTION: 'Spørsmål', ANSWER: 'Svar', NOTE: 'Beskjed' };

/** @type {Record<string, string>} */
export const MESSAGE_STATUS = {
  QUEUED: 'Venter på å bli levert',
  DELIVERED: 'Levert',
  REJECTED: 'Kunne ikke leveres',
  ANSWERED: 'Besvart',
};

/** @type {Record<string, string>} */
export const BLOCK_KIND = {
  PRACTITIONER: 'En bestemt person i helsetjenesten',
  ORGANISATION: 'En virksomhet (et sykehus, et legekontor, en kommune)',
  DOCUMENT: 'Et dokument i journalen din',
  EVERYONE: 'Alle unntatt dem sperringen nevner',
};

/** @type {Record<string, string>} */
export const DOCUMENT_KIND = { DISCHARGE_SUMMARY: 'Epikrise', OUTPATIENT_NOTE: 'Poliklinisk notat', OTHER: 'Dokument' };

const OSLO = 'Europe/Oslo';
const dateFormat = new Intl.DateTimeFormat('nb-NO', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: OSLO });
const dateTimeFormat = new Intl.DateTimeFormat('nb-NO', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: OSLO });
const shortDateTimeFormat = new Intl.DateTimeFormat('nb-NO', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: OSLO });
const shortDateFormat = new Intl.DateTimeFormat('nb-NO', { day: 'numeric', month: 'long', year: 'numeric', timeZone: OSLO });

/**
 * An ISO date (the day only) or date-time (UTC) as a person reads it: «mandag 7. desember 2026 kl. 09:45».
 * @param {string | null | undefined} iso
 * @param {{ short?: boolean }} [options]
 */
export function when(iso, options = {}) {
  if (!iso) return '';
  const dayOnly = /^\d{4}-\d{2}-\d{2}$/.test(iso);
  // A day alone is that day in Norway: noon UTC keeps it on the same date in Oslo.
  const date = new Date(dayOnly ? `${iso}T12:00:00Z` : iso);
  if (Number.isNaN(date.getTime())) return iso;
  if (dayOnly) return (options.short ? shortDateFormat : dateFormat).format(date);
  return (options.short ? shortDateTimeFormat : dateTimeFormat).format(date);
}

/**
 * A service's phone as written and as dialled: «+47 55 21 41 00» → «55 21 41 00», `tel:+4755214100`.
 * @param {string} phone
 */
export function phoneNumber(phone) {
  const dial = phone.replace(/[^\d+]/g, '');
  const shown = phone.replace(/^\+47\s*/, '');
  return { shown, href: `tel:${dial}` };
}

/**
 * «a, b og c».
 * @param {string[]} items
 */
export function list(items) {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} og ${items[items.length - 1]}`;
}
