// The publisher workspace's finer flows in headless Debian chromium, with JavaScript off: a
// clerk (created with `maslikhat account create`) publishes a 2-deputy roster, enters a speech
// in a session draft, previews the draft as citizens will see it (nothing public, nothing
// logged), and is shown a publish-time violation beside its field; a monitor publishes a
// public-sources record, is shown a violation beside its document, corrects the published record
// and is asked for the correction's reason beside the reason field. Prints every step.
//
// Usage: node tests/browser/workspace-details.mjs   (after `cargo build` and `npm ci` in tests/browser)
// MASLIKHAT_BIN and CHROMIUM override the binary and browser paths.

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { bin, browserPath, check, failures, freePort } from './harness.mjs';

const tmp = mkdtempSync(join(tmpdir(), 'maslikhat-workspace-details-'));
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
const council = 'wd-demo';
const session = 'wd-demo-s4';
const api = async (path) => {
  const r = await fetch(`${base}${path}`);
  return { status: r.status, body: r.status === 200 ? await r.json() : null };
};
const put = async (path, body) => {
  const r = await fetch(`${base}${path}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  check(r.status === 201 || r.status === 200, `PUT ${path} (${r.status})`);
};
const logSize = async () => (await api('/v1/log/checkpoint')).body.tree_size;

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
  await put('/v1/parties/amanat', { names: { kk: 'amanat', ru: 'amanat', en: 'amanat' }, registration_status: 'registered' });
  await put(`/v1/councils/${council}`, {
    names: { kk: 'Демо аудандық мәслихаты', ru: 'Демо районный маслихат', en: 'Demo district maslikhat' },
    level: 'district',
    seats: 2,
    convocations: [{ number: 'VIII', start_date: '2023-03-19' }],
  });
  const clerkLink = run(['account', 'create', '--kind', 'council', '--council', council, '--name', 'Клерк', '--base-url', base, '--database', database]);
  const monitorLink = run(['account', 'create', '--kind', 'monitor', '--name', 'Наблюдатель', '--base-url', base, '--database', database]);

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

  // The rule's Russian message, as the workspace's table has it.
  const ruWithinConvocation = 'созыв';
  // The clerk: a 2-deputy roster.
  const clerk = await open();
  await clerk.goto(clerkLink);
  await clerk.click('form[action="/publish/sign-in"] button');
  step('clerk signs in with the link');
  await clerk.click(`a[href="/publish/councils/${council}/roster"]`);
  for (const [i, [kk, ru, en]] of [
    ['Әлиев Нұрлан', 'Алиев Нурлан', 'Aliyev Nurlan'],
    ['Иванова Ольга', 'Иванова Ольга', 'Ivanova Olga'],
  ].entries()) {
    const form = 'form[data-form=add-deputy]';
    await clerk.fill(`${form} input[name=name_kk]`, kk);
    await clerk.fill(`${form} input[name=name_ru]`, ru);
    await clerk.fill(`${form} input[name=name_en]`, en);
    await clerk.selectOption(`${form} select[name=convocation]`, 'VIII');
    await clerk.fill(`${form} input[name=district]`, String(i + 1));
    await clerk.fill(`${form} input[name=start_date]`, '2023-03-20');
    await clerk.click(`${form} button`);
    step(`clerk adds deputy ${ru}`);
  }
  await clerk.click('form[data-form=publish-roster] button');
  step('clerk publishes the roster');

  // A session draft with an item, a document and a speech.
  const openSession = async (id, number, start) => {
    await clerk.goto(`${base}/publish`);
    await clerk.fill('input[name=session]', id);
    await clerk.fill('input[name=number]', number);
    await clerk.fill('input[name=scheduled_start]', start);
    await clerk.click('form[data-form=open-session] button');
    step(`clerk opens session ${id}`);
    await clerk.fill('form[data-form=agenda] input[name=title_ru]', 'Об утверждении бюджета');
    await clerk.click('form[data-form=agenda] button');
    step('clerk adds an agenda item');
  };
  const addSpeech = async (item, duration, text) => {
    const f = 'form[data-form=speech]';
    await clerk.selectOption(`${f} select[name=agenda_item]`, item);
    await clerk.selectOption(`${f} select[name=deputy]`, { index: 1 });
    await clerk.selectOption(`${f} select[name=speech_type]`, 'question');
    await clerk.selectOption(`${f} select[name=language]`, 'ru');
    await clerk.fill(`${f} input[name=duration]`, duration);
    await clerk.fill(`${f} textarea[name=text]`, text);
    await clerk.click(`${f} button`);
    step(`clerk enters a speech of ${duration}`);
  };
  await openSession(session, '4', '2024-05-15T10:00');
  const f = 'form[data-form=document]';
  await clerk.fill(`${f} input[name=title]`, 'Проект решения о бюджете');
  await clerk.fill(`${f} input[name=url]`, 'https://maslihat.example.kz/2024/budget.pdf');
  await clerk.fill(`${f} input[name=declared_at]`, '2024-05-01T09:00');
  await clerk.fill(`${f} input[name=declared_source]`, 'https://maslihat.example.kz/news');
  await clerk.click(`${f} button`);
  step('clerk adds a document with its declared public time');
  await addSpeech(`${session}-a1`, '2:05', 'Вопрос о расходах на дороги');
  check((await clerk.locator('.error').count()) === 0, 'the speech is kept without a form error');
  const speech = clerk.locator('[data-speeches] li[data-speech]');
  check((await speech.count()) === 1, 'the draft lists the speech');
  check((await speech.locator('[data-seconds="125"]').count()) === 1, 'the speech lasts 2:05 = 125 s');

  // The preview: the citizens' page of the draft, nothing public and nothing logged.
  const sizeBefore = await logSize();
  await clerk.click('a[data-link=preview]');
  step('clerk opens the preview');
  check((await clerk.locator('[data-preview]').count()) === 1, 'the preview says it is a preview');
  check((await clerk.locator('[data-preview-item]').count()) === 1, 'the preview shows the agenda item');
  check((await clerk.locator('[data-preview-document]').count()) === 1, 'the preview shows the document');
  check((await clerk.locator('[data-preview-speech]').count()) === 1, 'the preview shows the speech');
  check((await clerk.locator('[data-preview-openness]').count()) === 1, 'the preview shows the openness components');
  check((await clerk.textContent('main')).includes('Об утверждении бюджета'), 'the preview shows the item title');
  check((await api(`/v1/sessions/${session}`)).status === 404, 'the previewed draft is not public');
  check((await logSize()) === sizeBefore, 'previewing logs nothing');
  await clerk.click('[data-preview] a');
  step('clerk goes back to the draft');

  // A session dated before its convocation began: the violation is shown beside the start time.
  await openSession('wd-demo-s2', '2', '2023-03-01T10:00');
  await clerk.click('form[data-form=publish-session] button');
  step('clerk tries to publish a session dated before the convocation');
  const beside = clerk.locator('dd [data-path="/scheduled_start"][data-rule=within_convocation]');
  check((await beside.count()) === 1, 'the violation is shown beside the start time');
  check((await beside.textContent()).includes(ruWithinConvocation), `in the page language (ru): ${await beside.textContent()}`);
  check((await clerk.locator('[data-violations]').count()) === 1, 'and counted at the top');
  check((await clerk.locator('[data-violations] li[data-path="/scheduled_start"]').count()) === 0, 'not listed again there');
  check((await api('/v1/sessions/wd-demo-s2')).status === 404, 'nothing is published');

  // The monitor: a public-sources record, a violation beside its document, a correction with its reason.
  const monitor = await open();
  await monitor.goto(monitorLink);
  await monitor.click('form[action="/publish/sign-in"] button');
  step('monitor signs in with the link');
  const o = 'form[data-form=open-record]';
  await monitor.fill(`${o} input[name=id]`, 'wd-public');
  await monitor.fill(`${o} input[name=council]`, 'wd-public-council');
  await monitor.fill(`${o} input[name=council_ru]`, 'Районный маслихат');
  await monitor.fill(`${o} input[name=number]`, '7');
  await monitor.fill(`${o} input[name=date]`, '2024-03-20');
  await monitor.fill(`${o} input[name=source_url]`, 'https://gazeta.example.kz/report');
  await monitor.click(`${o} button`);
  step('monitor opens a public-sources record');
  const a = 'form[data-form=agenda]';
  await monitor.fill(`${a} input[name=title]`, 'О бюджете района');
  await monitor.fill(`${a} input[name=doc_title]`, 'Проект решения');
  await monitor.fill(`${a} input[name=doc_url]`, 'https://maslihat.example.kz/budget.pdf');
  await monitor.fill(`${a} input[name=doc_published]`, '1901-03-01');
  await monitor.fill(`${a} input[name=source_url]`, 'https://maslihat.example.kz/agenda');
  await monitor.click(`${a} button`);
  step('monitor adds an item with a document dated 1901 (a typo)');
  await monitor.click('form[data-form=publish-record] button');
  step('monitor tries to publish');
  const docViolation = monitor.locator('li[data-document="0/0"] [data-rule=date_range]');
  check((await docViolation.count()) === 1, "the violation is shown beside the monitor's document");
  check((await monitor.locator('[data-violations] li[data-rule]').count()) === 0, 'not listed again at the top');
  check((await api('/v1/public-records/wd-public')).status === 404, 'nothing is published');
  const draftJson = await monitor.textContent('pre[data-draft]');
  check(draftJson.includes('1901-03-01'), 'the draft keeps what was typed');
  // Another record, published and then corrected.
  await monitor.goto(`${base}/publish`);
  await monitor.fill(`${o} input[name=id]`, 'wd-public-2');
  await monitor.fill(`${o} input[name=council]`, 'wd-public-council');
  await monitor.fill(`${o} input[name=council_ru]`, 'Районный маслихат');
  await monitor.fill(`${o} input[name=number]`, '8');
  await monitor.fill(`${o} input[name=date]`, '2024-03-27');
  await monitor.fill(`${o} input[name=source_url]`, 'https://gazeta.example.kz/report-2');
  await monitor.click(`${o} button`);
  step('monitor opens a second record');
  await monitor.click('form[data-form=publish-record] button');
  step('monitor publishes it');
  check((await api('/v1/public-records/wd-public-2')).status === 200, 'the record is public');
  await monitor.click('form[data-form=correct-record] button');
  step('monitor starts a correction');
  const m = 'form[data-form=minutes]';
  await monitor.fill(`${m} input[name=published]`, '2024-04-02');
  await monitor.fill(`${m} input[name=source_url]`, 'https://maslihat.example.kz/minutes');
  await monitor.click(`${m} button`);
  step('monitor adds the minutes with their declared date');
  await monitor.click('form[data-form=publish-record] button');
  step('monitor tries to publish the correction without a reason');
  const reason = monitor.locator('form[data-form=publish-record] [data-rule=reason_required]');
  check((await reason.count()) === 1, 'the correction asks for its reason beside the reason field');
  await monitor.fill('form[data-form=publish-record] textarea[name=reason]', 'Протокол опубликован 2 апреля');
  await monitor.click('form[data-form=publish-record] button');
  step('monitor publishes the correction with its reason');
  const rec = (await api('/v1/public-records/wd-public-2')).body;
  check(rec?.minutes?.published === '2024-04-02', `the API serves the minutes' declared date: ${rec?.minutes?.published}`);
  check(errors.length === 0, `no server errors ${errors.join(', ')}`);
  console.log(`workspace details: ${steps} steps (JavaScript off)`);
} catch (e) {
  failures.push(String(e?.stack ?? e));
  console.log(`FAIL ${e?.stack ?? e}`);
} finally {
  await browser?.close();
  server.kill('SIGTERM');
  rmSync(tmp, { recursive: true, force: true });
}
const passed = failures.length === 0;
console.log(passed ? 'workspace details browser test passed' : `workspace details browser test FAILED: ${failures.length}`);
process.exit(passed ? 0 : 1);
