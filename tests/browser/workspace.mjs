// The publisher workspace start to end in headless Debian chromium, with JavaScript off (the
// workspace must work without it): an admin (created with `maslikhat account create`) creates a
// clerk in the browser; the clerk signs in with the one-time link, builds a 25-deputy roster,
// opens a session, adds 3 agenda items and 2 documents with declared public times, uploads one
// roll call as CSV and one as XLSX in which 2 names are spelled differently from the roster,
// matches those 2 in the review, publishes, then corrects the record with a reason. The API then
// serves exactly those facts, the log grew by exactly 3 leaves (roster, record, correction), and
// the citizens' page shows them. Prints every step, the number of steps and the time taken.
//
// Usage: node tests/browser/workspace.mjs   (after `cargo build` and `npm ci` in tests/browser)
// MASLIKHAT_BIN and CHROMIUM override the binary and browser paths.

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { bin, browserPath, check, failures, freePort, root } from './harness.mjs';

const samples = join(root, 'data', 'rollcall-samples');
const tmp = mkdtempSync(join(tmpdir(), 'maslikhat-workspace-'));
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const database = `sqlite://${join(tmp, 'db.sqlite')}?mode=rwc`;
const env = {
  ...process.env,
  MASLIKHAT_KEYS_DIR: join(tmp, 'keys'),
  MASLIKHAT_PUBLIC_URL: base,
  MASLIKHAT_READ_RATE_PER_SECOND: '100000',
  MASLIKHAT_READ_BURST: '100000',
  MASLIKHAT_WRITE_RATE_PER_SECOND: '100000',
  MASLIKHAT_WRITE_BURST: '100000',
  RUST_LOG: 'warn',
};
const run = (args) => {
  const r = spawnSync(bin, args, { env, encoding: 'utf8' });
  check(r.status === 0, `maslikhat ${args.slice(0, 2).join(' ')} exits 0 ${r.status === 0 ? '' : r.stderr}`);
  return r.stdout.trim();
};

run(['keys', 'generate']);
const adminToken = run(['token', 'issue', '--role', 'admin', '--lifetime', '1h']);
const server = spawn(bin, ['serve', '--no-demo', '--bind', `127.0.0.1:${port}`, '--database', database], {
  env,
  stdio: ['ignore', 'inherit', 'inherit'],
});

let browser;
let steps = 0;
const step = (what) => {
  steps += 1;
  console.log(`  step ${String(steps).padStart(3)}: ${what}`);
};
const council = 'ws-demo';
const session = 'ws-demo-s4';
const api = async (path) => (await fetch(`${base}${path}`)).json();
const put = async (path, body) => {
  const r = await fetch(`${base}${path}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  check(r.status === 201 || r.status === 200, `PUT ${path} (${r.status})`);
};

try {
  let ready = false;
  for (let i = 0; i < 300 && !ready; i++) {
    try {
      ready = (await fetch(`${base}/v1/councils?limit=1`)).ok;
    } catch {
      /* not listening yet */
    }
    if (!ready) await new Promise((r) => setTimeout(r, 200));
  }
  if (!ready) throw new Error('the server did not start');
  // The setting the clerk works in: two parties and a 25-seat council (an admin's API writes).
  for (const p of ['amanat', 'auyl']) {
    await put(`/v1/parties/${p}`, { names: { kk: p, ru: p, en: p }, registration_status: 'registered' });
  }
  await put(`/v1/councils/${council}`, {
    names: { kk: 'Демо аудандық мәслихаты', ru: 'Демо районный маслихат', en: 'Demo district maslikhat' },
    level: 'district',
    seats: 25,
    convocations: [{ number: 'VIII', start_date: '2023-03-19' }],
  });
  const sizeBefore = (await api('/v1/log/checkpoint')).tree_size;
  const adminLink = run(['account', 'create', '--kind', 'admin', '--name', 'Admin', '--base-url', base, '--database', database]);

  const started = Date.now();
  browser = await chromium.launch({ executablePath: browserPath, args: ['--no-sandbox'] });
  const errors = [];
  const open = async () => {
    const ctx = await browser.newContext({ javaScriptEnabled: false, locale: 'ru-RU' });
    const page = await ctx.newPage();
    page.on('response', (r) => {
      if (r.status() >= 500) errors.push(`${r.status()} ${r.url()}`);
    });
    return page;
  };

  // The admin creates the clerk.
  const admin = await open();
  await admin.goto(adminLink);
  step('admin opens the one-time link');
  await admin.click('form[action="/publish/sign-in"] button');
  step('admin signs in');
  await admin.goto(`${base}/publish/admin/accounts`);
  await admin.fill('input[name=name]', 'Айгүл Клерк');
  await admin.selectOption('select[name=kind]', 'council');
  await admin.fill('input[name=council]', council);
  await admin.click('form[action="/publish/admin/accounts"] button');
  const clerkLink = (await admin.textContent('[data-sign-in-link]')).trim();
  step('admin creates the clerk and copies the link');
  check(clerkLink.includes('/publish/sign-in?token='), 'the admin page shows the clerk a one-time link');

  // The clerk signs in and builds the roster.
  const clerk = await open();
  await clerk.goto(`${base}${clerkLink}`);
  await clerk.click('form[action="/publish/sign-in"] button');
  step('clerk signs in with the link');
  await clerk.click(`a[href="/publish/councils/${council}/roster"]`);
  const names = readFileSync(join(samples, 'roster.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
  for (const [i, [kk, ru, en]] of names.entries()) {
    const form = 'form[data-form=add-deputy]';
    await clerk.fill(`${form} input[name=name_kk]`, kk);
    await clerk.fill(`${form} input[name=name_ru]`, ru);
    await clerk.fill(`${form} input[name=name_en]`, en);
    await clerk.selectOption(`${form} select[name=convocation]`, 'VIII');
    await clerk.fill(`${form} input[name=district]`, String(i + 1));
    await clerk.fill(`${form} input[name=start_date]`, '2023-03-20');
    if (i % 2 === 0) {
      await clerk.selectOption(`${form} select[name=nomination]`, 'party');
      await clerk.selectOption(`${form} select[name=nominating_party]`, 'amanat');
      await clerk.selectOption(`${form} select[name=party]`, 'amanat');
      await clerk.fill(`${form} input[name=party_start]`, '2023-03-20');
    }
    await clerk.click(`${form} button`);
    check((await clerk.locator('.error').count()) === 0, `deputy ${i + 1} is kept without a form error`);
    step(`clerk adds deputy ${i + 1}: ${ru}`);
  }
  check((await clerk.locator('tr[data-deputy]').count()) === 25, 'the draft roster lists 25 deputies');
  await clerk.click('form[data-form=publish-roster] button');
  step('clerk publishes the roster');
  check((await clerk.locator('[role=status]').textContent()).includes('1'), 'the roster is published as version 1');

  // The session record.
  await clerk.goto(`${base}/publish`);
  await clerk.fill('input[name=session]', session);
  await clerk.fill('input[name=number]', '4');
  await clerk.fill('input[name=scheduled_start]', '2024-05-15T10:00');
  await clerk.click('form[data-form=open-session] button');
  step('clerk opens session 4');
  const items = ['Об утверждении бюджета на 2025 год', 'О правилах благоустройства', 'Отчёт акима района'];
  for (const t of items) {
    await clerk.fill('form[data-form=agenda] input[name=title_ru]', t);
    await clerk.click('form[data-form=agenda] button');
    step(`clerk adds agenda item: ${t}`);
  }
  const docs = [
    ['Проект решения о бюджете', 'https://maslihat.example.kz/2024/budget.pdf', '2024-05-01T09:00'],
    ['Протокол сессии', 'https://maslihat.example.kz/2024/minutes-4.pdf', '2024-05-20T12:00'],
  ];
  for (const [title, url, at] of docs) {
    const f = 'form[data-form=document]';
    await clerk.fill(`${f} input[name=title]`, title);
    await clerk.fill(`${f} input[name=url]`, url);
    await clerk.fill(`${f} input[name=declared_at]`, at);
    await clerk.fill(`${f} input[name=declared_source]`, 'https://maslihat.example.kz/news');
    await clerk.click(`${f} button`);
    step(`clerk adds document: ${title}`);
  }
  const upload = async (item, motion, file) => {
    const f = 'form[data-form=rollcall]';
    await clerk.selectOption(`${f} select[name=agenda_item]`, item);
    await clerk.fill(`${f} input[name=motion]`, motion);
    await clerk.setInputFiles(`${f} input[name=file]`, join(samples, file));
    await clerk.click(`${f} button`);
    step(`clerk uploads ${file}`);
  };
  await upload(`${session}-a1`, 'Утвердить бюджет', 'rollcall-ru.csv');
  check((await clerk.locator('[data-match=matched]').count()) === 25, 'CSV: all 25 names match the roster by themselves');
  await clerk.click('[data-review] form[action$="/confirm"] button');
  step('clerk confirms the CSV roll call');
  await upload(`${session}-a2`, 'Утвердить правила', 'rollcall-ru.xlsx');
  const unmatched = clerk.locator('[data-match=unmatched] select');
  check((await unmatched.count()) === 2, 'XLSX: the 2 names spelled differently wait for the clerk');
  for (let i = 0; i < (await unmatched.count()); i++) {
    await unmatched.nth(i).selectOption({ index: 1 });
    step(`clerk matches name ${i + 1} to the likeliest deputy`);
  }
  await clerk.click('[data-review] form[action$="/confirm"] button');
  step('clerk confirms the XLSX roll call');
  await clerk.click('form[data-form=publish-session] button');
  step('clerk publishes the session record');
  check((await clerk.locator('[role=status]').count()) === 1, 'the record is published');

  // The correction.
  await clerk.fill('form[data-form=agenda] input[name=title_ru]', 'Разное');
  await clerk.selectOption('form[data-form=agenda] select[name=result]', 'noted');
  await clerk.click('form[data-form=agenda] button');
  step('clerk adds a forgotten item');
  await clerk.click('form[data-form=publish-session] button');
  step('clerk tries to publish the correction without a reason');
  check((await clerk.locator('[data-rule=reason_required]').count()) === 1, 'the correction asks for its reason, in the page language');
  await clerk.fill('form[data-form=publish-session] textarea[name=reason]', 'Пропущен вопрос «Разное»');
  await clerk.click('form[data-form=publish-session] button');
  step('clerk publishes the correction with its reason');
  const seconds = (Date.now() - started) / 1000;

  // What is served.
  const s = await api(`/v1/sessions/${session}`);
  check(s.agenda?.length === 4, `the API serves 4 agenda items (3 + the correction's): ${s.agenda?.length}`);
  check(JSON.stringify(s.agenda.map((a) => a.titles.ru)) === JSON.stringify([...items, 'Разное']), 'the agenda titles are exactly those typed');
  check(s.documents?.length === 2, 'the API serves 2 documents');
  check(s.documents.every((d) => d.declared_public?.source_url === 'https://maslihat.example.kz/news'), 'each document carries its declared public time and source');
  const votes = (await api(`/v1/vote-events?session=${session}`)).items;
  check(votes.length === 2, 'the API serves 2 vote events');
  for (const v of votes) {
    check(v.counts.yes === 18 && v.counts.no === 3 && v.counts.abstain === 2 && v.counts.not_voting === 2, `vote ${v.id}: counts 18/3/2/2 from the ballots`);
  }
  const versions = (await api(`/v1/sessions/${session}/versions`)).items;
  check(versions.length === 2 && versions[1].reason === 'Пропущен вопрос «Разное»', 'two versions, the correction with its reason');
  const deputies = (await api(`/v1/councils/${council}/deputies?limit=100`)).items;
  check(deputies.length === 25, 'the API serves the 25 deputies');
  const sizeAfter = (await api('/v1/log/checkpoint')).tree_size;
  check(sizeAfter - sizeBefore === 3, `the log grew by 3 leaves (roster, record, correction): ${sizeBefore} → ${sizeAfter}`);
  const citizen = await open();
  await citizen.goto(`${base}/sessions/${session}?lang=ru`);
  const text = await citizen.textContent('main');
  for (const t of [...items, 'Разное', 'Утвердить бюджет', 'Утвердить правила']) {
    check(text.includes(t), `the citizens' page shows «${t}»`);
  }
  check(errors.length === 0, `no server errors ${errors.join(', ')}`);
  console.log(`workspace flow: ${steps} steps in ${seconds.toFixed(1)} s (JavaScript off)`);
} catch (e) {
  failures.push(String(e?.stack ?? e));
  console.log(`FAIL ${e?.stack ?? e}`);
} finally {
  await browser?.close();
  server.kill('SIGTERM');
  rmSync(tmp, { recursive: true, force: true });
}
const passed = failures.length === 0;
console.log(passed ? 'workspace browser test passed' : `workspace browser test FAILED: ${failures.length}`);
process.exit(passed ? 0 : 1);
