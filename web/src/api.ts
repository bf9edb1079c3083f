// The queue manager's REST API as the dashboard uses it: JSON in and out, the bearer token (when the
// manager has QUEUE_MANAGER_TOKEN) kept in sessionStorage for this tab only.

const TOKEN_KEY = 'streamforge.token';

export interface ApiError {
  status: number;
  code: string;
  message: string;
  reasons?: string[];
}

export class ApiFailure extends Error {
  readonly answer: ApiError;
  constructor(answer: ApiError) {
    super(`${answer.code}: ${answer.message}`);
    this.answer = answer;
  }
}

export function storedToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function storeToken(token: string | null): void {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

/** Asks the user for the token (the app installs a dialog); resolves null when they cancel. */
let askToken: (reason: string) => Promise<string | null> = () => Promise.resolve(null);
export function onTokenNeeded(ask: (reason: string) => Promise<string | null>): void {
  askToken = ask;
}

async function answerOf<T>(response: Response): Promise<T> {
  const text = await response.text();
  const body = text ? (JSON.parse(text) as unknown) : null;
  if (response.ok) return body as T;
  const error = (body ?? {}) as Partial<ApiError>;
  throw new ApiFailure({
    status: response.status,
    code: error.code ?? `HTTP_${response.status}`,
    message: error.message ?? response.statusText,
    reasons: error.reasons,
  });
}

export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  return answerOf<T>(await fetch(path, { headers: { accept: 'application/json' }, signal }));
}

/** POST with the token; on 401 asks for one (once per call) and tries again. */
export async function postJson<T>(path: string, body?: unknown): Promise<T> {
  for (let asked = false; ; asked = true) {
    const token = storedToken();
    const response = await fetch(path, {
      method: 'POST',
      headers: {
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status !== 401 || asked) return answerOf<T>(response);
    const reason = token ? 'The stored token was refused.' : 'This manager needs its QUEUE_MANAGER_TOKEN.';
    const entered = await askToken(reason);
    if (!entered) return answerOf<T>(response);
    storeToken(entered);
  }
}
