// A browser app on another origin uses the API (issue 23): a page served from a second loopback
// origin does a cross-origin GET and reads `ETag` and `Link` (exposed by CORS), then a PUT with
// `Authorization` and `If-Match`, which needs a preflight, and reads the refusal. Headless Debian
// chromium, driven by playwright-core.
//
// Usage: node tests/browser/cors-check.mjs   (after `cargo build` and `npm ci` in tests/browser)

import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { bin, browserPath, check, failures, freePort } from './harness.mjs';

const tmp = mkdtempSync(join(tmpdir(), 'maslikhat-cors-'));
const env = { ...process.env, MASLIKHAT_KEYS_DIR: join(tmp, 'keys'), MASLIKHAT_SQLITE_PATH: join(tmp, 'db.sqlite'), RUST_LOG: 'warn' };
delete env.DATABASE_URL;
delete env.MASLIKHAT_DATABASE_URL;
delete env.MASLIKHAT_PUBLIC_URL;
spawnSync(bin, ['keys', 'generate'], { env });
const admin = spawnSync(bin, ['token', 'issue', '--role', 'admin', '--lifetime', '1h'], { env, encoding: 'utf8' }).stdout.trim();
const apiPort = await freePort();
const api = `http://127.0.0.1:${apiPort}`;
const server = spawn(bin, ['serve', '--no-demo', '--bind', `127.0.0.1:${apiPort}`], { env, stdio: ['ignore', 'inherit', 'inherit'] });

// The app's own origin: another port, so every call to the API is cross-origin.
const appPort = await freePort();
const appOrigin = `http://127.0.0.1:${appPort}`;
const page = `<!doctype html><meta charset="utf-8"><title>app</title><script>
async function run(api, token) {
  const r = await fetch(api + '/v1/councils?limit=1');
  const body = await r.json();
  const put = await fetch(api + '/v1/councils/' + body.items[0].id, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json', 'Authorization': 'Bearer ' + token, 'If-Match': '"stale"' },
    body: JSON.stringify({ names: { ru: 'x' }, level: 'district', seats: 5 }),
  });
  return { status: r.status, etag: r.headers.get('ETag'), link: r.headers.get('Link'), next: body.links.next,
           cursor: body.links.cursor, putStatus: put.status, putType: (await put.json()).type,
           requestId: put.headers.get('X-Request-Id') };
}
</script>`;
const app = createServer((_, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page));
await new Promise((ok) => app.listen(appPort, '127.0.0.1', ok));

let browser;
try {
  let ready = false;
  for (let i = 0; i < 300 && !ready; i++) {
    ready = await fetch(`${api}/ready`).then((r) => r.ok, () => false);
    if (!ready) await new Promise((r) => setTimeout(r, 200));
  }
  check(ready, 'the API server is ready');
  const council = (id) => ({ names: { ru: `Маслихат ${id}` }, level: 'district', seats: 5, convocations: [{ number: 'VIII', start_date: '2023-03-19' }] });
  for (const id of ['cors-a', 'cors-b']) {
    const r = await fetch(`${api}/v1/councils/${id}`, { method: 'PUT', headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` }, body: JSON.stringify(council(id)) });
    check(r.status === 201, `council ${id} created (${r.status})`);
  }
  browser = await chromium.launch({ executablePath: browserPath, args: ['--no-sandbox'] });
  const tab = await browser.newPage();
  const errors = [];
  tab.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await tab.goto(appOrigin);
  const seen = await tab.evaluate(([a, t]) => run(a, t), [api, admin]);
  console.log(JSON.stringify(seen));
  check(seen.status === 200, 'the cross-origin GET answers 200');
  check(/^"[^"]+"$/.test(seen.etag ?? ''), `the page reads ETag (${seen.etag})`);
  check(seen.link === `<${seen.next}>; rel="next"`, `the page reads Link, the same URL as links.next (${seen.link})`);
  check(typeof seen.cursor === 'string' && seen.next.includes('cursor='), 'links.cursor beside links.next');
  check(seen.putStatus === 412 && seen.putType === '/problems/precondition-failed', `the preflighted PUT is let through and its refusal read (${seen.putStatus})`);
  check(typeof seen.requestId === 'string' && seen.requestId.length > 0, 'the page reads X-Request-Id');
  // Chromium logs every 4xx as "Failed to load resource"; the 412 is the one asked for.
  const cors = errors.filter((e) => /CORS|Access-Control|cross-origin/i.test(e));
  check(cors.length === 0, `no CORS errors in the console (${cors.join('; ')})`);
} catch (e) {
  check(false, `cross-origin check ran: ${e.stack ?? e}`);
} finally {
  await browser?.close();
  app.close();
  server.kill();
  rmSync(tmp, { recursive: true, force: true });
}
if (failures.length) {
  console.log(`${failures.length} check(s) failed`);
  process.exit(1);
}
console.log('cross-origin check passed');
