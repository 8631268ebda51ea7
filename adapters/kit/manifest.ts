import type { z } from 'zod';
import type { SystemName } from '../../lib/config';

export type SectorName = 'REGISTRY' | 'MUNICIPAL_CARE' | 'GP' | 'HOSPITAL' | 'NATIONAL';

/**
 * What an adapter declares about itself. Who reads what:
 * - `options`: `createAdapter` (adapters/index.ts) validates each instance's sources.json `options` against
 *   it when a subgraph builds its clients at start;
 * - `sector`: the subgraphs, to say which part of the record an instance answers for (`Patient.sources`, errors);
 * - `maxBatch`: the adapter's client hands it to `kit.readMany`, which splits larger reads;
 * - `title`, `protocol` and `provides`: descriptions for people, not read by code to decide anything (a
 *   subgraph's /health lists each instance with its title and protocol).
 */
export interface AdapterManifest<Options = unknown> {
  /** The system name used in sources.json (`system`). */
  system: SystemName;
  /** A human title, for example "Hospital record (FHIR R4)". */
  title: string;
  /** The protocol in a few words, for example "FHIR R4 REST, OAuth2 client credentials". */
  protocol: string;
  sector: SectorName;
  /** What the adapter provides to the graph, as model names (for example `HospitalRecordModel`); documentation only. */
  provides: string[];
  /** The instance options (sources.json `options`) the adapter accepts, validated at start. */
  options: z.ZodType<Options>;
  /** The most keys one call to the source may carry; `kit.readMany` splits larger reads into parts of this size. */
  maxBatch: number;
  /**
   * The kinds of data the adapter reads (the `operation` of its `kit.readMany` calls). The cache keeps and
   * forgets entries by them: a source's change notice invalidates each kind for the patients it names.
   */
  operations: readonly string[];
}
