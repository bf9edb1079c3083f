/**
 * Calls `onSignal` on the first SIGTERM or SIGINT so the service can stop taking work, end what is in
 * flight and publish its last event. A second signal exits at once (130), for a person at a terminal.
 * Returns a function that removes the handlers.
 */
export function onShutdownSignal(onSignal: (signal: NodeJS.Signals) => void): () => void {
  let received = false;
  const handler = (signal: NodeJS.Signals): void => {
    if (received) process.exit(130);
    received = true;
    onSignal(signal);
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
  return () => {
    process.off('SIGTERM', handler);
    process.off('SIGINT', handler);
  };
}
