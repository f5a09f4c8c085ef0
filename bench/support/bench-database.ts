import pg from 'pg';

// One database per run on the PostgreSQL server, created here and always dropped at the end.
export class BenchDatabase {
  private isDropped = false;

  private constructor(
    private readonly adminUrl: string,
    readonly name: string,
    readonly url: string,
  ) {}

  static async create(adminUrl: string): Promise<BenchDatabase> {
    const name = `chat_bench_${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}_${process.pid}`;
    await BenchDatabase.admin(adminUrl, `create database ${name}`);
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    return new BenchDatabase(adminUrl, name, url.toString());
  }

  private static async admin(adminUrl: string, statement: string): Promise<void> {
    const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5_000 });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  }

  async drop(): Promise<void> {
    if (this.isDropped) {
      return;
    }
    this.isDropped = true;
    await BenchDatabase.admin(this.adminUrl, `drop database if exists ${this.name} with (force)`);
  }
}
