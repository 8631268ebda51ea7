import type { OutsideHealthService } from '../../lib/config';
import { addDays, at, daysBetween, Random, seedOf } from './random';
import type { Truth } from './records';
import type { CareRecord, IndividualPlan, MedicationUse, PlanParty } from './types';

/**
 * The individual plan (individuell plan, helse- og omsorgstjenesteloven § 7-1) of everyone whose care team has a plan
 * coordinator, as the coordinating unit keeps it in the municipality's care system: goals, measures and who is
 * responsible for each, the next meeting of the participants, and the participants. Services outside health care
 * (NAV, school, PPT, child welfare) take part only in the plans whose story names them, each with the patient's
 * consent to share the plan with it (forskrift om individuell plan ved ytelse av velferdstjenester: the plan records
 * the consent; helsepersonelloven § 22).
 *
 * Drawn from a generator of each person's own (seeded by the population's seed and the person's number, apart from
 * the care team's), so that adding plans moved no one, no draw and no id. The next meeting is planned, so it is
 * stored relative to the world's today (clock.ts), as is the end of a consent still in force.
 */

/** The plans whose stories involve services outside health care (generate.ts PLAN_SHAPES). */
export type PlanStory = 'workAssessment' | 'youthAtSchool';

function hash(text: string): number {
  return seedOf('individual-plan', text);
}

const ELDERLY_GOALS: { area: string; text: string }[] = [
  { area: 'Bolig', text: 'Bo trygt hjemme så lenge som mulig.' },
  { area: 'Helse', text: 'Unngå nye innleggelser: faste kontroller og tidlig beskjed ved forverring.' },
  { area: 'Aktivitet', text: 'Holde meg i bevegelse og unngå fall.' },
  { area: 'Sosialt', text: 'Komme meg ut og treffe andre minst én gang i uken.' },
];

/** The plan of the person, where the care team has a plan coordinator; null otherwise. */
export function individualPlanFor(t: Truth, nin: string, care: CareRecord, story: PlanStory | undefined): IndividualPlan | null {
  const coordinator = care.careTeam.find((m) => m.role === 'PLAN_COORDINATOR');
  const municipality = t.world.orgs.municipalities.find((m) => m.number === care.municipality);
  if (!coordinator || !municipality) return null;
  const r = new Random(hash(`${t.world.seed}:${nin}`));
  const id = (prefix: string, n: number | string) => t.world.derivedId(prefix, `${nin}:${n}`);
  // Who is responsible for a measure: the party as the plan names it, without the consent its participation carries.
  const responsible = (p: PlanParty): PlanParty => ({ ...p, consent: null });
  const health = (role: string, hprNumber: string | null, service: string | null, orgNumber: string | null): PlanParty => ({ sector: 'HEALTH_AND_CARE', role, hprNumber, name: null, service, orgNumber, consent: null });
  const coordinatorParty = health('Koordinator', coordinator.hprNumber, coordinator.unit, municipality.orgNumber);
  const primary = care.careTeam.filter((m) => m.role === 'PRIMARY_CONTACT' && m.end === null).at(-1);
  const primaryParty = primary ? health('Primærkontakt', primary.hprNumber, primary.unit, municipality.orgNumber) : null;
  const office = t.gp ? t.world.orgs.gpOffices.find((o) => o.herId === t.gp?.officeHerId) : undefined;
  const gpParty = t.gp && office ? health('Fastlege', t.gp.practitioner.hprNumber, office.name, office.orgNumber) : null;
  const kin = care.nextOfKin.find((k) => k.primary);
  const kinParty: PlanParty | null = kin ? { sector: 'FAMILY', role: 'Pårørende', hprNumber: null, name: kin.name, service: null, orgNumber: null, consent: null } : null;
  const living = t.deceasedDate === null;
  const established = coordinator.start;
  const latest = addDays(t.endOfRecord, -1);
  const revised = minDate(maxDate(established, addDays(t.endOfRecord, -r.int(10, 120))), latest);
  const base = { id: t.world.derivedId('ip', nin), established, revised, coordinator: { hprNumber: coordinator.hprNumber, unit: coordinator.unit, orgNumber: municipality.orgNumber } };
  const outside = (kind: OutsideHealthService['kind']) => t.world.orgs.outsideHealth.find((s) => s.kind === kind && s.municipality === care.municipality);

  if (story === 'workAssessment') {
    const nav = outside('NAV');
    if (!nav || !primaryParty) throw new RangeError('a work-assessment plan needs a NAV office in the municipality and a primary contact');
    // The patient consented to share the plan with NAV when NAV joined, for a year.
    const navParty: PlanParty = { sector: 'NAV', role: 'Veileder', hprNumber: null, name: 'Marte Haugland', service: nav.name, orgNumber: nav.orgNumber, consent: { from: addDays(t.endOfRecord, -150), to: { days: 215 } } };
    const goals = [
      { id: id('ipmal', 1), area: 'Arbeid', text: 'Være i arbeid eller utdanning innen ett år, først i arbeidstrening.', targetDate: addDays(t.endOfRecord, 240) },
      { id: id('ipmal', 2), area: 'Helse', text: 'Sove bedre og ha energi til en fast dagsrytme.', targetDate: null },
      { id: id('ipmal', 3), area: 'Fritid', text: 'Trene med en venn to ganger i uken.', targetDate: null },
    ];
    return {
      ...base,
      goals,
      measures: [
        { id: id('iptiltak', 1), text: 'Arbeidsevnevurdering og arbeidsavklaringspenger (AAP) med aktivitetsplan.', goalId: goals[0]?.id ?? null, responsible: responsible(navParty), status: 'ongoing', start: addDays(t.endOfRecord, -140), end: null },
        { id: id('iptiltak', 2), text: 'Arbeidstrening i tilrettelagt bedrift, tre dager i uken.', goalId: goals[0]?.id ?? null, responsible: responsible(navParty), status: 'planned', start: null, end: null },
        { id: id('iptiltak', 3), text: 'Samtaler hver uke med primærkontakten i psykisk helsetjeneste.', goalId: goals[1]?.id ?? null, responsible: responsible(primaryParty), status: 'ongoing', start: established, end: null },
        ...(gpParty ? [{ id: id('iptiltak', 4), text: 'Oppfølging av medisiner og søvn hos fastlegen.', goalId: goals[1]?.id ?? null, responsible: responsible(gpParty), status: 'ongoing' as const, start: established, end: null }] : []),
        { id: id('iptiltak', 5), text: 'Ansvarsgruppemøte hver sjette uke.', goalId: null, responsible: responsible(coordinatorParty), status: 'ongoing', start: established, end: null },
      ],
      nextMeeting: living ? { at: { days: 12, time: '13:00' }, place: `${coordinator.unit}, ${municipality.name} kommune`, topic: 'Evaluering av arbeidsavklaringen og oppstart av arbeidstrening' } : null,
      participants: [primaryParty, ...(gpParty ? [gpParty] : []), navParty, ...(kinParty ? [kinParty] : [])],
    };
  }

  if (story === 'youthAtSchool') {
    const school = outside('SCHOOL');
    const ppt = outside('PPT');
    const childWelfare = outside('CHILD_WELFARE');
    if (!school || !ppt || !childWelfare || !primaryParty) throw new RangeError('a school plan needs a school, PPT and child welfare in the municipality and a primary contact');
    // Consent from the parents (the patient is under 16) for the school and PPT; child welfare's support ended, and with it the consent.
    const from = addDays(t.endOfRecord, -200);
    const schoolParty: PlanParty = { sector: 'SCHOOL', role: 'Kontaktlærer', hprNumber: null, name: 'Eirik Moen', service: school.name, orgNumber: school.orgNumber, consent: { from, to: { days: 180 } } };
    const pptParty: PlanParty = { sector: 'PPT', role: 'Rådgiver', hprNumber: null, name: 'Anne Lise Bakken', service: ppt.name, orgNumber: ppt.orgNumber, consent: { from, to: { days: 180 } } };
    const ended = addDays(t.endOfRecord, -40);
    const childWelfareParty: PlanParty = { sector: 'CHILD_WELFARE', role: 'Saksbehandler', hprNumber: null, name: 'Jon Arild Berg', service: childWelfare.name, orgNumber: childWelfare.orgNumber, consent: { from, to: ended } };
    const goals = [
      { id: id('ipmal', 1), area: 'Skole', text: 'Være på skolen hver dag og fullføre tiende trinn.', targetDate: addDays(t.endOfRecord, 220) },
      { id: id('ipmal', 2), area: 'Helse', text: 'Mestre angsten før skoledagen.', targetDate: null },
      { id: id('ipmal', 3), area: 'Familie', text: 'Gode rutiner hjemme om morgenen.', targetDate: null },
    ];
    return {
      ...base,
      goals,
      measures: [
        { id: id('iptiltak', 1), text: 'Tilrettelagt timeplan og fast voksen som tar imot om morgenen.', goalId: goals[0]?.id ?? null, responsible: responsible(schoolParty), status: 'ongoing', start: addDays(t.endOfRecord, -120), end: null },
        { id: id('iptiltak', 2), text: 'Sakkyndig vurdering av behov for spesialundervisning.', goalId: goals[0]?.id ?? null, responsible: responsible(pptParty), status: 'completed', start: addDays(t.endOfRecord, -180), end: addDays(t.endOfRecord, -90) },
        { id: id('iptiltak', 3), text: 'Samtaler om angst og mestring hver uke.', goalId: goals[1]?.id ?? null, responsible: responsible(primaryParty), status: 'ongoing', start: established, end: null },
        { id: id('iptiltak', 4), text: 'Foreldreveiledning (hjelpetiltak).', goalId: goals[2]?.id ?? null, responsible: responsible(childWelfareParty), status: 'completed', start: from, end: ended },
        { id: id('iptiltak', 5), text: 'Ansvarsgruppemøte før hvert skolehalvår.', goalId: null, responsible: responsible(coordinatorParty), status: 'ongoing', start: established, end: null },
      ],
      nextMeeting: living ? { at: { days: 19, time: '14:30' }, place: school.name, topic: 'Skolehverdagen etter tilretteleggingen' } : null,
      participants: [primaryParty, ...(gpParty ? [gpParty] : []), schoolParty, pptParty, childWelfareParty, ...(kinParty ? [kinParty] : [])],
    };
  }

  // Everyone else's plan: health and care services and the family, no one outside health care.
  const first = r.int(0, ELDERLY_GOALS.length - 1);
  const goals = [ELDERLY_GOALS[first], ELDERLY_GOALS[(first + 1 + r.int(0, ELDERLY_GOALS.length - 2)) % ELDERLY_GOALS.length]].map((g, i) => ({
    id: id('ipmal', i + 1),
    area: g?.area ?? 'Helse',
    text: g?.text ?? '',
    targetDate: null,
  }));
  const service = care.services.find((s) => s.end === null && (s.type === 'HOME_NURSING' || s.type === 'NURSING_HOME_LONG_TERM' || s.type === 'NURSING_HOME_SHORT_TERM'));
  const measures: IndividualPlan['measures'] = [];
  if (primaryParty && service) {
    measures.push({ id: id('iptiltak', 1), text: service.type === 'HOME_NURSING' ? 'Hjemmesykepleie etter vedtak.' : 'Langtidsopphold med fast primærkontakt.', goalId: goals[0]?.id ?? null, responsible: responsible(primaryParty), status: 'ongoing', start: service.start, end: null });
  }
  if (gpParty) measures.push({ id: id('iptiltak', 2), text: 'Faste kontroller hos fastlegen.', goalId: goals[0]?.id ?? null, responsible: responsible(gpParty), status: 'ongoing', start: established, end: null });
  measures.push({ id: id('iptiltak', 3), text: 'Ansvarsgruppemøte hver tredje måned.', goalId: null, responsible: responsible(coordinatorParty), status: 'ongoing', start: established, end: null });
  // A plan ends with its patient: every measure completed the day of death.
  if (!living) for (const m of measures) Object.assign(m, { status: 'completed', end: t.deceasedDate });
  const meetingInDays = r.int(14, 75);
  const meetingTime = r.pick(['10:00', '13:00', '14:00']);
  const home = r.chance(0.5);
  return {
    ...base,
    goals,
    measures,
    nextMeeting: living ? { at: { days: meetingInDays, time: meetingTime }, place: home ? 'Hjemme hos pasienten' : `${coordinator.unit}, ${municipality.name} kommune`, topic: 'Evaluering av individuell plan' } : null,
    participants: [...(primaryParty ? [primaryParty] : []), ...(gpParty ? [gpParty] : []), ...(kinParty ? [kinParty] : [])],
  };
}

const FOLLOW_UP_NOTES = [
  'Samtale om søvn og dagsrytme. Noe bedre siste uke.',
  'Gått gjennom aktivitetsplanen. Motivert, men sliten.',
  'Samtale om angst og mestring. Avtalt ny time.',
  'Kort samtale på telefon. Ingen akutte bekymringer.',
];

/**
 * The care record of a young person followed up by the municipality's mental health service (Helsetjenester i hjemmet,
 * IPLOS 15, delivered by the unit of kind MENTAL_HEALTH): a weekly conversation, the GP's medicines on the service's
 * list (the patient takes them himself: no administrations), a parent as next of kin, IPLOS scores of someone managing
 * daily life. For shapes only (Shape.care `mentalHealth`), drawn last, so from the population's generator.
 */
export function mentalHealthCareRecord(t: Truth): CareRecord {
  const { rng, world } = t;
  const municipality = world.orgs.municipalities.find((m) => m.number === t.municipality);
  const unit = municipality?.services.find((s) => s.kind === 'MENTAL_HEALTH')?.name;
  if (!municipality || !unit) throw new RangeError(`municipality ${t.municipality} has no mental health service in organisations.json`);
  const staff = world.nursesByMunicipality.get(municipality.number) ?? [];
  const end = t.endOfRecord;
  const start = addDays(end, -rng.int(180, 300));
  const services: CareRecord['services'] = [
    { id: world.id('vedtak'), type: 'HOME_NURSING', decisionDate: addDays(start, -rng.int(7, 21)), start, end: t.deceasedDate, hoursPerWeek: 1, unit },
  ];
  const visits: CareRecord['visits'] = [];
  for (let week = 5; week >= 0; week--) {
    const day = addDays(end, -week * 7 - rng.int(1, 3));
    if (daysBetween(start, day) < 0) continue;
    visits.push({ id: world.id('besok'), time: at(day, rng.int(8, 13), rng.pick([0, 15, 30])), minutes: 45, hprNumber: rng.pick(staff).hprNumber, tasks: ['Samtale', 'Oppfølging'], note: rng.pick(FOLLOW_UP_NOTES) });
  }
  const scores = ['Sosial deltakelse', 'Styre eget liv', 'Ivareta egen helse', 'Beslutninger i dagliglivet', 'Hukommelse', 'Kommunikasjon', 'Skaffe seg varer og tjenester', 'Alminnelig husarbeid', 'Lage mat', 'Spise', 'Personlig hygiene', 'Kle av og på seg', 'Toalett', 'Bevege seg innendørs', 'Bevege seg utendørs', 'Syn', 'Hørsel'].map((variable) => ({
    variable,
    score: variable === 'Sosial deltakelse' ? 3 : variable === 'Styre eget liv' || variable === 'Ivareta egen helse' ? 2 : 1,
  }));
  const parentSex = rng.chance(0.5) ? 'female' : 'male';
  const parent = `${parentSex === 'female' ? rng.pick(['Hilde', 'Kristin', 'Marianne', 'Tone']) : rng.pick(['Morten', 'Lars', 'Espen', 'Thomas'])} ${t.shape.familyName ?? rng.pick(['Eide', 'Moe', 'Nilsen', 'Hansen'])}`;
  const medications: MedicationUse[] = t.medications.map((m) => ({ ...m, id: world.id('lm'), dose: { ...m.dose }, hprNumber: t.gp?.practitioner.hprNumber ?? '' }));
  return {
    municipality: municipality.number,
    services,
    visits,
    functionalScores: { date: addDays(end, -rng.int(30, 90)), scores },
    nextOfKin: [{ name: parent, relation: 'other', phone: `${rng.pick(['4', '9'])}${String(rng.int(0, 9_999_999)).padStart(7, '0')}`, primary: true }],
    welfareTechnology: [],
    medications,
    administrations: [],
    careTeam: [],
    plannedVisits: [],
    individualPlan: null,
  };
}

function minDate(a: string, b: string): string {
  return a < b ? a : b;
}

function maxDate(a: string, b: string): string {
  return a > b ? a : b;
}
