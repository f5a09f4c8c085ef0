import { z } from 'zod';
import { DomainError, ErrorCode } from './errors.js';
import { type ValidationIssue } from '../contract/errors.js';

function issuesOf(error: z.ZodError): ValidationIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(root)',
    message: issue.code === 'unrecognized_keys' ? `unknown field(s): ${issue.keys.join(', ')}` : issue.message,
  }));
}

const MAX_NUL_SCAN_DEPTH = 20;

// The path of the first string (value or key) holding a NUL character. PostgreSQL text cannot store one, so it
// would fail deep in a query as a 500; no legitimate text contains it.
export function findNul(value: unknown, path: string[] = [], depth = 0): string[] | undefined {
  if (typeof value === 'string') {
    return value.includes('\u0000') ? path : undefined;
  }
  if (typeof value !== 'object' || value === null || depth > MAX_NUL_SCAN_DEPTH) {
    return undefined;
  }
  for (const [key, item] of Object.entries(value)) {
    const found = key.includes('\u0000') ? [...path, key] : findNul(item, [...path, key], depth + 1);
    if (found) {
      return found;
    }
  }
  return undefined;
}

// One parser for every edge (HTTP body, query, params and socket payloads): same rules, same error.
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what = 'input'): z.output<S> {
  const nulAt = findNul(input);
  if (nulAt) {
    const path = nulAt.join('.') || '(root)';
    throw new DomainError(ErrorCode.VALIDATION, `Invalid ${what}: ${path}: must not contain NUL characters`, {
      issues: [{ path, message: 'must not contain NUL characters' }],
    });
  }
  const result = schema.safeParse(input);
  if (!result.success) {
    const issues = issuesOf(result.error);
    const summary = issues.map((issue) => (issue.path === '(root)' ? issue.message : `${issue.path}: ${issue.message}`)).join('; ');
    throw new DomainError(ErrorCode.VALIDATION, `Invalid ${what}: ${summary}`, { issues });
  }
  return result.data;
}
