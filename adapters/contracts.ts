import type { InstanceConfig } from '../lib/config';
import type { SectorName } from '../lib/sectors';
import type { AdapterKit, AdapterManifest, ReadOptions, WriteOptions } from './kit';
import type {
  CareRecordModel,
  GpListingModel,
  GpRecordModel,
  HospitalRecordModel,
  LabResultsModel,
  MessageModel,
  MessageReceipt,
  PractitionerModel,
  RegistryPerson,
  RepresentationModel,
  SummaryRecordModel,
  PushedWelfareEvent,
  WelfareRecordModel,
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

/**
 * The key a GP system's answer is cached and reported under inside the adapter kit: the office and the patient, as a
 * record is the office's own (a patient who changed GP within one system has a record at each office). A change
 * notice from a system that hosts GP offices forgets the keys of every office it hosts.
 */
export function officeRecordKey(officeHerId: string, nin: string): string {
  return `${officeHerId}:${nin}`;
}

/**
 * What a custom extract of the population register asks for. `municipalities`: the residents of these municipalities
 * (four-digit numbers), never a person whose address is strictly confidential (the extract would place them); absent,
 * every resident in the register, strictly confidential ones included (the whole register names no place); an empty
 * list asks for no one. `birthYearFrom`, `birthYearTo`: born in these years (inclusive).
 */
export interface ExtractCriteria {
  municipalities?: readonly string[];
  birthYearFrom?: number;
  birthYearTo?: number;
}

/** A read's options, and a signal that stops the extract (the request in flight and any wait between batches). */
export interface ExtractOptions extends ReadOptions {
  signal?: AbortSignal;
  /**
   * Awaited before each call the extract makes to the register (the order of each job, and each batch): a caller with a
   * budget for the source (research's share of it) takes one call here. Rejecting stops the extract.
   */
  beforeCall?: () => Promise<void>;
}

/**
 * The population register: persons by identity number (`read`), and the custom extract (tilpasset uttrekk) of the
 * identity numbers of the residents who meet some criteria, one array a batch of the register, in its order, each
 * number once. Every call to the register goes through the kit (its deadline, limits, breaker and error codes): a
 * failure is a SourceError, never a shorter list.
 */
export interface PopulationRegisterAdapter extends SourceAdapter<string, RegistryPerson> {
  extract(criteria: ExtractCriteria, options?: ExtractOptions): AsyncIterable<string[]>;
}
export type GpRegisterAdapter = SourceAdapter<string, GpListingModel>;
export type PractitionerRegisterAdapter = SourceAdapter<string, PractitionerModel>;
/** The representation register: the powers of attorney a person has granted, by the granter's identity number. */
export type RepresentationRegisterAdapter = SourceAdapter<string, RepresentationModel>;
export type CareAdapter = SourceAdapter<string, CareRecordModel>;
export type GpAdapter = SourceAdapter<GpRecordKey, GpRecordModel>;
/** A medical laboratory's results, by identity number. */
export type LabAdapter = SourceAdapter<string, LabResultsModel>;
/**
 * A welfare technology platform (the national integration hub, a vendor's dispenser platform), by identity number. A
 * platform that pushes its events (a signed webhook, as change notices are signed) also reads what it pushed:
 * `readPushedEvent` takes the body as the platform sent it and returns whose event it is and the event, or throws
 * a BadResponseError naming the path (never a value).
 */
export interface WelfareAdapter extends SourceAdapter<string, WelfareRecordModel> {
  readPushedEvent?(body: unknown): PushedWelfareEvent;
}
/**
 * A hospital also answers what access decisions need, and nothing clinical: its episodes of care, the
 * patient's blocks, and for each document a block names the GP referrals that led to it (`careEpisodes`,
 * `blocks`, `documentReferrals`, so that a blocked note's referral is hidden with it; the other lists are empty).
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

/** A message to send: the message as the receiving system will hold it, and whom it is about. */
export interface OutgoingMessage extends MessageModel {
  /** The patient's identity number (in the message body, never in a URL). */
  patientNin: string;
  /**
   * The sender's sector, where the protocol codes who asks: a KITH question's TypeForesp comes from Volven 9152 when
   * pleie og omsorg asks (MUNICIPAL_CARE) and from 9153 when a doctor does (GP, HOSPITAL). Without it the adapter
   * takes the likelier: care asking a GP system, a doctor asking a care system.
   */
  senderSector?: SectorName;
}

/**
 * The write side of a system that takes dialogue messages: one message per call, answered by the system's
 * application receipt. Sending the same message (the same `id`) again is safe: the system takes a message id
 * once and answers it with the receipt it gave the first time. An adapter that can send has this beside its read.
 */
export interface MessageSink {
  readonly instance: InstanceConfig;
  sendMessage(message: OutgoingMessage, options?: WriteOptions): Promise<MessageReceipt>;
}

/** A block (sperring) a patient sets herself: whom it keeps out, or which of her documents it covers. */
export interface BlockRequest {
  patientNin: string;
  /** What makes setting it happen once: the system takes one block per key. */
  key: string;
  deniedPersons: string[];
  deniedOrganisations: string[];
  documentIds: string[];
}

/** What the system answered: the block (its id, and whether it was made now), or its refusal with its code and reason. */
export type BlockOutcome = { ok: true; id: string; created: boolean } | { ok: false; status: number; code: string; text: string | null };

/**
 * The write side of a system that holds a patient's blocks (a hospital's FHIR Consents): set one (once per key)
 * and lift one the patient set. The system refuses what is not hers to block or lift (a document of another
 * patient, a block the hospital registered itself), and tells the graph's caches before it answers.
 */
export interface BlockSink {
  readonly instance: InstanceConfig;
  setBlock(request: BlockRequest, options?: WriteOptions): Promise<BlockOutcome>;
  liftBlock(blockId: string, options?: WriteOptions): Promise<BlockOutcome>;
}

export function isBlockSink(adapter: unknown): adapter is BlockSink {
  return typeof (adapter as Partial<BlockSink> | null)?.setBlock === 'function' && typeof (adapter as Partial<BlockSink> | null)?.liftBlock === 'function';
}

/** Whether a platform's adapter reads what the platform pushes (gateway/alerts/webhook.ts). */
export function isWelfareEventReader(adapter: unknown): adapter is WelfareAdapter & Required<Pick<WelfareAdapter, 'readPushedEvent'>> {
  return typeof (adapter as Partial<WelfareAdapter> | null)?.readPushedEvent === 'function';
}

export function isMessageSink(adapter: unknown): adapter is MessageSink {
  return typeof (adapter as Partial<MessageSink> | null)?.sendMessage === 'function';
}

/**
 * The contracts an adapter can fulfil, by the model it returns (its manifest's `provides`): what the subgraphs
 * ask an instance for. A new system in an existing sector fulfils one of these and needs nothing else; a new
 * kind of record adds its contract here, with its sector in CONTRACTS (see adapters/README.md).
 */
export interface AdapterFor {
  RegistryPerson: PopulationRegisterAdapter;
  GpListingModel: GpRegisterAdapter;
  PractitionerModel: PractitionerRegisterAdapter;
  RepresentationModel: RepresentationRegisterAdapter;
  CareRecordModel: CareAdapter;
  GpRecordModel: GpAdapter;
  HospitalRecordModel: HospitalAdapter;
  LabResultsModel: LabAdapter;
  SummaryRecordModel: SummaryRecordAdapter;
  WelfareRecordModel: WelfareAdapter;
}

export type ContractName = keyof AdapterFor;

/** Each contract's sector: a manifest that provides it must declare this sector (checked when systems are loaded). */
export const CONTRACTS: { readonly [C in ContractName]: { sector: SectorName } } = {
  RegistryPerson: { sector: 'REGISTRY' },
  GpListingModel: { sector: 'REGISTRY' },
  PractitionerModel: { sector: 'REGISTRY' },
  RepresentationModel: { sector: 'REGISTRY' },
  CareRecordModel: { sector: 'MUNICIPAL_CARE' },
  GpRecordModel: { sector: 'GP' },
  HospitalRecordModel: { sector: 'HOSPITAL' },
  // The medical laboratories of the specialist health service, which also analyse GPs' and care services' samples.
  LabResultsModel: { sector: 'HOSPITAL' },
  SummaryRecordModel: { sector: 'NATIONAL' },
  WelfareRecordModel: { sector: 'WELFARE_TECHNOLOGY' },
};

export function isContractName(value: string): value is ContractName {
  return Object.hasOwn(CONTRACTS, value);
}
