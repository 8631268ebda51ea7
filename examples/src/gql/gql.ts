/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query PatientSummary($nin: String!) {\n    patient(nin: $nin) {\n      id\n      name { text }\n      birthDate\n      municipality { name }\n      generalPractitioner {\n        gp { name { text } }\n        office { name recordSystem }\n      }\n      summaryRecord {\n        criticalInformation { type text reaction severity }\n      }\n      careRecord {\n        services { description start end }\n        visits(last: 2) { time tasks note }\n      }\n      gpRecord {\n        consultations(last: 2) { time reason { code display } }\n      }\n      hospitalRecords {\n        hospital\n        encounters { class start department }\n      }\n      medications {\n        name\n        atc\n        status\n        hasDiscrepancy\n        discrepancies { kind description }\n        sources { organisation }\n      }\n      timeline(first: 8) { date sector title }\n      sources { sourceId sector state latencyMs }\n    }\n  }\n": typeof types.PatientSummaryDocument,
    "\n  query PatientHeader($nin: String!) {\n    patient(nin: $nin) {\n      id\n      name { text }\n      birthDate\n      generalPractitioner {\n        office { name }\n      }\n    }\n  }\n": typeof types.PatientHeaderDocument,
};
const documents: Documents = {
    "\n  query PatientSummary($nin: String!) {\n    patient(nin: $nin) {\n      id\n      name { text }\n      birthDate\n      municipality { name }\n      generalPractitioner {\n        gp { name { text } }\n        office { name recordSystem }\n      }\n      summaryRecord {\n        criticalInformation { type text reaction severity }\n      }\n      careRecord {\n        services { description start end }\n        visits(last: 2) { time tasks note }\n      }\n      gpRecord {\n        consultations(last: 2) { time reason { code display } }\n      }\n      hospitalRecords {\n        hospital\n        encounters { class start department }\n      }\n      medications {\n        name\n        atc\n        status\n        hasDiscrepancy\n        discrepancies { kind description }\n        sources { organisation }\n      }\n      timeline(first: 8) { date sector title }\n      sources { sourceId sector state latencyMs }\n    }\n  }\n": types.PatientSummaryDocument,
    "\n  query PatientHeader($nin: String!) {\n    patient(nin: $nin) {\n      id\n      name { text }\n      birthDate\n      generalPractitioner {\n        office { name }\n      }\n    }\n  }\n": types.PatientHeaderDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PatientSummary($nin: String!) {\n    patient(nin: $nin) {\n      id\n      name { text }\n      birthDate\n      municipality { name }\n      generalPractitioner {\n        gp { name { text } }\n        office { name recordSystem }\n      }\n      summaryRecord {\n        criticalInformation { type text reaction severity }\n      }\n      careRecord {\n        services { description start end }\n        visits(last: 2) { time tasks note }\n      }\n      gpRecord {\n        consultations(last: 2) { time reason { code display } }\n      }\n      hospitalRecords {\n        hospital\n        encounters { class start department }\n      }\n      medications {\n        name\n        atc\n        status\n        hasDiscrepancy\n        discrepancies { kind description }\n        sources { organisation }\n      }\n      timeline(first: 8) { date sector title }\n      sources { sourceId sector state latencyMs }\n    }\n  }\n"): (typeof documents)["\n  query PatientSummary($nin: String!) {\n    patient(nin: $nin) {\n      id\n      name { text }\n      birthDate\n      municipality { name }\n      generalPractitioner {\n        gp { name { text } }\n        office { name recordSystem }\n      }\n      summaryRecord {\n        criticalInformation { type text reaction severity }\n      }\n      careRecord {\n        services { description start end }\n        visits(last: 2) { time tasks note }\n      }\n      gpRecord {\n        consultations(last: 2) { time reason { code display } }\n      }\n      hospitalRecords {\n        hospital\n        encounters { class start department }\n      }\n      medications {\n        name\n        atc\n        status\n        hasDiscrepancy\n        discrepancies { kind description }\n        sources { organisation }\n      }\n      timeline(first: 8) { date sector title }\n      sources { sourceId sector state latencyMs }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PatientHeader($nin: String!) {\n    patient(nin: $nin) {\n      id\n      name { text }\n      birthDate\n      generalPractitioner {\n        office { name }\n      }\n    }\n  }\n"): (typeof documents)["\n  query PatientHeader($nin: String!) {\n    patient(nin: $nin) {\n      id\n      name { text }\n      birthDate\n      generalPractitioner {\n        office { name }\n      }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;