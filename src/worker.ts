import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { AppConfig, applyRuntimeTuning, ConfigError } from './config/app-config';

/** Runs the queue worker and background sweeps without an HTTP server (`APP_ROLE=worker`). */
export async function runWorker(config: AppConfig): Promise<void> {
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  await app.init();
  process.stdout.write(`Dompet worker started (queue prefix ${config.redisPrefix})\n`);
}

if (require.main === module) {
  try {
    const config = AppConfig.forRole('worker');
    applyRuntimeTuning(config);
    void runWorker(config);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78);
    }
    throw err;
  }
}
