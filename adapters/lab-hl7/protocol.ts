/**
 * The laboratory's query, as its HL7 v2.5 conformance profile names it: a query by parameter (QBP^Q11, message
 * structure QBP_Q11) with the patient's identity number in QPD-3 and the answer RSP^K11 (RSP_K11): MSA, QAK,
 * the query echoed, then per patient PID and per order ORC/OBR with OBX results.
 */
export const QUERY_NAME = 'Z01^Laboratoriesvar for pasient^HL70471';
export const VERSION = '2.5';
/** Our application (MSH-3). */
export const SENDING_APPLICATION = 'PATIENT-GRAPH';
/** The assigning authority and identifier type of a fødselsnummer or D-number in CX (PID-3, QPD-3). */
export const NIN_AUTHORITY = { FNR: 'NO-FNR', DNR: 'NO-DNR', HNR: 'NO-HNR' } as const;
/** How NLK is named in a coded element's coding system (CWE-3): its short name or its OID. */
export const NLK_SYSTEMS = new Set(['NLK', '2.16.578.1.12.4.1.1.7280']);
/** HL7 table 0078 abnormal flags the graph reads; others are kept as no flag. */
export const FLAGS = { L: 'LOW', H: 'HIGH', N: 'NORMAL' } as const;
