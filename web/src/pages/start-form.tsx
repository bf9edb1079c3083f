import { useState } from 'preact/hooks';
import { ApiFailure, postJson } from '../api.ts';
import { href, navigate } from '../router.ts';
import { TEMPLATES } from '../templates.ts';

const pretty = (body: unknown): string => JSON.stringify(body, null, 2);

/** POST /queues/start with a payload edited from a template (the seed's examples among them). */
export function StartForm() {
  const [template, setTemplate] = useState(TEMPLATES[0]!.id);
  const [text, setText] = useState(pretty(TEMPLATES[0]!.body));
  const [problem, setProblem] = useState<{ message: string; reasons?: string[] } | undefined>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (error) {
      setProblem({ message: `The payload is not JSON: ${(error as Error).message}` });
      return;
    }
    setBusy(true);
    try {
      const started = await postJson<{ queue_id: string }>('/queues/start', body);
      navigate(href.queue(started.queue_id));
    } catch (error) {
      setProblem(
        error instanceof ApiFailure
          ? { message: error.message, reasons: error.answer.reasons }
          : { message: String(error) },
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="start-title">
      <h1 id="start-title">Start a queue</h1>
      <form class="start" onSubmit={(e) => void submit(e)}>
        <label for="template">Template</label>
        <select
          id="template"
          value={template}
          onChange={(e) => {
            const chosen = TEMPLATES.find((t) => t.id === e.currentTarget.value);
            if (!chosen) return;
            setTemplate(chosen.id);
            setText(pretty(chosen.body));
            setProblem(undefined);
          }}
        >
          {TEMPLATES.map((t) => (
            <option value={t.id}>{t.label}</option>
          ))}
        </select>
        <label for="payload">Payload (POST /queues/start)</label>
        <textarea
          id="payload"
          rows={22}
          spellcheck={false}
          value={text}
          aria-describedby={problem ? 'start-problem' : undefined}
          onInput={(e) => setText(e.currentTarget.value)}
        />
        {problem && (
          <div id="start-problem" role="alert" class="error-text">
            <p>{problem.message}</p>
            {problem.reasons && (
              <ul>
                {problem.reasons.map((r) => (
                  <li>{r}</li>
                ))}
              </ul>
            )}
          </div>
        )}
        <div class="actions">
          <button type="submit" disabled={busy}>
            {busy ? 'Starting…' : 'Start queue'}
          </button>
        </div>
      </form>
    </section>
  );
}
