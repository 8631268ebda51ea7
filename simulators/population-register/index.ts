import express from 'express';
import type { Person } from '../population';
import type { SimulatorContext, SimulatorDefinition } from '../kit/definition';
import { requireBearer } from '../kit/auth';

/**
 * Population register (Folkeregisteret) simulator, modelled on the register's REST API for health
 * services: a bulk look-up by POST (numbers in the body), person documents whose elements are lists with
 * an `erGjeldende` (is current) flag, and `geografiskTilknytning` for routing. A strictly confidential
 * address is never released: the document then has no `bostedsadresse`.
 */
const GRADERING: Record<Person['addressProtection'], string> = {
  NONE: 'ugradert',
  CONFIDENTIAL: 'fortrolig',
  STRICTLY_CONFIDENTIAL: 'strengtFortrolig',
  STRICTLY_CONFIDENTIAL_ABROAD: 'strengtFortroligUtland',
};

export function personDocument(p: Person): Record<string, unknown> {
  const released = p.addressProtection === 'NONE' || p.addressProtection === 'CONFIDENTIAL';
  const houseMatch = /^(\d+)([A-Z]?)$/.exec(p.address?.houseNumber ?? '');
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
    ...(released && p.address
      ? {
          bostedsadresse: [
            {
              vegadresse: {
                adressenavn: p.address.street,
                adressenummer: { husnummer: houseMatch?.[1] ?? p.address.houseNumber, ...(houseMatch?.[2] ? { husbokstav: houseMatch[2] } : {}) },
                poststed: { postnummer: p.address.postalCode, poststedsnavn: p.address.city },
                kommunenummer: p.municipality,
              },
              erGjeldende: true,
            },
          ],
        }
      : {}),
    geografiskTilknytning: p.municipality ? { gtType: 'kommune', gtKommune: p.municipality } : { gtType: 'utland', gtLand: 'XUK' },
    doedsfall: p.deceasedDate ? [{ doedsdato: p.deceasedDate, erGjeldende: true }] : [],
    status: [{ status: p.deceasedDate ? 'doed' : 'bosatt', erGjeldende: true }],
  };
}

function createApp({ instance, population }: SimulatorContext): express.Express {
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
      if (person) dokumenter.push(personDocument(person));
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
