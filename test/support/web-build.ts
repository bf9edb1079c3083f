import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { WEB_OUT, WEB_SOURCE, buildWeb } from '../../scripts/build-web.ts';

function newest(dir: string): number {
  return readdirSync(dir).reduce((latest, name) => {
    const path = join(dir, name);
    const stat = statSync(path);
    return Math.max(latest, stat.isDirectory() ? newest(path) : stat.mtimeMs);
  }, 0);
}

/**
 * Builds dist/web (what `streamforge up` serves) unless a build newer than every file of web/ is
 * there: `npm ci` builds it, an edit of web/ since then is rebuilt here.
 */
export async function ensureWebBuild(): Promise<void> {
  const index = join(WEB_OUT, 'index.html');
  if (existsSync(index) && statSync(index).mtimeMs >= newest(WEB_SOURCE)) return;
  await buildWeb(WEB_OUT);
}

/** Chromium from Debian (apt-get install chromium), the browser the dashboard tests drive. */
export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'];
