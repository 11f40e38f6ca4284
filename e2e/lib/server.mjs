// The amfgate process under test: a users file made with `amfgate passwd`,
// then the real binary on a free loopback port over TLS with its generated
// self-signed certificate. Its stdout and stderr go to a log file kept as an
// artifact. The harness stops it by its pid (SIGTERM, then SIGKILL after a
// deadline), and also when the harness itself exits early.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import net from 'node:net';

const kStartDeadlineMs = 15000;
const kStopDeadlineMs = 5000;
const running = new Set();

process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

// A port the kernel just handed out on 127.0.0.1; free again when returned.
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

// Adds NAME with PASSWORD to the users file through the binary's own tool.
export function addUser(bin, file, name, password) {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, ['passwd', file, name], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.once('error', (e) => reject(new Error(`cannot run ${bin}: ${e.message}`)));
    child.once('exit', (code) => {
      let written = '';
      try {
        written = fs.readFileSync(file, 'utf8');
      } catch {
        // Checked below: no file is the same failure as an empty one.
      }
      if (code === 0 && written.split('\n').some((line) => line.startsWith(`${name}:`))) resolve();
      else reject(new Error(`server lacks \`amfgate passwd FILE NAME\` (exit ${code}): ${output.trim().slice(0, 300)}`));
    });
    child.stdin.end(`${password}\n`);
  });
}

// GET over TLS without checking the self-signed certificate; resolves with
// the status, or null when nothing answers yet.
function probe(origin, path) {
  return new Promise((resolve) => {
    const req = https.get(`${origin}${path}`, { rejectUnauthorized: false, timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.once('timeout', () => req.destroy());
    req.once('error', () => resolve(null));
  });
}

function tail(file, lines = 15) {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

// Starts the server and resolves once GET /login answers at all (any status:
// whether it is the right answer is for the tests to say).
export async function startServer({ bin, docroot, templateDir, usersFile, delivery, logFile }) {
  if (!fs.existsSync(bin)) throw new Error(`no server binary at ${bin}`);
  const port = await freePort();
  const origin = `https://127.0.0.1:${port}`;
  const args = [
    '--listen', `127.0.0.1:${port}`, 'tls',
    '--public_origin', origin,
    '--admin_listen', 'off',
    '--users_file', usersFile,
    '--docroot', docroot,
    '--template_dir', templateDir,
    '--alias_delivery', delivery,
  ];
  const log = fs.openSync(logFile, 'w');
  fs.writeSync(log, `# ${bin} ${args.join(' ')}\n`);
  const child = spawn(bin, args, { stdio: ['ignore', log, log] });
  fs.closeSync(log);
  running.add(child);
  let exited = null;
  child.once('exit', (code, signal) => {
    exited = signal ?? `exit ${code}`;
    running.delete(child);
  });

  const deadline = Date.now() + kStartDeadlineMs;
  while (Date.now() < deadline) {
    if (exited) throw new Error(`server did not start (${exited}); its log ends:\n${tail(logFile)}`);
    if ((await probe(origin, '/login')) !== null) {
      return { origin, pid: child.pid, stop: () => stopChild(child) };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await stopChild(child);
  throw new Error(`server did not answer on ${origin} within ${kStartDeadlineMs} ms; its log ends:\n${tail(logFile)}`);
}

async function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const done = new Promise((r) => child.once('exit', r));
  process.kill(child.pid, 'SIGTERM');
  const timer = setTimeout(() => process.kill(child.pid, 'SIGKILL'), kStopDeadlineMs);
  await done;
  clearTimeout(timer);
}
