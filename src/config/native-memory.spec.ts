import { loadWithNativeMemoryDefaults } from './app-config';

describe('loadWithNativeMemoryDefaults', () => {
  it('sets the allocator options the environment lacks while the module loads, then takes them out', () => {
    const env: NodeJS.ProcessEnv = {};
    const seen = loadWithNativeMemoryDefaults(() => env.MIMALLOC_PURGE_DELAY, env);
    expect(seen).toBe('0');
    expect(env).toEqual({});
  });

  it('leaves a value the environment sets alone', () => {
    const env: NodeJS.ProcessEnv = { MIMALLOC_PURGE_DELAY: '10' };
    expect(loadWithNativeMemoryDefaults(() => env.MIMALLOC_PURGE_DELAY, env)).toBe('10');
    expect(env).toEqual({ MIMALLOC_PURGE_DELAY: '10' });
  });

  it('takes them out when the load throws', () => {
    const env: NodeJS.ProcessEnv = {};
    expect(() =>
      loadWithNativeMemoryDefaults(() => {
        throw new Error('no such module');
      }, env),
    ).toThrow('no such module');
    expect(env).toEqual({});
  });
});
