import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type Request, type Response } from 'express';
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';

/**
 * A WCF service endpoint as NHN's registries run them (Fastlegeregisteret, HPR): SOAP 1.2 over HTTP POST
 * with WS-Addressing, optional WS-Security UsernameToken, and WCF's own refusals:
 * - a content type other than `application/soap+xml` → HTTP 415 (WCF's binding-mismatch answer);
 * - a SOAP 1.1 envelope → VersionMismatch fault; malformed XML → Sender fault;
 * - missing or wrong credentials where the instance has them → Sender fault `InvalidSecurity`;
 * - an action the contract does not have → Sender fault `ActionNotSupported` (the "ContractFilter mismatch");
 * - an operation element in the wrong name or namespace → Sender fault `DeserializationFailed`;
 * - anything the service itself throws → Receiver fault `InternalServiceFault`.
 * Every fault is answered with HTTP 500, as WCF does. Shared by the gp-register and practitioner-register
 * simulators; the adapters' side is adapters/kit/wcf.ts.
 */

export const NS = {
  soap12: 'http://www.w3.org/2003/05/soap-envelope',
  soap11: 'http://schemas.xmlsoap.org/soap/envelope/',
  addressing: 'http://www.w3.org/2005/08/addressing',
  arrays: 'http://schemas.microsoft.com/2003/10/Serialization/Arrays',
  xsi: 'http://www.w3.org/2001/XMLSchema-instance',
  wsse: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd',
  wsu: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd',
  dispatcher: 'http://schemas.microsoft.com/net/2005/12/windowscommunicationfoundation/dispatcher',
} as const;

const PASSWORD_TEXT = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText';
const FAULT_ACTION = 'http://www.w3.org/2005/08/addressing/soap/fault';
/** WCF's default MaxClockSkew. */
const CLOCK_SKEW_MS = 5 * 60 * 1000;

// ------------------------------------------------------------------ a namespace-aware element tree

/** An element with its namespace resolved: WCF matches on (namespace, name), never on prefixes. */
export interface XmlElement {
  ns: string | null;
  name: string;
  attributes: { ns: string | null; name: string; value: string }[];
  children: XmlElement[];
  text: string;
}

type OrderedNode = Record<string, unknown> & { ':@'?: Record<string, string> };

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

function split(qname: string): [string | null, string] {
  const i = qname.indexOf(':');
  return i < 0 ? [null, qname] : [qname.slice(0, i), qname.slice(i + 1)];
}

function toElement(node: OrderedNode, scope: Map<string, string>): XmlElement | null {
  const tag = Object.keys(node).find((k) => k !== ':@' && k !== '#text');
  if (!tag) return null;
  const raw = node[':@'] ?? {};
  const inner = new Map(scope);
  for (const [key, value] of Object.entries(raw)) {
    if (key === 'xmlns') inner.set('', value);
    else if (key.startsWith('xmlns:')) inner.set(key.slice(6), value);
  }
  const [prefix, name] = split(tag);
  const attributes = Object.entries(raw)
    .filter(([key]) => key !== 'xmlns' && !key.startsWith('xmlns:'))
    .map(([key, value]) => {
      const [p, local] = split(key);
      // Unprefixed attributes have no namespace (unlike unprefixed elements).
      return { ns: p === null ? null : (inner.get(p) ?? null), name: local, value };
    });
  const children: XmlElement[] = [];
  let text = '';
  for (const child of (node[tag] as OrderedNode[] | undefined) ?? []) {
    if ('#text' in child) text += String(child['#text']);
    else {
      const element = toElement(child, inner);
      if (element) children.push(element);
    }
  }
  return { ns: inner.get(prefix ?? '') ?? null, name, attributes, children, text };
}

/** Parses a document into a namespace-aware tree; malformed XML is the sender's fault. */
export function parseElement(xml: string): XmlElement {
  if (xml.trim() === '' || XMLValidator.validate(xml) !== true) throw new WcfFault('Sender', null, 'The message is not well-formed XML.');
  const nodes = parser.parse(xml) as OrderedNode[];
  const root = nodes.map((n) => toElement(n, new Map())).find((e): e is XmlElement => e !== null);
  if (!root) throw new WcfFault('Sender', null, 'The message has no root element.');
  return root;
}

export function child(parent: XmlElement | undefined, ns: string, name: string): XmlElement | undefined {
  return parent?.children.find((c) => c.ns === ns && c.name === name);
}

export function isNil(element: XmlElement): boolean {
  return element.attributes.some((a) => a.ns === NS.xsi && a.name === 'nil' && a.value === 'true');
}

// ------------------------------------------------------------------ faults and envelopes

export type FaultCode = 'Sender' | 'Receiver' | 'VersionMismatch';

export class WcfFault extends Error {
  override name = 'WcfFault';
  constructor(
    readonly code: FaultCode,
    readonly subcode: { ns: string; value: string } | null,
    reason: string,
  ) {
    super(reason);
  }
}

/** A fault for a request the service cannot deserialize; the reason must not quote request values. */
export function deserializationFault(reason: string): WcfFault {
  return new WcfFault('Sender', { ns: NS.dispatcher, value: 'DeserializationFailed' }, reason);
}

// suppressBooleanAttributes off: the default writes `i:nil="true"` as a bare `i:nil`, which is not XML.
const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', suppressEmptyNode: true, suppressBooleanAttributes: false });

function envelope(action: string, relatesTo: string | null, body: Record<string, unknown>): string {
  return builder.build({
    's:Envelope': {
      '@_xmlns:s': NS.soap12,
      '@_xmlns:a': NS.addressing,
      's:Header': {
        'a:Action': { '@_s:mustUnderstand': '1', '#text': action },
        ...(relatesTo ? { 'a:RelatesTo': relatesTo } : {}),
      },
      's:Body': body,
    },
  }) as string;
}

/** A SOAP 1.2 fault envelope as WCF writes it. */
export function faultEnvelope(fault: WcfFault, relatesTo: string | null = null): string {
  const code: Record<string, unknown> = { 's:Value': `s:${fault.code}` };
  if (fault.subcode) code['s:Subcode'] = { 's:Value': { '@_xmlns:a': fault.subcode.ns, '#text': `a:${fault.subcode.value}` } };
  return envelope(FAULT_ACTION, relatesTo, {
    's:Fault': { 's:Code': code, 's:Reason': { 's:Text': { '@_xml:lang': 'en-US', '#text': fault.message } } },
  });
}

/** A response envelope: WCF's reply action is the request's action with `Response` appended. */
export function responseEnvelope(action: string, body: Record<string, unknown>, relatesTo: string | null = null): string {
  return envelope(`${action}Response`, relatesTo, body);
}

export const SOAP12_CONTENT_TYPE = 'application/soap+xml; charset=utf-8';

/** WCF's answer when the service itself fails (the `fail` mode of both registries). */
export const internalFault = new WcfFault(
  'Receiver',
  { ns: NS.dispatcher, value: 'InternalServiceFault' },
  'The server was unable to process the request due to an internal error. For more information about the error, either turn on IncludeExceptionDetailInFaults on the server in order to send the exception information back to the client, or turn on tracing as per the Microsoft .NET Framework SDK documentation and inspect the server trace logs.',
);

// ------------------------------------------------------------------ the service

export interface Credentials {
  username: string;
  password: string;
}

/** The UsernameToken credentials an instance requires, from its options (none when not configured). */
export function credentialsOf(options: Record<string, unknown>): Credentials | null {
  const { username, password } = options;
  return typeof username === 'string' && typeof password === 'string' && username && password ? { username, password } : null;
}

export interface WcfOperation {
  action: string;
  /** The operation element the Body must hold: WCF's formatter insists on this name and namespace. */
  request: { ns: string; name: string };
  /** Turns the operation element into the response Body's content; throws a WcfFault to refuse. */
  handle(operation: XmlElement): Record<string, unknown>;
}

export interface WcfServiceOptions {
  path: string;
  operations: WcfOperation[];
  credentials: Credentials | null;
  now?: () => Date;
}

function contentTypeOf(header: string): { mediaType: string; action: string | null } {
  const [mediaType = '', ...params] = header.split(';').map((p) => p.trim());
  let action: string | null = null;
  for (const param of params) {
    const eq = param.indexOf('=');
    if (eq > 0 && param.slice(0, eq).trim().toLowerCase() === 'action') action = param.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
  }
  return { mediaType: mediaType.toLowerCase(), action };
}

function sameSecret(a: string, b: string): boolean {
  // Hashing first gives equal lengths, so the comparison time says nothing about the expected value.
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

const securityFault = () => new WcfFault('Sender', { ns: NS.wsse, value: 'InvalidSecurity' }, 'An error occurred when verifying security for the message.');

function checkSecurity(header: XmlElement | undefined, expected: Credentials, now: Date): void {
  const security = child(header, NS.wsse, 'Security');
  const token = child(security, NS.wsse, 'UsernameToken');
  const username = child(token, NS.wsse, 'Username')?.text;
  const passwordElement = child(token, NS.wsse, 'Password');
  if (username === undefined || !passwordElement) throw securityFault();
  const type = passwordElement.attributes.find((a) => a.ns === null && a.name === 'Type')?.value ?? PASSWORD_TEXT;
  // Only PasswordText is configured at NHN; a digest would need the nonce handling WCF does not offer here.
  if (type !== PASSWORD_TEXT) throw securityFault();
  const userOk = sameSecret(username, expected.username);
  const passwordOk = sameSecret(passwordElement.text, expected.password);
  if (!userOk || !passwordOk) throw securityFault();
  const expires = child(child(security, NS.wsu, 'Timestamp'), NS.wsu, 'Expires')?.text;
  if (expires !== undefined) {
    const at = Date.parse(expires);
    if (Number.isNaN(at) || at + CLOCK_SKEW_MS < now.getTime()) throw securityFault();
  }
}

function dispatch(xml: string, contentTypeAction: string | null, options: WcfServiceOptions): { action: string; body: Record<string, unknown>; relatesTo: string | null } {
  const root = parseElement(xml);
  if (root.name === 'Envelope' && root.ns === NS.soap11) {
    throw new WcfFault('VersionMismatch', null, 'The envelope version of the incoming message (Soap11) does not match that of the encoder (Soap12).');
  }
  if (root.name !== 'Envelope' || root.ns !== NS.soap12) throw new WcfFault('Sender', null, 'The message is not a SOAP 1.2 envelope.');
  const header = child(root, NS.soap12, 'Header');
  const body = child(root, NS.soap12, 'Body');
  if (!body) throw new WcfFault('Sender', null, 'The SOAP envelope has no Body.');
  if (options.credentials) checkSecurity(header, options.credentials, options.now?.() ?? new Date());

  const headerAction = child(header, NS.addressing, 'Action')?.text ?? null;
  if (headerAction !== null && contentTypeAction !== null && headerAction !== contentTypeAction) {
    throw new WcfFault(
      'Sender',
      { ns: NS.addressing, value: 'ActionMismatch' },
      `The SOAP action specified on the message, '${headerAction}', does not match the HTTP SOAP Action, '${contentTypeAction}'.`,
    );
  }
  const action = headerAction ?? contentTypeAction ?? '';
  const operation = options.operations.find((o) => o.action === action);
  if (!operation) {
    throw new WcfFault(
      'Sender',
      { ns: NS.addressing, value: 'ActionNotSupported' },
      `The message with Action '${action}' cannot be processed at the receiver, due to a ContractFilter mismatch at the EndpointDispatcher. This may be because of either a contract mismatch (mismatched Actions between sender and receiver) or a binding/security mismatch between the sender and the receiver.  Check that sender and receiver have the same contract and the same binding (including security requirements, e.g. Message, Transport, None).`,
    );
  }
  const element = body.children[0];
  if (!element || element.name !== operation.request.name || element.ns !== operation.request.ns) {
    throw deserializationFault(
      `OperationFormatter encountered an invalid Message body. Expected to find an element with name '${operation.request.name}' and namespace '${operation.request.ns}'.`,
    );
  }
  const relatesTo = child(header, NS.addressing, 'MessageID')?.text ?? null;
  return { action: operation.action, body: operation.handle(element), relatesTo };
}

/** The express app for one WCF endpoint. */
export function createWcfService(options: WcfServiceOptions): express.Express {
  const app = express();
  app.post(options.path, express.text({ type: () => true, limit: '1mb' }), (req: Request, res: Response) => {
    const { mediaType, action } = contentTypeOf(req.get('content-type') ?? '');
    if (mediaType !== 'application/soap+xml') {
      res
        .status(415)
        .type('text/plain')
        .send(`Cannot process the message because the content type '${req.get('content-type') ?? ''}' was not the expected type '${SOAP12_CONTENT_TYPE}'.`);
      return;
    }
    try {
      const answer = dispatch(typeof req.body === 'string' ? req.body : '', action, options);
      res.status(200).type(SOAP12_CONTENT_TYPE).send(responseEnvelope(answer.action, answer.body, answer.relatesTo));
    } catch (error) {
      // Only our own refusals are told to the caller; anything else is an internal fault without details.
      const fault = error instanceof WcfFault ? error : internalFault;
      res.status(500).type(SOAP12_CONTENT_TYPE).send(faultEnvelope(fault));
    }
  });
  return app;
}
