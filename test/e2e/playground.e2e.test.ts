import { type Browser } from 'playwright-core';
import { demoPatient } from '../../simulators/population';
import { launchBrowser } from './browser';
import { TestSystem } from './harness';

/**
 * The playground in a real headless Chromium: it loads from the gateway alone, shows the first query
 * with a demo patient filled in, and runs it.
 */
let system: TestSystem;
let browser: Browser;

beforeAll(async () => {
  system = await TestSystem.start();
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await system?.stop();
});

describe('playground', () => {
  it('runs the first query as the chosen persona for the chosen demo patient, and a citizen reads her own record and its log', async () => {
    const page = await browser.newPage();
    const origins = new Set<string>();
    const graphqlRequests: { method: string; url: string; body: string | null; authorization: string | undefined }[] = [];
    const failures: string[] = [];
    page.on('request', (r) => {
      origins.add(new URL(r.url()).origin);
      if (new URL(r.url()).pathname === '/graphql') graphqlRequests.push({ method: r.method(), url: r.url(), body: r.postData(), authorization: r.headers().authorization });
    });
    page.on('pageerror', (e) => failures.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') failures.push(m.text());
    });
    page.on('response', (r) => {
      if (r.status() >= 400) failures.push(`${r.status()} ${new URL(r.url()).pathname}`);
    });
    const base = system.system.playgroundUrl;
    await page.goto(base);
    await page.locator('.graphiql-container').waitFor({ timeout: 30_000 });
    await page.getByText('PatientSummary').first().waitFor();
    await page.getByText(demoPatient('homeCare').nin).first().waitFor();
    expect(await page.inputValue('#personas')).toBe('gp');

    const result = page.locator('.result-window');
    await page.locator('.graphiql-execute-button').click();
    await result.getByText('Ingrid Solheim').waitFor({ timeout: 30_000 });
    // The editor renders only the lines in view: check the top of the answer. Her GP reads all of it.
    expect(await result.textContent()).toMatch(/"Nordlys Journal".*"Penicilliner"/);
    if (process.env.PLAYGROUND_SCREENSHOT) await page.screenshot({ path: process.env.PLAYGROUND_SCREENSHOT });

    const run = graphqlRequests.find((r) => r.body?.includes('PatientSummary'));
    expect(run?.method).toBe('POST');
    expect(run?.url).not.toMatch(/\d{11}/);
    expect(run?.body).toContain(demoPatient('homeCare').nin);
    expect(run?.authorization).toMatch(/^Bearer ey/);

    // Another patient: picking him changes the variables of the current tab and runs it (no new tab, no
    // click). The GP is not Kjell Aune's GP, so his registry data comes back and his record does not.
    const answered = page.waitForResponse((r) => new URL(r.url()).pathname === '/graphql' && (r.request().postData() ?? '').includes(demoPatient('nursingHome').nin));
    await page.selectOption('#demo-patients', { label: 'Kjell Aune (nursingHome)' });
    const kjell = (await (await answered).json()) as { data: { patient: Record<string, any> }; errors: { extensions: { reason: string } }[] };
    expect(kjell.data.patient.name.text).toBe('Kjell Aune');
    expect(kjell.data.patient.generalPractitioner.office.recordSystem).toBe('Fjord EPJ');
    expect(kjell.data.patient.careRecord).toBeNull();
    // The answer opens with the refusals, each naming its rule and reason.
    await result.getByText('NO_RELATIONSHIP').first().waitFor({ timeout: 10_000 });
    await page.getByText(demoPatient('nursingHome').nin).first().waitFor();
    expect(await page.locator('.graphiql-tab').count()).toBeLessThanOrEqual(1);

    // The reader edits the query, renaming its operation: Run sends what the editor holds, and it answers.
    await page.evaluate(() => {
      const editor = document.querySelector('.graphiql-query-editor .CodeMirror') as unknown as { CodeMirror: { setValue(v: string): void } };
      editor.CodeMirror.setValue('query EditedByHand($nin: String!) {\n  patient(nin: $nin) {\n    birthDate\n    municipality { name }\n  }\n}\n');
    });
    const edited = page.waitForResponse((r) => new URL(r.url()).pathname === '/graphql' && (r.request().postData() ?? '').includes('EditedByHand'));
    await page.locator('.graphiql-execute-button').click();
    const editedAnswer = await edited;
    expect(editedAnswer.status()).toBe(200);
    expect(JSON.parse(editedAnswer.request().postData() ?? '{}')).toMatchObject({ operationName: 'EditedByHand' });
    expect(((await editedAnswer.json()) as { data: { patient: { municipality: { name: string } } } }).data.patient.municipality.name).toBeTruthy();

    // A citizen persona reads her own record through `me`, and who has read it: her GP, just now.
    await page.selectOption('#personas', 'citizen-ingrid');
    await page.getByText('MyRecord').first().waitFor();
    expect(await page.isDisabled('#demo-patients')).toBe(true);
    // Picking the persona ran her query in the current tab.
    await result.getByText('Ingrid Solheim').waitFor({ timeout: 30_000 });
    expect(await page.locator('.graphiql-tab').count()).toBeLessThanOrEqual(1);
    await result.getByText('Siri Kristoffersen').first().waitFor({ timeout: 10_000 });

    // The emergency persona states a reason, which the page fills in and sends with its token request.
    await page.selectOption('#personas', 'emergency-physician');
    expect(await page.isVisible('#reason')).toBe(true);
    expect(await page.inputValue('#reason')).toMatch(/akuttmottaket/);

    // Nothing the reader typed or ran stays in the browser after the page is closed.
    const stored = await page.evaluate(() => JSON.stringify({ ...window.localStorage, ...window.sessionStorage }));
    expect(stored).not.toContain(demoPatient('homeCare').nin);
    expect(stored).not.toContain('Ingrid');
    expect(stored).not.toMatch(/Bearer|eyJ/);

    expect([...origins]).toEqual([new URL(base).origin]);
    expect(failures).toEqual([]);
    await page.close();
  }, 120_000);

  it("a researcher starts an aggregate, and the page follows the job's progress to the end", async () => {
    // A single-process Chromium ends with its last page: a new one for this page.
    await browser.close().catch(() => undefined);
    browser = await launchBrowser();
    const page = await browser.newPage();
    const failures: string[] = [];
    page.on('pageerror', (e) => failures.push(e.message));
    await page.goto(system.system.playgroundUrl);
    await page.locator('.graphiql-container').waitFor({ timeout: 30_000 });
    await page.getByText('PatientSummary').first().waitFor();
    // Research asks about populations: its example replaces the patient query, and no patient is picked.
    await page.selectOption('#personas', 'researcher');
    await page.getByText('StartAggregate').first().waitFor();
    expect(await page.isDisabled('#demo-patients')).toBe(true);
    expect(await page.isHidden('#job-progress')).toBe(true);
    const polled: number[] = [];
    page.on('request', (r) => {
      if ((r.postData() ?? '').includes('PlaygroundJobProgress')) polled.push(Date.now());
    });
    await page.locator('.graphiql-execute-button').click();
    const status = page.getByRole('status');
    await status.getByText(/Aggregate job j[0-9a-f]{8}/).waitFor({ timeout: 30_000 });
    await status.getByText(/COMPLETED, \d+ of \d+ persons read \(100 %\)\. Done: run ResearchJob/).waitFor({ timeout: 60_000 });
    expect(await page.locator('#job-bar').evaluate((bar) => (bar as HTMLProgressElement).value)).toBe(1);
    expect(polled.length).toBeGreaterThan(0);
    expect(failures).toEqual([]);
    await page.close();
  }, 120_000);
});
