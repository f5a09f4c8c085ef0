import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiQuery, ApiResponse } from '@nestjs/swagger';
import { z } from 'zod';
import { httpErrorSchema } from '../contract/errors.js';

type JsonSchema = Record<string, unknown>;

// zod is the single source: the OpenAPI page shows the same rules the pipe enforces.
function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output' = 'input'): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

// The answer's shape from the contract's response schema, and the one error shape for every failure.
export function ApiZodResponse(status: number, schema: z.ZodType, description = 'OK') {
  return applyDecorators(
    ApiResponse({ status, description, schema: jsonSchemaOf(schema, 'output') }),
    ApiResponse({ status: 'default', description: 'Error (one shape everywhere)', schema: jsonSchemaOf(httpErrorSchema, 'output') }),
  );
}

export function ApiZodBody(schema: z.ZodType) {
  return ApiBody({ schema: jsonSchemaOf(schema) });
}

export function ApiZodQuery(schema: z.ZodObject) {
  const json = jsonSchemaOf(schema) as { properties?: Record<string, JsonSchema>; required?: string[] };
  const decorators = Object.entries(json.properties ?? {}).map(([name, property]) =>
    ApiQuery({
      name,
      required: json.required?.includes(name) ?? false,
      schema: property,
      description: typeof property.description === 'string' ? property.description : undefined,
    }),
  );
  return applyDecorators(...decorators);
}
