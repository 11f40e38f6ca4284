// Browser tests of the session handoff, end to end with real parts: Debian's
// chromium (driven by playwright-core) runs Ruffle, which runs the demo SWF
// built from client/, against build/amfgate on loopback over TLS with its
// generated self-signed certificate. Run by `make e2e`, which installs
// everything first (e2e/setup.sh) and sets:
//   AMFGATE_BIN  the server binary          (default build/amfgate)
//   DOCROOT      the document root with amfgate.swf and ruffle/ (conf/docroot)
//   E2E_OUT      artifacts: screenshots, server logs (build/e2e)
// For each alias delivery (cookie, flashvars) one server runs the cases; each
// case starts from a browser with no cookies. Prints one line per case and
// then `N passed, N failed`; exits non-zero when anything failed.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { addUser, startServer } from './lib/server.mjs';
import * as b from './lib/browser.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = process.env.AMFGATE_BIN || path.join(root, 'build/amfgate');
const docroot = process.env.DOCROOT || path.join(root, 'conf/docroot');
const templateDir = process.env.TEMPLATE_DIR || path.join(root, 'conf/templates');
const out = process.env.E2E_OUT || path.join(root, 'build/e2e');
const kCaseTimeoutMs = 90000;
const kUser = 'alice';
// A fresh password per run: the users file is made here, not taken from the
// server's demo user, so the test knows the credentials without scraping logs.
const kPassword = crypto.randomBytes(12).toString('base64url');

const results = [];

async function runCase(name, body) {
  let timer;
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`case took longer than ${kCaseTimeoutMs} ms`)), kCaseTimeoutMs);
  });
  try {
    await Promise.race([body(), deadline]);
    results.push({ name, ok: true });
    console.log(`ok   ${name}`);
  } catch (e) {
    results.push({ name, ok: false });
    console.log(`FAIL ${name}\n     ${String(e && e.message ? e.message : e).replace(/\n/g, '\n     ')}`);
  } finally {
    clearTimeout(timer);
  }
}

function failAll(names, why) {
  for (const name of names) {
    results.push({ name, ok: false });
    console.log(`FAIL ${name}\n     ${why.replace(/\n/g, '\n     ')}`);
  }
}

// Starts a case from a clean browser: no pages, no cookies.
async function freshPage(context) {
  for (const p of context.pages()) await p.close();
  await context.clearCookies();
  return b.openPage(context);
}

// Signs in and waits until the SWF has redeemed the alias and whoami named
// the user. Returns the app page's response for later checks.
async function handoff(page, origin) {
  const app = await b.signIn(page, origin, kUser, kPassword);
  assert.equal(app.status, 200, `GET /app after signing in answered ${app.status}`);
  await b.player(page);
  const start = await b.nextReport(page, 'start').catch((e) => {
    const csp = b.cspProblem(app.headers);
    throw csp ? new Error(`${csp}; ${e.message}`) : e;
  });
  assert.ok(start.ok, `the SWF started without script access: ${start.detail}`);
  const login = await b.nextReport(page, 'loginByAlias', start.index + 1);
  assert.deepEqual([login.step, login.ok, login.detail], ['loginByAlias', true, kUser],
    `loginByAlias did not succeed as ${kUser}: ${JSON.stringify(login)}`);
  const whoami = await b.nextReport(page, 'whoami', login.index + 1);
  assert.deepEqual([whoami.step, whoami.ok, whoami.detail], ['whoami', true, kUser],
    `whoami did not name ${kUser}: ${JSON.stringify(whoami)}`);
  return { app, start };
}

// The alias cookie the app page set: {name, value, attributes} or null.
function aliasCookie(app) {
  for (const line of b.headerValues(app.headers, 'set-cookie').flatMap((v) => v.split('\n'))) {
    const m = /^(a_[A-Za-z0-9_-]+)=([^;]*)(.*)$/.exec(line);
    if (m) return { name: m[1], value: m[2], attributes: m[3].toLowerCase() };
  }
  return null;
}

async function checkStaticFiles(context, origin) {
  const expect = async (urlPath, type) => {
    const r = await context.request.get(`${origin}${urlPath}`);
    assert.equal(r.status(), 200, `GET ${urlPath} answered ${r.status()} (is it in the document root?)`);
    const got = (r.headers()['content-type'] || '').split(';')[0].trim();
    assert.ok(type.includes(got), `GET ${urlPath} has Content-Type ${got || '(none)'}, expected ${type.join(' or ')}`);
  };
  await expect('/amfgate.swf', ['application/x-shockwave-flash']);
  await expect('/ruffle/ruffle.js', ['text/javascript', 'application/javascript']);
  const wasm = fs.readdirSync(path.join(docroot, 'ruffle')).find((f) => f.endsWith('.wasm'));
  assert.ok(wasm, `no .wasm file in ${docroot}/ruffle (run make ruffle)`);
  await expect(`/ruffle/${wasm}`, ['application/wasm']);
}

function caseNames(delivery) {
  return [
    `${delivery}: the SWF redeems the alias and whoami returns the user's name`,
    `${delivery}: a second SWF load with the same alias faults Auth.AliasInvalid and revokes the first gateway session`,
    `${delivery}: after POST /logout from the page's sign-out button the SWF's next whoami faults`,
  ];
}

async function runDelivery(context, origin, delivery) {
  const [handoffCase, replayCase, logoutCase] = caseNames(delivery);

  await runCase(handoffCase, async () => {
    const page = await freshPage(context);
    const { app, start } = await handoff(page, origin);
    assert.ok(start.detail.includes(`delivery=${delivery}`), `the SWF saw ${start.detail}`);
    assert.ok(b.headerValues(app.headers, 'cache-control').join(',').includes('no-store'),
      'the app page is not Cache-Control: no-store');
    const cookie = aliasCookie(app);
    const names = (await context.cookies()).map((c) => c.name);
    if (delivery === 'cookie') {
      assert.ok(cookie, 'the app page set no alias cookie (a_...)');
      assert.ok(start.detail.includes(`randomcookie=${cookie.name}`),
        `the flashvars name another cookie than the page set (${cookie.name}): ${start.detail}`);
      for (const attr of ['path=/', 'samesite=strict', 'secure', 'max-age=']) {
        assert.ok(cookie.attributes.includes(attr), `the alias cookie lacks ${attr}: ${cookie.attributes}`);
      }
      assert.ok(!cookie.attributes.includes('httponly'), 'the alias cookie is HttpOnly: the SWF cannot read it');
      assert.ok(!names.includes(cookie.name), `the alias cookie ${cookie.name} is still in the browser`);
      const visible = await page.evaluate(() => document.cookie);
      assert.ok(!visible.includes(cookie.name), 'the alias cookie is still in document.cookie');
    } else {
      assert.equal(cookie, null, 'flashvars delivery still set an alias cookie');
      assert.ok(!names.some((n) => n.startsWith('a_')), `an alias cookie is in the browser: ${names}`);
    }
    const box = await (await b.player(page)).boundingBox();
    assert.ok(box && box.width >= 200 && box.height >= 100, `the player is not visible: ${JSON.stringify(box)}`);
    await page.screenshot({ path: path.join(out, `app-${delivery}.png`) });
  });

  await runCase(replayCase, async () => {
    const first = await freshPage(context);
    const { app } = await handoff(first, origin);
    const cookie = aliasCookie(app);
    // The same page again, byte for byte, with the same alias: served from
    // what the server sent the first time, because a new GET /app would
    // mint a new alias.
    const second = await b.openPage(context);
    await second.route(`${origin}/app`, (route) => route.fulfill({
      status: 200,
      headers: Object.fromEntries(app.headers
        .filter((h) => !/^(set-cookie|content-length|content-encoding|transfer-encoding)$/i.test(h.name))
        .map((h) => [h.name, h.value])),
      body: app.body,
    }));
    if (delivery === 'cookie') {
      assert.ok(cookie, 'the app page set no alias cookie (a_...)');
      await context.addCookies([{
        name: cookie.name, value: cookie.value, domain: '127.0.0.1', path: '/', secure: true, sameSite: 'Strict',
      }]);
    }
    await second.goto(`${origin}/app`);
    const replay = await b.nextReport(second, 'loginByAlias');
    assert.deepEqual([replay.step, replay.ok, replay.detail], ['loginByAlias', false, 'Auth.AliasInvalid'],
      `the replayed alias was not refused with the generic fault: ${JSON.stringify(replay)}`);
    const from = await b.askWhoami(first);
    const whoami = await b.nextReport(first, 'whoami', from);
    assert.deepEqual([whoami.step, whoami.ok, whoami.detail], ['whoami', false, 'Auth.Required'],
      `the first gateway session was not revoked by the replay: ${JSON.stringify(whoami)}`);
  });

  await runCase(logoutCase, async () => {
    const page = await freshPage(context);
    await handoff(page, origin);
    // A person signs out with the page's own button. That navigates its tab
    // away (and ends its SWF), so it is clicked in a second tab of the same
    // app, whose SWF holds a second gateway session of the same page
    // session; the first tab's SWF is then asked for whoami.
    const other = await b.openPage(context);
    await other.goto(`${origin}/app`);
    const otherWhoami = await b.nextReport(other, 'whoami');
    assert.ok(otherWhoami.ok, `the second tab's SWF did not log in: ${JSON.stringify(otherWhoami)}`);
    const [logout] = await Promise.all([
      other.waitForResponse((r) => new URL(r.url()).pathname === '/logout' && r.request().method() === 'POST',
        { timeout: 15000 }),
      b.signOutButton(other).click({ timeout: 15000 }),
    ]);
    assert.equal(logout.status(), 303, `POST /logout answered ${logout.status()}`);
    await other.waitForURL((u) => u.pathname === '/login', { timeout: 15000 });
    assert.equal(await b.appPageState(page), 'redirect', 'GET /app still serves the page after logout');
    const from = await b.askWhoami(page);
    const whoami = await b.nextReport(page, 'whoami', from);
    assert.deepEqual([whoami.step, whoami.ok, whoami.detail], ['whoami', false, 'Auth.Required'],
      `whoami after logout did not fault with Auth.Required: ${JSON.stringify(whoami)}`);
    await page.screenshot({ path: path.join(out, `logout-${delivery}.png`) });
  });
}

async function main() {
  fs.mkdirSync(out, { recursive: true });
  const usersFile = path.join(out, 'users');
  fs.rmSync(usersFile, { force: true });
  const browser = await b.launch();
  try {
    let usersReady = null;
    try {
      await addUser(bin, usersFile, kUser, kPassword);
    } catch (e) {
      usersReady = e.message;
    }
    for (const delivery of ['cookie', 'flashvars']) {
      const names = caseNames(delivery);
      if (delivery === 'cookie') names.unshift('the document root serves the SWF and Ruffle with their media types');
      if (usersReady) {
        failAll(names, usersReady);
        continue;
      }
      let server;
      try {
        server = await startServer({
          bin, docroot, templateDir, usersFile, delivery, logFile: path.join(out, `amfgate-${delivery}.log`),
        });
      } catch (e) {
        failAll(names, e.message);
        continue;
      }
      try {
        if (delivery === 'cookie') {
          await runCase(names[0], () => checkStaticFiles(browser.context, server.origin));
        }
        await runDelivery(browser.context, server.origin, delivery);
      } finally {
        await server.stop();
      }
    }
  } finally {
    await browser.close();
  }
  const passed = results.filter((r) => r.ok).length;
  console.log(`artifacts: ${out}`);
  console.log(`${passed} passed, ${results.length - passed} failed`);
  process.exitCode = passed === results.length ? 0 : 1;
}

main().catch((e) => {
  console.error(`e2e harness error: ${e.stack || e}`);
  const passed = results.filter((r) => r.ok).length;
  console.log(`${passed} passed, ${results.length - passed + 1} failed`);
  process.exit(1);
});
