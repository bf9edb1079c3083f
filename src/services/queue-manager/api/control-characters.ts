import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { invalidRequest } from '../request/plan.ts';
import { MAX_BODY_DEPTH } from './limits.ts';

/** C0 controls and DEL: no id, name, date or setting of the API has one, and PostgreSQL refuses NUL. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * The preValidation hook of every route: a control character anywhere in the path parameters, the
 * query or the JSON body (values and field names) is a 400 SF_INVALID_REQUEST naming the field, so it
 * never reaches the store (a NUL there was a 500 with PostgreSQL's message) nor a job's environment.
 * Bodies nested deeper than MAX_BODY_DEPTH are refused here too, before anything walks them.
 */
export function rejectControlCharacters(
  request: FastifyRequest,
  _reply: FastifyReply,
  done: HookHandlerDoneFunction,
): void {
  const reasons = [
    ...findControlCharacters('path', request.params),
    ...findControlCharacters('query', request.query),
    ...findControlCharacters('body', request.body),
  ];
  done(reasons.length > 0 ? invalidRequest(reasons.slice(0, 20)) : undefined);
}

type Segment = string | number;

/** Reasons for every offending string under `root`; iterative, so a deep body cannot overflow the stack. */
export function findControlCharacters(part: 'path' | 'query' | 'body', root: unknown): string[] {
  const reasons: string[] = [];
  const stack: { value: unknown; path: Segment[] }[] = [{ value: root, path: [] }];
  while (stack.length > 0 && reasons.length < 20) {
    const { value, path } = stack.pop()!;
    if (typeof value === 'string') {
      const at = value.search(CONTROL);
      if (at >= 0)
        reasons.push(`${where(part, path)} contains a control character (${codePoint(value, at)})`);
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (path.length >= MAX_BODY_DEPTH) {
      reasons.push(`${where(part, path)} is nested deeper than ${MAX_BODY_DEPTH} levels`);
      continue;
    }
    const entries: [Segment, unknown][] = Array.isArray(value)
      ? value.map((item, i) => [i, item])
      : Object.entries(value as Record<string, unknown>);
    for (const [key, item] of entries.reverse()) {
      if (typeof key === 'string' && CONTROL.test(key)) {
        reasons.push(
          `${where(part, path)} has a field name with a control character (${codePoint(key, key.search(CONTROL))}): ${JSON.stringify(key.slice(0, 80))}`,
        );
        continue;
      }
      stack.push({ value: item, path: [...path, key] });
    }
  }
  return reasons;
}

/** `['requests', 0, 'type']` → `requests[0].type`, as the schema validator names fields. */
function where(part: string, path: Segment[]): string {
  if (path.length === 0) return part === 'body' ? 'the body' : part;
  return path
    .map((segment, i) => (typeof segment === 'number' ? `[${segment}]` : i === 0 ? segment : `.${segment}`))
    .join('');
}

function codePoint(text: string, at: number): string {
  return `U+${text.charCodeAt(at).toString(16).toUpperCase().padStart(4, '0')} at position ${at}`;
}
