import { EventEmitter } from 'node:events';
import type Redis from 'ioredis';
import { CacheRepairs } from './cache-repairs';

/** A Redis client as far as CacheRepairs sees it: a status and its connection events. */
class FakeClient extends EventEmitter {
  status = 'ready';
  drop(): void {
    this.status = 'reconnecting';
    this.emit('close');
  }
  back(): void {
    this.status = 'ready';
    this.emit('ready');
  }
}

const settle = () => new Promise((r) => setImmediate(r));

function setup() {
  const client = new FakeClient();
  const repairs = new CacheRepairs(client as unknown as Redis);
  repairs.onModuleInit();
  return { client, repairs };
}

describe('CacheRepairs', () => {
  it('trusts the cache only after the standing repairs ran, and again after each disconnection', async () => {
    const { client, repairs } = setup();
    let runs = 0;
    let release!: () => void;
    repairs.addStanding(() => new Promise<void>((resolve) => ((runs += 1), (release = resolve))));
    await settle();
    expect(repairs.trusted()).toBe(false); // running
    release();
    await settle();
    expect(repairs.trusted()).toBe(true);
    client.drop();
    expect(repairs.trusted()).toBe(false);
    client.back();
    await settle();
    expect(runs).toBe(2);
    expect(repairs.trusted()).toBe(false); // the second run is still going
    release();
    await settle();
    expect(repairs.trusted()).toBe(true);
    repairs.onApplicationShutdown();
  });

  it('keeps a publish Redis did not take, runs it when Redis is back, and distrusts the cache until then', async () => {
    const { client, repairs } = setup();
    await settle();
    expect(repairs.trusted()).toBe(true);
    client.drop();
    const written: string[] = [];
    expect(await repairs.publish('k1', async () => void written.push('k1 v1'))).toBe(false);
    expect(await repairs.publish('k1', async () => void written.push('k1 v2'))).toBe(false); // the latest one per key wins
    expect(written).toEqual([]);
    client.status = 'ready'; // connected again, but the repair has not run yet
    expect(repairs.trusted()).toBe(false);
    client.back();
    await settle();
    expect(written).toEqual(['k1 v2']);
    expect(repairs.trusted()).toBe(true);
    expect(await repairs.publish('k2', async () => void written.push('k2'))).toBe(true);
    repairs.onApplicationShutdown();
  });

  it('a disconnection during a repair run leaves the cache distrusted', async () => {
    const { client, repairs } = setup();
    let release!: () => void;
    repairs.addStanding(() => new Promise<void>((resolve) => (release = resolve)));
    await settle();
    client.drop();
    release();
    await settle();
    expect(repairs.trusted()).toBe(false);
    repairs.onApplicationShutdown();
  });
});
