// The first-load budget (issue 22): what a desk on a slow line downloads before the login form
// works — wasm and JS, compressed as the server sends them — stays at or under 300 KB. The pages
// come later, each in its own part, the first time someone opens them.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { withApp } from '../harness.mjs';

const BUDGET_BYTES = 300 * 1000;

/** Collects the code (.wasm, .js) the page downloads: URL, body bytes as sent, encoding. */
function watchCode(page) {
  const seen = [];
  page.on('requestfinished', (req) => {
    const path = new URL(req.url()).pathname;
    if (!/\.(wasm|js)$/.test(path)) return;
    seen.push(
      Promise.all([req.sizes(), req.response()]).then(([sizes, res]) => ({
        path,
        bytes: sizes.responseBodySize,
        encoding: res?.headers()['content-encoding'] ?? '',
      })),
    );
  });
  return async () => Promise.all(seen.splice(0));
}

test('the login form works after at most 300 KB of code; pages load their own part later', async (t) => {
  await withApp(t, async ({ page, baseUrl, adminUsername, adminPassword }) => {
    const code = watchCode(page);
    await page.goto(`${baseUrl}/login`);
    await page.locator('#username:enabled').waitFor();
    const first = await code();
    const total = first.reduce((sum, f) => sum + f.bytes, 0);
    const list = first.map((f) => `${f.path} ${f.bytes} B ${f.encoding}`).join('\n');
    assert.ok(first.some((f) => f.path.endsWith('.wasm')), `no wasm loaded before the form:\n${list}`);
    assert.ok(total <= BUDGET_BYTES, `first load is ${total} bytes, over the ${BUDGET_BYTES}-byte budget:\n${list}`);
    for (const f of first) assert.equal(f.encoding, 'br', `${f.path} was not sent as brotli`);

    // Logging in and opening the cases fetches parts that were not in the first load.
    const before = new Set(first.map((f) => f.path));
    await page.locator('#username').fill(adminUsername);
    await page.locator('#password').fill(adminPassword);
    await page.getByRole('button', { name: 'Accedi', exact: true }).click();
    await page.getByRole('navigation').getByRole('link', { name: 'Pratiche' }).click();
    await page.getByRole('heading', { level: 1, name: 'Pratiche' }).waitFor();
    const later = (await code()).filter((f) => f.path.endsWith('.wasm') && !before.has(f.path));
    assert.ok(later.length > 0, 'no page part was fetched after the login: the pages are in the first load');
    // The only error allowed is the 401 of the start-up session check, made before anyone logs in.
    const errors = page.consoleErrors.filter((e) => !/status of 401/.test(e));
    assert.deepEqual(errors, [], 'a page part failed to load or run');
  });
});
