import { verifyLedger } from '../../src/modules/reconciliation';
import { countStatus, eventProblems, exactlyOnceProblems, waitUntil } from './support/checks';
import { Account, balanceOf, call, createAccount, login, mapLimit, transfer } from './support/client';
import { ServiceCluster, ServiceProcess } from './support/cluster';

const TRANSFERS = 240;
const TOP_UP = 40_000;
/** After this many answers the queue is paused, C's wallet frozen, then the queue resumed. */
const FREEZE_AFTER = 120;
const FREEZE_WINDOW = 40;

const note = (line: string) => process.stdout.write(`[fault:multi-process] ${line}\n`);

describe('fault: two API and two worker processes, transfers both ways between the same users', () => {
  let cluster: ServiceCluster;
  let apis: ServiceProcess[];
  let workers: ServiceProcess[];

  beforeAll(async () => {
    cluster = await ServiceCluster.create('faultmulti', { ACCESS_TOKEN_TTL_SECONDS: '3600' });
    const started = await Promise.all([cluster.startApi('api-1'), cluster.startApi('api-2'), cluster.startWorker('worker-1'), cluster.startWorker('worker-2')]);
    apis = started.slice(0, 2);
    workers = started.slice(2);
  }, 120_000);

  afterAll(async () => {
    await cluster?.destroy();
  }, 60_000);

  it('conserves money and keeps every chain intact; each transfer is credited or refunded exactly once', async () => {
    const [a, b, c] = await Promise.all([createAccount(apis[0].baseUrl!, TOP_UP, 'Ani'), createAccount(apis[1].baseUrl!, TOP_UP, 'Budi'), createAccount(apis[0].baseUrl!, TOP_UP, 'Citra')]);
    const admin = await login(apis[1].baseUrl!, cluster.config.adminPhone, cluster.config.adminPin);

    // A → B and B → A, tight balances so both APIs race for the same wallets' slots (some answers are
    // `Balance is not enough`); every fifth transfer goes to C, whose wallet is frozen half-way while
    // the queue is paused, so the transfers to C accepted just before are failed and refunded.
    const plan = Array.from({ length: TRANSFERS }, (_, i) => {
      const from: Account = i % 2 ? a : b;
      const to: Account = i % 5 === 4 ? c : from === a ? b : a;
      return { from, to, amount: 500 + ((i * 733) % 2500), api: apis[i % 2].baseUrl! };
    });
    let answered = 0;
    let freezeStep: Promise<void> | null = null;
    let resumed = false;
    const outcomes = await mapLimit(plan, 12, async (t) => {
      const reply = await transfer(t.api, t.from, t.to, t.amount);
      answered++;
      if (answered === FREEZE_AFTER) await cluster.queue.pause();
      if (answered === FREEZE_AFTER + FREEZE_WINDOW) {
        freezeStep = (async () => {
          const frozen = await call(apis[1].baseUrl!, 'POST', `/users/${c.userId}/freeze`, { token: admin });
          expect(frozen.status).toBe(200);
          await cluster.queue.resume();
          resumed = true;
        })();
      }
      return { ...t, reply };
    });
    await freezeStep;
    expect(resumed).toBe(true);

    const unexpected = outcomes.filter(({ reply }) => !(reply.status === 202 || (reply.status === 422 && ['BALANCE_NOT_ENOUGH', 'RECEIVER_WALLET_FROZEN'].includes(reply.body.code))));
    expect(unexpected.map(({ reply }) => [reply.status, reply.body])).toEqual([]);
    const accepted = outcomes.filter(({ reply }) => reply.status === 202);
    const perApi = apis.map((api) => accepted.filter((o) => o.api === api.baseUrl).length);
    note(`${accepted.length} accepted (${perApi.join(' + ')} per API), ${outcomes.length - accepted.length} refused with 422`);
    expect(perApi.every((n) => n > 30)).toBe(true);
    expect(accepted.filter((o) => o.to !== c && o.from === a).length).toBeGreaterThan(20);
    expect(accepted.filter((o) => o.to !== c && o.from === b).length).toBeGreaterThan(20);

    await waitUntil('every transfer settled', async () => (await countStatus(cluster.db, 'PENDING')) === 0, 120_000, 500);

    // Between A and B: always SUCCESS. To C: SUCCESS, or FAILED and refunded because C was frozen.
    const expected = new Map(accepted.map((o) => [o.reply.body.result.transfer_id as string, o.to === c ? ('SUCCESS_OR_REFUNDED' as const) : ('SUCCESS' as const)]));
    expect(await exactlyOnceProblems(cluster.db, expected)).toEqual([]);
    expect(await eventProblems(cluster.db, apis[1].baseUrl!, [a, b, c], [...expected.keys()])).toEqual([]);
    const failed = await cluster.db.collection('transfers').find({ _id: { $in: [...expected.keys()] }, status: 'FAILED' } as never).toArray();
    expect(failed.map((t) => t.failure_reason).filter((r) => r !== 'RECEIVER_WALLET_FROZEN')).toEqual([]);
    note(`${failed.length} transfers to C failed and were refunded`);
    expect(failed.length).toBeGreaterThan(0);

    const balances = await Promise.all([a, b, c].map((u, i) => balanceOf(apis[i % 2].baseUrl!, u)));
    expect(balances.reduce((x, y) => x + y, 0)).toBe(3 * TOP_UP);
    const report = await verifyLedger(cluster.db, { maxBalance: cluster.config.maxBalance });
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ totalBalance: 3 * TOP_UP, inFlight: 0 });
    expect([...apis, ...workers].every((p) => p.alive)).toBe(true);
  }, 240_000);
});
