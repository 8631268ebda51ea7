import { z } from 'zod';
import { herIdSchema, hprNumberSchema, orgNumberSchema } from '../../lib/identifiers';
import { validatePayload } from '../kit';
import type { EarlierGpListingModel, GpListingModel } from '../model';
import { nillable, text, wcfDateSchema, wrapped } from '../kit/wcf';

/**
 * GP register answer (the SOAP Body of GetPatientsGPDetailsResponse) → GpListingModel per identity number.
 * Pure: validates the data contract and maps it. WCF quirks handled here: `i:nil` for null members, empty
 * elements for empty collections, one element where a list is expected, .NET DateTime text for dates.
 * HPR numbers, HER-ids and organisation numbers are read into their normal form (lib/identifiers.ts).
 */
const associationSchema = z.object({
  // Nil when the list is vacant (ubesatt hjemmel): the office holds the list but no GP is assigned.
  GP: nillable(
    z.object({
      FirstName: text(z.string().min(1)),
      HprNumber: text(hprNumberSchema),
      LastName: text(z.string().min(1)),
    }),
  ),
  GPContract: z.object({
    EprSystem: nillable(z.string().min(1)),
    GPOffice: z.object({
      HerId: text(herIdSchema),
      Name: text(z.string().min(1)),
      OrganizationNumber: nillable(orgNumberSchema),
    }),
  }),
  PatientNIN: text(z.string().regex(/^\d{11}$/)),
  Period: z.object({ From: wcfDateSchema, To: nillable(wcfDateSchema) }),
});

export const gpDetailsResponseSchema = z.object({
  GetPatientsGPDetailsResponse: z.object({
    GetPatientsGPDetailsResult: wrapped('PatientToGPContractAssociation', associationSchema),
  }),
});

export type Association = z.infer<typeof associationSchema>;

export function mapAssociation(a: Association): GpListingModel {
  const office = a.GPContract.GPOffice;
  return {
    gpHprNumber: a.GP?.HprNumber ?? null,
    // The register keeps no middle name for GPs.
    gpName: a.GP ? { given: a.GP.FirstName, middle: null, family: a.GP.LastName } : null,
    office: { herId: office.HerId, name: office.Name, orgNumber: office.OrganizationNumber, recordSystem: a.GPContract.EprSystem },
    since: a.Period.From,
  };
}

/**
 * The association that applies when a patient has several (a switch of GP: the old period closed, the new
 * one open): the open one, else the one that started last.
 */
function current(list: Association[]): Association | undefined {
  const byStart = [...list].sort((x, y) => y.Period.From.localeCompare(x.Period.From));
  return byStart.find((a) => a.Period.To === null) ?? byStart[0];
}

/** The closed associations beside the one that applies, oldest first: the patient's earlier listings. */
function earlier(list: Association[], chosen: Association): EarlierGpListingModel[] {
  return list
    .filter((a): a is Association & { Period: { To: string } } => a !== chosen && a.Period.To !== null)
    .sort((x, y) => x.Period.From.localeCompare(y.Period.From))
    .map((a) => ({
      gpHprNumber: a.GP?.HprNumber ?? null,
      office: { herId: a.GPContract.GPOffice.HerId, name: a.GPContract.GPOffice.Name, orgNumber: a.GPContract.GPOffice.OrganizationNumber },
      from: a.Period.From,
      to: a.Period.To,
    }));
}

/** Maps the Body's content into a map from identity number to listing; unlisted patients are absent. */
export function mapGpDetailsResponse(body: unknown): Map<string, GpListingModel> {
  const payload = validatePayload(gpDetailsResponseSchema, body, 'GP register answer');
  const byNin = new Map<string, Association[]>();
  for (const a of payload.GetPatientsGPDetailsResponse.GetPatientsGPDetailsResult) {
    byNin.set(a.PatientNIN, [...(byNin.get(a.PatientNIN) ?? []), a]);
  }
  const result = new Map<string, GpListingModel>();
  for (const [nin, list] of byNin) {
    const chosen = current(list);
    if (!chosen) continue;
    const history = earlier(list, chosen);
    result.set(nin, { ...mapAssociation(chosen), ...(history.length ? { history } : {}) });
  }
  return result;
}
