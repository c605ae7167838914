// Pages that answer at a glance (issue 19, item 3), in headless Chromium at 1280 px and 390 px on
// the default first-start data (the demo country) beside the real public records:
//   - the home page is about three screens tall on a desktop;
//   - from the home page's search box to a deputy's page in two steps;
//   - no SVG text is clipped: every text box lies inside its chart's view box;
//   - SVG text is legible on a phone: at 390 px every chart text is drawn at 11 px or more (its
//     font size scaled by the chart's drawn width over its view box width), and no two texts of a
//     chart overlap (the year labels of the "by year" charts, their legends);
//   - no untranslated enumeration word (`public_sources`, `national`, `kid`, …) on any page, in
//     any language. The enumeration words are every `enum` value of the OpenAPI document.
//
// Usage: node tests/browser/glance.mjs   (after `cargo build` and `npm ci` in tests/browser)

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { bin, browserPath, check, failures, freePort, here, root } from './harness.mjs';

const out = join(here, 'output');
mkdirSync(out, { recursive: true });

// How tall the home page may be on a 1280 × 800 desktop: about three screens.
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const MAX_DESKTOP_SCREENS = 3.5;
// The smallest text a chart may draw on the phone, in CSS px.
const MIN_PHONE_TEXT = 11;

// Every enumeration value the API defines, plus the field name known to have leaked.
function enumWords() {
  const spec = JSON.parse(readFileSync(join(root, 'openapi', 'openapi.json'), 'utf8'));
  const words = new Set(['kid']);
  const walk = (v) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      if (Array.isArray(v.enum)) for (const e of v.enum) if (typeof e === 'string' && /^[a-z][a-z_]*$/.test(e)) words.add(e);
      Object.values(v).forEach(walk);
    }
  };
  walk(spec);
  return words;
}
const ENUM_WORDS = enumWords();

const tmp = mkdtempSync(join(tmpdir(), 'maslikhat-glance-'));
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
// GLANCE_DATABASE (with GLANCE_KEYS_DIR) runs the checks on a database already loaded, e.g. the
// whole synthetic country (`maslikhat demo --scale 1`) beside the real records.
const given = process.env.GLANCE_DATABASE;
const keys = process.env.GLANCE_KEYS_DIR ?? join(tmp, 'keys');
const database = given ?? `sqlite://${join(tmp, 'db.sqlite')}?mode=rwc`;
const imported = given ? { status: 0 } : spawnSync(bin, ['import', '--public-records', join(root, 'data', 'public-records', 'sessions.json'), '--database', database], {
  env: { ...process.env, MASLIKHAT_KEYS_DIR: keys, RUST_LOG: 'warn' },
  encoding: 'utf8',
});
check(imported.status === 0, `import --public-records exits 0 (${(imported.stderr ?? '').trim()})`);
const server = spawn(bin, ['serve', given ? '--no-demo' : '--demo', '--bind', `127.0.0.1:${port}`, '--database', database], {
  env: {
    ...process.env,
    MASLIKHAT_KEYS_DIR: keys,
    MASLIKHAT_PUBLIC_URL: base,
    MASLIKHAT_READ_RATE_PER_SECOND: '100000',
    MASLIKHAT_READ_BURST: '100000',
    RUST_LOG: 'warn',
  },
  stdio: ['ignore', 'inherit', 'inherit'],
});
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
    if (!ready) await new Promise((r) => setTimeout(r, 200));
  }
  if (!ready) throw new Error('the server did not start with the demo sample');
  check(ENUM_WORDS.size > 50 && ENUM_WORDS.has('public_sources') && ENUM_WORDS.has('national'), `enumeration words from the OpenAPI document (${ENUM_WORDS.size})`);

  const councils = (await (await fetch(`${base}/v1/councils?level=district&limit=1`)).json()).items;
  const council = councils[0];
  const votes = (await (await fetch(`${base}/v1/vote-events?council=${council.id}&limit=1`)).json()).items;
  const sessionId = votes[0]?.session ?? (await (await fetch(`${base}/v1/sessions?council=${council.id}&limit=1`)).json()).items[0].id;
  const deputy = (await (await fetch(`${base}/v1/councils/${council.id}/deputies?limit=1`)).json()).items[0];
  const region = council.parent;

  const pages = [
    ['home', '/'],
    ['home-region', `/?region=${region}`],
    ['rankings', '/rankings'],
    ['council', `/councils/${council.id}`],
    ['session', `/sessions/${sessionId}`],
    ['session-diff', `/sessions/${sessionId}/diff?from=1&to=1`],
    ['deputy', `/deputies/${deputy.id}`],
    ['verify', '/verify'],
    ['search', `/search?q=${encodeURIComponent(deputy.names.ru ?? deputy.names.kk)}`],
    ['public-records', '/public-records'],
    ['public-record', '/public-records/akmola-oblast-viii-04'],
  ];

  browser = await chromium.launchPersistentContext(join(tmp, 'profile'), {
    executablePath: browserPath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    locale: 'en-US',
    viewport: DESKTOP,
  });
  const page = await browser.newPage();

  // The visible text of the page without code, preformatted text and addresses, which show
  // API requests and identifiers on purpose.
  const visibleText = () => page.evaluate(() => {
    const body = document.body.cloneNode(true);
    for (const el of body.querySelectorAll('code, pre, script, style, a.url, [data-source], title')) el.remove();
    return body.innerText.replace(/https?:\/\/\S+/g, ' ').replace(/\b[\w.-]+\.(kz|org|com|net)\S*/g, ' ');
  });

  for (const [vw, vname] of [[DESKTOP, 'desktop'], [PHONE, 'phone']]) {
    await page.setViewportSize(vw);

    // Home page height.
    for (const lang of ['kk', 'ru', 'en']) {
      await page.goto(`${base}/?lang=${lang}`, { waitUntil: 'load' });
      const h = await page.evaluate(() => document.documentElement.scrollHeight);
      const screens = h / vw.height;
      console.log(`     home ${lang} ${vname}: ${h} px = ${screens.toFixed(2)} screens of ${vw.height} px`);
      if (vname === 'desktop') check(screens <= MAX_DESKTOP_SCREENS, `home ${lang} ${vname}: about three screens (${h} px, ${screens.toFixed(2)} ≤ ${MAX_DESKTOP_SCREENS})`);
      else check(h < 43300 / 4, `home ${lang} ${vname}: a quarter of the old 43,300 px at most (${h} px)`);
      const over = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      check(over <= 1, `home ${lang} ${vname}: no sideways scrolling (overflow ${over} px)`);
      // What the issue puts at the top: the search box and "find my council" before the rankings.
      const top = await page.evaluate(() => {
        const y = (s) => document.querySelector(s)?.getBoundingClientRect().top ?? Infinity;
        return { search: y('[data-home-search]'), find: y('select[name=region]'), rank: y('#rank-open') };
      });
      check(top.search < top.rank && top.find < top.rank && top.search < vw.height * 1.2, `home ${lang} ${vname}: search box (${Math.round(top.search)} px) and region choice come first`);
      await page.screenshot({ path: join(out, `glance-home-${lang}-${vname}.png`), fullPage: true });
    }

    // From the home page to a deputy in two steps: type the name and search, then follow the hit.
    for (const [lang, name] of [['ru', deputy.names.ru], ['kk', deputy.names.kk], ['en', deputy.names['kk-Latn'] ?? deputy.names.en]]) {
      if (!name) continue;
      await page.goto(`${base}/?lang=${lang}`, { waitUntil: 'load' });
      await page.locator('[data-home-search]').fill(name);
      await page.locator('[data-home-search]').press('Enter'); // step 1
      await page.waitForLoadState('load');
      const hit = page.locator(`li[data-kind="deputy"] a[href="/deputies/${deputy.id}"]`).first();
      const found = (await hit.count()) === 1;
      check(found, `search ${lang} ${vname}: "${name}" finds the deputy on ${new URL(page.url()).pathname}`);
      if (found) {
        await hit.click(); // step 2
        await page.waitForLoadState('load');
      }
      check(new URL(page.url()).pathname === `/deputies/${deputy.id}`, `search ${lang} ${vname}: home → results → /deputies/${deputy.id} in two steps`);
    }

    // "Find my council" without script: choose the region, submit, follow the council's link.
    await page.goto(`${base}/?lang=en`, { waitUntil: 'load' });
    await page.locator('select[name=region]').selectOption(region);
    await page.locator('form:has(select[name=region]) button').click();
    await page.waitForLoadState('load');
    const link = page.locator(`ul.councils a[href="/councils/${council.id}"]`);
    check((await link.count()) === 1, `find ${vname}: the region ${region} lists the council ${council.id}`);

    for (const lang of ['kk', 'ru', 'en']) {
      for (const [name, path] of pages) {
        const sep = path.includes('?') ? '&' : '?';
        const resp = await page.goto(`${base}${path}${sep}lang=${lang}`, { waitUntil: 'load' });
        check(resp?.status() === 200, `${name} ${lang} ${vname}: 200 (got ${resp?.status()})`);

        // No clipped SVG text: each text's box lies inside its chart's view box.
        const clipped = await page.evaluate(() => {
          const bad = [];
          let n = 0;
          for (const svg of document.querySelectorAll('svg')) {
            const vb = svg.viewBox.baseVal;
            if (!vb || vb.width === 0) continue;
            for (const t of svg.querySelectorAll('text')) {
              n++;
              const b = t.getBBox();
              if (b.width === 0) continue;
              if (b.x < vb.x - 0.5 || b.y < vb.y - 0.5 || b.x + b.width > vb.x + vb.width + 0.5 || b.y + b.height > vb.y + vb.height + 0.5) {
                bad.push(`"${t.textContent}" [${b.x.toFixed(0)},${b.y.toFixed(0)} ${b.width.toFixed(0)}×${b.height.toFixed(0)}] outside ${vb.width}×${vb.height}`);
              }
            }
          }
          return { n, bad };
        });
        check(clipped.bad.length === 0, `${name} ${lang} ${vname}: no clipped SVG text (${clipped.n} texts) ${clipped.bad.slice(0, 3).join('; ')}`);

        if (vname === 'phone') {
          // Drawn size = font size in view box units × drawn width / view box width.
          const legible = await page.evaluate((min) => {
            const small = [];
            const overlaps = [];
            let n = 0;
            let least = Infinity;
            for (const svg of document.querySelectorAll('svg')) {
              const vb = svg.viewBox.baseVal;
              const drawn = svg.getBoundingClientRect().width;
              if (!vb || vb.width === 0 || drawn === 0) continue;
              const boxes = [];
              for (const t of svg.querySelectorAll('text')) {
                n++;
                const px = (parseFloat(getComputedStyle(t).fontSize) * drawn) / vb.width;
                least = Math.min(least, px);
                if (px < min - 0.01) small.push(`"${t.textContent}" ${px.toFixed(1)} px`);
                const r = t.getBoundingClientRect();
                if (r.width > 0) boxes.push([t.textContent, r]);
              }
              for (let i = 0; i < boxes.length; i++) {
                for (let j = i + 1; j < boxes.length; j++) {
                  const [a, r] = boxes[i];
                  const [b, q] = boxes[j];
                  const x = Math.min(r.right, q.right) - Math.max(r.left, q.left);
                  const y = Math.min(r.bottom, q.bottom) - Math.max(r.top, q.top);
                  if (x > 1 && y > 1) overlaps.push(`"${a}" × "${b}"`);
                }
              }
            }
            return { n, least: n ? least : null, small, overlaps };
          }, MIN_PHONE_TEXT);
          check(legible.small.length === 0, `${name} ${lang} phone: chart text at least ${MIN_PHONE_TEXT} px (${legible.n} texts, smallest ${legible.least?.toFixed(1) ?? '-'} px) ${legible.small.slice(0, 3).join('; ')}`);
          check(legible.overlaps.length === 0, `${name} ${lang} phone: no chart texts overlap ${legible.overlaps.slice(0, 3).join('; ')}`);
        }

        if (vname === 'desktop') {
          // No raw enumeration words: a snake_case value anywhere in the visible text; a text
          // piece (between "·", ",", ";", brackets) that is an enumeration word on its own (in
          // Kazakh and Russian any of them, in English those that are no English word).
          const text = await visibleText();
          const raw = new Set();
          for (const w of text.match(/\b[a-z]+(?:_[a-z]+)+\b/g) ?? []) if (ENUM_WORDS.has(w)) raw.add(w);
          const pieces = await page.evaluate(() => {
            const out = [];
            const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
            for (let n = walk.nextNode(); n; n = walk.nextNode()) {
              if (n.parentElement?.closest('code, pre, script, style, title, [data-source]')) continue;
              for (const piece of n.textContent.split(/[·,;:()]/)) out.push(piece.trim());
            }
            return out;
          });
          for (const w of pieces) {
            if (ENUM_WORDS.has(w) && (lang !== 'en' || /_|^national$|^kid$/.test(w))) raw.add(w);
          }
          check(raw.size === 0, `${name} ${lang}: no raw enumeration words ${[...raw].join(', ')}`);
        }
      }
    }
  }
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
console.log('\nglance checks passed; screenshots in tests/browser/output/');
