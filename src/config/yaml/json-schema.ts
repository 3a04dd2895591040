// The published JSON Schema text (schema/halb.schema.json), for editor completion of halb.yaml.
import { halbJsonSchema } from './schema.js';

export function halbJsonSchemaText(): string {
  const schema = { ...halbJsonSchema(), $id: 'halb.schema.json' };
  return JSON.stringify(schema, null, 2) + '\n';
}
