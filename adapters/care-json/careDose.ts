/**
 * Moved to the kit (adapters/kit/careDose.ts), the neutral place both care adapters read; this re-export keeps
 * adapters/care-plo compiling until it imports from the kit itself. Vendor folders do not import each other.
 */
export { careDose, deriveDoseText } from '../kit/careDose';
