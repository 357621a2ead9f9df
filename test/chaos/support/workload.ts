import { randomPin, uniquePhone } from '../../support/users';
import { Answer, definitive, HttpClient } from './http';
import { History, MoneyKind, MoneyOp } from './history';
import { Prng } from './prng';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const PATHS: Record<MoneyKind, string> = { topup: '/topup', pay: '/pay', transfer: '/transfer' };

export interface Person {
  name: string;
  userId: string;
  phone: string;
  pin: string;
}

export interface Limits {
  maxBalance: number;
  maxTransactionAmount: number;
  pinMaxAttempts: number;
}

/** What every actor shares: the APIs, the clock, the record of the run and when to stop. */
export class World {
  opsStarted = 0;
  /** Actors stop starting operations at this time (ms since the epoch) or after `maxOps` operations. */
  deadline = Infinity;
  /** Then in-flight work is cut short too: nothing new after this (the settle phase has its own budget). */
  hardStop = Infinity;

  readonly clients: Client[] = [];
  /** Users an admin freezes and unfreezes during the run (with what the admin believes their state is). */
  readonly toggles: Array<Person & { frozen: boolean }> = [];
  /** Users to be deactivated, one at set-up and the others during the run. */
  readonly candidates: Array<Person & { deactivated: boolean }> = [];
  /** Users whose PIN is guessed; each takes one series of bursts. */
  readonly victims: Person[] = [];

  constructor(
    readonly http: HttpClient,
    readonly history: History,
    readonly apis: () => string[],
    readonly limits: Limits,
    readonly maxOps: number,
  ) {}

  stopped(): boolean {
    return this.http.now() >= this.deadline || this.opsStarted >= this.maxOps;
  }

  api(rng: Prng): string {
    return rng.pick(this.apis());
  }

  otherApi(api: string, rng: Prng): string {
    const others = this.apis().filter((a) => a !== api);
    return others.length ? rng.pick(others) : api;
  }

  /** Registers a user (set-up only: the servers are healthy then), retrying a transient failure. */
  async register(name: string, rng: Prng): Promise<Person> {
    const phone = uniquePhone();
    const pin = randomPin();
    const body = { first_name: name.replace(/[^A-Za-z]/g, '') || 'Chaos', last_name: 'Chaos', phone_number: phone, address: 'Jl. Chaos No. 1, Jakarta', pin };
    for (let i = 0; i < 5; i++) {
      const a = await this.http.request(this.api(rng), 'POST', '/register', { body });
      if (a.status === 201) return { name, userId: a.body.result.user_id as string, phone, pin };
      if (a.cls === '4xx') throw new Error(`POST /register answered ${a.status}: ${JSON.stringify(a.body)}`);
      await sleep(500);
    }
    throw new Error(`POST /register of ${name} kept failing`);
  }

  async login(person: Person, rng: Prng, until = this.hardStop): Promise<string | null> {
    for (let i = 0; this.http.now() < until; i++) {
      const a = await this.http.request(this.api(rng), 'POST', '/login', { body: { phone_number: person.phone, pin: person.pin } });
      this.history.count('login', a);
      if (a.status === 200) return a.body.result.access_token as string;
      if (a.status === 403) return null;
      await sleep(Math.min(2000, 300 + 200 * i));
    }
    return null;
  }
}

type ClientOp = 'topup' | 'pay' | 'transfer' | 'replay' | 'logout' | 'revoked-use' | 'status' | 'profile';

const REGULAR: Record<ClientOp, number> = { topup: 16, pay: 14, transfer: 36, replay: 6, logout: 4, 'revoked-use': 6, status: 4, profile: 3 };
/** Whales keep their wallets near MAX_BALANCE: mostly top-ups, so transfers to them meet the cap. */
const WHALE: Record<ClientOp, number> = { topup: 45, pay: 12, transfer: 18, replay: 5, logout: 3, 'revoked-use': 4, status: 2, profile: 2 };

/** A simulated customer: one operation at a time, as one phone would send them. */
export class Client {
  token: string | null = null;
  private needLogin = true;
  private tokenAt = 0;
  private seq = 0;
  readonly ops: MoneyOp[] = [];

  constructor(
    readonly world: World,
    readonly person: Person,
    readonly whale: boolean,
    readonly rng: Prng,
  ) {}

  get name(): string {
    return this.person.name;
  }

  /** Logs in when the session is gone or suspect; false when it could not before the hard stop. */
  async ensureLogin(until = this.world.hardStop): Promise<boolean> {
    // Long runs: a new session well before the access token (ACCESS_TOKEN_TTL_SECONDS=3600) expires.
    if (this.token && this.world.http.now() - this.tokenAt > 3000_000) this.needLogin = true;
    if (!this.needLogin && this.token) return true;
    const token = await this.world.login(this.person, this.rng, until);
    if (!token) return false;
    this.token = token;
    this.tokenAt = this.world.http.now();
    this.needLogin = false;
    return true;
  }

  async loop(thinkMs: [number, number]): Promise<void> {
    while (!this.world.stopped()) {
      if (!(await this.ensureLogin())) return;
      this.world.opsStarted++;
      const op = this.rng.weighted(this.whale ? WHALE : REGULAR);
      await this.perform(op);
      await sleep(this.rng.int(thinkMs[0], thinkMs[1]));
    }
  }

  private async perform(op: ClientOp): Promise<void> {
    const { maxTransactionAmount: maxTx } = this.world.limits;
    switch (op) {
      case 'topup':
        return this.money('topup', { amount: this.rng.int(1, Math.floor(maxTx / 10_000)) * 10_000 });
      case 'pay':
        return this.money('pay', { amount: this.rng.int(1, Math.floor(maxTx / 2000)) * 1000, remarks: 'chaos pay' });
      case 'transfer': {
        const target = this.pickTarget();
        if (!target) return;
        const body = { target_user: target.userId, amount: this.rng.int(1, Math.floor(maxTx / 1000)) * 1000, remarks: `chaos to ${target.group}` };
        return this.money('transfer', body, target);
      }
      case 'replay':
        return this.replayEarlier();
      case 'logout':
        return this.logout();
      case 'revoked-use':
        return this.useRevokedToken();
      case 'status': {
        const mine = this.ops.filter((o) => o.kind === 'transfer').flatMap((o) => o.answers.filter((a) => a.cls === '2xx'));
        if (!mine.length) return;
        const id = this.rng.pick(mine).body.result.transfer_id as string;
        return this.read('status', `/transfers/${id}`);
      }
      case 'profile':
        return this.read('profile', '/profile');
    }
  }

  private pickTarget(): { userId: string; group: string } | null {
    const w = this.world;
    const group = this.rng.weighted({ client: 55, toggle: 25, candidate: 20 });
    if (group === 'toggle' && w.toggles.length) return { userId: this.rng.pick(w.toggles).userId, group: 'frozen-or-not' };
    if (group === 'candidate' && w.candidates.length) return { userId: this.rng.pick(w.candidates).userId, group: 'deactivated-or-not' };
    const others = w.clients.filter((c) => c !== this).flatMap((c) => (c.whale ? [c, c, c] : [c]));
    if (!others.length) return null;
    const to = this.rng.pick(others);
    return { userId: to.person.userId, group: to.whale ? 'whale' : 'client' };
  }

  /** A new money operation with its own Idempotency-Key: sometimes sent twice at once, retried while ambiguous. */
  async money(kind: MoneyKind, body: Record<string, unknown>, target?: MoneyOp['target']): Promise<void> {
    const op: MoneyOp = { kind, client: this.name, userId: this.person.userId, key: `${this.name}.${kind}.${++this.seq}.${this.rng.nextUint32().toString(36)}`, body, target, answers: [] };
    this.ops.push(op);
    this.world.history.money.push(op);
    const api = this.world.api(this.rng);
    const sends = [this.send(op, api)];
    if (this.rng.chance(0.12)) {
      // A double submit: the same key and body at the same time through the other API.
      const other = this.world.otherApi(api, this.rng);
      const delay = this.rng.int(0, 40);
      sends.push(sleep(delay).then(() => this.send(op, other)));
    }
    await Promise.all(sends);
    for (let i = 0; i < 2 && !op.answers.some(definitive) && !this.world.stopped(); i++) {
      await sleep(this.rng.int(300, 1500));
      if (!(await this.ensureLogin())) return;
      await this.send(op, this.world.api(this.rng));
    }
    // Now and then a plain retry of an answered request (a client that did not see the answer).
    if (op.answers.some(definitive) && this.rng.chance(0.1)) await this.send(op, this.world.api(this.rng));
  }

  /** Sends `op` again: same key, same body, with this client's current token. */
  async send(op: MoneyOp, api: string): Promise<Answer> {
    const a = await this.world.http.request(api, 'POST', PATHS[op.kind], { token: this.token ?? undefined, body: op.body, headers: { 'Idempotency-Key': op.key } });
    op.answers.push(a);
    this.world.history.count(op.kind, a);
    this.refused(a, `POST ${PATHS[op.kind]}`);
    return a;
  }

  private async replayEarlier(): Promise<void> {
    if (!this.ops.length) return;
    const open = this.ops.filter((o) => !o.answers.some(definitive));
    const op = open.length && this.rng.chance(0.7) ? this.rng.pick(open) : this.rng.pick(this.ops);
    await this.send(op, this.world.api(this.rng));
  }

  /** POST /logout, then the logged-out token is used at once; a new session follows. */
  private async logout(): Promise<void> {
    const old = this.token!;
    const api = this.world.api(this.rng);
    const a = await this.world.http.request(api, 'POST', '/logout', { token: old });
    this.world.history.count('logout', a);
    this.needLogin = true;
    if (a.cls !== '2xx') return;
    this.world.history.revoked.push({ token: old, userId: this.person.userId, revokedAt: a.receivedAt });
    await this.useToken(old, this.world.otherApi(api, this.rng));
  }

  private async useRevokedToken(): Promise<void> {
    const revoked = this.world.history.revoked;
    if (!revoked.length) return;
    await this.useToken(this.rng.pick(revoked).token, this.world.api(this.rng));
  }

  private async useToken(token: string, api: string): Promise<void> {
    const path = this.rng.chance(0.5) ? '/profile' : '/transactions?limit=1';
    const a = await this.world.http.request(api, 'GET', path, { token });
    this.world.history.count('revoked-use', a);
    this.world.history.tokenUses.push({ token, path, answer: a });
  }

  private async read(kind: string, path: string): Promise<void> {
    const a = await this.world.http.request(this.world.api(this.rng), 'GET', path, { token: this.token! });
    this.world.history.count(kind, a);
    this.refused(a, `GET ${path}`);
  }

  /** A 401 to this client's current session (never logged out, nothing else ends it in this run) is recorded; then it logs in again. */
  private refused(a: Answer, what: string): void {
    if (a.status !== 401) return;
    if (!this.needLogin) this.world.history.liveRefused.push({ client: this.name, what, answer: a });
    this.needLogin = true;
  }
}

/** An administrator freezing and unfreezing some users' wallets and deactivating others during the run. */
export class Admin {
  private token: string | null = null;

  constructor(
    readonly world: World,
    readonly person: Person,
    readonly rng: Prng,
  ) {}

  async act(method: string, path: string, kind: string): Promise<Answer | null> {
    if (!this.token) this.token = await this.world.login(this.person, this.rng);
    if (!this.token) return null;
    const a = await this.world.http.request(this.world.api(this.rng), method, path, { token: this.token });
    this.world.history.count(kind, a);
    if (a.status === 401) this.token = null;
    return a;
  }

  async freeze(user: Person & { frozen: boolean }, frozen: boolean): Promise<void> {
    const a = await this.act('POST', `/users/${user.userId}/${frozen ? 'freeze' : 'unfreeze'}`, frozen ? 'admin-freeze' : 'admin-unfreeze');
    if (a?.cls === '2xx') user.frozen = frozen;
  }

  async deactivate(user: Person & { deactivated: boolean }): Promise<void> {
    const a = await this.act('DELETE', `/users/${user.userId}`, 'admin-deactivate');
    if (a?.cls === '2xx') user.deactivated = true;
  }

  async loop(): Promise<void> {
    while (!this.world.stopped()) {
      await sleep(this.rng.int(1500, 4000));
      if (this.world.stopped()) return;
      const pending = this.world.candidates.filter((c) => !c.deactivated);
      if (pending.length && this.rng.chance(0.25)) await this.deactivate(this.rng.pick(pending));
      else if (this.world.toggles.length) {
        const user = this.rng.pick(this.world.toggles);
        await this.freeze(user, !user.frozen);
      }
    }
  }
}

/**
 * Someone guessing PINs: per victim, a burst of concurrent logins with wrong PINs (the right PIN among
 * them now and then), sometimes a sequential series after it, then a login with the right PIN.
 */
export class Guesser {
  constructor(
    readonly world: World,
    readonly rng: Prng,
  ) {}

  private wrongPin(right: string): string {
    for (;;) {
      const pin = String(this.rng.int(0, 999_999)).padStart(6, '0');
      if (pin !== right) return pin;
    }
  }

  private async attempt(victim: Person, right: boolean, api = this.world.api(this.rng)): Promise<Answer> {
    const pin = right ? victim.pin : this.wrongPin(victim.pin);
    const a = await this.world.http.request(api, 'POST', '/login', { body: { phone_number: victim.phone, pin } });
    this.world.history.count(right ? 'login-right-pin' : 'login-wrong-pin', a);
    let sessionId: string | undefined;
    if (a.status === 200) {
      try {
        sessionId = JSON.parse(Buffer.from(String(a.body.result.access_token).split('.')[1], 'base64url').toString('utf8')).sid;
      } catch {
        // not a JWT we can read: no session to look at
      }
    }
    this.world.history.logins.push({ phone: victim.phone, rightPin: right, answer: a, sessionId });
    return a;
  }

  async loop(): Promise<void> {
    const max = this.world.limits.pinMaxAttempts;
    while (!this.world.stopped()) {
      await sleep(this.rng.int(1500, 4500));
      const victim = this.world.victims.shift();
      if (!victim || this.world.stopped()) return;
      this.world.opsStarted++;
      if (this.rng.chance(0.4)) {
        // A flood: many wrong PINs at once through one API, the right one somewhere among them. Only a
        // few may be evaluated; however their checks interleave, the right one must not get in once the
        // number is locked.
        const api = this.world.api(this.rng);
        const n = this.rng.int(5 * max, 10 * max);
        const rightAt = this.rng.int(0, n);
        await Promise.all(Array.from({ length: n + 1 }, (_, i) => this.attempt(victim, i === rightAt, api)));
      } else {
        const n = this.rng.int(max + 1, max + 7);
        const rightAt = this.rng.chance(0.6) ? this.rng.int(0, n) : -1;
        const plan = Array.from({ length: n + (rightAt >= 0 ? 1 : 0) }, (_, i) => i === rightAt);
        await Promise.all(
          plan.map(async (right) => {
            await sleep(this.rng.int(0, 30));
            await this.attempt(victim, right);
          }),
        );
      }
      if (this.rng.chance(0.5)) {
        const m = this.rng.int(2, max + 2);
        const rightAt2 = this.rng.chance(0.5) ? this.rng.int(0, m - 1) : -1;
        for (let i = 0; i < m; i++) await this.attempt(victim, i === rightAt2);
      }
      await sleep(this.rng.int(100, 600));
      await this.attempt(victim, true);
    }
  }
}
