import type { Express } from 'express';
import type { InstanceConfig, Organisations, SystemName } from '../../lib/config';
import type { PopulationIndex } from '../population';
import type { MessageStore } from './messageStore';

/** What a simulator is started with. */
export interface SimulatorSetup {
  instance: InstanceConfig;
  orgs: Organisations;
  population: PopulationIndex;
}

/** What a simulator's app gets: its setup, and a way to tell tests what it saw. */
export interface SimulatorContext extends SimulatorSetup {
  /**
   * Counts one occurrence of `label` in the instance's stats (`observed`, reset with them and served by the
   * control API), so that tests can see what reached the source, for example `purpose:TREAT`. A label is a
   * protocol value such as a code, never anything that names a person.
   */
  observe(label: string): void;
  /**
   * The dialogue messages the instance holds (simulators/kit/messageStore.ts): the instance's own, so that they
   * outlive the app being made again when the instance goes `down` and comes back.
   */
  messages: MessageStore;
  /** How long the instance waits before it answers a question it took (the behaviour's `answerDelayMs`). */
  answerDelayMs(): number;
  /**
   * Says the patients' data changed here (a message taken, an answer written, a block set): a signed change
   * notice goes to the graph, as a real system's would, so that a cached record is not served without it. Never
   * fails; the promise settles when the graph has answered (await it where the change must be known at once).
   */
  changed(patients: readonly string[]): Promise<void>;
  /**
   * State the app keeps for the instance's life (blocks a patient set): kept across `down` and back, emptied by the
   * control API's reset. Made by `make` the first time a name is asked for.
   */
  kept<T>(name: string, make: () => T): T;
}

/**
 * What a system made of an event pushed through the control API (`POST /instances/:id/events`): the event it now
 * holds (its id, whose it is, and the resource its webhook carries), or why it refused it (HTTP status and a text
 * without personal data).
 */
export type PushedEventAnswer =
  | { ok: true; eventId: string; patients: readonly string[]; resource: unknown }
  | { ok: false; status: number; error: string };

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
  /** The protocol app for one instance (HTTP systems). */
  createApp?(context: SimulatorContext): Express;
  /**
   * For a system that speaks HL7 v2 over MLLP (TCP) instead of HTTP: what answers one framed message (its text,
   * segments separated by CR) for one instance, or null to answer nothing. Fault modes apply as for HTTP: `fail`
   * and `invalid` send the canned bodies below (with `$CONTROL_ID` replaced by the message's MSH-10, so that
   * the client can tell what they answer), `garbage` a mangled answer, `hang` nothing.
   */
  createMllpHandler?(context: SimulatorContext): (message: string) => string | null;
  /** How this system reports a server error (mode `fail`). */
  failure: CannedResponse;
  /** A syntactically valid answer that breaks the protocol's rules (mode `invalid`). */
  invalid: CannedResponse;
  /**
   * How the system refuses a request whose URL holds an identity number (HTTP 400), in its own fault format:
   * a FHIR server answers an OperationOutcome. Without one, the refusal is a plain-text 400.
   */
  ninInUrl?: CannedResponse;
  /**
   * For a system that pushes its events to the graph (a signed webhook): takes one event the control API was given
   * (its body, as the caller sent it), keeps it (`context.kept`, so that later reads include it and a reset drops
   * it) and answers the resource its webhook carries. The kit then sends the patients' change notice and the
   * webhook `{ "source": <instance id>, "resource": … }` to the events URL, signed as change notices are.
   */
  pushEvent?(context: SimulatorContext, request: unknown): PushedEventAnswer;
}
