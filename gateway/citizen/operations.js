// @ts-check
/**
 * Every GraphQL operation Min journal sends, by name: the reference for frontend teams. Each is sent as a POST
 * to /graphql with the citizen's bearer token (ID-porten; locally the development identity provider) and its
 * variables in the body: an identity number never goes in a URL.
 *
 * A citizen reads their own record through `me` (never `patient(nin:)`), and only the public graph: fields the
 * supergraph marks @inaccessible are not there. Answers may be partial: a field refused (FORBIDDEN, with
 * `extensions.rule` and `extensions.reason`) or a source that did not answer (`extensions.partial`, a null record)
 * comes back as null beside an error with its `path`, and everything else arrives: show what came, and say
 * what did not, per section.
 *
 * A strictly confidential address (`addressProtection: STRICTLY_CONFIDENTIAL`) withholds every name that could
 * place the person (services, organisations, practitioners, phone numbers, HER-ids) from the person too: those
 * fields come back null with FORBIDDEN `reason: STRICTLY_CONFIDENTIAL`, and the page shows the sector instead.
 */

/**
 * What the schema offers, asked first: the actions that are being built (blocks set by the citizen, messages
 * from the citizen) are shown only when the running graph has them.
 */
export const SCHEMA_CAPABILITIES = /* GraphQL */ `
  query SchemaCapabilities {
    mutation: __type(name: "Mutation") {
      fields {
        name
      }
    }
    patient: __type(name: "Patient") {
      fields {
        name
      }
    }
    sendMessageInput: __type(name: "SendMessageInput") {
      inputFields {
        name
        type {
          kind
        }
      }
    }
  }
`;

/** A thread of messages between services about me, as the page shows it. */
const MESSAGE_THREAD_FIELDS = /* GraphQL */ `
  fragment MessageThreadFields on MessageThread {
    conversationRef
    subject
    lastActivity
    messages {
      id
      kind
      sentAt
      status
      subject
      text
      sender {
        herId
        service
        name
      }
      recipient {
        herId
        service
        name
      }
    }
  }
`;

/** The overview: one read of the citizen's own record, every section of the page at once. */
export const MY_OVERVIEW = /* GraphQL */ `
  query MyOverview {
    me {
      nin
      name {
        text
      }
      addressProtection
      # Who is responsible for me, and how to reach their service (current members only).
      careTeam(includePast: false) {
        role
        name
        practitioner {
          hprNumber
          name {
            text
          }
        }
        service
        organisation
        herId
        phone
        sector
        start
      }
      # What happens next, soonest first.
      upcoming {
        kind
        time
        title
        status
        deadline
        service
        organisation
        practitioner {
          name {
            text
          }
        }
        sector
      }
      # My medicines as one list; each discrepancy in plain bokmål for me (forPatient).
      medications {
        name
        status
        hasDiscrepancy
        discrepancies {
          kind
          forPatient
        }
      }
      # Who has read my record (reading it is itself logged).
      accessLog(last: 20) {
        time
        action
        purpose
        emergency
        emergencyReason
        accessor {
          kind
          sector
          organisation
          orgNumber
          practitioner {
            hprNumber
            name {
              text
            }
          }
        }
      }
      # Messages between my services about me, newest thread first.
      messages {
        ...MessageThreadFields
      }
      # What a block can name: my hospital documents, and the organisations that hold my record.
      hospitalRecords {
        hospital
        orgNumber
        documents {
          id
          kind
          date
          title
          withheldFromPatient
        }
      }
      generalPractitioner {
        office {
          name
          orgNumber
        }
      }
    }
  }
  ${MESSAGE_THREAD_FIELDS}
`;

/** The messages again, after I sent one or to see where mine has got to. */
export const MY_MESSAGES = /* GraphQL */ `
  query MyMessages {
    me {
      messages {
        ...MessageThreadFields
      }
    }
  }
  ${MESSAGE_THREAD_FIELDS}
`;

/**
 * The blocks on my record (Patient.blocks: to the patient only): those I set myself (`setByPatient`, which I may
 * lift) and those a hospital registered for me. Sent only when the schema has it.
 */
export const MY_BLOCKS = /* GraphQL */ `
  query MyBlocks {
    me {
      blocks {
        ...MyBlock
      }
    }
  }

  fragment MyBlock on Block {
    id
    kind
    setByPatient
    since
    holder
    practitioner {
      hprNumber
      name {
        text
      }
    }
    organisation
    orgNumber
    documentIds
  }
`;

/**
 * Blocks a named practitioner (kind PRACTITIONER with `hprNumber`), an organisation (ORGANISATION with
 * `orgNumber`) or one of my documents (DOCUMENT with `documentId`), once per `idempotencyKey`. The new block is in
 * `me { blocks }` (`blockId`).
 */
export const SET_BLOCK = /* GraphQL */ `
  mutation SetBlock($input: SetBlockInput!) {
    setBlock(input: $input) {
      blockId
      replayed
    }
  }
`;

/** Lifts a block I set (`setByPatient`), once per `idempotencyKey`. */
export const LIFT_BLOCK = /* GraphQL */ `
  mutation LiftBlock($input: LiftBlockInput!) {
    liftBlock(input: $input) {
      blockId
      replayed
    }
  }
`;

/**
 * A question to my GP office or home-care service (a HER-id from my care team), once per `idempotencyKey`:
 * sending again with the same key (a retry after a lost answer) gives back the message already sent.
 */
export const SEND_MESSAGE = /* GraphQL */ `
  mutation SendMessage($input: SendMessageInput!) {
    sendMessage(input: $input) {
      replayed
      message {
        id
        status
        sentAt
      }
    }
  }
`;
