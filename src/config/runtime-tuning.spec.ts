import { execFileSync } from 'node:child_process';
import { AppConfig, ConfigError } from './app-config';

const base = { MONGODB_URI: 'mongodb://127.0.0.1:1/x', REDIS_URL: 'redis://127.0.0.1:1', JWT_SECRET: 'a secret of at least thirty-two characters!' };

describe('HEAP_GROWING_PERCENT', () => {
  it('defaults to 100 and refuses what is not a percentage V8 takes', () => {
    expect(AppConfig.fromEnv(base).heapGrowingPercent).toBe(100);
    expect(AppConfig.fromEnv({ ...base, HEAP_GROWING_PERCENT: '0' }).heapGrowingPercent).toBe(0);
    expect(() => AppConfig.fromEnv({ ...base, HEAP_GROWING_PERCENT: '-5' })).toThrow(ConfigError);
  });

  it('set at run time, as applyRuntimeTuning does, bounds how far the old generation grows past what survived a full collection', () => {
    // A process that keeps ~30 MB alive and makes garbage that outlives a scavenge (as requests in
    // flight do): the most its old space holds, with V8's own growing factor and with the one applied.
    const program = `
      const v8 = require('v8');
      if (process.argv[1] !== 'none') v8.setFlagsFromString('--heap-growing-percent=' + process.argv[1]);
      const live = Array.from({ length: 300000 }, (_, i) => ({ i, a: [i, i + 1], s: 'k' + i }));
      let held = [], peak = 0;
      for (let i = 0; i < 3000000; i++) {
        held.push({ i, b: [i], s: 'v' + i });
        if (held.length > 100000) held = [];
        if (i % 5000 === 0) peak = Math.max(peak, v8.getHeapSpaceStatistics().find((s) => s.space_name === 'old_space').space_used_size);
      }
      process.stdout.write(String(Math.round(peak / 1e6) + live.length * 0));
    `;
    const peak = (tuning: string) => Number(execFileSync(process.execPath, ['-e', program, tuning], { encoding: 'utf8' }));
    const [tuned, untuned] = [peak('100'), peak('none')];
    expect(tuned).toBeLessThan(untuned * 0.8);
  });
});
