// What the browser test scripts share: where the binary and the browser are, free ports, and
// the ok/FAIL checklist.

import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const here = dirname(fileURLToPath(import.meta.url));
export const root = resolve(here, '..', '..');
export const bin = process.env.MASLIKHAT_BIN ?? join(root, 'target', 'debug', 'maslikhat');
export const browserPath = process.env.CHROMIUM ?? '/usr/bin/chromium';

// A loopback port nobody listens on now.
export function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.unref();
    s.on('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

// The checks that failed, for the exit status.
export const failures = [];

// Prints one check and remembers it if it failed.
export function check(cond, what) {
  if (!cond) failures.push(what);
  console.log(`${cond ? 'ok  ' : 'FAIL'} ${what}`);
}
