import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';

/**
 * The simulators' own XML, apart from the adapters' (adapters/kit/xml.ts): a test double must not share the
 * parser of the code it checks, or a parsing mistake would pass on both sides. Requests are read with
 * namespace prefixes removed, attributes under `@_` and values as strings, as the real systems' stacks do.
 */
export class MalformedXmlError extends Error {
  override name = 'MalformedXmlError';
}

export function parseXml(text: string, arrays: readonly string[] = []): Record<string, unknown> {
  if (typeof text !== 'string' || text.trim() === '') throw new MalformedXmlError('empty XML body');
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new MalformedXmlError(`malformed XML at line ${valid.err.line}: ${valid.err.code}`);
  const arraySet = new Set(arrays);
  return new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    removeNSPrefix: true,
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    isArray: (name) => arraySet.has(name),
  }).parse(text) as Record<string, unknown>;
}

/** XML from an object in the `@_` attribute convention, with the declaration the real systems write. */
export function buildXml(value: unknown): string {
  // An attribute whose value is "true" (xsi:nil="true") keeps its value, as XML requires.
  const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', format: true, suppressEmptyNode: true, suppressBooleanAttributes: false });
  return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build(value) as string}`;
}
