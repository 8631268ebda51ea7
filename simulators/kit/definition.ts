import type { Express } from 'express';
import type { InstanceConfig, Organisations, SystemName } from '../../lib/config';
import type { PopulationIndex } from '../population';

export interface SimulatorContext {
  instance: InstanceConfig;
  orgs: Organisations;
  population: PopulationIndex;
}

/** A canned HTTP answer. */
export interface CannedResponse {
  status: number;
  contentType: string;
  body: string;
}

/**
 * What a simulator of one legacy system provides. The kit wraps its app with what every simulator does:
 * latency, fault modes, the identity-number-in-URL guard and request counting.
 */
export interface SimulatorDefinition {
  system: SystemName;
  /** The protocol app for one instance. */
  createApp(context: SimulatorContext): Express;
  /** How this system reports a server error (mode `fail`). */
  failure: CannedResponse;
  /** A syntactically valid answer that breaks the protocol's rules (mode `invalid`). */
  invalid: CannedResponse;
}
