/**
 * One contract for a draft: the HTTP API's spec (openapi.yaml, which the
 * router validates against) and the common package's zod schema (which the
 * form, the actions and the scaffolder validate against) accept the same
 * fields, require the same ones and refuse unknown ones alike.
 */
import { egressDraftInputSchema, egressRequestDraftSchema } from '@backstage-egress/plugin-egress-common';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod/v3';

type SpecSchema = {
  $ref?: string;
  type?: string;
  properties?: Record<string, SpecSchema>;
  required?: string[];
  additionalProperties?: boolean | object;
  items?: SpecSchema;
};

const spec = parse(fs.readFileSync(path.join(__dirname, 'openapi.yaml'), 'utf8'));

function resolve(schema: SpecSchema): SpecSchema {
  if (!schema.$ref) return schema;
  const name = schema.$ref.replace('#/components/schemas/', '');
  return resolve(spec.components.schemas[name]);
}

/** The shape both sides agree on: field names, required fields, strictness, nested. */
type Shape = { type: string; fields?: Record<string, Shape>; required?: string[]; strict?: boolean; items?: Shape };

function fromSpec(schema: SpecSchema): Shape {
  const s = resolve(schema);
  if (s.type === 'array') return { type: 'array', items: fromSpec(s.items!) };
  if (s.type === 'object') {
    return {
      type: 'object',
      fields: Object.fromEntries(Object.entries(s.properties ?? {}).map(([k, v]) => [k, fromSpec(v)])),
      required: [...(s.required ?? [])].sort(),
      strict: s.additionalProperties === false,
    };
  }
  return { type: s.type === 'integer' ? 'number' : s.type! };
}

function fromZod(schema: z.ZodTypeAny): Shape {
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodDefault) return fromZod(schema._def.innerType);
  if (schema instanceof z.ZodEffects) return fromZod(schema._def.schema);
  if (schema instanceof z.ZodArray) return { type: 'array', items: fromZod(schema.element) };
  if (schema instanceof z.ZodObject) {
    const shape = schema.shape as Record<string, z.ZodTypeAny>;
    return {
      type: 'object',
      fields: Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, fromZod(v)])),
      required: Object.entries(shape).filter(([, v]) => !v.isOptional()).map(([k]) => k).sort(),
      strict: schema._def.unknownKeys === 'strict',
    };
  }
  if (schema instanceof z.ZodString || schema instanceof z.ZodEnum) return { type: 'string' };
  if (schema instanceof z.ZodNumber) return { type: 'number' };
  if (schema instanceof z.ZodBoolean) return { type: 'boolean' };
  throw new Error(`no shape for zod type ${schema._def.typeName}`);
}

describe('the draft contract', () => {
  it('is the same in the HTTP spec and in the schema the actions and the scaffolder use', () => {
    expect(fromZod(egressDraftInputSchema)).toEqual(fromSpec(spec.components.schemas.RequestDraft));
  });

  it('differs from the form\'s schema only in the namespace, which the form always sends', () => {
    const form = fromZod(egressRequestDraftSchema);
    const api = fromSpec(spec.components.schemas.RequestDraft);
    expect(form.fields).toEqual(api.fields);
    expect(form.strict).toBe(api.strict);
    expect(form.required).toEqual([...api.required!, 'namespace'].sort());
  });

  it('notices a field that one side lacks', () => {
    const widened = egressDraftInputSchema.extend({ mode: z.string().optional() });
    expect(fromZod(widened)).not.toEqual(fromSpec(spec.components.schemas.RequestDraft));
  });
});
