export { AdapterKit, classify, readReport, type BatchFetcher, type ReadCall, type ReadMiddleware, type ReadNext, type ReadOptions, type ReadReport, type ReadResult, type WriteOptions } from './AdapterKit';
export { BadResponseError, faultDescription, PrivacyGuardError, SourceError, SourceFault, type FaultCodes, type SourceErrorCode } from './errors';
export { containsNin, createHttpClient, type CredentialRequest } from './http';
export type { AdapterManifest, SectorName } from './manifest';
export {
  codeToken,
  parseSoapBody,
  readSoapFault,
  soapFault,
  soapEnvelope,
  soapFaultCodes,
  soapFaultMessage,
  soapHeaders,
  textOf,
  SOAP_NS,
  type SoapFaultCodes,
  type SoapVersion,
  type VendorCodeOf,
} from './soap';
export { ninSchema, parseJson, validatePayload } from './validate';
export { buildXml, parseXml } from './xml';
export { chunk } from './chunk';
export { bearerCall, isRefusedToken, sameOriginLink, TokenCache, type ClientCredentials } from './oauthClientCredentials';
