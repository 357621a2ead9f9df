import { DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';

@Module({})
export class TransfersModule {
  static forRoot(options: { worker: boolean }): DynamicModule {
    void options;
    return { module: TransfersModule, imports: [CqrsModule] };
  }
}
