import type { ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { ScrubbingExporter, scrubbed, telemetryEnabled } from './telemetry';

describe('telemetry', () => {
  it('is off unless an OTLP endpoint is configured', () => {
    expect(telemetryEnabled({})).toBe(false);
    expect(telemetryEnabled({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe(true);
    expect(telemetryEnabled({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' })).toBe(true);
    expect(telemetryEnabled({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' })).toBe(false);
  });

  it('drops query strings from URLs and masks identity numbers in any text', () => {
    expect(scrubbed('http://care:4121/api/v2/sok?fnr=03864013065&x=1')).toBe('http://care:4121/api/v2/sok');
    expect(scrubbed('/fhir/Patient?identifier=x#frag')).toBe('/fhir/Patient');
    expect(scrubbed('query Q03864013065')).toBe('query Q[redacted]');
    expect(scrubbed('POST')).toBe('POST');
  });

  it('scrubs every string attribute, event and name before the wrapped exporter sees the spans', () => {
    const seen: ReadableSpan[] = [];
    const inner: SpanExporter = {
      export: (spans: ReadableSpan[], done: (r: ExportResult) => void) => {
        seen.push(...spans);
        done({ code: 0 });
      },
      shutdown: async () => undefined,
    };
    const span = {
      name: 'GET /x?nin=03864013065',
      attributes: { 'url.full': 'http://h/p?nin=03864013065', note: 'patient 038640 13065', count: 3, list: ['03864013065'] },
      events: [{ name: 'e', attributes: { detail: '03864013065' }, time: [0, 0] }],
    } as unknown as ReadableSpan;
    new ScrubbingExporter(inner).export([span], () => undefined);
    expect(JSON.stringify(seen)).not.toMatch(/03864013065|038640 13065/);
    expect(seen[0]?.attributes).toEqual({ 'url.full': 'http://h/p', note: 'patient [redacted]', count: 3, list: ['[redacted]'] });
  });
});
