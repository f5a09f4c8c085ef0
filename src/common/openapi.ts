import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiQuery } from '@nestjs/swagger';
import { z } from 'zod';

type JsonSchema = Record<string, unknown>;

// zod is the single source: the OpenAPI page shows the same rules the pipe enforces.
function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return rest;
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
