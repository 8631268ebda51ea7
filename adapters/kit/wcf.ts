import { randomUUID } from 'node:crypto';
import type { AxiosInstance } from 'axios';
import { z } from 'zod';
import type { InstanceConfig } from '../../lib/config';
import { utcToOsloLocal } from '../../lib/osloTime';
import { SourceError } from './errors';
import { parseSoapBody, readSoapFault, SOAP_NS, soapHeaders } from './soap';
import { buildXml } from './xml';

/**
 * What NHN's national registries (Fastlegeregisteret, HPR) have in common: WCF services speaking SOAP 1.2
 * with WS-Addressing headers, optional WS-Security UsernameToken, data-contract XML (members in
 * alphabetical order, `i:nil` for null, .NET DateTime text) and faults answered with HTTP 500.
 * Shared by the gp-register and practitioner-register adapters; the simulators mirror it in
 * simulators/kit/wcfService.ts.
 */

export const WCF_NS = {
  addressing: 'http://www.w3.org/2005/08/addressing',
  arrays: 'http://schemas.microsoft.com/2003/10/Serialization/Arrays',
  xsi: 'http://www.w3.org/2001/XMLSchema-instance',
  wsse: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd',
  wsu: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd',
  passwordText: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText',
} as const;

/**
 * Instance options of an NHN registry. Both registries are used without options today; NHN issues a user
 * name and password per consumer, sent as a WS-Security UsernameToken.
 * Strict, so that a misspelt `usename` fails at start instead of silently sending no credentials.
 */
export const registryOptionsSchema = z
  .object({
    /** WS-Security UsernameToken user name issued by NHN. */
    username: z.string().min(1).optional(),
    /** Its password; sent as PasswordText, which is only acceptable over TLS (NHN's endpoints are HTTPS). */
    password: z.string().min(1).optional(),
  })
  .strict()
  .refine((o) => (o.username === undefined) === (o.password === undefined), { message: 'username and password must be given together' });
export type RegistryOptions = z.infer<typeof registryOptionsSchema>;

/** How long a request's WS-Security timestamp is valid (WCF's default MaxClockSkew is five minutes). */
const TIMESTAMP_TTL_MS = 5 * 60 * 1000;

export interface WcfRequest {
  action: string;
  /** The endpoint's full address, for the WS-Addressing `To` header. */
  to: string;
  /** The Body's content (the operation element), in the `@_` attribute convention of kit/xml. */
  body: Record<string, unknown>;
  options: RegistryOptions;
  now?: Date;
}

/** A SOAP 1.2 request envelope as a WCF client writes it: WS-Addressing headers, and WS-Security when credentials are set. */
export function wcfEnvelope({ action, to, body, options, now = new Date() }: WcfRequest): string {
  const header: Record<string, unknown> = {
    'a:Action': { '@_s:mustUnderstand': '1', '#text': action },
    'a:MessageID': `urn:uuid:${randomUUID()}`,
    'a:To': { '@_s:mustUnderstand': '1', '#text': to },
  };
  if (options.username !== undefined && options.password !== undefined) {
    header['o:Security'] = {
      '@_s:mustUnderstand': '1',
      '@_xmlns:o': WCF_NS.wsse,
      '@_xmlns:u': WCF_NS.wsu,
      'u:Timestamp': {
        '@_u:Id': '_0',
        'u:Created': now.toISOString(),
        'u:Expires': new Date(now.getTime() + TIMESTAMP_TTL_MS).toISOString(),
      },
      'o:UsernameToken': {
        '@_u:Id': `uuid-${randomUUID()}-1`,
        'o:Username': options.username,
        'o:Password': { '@_Type': WCF_NS.passwordText, '#text': options.password },
      },
    };
  }
  return buildXml({
    's:Envelope': { '@_xmlns:s': SOAP_NS['1.2'], '@_xmlns:a': WCF_NS.addressing, 's:Header': header, 's:Body': body },
  });
}

/**
 * Posts one operation and returns the SOAP Body's content. WCF answers faults with HTTP 500 and a fault
 * envelope: the fault becomes a SourceFault carrying its code and subcode (never its text, which may name
 * the patient); a 500 without one, or any other status, is reported by status alone.
 */
export async function postWcf(
  http: AxiosInstance,
  instance: InstanceConfig,
  path: string,
  request: Omit<WcfRequest, 'to'>,
  signal: AbortSignal,
): Promise<Record<string, unknown>> {
  // The envelope carries identity numbers and perhaps a password: it is never logged.
  const envelope = wcfEnvelope({ ...request, to: `${instance.baseUrl}${path}` });
  const response = await http.post<string>(path, envelope, {
    signal,
    headers: soapHeaders('1.2', request.action),
    validateStatus: (status) => status === 200 || status === 500,
  });
  if (response.status !== 200) {
    throw readSoapFault(response.data, undefined, response.status) ?? new SourceError('SOURCE_UNAVAILABLE', instance.id, `${instance.id} answered HTTP ${response.status}`, { status: response.status });
  }
  return parseSoapBody(response.data);
}

// ------------------------------------------------------------------ reading data-contract XML with zod

const isNil = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v) && (v as Record<string, unknown>)['@_nil'] === 'true';

/** An element's text: a string, or the `#text` of an element that also carries attributes. */
function textValue(v: unknown): unknown {
  if (v && typeof v === 'object' && !Array.isArray(v) && '#text' in v) return (v as Record<string, unknown>)['#text'];
  return v;
}

/** A text element. */
export const text = <S extends z.ZodType>(schema: S) => z.preprocess(textValue, schema);

/** A nullable data member: `i:nil="true"`, an empty element or an absent one all mean null. */
export const nillable = <S extends z.ZodType>(schema: S) =>
  z.preprocess((v) => (v === undefined || v === '' || isNil(v) ? null : textValue(v)), schema.nullable());

/**
 * A collection wrapper such as `<Godkjenninger><Godkjenning/>…</Godkjenninger>`, always an array of its items:
 * the parser gives one item as an object and none as ''. It may be empty or nil, but not absent: WCF writes
 * every data member.
 */
export const wrapped = <S extends z.ZodType>(item: string, schema: S) =>
  z.preprocess((v) => {
    if (v === '' || isNil(v)) return [];
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return v;
    const inner = (v as Record<string, unknown>)[item];
    return inner === undefined ? [] : Array.isArray(inner) ? inner : [inner];
  }, z.array(schema));

const WCF_DATE_TIME = /^(\d{4}-\d{2}-\d{2})T\d{2}:\d{2}:\d{2}(?:\.\d{1,7})?(Z|[+-]\d{2}:\d{2})?$/;

/**
 * A .NET DateTime as WCF writes it, reduced to the ISO date it means in Norway. WCF writes the DateTime's
 * kind: unspecified (`2024-03-01T00:00:00`, the registries' usual form) and local (`…+01:00`) carry the
 * Norwegian date in their date part, but UTC (`2024-02-29T23:00:00Z`) is Norwegian midnight of the next day.
 */
export function wcfDate(value: string): string | null {
  const match = WCF_DATE_TIME.exec(value);
  if (!match) return null;
  const [, date, zone] = match;
  if (zone !== 'Z') return date ?? null;
  const instant = new Date(value);
  return Number.isNaN(instant.getTime()) ? null : utcToOsloLocal(instant).slice(0, 10);
}

export const wcfDateSchema = text(z.string()).transform((value, ctx) => {
  const date = wcfDate(value);
  if (date === null) {
    ctx.addIssue({ code: 'custom', message: 'not a WCF date-time' });
    return z.NEVER;
  }
  return date;
});
