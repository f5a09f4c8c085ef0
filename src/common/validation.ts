import { z } from 'zod';
import { DomainError, ErrorCode } from './errors.js';
import { type ValidationIssue } from '../contract/errors.js';

function issuesOf(error: z.ZodError): ValidationIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(root)',
    message: issue.code === 'unrecognized_keys' ? `unknown field(s): ${issue.keys.join(', ')}` : issue.message,
  }));
}

// One parser for every edge (HTTP body, query, params and socket payloads): same rules, same error.
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what = 'input'): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) {
    const issues = issuesOf(result.error);
    const summary = issues.map((issue) => (issue.path === '(root)' ? issue.message : `${issue.path}: ${issue.message}`)).join('; ');
    throw new DomainError(ErrorCode.VALIDATION, `Invalid ${what}: ${summary}`, { issues });
  }
  return result.data;
}
