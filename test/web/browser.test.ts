import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BrowserContext, chromium, Page } from 'playwright-core';
import { testApp } from '../api/test-app';

/**
 * The web view in a real browser (Debian's Chromium, driven by playwright-core) against the real
 * app on a local port. Each test leaves a screenshot in test-output/screenshots/ for review.
 */

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOTS = path.resolve(__dirname, '../../test-output/screenshots');

let server: Server;
let browser: BrowserContext;
let page: Page;
let base: string;
let profile: string;

jest.setTimeout(30_000);

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is not at ${CHROMIUM}: install Debian's chromium (apt-get install -y chromium) or set CHROMIUM_PATH`);
  mkdirSync(SCREENSHOTS, { recursive: true });
  profile = mkdtempSync(path.join(tmpdir(), 'web-test-profile-'));
  server = testApp().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/fhir`;
  // a fresh profile each run: nothing from an earlier run (cache, cookies) colours the pages
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    viewport: { width: 1280, height: 900 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  page = browser.pages()[0] ?? (await browser.newPage());
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  if (profile) rmSync(profile, { recursive: true, force: true });
});

const shot = (name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });

test('the home page lists what is served, and its search box finds "osteopor" across code systems', async () => {
  await page.goto(base);
  await expect(page.title()).resolves.toContain('Bone-strength terminology');
  await expect(page.locator('table', { hasText: 'Code systems' }).locator('tbody tr').count()).resolves.toBe(4);
  await page.getByLabel('Code or words').fill('osteopor');
  await page.keyboard.press('Enter');
  await page.waitForURL(/q=osteopor/);
  const results = page.locator('.results');
  await expect(results.locator('h2').textContent()).resolves.toMatch(/\d+ concepts match “osteopor”/);
  await expect(results.getByRole('link', { name: 'M81.0' }).count()).resolves.toBeGreaterThan(0);
  await shot('01-home-search-osteopor');
});

test('M81.0 opens as a concept page with its properties in a table and its parent as a link', async () => {
  await page.goto(`${base}?q=osteopor`);
  await page.locator('.results').getByRole('link', { name: 'M81.0', exact: true }).first().click();
  await page.waitForURL(/\$lookup/);
  await expect(page.locator('h1').textContent()).resolves.toBe('M81.0 Age-related osteoporosis without current pathological fracture');
  const properties = page.locator('table', { hasText: 'Properties of this concept' });
  await expect(properties.locator('tr').filter({ has: page.locator('td:first-child > code', { hasText: /^billable$/ }) }).locator('td').nth(1).textContent()).resolves.toBe('true');
  await properties.locator('tr', { hasText: 'parent' }).getByRole('link', { name: 'M81' }).click();
  await page.waitForURL(/code=M81(&|$)/);
  await expect(page.locator('h1').textContent()).resolves.toContain('M81 ');
  await page.goBack();
  const json = await page.getByRole('link', { name: 'View as FHIR JSON' }).getAttribute('href');
  expect(json).toContain('_format=json');
  await shot('02-concept-m81.0');
});

test('validating modifier 26 with 0557T shows the refusal and the reason', async () => {
  await page.goto(`${base}/ValueSet/$validate-code`);
  await page.getByLabel('Value set').selectOption({ label: 'Modifiers usable with CPT 0557T (1.0.0)' });
  await page.getByLabel('Code system of the code').fill('http://www.ama-assn.org/go/cpt');
  await page.getByLabel('Code', { exact: true }).fill('26');
  await page.getByRole('button', { name: 'Validate' }).click();
  await page.waitForURL(/code=26/);
  const verdict = page.getByRole('status');
  await expect(verdict.locator('.headline').textContent()).resolves.toContain('26 is not valid');
  const message = await verdict.locator('.message').textContent();
  // the reason the value set gives for excluding 26, then the verdict
  expect(message).toContain('CMS PC/TC indicator 0');
  expect(message).toContain('was not found in the value set');
  await expect(page.locator('.context').textContent()).resolves.toContain('About Modifiers usable with CPT 0557T');
  await shot('03-validate-0557t-modifier-26');
});

test('the look-up form suggests codes of the chosen system as one types, and works from the keyboard', async () => {
  await page.goto(`${base}/CodeSystem/$lookup`);
  await page.getByLabel('Code system').fill('http://hl7.org/fhir/sid/icd-10-cm');
  await page.getByLabel('Code', { exact: true }).pressSequentially('M81');
  await page.locator('#lookup-codes option[value="M81.0"]').waitFor({ state: 'attached' });
  await page.keyboard.press('Enter');
  await page.waitForURL(/code=M81(&|$)/);
  await expect(page.locator('h1').textContent()).resolves.toContain('M81 Osteoporosis without current pathological fracture');
});

test('translating 0556T lists its targets, and a target opens its concept page', async () => {
  await page.goto(`${base}/ConceptMap/$translate`);
  await page.getByLabel('Code system of the code').fill('http://www.ama-assn.org/go/cpt');
  await page.getByLabel('Code', { exact: true }).fill('0556T');
  await page.getByLabel('Concept map').selectOption({ label: 'CT bone-strength family to supporting ICD-10-CM diagnoses (1.0.0)' });
  await page.getByRole('button', { name: 'Translate' }).click();
  await page.waitForURL(/code=0556T/);
  await expect(page.getByRole('status').locator('.headline').textContent()).resolves.toMatch(/\d+ match/);
  const matches = page.locator('table', { hasText: 'Matches' });
  await expect(matches.locator('tbody tr').count()).resolves.toBeGreaterThan(1);
  await shot('04-translate-0556t');
  await matches.getByRole('link', { name: 'M81.0', exact: true }).click();
  await page.waitForURL(/\$lookup/);
  await expect(page.locator('h1').textContent()).resolves.toContain('M81.0');
  await expect(page.locator('dl.facts').textContent()).resolves.toContain('http://hl7.org/fhir/sid/icd-10-cm');
});

test('a code system page pages through its concepts and browses the hierarchy', async () => {
  await page.goto(`${base}/CodeSystem/icd10cm`);
  await page.locator('tr', { hasText: 'M81' }).first().getByRole('link', { name: /narrower/ }).click();
  await page.waitForURL(/under=M81/);
  await expect(page.locator('h2#concepts').textContent()).resolves.toContain('Narrower than M81');
  await expect(page.getByRole('link', { name: 'M81.0', exact: true }).count()).resolves.toBe(1);
  await shot('05-code-system-icd10cm-under-m81');
});

test('a value set page shows its expansion with displays; a map page links its codes', async () => {
  await page.goto(`${base}/ValueSet/cpt-0557t-diagnoses`);
  await expect(page.locator('tr', { hasText: 'M81.0' }).first().textContent()).resolves.toContain('Age-related osteoporosis without current pathological fracture');
  await shot('06-value-set-0557t-diagnoses');
  await page.goto(`${base}/ConceptMap/cpt-to-icd10cm`);
  await page.getByRole('link', { name: '0556T' }).first().click();
  await page.waitForURL(/code=0556T/);
  await expect(page.locator('h1').textContent()).resolves.toContain('0556T');
  await page.goto(`${base}/metadata`);
  await expect(page.locator('table', { hasText: 'What each resource type answers' }).textContent()).resolves.toContain('$lookup');
  await shot('07-metadata');
});
