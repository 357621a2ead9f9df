import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium';
import { createTestApp, TestApp } from '../support/test-app';
import { newUser, TestUser } from '../support/users';

/**
 * The reference page `/examples/live` in a real, headless Chromium: it signs in with phone and PIN,
 * shows the balance and the history from the event stream (EventSource with a stream ticket), and a
 * transfer sent from another user through the API appears on it live, with the new balance; a transfer
 * the user sends shows PENDING and then SUCCESS. The page runs under its own strict
 * Content-Security-Policy, and nothing on it throws or is blocked.
 */

const SCREENSHOT = join(__dirname, '..', '..', 'test-artifacts', 'live-page.png');

describe('the reference page /examples/live in a browser', () => {
  let t: TestApp;
  let browser: Browser | undefined;
  let me: TestUser;
  let other: TestUser;

  beforeAll(async () => {
    t = await createTestApp({ label: 'livepage' });
    me = await newUser(t);
    other = await newUser(t);
    await t.http().post('/topup').set(me.auth).send({ amount: 5000 }).expect(201);
    await t.http().post('/topup').set(other.auth).send({ amount: 100000 }).expect(201);
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('is served publicly as static HTML, script and style sheet under a same-origin-only CSP', async () => {
    const html = await t.http().get('/examples/live').expect(200);
    expect(html.headers['content-type']).toMatch(/^text\/html/);
    expect(html.headers['content-security-policy']).toContain("script-src 'self'");
    expect(html.headers['content-security-policy']).not.toContain('unsafe-inline');
    expect(html.text).toContain('<script src="/examples/live.js" defer></script>');
    const js = await t.http().get('/examples/live.js').expect(200);
    expect(js.headers['content-type']).toMatch(/^text\/javascript/);
    expect(js.text).toContain("new EventSource('/events?ticket='");
    await t.http().get('/examples/live.css').expect(200).expect('Content-Type', /^text\/css/);
  });

  it('signs in, shows the balance and history, and shows a transfer from another user live with the new balance', async () => {
    browser = await launchChromium();
    const page: Page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(30_000);
    const problems: string[] = [];
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    page.on('response', (res) => {
      if (res.status() >= 400) problems.push(`${res.status()} ${res.request().method()} ${res.url()}`);
    });
    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
    });
    const balance = () => page.locator('#balance').getAttribute('data-balance');
    const waitForBalance = (value: number) => page.waitForFunction((v) => document.getElementById('balance')?.dataset.balance === String(v), value);

    try {
      await page.goto(`${t.baseUrl}/examples/live`, { waitUntil: 'load' });
      await page.fill('#phone', me.phone);
      await page.fill('#pin', me.pin);
      await page.click('#signin-button');
      await page.locator('#wallet').waitFor({ state: 'visible' });
      await page.locator('#stream-state', { hasText: 'live' }).waitFor();
      await waitForBalance(5000);
      await page.locator('#transactions tbody tr', { hasText: 'topup.succeeded' }).waitFor();

      // Another user sends money through the API: it appears on the page, with the balance after it.
      const incoming = (await t.http().post('/transfer').set(other.auth).send({ target_user: me.userId, amount: 12345, remarks: 'Makan siang' }).expect(202)).body.result.transfer_id as string;
      const incomingRow = page.locator(`#transfers tbody tr[data-transfer-id="${incoming}"]`);
      await incomingRow.locator('td.SUCCESS').waitFor();
      expect(await incomingRow.innerText()).toContain(`from ${other.userId}`);
      await waitForBalance(17345);
      const newest = page.locator('#transactions tbody tr').first();
      expect(await newest.innerText()).toContain('transfer.received');
      expect(await newest.innerText()).toContain('Makan siang');

      // A transfer of this user (sent through the API here): PENDING, then SUCCESS from transfer.succeeded.
      const outgoing = (await t.http().post('/transfer').set(me.auth).send({ target_user: other.userId, amount: 2000, remarks: 'Kembali' }).expect(202)).body.result.transfer_id as string;
      const outgoingRow = page.locator(`#transfers tbody tr[data-transfer-id="${outgoing}"]`);
      await outgoingRow.waitFor();
      await outgoingRow.locator('td.SUCCESS').waitFor();
      expect(await outgoingRow.innerText()).toContain(`to ${other.userId}`);
      expect(await balance()).toBe('15345');
      expect(await page.locator('#transactions tbody tr').count()).toBe(3);
      expect(problems).toEqual([]);
    } finally {
      mkdirSync(dirname(SCREENSHOT), { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: true }).catch(() => undefined);
    }
  }, 120_000);
});
