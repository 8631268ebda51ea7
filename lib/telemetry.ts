import type { ExportResult } from '@opentelemetry/core';
import type * as OtlpHttp from '@opentelemetry/exporter-trace-otlp-http';
import type * as HttpInstrumentationModule from '@opentelemetry/instrumentation-http';
import type * as UndiciInstrumentationModule from '@opentelemetry/instrumentation-undici';
import type * as Sdk from '@opentelemetry/sdk-node';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { redactNins } from './nin';

/**
 * OpenTelemetry traces across gateway → subgraph → adapter → legacy system, exported over OTLP/HTTP, and
 * off unless configured: nothing leaves the machine unless OTEL_EXPORTER_OTLP_ENDPOINT (or
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) names a collector, with OTEL_* variables as the SDK reads them.
 * Each process calls `startTelemetry` before it loads anything that speaks HTTP (the instrumentations patch
 * `http` and listen to undici as modules load): `lib/telemetryStart.ts` is every main file's first import.
 *
 * Spans carry no personal data: the instrumentations record methods, routes and status codes, the adapter
 * kit's spans name the source (or only its sector, where the patient's address is strictly confidential)
 * and counts; and every span passes a scrubbing exporter before it leaves, which drops URL query strings
 * and masks anything that looks like an identity number, as the logs do.
 */
export function telemetryEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim()) && env.OTEL_SDK_DISABLED !== 'true';
}

let started: { shutdown(): Promise<void> } | undefined;

export function startTelemetry(service: string): void {
  if (started || !telemetryEnabled()) return;
  // Loaded only when tracing is on: the SDK is megabytes no process needs otherwise.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { NodeSDK } = require('@opentelemetry/sdk-node') as typeof Sdk;
  const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http') as typeof OtlpHttp;
  const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http') as typeof HttpInstrumentationModule;
  const { UndiciInstrumentation } = require('@opentelemetry/instrumentation-undici') as typeof UndiciInstrumentationModule;
  /* eslint-enable @typescript-eslint/no-require-imports */
  const sdk = new NodeSDK({
    serviceName: `patient-graph-${service}`,
    traceExporter: new ScrubbingExporter(new OTLPTraceExporter()),
    instrumentations: [
      new HttpInstrumentation({
        // Health and metrics polls are not requests anyone traces.
        ignoreIncomingRequestHook: (request) => /^\/(health|metrics)/.test(request.url ?? ''),
      }),
      new UndiciInstrumentation(),
    ],
  });
  sdk.start();
  started = sdk;
  const stop = () => void sdk.shutdown().catch(() => undefined);
  process.once('beforeExit', stop);
}

/** Flushes and stops tracing (services call it when they stop). */
export async function stopTelemetry(): Promise<void> {
  await started?.shutdown().catch(() => undefined);
  started = undefined;
}

/** A URL without its query string and fragment; other text with identity numbers masked. */
export function scrubbed(value: string): string {
  const withoutQuery = /^[a-z][a-z0-9+.-]*:\/\/|^\//i.test(value) ? value.replace(/[?#].*$/, '') : value;
  return redactNins(withoutQuery);
}

/** Masks every string attribute and event of a span before the wrapped exporter sends it. */
export class ScrubbingExporter implements SpanExporter {
  constructor(private readonly inner: SpanExporter) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    for (const span of spans) {
      scrubAttributes(span.attributes as Record<string, unknown>);
      for (const event of span.events) if (event.attributes) scrubAttributes(event.attributes as Record<string, unknown>);
      (span as { name: string }).name = scrubbed(span.name);
    }
    this.inner.export(spans, resultCallback);
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}

function scrubAttributes(attributes: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(attributes)) {
    if (typeof value === 'string') attributes[key] = scrubbed(value);
    else if (Array.isArray(value)) attributes[key] = value.map((v) => (typeof v === 'string' ? scrubbed(v) : v));
  }
}
