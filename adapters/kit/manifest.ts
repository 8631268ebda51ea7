import type { z } from 'zod';
import type { SectorName } from '../../lib/sectors';
import type { ContractName } from '../contracts';

export type { SectorName };

/**
 * What an adapter declares about itself: the one place a system is declared (adapters/registry.ts finds
 * every `adapters/<system>/manifest.ts`; config checks, routing and the subgraphs' wiring derive from it).
 * Who reads what:
 * - `options`: `createAdapter` (adapters/index.ts) validates each instance's sources.json `options` against
 *   it when a subgraph builds its clients at start;
 * - `sector`: the subgraphs, to say which part of the record an instance answers for (`Patient.sources`, errors);
 * - `provides`: the contract (adapters/contracts.ts) the adapter fulfils; routing checks and subgraphs ask
 *   instances by it, so a new system of an existing kind is wired in by its manifest alone;
 * - `maxBatch`: the adapter's client hands it to `kit.readMany`, which splits larger reads;
 * - `title` and `protocol`: descriptions for people, not read by code to decide anything (a
 *   subgraph's /health lists each instance with its title and protocol).
 */
export interface AdapterManifest<Options = unknown> {
  /** The system name used in sources.json (`system`). */
  system: string;
  /** A human title, for example "Hospital record (FHIR R4)". */
  title: string;
  /** The protocol in a few words, for example "FHIR R4 REST, OAuth2 client credentials". */
  protocol: string;
  sector: SectorName;
  /** The contract the adapter fulfils, named by the model it returns (for example `HospitalRecordModel`). */
  provides: readonly [ContractName];
  /** How the graph names the organisation behind a national service or registry (for example Folkeregisteret). */
  organisation?: string;
  /** The instance options (sources.json `options`) the adapter accepts, validated at start. */
  options: z.ZodType<Options>;
  /** The most keys one call to the source may carry; `kit.readMany` splits larger reads into parts of this size. */
  maxBatch: number;
  /**
   * The protocol asks one key per message (HL7 v2's query by parameter, QBP^Q11): a batch is several
   * messages, at most `maxBatch` on a few connections. The benchmark counts its messages per key, not per batch.
   */
  messagePerKey?: true;
  /**
   * The kinds of data the adapter reads (the `operation` of its `kit.readMany` calls). The cache keeps and
   * forgets entries by them: a source's change notice invalidates each kind for the patients it names.
   */
  operations: readonly string[];
  /**
   * For a contract whose systems each hold some of its parts (a welfare technology platform holds alarms and home
   * measurements, a dispenser's platform the doses): the parts this system holds, named as the contract's model names
   * them. A view that needs only other parts does not ask it. Absent: every part.
   */
  holds?: readonly string[];
  /** What the conformance kit (`npm run conformance`) needs to know beyond the contract. */
  conformance?: ConformanceProfile<Options>;
}

export interface ConformanceProfile<Options> {
  /**
   * The instance's options with its credentials made wrong (an unknown key, another client's id, a sender that
   * is no communication partner): a read made with them must be refused. Leave it out for a system that takes
   * no credentials of its own (the registries reached through the health network), and the check says so.
   */
  withoutCredentials?: (options: Options) => Options;
}
