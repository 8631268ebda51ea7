/**
 * The id in a reference to a resource of `type`: relative (`Patient/abc`), absolute
 * (`https://host/fhir/Patient/abc`) or versioned (`.../_history/2`). Null for anything else.
 */
export function referencedId(reference: string | undefined, type: string): string | null {
  if (!reference) return null;
  const match = new RegExp(`(?:^|/)${type}/([A-Za-z0-9\\-.]{1,64})(?:/_history/[^/]+)?$`).exec(reference);
  return match?.[1] ?? null;
}
