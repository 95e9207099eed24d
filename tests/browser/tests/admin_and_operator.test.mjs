// The scenario: the admin sets up a municipality with a desk and an operator; the operator
// logs in, replaces the temporary password, sees only what the role allows, keeps the session on
// reload, switches language, and logs out. Every page passes axe (no serious/critical issues).

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { checkA11y, withApp } from '../harness.mjs';

async function heading(page, text) {
  await page.getByRole('heading', { level: 1, name: text }).waitFor();
}

async function login(page, baseUrl, username, password) {
  await page.goto(`${baseUrl}/login`);
  await heading(page, 'Accedi a LUMIT');
  await page.getByLabel('Nome utente').fill(username);
  await page.getByLabel('Password', { exact: false }).first().fill(password);
  await page.getByRole('button', { name: 'Accedi', exact: true }).click();
}

test('admin sets up a municipality, desk and operator; the operator works within the role', async (t) => {
  await withApp(t, async ({ page, baseUrl, adminUsername, adminPassword }) => {
    // Not logged in: any page leads to the login form, in Italian.
    await page.goto(`${baseUrl}/municipalities`);
    await heading(page, 'Accedi a LUMIT');
    assert.equal(await page.getAttribute('html', 'lang'), 'it');
    await checkA11y(page, 'login');

    // A wrong password is announced, not silently ignored.
    await page.getByLabel('Nome utente').fill(adminUsername);
    await page.locator('#password').fill('not the password');
    await page.getByRole('button', { name: 'Accedi', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'Nome utente o password non corretti.' }).waitFor();

    await page.locator('#password').fill(adminPassword);
    await page.getByRole('button', { name: 'Accedi', exact: true }).click();
    // Back to the page asked for.
    await heading(page, 'Comuni e uffici');
    await page.getByRole('link', { name: 'Gallicano' }).waitFor();
    await checkA11y(page, 'municipality list');

    await page.getByRole('navigation').getByRole('link', { name: 'Home' }).click();
    await heading(page, /Benvenuto/);
    await page.locator('.stat-value').first().waitFor();
    await checkA11y(page, 'home');

    // New municipality: errors next to the fields first, then saved.
    await page.getByRole('navigation').getByRole('link', { name: 'Comuni e uffici' }).click();
    await page.getByRole('link', { name: 'Nuovo comune o ufficio' }).click();
    await heading(page, 'Nuovo comune o ufficio');
    await checkA11y(page, 'municipality form');
    await page.getByRole('button', { name: 'Salva' }).click();
    // Shown from the server's codes, in the interface's language (not its English messages).
    await page.locator('#name-error').filter({ hasText: 'Campo obbligatorio.' }).waitFor();
    assert.equal(await page.getAttribute('#name', 'aria-invalid'), 'true');
    assert.equal(await page.locator('#istat_code-error').textContent(), 'Campo obbligatorio.');
    await page.locator('#name').fill('Comune di Prova');
    await page.locator('#istat_code').fill('046099');
    await page.getByRole('button', { name: 'Salva' }).click();
    await heading(page, 'Comune di Prova');
    await checkA11y(page, 'municipality detail');

    // A desk with opening hours.
    await page.getByRole('link', { name: 'Nuovo sportello' }).click();
    await heading(page, 'Nuovo sportello');
    await page.locator('#name').fill('Sportello immigrazione');
    // Languages by name: three picked, in the order picked.
    const languages = page.getByRole('combobox', { name: 'Lingue parlate' });
    for (const name of ['Italiano', 'Inglese', 'Arabo']) {
      await languages.fill(name.toLowerCase());
      await page.getByRole('option', { name }).click();
    }
    assert.deepEqual(
      (await page.getByRole('list', { name: 'Lingue parlate: scelte' }).getByRole('listitem').allTextContents()).map((t) => t.replace('×', '').trim()),
      ['Italiano', 'Inglese', 'Arabo'],
    );
    await page.getByRole('button', { name: 'Aggiungi fascia oraria' }).click();
    await checkA11y(page, 'desk form');
    await page.getByRole('button', { name: 'Salva' }).click();
    await heading(page, 'Comune di Prova');
    await page.getByRole('heading', { level: 3, name: 'Sportello immigrazione' }).waitFor();
    await page.getByRole('cell', { name: 'Lunedì' }).waitFor();
    await page.getByText('Italiano, Inglese, Arabo').waitFor();

    // An operator for it; the temporary password is shown once.
    await page.getByRole('navigation').getByRole('link', { name: 'Utenti' }).click();
    await heading(page, 'Utenti');
    await checkA11y(page, 'account list');
    await page.getByRole('link', { name: 'Nuovo utente' }).click();
    await heading(page, 'Nuovo utente');
    await page.locator('#username').fill('op.prova');
    await page.locator('#full_name').fill('Olga Prova');
    await page.getByLabel('Ruolo').selectOption('operator');
    await page.getByLabel('Comune di Prova').check();
    await checkA11y(page, 'account form');
    await page.getByRole('button', { name: 'Salva' }).click();
    const secret = page.getByTestId('secret');
    await secret.waitFor();
    const temporary = (await secret.textContent()).trim();
    assert.ok(temporary.length >= 12, `temporary password: ${temporary}`);
    await checkA11y(page, 'account created');

    // The other admin screens.
    await page.getByRole('navigation').getByRole('link', { name: 'Client API' }).click();
    await heading(page, 'Client API');
    await checkA11y(page, 'api clients');
    await page.getByRole('navigation').getByRole('link', { name: 'Registro attività' }).click();
    await heading(page, 'Registro attività');
    await page.getByRole('button', { name: 'Verifica integrità' }).click();
    await page.getByText('Registro integro').waitFor();
    await checkA11y(page, 'audit log');
    await page.getByRole('navigation').getByRole('link', { name: 'Il mio account' }).click();
    await heading(page, 'Il mio account');
    await checkA11y(page, 'my account');

    await page.getByRole('button', { name: 'Esci' }).click();
    await heading(page, 'Accedi a LUMIT');

    // The operator: forced password change first.
    await login(page, baseUrl, 'op.prova', temporary);
    await heading(page, 'Cambia password');
    await checkA11y(page, 'forced password change');
    await page.getByLabel('Password attuale').fill(temporary);
    await page.getByLabel(/^Nuova password/).fill('la mia password nuova');
    await page.getByLabel('Ripeti la nuova password').fill('la mia password nuova');
    await page.getByRole('button', { name: 'Cambia password' }).click();
    await heading(page, /Benvenuto, Olga Prova/);

    // Only what the role may use.
    const nav = page.getByRole('navigation', { name: 'Navigazione principale' });
    await nav.getByRole('link', { name: 'Comuni e uffici' }).waitFor();
    for (const hidden of ['Utenti', 'Client API', 'Registro attività']) {
      assert.equal(await nav.getByRole('link', { name: hidden }).count(), 0, `${hidden} must not be offered`);
    }
    // A deep link to an admin page: the right page, not a broken one (this also reloads the app).
    await page.goto(`${baseUrl}/users`);
    await heading(page, 'Accesso non consentito');
    await checkA11y(page, 'forbidden page');
    await page.goto(`${baseUrl}/audit`);
    await heading(page, 'Accesso non consentito');

    // Reload keeps the session.
    await page.goto(`${baseUrl}/municipalities`);
    await heading(page, 'Comuni e uffici');
    await page.reload();
    await heading(page, 'Comuni e uffici');
    await page.getByText('Olga Prova').waitFor();

    // English and back, remembered across reloads.
    await page.getByRole('button', { name: /English/ }).click();
    await heading(page, 'Municipalities and offices');
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    await page.reload();
    await heading(page, 'Municipalities and offices');
    await checkA11y(page, 'municipality list (English)');
    await page.getByRole('button', { name: /Italiano/ }).click();
    await heading(page, 'Comuni e uffici');

    // An admin ends her sessions (a lost laptop): at her next click the app says the session
    // ended, and logging in again returns her to the page she asked for.
    await page.getByRole('navigation').getByRole('link', { name: 'Home' }).click();
    await heading(page, /Benvenuto/);
    const api = async (path, token, body) => {
      const res = await fetch(`${baseUrl}${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return res.status === 204 ? null : res.json();
    };
    const admin = (await api('/api/v1/auth/login', null, { username: adminUsername, password: adminPassword })).access_token;
    const users = await api('/api/v1/users?limit=100', admin);
    const olga = users.items.find((u) => u.username === 'op.prova');
    await api(`/api/v1/users/${olga.id}/end-sessions`, admin, {});
    await page.getByRole('navigation').getByRole('link', { name: 'Comuni e uffici' }).click();
    await heading(page, 'Accedi a LUMIT');
    await page.getByRole('status').filter({ hasText: 'La sessione è terminata' }).waitFor();
    await checkA11y(page, 'session ended');
    await page.getByLabel('Nome utente').fill('op.prova');
    await page.locator('#password').fill('la mia password nuova');
    await page.getByRole('button', { name: 'Accedi', exact: true }).click();
    await heading(page, 'Comuni e uffici');

    // Logout ends the session, also for reloads and deep links.
    await page.getByRole('button', { name: 'Esci' }).click();
    await heading(page, 'Accedi a LUMIT');
    await page.goto(`${baseUrl}/municipalities`);
    await heading(page, 'Accedi a LUMIT');
    // Refused requests (401 before login, the 422 above) are expected; a panic or script error is not.
    assert.deepEqual(page.consoleErrors.filter((e) => !e.startsWith('Failed to load resource')), []);
  });
});

test('unknown API paths stay problem+json; deep links get the app', async (t) => {
  await withApp(t, async ({ page, baseUrl }) => {
    const api = await fetch(`${baseUrl}/api/v1/does-not-exist`);
    assert.equal(api.status, 404);
    assert.match(api.headers.get('content-type'), /application\/problem\+json/);
    const deep = await fetch(`${baseUrl}/municipalities/123/edit`);
    assert.equal(deep.status, 200);
    assert.match(deep.headers.get('cache-control'), /no-cache/);
    assert.match(deep.headers.get('content-security-policy'), /script-src 'self' 'wasm-unsafe-eval'/);
    assert.match(await deep.text(), /<script type="module" src="\/boot-[0-9a-f]{8}\.js">/);
    await page.goto(`${baseUrl}/nowhere/at/all`);
    await heading(page, /Accedi a LUMIT|Pagina non trovata/);
  });
});
