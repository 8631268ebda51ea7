import type { z } from 'zod';
import type { SystemName } from '../../lib/config';

export type SectorName = 'REGISTRY' | 'MUNICIPAL_CARE' | 'GP' | 'HOSPITAL' | 'NATIONAL';

/**
 * What an adapter declares about itself. The subgraphs read it to build clients; the docs and the
 * health endpoint read it to say what is connected.
 */
export interface AdapterManifest<Options = unknown> {
  /** The system name used in sources.json (`system`). */
  system: SystemName;
  /** A human title, for example "Hospital record (FHIR R4)". */
  title: string;
  /** The protocol in a few words, for example "FHIR R4 REST, OAuth2 client credentials". */
  protocol: string;
  sector: SectorName;
  /** What the adapter provides to the graph, as model names (for example `HospitalRecordModel`). */
  provides: string[];
  /** The instance options (sources.json `options`) the adapter accepts, validated at start. */
  options: z.ZodType<Options>;
  /** The most keys one call to the source may carry; larger batches are split. */
  maxBatch: number;
}
