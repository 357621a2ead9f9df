import { Logger } from '@nestjs/common';
import { checkInvariants } from '../support/invariants';
import { MAX_BALANCE, TransferWorld } from '../support/transfer-world';

/**
 * A fault between any two steps of accepting or executing a transfer, then the recovery (restarted
 * workers, stalled jobs retried, the sweep) converges to exactly one outcome with the money conserved.
 *
 * The steps are not listed by hand: a clean run of the phase records the adapter calls it makes
 * (`Faults.trace`), and each call gets a fault before it (nothing happened) and after it (it happened,
 * its acknowledgement was lost), as a thrown error (the code goes on handling it) and as a crash (the
 * process dies there and never returns; with `jobs lost`, Redis loses the queue as well, so only the
 * pending markers and the sweep can bring the transfer back). A new step in a handler is covered without touching this file.
 */
type Outcome = 'CREDIT' | 'REFUND';
/** `crash, jobs lost`: the process dies and Redis loses its data too (a flush): only the markers are left. */
type Kind = 'throw' | 'crash' | 'crash, jobs lost';
const KINDS: Kind[] = ['throw', 'crash', 'crash, jobs lost'];
const WHEN = ['before', 'after'] as const;

function faultAt(world: TransferWorld, kind: Kind, name: string, nth: number, when: 'before' | 'after') {
  if (kind !== 'throw') world.faults.crashOn(name, nth, when);
  else world.faults.failOn(name, nth, when);
}

function newWorld() {
  const world = new TransferWorld();
  world.user('alice', 1_000);
  world.user('bob', 0);
  return world;
}

/** The steps a phase takes in a clean run, each once: `[label, name, nth]`. */
function stepsOf(phase: (world: TransferWorld) => Promise<unknown>, arrange: (world: TransferWorld) => Promise<void>): Promise<[string, string, number][]> {
  return (async () => {
    const world = newWorld();
    await arrange(world);
    const from = world.faults.trace.length;
    await phase(world);
    return world.faults.stepsSince(from).map(({ name, nth }) => [`${name}#${nth}`, name, nth] as [string, string, number]);
  })();
}

describe('transfers converge after a fault between any two steps (in-memory ports)', () => {
  beforeAll(() => Logger.overrideLogger(false));

  describe('accepting (CreateTransferHandler), then the client replays its Idempotency-Key', () => {
    const create = (world: TransferWorld) => world.attempt(() => world.create('alice', 'bob', 300, 'key-1'));
    let steps: [string, string, number][] = [];
    beforeAll(async () => {
      steps = await stepsOf(create, async () => undefined);
      expect(steps.map(([label]) => label)).toEqual(['users.findByIds#1', 'store.markPending#1', 'ledger.post#1', 'store.recordPending#1', 'queue.enqueue#1']);
    });

    for (const kind of KINDS) {
      for (const when of WHEN) {
        it(`${kind} ${when} each step`, async () => {
          for (const [label, name, nth] of steps) {
            const world = newWorld();
            faultAt(world, kind, name, nth, when);
            const run = await create(world);
            expect({ label, fired: world.faults.fired() }).toEqual({ label, fired: 1 });
            const debited = world.debitOf('t1').length === 1;
            // Answers match effects: a success means the money moved; an error means nothing moved, but for
            // the lost acknowledgement of the debit itself (the 503 after the ledger's 4 s, replay the key).
            if ('ok' in run && run.ok) expect(debited).toBe(true);
            if ('ok' in run && !run.ok && !(label === 'ledger.post#1' && when === 'after')) expect({ label, debited }).toEqual({ label, debited: false });
            if (kind === 'crash, jobs lost') world.queue.flush();
            await world.recover();
            checkInvariants(world, { settled: true });

            // The client did not get (or did not trust) an answer: it replays the key and gets the transfer.
            await expect(world.create('alice', 'bob', 300, 'key-1')).resolves.toMatchObject({ transfer_id: 't1', balance_before: 1_000, balance_after: 700 });
            await world.recover();
            const summary = checkInvariants(world, { settled: true });
            expect({ label, outcome: summary.get('t1')?.outcome }).toEqual({ label, outcome: 'CREDIT' });
            expect({ label, bob: world.ledger.balance('bob'), alice: world.ledger.balance('alice') }).toEqual({ label, bob: 300, alice: 700 });
          }
        });
      }
    }
  });

  /** Ways an accepted transfer is executed, each with the outcome it must come to. */
  const paths: {
    name: string;
    outcome: Outcome;
    arrange?: (world: TransferWorld) => Promise<void> | void;
    /** After the transfer was accepted, before its first job runs. */
    between?: (world: TransferWorld) => Promise<void> | void;
    /** Once recovered: what still has to happen for it to settle (room for a held refund). */
    release?: (world: TransferWorld) => Promise<void> | void;
    receiver?: string;
  }[] = [
    { name: 'credit', outcome: 'CREDIT' },
    { name: 'refund, receiver frozen', outcome: 'REFUND', between: (w) => w.users.set('bob', { wallet_frozen: true }) },
    { name: 'refund, receiver deactivated', outcome: 'REFUND', between: (w) => w.users.set('bob', { status: 'DEACTIVATED' }) },
    { name: 'refund, receiver over the cap', outcome: 'REFUND', receiver: 'carol', arrange: (w) => void w.user('carol', MAX_BALANCE - 100) },
    {
      name: 'record lost after the debit (rebuilt from the debit entry)',
      outcome: 'CREDIT',
      arrange: (w) => void w.faults.failOn('store.recordPending'),
    },
    {
      name: 'refund held (the sender filled the wallet), then room made',
      outcome: 'REFUND',
      receiver: 'carol',
      arrange: (w) => void w.user('carol', MAX_BALANCE - 100),
      between: (w) => w.topUp('alice', MAX_BALANCE - w.ledger.balance('alice')),
      release: async (w) => {
        await w.ledger.post({ opId: 'PAYMENT:alice', walletId: 'alice', entryType: 'PAYMENT', direction: 'DEBIT', amount: 1_000, refId: 'p' });
        w.seeded -= 1_000;
      },
    },
  ];

  for (const path of paths) {
    describe(`executing: ${path.name}`, () => {
      const receiver = path.receiver ?? 'bob';
      const setUp = async (world: TransferWorld) => {
        await path.arrange?.(world);
        await world.create('alice', receiver, 300);
        world.faults.heal();
        await path.between?.(world);
      };
      const firstJob = (world: TransferWorld) => world.runJob('t1');
      let steps: [string, string, number][] = [];
      beforeAll(async () => {
        steps = await stepsOf(firstJob, setUp);
        expect(steps.length).toBeGreaterThan(2);
        if (process.env.SHOW_STEPS) console.log(path.name, steps.map(([label]) => label).join(' → '));
      });

      for (const kind of KINDS) {
        for (const when of WHEN) {
          it(`${kind} ${when} each step of its first job, then recovery`, async () => {
            for (const [label, name, nth] of steps) {
              const world = newWorld();
              await setUp(world);
              faultAt(world, kind, name, nth, when);
              await firstJob(world);
              expect({ label, fired: world.faults.fired() }).toEqual({ label, fired: 1 });
              checkInvariants(world); // mid-way: conserved, at most one settlement
              if (kind === 'crash, jobs lost') world.queue.flush();
              await world.recover();
              if (path.release) {
                checkInvariants(world, { settled: true, held: ['t1'] });
                await path.release(world);
                await world.recover();
              }
              const summary = checkInvariants(world, { settled: true });
              expect({ label, outcome: summary.get('t1')?.outcome }).toEqual({ label, outcome: path.outcome });
              // A duplicate job long after changes nothing.
              await world.queue.ensureQueued('t1');
              await world.drainJobs();
              expect({ label, settlements: world.settlements('t1').length }).toEqual({ label, settlements: 1 });
              checkInvariants(world, { settled: true });
            }
          });
        }
      }
    });
  }
});
