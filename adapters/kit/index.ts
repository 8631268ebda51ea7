export { AdapterKit, classify, readReport, type ReadCall, type ReadMiddleware, type ReadNext, type ReadOptions, type ReadReport, type ReadResult } from './AdapterKit';
export { BadResponseError, PrivacyGuardError, SourceError, type SourceErrorCode } from './errors';
export { containsNin, createHttpClient, type CredentialRequest } from './http';
export type { AdapterManifest, SectorName } from './manifest';
export {
  codeToken,
  parseSoapBody,
  soapEnvelope,
  soapFaultCodes,
  soapFaultMessage,
  soapHeaders,
  textOf,
  SOAP_NS,
  type SoapFaultCodes,
  type SoapVersion,
} from './soap';
export { parseJson, validatePayload } from './validate';
export { buildXml, parseXml } from './xml';
export { chunk } from './chunk';
