import express from 'express';
import type { Address, Person } from '../population';
import type { SimulatorContext, SimulatorDefinition } from '../kit/definition';
import { requireBearer } from '../kit/auth';

/**
 * Population register (Folkeregisteret) simulator, modelled on the register's REST API for health
 * services: a bulk look-up by POST (numbers in the body), person documents whose elements are lists with
 * an `erGjeldende` (is current) flag, and `geografiskTilknytning` for routing. A strictly confidential
 * address is never released: the document then has no `bostedsadresse` with an address.
 *
 * The address history (bostedsadresse, one element per residence, each dated as the register dates it:
 * `angittFlyttedato` the reported moving day, `gyldigFraOgMed` and `gyldigTilOgMed`) is sent for a person who
 * moved, so that the records of the municipalities they lived in can be found. For a strictly confidential address
 * each residence is reduced to its municipality (`ukjentBosted.bostedskommune`, the form the register has for a
 * residence without an address), the same thing `geografiskTilknytning` releases for today's.
 *
 * Parental responsibility (`foreldreansvar`) is on the child's document, one element per holder (`ansvar` felles,
 * mor, far or medmor; `ansvarlig` the holder's number, `ansvarssubjekt` the child's), and on each holder's.
 */
const GRADERING: Record<Person['addressProtection'], string> = {
  NONE: 'ugradert',
  CONFIDENTIAL: 'fortrolig',
  STRICTLY_CONFIDENTIAL: 'strengtFortrolig',
  STRICTLY_CONFIDENTIAL_ABROAD: 'strengtFortroligUtland',
};

const dateTime = (date: string) => `${date}T00:00`;

/** How the register writes who holds parental responsibility (foreldreansvar.ansvar). */
const ANSVAR: Record<NonNullable<Person['parentalResponsibility']>[number]['kind'], string> = {
  JOINT: 'felles',
  MOTHER: 'mor',
  FATHER: 'far',
  CO_MOTHER: 'medmor',
};

/**
 * Parental responsibility (foreldreansvar) as the register keeps it: an element per holder, `ansvarlig` the holder and
 * `ansvarssubjekt` the child, on the child's document and on each holder's. `children`: the children the person
 * holds it for.
 */
function foreldreansvar(p: Person, children: readonly Person[]): Record<string, unknown>[] {
  const element = (child: Person, holder: { nin: string; kind: keyof typeof ANSVAR }) => ({
    ansvar: ANSVAR[holder.kind],
    ansvarlig: holder.nin,
    ansvarssubjekt: child.nin,
    gyldigFraOgMed: dateTime(child.birthDate),
    erGjeldende: true,
  });
  return [
    ...(p.parentalResponsibility ?? []).map((holder) => element(p, holder)),
    ...children.flatMap((child) => (child.parentalResponsibility ?? []).filter((h) => h.nin === p.nin).map((holder) => element(child, holder))),
  ];
}

function vegadresse(address: Address, municipality: string | null): Record<string, unknown> {
  const houseMatch = /^(\d+)([A-Z]?)$/.exec(address.houseNumber);
  return {
    adressenavn: address.street,
    adressenummer: { husnummer: houseMatch?.[1] ?? address.houseNumber, ...(houseMatch?.[2] ? { husbokstav: houseMatch[2] } : {}) },
    poststed: { postnummer: address.postalCode, poststedsnavn: address.city },
    kommunenummer: municipality,
  };
}

/** The residences, oldest first: the earlier ones (ended), then today's (dated where the person moved). */
function bostedsadresser(p: Person, released: boolean): Record<string, unknown>[] {
  const place = (address: Address | null, municipality: string | null) =>
    released && address ? { vegadresse: vegadresse(address, municipality) } : municipality ? { ukjentBosted: { bostedskommune: municipality } } : null;
  const earlier = (p.earlierResidences ?? []).flatMap((r) => {
    const where = place(r.address, r.municipality);
    return where ? [{ angittFlyttedato: r.from, gyldigFraOgMed: dateTime(r.from), gyldigTilOgMed: dateTime(r.to), ...where, erGjeldende: false }] : [];
  });
  const where = released || earlier.length ? place(p.address, p.municipality) : null;
  const today = where ? [{ ...(p.residentSince ? { angittFlyttedato: p.residentSince, gyldigFraOgMed: dateTime(p.residentSince) } : {}), ...where, erGjeldende: true }] : [];
  return [...earlier, ...today];
}

export function personDocument(p: Person, children: readonly Person[] = []): Record<string, unknown> {
  const released = p.addressProtection === 'NONE' || p.addressProtection === 'CONFIDENTIAL';
  const residences = bostedsadresser(p, released);
  const responsibility = foreldreansvar(p, children);
  return {
    foedselsEllerDNummer: p.nin,
    identifikasjonsnummer: [{ foedselsEllerDNummer: p.nin, identifikatortype: p.kind === 'DNR' ? 'dNummer' : 'foedselsnummer', status: 'iBruk', erGjeldende: true }],
    navn: [
      // An older name, no longer current: consumers must pick the current element.
      ...(p.sex === 'female' && p.middleName ? [{ fornavn: p.givenName, etternavn: p.middleName, erGjeldende: false, gyldighetstidspunkt: '1990-01-01T00:00:00Z' }] : []),
      { fornavn: p.givenName, ...(p.middleName ? { mellomnavn: p.middleName } : {}), etternavn: p.familyName, erGjeldende: true },
    ],
    foedsel: [{ foedselsdato: p.birthDate, erGjeldende: true }],
    kjoenn: [{ kjoenn: p.sex === 'female' ? 'kvinne' : 'mann', erGjeldende: true }],
    adressebeskyttelse: p.addressProtection === 'NONE' ? [] : [{ graderingsnivaa: GRADERING[p.addressProtection], erGjeldende: true }],
    ...(residences.length ? { bostedsadresse: residences } : {}),
    geografiskTilknytning: p.municipality ? { gtType: 'kommune', gtKommune: p.municipality } : { gtType: 'utland', gtLand: 'XUK' },
    doedsfall: p.deceasedDate ? [{ doedsdato: p.deceasedDate, erGjeldende: true }] : [],
    status: [{ status: p.deceasedDate ? 'doed' : 'bosatt', erGjeldende: true }],
    ...(responsibility.length ? { foreldreansvar: responsibility } : {}),
  };
}

/** The children each person holds parental responsibility for, by the holder's number. */
function childrenByHolder(persons: readonly Person[]): Map<string, Person[]> {
  const out = new Map<string, Person[]>();
  for (const child of persons) for (const h of child.parentalResponsibility ?? []) out.set(h.nin, [...(out.get(h.nin) ?? []), child]);
  return out;
}

function createApp({ instance, population }: SimulatorContext): express.Express {
  const children = childrenByHolder(population.population.persons);
  const app = express();
  app.use(express.json({ limit: '1mb' }));
  app.post('/folkeregisteret/api/v1/personer/bulkoppslag', requireBearer(String(instance.options.apiKey ?? '')), (req, res) => {
    const numbers: unknown = req.body?.foedselsnumre;
    if (!Array.isArray(numbers) || numbers.some((n) => typeof n !== 'string')) {
      res.status(400).json({ feilmelding: 'foedselsnumre må være en liste av strenger' });
      return;
    }
    if (numbers.length > 1000) {
      res.status(400).json({ feilmelding: 'maks 1000 identifikatorer per oppslag' });
      return;
    }
    const dokumenter = [];
    for (const nin of numbers as string[]) {
      const person = population.byNin.get(nin);
      if (person) dokumenter.push(personDocument(person, children.get(nin) ?? []));
    }
    res.json({ dokumenter });
  });
  return app;
}

export const populationRegisterSimulator: SimulatorDefinition = {
  system: 'population-register',
  createApp,
  failure: { status: 500, contentType: 'application/json', body: JSON.stringify({ feilmelding: 'Intern feil i Folkeregisteret' }) },
  invalid: { status: 200, contentType: 'application/json', body: JSON.stringify({ dokumenter: [{ foedselsEllerDNummer: 12345, navn: 'ukjent' }] }) },
};
