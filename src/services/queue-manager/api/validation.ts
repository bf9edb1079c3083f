import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler, type ValueError } from '@sinclair/typebox/compiler';
import { Value } from '@sinclair/typebox/value';
import type { FastifySchemaCompiler } from 'fastify';
import { invalidRequest } from '../request/plan.ts';

/** What a field should look like, said in the words a person fixing the request needs. */
const HINTS: Record<string, string> = {
  symbol: 'a trading pair of letters and digits, e.g. BTCUSDT',
  time_range: 'two UTC days, YYYY-MM-DD:YYYY-MM-DD, both inclusive',
  interval: 'a duration such as 1m, 5m, 1h',
  inference_interval: 'a duration such as 1m, 5m, 1h',
};

/** `/requests/0/type` → `requests[0].type`. */
function readablePath(part: string, path: string): string {
  const readable = path
    .split('/')
    .filter(Boolean)
    .map((segment, i) => (/^\d+$/.test(segment) ? `[${segment}]` : i === 0 ? segment : `.${segment}`))
    .join('');
  return readable || (part === 'body' ? 'the body' : part);
}

function reason(part: string, error: ValueError): string {
  const where = readablePath(part, error.path);
  const field = error.path.split('/').at(-1) ?? '';
  const shown = typeof error.value === 'string' ? ` "${error.value.slice(0, 80)}"` : '';
  if (error.message === 'Expected required property') return `${where} is required`;
  if (error.message === 'Unexpected property') return `${where} is not a known field`;
  if (error.message === 'Expected union value') {
    const values = ((error.schema as { anyOf?: { const?: unknown }[] }).anyOf ?? [])
      .map((s) => s.const)
      .filter((v): v is string | number => typeof v === 'string' || typeof v === 'number');
    if (values.length > 0) return `${where}${shown}: expected one of ${values.join(', ')}`;
  }
  const hint = HINTS[field];
  return `${where}${shown}: ${hint ? `expected ${hint}` : error.message.replace(/^Expected/, 'expected')}`;
}

/**
 * Validates with TypeBox's compiler, the same schemas that document the API. The body is checked
 * as sent (no coercion: "5" is not 5); query strings and path parameters are converted first, as
 * they only ever arrive as text. Every reason is reported, not only the first.
 */
export const validatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const checker = TypeCompiler.Compile(schema);
  const part = httpPart ?? 'body';
  const coerce = part !== 'body';
  return (data: unknown) => {
    const value = coerce ? Value.Convert(schema, Value.Default(schema, Value.Clone(data))) : data;
    if (checker.Check(value)) return { value };
    const errors = [...checker.Errors(value)];
    // A missing field is reported once, as missing, not also as "expected string".
    const missing = new Set(
      errors.filter((e) => e.message === 'Expected required property').map((e) => e.path),
    );
    const relevant = errors.filter((e) => e.message === 'Expected required property' || !missing.has(e.path));
    const reasons = [...new Set(relevant.map((e) => reason(part, e)))].slice(0, 20);
    return { error: invalidRequest(reasons) };
  };
};
