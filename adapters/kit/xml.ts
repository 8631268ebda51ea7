import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import { BadResponseError } from './errors';

/**
 * XML for the KITH/PLO/SOAP adapters. One parser configuration for all of them:
 * - namespace prefixes are removed (vendors differ in prefixes, not in meaning);
 * - attributes are kept under `@_` (KITH puts codes in V/S/DN attributes);
 * - values stay strings (identity numbers have leading zeros; mappers convert and validate);
 * - elements named in `arrays` are always arrays, even when there is one.
 */
export function parseXml(text: string, arrays: readonly string[] = []): Record<string, unknown> {
  if (typeof text !== 'string' || text.trim() === '') throw new BadResponseError('empty XML body');
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new BadResponseError(`malformed XML at line ${valid.err.line}: ${valid.err.code}`);
  const arraySet = new Set(arrays);
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    removeNSPrefix: true,
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    processEntities: true,
    // No path string built for every element (the mappers read the tree, not paths): a quarter of the parse.
    jPath: false,
    isArray: (name) => arraySet.has(name),
  });
  return parser.parse(text) as Record<string, unknown>;
}

/** Builds XML from an object in the same `@_` attribute convention. */
export function buildXml(value: unknown): string {
  // suppressBooleanAttributes off: an attribute whose value is "true" (xsi:nil="true") must keep its value to be XML.
  const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', format: true, suppressEmptyNode: true, suppressBooleanAttributes: false });
  return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build(value) as string}`;
}
