// Browser-test harness: a fresh `lumit` server per test file, Debian's headless Chromium
// driven by playwright-core, and axe accessibility checks.

import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';

const HERE = dirname(fileURLToPath(import.meta.url));
export const REPO = resolve(HERE, '..', '..');
export const SCREENSHOT_DIR = join(HERE, 'screenshots');

/** Login of the first admin, created by the server on its first start. */
export const ADMIN_USERNAME = 'admin';
/** Password given to the server (the server requires 12+ characters). */
export const ADMIN_PASSWORD = 'Browser-Test-Admin-2024';

const LUMIT_BIN = process.env.LUMIT_BIN || join(REPO, 'target', 'release', 'lumit');
// Debian's Chromium: Playwright's own browser downloads cannot be fetched here.
const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox', // we run as root, where Chromium's sandbox refuses to start
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  // No calls home: the machine has no network beyond loopback.
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const READY_TIMEOUT_MS = 30_000;
const DEFAULT_TIMEOUT_MS = 10_000;
const A11Y_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

// Servers still running if the test process dies early: killed on exit so none is left behind.
const running = new Set();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** A TCP port free on loopback right now (the OS picks it). */
async function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts `lumit serve` on a free port with its own temporary database and data folder,
 * and waits until /readyz answers 200.
 * @returns {Promise<{baseUrl: string, adminPassword: string, adminUsername: string, stop: () => Promise<void>}>}
 */
export async function startLumit({ env = {} } = {}) {
  if (!existsSync(LUMIT_BIN)) {
    throw new Error(`lumit binary not found at ${LUMIT_BIN}: build it (cargo build --release) or set LUMIT_BIN`);
  }
  const dir = await mkdtemp(join(tmpdir(), 'lumit-browser-'));
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const child = spawn(LUMIT_BIN, ['serve'], {
    env: {
      ...process.env,
      LUMIT_DATABASE_URL: `sqlite://${join(dir, 'lumit.db')}`,
      LUMIT_DATA_DIR: dir,
      LUMIT_BIND: `127.0.0.1:${port}`,
      LUMIT_ADMIN_PASSWORD: ADMIN_PASSWORD,
      LUMIT_WEB_DIR: join(REPO, 'web', 'dist'),
      LUMIT_LOG: 'warn',
      // Tests that are not about the second factor log in with a password alone.
      LUMIT_TOTP_REQUIRED_ROLES: 'none',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);

  // Keep the tail of the server's output for error messages; reading it also keeps the pipes from filling up.
  let output = '';
  const keep = (chunk) => {
    output = (output + chunk).slice(-8000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  // 'error' (e.g. not executable) comes instead of 'exit' when the process never started.
  const exited = new Promise((r) => {
    child.once('exit', (code, signal) => r({ code, signal }));
    child.once('error', (err) => r({ error: err.message }));
  });
  let exitInfo = null;
  exited.then((info) => {
    exitInfo = info;
    running.delete(child);
  });

  const stop = async () => {
    if (!exitInfo) {
      child.kill('SIGTERM');
      // Graceful shutdown first; SIGKILL if it hangs (the timer is cleared so it cannot hold the process open).
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exitInfo) {
      await stop();
      throw new Error(`lumit exited early (${JSON.stringify(exitInfo)}):\n${output}`);
    }
    try {
      const res = await fetch(`${baseUrl}/readyz`, { signal: AbortSignal.timeout(2000) });
      await res.body?.cancel(); // free the connection at once
      if (res.status === 200) {
        return { baseUrl, adminUsername: ADMIN_USERNAME, adminPassword: ADMIN_PASSWORD, stop };
      }
    } catch {
      // Not listening yet.
    }
    await sleep(200);
  }
  await stop();
  throw new Error(`lumit did not answer 200 on /readyz within ${READY_TIMEOUT_MS / 1000} s:\n${output}`);
}

/**
 * Launches headless Chromium with a fresh temporary profile and opens one page.
 * `page.consoleErrors` collects console errors and uncaught page exceptions.
 */
export async function newBrowser() {
  // launch() gives each run a throw-away profile, so no state leaks between test files.
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  context.setDefaultTimeout(DEFAULT_TIMEOUT_MS);
  context.setDefaultNavigationTimeout(DEFAULT_TIMEOUT_MS);
  const page = await context.newPage();
  page.consoleErrors = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') page.consoleErrors.push(msg.text());
  });
  page.on('pageerror', (err) => page.consoleErrors.push(`uncaught: ${err.message}`));
  return { browser, context, page, close: () => browser.close() };
}

/**
 * Runs axe with the WCAG 2.1 A/AA rules on the current page; throws when any violation
 * is serious or critical. Returns all violations so a test can look at the minor ones.
 */
export async function checkA11y(page, label = page.url()) {
  const { violations } = await new AxeBuilder({ page }).withTags(A11Y_TAGS).analyze();
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (bad.length > 0) {
    const lines = bad.map((v) => {
      const targets = v.nodes
        .slice(0, 3)
        .map((n) => n.target.join(' '))
        .join(', ');
      return `- ${v.id} (${v.impact}): ${v.help} [${targets}${v.nodes.length > 3 ? ', …' : ''}]`;
    });
    throw new Error(`accessibility violations on ${label}:\n${lines.join('\n')}`);
  }
  return violations;
}

/** Saves a full-page PNG to tests/browser/screenshots/<name>.png; returns its path, or null if the page is gone. */
export async function screenshotOnFailure(page, name) {
  const safe = String(name).replace(/[^\w.-]+/g, '_').slice(0, 120) || 'failure';
  const path = join(SCREENSHOT_DIR, `${safe}.png`);
  try {
    await mkdir(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path, fullPage: true });
    return path;
  } catch {
    // A crashed or closed page must not hide the test's own error.
    return null;
  }
}

/**
 * Starts lumit and a browser, runs `fn({ page, baseUrl, adminUsername, adminPassword })`, saves a
 * screenshot named after the test when it throws, and always closes both.
 * `options.env` adds to (or overrides) the server's environment.
 * @param {import('node:test').TestContext} t
 */
export async function withApp(t, fn, options = {}) {
  const app = await startLumit(options);
  let b = null;
  try {
    b = await newBrowser();
    await fn({ page: b.page, context: b.context, baseUrl: app.baseUrl, adminUsername: app.adminUsername, adminPassword: app.adminPassword });
  } catch (err) {
    if (b) {
      const shot = await screenshotOnFailure(b.page, t.name);
      if (shot) t.diagnostic(`screenshot: ${shot}`);
      if (b.page.consoleErrors.length) t.diagnostic(`console errors:\n${b.page.consoleErrors.join('\n')}`);
    }
    throw err;
  } finally {
    await b?.close().catch(() => {});
    await app.stop();
  }
}

/**
 * The code an authenticator app shows for a base32 `secret`, `offset` 30-second steps from now
 * (RFC 6238 with SHA-1 and 6 digits), computed here so tests do not trust the server's own.
 */
export function totpCode(secret, offset = 0) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const ch of secret.replace(/[\s=]/g, '').toUpperCase()) {
    bits += alphabet.indexOf(ch).toString(2).padStart(5, '0');
  }
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const step = Math.floor(Date.now() / 1000 / 30) + offset;
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', key).update(counter).digest();
  const at = mac[mac.length - 1] & 15;
  const n = (mac.readUInt32BE(at) & 0x7fffffff) % 1_000_000;
  return String(n).padStart(6, '0');
}
