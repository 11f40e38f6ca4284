// An AMF client built on npm libraries nobody in this project wrote:
// amf0-ts and amf3-ts (pinned by the test that installs them). Only the
// remoting envelope (version, header and body framing) is written here; every
// value is encoded and decoded by the libraries.
//
// usage: node npm_client.js ORIGIN ALIAS   (plain-HTTP origin)
// Prints one JSON line with what the gateway answered.
'use strict';
const http = require('http');
const { AMF0 } = require('amf0-ts');
const { AMF3 } = require('amf3-ts');

const u16 = (n) => [(n >> 8) & 255, n & 255];
const u32 = (n) => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
const utf = (s) => { const b = Buffer.from(s, 'utf8'); return [...u16(b.length), ...b]; };

// One body whose arguments are a strict array holding `argBytes`.
function packet(version, target, argBytes) {
  const value = [0x0a, ...u32(argBytes.length ? 1 : 0), ...argBytes];
  return Buffer.from([...u16(version), ...u16(0), ...u16(1), ...utf(target), ...utf('/1'),
                      ...u32(value.length), ...value]);
}

function onlyBody(buf) {
  let at = 2;
  if (buf.readUInt16BE(at) !== 0) throw new Error('unexpected headers');
  at += 2;
  if (buf.readUInt16BE(at) !== 1) throw new Error('expected one body');
  at += 2;
  const tl = buf.readUInt16BE(at); at += 2;
  const target = buf.toString('utf8', at, at + tl); at += tl;
  const rl = buf.readUInt16BE(at); at += 2 + rl;
  at += 4;
  return { target, value: buf.subarray(at) };
}

function post(origin, body, cookie) {
  return new Promise((resolve, reject) => {
    const headers = { 'Content-Type': 'application/x-amf', 'Content-Length': body.length };
    if (cookie) headers.Cookie = cookie;
    const req = http.request(origin + '/gateway', { method: 'POST', headers, timeout: 10000 }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.end(body);
  });
}

async function main() {
  const [origin, alias] = process.argv.slice(2);
  const out = {};
  const redeemed = await post(origin, packet(0, 'auth.loginByAlias', Array.from(AMF0.stringify(alias))));
  const r = onlyBody(redeemed.body);
  out.redeem_target = r.target;
  const result = AMF0.parse(Array.from(r.value));
  out.user = result.user;
  out.session_expires = result.session_expires;
  const setCookie = (redeemed.headers['set-cookie'] || [])[0] || '';
  const cookie = setCookie.split(';')[0];

  const who = onlyBody((await post(origin, packet(0, 'auth.whoami', []), cookie)).body);
  out.whoami_target = who.target;
  out.whoami = AMF0.parse(Array.from(who.value));

  const sent = { a: 1, list: [1, 2, 3], s: 'h\u00e9llo', nested: { b: true, n: -5 } };
  const echoed = onlyBody((await post(origin, packet(3, 'echo.echo', [0x11, ...AMF3.stringify(sent)]))).body);
  out.echo_target = echoed.target;
  out.echo_switched = echoed.value[0] === 0x11;
  const back = AMF3.parse(Array.from(echoed.value.subarray(1)));
  out.echo_equal = JSON.stringify(back) === JSON.stringify(sent);
  out.echo = back;
  console.log(JSON.stringify(out));
}

main().catch((e) => { console.log(JSON.stringify({ error: String(e) })); process.exit(1); });
