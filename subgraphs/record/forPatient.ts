import type { Provenance } from '../kit/provenance';
import type { DiscrepancyValue, MedicationDiscrepancy } from './mergeMedications';

/**
 * A medication discrepancy in plain Norwegian (bokmål), for the person who takes the medicine: what is wrong in
 * words a patient uses, and what to do about it. Sources are named by the service the patient knows
 * (fastlegen, sykehuset, hjemmetjenesten, apoteket), never by the system or an organisation's name, which also
 * keeps the place rule: nothing here can place a patient whose address is strictly confidential. Pure.
 */
const SERVICE: Record<string, string> = {
  GP: 'fastlegen',
  HOSPITAL: 'sykehuset',
  MUNICIPAL_CARE: 'hjemmetjenesten i kommunen',
  NATIONAL: 'apoteket',
  REGISTRY: 'folkeregisteret',
};

/** `fastlegen`, `sykehuset og hjemmetjenesten i kommunen`, `fastlegen, sykehuset og apoteket`. */
export function services(sources: readonly Provenance[]): string {
  const names = [...new Set(sources.map((s) => SERVICE[s.sector] ?? 'en annen tjeneste'))];
  if (names.length <= 1) return names[0] ?? 'en tjeneste';
  return `${names.slice(0, -1).join(', ')} og ${names[names.length - 1]}`;
}

/** A value of the merge in Norwegian: `25 mg/day` → `25 mg om dagen`, `once a week` → `én gang i uken`. */
export function valueInWords(value: string): string {
  const every = /^every (\d+) days$/.exec(value);
  if (every) return `hver ${every[1]}. dag`;
  const words: Record<string, string> = { 'every day': 'hver dag', 'once a week': 'én gang i uken', 'as needed': 'ved behov', 'fixed schedule': 'fast, hver dag' };
  if (words[value]) return words[value];
  return value.replace(/\/day$/, ' om dagen').replace(/\/week$/, ' i uken').replace(/ every (\d+) days$/, ' hver $1. dag').replace(/ × /g, ' × ').replace(/\./g, ',');
}

const capital = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

const has = (v: DiscrepancyValue | undefined, sector: string) => v?.sources.some((s) => s.sector === sector) ?? false;

const INTERVAL_DAYS: Record<string, number> = { 'every day': 1, 'once a week': 7 };
const days = (value: string) => INTERVAL_DAYS[value] ?? Number(/^every (\d+) days$/.exec(value)?.[1] ?? NaN);

/** The discrepancy in words for the patient, with what to do. */
export function forPatient(d: MedicationDiscrepancy, medicine: string): string {
  const [first, second] = d.values;
  const sides = () => d.values.map((v) => `${services(v.sources)} har ${valueInWords(v.value)}`);
  const list = (parts: string[]) => (parts.length <= 1 ? (parts[0] ?? '') : `${parts.slice(0, -1).join(', ')}, mens ${parts[parts.length - 1]}`);
  switch (d.kind) {
    case 'DOSE': {
      const hospitalChanged = d.values.some((v) => has(v, 'HOSPITAL')) && d.values.some((v) => has(v, 'GP') && !has(v, 'HOSPITAL'));
      return [
        `Dosen av ${medicine} er ikke lik overalt: ${list(sides())}.`,
        hospitalChanged ? 'Sykehuset endret dosen da du var der, men fastlegens liste har fortsatt den gamle.' : '',
        'Spør fastlegen hvilken dose som er riktig nå, og ikke endre dosen selv før du har fått svar.',
      ]
        .filter(Boolean)
        .join(' ');
    }
    case 'STATUS': {
      const stopped = d.values.find((v) => v.value === 'STOPPED');
      const active = d.values.find((v) => v.value === 'ACTIVE');
      const dispensed = has(active, 'NATIONAL');
      const users = (active?.sources ?? []).filter((s) => s.sector !== 'NATIONAL');
      return [
        `${capital(services(stopped?.sources ?? []))} har stoppet ${medicine}`,
        users.length ? `, men ${services(users)} har den fortsatt i bruk` : '',
        dispensed ? `${users.length ? ', og' : ', men'} den er hentet på apoteket etter at den ble stoppet` : '',
        '. Spør fastlegen om du skal fortsette å ta den.',
      ].join('');
    }
    case 'OMISSION': {
      const where = first?.sources ?? [];
      if (second?.value === 'NOT_ON_CARE_LIST') {
        return (
          `${capital(services(where))} har skrevet ut ${medicine} til deg, men den står ikke på listen hjemmetjenesten gir deg medisiner fra. ` +
          'Hvis det er hjemmetjenesten som gir deg medisinene, får du den kanskje ikke nå. Snakk med hjemmetjenesten eller fastlegen så snart du kan.'
        );
      }
      return (
        `${capital(medicine)} står ikke på fastlegens liste over medisinene dine, men ${services(where)} har den i bruk. ` +
        'Fastlegens liste er den de andre som hjelper deg ser på. Be fastlegen føre den opp, eller si fra hvis du har sluttet med den.'
      );
    }
    case 'SCHEDULE': {
      const ratio = Math.max(...d.values.map((v) => days(v.value))) / Math.min(...d.values.map((v) => days(v.value)));
      const says = d.values.map((v) => `${services(v.sources)} sier ${valueInWords(v.value)}`);
      return (
        `For ${medicine} ${list(says)}. ` +
        (Number.isFinite(ratio) && ratio > 1 ? `Tatt så ofte som det hyppigste, blir det ${String(ratio).replace('.', ',')} ganger så mye. ` : '') +
        'Ikke ta den oftere før du har snakket med fastlegen.'
      );
    }
    case 'AS_NEEDED': {
      const need = d.values.find((v) => v.value === 'as needed');
      const fixed = d.values.find((v) => v.value === 'fixed schedule');
      return `${capital(services(need?.sources ?? []))} sier at du skal ta ${medicine} ved behov, mens ${services(fixed?.sources ?? [])} sier at du skal ta den fast. Spør fastlegen hvordan du skal bruke den.`;
    }
    case 'FORMULATION':
      return (
        `${capital(medicine)} står oppført i ulike former: ${list(sides())}. ` +
        'Formene kan ikke byttes med hverandre (en depottablett virker over lang tid). Spør apoteket eller fastlegen hvilken du skal ha.'
      );
  }
}
