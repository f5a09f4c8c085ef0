import { type DynamicModule, Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { DATABASE, DATABASE_HANDLE, type DatabaseHandle } from './database.js';

class DatabaseCloser implements OnApplicationShutdown {
  constructor(@Inject(DATABASE_HANDLE) private readonly handle: DatabaseHandle) {}

  async onApplicationShutdown(): Promise<void> {
    await this.handle.close();
  }
}

// The handle is opened (and migrated) before Nest starts, so a bad DATABASE_URL fails fast with a clear message.
@Global()
@Module({})
export class DatabaseModule {
  static forHandle(handle: DatabaseHandle): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [{ provide: DATABASE_HANDLE, useValue: handle }, { provide: DATABASE, useValue: handle.db }, DatabaseCloser],
      exports: [DATABASE_HANDLE, DATABASE],
    };
  }
}
