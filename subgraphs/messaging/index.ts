import type { PatientParent } from '../kit/access/AccessContext';
import { grantReader } from '../kit/access/AccessContext';
import { verifierKey } from '../kit/access/accessGrant';
import { decider } from '../kit/access/decider';
import type { SubgraphDefinition } from '../kit/createSubgraph';
import { resolvers } from './resolvers';
import { startMessaging } from './runtime';

/**
 * Messages between services about a patient: `sendMessage` (the graph's first write) and `Patient.messages`.
 * It decides access itself for what it is asked to send (from the sources, as the person subgraph does: a
 * mutation has no grant to carry), and reads the person subgraph's grant for a patient the plan hands it.
 */
export const messagingSubgraph: SubgraphDefinition = {
  name: 'messaging',
  resolvers: resolvers as SubgraphDefinition['resolvers'],
  // The registries and hospitals (the decision, the care team), the care systems (the care team), and every
  // system that takes messages (GP, municipal care, hospital).
  contracts: ['RegistryPerson', 'GpListingModel', 'RepresentationModel', 'PractitionerModel', 'CareRecordModel', 'HospitalRecordModel', 'GpRecordModel'],
  decide: (ctx, identity) => {
    const fromSources = decider(ctx, identity);
    const fromGrant = grantReader(verifierKey('messaging'), 'messaging', ctx.requestId, identity);
    return (patient: PatientParent) => (patient.accessGrant === undefined ? fromSources(patient) : fromGrant(patient));
  },
  background: startMessaging,
};
