import type { CareServiceType } from './types';

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
