// Smoke test: the server starts, serves the web app, and its first page passes axe.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { checkA11y, withApp } from '../harness.mjs';

test('home page loads and is accessible', async (t) => {
  await withApp(t, async ({ page, baseUrl }) => {
    await page.goto(baseUrl);
    await page.waitForLoadState('networkidle');
    assert.match(await page.title(), /LUMIT/);
    await checkA11y(page, 'home page');
  });
});
