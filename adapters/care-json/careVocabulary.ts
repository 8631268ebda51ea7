/**
 * Moved to the kit (adapters/kit/careVocabulary.ts), the neutral place both care adapters read; this re-export
 * keeps adapters/care-plo compiling until it imports from the kit itself. Vendor folders do not import each other.
 */
export { medicationStatusFromText, newestFirst, relationFromText, serviceTypeFromText, welfareTypeFromText } from '../kit/careVocabulary';
