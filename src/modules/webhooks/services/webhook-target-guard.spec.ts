import { AppConfig } from '../../../config/app-config';
import { WebhookUrlRefusedError } from '../domain/webhook.errors';
import { WebhookTargetGuard } from './webhook-target-guard';

const base = { MONGODB_URI: 'mongodb://127.0.0.1:27017/', REDIS_URL: 'redis://127.0.0.1:6379' };
const production = { ...base, NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40), ADMIN_PIN: '135790' };

describe('WebhookTargetGuard', () => {
  it('refuses private targets by default in production only, and follows WEBHOOK_ALLOW_PRIVATE_TARGETS', () => {
    expect(AppConfig.fromEnv(production).webhookAllowPrivateTargets).toBe(false);
    expect(AppConfig.fromEnv({ ...production, WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' }).webhookAllowPrivateTargets).toBe(true);
    expect(AppConfig.fromEnv({ ...base, NODE_ENV: 'development' }).webhookAllowPrivateTargets).toBe(true);
    expect(AppConfig.fromEnv({ ...base, NODE_ENV: 'test', WEBHOOK_ALLOW_PRIVATE_TARGETS: 'false' }).webhookAllowPrivateTargets).toBe(false);
    expect(() => AppConfig.fromEnv({ ...base, WEBHOOK_ALLOW_PRIVATE_TARGETS: 'maybe' })).toThrow(/WEBHOOK_ALLOW_PRIVATE_TARGETS/);
  });

  const guard = new WebhookTargetGuard(AppConfig.fromEnv(production));

  it.each(['http://127.0.0.1:8080/hook', 'http://10.0.0.8/hook', 'http://169.254.169.254/latest/meta-data/', 'http://[::1]:3000/', 'http://[::ffff:127.0.0.1]/', 'http://localhost:3000/hook'])(
    'refuses %s at registration (400 WEBHOOK_URL_REFUSED)',
    async (url) => {
      await expect(guard.check(url)).rejects.toBeInstanceOf(WebhookUrlRefusedError);
    },
  );

  it('refuses a private address literal at delivery time and resolves names through a lookup that refuses private answers', async () => {
    expect(guard.literalRefusal(new URL('http://127.0.0.1/'))).toMatch(/refused/);
    expect(guard.literalRefusal(new URL('https://93.184.216.34/'))).toBeNull();
    const lookup = guard.lookup!;
    const err = await new Promise<Error | null>((resolve) => lookup('localhost', {}, (e) => resolve(e)));
    expect(err?.message).toMatch(/refused: localhost resolves to/);
  });

  it('allows anything well-formed when private targets are allowed (development, tests)', async () => {
    const open = new WebhookTargetGuard(AppConfig.fromEnv({ ...base, NODE_ENV: 'test' }));
    await expect(open.check('http://127.0.0.1:9/hook')).resolves.toBeInstanceOf(URL);
    expect(open.lookup).toBeUndefined();
    await expect(open.check('ftp://127.0.0.1/')).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});
