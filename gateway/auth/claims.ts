/**
 * The token claims the gateway reads, by issuer kind. Personnel tokens follow HelseID's claim names; the
 * purpose of use and its details follow the NHN trust framework (tillitsrammeverket), flattened to two
 * claims. Citizen tokens follow ID-porten.
 */
export const PERSONNEL_CLAIMS = {
  pid: 'helseid://claims/identity/pid',
  assuranceLevel: 'helseid://claims/identity/assurance_level',
  hprNumber: 'helseid://claims/hpr/hpr_number',
  profession: 'helseid://claims/hpr/profession',
  orgNumber: 'helseid://claims/client/claims/orgnr_parent',
  childOrgNumber: 'helseid://claims/client/claims/orgnr_child',
  herId: 'helseid://claims/client/claims/her_id',
  purposeOfUse: 'nhn:tillitsrammeverk:purpose_of_use',
  purposeOfUseDetails: 'nhn:tillitsrammeverk:purpose_of_use_details',
} as const;

/** Health data needs HelseID's highest assurance level (BankID, Buypass: level 4). */
export const REQUIRED_PERSONNEL_ASSURANCE = 'high';

/**
 * ID-porten's claims, and `represents`: the person the citizen acts for, where she chose to act for someone else (as
 * helsenorge.no lets a parent or a holder of a power of attorney choose after logging in). The token service that
 * adds it is the portal's; the graph checks it against the registers on every request.
 */
export const CITIZEN_CLAIMS = { pid: 'pid', acr: 'acr', represents: 'represents' } as const;

/** ID-porten's highest level: what helsenorge requires for health data. */
export const REQUIRED_CITIZEN_ACR = 'idporten-loa-high';

/** Algorithms accepted on readers' tokens: asymmetric only, so a public key can never act as an HMAC secret. */
export const ACCEPTED_ALGORITHMS = ['RS256', 'PS256', 'ES256'];

/** Access tokens are typed (RFC 9068), so an ID token or another kind of JWT cannot pass as one. */
export const ACCESS_TOKEN_TYPE = 'at+jwt';
