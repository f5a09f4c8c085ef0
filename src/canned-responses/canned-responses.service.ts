import { Inject, Injectable } from '@nestjs/common';
import { type Actor, isAdmin } from '../auth/actor.js';
import { DomainError, ErrorCode, notFound } from '../common/errors.js';
import { parseInput } from '../common/validation.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import {
  type CannedResponseView,
  createCannedResponseSchema,
  type CreateCannedResponseInput,
  type ListCannedResponsesQuery,
  type UpdateCannedResponseInput,
  updateCannedResponseSchema,
} from '../contract/canned-responses.js';
import { type CannedResponseRecord, CannedResponsesRepository, DuplicateShortCodeError } from './canned-responses.repository.js';

const toView = (record: CannedResponseRecord): CannedResponseView => ({
  id: record.id,
  shortCode: record.shortCode,
  content: record.content,
  createdBy: record.createdBy,
  createdAt: record.createdAt.toISOString(),
  updatedAt: record.updatedAt.toISOString(),
});

// Saved replies shared by every admin. Placeholders are kept as written and filled in by the composer,
// which knows the conversation's user and the agent inserting it.
@Injectable()
export class CannedResponsesService {
  readonly createSchema: ReturnType<typeof createCannedResponseSchema>;
  readonly updateSchema: ReturnType<typeof updateCannedResponseSchema>;

  constructor(
    private readonly repository: CannedResponsesRepository,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.createSchema = createCannedResponseSchema(config.maxMessageLength);
    this.updateSchema = updateCannedResponseSchema(config.maxMessageLength);
  }

  async list(actor: Actor, query: ListCannedResponsesQuery): Promise<CannedResponseView[]> {
    requireAdmin(actor);
    return (await this.repository.list(query.q, query.limit)).map(toView);
  }

  // Bodies are parsed after the role check: a USER gets 403 whatever it sent.
  async create(actor: Actor, body: unknown): Promise<CannedResponseView> {
    requireAdmin(actor);
    const input: CreateCannedResponseInput = parseInput(this.createSchema, body, 'request body');
    return toView(await this.guardDuplicate(input.shortCode, () => this.repository.insert({ ...input, createdBy: actor.id })));
  }

  async update(actor: Actor, id: number, body: unknown): Promise<CannedResponseView> {
    requireAdmin(actor);
    const input: UpdateCannedResponseInput = parseInput(this.updateSchema, body, 'request body');
    const record = await this.guardDuplicate(input.shortCode, () => this.repository.update(id, input));
    if (!record) {
      throw notFound('Canned response');
    }
    return toView(record);
  }

  async delete(actor: Actor, id: number): Promise<void> {
    requireAdmin(actor);
    if (!(await this.repository.delete(id))) {
      throw notFound('Canned response');
    }
  }

  private async guardDuplicate<T>(shortCode: string | undefined, action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      if (error instanceof DuplicateShortCodeError) {
        throw new DomainError(ErrorCode.CONFLICT, `The short code "${shortCode ?? ''}" is already taken`, {
          issues: [{ path: 'shortCode', message: 'already taken' }],
        });
      }
      throw error;
    }
  }
}

function requireAdmin(actor: Actor): void {
  if (!isAdmin(actor)) {
    throw new DomainError(ErrorCode.FORBIDDEN, 'Only admins may use canned responses');
  }
}
