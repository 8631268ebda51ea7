import type { CareRecordModel, CareServiceType, IndividualPlanModel, MedicationStatus, PlanSector } from '../model';

/**
 * The Norwegian words care systems use, read into the model's enums. Shared by care-json (whose export is
 * mostly text) and care-plo (which falls back to a code's DN text when it does not know the code).
 */
type Relation = CareRecordModel['nextOfKin'][number]['relation'];
type WelfareType = CareRecordModel['welfareTechnology'][number]['type'];

/** IPLOS service types (Volven 9151, OID 2.16.578.1.12.4.1.1.9151) by code. */
export const IPLOS_SERVICE_TYPES: Readonly<Record<string, CareServiceType>> = {
  '15': 'HOME_NURSING',
  '1': 'PRACTICAL_ASSISTANCE',
  '21': 'NURSING_HOME_LONG_TERM',
  '18': 'NURSING_HOME_SHORT_TERM',
  '19': 'NURSING_HOME_SHORT_TERM',
  '20': 'NURSING_HOME_SHORT_TERM',
  '6': 'SAFETY_ALARM',
};

export function serviceTypeFromText(text: string): CareServiceType {
  const t = text.toLowerCase();
  if (t.includes('hjemmesykepleie') || t.includes('helsetjenester i hjemmet')) return 'HOME_NURSING';
  if (t.includes('praktisk bistand')) return 'PRACTICAL_ASSISTANCE';
  if (t.includes('langtidsopphold')) return 'NURSING_HOME_LONG_TERM';
  if (t.includes('korttidsopphold') || t.includes('tidsbegrenset opphold') || t.includes('avlastning')) return 'NURSING_HOME_SHORT_TERM';
  if (t.includes('trygghetsalarm')) return 'SAFETY_ALARM';
  return 'OTHER';
}

export function relationFromText(text: string | null): Relation {
  const t = (text ?? '').toLowerCase();
  if (/^(ektefelle|samboer|partner)\b/.test(t)) return 'SPOUSE';
  if (/^(barn|sønn|datter)\b/.test(t)) return 'CHILD';
  if (/^(søsken|bror|søster)\b/.test(t)) return 'SIBLING';
  return 'OTHER';
}

export function welfareTypeFromText(text: string): WelfareType {
  const t = text.toLowerCase();
  if (t.includes('trygghetsalarm')) return 'SAFETY_ALARM';
  if (t.includes('fall')) return 'FALL_SENSOR';
  if (t.includes('medisin') || t.includes('dispenser')) return 'MEDICATION_DISPENSER';
  if (t.includes('dør')) return 'DOOR_SENSOR';
  return 'OTHER';
}

export function medicationStatusFromText(text: string | null): MedicationStatus {
  const t = (text ?? '').toLowerCase();
  if (t === 'aktiv') return 'ACTIVE';
  if (t === 'seponert') return 'STOPPED';
  return 'UNKNOWN';
}

/** Model date-times sort newest first by instant. */
export function newestFirst<T extends { time: string }>(items: T[]): T[] {
  return [...items].sort((a, b) => Date.parse(b.time) - Date.parse(a.time));
}

type TeamRole = NonNullable<CareRecordModel['careTeam']>[number]['role'];

/**
 * The care team's roles by the care systems' codes (the local list care-team-role: PRIMAERKONTAKT, KOORDINATOR,
 * IP_KOORDINATOR) or, without a known code, by their Norwegian words; null for a role the model does not know.
 */
export function careTeamRoleFrom(code: string | null, text: string | null): TeamRole | null {
  const byCode: Record<string, TeamRole> = { PRIMAERKONTAKT: 'PRIMARY_CONTACT', KOORDINATOR: 'MUNICIPAL_COORDINATOR', IP_KOORDINATOR: 'PLAN_COORDINATOR' };
  const coded = code ? byCode[code.toUpperCase()] : undefined;
  if (coded) return coded;
  const t = (text ?? '').toLowerCase();
  if (t.includes('primærkontakt')) return 'PRIMARY_CONTACT';
  if (t.includes('individuell plan')) return 'PLAN_COORDINATOR';
  if (t.includes('koordinator')) return 'MUNICIPAL_COORDINATOR';
  return null;
}

/** A person's name as a care system writes it ("Line Knutsen"): the last word the family name; null for one word or none. */
export function personNameFrom(text: string | null): { given: string; middle: null; family: string } | null {
  const words = (text ?? '').trim().split(/\s+/).filter(Boolean);
  if (words.length < 2) return null;
  return { given: words.slice(0, -1).join(' '), middle: null, family: words[words.length - 1] as string };
}

/** A planned visit's title: what the service will do. */
export function plannedVisitTitle(tasks: readonly string[]): string {
  return tasks.length ? `Planlagt besøk: ${tasks.join(', ')}` : 'Planlagt besøk';
}

/** The sector of a party to an individual plan, by the care systems' code (local list plan-party-sector); null for one the model does not know. */
export function planSectorFrom(code: string | null): PlanSector | null {
  const byCode: Record<string, PlanSector> = { HELSE: 'HEALTH_AND_CARE', NAV: 'NAV', SKOLE: 'SCHOOL', PPT: 'PPT', BARNEVERN: 'CHILD_WELFARE', PAARORENDE: 'FAMILY' };
  return (code && byCode[code.toUpperCase()]) || null;
}

/** A measure's status by the care systems' code (local list plan-measure-status); an unknown one is taken as ongoing. */
export function planMeasureStatusFrom(code: string | null): IndividualPlanModel['measures'][number]['status'] {
  const byCode: Record<string, IndividualPlanModel['measures'][number]['status']> = { PLANLAGT: 'PLANNED', PAGAR: 'ONGOING', AVSLUTTET: 'COMPLETED' };
  return (code && byCode[code.toUpperCase()]) || 'ONGOING';
}
