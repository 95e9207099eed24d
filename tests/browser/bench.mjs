// Web app benchmark: size of the web app's code (raw, and the brotli and gzip files the build
// writes beside it), what the browser actually downloads before the login form works (as
// served, compressed), and, in headless Chromium, the time from navigation to an interactive
// login form, from submitting the login to the dashboard, and from a click in the case list to
// the case: on localhost, and on a slow line (4 Mbit/s, 40 ms round trip, the CPU slowed four
// times, through the DevTools protocol) as at a desk in the Garfagnana on an old laptop.
// Median of 5 runs, each in a fresh browser (cold cache).
//
//   cargo xtask web && cargo build --release -p lumit-api
//   LUMIT_BIN=target/release/lumit node tests/browser/bench.mjs

import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

import { REPO, newBrowser, startLumit } from './harness.mjs';

const RUNS = 5;
const dist = join(REPO, 'web', 'dist');
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const size = (f) => { try { return statSync(f).size; } catch { return 0; } };
const code = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
  const p = join(dir, e.name);
  if (e.isDirectory()) return code(p);
  return /\.(wasm|js)$/.test(e.name) ? [p] : [];
});
let raw = 0;
let br = 0;
let gz = 0;
// The split build has hundreds of small parts: the large ones are listed, the rest counted.
let small = 0;
const files = code(dist);
for (const f of files) {
  raw += size(f);
  br += size(`${f}.br`);
  gz += size(`${f}.gz`);
  if (size(f) < 32 * 1024) {
    small += 1;
    continue;
  }
  console.log(`${relative(dist, f).slice(0, 60).padEnd(60)} ${kb(size(f)).padStart(10)} raw ${kb(size(`${f}.br`)).padStart(10)} brotli ${kb(size(`${f}.gz`)).padStart(10)} gzip`);
}
console.log(`${`and ${small} files under 32 KB`.padEnd(60)}`);
console.log(`${`wasm + js (${files.length} files)`.padEnd(60)} ${kb(raw).padStart(10)} raw ${kb(br).padStart(10)} brotli ${kb(gz).padStart(10)} gzip`);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const app = await startLumit();

async function api(method, path, token, body) {
  const res = await fetch(`${app.baseUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** One case to open from the list. */
async function oneCase() {
  const token = (await api('POST', '/api/v1/auth/login', null, { username: app.adminUsername, password: app.adminPassword })).access_token;
  const all = await api('GET', '/api/v1/municipalities?limit=200', token);
  const gallicano = all.items.find((m) => m.istat_code === '046015').id;
  const person = await api('POST', '/api/v1/people', token, {
    first_name: 'Amina', last_name: 'Benali', sex: 'F', birth_date: '1990-05-01', citizenship: 'MA', municipality_id: gallicano,
  });
  const c = await api('POST', '/api/v1/cases', token, {
    person_id: person.id, municipality_id: gallicano, category_id: 'residence_permit', summary: 'Rinnovo del permesso',
  });
  return c.reference;
}

/** The slow line and the old laptop, through the DevTools protocol. */
async function throttle(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 40,
    downloadThroughput: (4 * 1000 * 1000) / 8,
    uploadThroughput: (4 * 1000 * 1000) / 8,
  });
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
}

async function runs(slow, reference) {
  const out = { toForm: [], toHome: [], toCase: [], sent: [] };
  for (let i = 0; i < RUNS; i++) {
    const b = await newBrowser();
    const { page } = b;
    if (slow) await throttle(page);
    // What crossed the wire for the code, compressed as the server sent it.
    const bodies = [];
    page.on('requestfinished', (r) => {
      if (/\.(wasm|js)$/.test(new URL(r.url()).pathname)) bodies.push(r.sizes().then((s) => s.responseBodySize));
    });
    const t0 = performance.now();
    await page.goto(`${app.baseUrl}/login`);
    await page.locator('#username:enabled').waitFor();
    out.toForm.push(performance.now() - t0);
    out.sent.push((await Promise.all(bodies)).reduce((a, b) => a + b, 0));
    await page.locator('#username').fill(app.adminUsername);
    await page.locator('#password').fill(app.adminPassword);
    const t1 = performance.now();
    await page.getByRole('button', { name: 'Accedi', exact: true }).click();
    await page.locator('.stat-value').first().waitFor();
    out.toHome.push(performance.now() - t1);
    await page.getByRole('navigation').getByRole('link', { name: 'Pratiche' }).click();
    const link = page.getByRole('link', { name: reference });
    await link.waitFor();
    const t2 = performance.now();
    await link.click();
    await page.getByRole('heading', { level: 1, name: new RegExp(reference) }).waitFor();
    out.toCase.push(performance.now() - t2);
    await b.close();
  }
  return out;
}

const ms = (x) => `${x.toFixed(0)} ms`;
const line = (label, xs) => console.log(`${label.padEnd(48)} median ${ms(median(xs)).padStart(8)} (runs: ${xs.map(ms).join(', ')})`);
try {
  const reference = await oneCase();
  const fast = await runs(false, reference);
  console.log(`wasm + js downloaded before the login form, as served: ${kb(median(fast.sent))}`);
  console.log('\nlocalhost:');
  line('navigation → interactive login form', fast.toForm);
  line('login → dashboard', fast.toHome);
  line('case list → case', fast.toCase);
  const slow = await runs(true, reference);
  console.log('\n4 Mbit/s, 40 ms round trip, CPU 4× slower:');
  line('navigation → interactive login form (< 2 s)', slow.toForm);
  line('login → dashboard (< 1.5 s)', slow.toHome);
  line('case list → case (< 1 s)', slow.toCase);
} finally {
  await app.stop();
}
