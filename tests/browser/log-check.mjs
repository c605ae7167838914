// The in-browser log check in headless Debian chromium: `maslikhat serve --demo` with one witness
// (`maslikhat witness serve`) and a quorum of 1. An honest server's session page says the record
// is verified against the log of size N, cosigned by the witness, in kk, ru and en; with the
// served document, the inclusion proof, the checkpoint's signature or the witness's cosignature
// altered in flight it says verification failed; with JavaScript off the page still renders.
//
// Usage: node tests/browser/log-check.mjs   (after `cargo build` and `npm ci` in tests/browser)
// MASLIKHAT_BIN and CHROMIUM override the binary and browser paths.

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { bin, browserPath, check, failures, freePort } from './harness.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const tmp = mkdtempSync(join(tmpdir(), 'maslikhat-log-check-'));
const [port, witnessPort] = [await freePort(), await freePort()];
const base = `http://127.0.0.1:${port}`;
const witnessUrl = `http://127.0.0.1:${witnessPort}`;
const env = { ...process.env, MASLIKHAT_KEYS_DIR: join(tmp, 'keys'), RUST_LOG: 'warn' };

const generated = spawnSync(bin, ['witness', 'keys', 'generate', '--name', 'witness.test/w1', '--key', join(tmp, 'witness.key')], {
  env,
  encoding: 'utf8',
});
check(generated.status === 0, `witness keys generate exits 0 ${generated.stderr ?? ''}`);
const witnessKey = generated.stdout.trim();

const children = [];
const server = spawn(bin, ['serve', '--demo', '--bind', `127.0.0.1:${port}`, '--database', `sqlite://${join(tmp, 'db.sqlite')}?mode=rwc`], {
  env: {
    ...env,
    MASLIKHAT_PUBLIC_URL: base,
    MASLIKHAT_READ_RATE_PER_SECOND: '100000',
    MASLIKHAT_READ_BURST: '100000',
    MASLIKHAT_CHANGE_POLL_MS: '200',
    MASLIKHAT_WITNESSES: `[{url="${witnessUrl}", verifier_key="${witnessKey}"}]`,
    MASLIKHAT_WITNESS_QUORUM: '1',
  },
  stdio: ['ignore', 'inherit', 'inherit'],
});
children.push(server);

let browser;
try {
  let ready = false;
  for (let i = 0; i < 600 && !ready; i++) {
    try {
      const r = await fetch(`${base}/v1/councils?limit=1`);
      ready = r.ok && (await r.json()).items.length > 0;
    } catch {
      /* not listening yet */
    }
    if (!ready) await sleep(200);
  }
  if (!ready) throw new Error('the server did not start with the demo sample');

  // The witness follows this log's key, which the server made on its first start.
  const logKey = (await (await fetch(`${base}/v1/log/keys`)).json()).items[0].verifier_key;
  const witness = spawn(bin, ['witness', 'serve', '--bind', `127.0.0.1:${witnessPort}`, '--key', join(tmp, 'witness.key'),
    '--database', `sqlite://${join(tmp, 'witness.sqlite')}?mode=rwc`, '--log', logKey], { env, stdio: ['ignore', 'inherit', 'inherit'] });
  children.push(witness);
  let size = 0;
  for (let i = 0; i < 300; i++) {
    const cp = await (await fetch(`${base}/v1/log/checkpoint`)).json();
    const head = (await (await fetch(`${base}/v1/log/entries?start=0&end=0`)).json()).tree_size;
    if (cp.cosigned_by.length === 1 && cp.tree_size === head) {
      size = cp.tree_size;
      break;
    }
    await sleep(200);
  }
  check(size > 0, `the witness cosigned the newest checkpoint (${size} entries)`);

  const votes = (await (await fetch(`${base}/v1/vote-events?method=roll_call&limit=1`)).json()).items;
  const sessionId = votes[0].session;

  const launch = (javaScriptEnabled = true) =>
    browser.newContext({ javaScriptEnabled, locale: 'en-US', viewport: { width: 1200, height: 900 } });
  browser = await chromium.launch({
    executablePath: browserPath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking'],
  });

  // Opens `path` in a fresh context (nothing remembered), optionally altering one response,
  // and returns the check's final state and text.
  async function visit(path, alter) {
    const context = await launch();
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    if (alter) await context.route(alter.url, async (route) => {
      const response = await route.fetch();
      const body = alter.change(await response.text());
      await route.fulfill({ response, body });
    });
    await page.goto(base + path, { waitUntil: 'load' });
    await page.waitForFunction(() => {
      const s = document.querySelector('[data-log-check]')?.dataset.logCheck;
      return s && s !== 'static' && s !== 'checking';
    }, null, { timeout: 20000 });
    const state = await page.getAttribute('[data-log-check]', 'data-log-check');
    const text = await page.locator('[data-log-status]').innerText();
    await context.close();
    return { state, text, errors };
  }

  for (const [lang, phrase] of [['en', `Verified against the log of size ${size}, cosigned by witness.test/w1.`],
    ['ru', `Проверено по журналу из ${size} записей, заверенному свидетелями: witness.test/w1.`],
    ['kk', `${size} жазбадан тұратын журнал бойынша тексерілді, куәлар растаған: witness.test/w1.`]]) {
    const r = await visit(`/sessions/${sessionId}?lang=${lang}`);
    check(r.state === 'verified' && r.text === phrase, `honest session page (${lang}): "${r.text}"`);
    check(r.errors.length === 0, `honest session page (${lang}): no page errors ${r.errors.join('; ')}`);
  }
  const v = await visit('/verify?lang=en');
  check(v.state === 'verified' && v.text.includes(`size ${size}`) && v.text.includes('witness.test/w1'), `/verify: "${v.text}"`);

  // Flips one base64 character of the signature line that starts with `prefix`.
  const flipLine = (prefix) => (note) =>
    note.split('\n').map((l) => {
      if (!l.startsWith(prefix)) return l;
      const at = l.length - 10;
      return l.slice(0, at) + (l[at] === 'A' ? 'B' : 'A') + l.slice(at + 1);
    }).join('\n');
  const origin = `\u2014 127.0.0.1:${port}/log `;
  const tampered = [
    ['the served document', '**/v1/log/entries/*/document', (b) => b.replace('"option":"yes"', '"option":"no"').replace('"result":"pass"', '"result":"fail"'), 'does not match'],
    ['the inclusion proof', '**/v1/log/proofs/inclusion*', (b) => {
      const p = JSON.parse(b);
      p.proof[0] = (p.proof[0][0] === 'A' ? 'B' : 'A') + p.proof[0].slice(1);
      return JSON.stringify(p);
    }, 'inclusion proof'],
    ["the checkpoint's signature", '**/log/checkpoint', flipLine(origin), 'not validly signed'],
    ["the witness's cosignature", '**/log/checkpoint', flipLine('\u2014 witness.test/w1 '), 'only 0 of the 1'],
  ];
  for (const [what, url, change, reason] of tampered) {
    const r = await visit(`/sessions/${sessionId}?lang=en`, { url, change });
    check(r.state === 'failed' && r.text.startsWith('Verification FAILED') && r.text.includes(reason), `${what} altered: "${r.text}"`);
  }

  // The page itself showing another ballot than the logged record is caught too.
  {
    const r = await visit(`/sessions/${sessionId}?lang=en`, {
      url: `**/sessions/${sessionId}?lang=en`,
      change: (html) => html.replace(/data-option="(yes|no)"/, (_, o) => `data-option="${o === 'yes' ? 'no' : 'yes'}"`),
    });
    check(r.state === 'failed' && r.text.includes('votes that differ'), `a ballot altered on the page: "${r.text}"`);
  }

  // A browser remembers the checkpoint it verified: the next visit proves the log grew from it
  // (RFC 9162 consistency), and a proof that does not hold fails the page.
  {
    const context = await launch();
    const page = await context.newPage();
    const settle = () => page.waitForFunction(() => !['static', 'checking'].includes(document.querySelector('[data-log-check]')?.dataset.logCheck));
    await page.goto(`${base}/sessions/${sessionId}?lang=en`);
    await settle();
    const token = spawnSync(bin, ['token', 'issue', '--role', 'admin'], { env, encoding: 'utf8' }).stdout.trim();
    const put = await fetch(`${base}/v1/parties/browser-test`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ names: { kk: 'Сынақ', ru: 'Тест' }, registration_status: 'registered' }),
    });
    check(put.status === 201, `a new version is published (${put.status})`);
    for (let i = 0; i < 100; i++) {
      const cp = await (await fetch(`${base}/v1/log/checkpoint`)).json();
      if (cp.tree_size === size + 1 && cp.cosigned_by.length === 1) break;
      await sleep(200);
    }
    await page.reload();
    await settle();
    const grown = await page.locator('[data-log-status]').innerText();
    check(grown === `Verified against the log of size ${size + 1}, cosigned by witness.test/w1.`, `the next visit after the log grew: "${grown}"`);
    // The witnesses remembered from the first visit must still cosign: a server that now
    // announces another witness (one it controls) with a quorum of 0 and serves the checkpoint
    // without w1's cosignature is not believed.
    const other = spawnSync(bin, ['witness', 'keys', 'generate', '--name', 'witness.test/mine', '--key', join(tmp, 'mine.key')], { encoding: 'utf8' });
    check(other.status === 0, 'a second witness key is made');
    await context.route('**/v1/log/keys', async (route) => {
      const response = await route.fetch();
      const k = await response.json();
      k.witnesses = [{ ...k.witnesses[0], verifier_key: other.stdout.trim() }];
      k.witness_quorum = 0;
      await route.fulfill({ response, body: JSON.stringify(k) });
    });
    await context.route('**/log/checkpoint', async (route) => {
      const response = await route.fetch();
      const note = (await response.text()).split('\n').filter((l) => !l.startsWith('\u2014 witness.test/w1 ')).join('\n');
      await route.fulfill({ response, body: note });
    });
    await page.reload();
    await settle();
    const swapped = await page.locator('[data-log-status]').innerText();
    check(swapped.startsWith('Verification FAILED') && swapped.includes('only 0 of the 1'), `witnesses swapped after the first visit: "${swapped}"`);
    await context.unroute('**/v1/log/keys');
    await context.unroute('**/log/checkpoint');
    const put2 = await fetch(`${base}/v1/parties/browser-test-2`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ names: { kk: 'Сынақ 2', ru: 'Тест 2' }, registration_status: 'registered' }),
    });
    check(put2.status === 201, 'another version is published');
    for (let i = 0; i < 100; i++) {
      if ((await (await fetch(`${base}/v1/log/checkpoint`)).json()).tree_size === size + 2) break;
      await sleep(200);
    }
    await context.route('**/v1/log/proofs/consistency*', async (route) => {
      const response = await route.fetch();
      const p = await response.json();
      p.proof[0] = (p.proof[0][0] === 'A' ? 'B' : 'A') + p.proof[0].slice(1);
      await route.fulfill({ response, body: JSON.stringify(p) });
    });
    await page.reload();
    await settle();
    const forked = await page.locator('[data-log-status]').innerText();
    check(forked.startsWith('Verification FAILED') && forked.includes('not consistent'), `a log that does not extend the remembered one: "${forked}"`);
    await context.close();
  }

  // Without JavaScript: the page renders, and says how to check without it.
  {
    const context = await launch(false);
    const page = await context.newPage();
    const resp = await page.goto(`${base}/sessions/${sessionId}?lang=en`);
    check(resp?.status() === 200, 'no JavaScript: the session page answers 200');
    check((await page.locator('main h1').count()) === 1 && (await page.locator('[data-vote]').count()) > 0, 'no JavaScript: the page shows the session and its votes');
    const state = await page.getAttribute('[data-log-check]', 'data-log-check');
    const text = await page.locator('[data-log-status]').innerText();
    check(state === 'static' && text.includes('maslikhat verify'), `no JavaScript: "${text}"`);
    await context.close();
  }
} catch (e) {
  failures.push(String(e?.stack ?? e));
  console.error(e);
} finally {
  await browser?.close();
  for (const c of children) c.kill('SIGTERM');
  await sleep(300);
  rmSync(tmp, { recursive: true, force: true });
}
if (failures.length) {
  console.error(`\n${failures.length} failure(s)`);
  process.exit(1);
}
console.log('\nlog check: all passed');
