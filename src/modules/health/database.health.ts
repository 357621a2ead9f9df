import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { Connection } from 'mongoose';

/**
 * Readiness of the database: a real `ping` command, bounded by its own short timeout. The connection's
 * state alone is not enough: FerretDB keeps the wire connection up while its PostgreSQL is down (its
 * `ping` then fails), and a frozen server keeps the socket open without answering.
 */
@Injectable()
export class DatabaseHealthIndicator {
  constructor(
    @InjectConnection() private readonly connection: Connection,
    private readonly indicators: HealthIndicatorService,
  ) {}

  async pingCheck(key: string, timeoutMs = 1500) {
    const indicator = this.indicators.check(key);
    const db = this.connection.db;
    if (!db) return indicator.down({ message: 'not connected' });
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        db.admin().command({ ping: 1 }),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
      return indicator.up();
    } catch (err) {
      return indicator.down({ message: (err as Error).message.split('\n')[0].slice(0, 200) });
    } finally {
      clearTimeout(timer);
    }
  }
}
