// Preloaded with `node --import`: writes every module file the process loaded to $TRACE_IMPORTS_FILE at
// exit, one URL a line. For tests of what a command does not load.
import { writeFileSync } from 'node:fs';
import { registerHooks } from 'node:module';

const loaded = new Set<string>();
registerHooks({
  load(url, context, nextLoad) {
    loaded.add(url);
    return nextLoad(url, context);
  },
});
process.on('exit', () => {
  if (process.env.TRACE_IMPORTS_FILE) writeFileSync(process.env.TRACE_IMPORTS_FILE, [...loaded].join('\n'));
});
