import type { Response } from 'supertest';
import { PinHasher } from '../../src/modules/users/domain/pin-hasher';
import { verifyLedger } from '../../src/modules/reconciliation';
import { describeInProcess } from '../support/modes';
import { createTestApp, TestApp } from '../support/test-app';
import { login as loginOk, newUser, registerUser } from '../support/users';

const INVALID_CREDENTIALS = { message: "Phone number and pin doesn't match.", code: 'INVALID_CREDENTIALS' };
const BURST = 40;
const BURSTS = 4;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `count` distinct 6-digit PINs, none equal to `right`. */
function wrongPins(right: string, count: number): string[] {
  const pins: string[] = [];
  for (let n = 0; pins.length < count; n++) {
    const pin = String((Number(right) + 1 + n * 7919) % 1_000_000).padStart(6, '0');
    if (pin !== right && !pins.includes(pin)) pins.push(pin);
  }
  return pins;
}

function summary(responses: Response[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of responses) {
    const key = `${r.status} ${r.body?.code ?? ''}`.trim();
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

describe('security: the PIN attempt budget holds under concurrent guesses', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ label: 'secpin' });
  });

  afterAll(async () => {
    if (!t) return;
    if (t.inProcess) expect((await verifyLedger(t.db, { maxBalance: t.config.maxBalance })).problems).toEqual([]);
    await t.close();
  });

  const login = (phone: string, pin: string) => Promise.resolve(t.http().post('/login').send({ phone_number: phone, pin }));
  const refusedUnevaluated = (r: Response) =>
    (r.status === 423 && r.body.code === 'ACCOUNT_LOCKED') || (r.status === 429 && r.body.code === 'PIN_ATTEMPTS_IN_PROGRESS');

  it(`POST /login: bursts of ${BURST} concurrent logins, the right PIN in the middle, get at most PIN_MAX_ATTEMPTS "wrong PIN" answers per budget`, async () => {
    const max = t.config.pinMaxAttempts;
    for (let round = 0; round < BURSTS; round++) {
      const { phone, pin } = await registerUser(t);
      const guesses = wrongPins(pin, BURST - 1);
      guesses.splice(BURST / 2, 0, pin);
      const answers = await Promise.all(guesses.map((p) => login(phone, p)));
      const context = { round, rightPinAnswer: answers[BURST / 2].status, answers: summary(answers) };

      const wrongAnswers = answers.filter((r) => r.status === 401);
      for (const r of wrongAnswers) expect(r.body).toEqual(INVALID_CREDENTIALS);
      const successes = answers.filter((r) => r.status === 200).length;
      expect(successes).toBeLessThanOrEqual(1);
      // One budget, or two when the right PIN got in within the first one (a success clears the count).
      expect({ ...context, wrongPinAnswersWithinBudget: wrongAnswers.length <= max * (1 + successes) }).toEqual({ ...context, wrongPinAnswersWithinBudget: true });
      // Everything else was refused without evaluation: the lock or "attempts in progress", both with Retry-After.
      for (const r of answers.filter((a) => a.status !== 401 && a.status !== 200)) {
        expect({ status: r.status, code: r.body.code, refused: refusedUnevaluated(r) }).toEqual({ status: r.status, code: r.body.code, refused: true });
        expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
      }
      if (!successes) {
        // The wrong PINs locked the number: the right PIN stays refused for the rest of the window.
        const after = await login(phone, pin);
        expect({ round, status: after.status, code: after.body.code }).toEqual({ round, status: 423, code: 'ACCOUNT_LOCKED' });
      }
    }
  });

  describeInProcess('internals', 'with every PIN verification slowed down (so that a burst is still being verified when the next attempts arrive)', () => {
    let evaluated: string[];
    let spy: jest.SpyInstance | undefined;

    beforeEach(() => {
      evaluated = [];
      const hasher = t.app.get(PinHasher, { strict: false });
      const verify = hasher.verify.bind(hasher);
      spy = jest.spyOn(hasher, 'verify').mockImplementation(async (hash: string, pin: string) => {
        evaluated.push(pin);
        await sleep(400);
        return verify(hash, pin);
      });
    });

    afterEach(() => spy?.mockRestore());

    /**
     * Fires `wrong` at once and waits until the server is verifying `verifying` PINs (PIN_MAX_ATTEMPTS
     * by default; at most 5 s); the answers come later, in `answers`.
     */
    async function firstWave(phone: string, wrong: string[], verifying = t.config.pinMaxAttempts): Promise<{ answers: Promise<Response[]> }> {
      evaluated.length = 0;
      const answers = Promise.all(wrong.map((p) => login(phone, p)));
      for (const deadline = Date.now() + 5000; evaluated.length < verifying && Date.now() < deadline; ) await sleep(5);
      return { answers };
    }

    it('POST /login: at most PIN_MAX_ATTEMPTS wrong PINs are evaluated; the right PIN arriving while they are verified is refused', async () => {
      const max = t.config.pinMaxAttempts;
      const { phone, pin } = await registerUser(t);
      const wrong = wrongPins(pin, BURST - 1);
      const wave1 = await firstWave(phone, wrong.slice(0, BURST / 2));
      // The number is not locked yet (every verification is still running): only the attempt budget can refuse this.
      const [right, ...wave2] = await Promise.all([login(phone, pin), ...wrong.slice(BURST / 2).map((p) => login(phone, p))]);
      const all = [...(await wave1.answers), ...wave2];

      expect({ evaluatedPins: evaluated.length, rightPinEvaluated: evaluated.includes(pin) }).toEqual({ evaluatedPins: max, rightPinEvaluated: false });
      expect({ status: right.status, code: right.body.code }).toEqual({ status: 429, code: 'PIN_ATTEMPTS_IN_PROGRESS' });
      expect(Number(right.headers['retry-after'])).toBeGreaterThan(0);
      expect(all.filter((r) => r.status === 401).length).toBe(max - 1);
      expect(all.filter((r) => r.status === 200)).toHaveLength(0);
      for (const r of all.filter((a) => a.status !== 401)) expect(refusedUnevaluated(r)).toBe(true);
      // The last wrong PIN of the budget locked the number.
      expect((await login(phone, pin)).status).toBe(423);
    });

    it('PUT /profile/pin: the same budget; a PIN change with the right old PIN while wrong PINs are verified is refused', async () => {
      const max = t.config.pinMaxAttempts;
      const user = await newUser(t);
      const wrong = wrongPins(user.pin, BURST / 2 + 1);
      const wave1 = await firstWave(user.phone, wrong.slice(0, BURST / 2));
      const change = await t.http().put('/profile/pin').set(user.auth).send({ old_pin: user.pin, new_pin: wrong[BURST / 2] });
      await wave1.answers;
      expect({ status: change.status, code: change.body.code }).toEqual({ status: 429, code: 'PIN_ATTEMPTS_IN_PROGRESS' });
      expect({ evaluatedPins: evaluated.length, oldPinEvaluated: evaluated.includes(user.pin) }).toEqual({ evaluatedPins: max, oldPinEvaluated: false });
      // Nothing changed: the session still works (a PIN change would have ended it), and the number is locked.
      await t.http().get('/profile').set(user.auth).expect(200);
      await t.http().post('/login').send({ phone_number: user.phone, pin: user.pin }).expect(423);
    });

    it('PUT /profile/pin: wrong old PINs and wrong logins share one budget', async () => {
      const max = t.config.pinMaxAttempts;
      const user = await newUser(t);
      const wrong = wrongPins(user.pin, max + 3);
      const wave1 = await firstWave(user.phone, wrong.slice(0, max - 1), max - 1);
      // The first change takes the budget's last place; the others wait for the user's write lock and find no place left.
      const answers = await Promise.all(wrong.slice(max - 1).map((p) => t.http().put('/profile/pin').set(user.auth).send({ old_pin: p, new_pin: wrong[0] })));
      const all = [...(await wave1.answers), ...answers];
      expect(evaluated).toHaveLength(max);
      // max - 1 answers say "wrong" (401 at login, 422 for the old PIN); the max-th wrong PIN, whichever it was, locked the number;
      // the other changes were refused unevaluated (locked, or the budget still held by attempts in flight).
      expect(all.filter((r) => r.status === 401 || r.status === 422)).toHaveLength(max - 1);
      expect(all.filter((r) => r.body.code === 'ACCOUNT_LOCKED').length).toBeGreaterThanOrEqual(1);
      for (const r of all.filter((a) => a.status !== 401 && a.status !== 422)) expect(refusedUnevaluated(r)).toBe(true);
      await t.http().post('/login').send({ phone_number: user.phone, pin: user.pin }).expect(423);
    });
  });

  it('a right PIN within the budget still logs in, and the next wrong PINs count from zero again', async () => {
    const { phone, pin } = await registerUser(t);
    const wrong = wrongPins(pin, t.config.pinMaxAttempts);
    for (let i = 1; i < t.config.pinMaxAttempts; i++) await t.http().post('/login').send({ phone_number: phone, pin: wrong[i] }).expect(401);
    await loginOk(t, phone, pin);
    for (let i = 1; i < t.config.pinMaxAttempts; i++) await t.http().post('/login').send({ phone_number: phone, pin: wrong[i] }).expect(401);
    await t.http().post('/login').send({ phone_number: phone, pin: wrong[0] }).expect(423);
  });
});
