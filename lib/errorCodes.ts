import { GraphQLError } from 'graphql';

/**
 * The one registry of error codes a client can switch on (`errors[].extensions.code`).
 * Every code the graph emits is listed here with what it means and what a client should do;
 * `docs/errors.md` is generated from this table and checked for drift.
 */
export const errorCodes = {
  UNAUTHENTICATED: {
    meaning:
      "No valid bearer token: missing, malformed, expired, not yet valid, from an issuer or for an audience this graph does not trust, signed with another key or a refused algorithm, or from a login below the highest assurance level. HTTP 401 with `WWW-Authenticate`; `extensions.reason` says which (`missing_token`, `token_expired`, `insufficient_assurance`, …). A subgraph called without the gateway's internal token answers the same way.",
    action: 'Log in again (HelseID for personnel, ID-porten for citizens) and send `Authorization: Bearer <token>`; for `insufficient_assurance`, log in at the highest level.',
  },
  FORBIDDEN: {
    meaning:
      "An access rule refused this field; it is null and no source was asked for it. `extensions.rule` names the rule (schema/access/rules.yaml, docs/ACCESS.md) and `extensions.reason` says why: `NO_RELATIONSHIP` (no care relationship found in the sources), `RELATIONSHIP_UNVERIFIED` (the sources that would show it did not answer), `BLOCKED_BY_PATIENT`, `EMERGENCY_REASON_MISSING`, `STRICTLY_CONFIDENTIAL`, `ADDRESS_GRADING_UNKNOWN` (the population register did not answer, so places are withheld), `WITHHELD_FROM_PATIENT`, `NOT_OWN_RECORD`, `ROLE`. When the role alone decides, the whole request is refused before it is planned (HTTP 403).",
    action: 'Show the rest of the answer. With a real need and no relationship, use emergency access (purpose ETREAT with a reason); it is logged and shown to the patient.',
  },
  AUDIT_UNAVAILABLE: {
    meaning:
      'The access log could not record this disclosure, so nothing was disclosed: `data` is null (HTTP 503). Every answer that holds patient data is logged before it leaves.',
    action: 'Retry later; operators should look at the access log store (the file or PostgreSQL).',
  },
  INVALID_NIN: {
    meaning:
      'The national identity number is not a valid fødselsnummer, D-number or synthetic test number: wrong length, wrong check digits or an impossible date. `extensions.reasons` says which.',
    action: 'Correct the number; nothing was looked up.',
  },
  PATIENT_NOT_FOUND: {
    meaning: 'The number is valid, but the population register knows no such person. The patient field is null.',
    action: 'Check the number with the patient.',
  },
  INVALID_ID: {
    meaning:
      "`node(id:)`: the id is not one this graph issued: altered, cut short, made up, or issued under another key (ids change when the operator rotates `GLOBAL_ID_KEY`) (`extensions.reason` `UNREADABLE`); or it is the id of a type `node` does not fetch (only `Patient` and `Practitioner`; `extensions.reason` `NOT_FETCHABLE`). The field is null; nothing was looked up and nothing about the id's content is said.",
    action: 'Use an id from an answer of this graph (`Patient.id`), or read the patient again by `patient(nin:)`; after a key rotation, drop cached ids.',
  },
  INVALID_CURSOR: {
    meaning:
      "A connection's `after:` or `before:` is not a cursor of this list: not a cursor this graph gave, or of another version (`extensions.reason` `UNREADABLE`), or one that names no item of this list: a cursor of another list, or of an item no longer in it (`NOT_IN_LIST`). `extensions.argument` names the argument. The connection is null; the cursor's content is not told.",
    action: 'Use `startCursor`, `endCursor` or an edge\'s `cursor` from an answer to the same field of the same patient; after NOT_IN_LIST, read the list again from its start (without `after:` or `before:`).',
  },
  SOURCE_UNAVAILABLE: {
    meaning:
      'A legacy system could not be reached or answered with an error, or its circuit breaker is open after failures in a row (`extensions.circuit` is `open`; it is not asked until it has had time to recover), or it has too many reads in progress (`extensions.circuit` is `saturated`). Only the fields it provides are null; `extensions.source` names the system instance. When the cache held an answer young enough, that is served instead and `Patient.sources` marks the source STALE.',
    action: 'Show the other data and say which source is missing; retry later.',
  },
  SOURCE_TIMEOUT: {
    meaning:
      "A legacy system did not answer within its per-source timeout. Only the fields it provides are null; `extensions.source` names it and `extensions.timeoutMs` gives the limit.",
    action: 'As SOURCE_UNAVAILABLE.',
  },
  SOURCE_BAD_RESPONSE: {
    meaning:
      'A legacy system answered something that is not a valid answer of its protocol (malformed XML/JSON, missing or wrong fields). Nothing from that answer is used; `extensions.source` names it. A date or time from a source that is not one (reason `NOT_A_DATE` or `NOT_A_DATETIME`) nulls only that field.',
    action: 'As SOURCE_UNAVAILABLE; operators should look at the source.',
  },
  ROUTING_FAILED: {
    meaning:
      "The system that holds this part of the record could not be determined, because the registry that routes it did not answer (the population register routes municipal care and hospitals, the GP register routes the GP record). `extensions.source` names the registry, `extensions.sector` the part that is missing. (A patient who simply has no such part, for example no GP, gets null without an error; `Patient.sources` says NOT_APPLICABLE.)",
    action: 'As SOURCE_UNAVAILABLE.',
  },
  WITHHELD_FROM_PARENTS: {
    meaning:
      "A parent reading for a child aged 12 to 15: the child may keep entries from her parents (pasient- og brukerrettighetsloven § 3-4), and the systems of this part of the record (`extensions.sector`: the hospitals, their laboratories, municipal care) do not mark which, so none of it is shown and no such system was asked. The GP record and the summary record's dispensations mark such entries and are shown without them. In `Patient.sources` the part is WITHHELD; a merged view that lacks it carries this code with `extensions.partial`.",
    action: 'Show the rest and say that this part is not available to parents; the child, or her health service, can tell more.',
  },
  SUBGRAPH_UNAVAILABLE: {
    meaning: 'A subgraph of the gateway could not be reached. Only the fields it provides are null; `extensions.subgraph` names it.',
    action: 'Show the other data; operators should look at the subgraph.',
  },
  REQUIRED_INPUTS_MISSING: {
    meaning:
      "A view computed from every sector's part of the record (`medications`, `timeline`, `sources`, `careTeam`, `upcoming`, `clinicalWarnings`, `messages`) was asked for without the parts it is computed from: the gateway's query plan did not fetch them. The field is null rather than a list built from part of the record that would look complete; `extensions.field` names it. A fault of the gateway engine, not of a source (a source or subgraph that failed is reported as such, and the view holds the others' part).",
    action: 'Do not read the field as empty. Retry; operators should report it with the request id (the subgraph logs which parts were missing) and may switch the gateway engine.',
  },
  GRAPHQL_PARSE_FAILED: {
    meaning: 'The query is not syntactically valid GraphQL.',
    action: 'Fix the query.',
  },
  GRAPHQL_VALIDATION_FAILED: {
    meaning: 'The query does not match the schema (unknown field, wrong argument type).',
    action: 'Fix the query; the playground shows the schema.',
  },
  BAD_USER_INPUT: {
    meaning:
      'A variable or argument has the wrong type or is missing, a list argument is too long, or an argument is outside what it takes: counts (`last:`, `first:`) are whole numbers within bounds (a connection takes `first` or `last`, not both), dates (`from:`, `to:`) are ISO 8601 (`2026-11-30`, or a date and time with an offset) and `from` is not after `to`. The message says what the argument takes and `extensions.argument` names it. At the gateway: HTTP 400, nothing planned or read.',
    action: 'Fix the input.',
  },
  BAD_REQUEST: {
    meaning: 'The HTTP request is not a usable GraphQL request: malformed JSON, a body over the size limit, no query, or a missing content type (CSRF protection).',
    action: 'Send a JSON body `{"query": …, "variables": …}` with `Content-Type: application/json`.',
  },
  METHOD_NOT_ALLOWED: {
    meaning:
      'GraphQL operations must be sent with POST (HTTP 405 with `Allow: POST`): a GET query string ends up in access logs and browser history, and it may carry an identity number.',
    action: 'Send the operation as a POST body.',
  },
  OPERATION_RESOLUTION_FAILURE: {
    meaning:
      'The document does not say which operation to run: `operationName` names no operation in it, or it holds several operations and no `operationName` (HTTP 400). The name is not echoed back.',
    action: 'Send the `operationName` of an operation in the document, or one operation alone.',
  },
  OPERATION_NOT_SUPPORTED: {
    meaning: 'The graph is read-only: it has queries, no mutations or subscriptions (HTTP 400).',
    action: 'Send a query.',
  },
  OPERATION_NAME_TOO_LONG: {
    meaning: '`operationName` is longer than the limit (`extensions.max` characters, HTTP 400), or not a string. It is neither run nor logged.',
    action: 'Use a short operation name, the one in the document.',
  },
  PERSISTED_QUERY_NOT_FOUND: {
    meaning:
      'Automatic persisted queries: the gateway does not hold an operation with this hash (it was never registered, or it was evicted from the bounded store). Apollo Client and other APQ clients then send the operation text with its hash, which registers it.',
    action: 'Send the same request again with `query` (APQ clients do this by themselves).',
  },
  PERSISTED_QUERY_NOT_SUPPORTED: {
    meaning: 'Persisted queries are off on this gateway (`PERSISTED_QUERIES=off`).',
    action: 'Send the operation text in `query`.',
  },
  DEFER_NOT_SUPPORTED: {
    meaning:
      'The operation uses `@defer` or `@stream`, and this gateway engine (Apollo Gateway, `npm start`) cannot send an answer in parts in federation. Refused before planning (HTTP 400); nothing was read. The Hive Gateway engine (`npm run gateway:hive`) sends the deferred parts after the rest (multipart/mixed or server-sent events); with its Rust planner (`HIVE_RUNTIME=router`) the answer comes whole.',
    action: 'Send the operation without `@defer` and `@stream` (the answer then comes whole), or send it to the Hive Gateway engine.',
  },
  OPERATION_NOT_TRUSTED: {
    meaning:
      'The gateway runs trusted documents only (`PERSISTED_QUERIES=trusted`, `TRUSTED_DOCUMENTS`), and this operation is not in its manifest (HTTP 403). Nothing was run.',
    action: "Add the operation to the client's persisted-query manifest and deploy it with the gateway, or send one that is in it.",
  },
  IDENTITY_NUMBER_IN_OPERATION: {
    meaning:
      'An operation sent for registration as a persisted query has an identity number written into its text. Stored operations are kept and shared by hash, so they must not hold personal data (HTTP 400).',
    action: 'Pass identity numbers as variables (`query($nin: String!) { patient(nin: $nin) { … } }`).',
  },
  ORIGIN_NOT_ALLOWED: {
    meaning:
      'A browser request (or its CORS preflight) from an origin that is not in `CORS_ORIGINS` and is not the gateway itself (HTTP 403). Nothing was run.',
    action: "Ask the gateway's operators to add your web app's origin to `CORS_ORIGINS`.",
  },
  TOO_MANY_TOKENS: {
    meaning:
      'The operation text has more tokens (names, punctuation, values) than the gateway parses: `LIMIT_TOKENS`, default 3,000. Parsing stopped there; nothing was validated, planned or asked (HTTP 400, `extensions.max`).',
    action: 'Ask for less in one operation: split it, or pass long lists as variables rather than literals.',
  },
  TOO_MANY_ALIASES: {
    meaning:
      'The operation has more aliases than the gateway plans: `LIMIT_ALIASES`, default 15. Refused before planning; no subgraph or source was asked (HTTP 400, `extensions.max` and `extensions.count`).',
    action: 'Use `patients(nins:)` for several patients instead of aliases of `patient`; split the rest into several requests.',
  },
  QUERY_TOO_DEEP: {
    meaning:
      'The operation nests fields, inline fragments and fragment spreads deeper than the gateway plans: `LIMIT_DEPTH`, default 12. Refused before planning (HTTP 400, `extensions.max` and `extensions.count`).',
    action: 'Nest fewer fragments; no field of the schema is deeper than 6.',
  },
  TOO_MANY_DIRECTIVES: {
    meaning:
      'The operation has more directives (`@include`, `@skip`, …) than the gateway plans: `LIMIT_DIRECTIVES`, default 20. Refused before planning (HTTP 400, `extensions.max` and `extensions.count`).',
    action: 'Send the operation you mean without the directives, or fewer of them.',
  },
  QUERY_TOO_COSTLY: {
    meaning:
      "The operation's estimated cost (every object 2, every scalar 1, ×1.5 per level of nesting, each list multiplied by the `first:`/`last:` it runs with, literal, variable or default; `patients` by its list's length) is over `LIMIT_COST`, default 200,000. Refused before planning (HTTP 400, `extensions.max` and `extensions.count`). Every answer that is not refused carries `extensions.cost`: `requestedQueryCost` (this estimate), `actualQueryCost` (the same measure over the lists as they came back) and `maximumQueryCost`.",
    action: 'Ask for fewer entries (`first:`, `last:`) or fewer fields, or split the operation.',
  },
  RATE_LIMITED: {
    meaning:
      'This reader sent more requests than the per-reader limit allows: a token bucket of `RATE_LIMIT_BURST` requests (default 300) refilled by `RATE_LIMIT_PER_SECOND` (default 30), shared by every gateway replica through Redis when `REDIS_URL` is set. HTTP 429 with `Retry-After` (seconds) and `extensions.retryAfterSeconds`; refused before the request is read, so nothing was read and nothing logged. Every answer carries `RateLimit-Limit` and `RateLimit-Remaining` headers.',
    action: 'Wait the `Retry-After` seconds and send it again; a screen that polls should poll less often, and a batch should use `patients(nins:)`.',
  },
  TOO_MANY_ROOT_FIELDS: {
    meaning:
      'The operation has more root fields (by response key, `__typename` aside) than the gateway plans: `LIMIT_ROOT_FIELDS`, default 10. Each is planned and fetched on its own. Refused before planning (HTTP 400, `extensions.max` and `extensions.count`).',
    action: 'Use `patients(nins:)` for several patients; split the rest into several requests.',
  },
  TOO_MANY_PATIENTS: {
    meaning:
      'The request would read more patients than one request may, over all its root fields and aliases (`patient`, `me` and `node` one each, `patients` the length of its list): `LIMIT_PATIENTS`, default 100. Refused before planning; no patient was looked up (HTTP 400, `extensions.max` and `extensions.count`).',
    action: 'Split the worklist into requests of at most `extensions.max` patients.',
  },
  TOO_MANY_ACCESS_LOG_READS: {
    meaning:
      'The operation selects `accessLog` or `accessLogConnection` more than once between them (aliases, both fields, or several `me`); each selection reads the log store. Refused before planning (HTTP 400, `extensions.max` is 1, `extensions.count` the selections).',
    action: 'Select `accessLogConnection` once, with the `first:` you need, and read on with `after:` in the next request.',
  },
  CACHE_UNAVAILABLE: {
    meaning:
      'Answer to a source\'s change notice (`POST /cache/invalidate`), never to a GraphQL read: the shared cache (Redis) or a subgraph could not take the deletes now (HTTP 503; `extensions.subgraphs` names those that did not). Reads never fail for the cache: they go to the sources.',
    action: 'The source sends the notice again (with a fresh signature) until it gets HTTP 200.',
  },
  IDEMPOTENCY_KEY_REUSED: {
    meaning:
      'A mutation came with an idempotency key this reader used before for a different action (another patient, recipient or text). Nothing was done (HTTP 409). The same key with the same action gives back what was done the first time.',
    action: 'Choose a new key for each new action; reuse a key only to repeat the very same request (after a timeout).',
  },
  MESSAGE_RECIPIENT_UNKNOWN: {
    meaning:
      '`sendMessage`: the recipient HER-id names no service the graph knows, or one whose system takes no messages through the graph (HTTP 400, `extensions.argument` is `input.recipientHerId`). Nothing was sent.',
    action: 'Pick a recipient from `Patient.careTeam` (its `herId`).',
  },
  MESSAGE_RECIPIENT_NOT_IN_CARE_TEAM: {
    meaning:
      "`sendMessage`: the recipient is a service the graph knows, but not one of this patient's care team (her GP office, the municipal units that serve her, the hospital departments that treat or treated her) (HTTP 400). Nothing was sent.",
    action: 'Send to a service of `Patient.careTeam`.',
  },
  MESSAGE_THREAD_UNKNOWN: {
    meaning:
      '`sendMessage`: `inReplyTo` names no message of this patient that the graph knows: an unknown id, or a message about another patient (HTTP 400). Nothing was sent.',
    action: 'Answer a message of the patient’s own `Patient.messages`.',
  },
  SENDER_NOT_ADDRESSABLE: {
    meaning:
      "`sendMessage`: the reader's login names no service the graph knows (HelseID's `her_id` claim), so an answer could not find its way back (HTTP 400). Nothing was sent.",
    action: 'Log in for the unit you work at (a HelseID client with its HER-id).',
  },
  PRACTITIONER_UNKNOWN: {
    meaning: '`setBlock`: no practitioner with this HPR number in the practitioner register (HTTP 400, `extensions.argument` is `input.hprNumber`). Nothing was blocked.',
    action: 'Check the number (the practitioner’s HPR number, as the access log or the record shows it).',
  },
  ORGANISATION_UNKNOWN: {
    meaning: '`setBlock`: the organisation number is valid, but the graph knows no such organisation (HTTP 400). Nothing was blocked.',
    action: 'Check the number (as the access log shows the organisation).',
  },
  DOCUMENT_NOT_YOURS: {
    meaning: '`setBlock`: the document is not in the citizen’s own records at the hospitals (another patient’s, or none) (HTTP 403). Nothing was blocked.',
    action: 'Pick a document from `me { hospitalRecords { documents { id } } }`.',
  },
  BLOCK_NOT_YOURS: {
    meaning: '`liftBlock`: the block was registered by the hospital, not set by the citizen through the graph, so it is not hers to lift here (HTTP 403). Nothing was changed.',
    action: 'Ask the hospital that holds it.',
  },
  BLOCK_NOT_FOUND: {
    meaning: '`liftBlock`: the citizen has no block with this id (HTTP 400). Nothing was changed.',
    action: 'Pick a block from `me { blocks { id setByPatient } }`.',
  },
  BLOCK_NOT_POSSIBLE: {
    meaning: '`setBlock`: no connected hospital holds a record of the citizen to keep the block, or the hospital refused it for another reason (`extensions` says its code) (HTTP 409). Nothing was changed.',
    action: 'A block is kept by a system that holds the record; where none does, there is nothing to block yet.',
  },
  OUTBOX_UNAVAILABLE: {
    meaning: 'The durable outbox (a file, or PostgreSQL) could not store the message, so it was not accepted (HTTP 503). Nothing will be sent.',
    action: 'Retry with the same idempotency key later.',
  },
  CHANGE_NOTICE_REPLAYED: {
    meaning:
      'Answer to a source\'s change notice (`POST /cache/invalidate`), never to a GraphQL read: this receiver took a notice with the same nonce already (HTTP 409). A signed notice is taken once; one overheard and sent again is refused, so it cannot be used to empty the cache over and over.',
    action: 'A source signs every notice with a fresh nonce (`t=<seconds>,n=<nonce>,v1=<HMAC of "t.n.body">`); one that gets 409 was delivered before and needs nothing more.',
  },
  ALERT_REJECTED: {
    meaning:
      "Answer to a platform's pushed event (`POST /welfare/events`), never to a GraphQL read: the body is signed by the platform but its adapter cannot read it as an event of that platform (HTTP 400; `extensions.reason` names the path that failed, never a value), or the instance is no welfare technology platform. Nothing was published.",
    action: 'The platform fixes what it sends (its adapter says what it expects: adapters/<system>/); a signature or replay problem is UNAUTHENTICATED or CHANGE_NOTICE_REPLAYED instead.',
  },
  ALERT_RESUME_EXPIRED: {
    meaning:
      'A `welfareAlerts` subscription resumed after an alert id (`after`, or the Last-Event-ID header) older than the window alerts are kept for (ALERT_REPLAY_SECONDS, 15 minutes by default): alerts after it may be gone. Sent as the first event; the subscription then goes on with the alerts still kept and the live ones.',
    action: 'Read `Patient.welfareEvents` for what happened while the subscriber was away, then rely on the subscription.',
  },
  JOB_LIMIT: {
    meaning:
      'A research job refused because its requester (the project and organisation) already has as many queued or running as one may (RESEARCH_JOBS_PER_REQUESTER, 2 by default): research is throttled per requester so that it never crowds out care. Nothing was started or logged.',
    action: 'Wait for a running job to finish (`researchJob`), or cancel one (`cancelResearchJob`), then start again with the same idempotency key.',
  },
  JOB_FAILED: {
    meaning: "A research job ended without an answer (`ResearchJob.error.code`): a source failed on every try, or a worker died too often. No text of the source's error is kept.",
    action: 'Start the question again with a new idempotency key; if it fails again, the sources named in `/health` may be down.',
  },
  QUESTION_BUDGET_SPENT: {
    meaning:
      "An aggregate refused because its requester (the project and organisation) has asked as many different questions in the period as one may (RESEARCH_QUESTIONS_PER_PERIOD, 100, in RESEARCH_QUESTION_PERIOD_DAYS, 30): many overlapping tables averaged together would wear down the disclosure control's noise. A question asked before in the period is answered again without counting. Nothing was started or logged.",
    action: 'Ask the questions already asked (their answers are the same), combine dimensions into fewer tables, or wait for the period to pass; a project that needs more applies to its data controller.',
  },
  JOB_NOT_FOUND: {
    meaning:
      "FHIR Bulk Data (`/fhir/research/`): no such export for this reader: never started, another requester's, cancelled, or no longer kept (a day after it ended). HTTP 404 with an OperationOutcome; whether another requester's export exists is not told.",
    action: 'Start the export again (`/fhir/research/Group/{project}/$export`), and fetch its files within a day of its completion.',
  },
  TOO_MANY_SUBSCRIPTIONS: {
    meaning:
      'A `welfareAlerts` subscription refused because the reader already has as many open on this gateway replica as one reader may (ALERT_SUBSCRIPTIONS_PER_READER, 20 by default): each alert is read once for each subscription, so unbounded subscriptions would let one reader take the gateway from the rest. HTTP 429 with Retry-After; nothing was read or logged.',
    action: 'Close subscriptions the client no longer shows (one stream per patient on screen), or subscribe to a patient once and share the stream within the client.',
  },
  INTERNAL_SERVER_ERROR: {
    meaning: 'An unexpected fault in the graph itself. No details are sent to the client; the server log has them under `extensions.requestId`.',
    action: 'Report it with `extensions.requestId`.',
  },
} as const satisfies Record<string, { meaning: string; action: string }>;

export type ErrorCode = keyof typeof errorCodes;

/** Builds a GraphQLError with a registered code; extensions must not carry identity numbers. */
export function graphError(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { ...extensions, code } });
}
