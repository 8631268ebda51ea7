import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The process's Prometheus metrics (`GET /metrics` on the gateway and on every subgraph). Labels name
 * source instances, operations, outcomes and limits, never a patient, a reader or anything they asked.
 */
function create() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const counter = <L extends string>(name: string, help: string, labelNames: L[]) => new Counter({ name, help, labelNames, registers: [registry] });
  const gauge = <L extends string>(name: string, help: string, labelNames: L[]) => new Gauge({ name, help, labelNames, registers: [registry] });
  return {
    registry,
    cacheLookups: counter('patient_graph_cache_lookups_total', 'Source cache lookups by result: hit, miss, stale (served after a source failure), bypass (not cacheable)', [
      'source',
      'operation',
      'result',
    ]),
    cacheErrors: counter('patient_graph_cache_errors_total', 'Cache store commands that failed (the read went to the source)', ['operation']),
    cacheStoreUp: gauge('patient_graph_cache_store_up', '1 while the cache store answers (always, in process), 0 while Redis does not and reads bypass it', []),
    sourceReads: counter('patient_graph_source_reads_total', 'Legacy system reads by outcome (ok or the error code)', ['source', 'outcome']),
    sourceWrites: counter('patient_graph_source_writes_total', 'Writes to legacy systems (messages sent) by kind and outcome (ok or the error code)', ['source', 'operation', 'outcome']),
    sourceReadSeconds: new Histogram({
      name: 'patient_graph_source_read_seconds',
      help: 'How long legacy system reads took',
      labelNames: ['source'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    circuitState: gauge('patient_graph_circuit_state', 'Circuit breaker per source instance: 0 closed, 1 half-open, 2 open', ['source']),
    limitRefusals: counter('patient_graph_limit_refusals_total', 'Requests refused by a limit before planning', ['limit']),
    accessLogWrites: counter('patient_graph_access_log_writes_total', 'Access log appends by outcome', ['outcome']),
    graphqlRequests: counter('patient_graph_graphql_requests_total', 'GraphQL requests answered, by outcome: ok, partial (data with errors) or refused (no data)', ['outcome']),
    graphqlErrors: counter('patient_graph_graphql_errors_total', 'Errors in GraphQL answers, by registered code', ['code']),
    // Live alerts: no label names a platform (a counter moving right after a protected patient's alarm must not tell
    // which municipality's platform raised it).
    alertsPublished: counter('patient_graph_alerts_published_total', "Events the platforms pushed that this replica took onto the alert stream (POST /welfare/events), by outcome: published, repeated (the same event pushed again: not published twice), refused", ['outcome']),
    alertSubscriptions: gauge('patient_graph_alert_subscriptions', 'welfareAlerts subscriptions open on this replica', []),
    alertDeliveries: counter('patient_graph_alert_deliveries_total', 'Alerts sent to subscribers, by outcome: delivered, partial (with an error beside it), refused (the last: the read was refused)', ['outcome']),
    graphqlSeconds: new Histogram({
      name: 'patient_graph_graphql_request_seconds',
      help: 'How long GraphQL requests took, from the request to the answer',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
  };
}

let instance: ReturnType<typeof create> | undefined;

export function metrics(): ReturnType<typeof create> {
  instance ??= create();
  return instance;
}
