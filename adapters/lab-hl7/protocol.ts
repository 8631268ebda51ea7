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
/**
 * How NLK is named in a coded element's coding system (CE-3, table 0396). The Z01 profile names it `99NLK`:
 * v2.5's table 0396 has no NLK entry, `99zzz` is its form for a locally defined system, and CE has no OID
 * component before v2.7. Laboratories that write the short name `NLK` or the OID there (not valid v2.5, but
 * unambiguous, and the code itself is checked) are still read.
 */
export const NLK_SYSTEMS = new Set(['99NLK', 'NLK', '2.16.578.1.12.4.1.1.7280']);
/**
 * HL7 table 0078 abnormal flags the graph reads: below or above the reference interval, and the panic limits
 * beyond them (LL, HH) as low and high; `N` for a laboratory that sends it. Others are kept as no flag.
 */
export const FLAGS = { L: 'LOW', H: 'HIGH', LL: 'LOW', HH: 'HIGH', N: 'NORMAL' } as const;
