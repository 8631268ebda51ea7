import { graphql } from './gql';

/**
 * The playground's first query (gateway/playground/first-query.graphql), with the patient's global `id` added:
 * the cache files a patient under it (createPatientGraphClient.ts), never under her identity number.
 */
export const PatientSummaryQuery = graphql(`
  query PatientSummary($nin: String!) {
    patient(nin: $nin) {
      id
      name { text }
      birthDate
      municipality { name }
      generalPractitioner {
        gp { name { text } }
        office { name recordSystem }
      }
      summaryRecord {
        criticalInformation { type text reaction severity }
      }
      careRecord {
        services { description start end }
        visitsConnection(first: 2) {
          edges { node { time tasks note } }
          pageInfo { hasNextPage endCursor }
        }
      }
      gpRecord {
        consultationsConnection(first: 2) {
          edges { node { time reason { code display } } }
          pageInfo { hasNextPage endCursor }
        }
      }
      hospitalRecords {
        hospital
        encounters { class start department }
      }
      medications {
        name
        atc
        status
        hasDiscrepancy
        discrepancies { kind description }
        sources { organisation }
      }
      timelineConnection(first: 8) {
        edges { node { day at sector title } }
        pageInfo { hasNextPage endCursor }
      }
      sources { sourceId sector state latencyMs }
    }
  }
`);

/**
 * A header for a patient page: every field is part of the summary, so after the summary the normalised
 * cache answers it without asking the gateway.
 */
export const PatientHeaderQuery = graphql(`
  query PatientHeader($nin: String!) {
    patient(nin: $nin) {
      id
      name { text }
      birthDate
      generalPractitioner {
        office { name }
      }
    }
  }
`);
