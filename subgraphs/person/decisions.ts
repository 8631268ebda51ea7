import type { ApolloServerPlugin } from '@apollo/server';
import type { CareRecordModel, GpListingModel, HospitalRecordModel, RegistryPerson } from '../../adapters/model';
import { patientPseudonym } from '../../lib/audit/patientPseudonym';
import type { Identity } from '../../lib/identity';
import { todayInOslo } from '../../lib/osloTime';
import type { PatientParent } from '../kit/access/AccessContext';
import { groundLabel, type AccessDecision } from '../kit/access/AccessDecision';
import { decideAccess, routingOf } from '../kit/access/decideAccess';
import type { SubgraphContext } from '../kit/createSubgraph';
import type { SourceOutcome } from '../kit/outcomes';

/**
 * The person subgraph decides every reader's access to every patient of a request, once, from the
 * sources: the registries it reads anyway, plus the reader's own organisation's system when the reader
 * works for the patient's municipality or a connected hospital. Other subgraphs receive the decision in
 * the signed access grant; the gateway receives it (by patient pseudonym) for the access log.
 */
type BaseContext = Omit<SubgraphContext, 'access'>;

export function loadPerson(ctx: BaseContext, nin: string): Promise<SourceOutcome<RegistryPerson>> {
  const id = ctx.sources.orgs.registries.population;
  return ctx.loaders.load(ctx.sources.adapter(id, ['population-register']), nin, (k) => k, ctx.sources.info(id));
}

export function loadListing(ctx: BaseContext, nin: string): Promise<SourceOutcome<GpListingModel>> {
  const id = ctx.sources.orgs.registries.gpList;
  return ctx.loaders.load(ctx.sources.adapter(id, ['gp-register']), nin, (k) => k, ctx.sources.info(id));
}

export function decider(ctx: BaseContext, reader: Identity): (patient: PatientParent) => Promise<AccessDecision> {
  return ({ nin }) => decide(ctx, reader, nin);
}

async function decide(ctx: BaseContext, reader: Identity, nin: string): Promise<AccessDecision> {
  const [person, listing] = await Promise.all([loadPerson(ctx, nin), loadListing(ctx, nin)]);
  const officeHerId = listing.ok ? listing.value?.office.herId : undefined;
  const gpOfficeOrgNumber = (listing.ok ? listing.value?.office.orgNumber : null) ?? (officeHerId ? (ctx.sources.gpOffice(officeHerId)?.orgNumber ?? null) : null);
  const facts = { reader, nin, person, listing, gpOfficeOrgNumber, today: todayInOslo() };
  const org = reader.kind === 'PERSONNEL' && reader.role === 'CLINICIAN' ? reader.orgNumber : null;
  if (!org) return decideAccess(facts);
  // Only the reader's own organisation's system can show their relationship (or a block on them by name).
  const routing = routingOf(facts);
  const municipality = ctx.sources.municipalityByOrg(org);
  const hospital = ctx.sources.hospitalByOrg(org);
  const [readerCare, readerHospital] = await Promise.all([
    municipality?.careInstance && routing.municipality === municipality.number
      ? ctx.loaders.load<string, CareRecordModel>(ctx.sources.adapter(municipality.careInstance, ['care-json', 'care-plo']), nin, (k) => k, ctx.sources.info(municipality.careInstance))
      : undefined,
    // Only a hospital the graph would ask for this patient (one of the municipality's): a record held
    // anywhere else is not part of the graph's answer, and asking would cost every worklist a batch.
    hospital && routing.municipality && ctx.sources.hospitalsFor(routing.municipality).some((h) => h.orgNumber === hospital.orgNumber)
      ? ctx.loaders.load<string, HospitalRecordModel>(ctx.sources.adapter(hospital.instance, ['hospital-fhir']), nin, (k) => k, ctx.sources.info(hospital.instance))
      : undefined,
  ]);
  return decideAccess({ ...facts, ...(readerCare ? { readerCare } : {}), ...(readerHospital ? { readerHospital } : {}) });
}

/**
 * Hands the gateway each decision of the request in the response's extensions, keyed by the patient's
 * pseudonym in the access log, so the log can say which relationship granted each disclosure.
 */
export function reportDecisions(pseudonymKey: () => Buffer): ApolloServerPlugin<SubgraphContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue }) {
          const made = contextValue.access.settled();
          if (response.body.kind !== 'single' || made.size === 0) return;
          const report = Object.fromEntries(
            [...made].map(([nin, d]) => [patientPseudonym(nin, pseudonymKey()), { grounds: d.grounds.map(groundLabel), refusal: d.refusal }]),
          );
          response.body.singleResult.extensions = { ...response.body.singleResult.extensions, accessDecisions: report };
        },
      };
    },
  };
}
