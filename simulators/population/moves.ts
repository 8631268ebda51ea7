import { addCoordination } from './coordination';
import { STREETS } from './names';
import { addDays } from './random';
import { buildCareRecord, buildGpRecord, buildHospitalRecords, type Truth } from './records';
import type { Address, CareRecord, EarlierGpListing, GpRecord, HospitalRecord, Residence } from './types';

/**
 * A person's past in other services (issue 15, the record follows a move): the municipality they lived in before
 * and what its care service, their GP office there and its catchment hospital recorded until they moved; or the GP
 * office they were listed with before they changed GP. Each earlier record is built as the system would hold it
 * today: dated until the move or the change, its services ended then, nothing planned.
 *
 * Only shapes that ask for it (Shape.moved, Shape.changedGp) get a past, and they are drawn after everyone else
 * (generate.ts), so no existing person, draw or id moved.
 */

/** A move from another municipality, for a shape. */
export interface MoveShape {
  /** The municipality the person lived in before (a number of organisations.json). */
  from: string;
  /** The move was this many days before the end of the record. */
  daysAgo: number;
  /** How long the person had lived there, in days before the move. */
  livedDays: number;
  /** The GP office the person was listed with there (HER-id). */
  officeHerId: string;
  /** Home nursing there, ended with the move; or none. */
  care: 'home' | 'none';
  /** Hospital stays while living there (at the municipality's catchment hospital), days before the move. */
  episodes?: { key: string; daysAgo: number }[];
}

/** A change of GP office within the municipality, for a shape. */
export interface GpChangeShape {
  /** The office the person was listed with before (HER-id). */
  officeHerId: string;
  /** The change was this many days before the end of the record. */
  daysAgo: number;
  /** How long the person had been listed there, in days before the change. */
  listedDays: number;
}

/** The day the current residence and the current GP listing began, where a shape's past says. */
export function currentSince(shape: Truth['shape'], endOfRecord: string): { residentSince?: string; listedSince?: string } {
  const moved = shape.moved ? addDays(endOfRecord, -shape.moved.daysAgo) : undefined;
  const changed = shape.changedGp ? addDays(endOfRecord, -shape.changedGp.daysAgo) : undefined;
  // After a move the person lists with a GP in the new municipality a couple of weeks later.
  const listed = changed ?? (moved ? addDays(moved, 14) : undefined);
  return { ...(moved ? { residentSince: moved } : {}), ...(listed ? { listedSince: listed } : {}) };
}

/** What a person's past adds to the person. */
export interface Past {
  earlierResidences?: Residence[];
  earlierCareRecords?: CareRecord[];
  earlierGpListings?: EarlierGpListing[];
  earlierGpRecords?: GpRecord[];
  /** Records at hospitals of the earlier municipality's catchment area (added to the person's hospital records). */
  hospitalRecords: HospitalRecord[];
}

/**
 * The person's past, drawn from the population's generator (the shapes that have one come last). `current`: the
 * hospital records already built for today's residence; an earlier stay must be at another hospital (a hospital
 * keeps one record per patient).
 */
export function buildPast(t: Truth, nin: string, current: { hospital: HospitalRecord[] }): Past {
  const { moved, changedGp } = t.shape;
  if (moved) return movedFrom(t, nin, moved, current.hospital);
  if (changedGp) return changedFrom(t, changedGp, current.hospital);
  return { hospitalRecords: [] };
}

function movedFrom(t: Truth, nin: string, moved: MoveShape, currentHospitals: HospitalRecord[]): Past {
  const { rng, world } = t;
  if (moved.from === t.municipality) throw new RangeError('a move must come from another municipality');
  const office = world.orgs.gpOffices.find((o) => o.herId === moved.officeHerId);
  if (office?.municipality !== moved.from) throw new RangeError(`GP office ${moved.officeHerId} is not in municipality ${moved.from}`);
  const moveDate = addDays(t.endOfRecord, -moved.daysAgo);
  const from = addDays(moveDate, -moved.livedDays);
  const gp = { officeHerId: office.herId, practitioner: rng.pick(world.gpsByOffice.get(office.herId) ?? []), since: from };
  const past = pastTruth(t, { municipality: moved.from, endOfRecord: moveDate, gp, residentSince: from, care: moved.care, episodes: moved.episodes ?? 'none' });

  const hospital = buildHospitalRecords(past);
  if (hospital.some((h) => currentHospitals.some((c) => c.orgNumber === h.orgNumber))) {
    throw new RangeError('an earlier stay must be at another hospital than today\'s records (one record per hospital)');
  }
  // The patient left the catchment area: the hospital's episodes of care ended with their last encounter there.
  for (const record of hospital) {
    for (const episode of record.careEpisodes) {
      if (episode.status !== 'active') continue;
      const latest = record.episodes.filter((e) => e.department === episode.department).reduce((a, b) => (b.end > a.end ? b : a));
      episode.status = 'finished';
      episode.end = latest.end;
    }
  }
  const care = buildCareRecord(past, hospital);
  if (care) {
    // Ended with the move; the record stays with the municipality.
    care.services = care.services.map((s) => (s.end === null ? { ...s, end: moveDate } : s));
  }
  const gpRecord = buildGpRecord(past, gp, hospital);
  // Contact persons and the hospital's answers to the GP's referrals, as for today's records.
  addCoordination(past, nin, { care: null, gp: null, hospital });

  const street = rng.pick(STREETS[moved.from] ?? []);
  const address: Address = { street: street.name, houseNumber: String(rng.int(1, 120)), postalCode: street.postalCode, city: street.city };
  return {
    earlierResidences: [{ municipality: moved.from, address, from, to: moveDate }],
    earlierCareRecords: care ? [care] : [],
    earlierGpListings: [{ officeHerId: office.herId, hprNumber: gp.practitioner.hprNumber, from, to: moveDate }],
    earlierGpRecords: [gpRecord],
    hospitalRecords: hospital,
  };
}

function changedFrom(t: Truth, change: GpChangeShape, hospitals: HospitalRecord[]): Past {
  const { rng, world } = t;
  const office = world.orgs.gpOffices.find((o) => o.herId === change.officeHerId);
  if (!office || office.herId === t.gp?.officeHerId) throw new RangeError(`a change of GP needs another office than today's (${change.officeHerId})`);
  const changeDate = addDays(t.endOfRecord, -change.daysAgo);
  const gp = { officeHerId: office.herId, practitioner: rng.pick(world.gpsByOffice.get(office.herId) ?? []), since: addDays(changeDate, -change.listedDays) };
  const past = pastTruth(t, { municipality: t.municipality, endOfRecord: changeDate, gp });
  // The hospital stays before the change, as the earlier office knew them (the episodes themselves, so that a
  // referral it wrote is registered on the encounter it led to).
  const before = hospitals.map((h) => ({ ...h, episodes: h.episodes.filter((e) => e.start.slice(0, 10) < changeDate) }));
  const gpRecord = buildGpRecord(past, gp, before);
  return {
    earlierGpListings: [{ officeHerId: office.herId, hprNumber: gp.practitioner.hprNumber, from: gp.since, to: changeDate }],
    earlierGpRecords: [gpRecord],
    hospitalRecords: [],
  };
}

/**
 * The person as they were until `endOfRecord`: the medicines started by then, no discharge changes or added medicines
 * of today's story, nothing planned, alive.
 */
function pastTruth(
  t: Truth,
  at: { municipality: string | null; endOfRecord: string; gp: NonNullable<Truth['gp']>; residentSince?: string; care?: MoveShape['care']; episodes?: MoveShape['episodes'] | 'none' },
): Truth {
  const { changes: _changes, lastDischarge: _lastDischarge, ...rest } = t;
  return {
    ...rest,
    municipality: at.municipality,
    endOfRecord: at.endOfRecord,
    deceasedDate: null,
    gp: at.gp,
    medications: t.medications.filter((m) => m.startDate <= at.endOfRecord),
    ...(at.residentSince ? { residentSince: at.residentSince } : {}),
    shape: {
      ...t.shape,
      care: at.care ?? 'none',
      episodes: at.episodes ?? 'none',
      discrepancies: {},
      addedDrugs: undefined,
      careTranscription: undefined,
      coordination: undefined,
      blockDocuments: undefined,
      withholdFromPatient: undefined,
      blockPractitioner: undefined,
      moved: undefined,
      changedGp: undefined,
      gpConsultations: undefined,
      keptFromParents: undefined,
    },
  };
}
