/**
 * `npm run conformance -- <instance-id> [<instance-id>…] [--all] [--control URL] [--known KEYS] [--timeout-ms N]`
 *
 * Runs the adapter contract's checks against configured instances (config/sources.json, or SOURCES_FILE): the
 * simulator here, your real system there. Prints each check's verdict (PASS, WARN, FAIL or SKIP with a reason) and
 * exits 1 when any fails (0 when all pass, warn or are skipped).
 * - `--known`: keys your system holds, comma separated: identity numbers (HPR numbers for a practitioner
 *   register; `nin:officeHerId` for a GP system). Without it the synthetic population's keys are used, which
 *   only the simulators hold.
 * - `--control`: the simulators' control API (default SIM_CONTROL_URL, or http://127.0.0.1:4100 for an
 *   instance on this machine when it answers), to switch the source into each fault mode and to slow it down.
 *   A real system has none: those checks are skipped, saying so.
 * - `--messages`: for a system that takes dialogue messages, send test messages (notes) about a patient of the
 *   synthetic population to one of its services, from a service of organisations.json: that a message id is taken
 *   once, and that a service it does not host is refused. On by itself against the simulators (with a control
 *   API); give it for a vendor's test system, never a production one.
 *
 * stdout holds the verdicts and nothing else; log lines (JSON) go to stderr, at LOG_LEVEL (default `error`).
 */
import { parseArgs } from 'node:util';
import { systemEntry } from '../adapters/registry';
import { controlApi, runConformance, type CheckResult, type ConformanceKeys, type FaultControl, type MessagingCheck } from '../adapters/kit/conformance';
import type { GpRecordKey } from '../adapters/contracts';
import type { MessageParty } from '../adapters/model';
import { instancesOf, loadOrganisations, loadSources, type InstanceConfig } from '../lib/config';
import { withCheckDigits } from '../lib/nin';
import { getPopulation } from '../simulators/population';

/** Valid synthetic numbers nobody in the population has: born on the 15th of May 1972 (Test-Norge form). */
function unknownNins(taken: ReadonlySet<string>, count: number): string[] {
  const found: string[] = [];
  for (let individual = 100; found.length < count && individual < 500; individual++) {
    const nin = withCheckDigits(`158572${String(individual).padStart(3, '0')}`);
    if (nin && !taken.has(nin)) found.push(nin);
  }
  return found;
}

/**
 * At most this many of the population's keys are read: enough for more than one call of every system's
 * `maxBatch` (and several pages), few enough for a source's timeout on a busy machine.
 */
const SAMPLE = 120;

function keysFor(instance: InstanceConfig, known: string | undefined): ConformanceKeys<unknown> {
  const keys = keysOf(instance, known);
  // Spread over the whole population (every n-th), so that each region's systems find people they hold.
  const stride = Math.ceil(keys.known.length / SAMPLE);
  return { ...keys, known: known ? keys.known : keys.known.filter((_, i) => i % stride === 0) };
}

function keysOf(instance: InstanceConfig, known: string | undefined): ConformanceKeys<unknown> {
  const contract = systemEntry(instance.system).contract;
  const population = getPopulation();
  const nins = new Set(population.persons.map((p) => p.nin));
  const given = known?.split(',').map((k) => k.trim()).filter(Boolean);
  if (contract === 'PractitionerModel') {
    const hpr = new Set(population.practitioners.map((p) => p.hprNumber));
    const unknown = ['199999901', '199999902', '199999903'].filter((n) => !hpr.has(n));
    return { known: given ?? [...hpr], unknown, id: (k) => k as string };
  }
  if (contract === 'RepresentationModel') {
    // The register holds the people who granted a power of attorney; everyone else is answered null.
    const granters = population.persons.filter((p) => p.powersOfAttorney?.length).map((p) => p.nin);
    return { known: given ?? granters, unknown: unknownNins(nins, 5), id: (k) => k as string };
  }
  if (contract === 'GpRecordModel') {
    const offices = loadOrganisations().gpOffices.filter((o) => o.instance === instance.id).map((o) => o.herId);
    const keys: GpRecordKey[] = given
      ? given.map((k) => ({ nin: k.split(':')[0] ?? '', officeHerId: k.split(':')[1] ?? '' }))
      : population.persons.flatMap((p) => (p.gp && offices.includes(p.gp.officeHerId) ? [{ nin: p.nin, officeHerId: p.gp.officeHerId }] : []));
    const office = keys[0]?.officeHerId ?? offices[0] ?? '';
    return { known: keys, unknown: unknownNins(nins, 5).map((nin) => ({ nin, officeHerId: office })), id: (k) => (k as GpRecordKey).nin };
  }
  return { known: given ?? [...nins], unknown: unknownNins(nins, 5), id: (k) => k as string };
}

/**
 * Whom the message checks write about and between, for an instance that takes messages: a patient a service of the
 * instance holds (listed at the GP office, with a care record in the municipality, treated at the hospital), that
 * service, a sender from another instance's services, and a HER-id of a service another instance hosts.
 */
function messagingFor(instance: InstanceConfig): MessagingCheck<unknown> | undefined {
  const orgs = loadOrganisations();
  const population = getPopulation();
  const party = (herId: string, service: string, orgNumber: string): MessageParty => ({ herId, service, orgNumber, hprNumber: null, name: null });
  const services = [
    ...orgs.gpOffices.map((o) => ({ instance: o.instance, party: party(o.herId, o.name, o.orgNumber) })),
    ...orgs.municipalities.flatMap((m) => m.services.map((s) => ({ instance: m.careInstance, party: party(s.herId, s.name, m.orgNumber) }))),
    ...orgs.hospitals.flatMap((h) => h.departments.map((d) => ({ instance: h.instance, party: party(d.herId, d.name, h.orgNumber) }))),
  ];
  const elsewhere = services.filter((s) => s.instance !== instance.id);
  const sender = elsewhere[0]?.party;
  const stranger = elsewhere.find((s) => s.instance !== null)?.party.herId;
  const office = orgs.gpOffices.find((o) => o.instance === instance.id);
  const municipality = orgs.municipalities.find((m) => m.careInstance === instance.id);
  const hospital = orgs.hospitals.find((h) => h.instance === instance.id);
  let found: { nin: string; key: unknown; recipient: MessageParty } | undefined;
  if (office) {
    const p = population.persons.find((x) => x.gpRecord?.officeHerId === office.herId);
    if (p) found = { nin: p.nin, key: { nin: p.nin, officeHerId: office.herId }, recipient: party(office.herId, office.name, office.orgNumber) };
  } else if (municipality) {
    const unit = municipality.services[0];
    const p = population.persons.find((x) => x.careRecord?.municipality === municipality.number);
    if (p && unit) found = { nin: p.nin, key: p.nin, recipient: party(unit.herId, unit.name, municipality.orgNumber) };
  } else if (hospital) {
    const department = hospital.departments[0];
    const p = population.persons.find((x) => x.hospitalRecords.some((r) => r.orgNumber === hospital.orgNumber));
    if (p && department) found = { nin: p.nin, key: p.nin, recipient: party(department.herId, department.name, hospital.orgNumber) };
  }
  if (!found || !sender || !stranger) return undefined;
  return { patientNin: found.nin, key: found.key, recipient: found.recipient, sender, strangerHerId: stranger };
}

async function controlFor(instance: InstanceConfig, given: string | undefined): Promise<FaultControl | undefined> {
  const local = ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(instance.baseUrl).hostname);
  const url = given ?? process.env.SIM_CONTROL_URL ?? (local ? 'http://127.0.0.1:4100' : undefined);
  if (!url) return undefined;
  try {
    const response = await fetch(`${url.replace(/\/+$/, '')}/instances/${encodeURIComponent(instance.id)}`, { signal: AbortSignal.timeout(2000) });
    if (response.ok) return controlApi(url, instance.id);
  } catch {
    // No control API there: a real system, or simulators started without one.
  }
  if (given) throw new Error(`the control API at ${given} does not answer for instance ${instance.id}`);
  return undefined;
}

const MARK: Record<CheckResult['status'], string> = { pass: 'PASS', warn: 'WARN', fail: 'FAIL', skip: 'SKIP' };

/**
 * stdout carries the verdicts alone, so that they read (and parse) as they are: whatever else writes there goes to
 * stderr. That is the log lines of the kit and the adapters (pino writes to process.stdout once its `write` is not
 * the stream's own), at LOG_LEVEL, here `error` unless set: the failures the checks provoke are verdicts already, and
 * what is left is a fault in the adapter's own code, logged with its stack. Called before any logger is made.
 */
function verdictsOnStdout(): (line: string) => void {
  const stdout = process.stdout.write.bind(process.stdout);
  process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
  process.env.LOG_LEVEL ??= 'error';
  // pino-pretty would write to file descriptor 1 itself, past process.stdout: JSON lines here.
  delete process.env.LOG_FORMAT;
  return (line) => {
    stdout(`${line}\n`);
  };
}

/** The line that ends an instance's verdicts. */
function summary(results: readonly CheckResult[]): string {
  const count = (status: CheckResult['status'], word: string) => {
    const n = results.filter((r) => r.status === status).length;
    return n === 0 ? '' : `${n} ${word}${n > 1 ? 's' : ''}`;
  };
  const failed = count('fail', 'check');
  const warnings = count('warn', 'warning');
  if (failed) return `${warnings ? `${warnings}, ` : ''}${failed} failed`;
  return `conformant${warnings ? ` (${warnings}: see WARN)` : ''}`;
}

async function main(): Promise<number> {
  const say = verdictsOnStdout();
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { all: { type: 'boolean' }, control: { type: 'string' }, known: { type: 'string' }, 'timeout-ms': { type: 'string' }, messages: { type: 'boolean' } },
  });
  const instances = instancesOf(loadSources());
  const chosen = values.all ? instances : positionals.map((id) => instances.find((i) => i.id === id) ?? id);
  if (chosen.length === 0) {
    console.error('usage: npm run conformance -- <instance-id>… | --all  (instances: ' + instances.map((i) => i.id).join(', ') + ')');
    return 2;
  }
  let failed = 0;
  for (const instance of chosen) {
    if (typeof instance === 'string') {
      say(`\n${instance}: FAIL no such instance in the sources configuration`);
      failed++;
      continue;
    }
    say(`\n${instance.id} (${instance.system}) at ${instance.baseUrl}`);
    const timeoutMs = values['timeout-ms'] ? Number(values['timeout-ms']) : undefined;
    const control = await controlFor(instance, values.control);
    // Messages are real writes: sent to the simulators (which have a control API) or where asked for.
    const messaging = control || values.messages ? messagingFor(instance) : undefined;
    const results = await runConformance({
      instance,
      keys: keysFor(instance, values.known),
      ...(control ? { control } : {}),
      ...(messaging ? { messaging } : {}),
      ...(timeoutMs ? { timeoutMs } : {}),
    });
    for (const r of results) say(`  ${MARK[r.status]}  ${r.name}: ${r.detail}`);
    say(`  ${summary(results)}`);
    if (results.some((r) => r.status === 'fail')) failed++;
  }
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(2);
  },
);
