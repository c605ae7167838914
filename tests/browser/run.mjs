// End-to-end test of the citizens' pages in a real headless browser (Debian's chromium driven by
// playwright-core). Starts `maslikhat serve --demo` on a temporary SQLite database and a free
// port, visits every page in each language, and fails on any console error, failed request or
// HTTP error status. Real records are imported first (`import --public-records`). Saves a screenshot of each page under tests/browser/output/.
//
// Usage: node tests/browser/run.mjs   (after `cargo build` and `npm ci` in tests/browser)
// MASLIKHAT_BIN and CHROMIUM override the binary and browser paths.

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { bin, browserPath, check, failures, freePort, here, root } from './harness.mjs';

const out = join(here, 'output');
mkdirSync(out, { recursive: true });

const tmp = mkdtempSync(join(tmpdir(), 'maslikhat-browser-'));
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const database = `sqlite://${join(tmp, 'db.sqlite')}?mode=rwc`;
// The real records compiled from public sources, beside the synthetic country.
const imported = spawnSync(bin, ['import', '--public-records', join(root, 'data', 'public-records', 'sessions.json'), '--database', database], {
  env: { ...process.env, MASLIKHAT_KEYS_DIR: join(tmp, 'keys'), RUST_LOG: 'warn' },
  encoding: 'utf8',
});
check(imported.status === 0, `import --public-records exits 0 (${(imported.stdout ?? '').trim()} ${(imported.stderr ?? '').trim()})`);
const server = spawn(bin, ['serve', '--demo', '--bind', `127.0.0.1:${port}`, '--database', database], {
  env: {
    ...process.env,
    MASLIKHAT_KEYS_DIR: join(tmp, 'keys'),
    MASLIKHAT_PUBLIC_URL: base,
    MASLIKHAT_READ_RATE_PER_SECOND: '100000',
    MASLIKHAT_READ_BURST: '100000',
    RUST_LOG: 'warn',
  },
  stdio: ['ignore', 'inherit', 'inherit'],
});
let browser;
try {
  // Ready once the demo sample is loaded: the home page lists councils.
  let ready = false;
  for (let i = 0; i < 600 && !ready; i++) {
    try {
      const r = await fetch(`${base}/v1/councils?limit=1`);
      ready = r.ok && (await r.json()).items.length > 0;
    } catch {
      /* not listening yet */
    }
    if (!ready) await new Promise((r) => setTimeout(r, 200));
  }
  if (!ready) throw new Error('the server did not start with the demo sample');

  // Pick a council, a session with named votes, and a deputy from the API.
  const councils = (await (await fetch(`${base}/v1/councils?limit=50`)).json()).items;
  const council = councils.find((c) => c.level === 'district') ?? councils[0];
  const votes = (await (await fetch(`${base}/v1/vote-events?council=${council.id}&method=roll_call&limit=1`)).json()).items;
  const anyVotes = votes.length ? votes : (await (await fetch(`${base}/v1/vote-events?council=${council.id}&limit=1`)).json()).items;
  const sessionId = anyVotes[0]?.session ?? (await (await fetch(`${base}/v1/sessions?council=${council.id}&limit=1`)).json()).items[0].id;
  const deputy = (await (await fetch(`${base}/v1/councils/${council.id}/deputies?limit=1`)).json()).items[0];

  const pages = [
    ['home', '/'],
    ['council', `/councils/${council.id}`],
    ['session', `/sessions/${sessionId}`],
    ['deputy', `/deputies/${deputy.id}`],
    ['verify', '/verify'],
    ['public-records', '/public-records'],
    ['public-records-council', '/public-records?council=akmola-oblast'],
    ['public-record', '/public-records/akmola-oblast-viii-04'],
  ];
  // Pages of real records only: no synthetic label, no chart required.
  const real = new Set(['public-records', 'public-records-council', 'public-record']);

  // A fresh profile directory each run (playwright passes it as --user-data-dir).
  const context = await chromium.launchPersistentContext(join(tmp, 'profile'), {
    executablePath: browserPath,
    headless: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
    locale: 'en-US',
    viewport: { width: 1200, height: 900 },
  });
  browser = context;
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  // A fetch still running when the test navigates away (the log check's) is aborted by the
  // browser, not failed by the server: every other failure counts.
  page.on('requestfailed', (r) => {
    if (r.failure()?.errorText !== 'net::ERR_ABORTED') problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
  });
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });

  for (const [name, path] of pages) {
    problems.length = 0;
    const resp = await page.goto(base + path, { waitUntil: 'load' });
    check(resp?.status() === 200, `${name}: ${path} answers 200 (got ${resp?.status()})`);
    check((await page.getAttribute('html', 'lang')) === 'en', `${name}: served in English for an English browser`);
    if (real.has(name)) {
      check(await page.locator('[data-synthetic]').count() === 0, `${name}: real records are not labelled synthetic`);
      check(await page.locator('[data-provenance="public_sources"]').count() === 1, `${name}: says the records come from public sources`);
    } else {
      check(await page.locator('[data-synthetic]').count() === 1, `${name}: says the data is synthetic`);
    }
    check(await page.locator('main h1').count() === 1, `${name}: has one main heading`);
    check(await page.locator('svg.chart').count() >= (['home', 'council', 'session', 'deputy'].includes(name) ? 1 : 0), `${name}: draws its charts`);
    await page.screenshot({ path: join(out, `${name}.png`), fullPage: true });
    check(problems.length === 0, `${name}: no console errors or failed requests ${problems.join('; ')}`);
  }

  // The session page checks its record against the log in the browser (no witnesses here).
  {
    problems.length = 0;
    await page.goto(`${base}/sessions/${sessionId}?lang=en`);
    await page.waitForFunction(() => !['static', 'checking'].includes(document.querySelector('[data-log-check]')?.dataset.logCheck));
    const text = await page.locator('[data-log-status]').innerText();
    check(text.startsWith('Verified against the log of size'), `session: the record is verified in the browser ("${text}")`);
    check(problems.length === 0, `session: the log check makes no failed request ${problems.join('; ')}`);
  }

  // Real records: the home page shows what is public today before the synthetic rankings, and
  // its numbers are the API's; a record page links each source out and its council to the list.
  {
    problems.length = 0;
    await page.goto(`${base}/?lang=en`);
    const order = await page.evaluate(() => {
      const a = document.getElementById('public-today');
      const b = document.getElementById('rank-open');
      return a && b ? a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING : 0;
    });
    check(order !== 0, 'home: "what is public today" comes before the rankings');
    const cov = await (await fetch(`${base}/v1/public-records/coverage`)).json();
    const shown = await page.locator('[data-cov="overall/notice_date"]').innerText();
    check(shown === String(cov.overall.notice_date.count), `home: notice-date coverage ${shown} = API ${cov.overall.notice_date.count}`);
    await page.locator('[data-section="public-today"] a[href="/public-records"]').click();
    await page.waitForLoadState('load');
    check(new URL(page.url()).pathname === '/public-records', 'home: links to the list of real records');
    await page.locator('a[href="/public-records/akmola-oblast-viii-04"]').click();
    await page.waitForLoadState('load');
    const rec = await (await fetch(`${base}/v1/public-records/akmola-oblast-viii-04`)).json();
    const hrefs = await page.locator('a[data-source]').evaluateAll((as) => as.map((a) => [a.getAttribute('href'), a.getAttribute('rel')]));
    for (const s of rec.sources) {
      check(hrefs.some(([h, r]) => h === s.url && r === 'noopener'), `record: links its source ${s.url} (rel=noopener)`);
    }
    check((await page.locator('[data-fact="notice_date"] time').innerText()) === rec.notice.date, `record: notice date ${rec.notice.date}`);
    const councilHref = await page.locator('a[data-council-link]').first().getAttribute('href');
    check(councilHref === '/public-records?council=akmola-oblast', `record: the council links to its records (${councilHref})`);
    check(problems.length === 0, `real records: no console errors or failed requests ${problems.join('; ')}`);
    const p3 = await context.newPage();
    await p3.setViewportSize({ width: 390, height: 844 });
    await p3.goto(`${base}/public-records/akmola-oblast-viii-04?lang=kk`);
    const over = await p3.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    check(over <= 1, `phone: the record page does not scroll sideways (overflow ${over}px)`);
    await p3.screenshot({ path: join(out, 'public-record-phone.png'), fullPage: true });
    const missingRecord = await p3.goto(`${base}/public-records/no-such-record`);
    check(missingRecord?.status() === 404, 'unknown record: 404 page');
    await p3.close();
    await page.goto(`${base}/?lang=en`);
  }

  // The council page links each openness component to the sessions behind it, one row per held
  // session with the API's per-session values.
  {
    await page.goto(`${base}/councils/${council.id}?lang=en`);
    const api = await (await fetch(`${base}/v1/councils/${council.id}/session-openness?limit=500`)).json();
    const rows = await page.locator('section[aria-labelledby="session-openness"] tr[data-session]').count();
    check(rows === api.items.length && rows > 0, `council: one row per held session (${rows} rows, API ${api.items.length})`);
    for (const c of ['notice', 'documents', 'open_items', 'broadcast', 'minutes', 'roll_call']) {
      check(await page.locator(`a[href="#so-${c}"]`).count() === 1 && await page.locator(`#so-${c}`).count() === 1, `council: ${c} links to its sessions`);
    }
    const first = api.items[0];
    const shown = await page.locator(`tr[data-session="${first.session}"] td[data-component="broadcast"]`).innerText();
    const want = first.broadcast.value === null ? 'no data' : `${Math.round(first.broadcast.value * 100)}`;
    check(shown.startsWith(want), `council: the first session's broadcast ${shown} is the API's ${want}`);
    // Its row links to the session page, which shows the same components as GET /v1/sessions/{id}.
    await page.locator(`tr[data-session="${first.session}"] th a`).click();
    const one = (await (await fetch(`${base}/v1/sessions/${first.session}`)).json()).openness;
    const cell = page.locator('section[aria-labelledby="session-openness"] td[data-component="broadcast"]');
    const onPage = await cell.innerText();
    const wantOne = one.broadcast.value === null ? 'no data' : `${Math.round(one.broadcast.value * 100)}`;
    check(new URL(page.url()).pathname === `/sessions/${first.session}`, `council: the session row opens /sessions/${first.session}`);
    check(onPage.startsWith(wantOne), `session: broadcast ${onPage} is the API's ${wantOne}`);
  }

  // The language switch changes the interface language and is remembered.
  problems.length = 0;
  await page.goto(`${base}/councils/${council.id}`);
  const enHeading = await page.locator('#openness').innerText();
  await page.getByRole('link', { name: 'Қазақша' }).click();
  await page.waitForLoadState('load');
  check((await page.getAttribute('html', 'lang')) === 'kk', 'switch: the page is now in Kazakh');
  const kkHeading = await page.locator('#openness').innerText();
  check(kkHeading !== enHeading && kkHeading.startsWith('Ашықтық'), `switch: the heading changed (${enHeading} → ${kkHeading})`);
  await page.screenshot({ path: join(out, 'council-kk.png'), fullPage: true });
  await page.goto(`${base}/`);
  check((await page.getAttribute('html', 'lang')) === 'kk', 'switch: the choice is remembered on the next page');
  await page.getByRole('link', { name: 'Русский' }).click();
  await page.waitForLoadState('load');
  check((await page.getAttribute('html', 'lang')) === 'ru' && (await page.locator('main h1').innerText()) === 'Картина по стране', 'switch: Russian');
  check(problems.length === 0, `switch: no console errors or failed requests ${problems.join('; ')}`);

  // Keyboard: the first Tab reaches the skip link, which moves focus to the content.
  await page.keyboard.press('Tab');
  check((await page.evaluate(() => document.activeElement?.className)) === 'skip', 'keyboard: Tab reaches the skip link first');

  // A phone-sized screen does not scroll sideways.
  const p2 = await context.newPage();
  await p2.setViewportSize({ width: 390, height: 844 });
  await p2.goto(`${base}/councils/${council.id}?lang=ru`);
  const overflow = await p2.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check(overflow <= 1, `phone: no sideways scrolling (overflow ${overflow}px)`);
  await p2.screenshot({ path: join(out, 'council-phone.png'), fullPage: true });

  // An unknown id is a 404 page.
  const missing = await page.goto(`${base}/councils/no-such-council`);
  check(missing?.status() === 404, 'unknown council: 404 page');
} catch (e) {
  failures.push(String(e?.stack ?? e));
  console.error(e);
} finally {
  if (browser) await browser.close();
  server.kill('SIGTERM');
  rmSync(tmp, { recursive: true, force: true });
}
if (failures.length) {
  console.error(`\n${failures.length} failure(s)`);
  process.exit(1);
}
console.log('\nbrowser tests passed; screenshots in tests/browser/output/');
