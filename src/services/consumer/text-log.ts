/** LOG_FORMAT=text: pino's JSON lines rewritten as "time LEVEL message key=value…" for a terminal. */
export function textLogDestination(out: NodeJS.WritableStream = process.stdout): {
  write(line: string): void;
} {
  return {
    write(line: string): void {
      out.write(`${formatLine(line)}\n`);
    },
  };
}

const SKIP = new Set(['time', 'level', 'msg', 'service', 'pid', 'hostname']);

export function formatLine(line: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line.trimEnd();
  }
  const fields = Object.entries(entry)
    .filter(([key]) => !SKIP.has(key))
    .map(
      ([key, value]) =>
        `${key}=${typeof value === 'string' && !/\s/.test(value) ? value : JSON.stringify(value)}`,
    );
  const level = text(entry.level).toUpperCase().padEnd(5);
  return [text(entry.time), level, text(entry.msg), ...fields].filter(Boolean).join(' ');
}

function text(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}
