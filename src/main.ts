import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module';
import { configureApp } from './bootstrap';
import { AppConfig, applyRuntimeTuning, ConfigError } from './config/app-config';

async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = AppConfig.fromEnv();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78);
    }
    throw err;
  }
  applyRuntimeTuning(config);
  if (!config.runsApi) {
    const { runWorker } = await import('./worker');
    await runWorker(config);
    return;
  }
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), { bufferLogs: true, bodyParser: false });
  configureApp(app, config);
  await app.listen(config.port, config.host);
  const base = `http://${config.host}:${config.port}`;
  process.stdout.write(
    `Dompet API (${config.role}) listening on ${base}\n  Swagger UI: ${base}/docs\n  Queue dashboard (admin): ${base}/admin/queues\n`,
  );
}

void main();
