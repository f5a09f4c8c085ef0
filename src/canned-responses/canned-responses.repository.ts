import { Inject, Injectable } from '@nestjs/common';
import { sql, type SQL } from 'drizzle-orm';
import { DATABASE, type Database } from '../database/database.js';
import { isUniqueViolation } from '../database/database-errors.js';
import { escapeLike, rawRows } from '../database/raw-rows.js';

export class DuplicateShortCodeError extends Error {}

export interface CannedResponseRecord {
  id: number;
  shortCode: string;
  content: string;
  createdBy: { id: number; name: string } | null;
  createdAt: Date;
  updatedAt: Date;
}

interface CannedResponseRow {
  id: number;
  short_code: string;
  content: string;
  created_by: { id: number; name: string } | null;
  created_at_ms: number;
  updated_at_ms: number;
}

const columns = sql`r.id, r.short_code, r.content,
  (select json_build_object('id', u.id, 'name', u.name) from users u where u.id = r.created_by) as created_by,
  (extract(epoch from r.created_at) * 1000)::float8 as created_at_ms, (extract(epoch from r.updated_at) * 1000)::float8 as updated_at_ms`;

const toRecord = (row: CannedResponseRow): CannedResponseRecord => ({
  id: row.id,
  shortCode: row.short_code,
  content: row.content,
  createdBy: row.created_by,
  createdAt: new Date(row.created_at_ms),
  updatedAt: new Date(row.updated_at_ms),
});

@Injectable()
export class CannedResponsesRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  // Short codes starting with q first (what "/q" means), then those whose content contains it.
  async list(query: string | undefined, limit: number): Promise<CannedResponseRecord[]> {
    let where: SQL = sql`true`;
    // Not a bare constant: `order by 0` would name a column position.
    let rank: SQL = sql`r.short_code`;
    if (query) {
      const prefix = `${escapeLike(query.toLowerCase())}%`;
      const anywhere = `%${escapeLike(query)}%`;
      where = sql`(r.short_code like ${prefix} or r.content ilike ${anywhere})`;
      rank = sql`case when r.short_code like ${prefix} then 0 else 1 end`;
    }
    const rows = await rawRows<CannedResponseRow>(
      this.db,
      sql`select ${columns} from chat_canned_response r where ${where} order by ${rank}, r.short_code limit ${limit}`,
    );
    return rows.map(toRecord);
  }

  async findById(id: number): Promise<CannedResponseRecord | undefined> {
    const rows = await rawRows<CannedResponseRow>(this.db, sql`select ${columns} from chat_canned_response r where r.id = ${id}`);
    return rows[0] && toRecord(rows[0]);
  }

  async insert(input: { shortCode: string; content: string; createdBy: number }): Promise<CannedResponseRecord> {
    const id = await this.translate(async () => {
      const rows = await rawRows<{ id: number }>(
        this.db,
        sql`insert into chat_canned_response (short_code, content, created_by)
            values (${input.shortCode}, ${input.content}, ${input.createdBy}) returning id`,
      );
      return rows[0]?.id;
    });
    const record = id === undefined ? undefined : await this.findById(id);
    if (!record) {
      throw new Error('insert returned no row');
    }
    return record;
  }

  async update(id: number, input: { shortCode?: string; content?: string }): Promise<CannedResponseRecord | undefined> {
    const found = await this.translate(async () => {
      const rows = await rawRows<{ id: number }>(
        this.db,
        sql`update chat_canned_response set short_code = coalesce(${input.shortCode ?? null}, short_code),
              content = coalesce(${input.content ?? null}, content), updated_at = now()
            where id = ${id} returning id`,
      );
      return rows.length > 0;
    });
    return found ? this.findById(id) : undefined;
  }

  async delete(id: number): Promise<boolean> {
    const rows = await rawRows<{ id: number }>(this.db, sql`delete from chat_canned_response where id = ${id} returning id`);
    return rows.length > 0;
  }

  private async translate<T>(action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      if (isUniqueViolation(error, 'chat_canned_response_short_code_key')) {
        throw new DuplicateShortCodeError();
      }
      throw error;
    }
  }
}
