import { Type } from '@sinclair/typebox';

/**
 * Building blocks of the request fields a job definition declares (TypeBox, so the REST schema and the
 * OpenAPI document are generated from the definitions).
 */
const COLLECTION = { minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_][A-Za-z0-9_-]*$' };
const DURATION = { pattern: '^[0-9]+[smhdw]$', examples: ['5m'] };

/** A collection (dataset) name. */
export const collectionField = (description: string) => Type.String({ ...COLLECTION, description });

/** Several collection names. */
export const collectionListField = (description: string) =>
  Type.Array(Type.String(COLLECTION), { maxItems: 50, description });

/** A period such as `5m`, `1h`. */
export const durationField = (description: string) => Type.String({ ...DURATION, description });
