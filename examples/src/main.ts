/**
 * The reference client from the shell, against a running system (`npm start`):
 * `npx tsx examples/src/main.ts [persona] [nin]` prints one patient's header and medications, read as the
 * persona (`gp` and Ingrid Solheim by default), then the header again, answered by the cache.
 */
import { createPatientGraphClient } from './createPatientGraphClient';
import { devTokens } from './devToken';
import { PatientHeaderQuery, PatientSummaryQuery } from './documents';

async function main(): Promise<void> {
  const [persona = 'gp', nin = '03864013065'] = process.argv.slice(2);
  const gateway = process.env.GATEWAY_URL ?? 'http://localhost:4000';
  const client = createPatientGraphClient({ url: new URL('/graphql', gateway).href, token: devTokens({ gateway, persona }) });

  const summary = await client.query(PatientSummaryQuery, { nin }).toPromise();
  // Field errors (a refused rule, a source that did not answer) come with the data that could be read.
  for (const error of summary.error?.graphQLErrors ?? []) console.error(`${error.path?.join('.') ?? ''}: ${error.message} (${String(error.extensions.code)})`);
  if (summary.error?.networkError) throw summary.error.networkError;
  const patient = summary.data?.patient;
  if (!patient) throw new Error(`no patient ${nin} for ${persona}`);
  console.log(`${patient.name?.text ?? '(no name)'}, born ${patient.birthDate ?? '?'}, ${patient.municipality?.name ?? ''}`);
  for (const medication of patient.medications ?? []) {
    console.log(`  ${medication.name} (${medication.atc ?? 'no ATC'}) ${medication.status}${medication.hasDiscrepancy ? ': sources disagree' : ''}`);
  }

  const header = await client.query(PatientHeaderQuery, { nin }).toPromise();
  console.log(`header from the ${header.operation.context.meta?.cacheOutcome === 'hit' ? 'cache' : 'gateway'}: GP office ${header.data?.patient?.generalPractitioner?.office?.name ?? '(none)'}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
