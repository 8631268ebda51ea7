import type { InstanceConfig } from '../lib/config';
import type { AdapterKit, AdapterManifest, ReadOptions } from './kit';
import type {
  CareRecordModel,
  GpListingModel,
  GpRecordModel,
  HospitalRecordModel,
  PractitionerModel,
  RegistryPerson,
  SummaryRecordModel,
} from './model';

/**
 * The adapter contract: what a vendor implements for their system. One method, a batch read; the map it
 * returns is keyed by the identity number (or HPR number) and holds null where the system has no record.
 * Everything else (timeouts, errors, logging, later caching and circuit breaking) comes from the kit.
 */
export interface SourceAdapter<Key, Value> {
  readonly instance: InstanceConfig;
  read(keys: readonly Key[], options?: ReadOptions): Promise<Map<string, Value | null>>;
}

/** A GP system is asked per patient and office: the office's HER-id addresses the message. */
export interface GpRecordKey {
  nin: string;
  officeHerId: string;
}

export type PopulationRegisterAdapter = SourceAdapter<string, RegistryPerson>;
export type GpRegisterAdapter = SourceAdapter<string, GpListingModel>;
export type PractitionerRegisterAdapter = SourceAdapter<string, PractitionerModel>;
export type CareAdapter = SourceAdapter<string, CareRecordModel>;
export type GpAdapter = SourceAdapter<GpRecordKey, GpRecordModel>;
/**
 * A hospital also answers what access decisions need, and nothing clinical: its episodes of care and the
 * patient's blocks (`careEpisodes` and `blocks`; the record's other lists are empty).
 */
export interface HospitalAdapter extends SourceAdapter<string, HospitalRecordModel> {
  readAccess(keys: readonly string[], options?: ReadOptions): Promise<Map<string, HospitalRecordModel | null>>;
}
/**
 * The summary record also fetches tickets ahead of a read (`prefetch`), so that the read that follows costs
 * one call; nothing clinical is fetched, and a failure costs nothing but the head start.
 */
export interface SummaryRecordAdapter extends SourceAdapter<string, SummaryRecordModel> {
  prefetch(keys: readonly string[], options?: ReadOptions): Promise<void>;
}

/** What each adapter folder's index.ts exports. */
export interface AdapterModule<Key, Value, Options> {
  manifest: AdapterManifest<Options>;
  create(instance: InstanceConfig, options: Options, kit: AdapterKit): SourceAdapter<Key, Value>;
}
