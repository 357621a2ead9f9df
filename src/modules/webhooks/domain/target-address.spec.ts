import { isPrivateAddress } from './target-address';
import { privateTargets, urlFormProblem } from './webhook-url';
import { retryDelays, deliveryAttempts, retryDelayAfter } from './retry-schedule';

describe('webhook address guard (SSRF)', () => {
  it.each([
    '127.0.0.1',
    '127.255.0.9',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '0.0.0.0',
    '100.64.0.1',
    '::1',
    '[::1]',
    '::',
    'fe80::1',
    'fe80::1%eth0',
    'fd12:3456::1',
    'fc00::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:10.0.0.1',
    '::ffff:169.254.169.254',
    '64:ff9b::a9fe:a9fe',
    'ff02::1',
    '224.0.0.1',
    'not-an-address',
  ])('refuses %s', (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each(['93.184.216.34', '8.8.8.8', '172.32.0.1', '192.169.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8', '64:ff9b::808:808'])('allows %s', (address) => {
    expect(isPrivateAddress(address)).toBe(false);
  });

  it('accepts only absolute http(s) URLs with a host and without credentials', () => {
    expect(urlFormProblem('https://hooks.example.com/dompet')).toBeNull();
    expect(urlFormProblem('http://127.0.0.1:8080/x')).toBeNull();
    expect(urlFormProblem('ftp://example.com/')).toBe('must use http or https');
    expect(urlFormProblem('file:///etc/passwd')).toBe('must use http or https');
    expect(urlFormProblem('gopher://127.0.0.1:6379/_')).toBe('must use http or https');
    expect(urlFormProblem('not a url')).toBe('must be an absolute http(s) URL');
    expect(urlFormProblem('/relative')).toBe('must be an absolute http(s) URL');
    expect(urlFormProblem('https://user:pw@example.com/')).toBe('must not carry credentials');
    expect(urlFormProblem(`https://example.com/${'a'.repeat(2100)}`)).toMatch(/at most/);
  });

  it('checks the address literal of a URL, or every address its name resolves to', async () => {
    const resolver = (map: Record<string, string[]>) => async (host: string) => (map[host] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    const dns = resolver({ 'public.example': ['93.184.216.34'], 'mixed.example': ['93.184.216.34', '10.0.0.5'], 'rebind.example': ['::ffff:127.0.0.1'] });
    expect(await privateTargets(new URL('http://127.0.0.1/'), dns)).toEqual(['127.0.0.1']);
    expect(await privateTargets(new URL('http://[::1]:3000/'), dns)).toEqual(['::1']);
    expect(await privateTargets(new URL('http://169.254.169.254/latest/meta-data'), dns)).toEqual(['169.254.169.254']);
    expect(await privateTargets(new URL('http://2130706433/'), dns)).toEqual(['127.0.0.1']); // decimal form of 127.0.0.1
    expect(await privateTargets(new URL('http://0x7f.1/'), dns)).toEqual(['127.0.0.1']);
    expect(await privateTargets(new URL('https://public.example/'), dns)).toEqual([]);
    expect(await privateTargets(new URL('https://mixed.example/'), dns)).toEqual(['10.0.0.5']);
    expect(await privateTargets(new URL('https://rebind.example/'), dns)).toEqual(['::ffff:127.0.0.1']);
    expect(await privateTargets(new URL('https://nothing.example/'), dns)).toEqual(['(no address)']);
  });
});

describe('webhook retry schedule', () => {
  it('doubles from the first delay up to the cap, for as long as the total stays within a day', () => {
    const s = { firstMs: 30_000, maxMs: 3_600_000, windowSeconds: 86_400 };
    const delays = retryDelays(s);
    expect(delays.slice(0, 8)).toEqual([30_000, 60_000, 120_000, 240_000, 480_000, 960_000, 1_920_000, 3_600_000]);
    expect(delays.every((d) => d <= 3_600_000)).toBe(true);
    const total = delays.reduce((a, b) => a + b, 0);
    expect(total).toBeLessThanOrEqual(86_400_000);
    expect(total + 3_600_000).toBeGreaterThan(86_400_000);
    expect(deliveryAttempts(s)).toBe(delays.length + 1);
    expect(retryDelayAfter(s, 1)).toBe(30_000);
    expect(retryDelayAfter(s, 3)).toBe(120_000);
  });

  it('gives a single attempt with no window, and short schedules for tests', () => {
    expect(deliveryAttempts({ firstMs: 100, maxMs: 100, windowSeconds: 0 })).toBe(1);
    expect(retryDelays({ firstMs: 100, maxMs: 400, windowSeconds: 1 })).toEqual([100, 200, 400]);
  });
});
