import type { SubgraphDefinition } from '../kit/createSubgraph';
import { auditPseudonymKey } from '../../lib/secrets';
import { recordLookbackYears } from '../kit/access/decider';
import { decider, reportDecisions } from './decisions';

// Checked when the process starts: a bad look-back stops it, naming the variable.
recordLookbackYears();
import { resolvers } from './resolvers';

export const personSubgraph: SubgraphDefinition = {
  name: 'person',
  resolvers: resolvers as SubgraphDefinition['resolvers'],
  // The care and hospital records too: a reader's relationship is read from their own organisation's system.
  contracts: ['RegistryPerson', 'GpListingModel', 'RepresentationModel', 'PractitionerModel', 'CareRecordModel', 'HospitalRecordModel', 'SummaryRecordModel'],
  decide: decider,
  plugins: [reportDecisions(auditPseudonymKey)],
};
