import type { CareTeamMemberModel, ReferralAssessmentModel, UpcomingItemModel } from '../../adapters/model';
import type { AccessContext } from './access/AccessContext';
import { placesProtected, type AccessDecision } from './access/AccessDecision';
import { provenance, type Provenance } from './provenance';
import type { SourceDirectory, SourceInfo } from './SourceDirectory';

/**
 * The shared value types the sectors hand the record subgraph for `Patient.careTeam` and `Patient.upcoming`
 * (schema/shared.graphql CareTeamEntry, UpcomingEntry), built where the sector's record is read.
 *
 * What places the patient (the person, the service, its organisation, HER-id and phone) is left out here, at the
 * source, for a patient whose address is strictly confidential (or whose grading is unknown) when the reader is not
 * in the organisation the entry names: no later layer sees it (as a source named by its sector only). The record
 * subgraph's placeName rule refuses those fields by the entry's organisation number, which is then left out too.
 */

export type CareTeamRole = CareTeamMemberModel['role'];

export interface CareTeamEntry {
  role: CareTeamRole;
  hprNumber: string | null;
  name: string | null;
  service: string | null;
  organisation: string | null;
  orgNumber: string | null;
  herId: string | null;
  phone: string | null;
  start: string | null;
  end: string | null;
  provenance: Provenance;
}

export interface UpcomingEntry {
  id: string;
  kind: UpcomingItemModel['kind'];
  time: string;
  title: string;
  status: UpcomingItemModel['status'];
  deadline: string | null;
  referralId: string | null;
  service: string | null;
  organisation: string | null;
  orgNumber: string | null;
  hprNumber: string | null;
  provenance: Provenance;
}

/** Whether this reader may see what places the patient at `orgNumber`: placeName's test, made where the entry is built. */
export function placeVisible(decision: AccessDecision, access: AccessContext, orgNumber: string | null): boolean {
  return !placesProtected(decision) || (orgNumber !== null && access.orgNumber === orgNumber);
}

/** A person's name as one line. */
function nameText(name: CareTeamMemberModel['name']): string | null {
  return name ? [name.given, name.middle, name.family].filter(Boolean).join(' ') : null;
}

/**
 * One member as an entry. The service is reached through the address register (organisations.json): its HER-id
 * where the source did not give one, and always its phone from there, a service's own number, never a private one.
 * The organisation is the member's, or else the source's (the municipality, the hospital).
 */
export function careTeamEntry(member: CareTeamMemberModel, source: SourceInfo, sources: SourceDirectory, visible: boolean): CareTeamEntry {
  const orgNumber = member.orgNumber ?? source.orgNumber;
  const address = (member.herId ? sources.serviceByHerId(member.herId) : undefined) ?? sources.serviceNamed(orgNumber, member.service);
  const organisation = (orgNumber ? sources.organisationName(orgNumber) : null) ?? (source.masked ? null : source.organisation);
  const base = { role: member.role, start: member.start, end: member.end, provenance: provenance(source) };
  if (!visible) return { ...base, hprNumber: null, name: null, service: null, organisation: null, orgNumber: null, herId: null, phone: null };
  return {
    ...base,
    hprNumber: member.hprNumber,
    name: nameText(member.name),
    service: member.service,
    organisation,
    orgNumber,
    herId: member.herId ?? address?.herId ?? null,
    phone: address?.phone ?? null,
  };
}

/** One planned item as an entry, placed at `orgNumber` (the source's organisation unless given). */
export function upcomingEntry(item: UpcomingItemModel, source: SourceInfo, sources: SourceDirectory, visible: boolean, service: string | null = item.service): UpcomingEntry {
  const orgNumber = source.orgNumber;
  const base = { id: item.id, kind: item.kind, time: item.time, title: item.title, status: item.status, deadline: item.deadline, referralId: item.referralId, provenance: provenance(source, item.id) };
  if (!visible) return { ...base, service: null, organisation: null, orgNumber: null, hprNumber: null };
  return {
    ...base,
    service,
    organisation: (orgNumber ? sources.organisationName(orgNumber) : null) ?? (source.masked ? null : source.organisation),
    orgNumber,
    hprNumber: item.hprNumber,
  };
}

/** How many days a hospital has to answer a referral it received when the source does not say: 10 working days (pbrl. § 2-2). */
const ANSWER_DAYS = 14;

/**
 * A referral still open at the hospital as an upcoming item, dated by its next step: the answer while it is being
 * assessed, the latest start of care once accepted (frist). Returned and completed referrals are answered: none.
 */
export function referralItem(a: ReferralAssessmentModel): UpcomingItemModel | null {
  if (a.status === 'RECEIVED') {
    const due = a.answerDue ?? new Date(Date.parse(a.received.slice(0, 10)) + ANSWER_DAYS * 86_400_000).toISOString().slice(0, 10);
    return { id: a.id, kind: 'REFERRAL', time: due, title: 'Henvisning mottatt: under vurdering, svar innen fristen', service: a.service, status: 'RECEIVED', deadline: null, referralId: a.referralId, hprNumber: null };
  }
  if (a.status === 'ACCEPTED' && a.deadline) {
    return {
      id: a.id,
      kind: 'REFERRAL',
      time: a.deadline,
      title: 'Henvisning vurdert: rett til nødvendig helsehjelp, som skal starte innen fristen',
      service: a.service,
      status: 'ACCEPTED',
      deadline: a.deadline,
      referralId: a.referralId,
      hprNumber: a.hprNumber,
    };
  }
  return null;
}
