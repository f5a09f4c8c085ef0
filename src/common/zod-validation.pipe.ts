import { type ArgumentMetadata, Injectable, type PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { parseInput } from './validation.js';

@Injectable()
export class ZodValidationPipe<S extends z.ZodType> implements PipeTransform<unknown, z.output<S>> {
  constructor(private readonly schema: S) {}

  transform(value: unknown, metadata: ArgumentMetadata): z.output<S> {
    const what = metadata.type === 'body' ? 'request body' : metadata.type === 'query' ? 'query string' : 'path parameter';
    return parseInput(this.schema, metadata.type === 'query' ? { ...(value as object) } : value, what);
  }
}
