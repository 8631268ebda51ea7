import type { Person } from '../population';
import type { HeldMessage, HeldParty } from './messageStore';

/**
 * What a simulated service answers a question with (issue 15: the simulators answer questions after a short delay,
 * so that a thread shows): a short answer in Norwegian (bokmål), in the voice of the service asked (a GP office, a
 * municipal care unit, a hospital department), about the question's topic as its words give it away (a medicine the
 * patient uses, a blood test, an appointment, weight and breathing, a fall, a wound, unrest and sleep), signed by the
 * person answering where one is named. Deterministic: the same question gets the same answer.
 */
export type AnsweringService = 'GP_OFFICE' | 'MUNICIPAL_CARE' | 'HOSPITAL';

/** The medicines a person uses in any record, by lowercase name. */
function medicinesOf(person: Person | undefined): string[] {
  if (!person) return [];
  const lists = [
    ...(person.gpRecord?.prescriptions ?? []),
    ...(person.careRecord?.medications ?? []),
    ...person.hospitalRecords.flatMap((r) => r.medications),
    ...person.summaryRecord.dispensations,
  ];
  return [...new Set(lists.map((m) => m.name.toLowerCase()))];
}

type Topic = { kind: 'medicine'; name: string } | { kind: 'lab' | 'appointment' | 'fluid' | 'fall' | 'wound' | 'unrest' | 'other' };

const WORDS: [Exclude<Topic['kind'], 'medicine' | 'other'>, RegExp][] = [
  ['fluid', /(?<!\p{L})(vekt|veiing|ødem|hevelse|tung pust|pustebesvær|væske)/u],
  ['lab', /(?<!\p{L})(blodprøve|prøve|inr|kalium|kreatinin|hemoglobin|hb|crp|blodsukker|urinstiks)/u],
  ['appointment', /(?<!\p{L})(time|timen|kontroll|avtale|innkalling|poliklinikk)/u],
  ['fall', /(?<!\p{L})(fall|falt|svimmel|svimmelhet)/u],
  ['wound', /(?<!\p{L})(sår|trykksår|bandasje|skiftning)/u],
  ['unrest', /(?<!\p{L})(uro|urolig|søvn|sover|forvirret|forvirring|delir)/u],
];

export function topicOf(question: Pick<HeldMessage, 'subject' | 'text'>, person: Person | undefined): Topic {
  const words = `${question.subject} ${question.text}`.toLowerCase();
  const medicine = medicinesOf(person).find((name) => words.includes(name));
  if (medicine) return { kind: 'medicine', name: medicine };
  if (/(?<!\p{L})(medisin|legemiddel|legemidler|dosering|dose|tablett|resept)/u.test(words)) return { kind: 'medicine', name: '' };
  return { kind: WORDS.find(([, pattern]) => pattern.test(words))?.[0] ?? 'other' };
}

const ANSWERS: Record<AnsweringService, (t: Topic) => string> = {
  GP_OFFICE: (t) => {
    switch (t.kind) {
      case 'medicine':
        return t.name
          ? `Takk for beskjeden om ${t.name}. Jeg har oppdatert legemiddellisten, og ${t.name} skal gis som forskrevet inntil videre. Ta kalium og kreatinin ved neste besøk, så vurderer jeg dosen når svaret foreligger.`
          : 'Takk for beskjeden. Jeg har gått gjennom legemiddellisten og oppdatert den. Gi medisinene som forskrevet inntil videre, og meld fra om bivirkninger.';
      case 'lab':
        return 'Takk. Ta prøven ved neste besøk og send den til laboratoriet med meg som rekvirent. Jeg følger opp svaret og gir beskjed hvis noe må endres.';
      case 'appointment':
        return 'Pasienten settes opp til kontroll hos meg i løpet av neste uke. Legekontoret ringer for å avtale tidspunkt.';
      case 'fluid':
        return 'Takk for beskjeden. Fortsett daglig veiing, og meld fra ved vektøkning over 2 kg på tre dager, økende hevelse i beina eller tyngre pust. Jeg kommer på sykebesøk for å vurdere væskebalansen.';
      case 'fall':
        return 'Takk for beskjeden. Mål blodtrykk liggende og stående ved neste besøk. Jeg ser på medisinlisten med tanke på svimmelhet og kommer tilbake til dere.';
      case 'wound':
        return 'Fortsett sårstell som før, og ta bilde av såret ved neste skiftning. Ved rødme, varme eller feber, ta kontakt med legekontoret samme dag.';
      case 'unrest':
        return 'Takk for beskjeden. Kartlegg søvn og uro i en uke, og ta urinstiks for å utelukke urinveisinfeksjon. Ingen endring i faste medisiner nå; jeg kommer på tilsyn.';
      case 'other':
        return 'Takk for henvendelsen. Jeg har lest meldingen og følger opp ved neste konsultasjon. Ring legekontoret hvis tilstanden endrer seg før det.';
    }
  },
  MUNICIPAL_CARE: (t) => {
    switch (t.kind) {
      case 'medicine':
        return t.name
          ? `Takk for beskjed. Vi har registrert ${t.name} i vår legemiddelliste og gir fra neste dosering. Vi melder fra om bivirkninger eller endringer i allmenntilstanden.`
          : 'Takk for beskjed. Vi har oppdatert legemiddellisten vår og gir medisinene etter den fra neste dosering.';
      case 'lab':
        return 'Vi tar prøven ved neste planlagte besøk og gir beskjed når den er sendt.';
      case 'appointment':
        return 'Vi følger pasienten til timen. Gi beskjed om tidspunkt, så legger vi det inn i besøksplanen.';
      case 'fluid':
        return 'Vi veier pasienten hver morgen og fører vekten i journalen. Vi tar kontakt dersom vekten øker over 2 kg på tre dager.';
      case 'fall':
        return 'Vi har gått gjennom hjemmet med tanke på fallfare og minnet pasienten på trygghetsalarmen. Vi observerer videre ved hvert besøk.';
      case 'wound':
        return 'Vi skifter på såret annenhver dag og dokumenterer med bilde. Vi melder fra ved tegn til infeksjon.';
      case 'unrest':
        return 'Vi observerer søvn og uro og fører skjema den neste uken. Vi sender en oppsummering når kartleggingen er ferdig.';
      case 'other':
        return 'Takk for meldingen. Vi har notert dette i tiltaksplanen og følger opp ved neste besøk.';
    }
  },
  HOSPITAL: (t) => {
    switch (t.kind) {
      case 'medicine':
        return t.name
          ? `Takk for henvendelsen. Vi anbefaler at ${t.name} fortsetter som ved utskrivning, med kontroll av kalium og kreatinin hos fastlege om én til to uker.`
          : 'Takk for henvendelsen. Legemiddellisten i epikrisen gjelder; endringer gjøres av fastlegen etter kontroll.';
      case 'lab':
        return 'Prøvesvarene fra oppholdet står i epikrisen. Vi anbefaler ny kontroll hos fastlege om to uker.';
      case 'appointment':
        return 'Pasienten får innkalling til poliklinisk kontroll i posten. Ved behov for tidligere time, ring poliklinikken.';
      case 'fluid':
        return 'Vektøkning og tyngre pust kan tyde på forverring av hjertesvikten. Kontakt fastlege eller legevakt samme dag ved vektøkning over 2 kg på tre dager.';
      case 'fall':
        return 'Vi anbefaler vurdering av fallrisiko og ortostatisk blodtrykk hos fastlege. Ved nytt fall med hodeskade, kontakt legevakt.';
      case 'wound':
        return 'Operasjonssåret kontrolleres hos fastlege etter to uker, da fjernes stingene. Ved rødme eller væsking, kontakt avdelingen.';
      case 'unrest':
        return 'Uro etter utskrivning kan skyldes delirium. Vi anbefaler at fastlege ser på pasienten og vurderer infeksjon og legemidler.';
      case 'other':
        return 'Takk for henvendelsen. Avdelingen har vurdert spørsmålet, og vi anbefaler videre oppfølging hos fastlege. Ring avdelingen ved spørsmål.';
    }
  },
};

/** The answer's subject: `Sv: ` before the question's, once. */
export function replySubject(subject: string): string {
  return /^sv:/i.test(subject.trim()) ? subject.trim() : `Sv: ${subject.trim()}`;
}

/** The answer to a question, from `from` (its person signs it where named, otherwise the service). */
export function dialogAnswer(question: Pick<HeldMessage, 'subject' | 'text'>, service: AnsweringService, from: HeldParty, person: Person | undefined): { subject: string; text: string } {
  const signature = from.name ? `Vennlig hilsen ${from.name}, ${from.service}` : `Vennlig hilsen ${from.service}`;
  return { subject: replySubject(question.subject), text: `${ANSWERS[service](topicOf(question, person))}\n\n${signature}` };
}
