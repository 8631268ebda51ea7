import type { Response } from 'express';

export const FHIR_JSON = 'application/fhir+json; charset=utf-8';

/** An OperationOutcome with one issue. Diagnostics are fixed texts: they never echo request values. */
export function operationOutcome(code: string, diagnostics: string, severity: 'fatal' | 'error' | 'warning' = 'error'): Record<string, unknown> {
  return { resourceType: 'OperationOutcome', issue: [{ severity, code, diagnostics }] };
}

export function sendOutcome(res: Response, status: number, code: string, diagnostics: string): void {
  sendFhir(res, status, operationOutcome(code, diagnostics));
}

export function sendFhir(res: Response, status: number, resource: unknown): void {
  res.status(status).type(FHIR_JSON).send(JSON.stringify(resource));
}
