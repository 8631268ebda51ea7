import { osloLocalToUtc } from '../../lib/osloTime';
import type { Person } from '../population';
import type { SimulatorSetup } from './definition';
import { addressRegister, type HeldMessage, type HeldParty } from './messageStore';

/**
 * The dialogue messages the simulated systems hold when they start (issue 15): a few threads between services about
 * demo patients, each held by both systems it passed between (the sender's keeps what it sent, the receiver's what it
 * received; the same message ids in both, as a message keeps its MsgId on its way). Ingrid Solheim's spironolactone
 * is left alone: home nursing asking her GP about it is what the graph's demo sends.
 * - Ingrid Solheim: the cardiology ward's note to home nursing at discharge (daily weight, what to watch for):
 *   Haukeland's FHIR server and Bergen's JSON care system;
 * - Kjell Aune: the nursing home asks his GP about evening unrest and sleep, and the GP answers: Trondheim's PLO
 *   system and Fjord EPJ;
 * - Egil Rønning: his GP asks the cardiology outpatient clinic about the INR target for his mechanical valve, and the
 *   clinic answers: Nordlys Journal and St. Olavs' FHIR server.
 * Times are Oslo wall-clock days before the population's reference date.
 */
const ids = (thread: number, n: number) => `5eed${String(thread).padStart(4, '0')}-d1a1-4000-8000-${String(n).padStart(12, '0')}`;

/** An Oslo wall-clock time `days` before the reference date, as the model's UTC. */
const daysBefore = (referenceDate: string, days: number, clock: string) => {
  const day = new Date(Date.parse(`${referenceDate}T12:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);
  return osloLocalToUtc(`${day}T${clock}:00`);
};

function threads({ orgs, population }: SimulatorSetup): HeldMessage[] {
  const register = addressRegister(orgs);
  const party = (herId: string, person?: { hprNumber: string }): HeldParty | undefined => {
    const service = register.get(herId);
    if (!service) return undefined;
    const p = person ? population.practitioners.get(person.hprNumber) : undefined;
    return { herId, service: service.service, orgNumber: service.orgNumber, hprNumber: p ? p.hprNumber : null, name: p ? `${p.givenName} ${p.familyName}` : null };
  };
  const serviceNamed = (municipality: string, name: string | undefined) => orgs.municipalities.find((m) => m.number === municipality)?.services.find((s) => s.name === name)?.herId;
  const demo = (key: Person['demo']) => population.population.persons.find((p) => p.demo === key);
  const ref = population.population.referenceDate;
  const out: HeldMessage[] = [];

  const ingrid = demo('homeCare');
  const haukeland = orgs.hospitals.find((h) => h.orgNumber === ingrid?.hospitalRecords[0]?.orgNumber);
  const ward = haukeland?.departments.find((d) => d.name === 'Hjerteavdelingen');
  const homeNursing = ingrid?.careRecord ? serviceNamed(ingrid.careRecord.municipality, ingrid.careRecord.services.find((s) => s.type === 'HOME_NURSING' && !s.end)?.unit) : undefined;
  const stay = ingrid?.hospitalRecords[0]?.episodes.find((e) => e.kind === 'inpatient');
  const from = ward && party(ward.herId, stay ? { hprNumber: stay.hprNumber } : undefined);
  const to = homeNursing && party(homeNursing);
  if (ingrid && from && to) {
    out.push({
      id: ids(1, 1),
      conversationRef: ids(1, 1),
      inReplyTo: null,
      kind: 'NOTE',
      sentAt: daysBefore(ref, 9, '14:20'),
      sender: from,
      recipient: to,
      subject: 'Utskrevet etter hjertesvikt: daglig veiing',
      text: 'Pasienten er utskrevet til hjemmet etter innleggelse for forverring av hjertesvikt. Vi ber om daglig veiing om morgenen før frokost, og at vekten føres. Kontakt fastlege ved vektøkning over 2 kg på tre dager, økende hevelse i beina eller tyngre pust. Epikrise er sendt fastlege.',
      patientNin: ingrid.nin,
    });
  }

  const kjell = demo('nursingHome');
  const nursingHome = kjell?.careRecord ? serviceNamed(kjell.careRecord.municipality, kjell.careRecord.services.find((s) => s.type === 'NURSING_HOME_LONG_TERM' && !s.end)?.unit) : undefined;
  const asking = nursingHome && party(nursingHome);
  const gp = kjell?.gp && party(kjell.gp.officeHerId, kjell.gp);
  if (kjell && asking && gp) {
    const question: HeldMessage = {
      id: ids(2, 1),
      conversationRef: ids(2, 1),
      inReplyTo: null,
      kind: 'QUESTION',
      sentAt: daysBefore(ref, 12, '09:40'),
      sender: asking,
      recipient: gp,
      subject: 'Uro på kveldstid',
      text: 'Kjell har de siste to ukene vært urolig på kveldstid og sover dårlig, til tross for zopiklon. Han har ikke feber, spiser og drikker som før. Ønsker vurdering av om medisineringen bør justeres, eller om lege kan komme på tilsyn.',
      patientNin: kjell.nin,
    };
    out.push(question, {
      id: ids(2, 2),
      conversationRef: question.id,
      inReplyTo: question.id,
      kind: 'ANSWER',
      sentAt: daysBefore(ref, 11, '15:05'),
      sender: gp,
      recipient: asking,
      subject: 'Sv: Uro på kveldstid',
      text: `Takk for beskjeden. Kartlegg søvn og uro med skjema i en uke, og ta urinstiks for å utelukke urinveisinfeksjon. Ingen endring i faste medisiner nå. Jeg kommer på tilsyn torsdag.\n\nVennlig hilsen ${gp.name ?? gp.service}`,
      patientNin: kjell.nin,
    });
  }

  const egil = demo('criticalInfo');
  const stOlav = orgs.hospitals.find((h) => h.orgNumber === egil?.hospitalRecords[0]?.orgNumber);
  const clinic = stOlav?.departments.find((d) => d.name === 'Hjertepoliklinikken');
  const egilsGp = egil?.gp && party(egil.gp.officeHerId, egil.gp);
  const treated = egil?.hospitalRecords[0]?.episodes[0];
  const cardiologist = clinic && party(clinic.herId, treated ? { hprNumber: treated.hprNumber } : undefined);
  if (egil && egilsGp && cardiologist) {
    const question: HeldMessage = {
      id: ids(3, 1),
      conversationRef: ids(3, 1),
      inReplyTo: null,
      kind: 'QUESTION',
      sentAt: daysBefore(ref, 20, '11:30'),
      sender: egilsGp,
      recipient: cardiologist,
      subject: 'INR-mål etter hjerteinfarkt',
      text: 'Pasienten har mekanisk hjerteklaff og bruker warfarin, og fikk acetylsalisylsyre etter infarktet. Hvilket INR-mål ønsker dere nå, og hvor lenge skal han bruke begge?',
      patientNin: egil.nin,
    };
    out.push(question, {
      id: ids(3, 2),
      conversationRef: question.id,
      inReplyTo: question.id,
      kind: 'ANSWER',
      sentAt: daysBefore(ref, 18, '13:10'),
      sender: cardiologist,
      recipient: egilsGp,
      subject: 'Sv: INR-mål etter hjerteinfarkt',
      text: `INR-mål 2,5–3,5 på grunn av den mekaniske klaffen. Acetylsalisylsyre 75 mg i tolv måneder fra infarktet, deretter warfarin alene. Fastlegen følger opp INR; kontakt oss ved blødning eller INR over 4,5.\n\nVennlig hilsen ${cardiologist.name ?? cardiologist.service}`,
      patientNin: egil.nin,
    });
  }
  return out;
}

/** The seeded messages an instance holds: those its services sent or received. */
export function seedMessages(setup: SimulatorSetup): HeldMessage[] {
  const register = addressRegister(setup.orgs);
  const hosted = (herId: string) => register.get(herId)?.instance === setup.instance.id;
  return threads(setup).filter((m) => hosted(m.sender.herId) || hosted(m.recipient.herId));
}
