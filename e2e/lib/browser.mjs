// The browser side of the tests: Debian's chromium driven by playwright-core,
// and the few things a test does in it as a person (or the page) would: sign
// in through the form, wait for what the SWF reports, call the SWF's
// callback, sign out with the page's button.
//
// What the SWF reports (client/PageBridge.hx) lands in
// `window.amfgateReports` as {step, ok, detail}; the steps are start, alias,
// loginByAlias, whoami (and gateway when the flashvars lack a URL). Every
// wait has a deadline, because Ruffle drops a reply it cannot parse without
// telling anyone; on a deadline the error says what the page did show.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const kChromium = process.env.CHROMIUM || '/usr/bin/chromium';
const kArgs = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const kPlayerSelector = 'ruffle-object, ruffle-embed, ruffle-player';

// A fresh profile in a temporary folder, removed by close().
export async function launch() {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'amfgate-e2e-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: kChromium,
    headless: true,
    ignoreHTTPSErrors: true,
    viewport: { width: 1100, height: 800 },
    args: kArgs,
  });
  return {
    context,
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

// A new page that remembers its console errors and warnings (CSP violations,
// Ruffle's own complaints) for the failure messages.
export async function openPage(context) {
  const page = await context.newPage();
  page.amfgateConsole = [];
  page.on('console', (m) => {
    // Chromium's software GL warnings are noise; Ruffle logs its own
    // warnings and errors through console.log with a level prefix.
    if (/GL Driver Message/.test(m.text())) return;
    if (m.type() === 'error' || m.type() === 'warning' || /ERROR|WARN/.test(m.text())) {
      page.amfgateConsole.push(`${m.type()}: ${m.text().replace(/%c/g, '').slice(0, 300)}`);
    }
  });
  page.on('pageerror', (e) => page.amfgateConsole.push(`pageerror: ${e.message}`));
  return page;
}

// Signs in through the login form and follows the redirect to the app page.
// Resolves with the app page's response (status, headers, body), read at once
// because the body is what a replay serves again.
export async function signIn(page, origin, user, password, timeout = 15000) {
  const login = await page.goto(`${origin}/login`, { timeout });
  if (!login || login.status() !== 200) {
    throw new Error(`server lacks the login page: GET /login answered ${login ? login.status() : 'nothing'}`);
  }
  const form = page.locator('form:has(input[name="password"])');
  if ((await form.count()) !== 1 || (await page.locator('input[name="username"]').count()) !== 1) {
    throw new Error('the login page has no form with username and password fields');
  }
  await page.fill('input[name="username"]', user);
  await page.fill('input[name="password"]', password);
  let post = null;
  const onResponse = (r) => {
    if (new URL(r.url()).pathname === '/login' && r.request().method() === 'POST') post = r;
  };
  page.on('response', onResponse);
  const [response] = await Promise.all([
    page.waitForResponse((r) => new URL(r.url()).pathname === '/app' && r.request().method() === 'GET', { timeout }),
    submitButton(form).click({ timeout }),
  ]).catch(async () => {
    throw new Error(`signing in did not lead to GET /app: ${await describeLoginPost(post, login)}`);
  }).finally(() => page.off('response', onResponse));
  return {
    status: response.status(),
    headers: await response.headersArray(),
    body: (await response.body()).toString('utf8'),
  };
}

// Why POST /login did not redirect to the app. A browser sends `Origin:
// null` with a form POST from a page whose Referrer-Policy is no-referrer,
// which an Origin check comparing against the public origin refuses.
async function describeLoginPost(post, loginPage) {
  if (!post) return 'the form was not posted';
  const status = post.status();
  const sent = await post.request().headerValue('origin');
  const policy = (await loginPage.headerValue('referrer-policy')) || '(none)';
  let why = `POST /login answered ${status} (the browser sent Origin: ${sent}; the login page has Referrer-Policy: ${policy})`;
  if (status === 403 && sent === 'null') {
    why += '; with Referrer-Policy no-referrer a browser sends Origin: null on form POSTs, and the server refuses it' +
      ' (a policy such as same-origin keeps the real Origin on same-origin requests)';
  }
  return why;
}

export function headerValues(headers, name) {
  return headers.filter((h) => h.name.toLowerCase() === name).map((h) => h.value);
}

// Why a page's Content-Security-Policy keeps the SWF from talking to the
// page, or '' when it does not: Ruffle runs every ExternalInterface call
// through `new Function`, which a script-src without 'unsafe-eval' blocks
// without any message in the console.
export function cspProblem(headers) {
  for (const policy of headerValues(headers, 'content-security-policy')) {
    const directives = policy.split(';').map((d) => d.trim().split(/\s+/));
    const script = directives.find((d) => d[0] === 'script-src') || directives.find((d) => d[0] === 'default-src');
    if (script && !script.includes("'unsafe-eval'")) {
      return `the app page's Content-Security-Policy "${script.join(' ')}" lacks 'unsafe-eval', ` +
        'which Ruffle needs for ExternalInterface';
    }
  }
  return '';
}

export async function reports(page) {
  return page.evaluate(() => window.amfgateReports || []);
}

// Waits for the first report at index >= `from` that is either `step` or a
// failure of any step (after which the awaited step may never come), and
// returns it with its index.
export async function nextReport(page, step, from = 0, timeout = 30000) {
  try {
    const handle = await page.waitForFunction(({ step, from }) => {
      const list = window.amfgateReports || [];
      for (let i = from; i < list.length; i++) {
        if (list[i].step === step || !list[i].ok) return { index: i, ...list[i] };
      }
      return null;
    }, { step, from }, { timeout, polling: 100 });
    return await handle.jsonValue();
  } catch (e) {
    if (!/Timeout/i.test(String(e))) throw e;
    throw new Error(`no "${step}" report from the SWF within ${timeout} ms; ${await explain(page)}`);
  }
}

// What the page shows, for a failure message: the reports so far, whether
// Ruffle replaced the <object>, whether it waits for a click, recent console
// errors.
export async function explain(page) {
  const state = await page.evaluate((selector) => {
    const player = document.querySelector(selector);
    const shadow = player && player.shadowRoot;
    const play = shadow && shadow.querySelector('#play-button');
    return {
      reports: window.amfgateReports || null,
      ruffleLoaded: typeof window.RufflePlayer === 'object' && !!window.RufflePlayer.newest,
      player: player ? player.tagName.toLowerCase() : null,
      waitsForClick: !!(play && getComputedStyle(play).display !== 'none'),
    };
  }, kPlayerSelector).catch((e) => ({ error: String(e) }));
  const consoleTail = (page.amfgateConsole || []).slice(-8).join(' | ');
  const hint = state.waitsForClick
    ? ' (Ruffle waits for a click: the page does not set autoplay "on"; load /amfgate-player.js before ruffle.js)'
    : '';
  return `page state ${JSON.stringify(state)}${hint}; console: ${consoleTail || '(quiet)'}`;
}

// The Ruffle element that replaced the page's <object> (or that the page
// created through Ruffle's API), once it is there.
export async function player(page, timeout = 15000) {
  const element = page.locator(kPlayerSelector).first();
  try {
    await element.waitFor({ state: 'attached', timeout });
  } catch {
    throw new Error(`no Ruffle player on the page within ${timeout} ms; ${await explain(page)}`);
  }
  return element;
}

// Asks the SWF to run auth.whoami again through its ExternalInterface
// callback; resolves with the index its report will have.
export async function askWhoami(page) {
  const from = (await reports(page)).length;
  const accepted = await page.evaluate((selector) => {
    const p = document.querySelector(selector);
    return p && typeof p.amfgateWhoami === 'function' ? p.amfgateWhoami() : 'no amfgateWhoami callback';
  }, kPlayerSelector);
  if (accepted !== true) throw new Error(`the SWF did not take the whoami call: ${accepted}`);
  return from;
}

// A form's submit button: a <button> without a type is one too.
function submitButton(form) {
  return form.locator('button:not([type]), button[type="submit"], input[type="submit"]').first();
}

// The submit button of the page's logout form.
export function signOutButton(page) {
  return submitButton(page.locator('form[action$="/logout"]'));
}

// Where GET /app sends this browser now: 'app' when it serves the page,
// 'redirect' when it redirects (to /login once the page session is gone).
export async function appPageState(page) {
  return page.evaluate(async () => {
    const r = await fetch('/app', { redirect: 'manual', credentials: 'same-origin' });
    return r.type === 'opaqueredirect' ? 'redirect' : r.status === 200 ? 'app' : `status ${r.status}`;
  });
}
