// Web app benchmark: size of the web app's code (raw, and the brotli and gzip files the build
// writes beside it), what the browser actually downloads before the login form works (as
// served, compressed), and, in headless Chromium on localhost, the time from navigation to an
// interactive login form and from submitting the login to the home page. Median of 5 runs, each
// in a fresh browser (cold cache).
//
//   cargo xtask web && cargo build --release -p lumit-api
//   LUMIT_BIN=target/release/lumit node tests/browser/bench.mjs

import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { REPO, newBrowser, startLumit } from './harness.mjs';

const RUNS = 5;
const dist = join(REPO, 'web', 'dist');
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const size = (f) => { try { return statSync(join(dist, f)).size; } catch { return 0; } };
let raw = 0;
let br = 0;
let gz = 0;
for (const f of readdirSync(dist).filter((f) => f.endsWith('.wasm') || f.endsWith('.js'))) {
  raw += size(f);
  br += size(`${f}.br`);
  gz += size(`${f}.gz`);
  console.log(`${f.padEnd(32)} ${kb(size(f)).padStart(10)} raw ${kb(size(`${f}.br`)).padStart(10)} brotli ${kb(size(`${f}.gz`)).padStart(10)} gzip`);
}
console.log(`${'wasm + js'.padEnd(32)} ${kb(raw).padStart(10)} raw ${kb(br).padStart(10)} brotli ${kb(gz).padStart(10)} gzip`);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const app = await startLumit();
const toForm = [];
const toHome = [];
const sent = [];
try {
  for (let i = 0; i < RUNS; i++) {
    const b = await newBrowser();
    const { page } = b;
    // What crossed the wire for the code, compressed as the server sent it.
    const code = [];
    page.on('requestfinished', (r) => {
      if (/\.(wasm|js)$/.test(new URL(r.url()).pathname)) code.push(r.sizes().then((s) => s.responseBodySize));
    });
    const t0 = performance.now();
    await page.goto(`${app.baseUrl}/login`);
    await page.locator('#username:enabled').waitFor();
    toForm.push(performance.now() - t0);
    sent.push((await Promise.all(code)).reduce((a, b) => a + b, 0));
    await page.locator('#username').fill(app.adminUsername);
    await page.locator('#password').fill(app.adminPassword);
    const t1 = performance.now();
    await page.getByRole('button', { name: 'Accedi', exact: true }).click();
    await page.locator('.stat-value').first().waitFor();
    toHome.push(performance.now() - t1);
    await b.close();
  }
} finally {
  await app.stop();
}
const ms = (x) => `${x.toFixed(0)} ms`;
console.log(`wasm + js downloaded before the login form, as served: ${kb(median(sent))}`);
console.log(`navigation → interactive login form: median ${ms(median(toForm))} (runs: ${toForm.map(ms).join(', ')})`);
console.log(`login → home page with counts:       median ${ms(median(toHome))} (runs: ${toHome.map(ms).join(', ')})`);
