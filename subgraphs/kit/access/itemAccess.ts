import type { BlockModel } from '../../../adapters/model';
import type { AccessDecision } from './AccessDecision';

/**
 * What a rule on a nested item needs to know about the patient it belongs to: the decision, and for
 * items that place the patient or can be blocked, where and by what. Resolvers attach it when they build
 * the item (under a symbol, so it never reaches a response); a rule that finds none refuses.
 */
export const ITEM_ACCESS = Symbol('itemAccess');

export interface ItemAccess {
  decision: AccessDecision;
  /** Organisation numbers the item places the patient at (null entries: an organisation the directory does not know). */
  places?: readonly (string | null)[];
  /**
   * The item names no place at all (the patient's own reading in her access log, an emergency reason that was
   * not given): the place rule has nothing to withhold. Without it, an item with no places is refused.
   */
  placesNothing?: boolean;
  /** Blocks of the record the item belongs to. */
  blocks?: readonly BlockModel[];
  /** The item is withheld from the patient's own access (pbrl § 5-1). */
  withheldFromPatient?: boolean;
}

export type WithAccess<T> = T & { [ITEM_ACCESS]: ItemAccess };

export function withAccess<T extends object>(item: T, access: ItemAccess): WithAccess<T> {
  return { ...item, [ITEM_ACCESS]: access };
}

export function accessOf(item: unknown): ItemAccess | undefined {
  return item && typeof item === 'object' ? (item as { [ITEM_ACCESS]?: ItemAccess })[ITEM_ACCESS] : undefined;
}

/** The parent's access, handed to its items (a record's services, visits, documents). */
export function inheritAccess<T extends object>(parent: unknown, items: readonly T[], extra: (item: T) => Partial<ItemAccess> = () => ({})): WithAccess<T>[] {
  const access = accessOf(parent);
  // Without the parent's access the items get none, and every rule that needs it refuses.
  return items.map((item) => (access ? withAccess(item, { ...access, ...extra(item) }) : (item as WithAccess<T>)));
}
