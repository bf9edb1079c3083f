import { useEffect, useRef, useState } from 'preact/hooks';
import { onTokenNeeded, storeToken, storedToken } from '../api.ts';

interface Pending {
  reason: string;
  resolve: (token: string | null) => void;
}

/** The modal that asks for QUEUE_MANAGER_TOKEN when a button's request answers 401. */
export function TokenDialog() {
  const [pending, setPending] = useState<Pending | undefined>();
  const [value, setValue] = useState('');
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(
    () =>
      onTokenNeeded(
        (reason) =>
          new Promise((resolve) => {
            setValue('');
            setPending({ reason, resolve });
          }),
      ),
    [],
  );
  useEffect(() => {
    if (pending && dialog.current && !dialog.current.open) dialog.current.showModal();
  }, [pending]);
  const finish = (token: string | null): void => {
    dialog.current?.close();
    pending?.resolve(token);
    setPending(undefined);
  };
  return (
    <dialog ref={dialog} aria-labelledby="token-title" onCancel={() => finish(null)}>
      <form
        method="dialog"
        onSubmit={(e) => {
          e.preventDefault();
          finish(value.trim() || null);
        }}
      >
        <h2 id="token-title">Token needed</h2>
        <p>{pending?.reason} It is kept for this tab only (sessionStorage).</p>
        <label for="token-input">QUEUE_MANAGER_TOKEN</label>
        <input
          id="token-input"
          type="password"
          autocomplete="off"
          value={value}
          onInput={(e) => setValue(e.currentTarget.value)}
          autofocus
        />
        <div class="actions">
          <button type="submit">Use token</button>
          <button type="button" onClick={() => finish(null)}>
            Cancel
          </button>
        </div>
      </form>
    </dialog>
  );
}

/** Shows whether a token is stored and lets the user forget it. */
export function TokenStatus() {
  const [token, setToken] = useState(storedToken());
  if (!token) return null;
  return (
    <button
      type="button"
      class="link"
      onClick={() => {
        storeToken(null);
        setToken(null);
      }}
    >
      Forget token
    </button>
  );
}
