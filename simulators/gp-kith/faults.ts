import { buildXml } from '../kit/xml';
import type { CannedResponse } from '../kit/definition';
import { NS, PROFILES, type Dialect } from './dialects';

/** Who is at fault, in SOAP 1.1 words; SOAP 1.2 says Sender/Receiver. */
export type FaultKind = 'Client' | 'Server' | 'VersionMismatch';

/**
 * A fault as each product writes it. Nordlys (SOAP 1.1) answers every fault with HTTP 500 and a vendor
 * error code in `detail`; Fjord (SOAP 1.2, per its HTTP binding) answers Sender faults with 400 and
 * Receiver faults with 500. Fault texts never quote the request: it holds identity numbers.
 */
export function soapFault(dialect: Dialect, kind: FaultKind, reason: string, errorCode: string): CannedResponse {
  if (dialect === 'soap11') {
    const body = buildXml({
      'SOAP-ENV:Envelope': {
        '@_xmlns:SOAP-ENV': NS.soap11,
        'SOAP-ENV:Body': {
          'SOAP-ENV:Fault': {
            faultcode: `SOAP-ENV:${kind}`,
            faultstring: reason,
            detail: { 'nl:Feil': { '@_xmlns:nl': NS.nordlysFault, 'nl:Kode': errorCode } },
          },
        },
      },
    });
    return { status: 500, contentType: 'text/xml; charset=utf-8', body };
  }
  const code = kind === 'Client' ? 'Sender' : kind === 'Server' ? 'Receiver' : 'VersionMismatch';
  const body = buildXml({
    'env:Envelope': {
      '@_xmlns:env': NS.soap12,
      'env:Body': {
        'env:Fault': {
          'env:Code': { 'env:Value': `env:${code}` },
          'env:Reason': { 'env:Text': { '@_xml:lang': 'nb', '#text': reason } },
          'env:Detail': { 'f:ErrorCode': { '@_xmlns:f': NS.fjordWs, '#text': errorCode } },
        },
      },
    },
  });
  return { status: code === 'Sender' ? 400 : 500, contentType: `${PROFILES.soap12.contentType}; charset=utf-8`, body };
}
