/**
 * Imported first by every service's main file, so that tracing (when configured: lib/telemetry.ts) is on
 * before any module that speaks HTTP loads. The service is named from the command line.
 */
import path from 'node:path';
import { startTelemetry } from './telemetry';

function serviceName(argv: readonly string[]): string {
  const script = argv[1] ?? '';
  if (script.includes(`${path.sep}hive${path.sep}`)) return 'hive-gateway';
  if (script.includes(`subgraphs${path.sep}main`)) return `subgraph-${argv[2] ?? 'unknown'}`;
  if (script.includes(`gateway${path.sep}main`)) return 'gateway';
  return path.basename(script).replace(/\.(t|j)s$/, '') || 'process';
}

startTelemetry(process.env.OTEL_SERVICE_NAME?.trim() || serviceName(process.argv));
