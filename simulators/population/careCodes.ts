import type { CareServiceType, IndividualPlan, PlanParty } from './types';

/**
 * Municipal care services as IPLOS codes them (Volven 9151, codelists/volven-9151.json). A short-term stay
 * whose purpose the population does not say is 20 "Tidsbegrenset opphold - annet".
 */
export const CARE_SERVICE_CODE: Record<CareServiceType, string> = {
  HOME_NURSING: '15',
  PRACTICAL_ASSISTANCE: '1',
  NURSING_HOME_LONG_TERM: '21',
  NURSING_HOME_SHORT_TERM: '20',
  SAFETY_ALARM: '6',
};

/**
 * The sector of a party to an individual plan and the status of a measure, as both care systems code them (the local
 * lists plan-party-sector and plan-measure-status in codelists/local.json).
 */
export const PLAN_SECTOR_CODE: Record<PlanParty['sector'], string> = {
  HEALTH_AND_CARE: 'HELSE',
  NAV: 'NAV',
  SCHOOL: 'SKOLE',
  PPT: 'PPT',
  CHILD_WELFARE: 'BARNEVERN',
  FAMILY: 'PAARORENDE',
};

export const PLAN_MEASURE_STATUS_CODE: Record<IndividualPlan['measures'][number]['status'], string> = {
  planned: 'PLANLAGT',
  ongoing: 'PAGAR',
  completed: 'AVSLUTTET',
};
