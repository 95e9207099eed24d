// Web app benchmark: size of what the browser downloads (raw and gzipped) and, in headless
// Chromium on localhost, the time from navigation to an interactive login form and from
// submitting the login to the home page. Median of 5 runs, each in a fresh browser (cold cache).
//
//   cargo xtask web && cargo build --release -p lumit-api
//   LUMIT_BIN=target/release/lumit node tests/browser/bench.mjs

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

import { REPO, newBrowser, startLumit } from './harness.mjs';

const RUNS = 5;
const dist = join(REPO, 'web', 'dist');
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
let raw = 0;
let gz = 0;
for (const f of readdirSync(dist).filter((f) => f.endsWith('.wasm') || f.endsWith('.js'))) {
  const bytes = readFileSync(join(dist, f));
  const z = gzipSync(bytes, { level: 9 }).length;
  raw += bytes.length;
  gz += z;
  console.log(`${f.padEnd(32)} ${kb(bytes.length).padStart(10)} raw ${kb(z).padStart(10)} gzipped`);
}
console.log(`${'wasm + js'.padEnd(32)} ${kb(raw).padStart(10)} raw ${kb(gz).padStart(10)} gzipped`);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const app = await startLumit();
const toForm = [];
const toHome = [];
try {
  for (let i = 0; i < RUNS; i++) {
    const b = await newBrowser();
    const { page } = b;
    const t0 = performance.now();
    await page.goto(`${app.baseUrl}/login`);
    await page.locator('#username:enabled').waitFor();
    toForm.push(performance.now() - t0);
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
console.log(`navigation → interactive login form: median ${ms(median(toForm))} (runs: ${toForm.map(ms).join(', ')})`);
console.log(`login → home page with counts:       median ${ms(median(toHome))} (runs: ${toHome.map(ms).join(', ')})`);
