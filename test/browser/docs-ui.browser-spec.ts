import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Browser, Locator, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium';
import { createTestApp, TestApp } from '../support/test-app';
import { login, registerUser } from '../support/users';

/**
 * Drives Swagger UI (`/docs`) in a real, headless Chromium: every operation of `/docs-json` is on the
 * page, and "Authorize" + "Try it out" + "Execute" on `GET /transactions` answers 200 with the envelope
 * and the user's entries (no filter prefilled); "Try it out" on `POST /topup` leaves `Idempotency-Key`
 * empty, and executing it twice with one key shows `Idempotent-Replayed: true` on the second answer.
 * Uses Debian's Chromium (`apt-get install -y chromium`); $CHROMIUM_PATH points at another binary.
 */

const SCREENSHOT = join(__dirname, '..', '..', 'test-artifacts', 'docs-ui.png');
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'];

interface DocumentedOperation {
  method: string;
  path: string;
  tags: string[];
}

function operationsOf(document: { paths: Record<string, Record<string, { tags?: string[] }>> }): DocumentedOperation[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => HTTP_METHODS.includes(method))
      .map(([method, operation]) => ({ method: method.toUpperCase(), path, tags: operation.tags ?? [] })),
  );
}

/** Method and path of every operation block Swagger UI rendered (one per tag the operation has). */
async function renderedOperations(page: Page): Promise<Array<{ method: string; path: string }>> {
  return page.locator('.opblock').evaluateAll((blocks) =>
    blocks.map((block) => ({
      method: (block.querySelector('.opblock-summary-method')?.textContent ?? '').trim().toUpperCase(),
      path: block.querySelector('.opblock-summary-path')?.getAttribute('data-path') ?? '',
    })),
  );
}

describe('Swagger UI in a browser', () => {
  let t: TestApp;
  let browser: Browser | undefined;
  let accessToken: string;

  beforeAll(async () => {
    t = await createTestApp({ label: 'docsui' });
    const user = await registerUser(t);
    ({ accessToken } = await login(t, user.phone, user.pin));
    for (const amount of [150000, 25000]) {
      await t.http().post('/topup').set('Authorization', `Bearer ${accessToken}`).set('Idempotency-Key', randomUUID()).send({ amount }).expect(201);
    }
    await t
      .http()
      .post('/pay')
      .set('Authorization', `Bearer ${accessToken}`)
      .set('Idempotency-Key', randomUUID())
      .send({ amount: 20000, remarks: 'Pulsa' })
      .expect(201);
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('shows every documented operation, runs GET /transactions unfiltered and shows a replayed top-up', async () => {
    const documentRes = await t.http().get('/docs-json').expect(200);
    const documented = operationsOf(documentRes.body);
    expect(documented.length).toBeGreaterThan(0);

    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(60_000);
    const pageErrors: string[] = [];
    page.on('pageerror', (err) => pageErrors.push(err.message));
    let operation: Locator | undefined;

    try {
      await page.goto(`${t.baseUrl}/docs`, { waitUntil: 'load' });
      await page.locator('.opblock').first().waitFor();

      // Every operation of the document is on the page: the same method+path pairs, and one block
      // per tag (Swagger UI lists an operation under each of its tags).
      const rendered = await renderedOperations(page);
      const key = (o: { method: string; path: string }) => `${o.method} ${o.path}`;
      expect([...new Set(rendered.map(key))].sort()).toEqual([...new Set(documented.map(key))].sort());
      expect(rendered).toHaveLength(documented.reduce((n, o) => n + Math.max(1, o.tags.length), 0));

      // Authorize with the access token.
      await page.locator('.scheme-container button.authorize').click();
      const modal = page.locator('.modal-ux');
      await modal.locator('input[type="text"]').first().fill(accessToken);
      await modal.locator('.auth-btn-wrapper button', { hasText: 'Authorize' }).click();
      await modal.locator('.auth-btn-wrapper button', { hasText: 'Logout' }).waitFor();
      await modal.locator('.auth-btn-wrapper button', { hasText: 'Close' }).click();
      await modal.waitFor({ state: 'detached' });

      // GET /transactions: expand, Try it out, Execute.
      operation = page
        .locator('.opblock.opblock-get')
        .filter({ has: page.locator('.opblock-summary-path[data-path="/transactions"]') })
        .first();
      await operation.locator('.opblock-summary').first().click();
      await operation.locator('button.try-out__btn').click();
      await operation.locator('button.execute').click();

      const live = operation.locator('.live-responses-table .response').first();
      await live.locator('.response-col_status').waitFor();
      await operation.locator('.live-responses-table .response-col_description pre').first().waitFor();
      const status = (await live.locator('.response-col_status').innerText()).trim();
      const body = await operation.locator('.live-responses-table .response-col_description pre').first().innerText();

      // Exactly what a reader gets: "Try it out" fills every parameter with its documented example,
      // so the examples together must make a valid request.
      const request = await operation.locator('.curl-command').innerText();
      if (status !== '200' || !body.includes('"SUCCESS"')) {
        throw new Error(
          `GET /transactions run from Swagger UI answered ${status} (expected 200 with "SUCCESS"):\n${body}\n\n` +
            `The request Swagger UI sent (its parameters are the documented examples):\n${request}`,
        );
      }
      // The request went out with the token (Swagger UI shows it in the curl line).
      expect(request).toContain(`Bearer ${accessToken}`);
      // No filter is prefilled: the report of a user who just paid is not empty.
      expect(request).not.toMatch(/[?&](from|to|type|transaction_type|status)=/);
      expect(JSON.parse(body).result).toHaveLength(3);

      // POST /topup: "Try it out" leaves Idempotency-Key empty; executed twice with one key, the
      // second answer is the replay and says so in its headers.
      await operation.locator('.opblock-summary').first().click(); // collapse GET /transactions
      operation = page
        .locator('.opblock.opblock-post')
        .filter({ has: page.locator('.opblock-summary-path[data-path="/topup"]') })
        .first();
      await operation.locator('.opblock-summary').first().click();
      await operation.locator('button.try-out__btn').click();
      const keyInput = operation.locator('tr[data-param-name="Idempotency-Key"] input');
      expect(await keyInput.inputValue()).toBe('');
      await keyInput.fill(randomUUID());
      const responses = operation.locator('.live-responses-table');
      await operation.locator('button.execute').click();
      await responses.locator('.response-col_status').first().waitFor();
      const firstAnswer = await responses.innerText();
      expect(firstAnswer).toContain('201');
      expect(firstAnswer.toLowerCase()).not.toContain('idempotent-replayed');
      await operation.locator('.btn-clear').click(); // clear the answer, then execute the same request again
      await operation.locator('button.execute').click();
      await responses.filter({ hasText: /idempotent-replayed: true/i }).waitFor({ timeout: 30_000 });
      expect(await responses.innerText()).toContain('201');
      expect(pageErrors).toEqual([]);
    } finally {
      // Also on failure: the page as it was is the quickest diagnosis. Once the operation under test has
      // answered, its block (parameters, request, response) is the picture; before that, the page.
      mkdirSync(dirname(SCREENSHOT), { recursive: true });
      const answered = operation && (await operation.locator('.live-responses-table').count()) > 0;
      await (answered ? operation! : page).screenshot({ path: SCREENSHOT, ...(answered ? {} : { fullPage: true }) }).catch(() => undefined);
    }
  }, 180_000);
});
