// The new-case flow: an operator registers a new person and opens a case for her; registering the
// same person again (names swapped, no accents) shows the duplicate warning with the candidate,
// and choosing the candidate opens a second case for the same person.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { checkA11y, withApp } from '../harness.mjs';

async function api(baseUrl, method, path, token, body) {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

async function expectEventually(check, ms = 5000) {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('operator opens a case for a new person; the duplicate warning catches a second entry', async (t) => {
  await withApp(t, async ({ page, baseUrl, adminUsername, adminPassword }) => {
    const admin = (await api(baseUrl, 'POST', '/api/v1/auth/login', null, { username: adminUsername, password: adminPassword })).access_token;
    const all = await api(baseUrl, 'GET', '/api/v1/municipalities?limit=200', admin);
    const gallicano = all.items.find((m) => m.istat_code === '046015').id;
    await api(baseUrl, 'POST', '/api/v1/users', admin, {
      username: 'op.gallicano', full_name: 'Olga Operatrice', role: 'operator', municipality_ids: [gallicano], password: 'temporary password 1',
    });
    const first = await api(baseUrl, 'POST', '/api/v1/auth/login', null, { username: 'op.gallicano', password: 'temporary password 1' });
    await api(baseUrl, 'PUT', '/api/v1/me/password', first.access_token, { current_password: 'temporary password 1', new_password: 'operator password 1' });

    const posts = [];
    page.on('request', (req) => {
      const url = new URL(req.url());
      if (req.method() === 'POST' && url.pathname.startsWith('/api/v1/') && !url.pathname.startsWith('/api/v1/auth/')) {
        posts.push({ url: url.pathname, key: req.headers()['idempotency-key'] });
      }
    });
    await page.goto(`${baseUrl}/login`);
    await page.locator('#username').fill('op.gallicano');
    await page.locator('#password').fill('operator password 1');
    await page.getByRole('button', { name: 'Accedi', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: /Benvenuto/ }).waitFor();

    // A new person, then the case.
    await page.getByRole('navigation').getByRole('link', { name: 'Pratiche' }).click();
    await page.getByRole('link', { name: 'Nuova pratica' }).click();
    await page.getByRole('heading', { level: 1, name: 'Nuova pratica' }).waitFor();
    await checkA11y(page, 'new case: find or register');
    await page.locator('#first_name').fill('María José');
    await page.locator('#last_name').fill('Nguyễn');
    // The date as people write it in Italy.
    await page.locator('#birth_date').fill('15/03/1991');
    // Countries and languages are picked by name, by keyboard (the WAI-ARIA combobox).
    const citizenship = page.locator('#citizenship');
    await citizenship.focus();
    await page.keyboard.type('viet');
    assert.equal(await citizenship.getAttribute('aria-expanded'), 'true', 'typing opens the list');
    await page.getByRole('option', { name: 'Vietnam' }).waitFor();
    await checkA11y(page, 'country picker open');
    await page.keyboard.press('ArrowDown');
    assert.equal(await citizenship.getAttribute('aria-activedescendant'), 'citizenship-opt-VN');
    await page.keyboard.press('Enter');
    assert.equal(await citizenship.inputValue(), 'Vietnam');
    assert.equal(await citizenship.getAttribute('aria-expanded'), 'false', 'Enter picks and closes');
    // A name typed out in full is taken when the box is left; Escape closes the list.
    await page.locator('#country_of_birth').fill('stati uniti d america');
    await page.keyboard.press('Escape');
    assert.equal(await page.locator('#country_of_birth').getAttribute('aria-expanded'), 'false');
    await page.keyboard.press('Tab');
    assert.equal(await page.locator('#country_of_birth').inputValue(), "Stati Uniti d'America");
    const languages = page.locator('#languages');
    await languages.focus();
    await page.keyboard.type('tigr');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.keyboard.type('arab');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    const chosen = page.locator('ul.chips li');
    assert.deepEqual((await chosen.allTextContents()).map((t) => t.replace('×', '').trim()), ['Tigrino', 'Arabo']);
    await page.getByRole('button', { name: 'Togli Tigrino' }).click();
    assert.deepEqual((await chosen.allTextContents()).map((t) => t.replace('×', '').trim()), ['Arabo']);
    await page.getByRole('button', { name: 'Registra la persona' }).click();
    await page.getByTestId('chosen-person').filter({ hasText: 'María José Nguyễn' }).waitFor();
    // The API keeps the codes.
    const [saved] = (await api(baseUrl, 'GET', '/api/v1/people?q=nguyen', admin)).items;
    assert.deepEqual(
      [saved.birth_date, saved.citizenship, saved.country_of_birth, saved.languages],
      ['1991-03-15', 'VN', 'US', ['ar']],
    );
    await page.locator('#summary').fill('Primo rilascio del permesso');
    // The first try reaches the server, but its answer is lost on the way back (a dropped line):
    // the operator tries again, and the retry must not open a second case.
    let dropped = false;
    await page.route('**/api/v1/cases', async (route) => {
      if (route.request().method() === 'POST' && !dropped) {
        dropped = true;
        await route.fetch();
        await route.abort('failed');
      } else {
        await route.continue();
      }
    });
    await page.getByRole('button', { name: 'Apri la pratica' }).click();
    await expectEventually(() => dropped);
    await page.getByRole('button', { name: 'Apri la pratica' }).click();
    await page.getByRole('heading', { level: 1, name: /LU-\d{4}-000001 — María José Nguyễn/ }).waitFor();
    await page.unroute('**/api/v1/cases');
    const cases = await api(baseUrl, 'GET', '/api/v1/cases?limit=10', admin);
    assert.equal(cases.items.length, 1, 'the retry opened no second case');
    await page.getByTestId('case-status').filter({ hasText: 'Aperta' }).waitFor();

    // The same person typed again, differently: the warning offers her.
    await page.goto(`${baseUrl}/cases/new`);
    await page.getByRole('heading', { level: 1, name: 'Nuova pratica' }).waitFor();
    await page.locator('#first_name').fill('nguyen');
    await page.locator('#last_name').fill('maria jose');
    await page.locator('#birth_date').fill('1991-03-15');
    await page.locator('#birth_date').blur();
    assert.equal(await page.locator('#birth_date').inputValue(), '15/03/1991', 'shown as gg/mm/aaaa');
    await page.getByRole('button', { name: 'Registra la persona' }).click();
    const warning = page.getByRole('alert').filter({ hasText: 'Esiste già una persona' });
    await warning.waitFor();
    await checkA11y(page, 'duplicate warning');
    await warning.getByRole('button', { name: 'Scegli' }).click();
    await page.getByTestId('chosen-person').filter({ hasText: 'María José Nguyễn' }).waitFor();
    await page.locator('#summary').fill('Tessera sanitaria');
    await page.getByRole('button', { name: 'Apri la pratica' }).click();
    await page.getByRole('heading', { level: 1, name: /LU-\d{4}-000002 — María José Nguyễn/ }).waitFor();

    // Search as you type finds her with spelling variants too.
    await page.goto(`${baseUrl}/cases/new`);
    await page.locator('#find').fill('nguyen');
    await page.getByRole('button', { name: 'Scegli María José Nguyễn' }).waitFor();
    const people = await api(baseUrl, 'GET', '/api/v1/people?q=nguyen', admin);
    assert.equal(people.items.length, 1, 'one person, not two');
    // Every create the app sent carried a key.
    assert.ok(posts.length >= 4, `creates seen: ${posts.length}`);
    for (const p of posts) assert.ok(p.key, `${p.url} sent without Idempotency-Key`);
  });
});
