import { z } from 'zod';
import type { AdapterManifest } from '../kit';

const hd = z.string().regex(/^[A-Za-z0-9._-]{1,20}$/, 'an HL7 HD namespace id: letters, digits, . _ -, at most 20');

export const optionsSchema = z.object({
  /** Our facility (MSH-4): the laboratory answers only the partners it has an agreement with. */
  sendingFacility: hd,
  /** The laboratory system's application (MSH-5). */
  receivingApplication: hd,
  /** The laboratory (MSH-6). */
  receivingFacility: hd,
  /**
   * How many MLLP connections one batch may open: the laboratory answers in order on each connection, so
   * queries on one connection wait for each other; a few connections in parallel keep a worklist's queries
   * within its deadline without opening one per patient.
   */
  connections: z.number().int().min(1).max(16).default(4),
});
export type LabHl7Options = z.infer<typeof optionsSchema>;

export const manifest: AdapterManifest<LabHl7Options> = {
  system: 'lab-hl7',
  title: 'Medical laboratory (laboratory information system, HL7 v2.5)',
  protocol: 'HL7 v2.5 over MLLP (TCP): QBP^Q11 query by parameter per patient, answered RSP^K11 with ORC/OBR/OBX; NLK codes, UCUM units',
  sector: 'HOSPITAL',
  provides: ['LabResultsModel'],
  options: optionsSchema,
  // Queries go one after another on each of a batch's connections: a batch is bounded so that it fits the deadline.
  maxBatch: 25,
  messagePerKey: true,
  operations: ['lab-results'],
  // The laboratory answers only agreed partners (MSH-4): an unknown facility is refused with MSA AR.
  conformance: { withoutCredentials: (options) => ({ ...options, sendingFacility: 'UNKNOWN-FACILITY' }) },
};
