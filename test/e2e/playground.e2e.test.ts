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
  it('loads only from the gateway and runs the first query for the first demo patient', async () => {
    const page = await browser.newPage();
    const origins = new Set<string>();
    const graphqlRequests: { method: string; url: string; body: string | null }[] = [];
    const failures: string[] = [];
    page.on('request', (r) => {
      origins.add(new URL(r.url()).origin);
      if (new URL(r.url()).pathname === '/graphql') graphqlRequests.push({ method: r.method(), url: r.url(), body: r.postData() });
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
    await page.getByText('query PatientSummary').first().waitFor();
    await page.getByText(demoPatient('homeCare').nin).first().waitFor();

    await page.locator('.graphiql-execute-button').click();
    const result = page.locator('.result-window');
    await result.getByText('Ingrid Solheim').waitFor({ timeout: 30_000 });
    // The editor renders only the lines in view: check the top of the answer.
    expect(await result.textContent()).toMatch(/"Nordlys Journal".*"Penicilliner"/);
    if (process.env.PLAYGROUND_SCREENSHOT) await page.screenshot({ path: process.env.PLAYGROUND_SCREENSHOT });

    const run = graphqlRequests.find((r) => r.body?.includes('PatientSummary'));
    expect(run?.method).toBe('POST');
    expect(run?.url).not.toMatch(/\d{11}/);
    expect(run?.body).toContain(demoPatient('homeCare').nin);

    // The demo-patient picker puts another patient's number in the variables; the same query answers for them.
    await page.selectOption('#demo-patients', { label: 'Kjell Aune (nursingHome)' });
    await page.getByText(demoPatient('nursingHome').nin).first().waitFor();
    await page.locator('.graphiql-execute-button').click();
    await result.getByText('Kjell Aune').waitFor({ timeout: 30_000 });
    expect(await result.textContent()).toMatch(/"Fjord EPJ"/);

    // Nothing the clinician typed or ran stays in the browser after the page is closed.
    const stored = await page.evaluate(() => JSON.stringify({ ...window.localStorage, ...window.sessionStorage }));
    expect(stored).not.toContain(demoPatient('homeCare').nin);
    expect(stored).not.toContain('Ingrid');

    expect([...origins]).toEqual([new URL(base).origin]);
    expect(failures).toEqual([]);
    await page.close();
  });
});
