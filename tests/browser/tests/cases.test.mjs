// Cases in the web app: an operator finds a case of her municipality (filters kept in the URL),
// records a note, an intervention, a document check and a referral with its answer, moves it
// through the workflow to closed; an operator of another municipality cannot find it; the admin
// reads the person's access log, exports her data and anonymises her. Set-up goes through the
// API, the scenario through the browser.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
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

async function operator(baseUrl, admin, username, municipalityId) {
  await api(baseUrl, 'POST', '/api/v1/users', admin, {
    username, full_name: `Operatrice ${username}`, role: 'operator', municipality_ids: [municipalityId], password: 'temporary password 1',
  });
  const first = await api(baseUrl, 'POST', '/api/v1/auth/login', null, { username, password: 'temporary password 1' });
  await api(baseUrl, 'PUT', '/api/v1/me/password', first.access_token, { current_password: 'temporary password 1', new_password: 'operator password 1' });
}

async function login(page, baseUrl, username) {
  await page.goto(`${baseUrl}/login`);
  await page.locator('#username').fill(username);
  await page.locator('#password').fill('operator password 1');
  await page.getByRole('button', { name: 'Accedi', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: /Benvenuto/ }).waitFor();
}

test('an operator works a case to closed; another municipality cannot find it', async (t) => {
  await withApp(t, async ({ page, baseUrl, adminUsername, adminPassword }) => {
    const admin = (await api(baseUrl, 'POST', '/api/v1/auth/login', null, { username: adminUsername, password: adminPassword })).access_token;
    const all = await api(baseUrl, 'GET', '/api/v1/municipalities?limit=200', admin);
    const id = (istat) => all.items.find((m) => m.istat_code === istat).id;
    await operator(baseUrl, admin, 'op.gallicano', id('046015'));
    await operator(baseUrl, admin, 'op.camaiore', id('046005'));
    const person = await api(baseUrl, 'POST', '/api/v1/people', admin, {
      first_name: 'Amina', last_name: 'Diallo', birth_date: '1990-05-04', citizenship: 'SN', municipality_id: id('046015'),
      permit_expiry: new Date(Date.now() + 20 * 86400e3).toISOString().slice(0, 10),
    });
    const created = await api(baseUrl, 'POST', '/api/v1/cases', admin, {
      person_id: person.id, municipality_id: id('046015'), category_id: 'residence_permit', subcategory_id: 'residence_permit.renewal',
      summary: 'Rinnovo del permesso in scadenza',
    });

    await login(page, baseUrl, 'op.gallicano');
    // The worklist: one unassigned open case, and the permit that expires within 60 days.
    await page.getByRole('heading', { level: 2, name: 'Scadenze nei prossimi 60 giorni' }).waitFor();
    const permit = page.getByRole('row').filter({ hasText: 'Scadenza del permesso di soggiorno' });
    await permit.filter({ hasText: 'Amina Diallo' }).waitFor();
    const unassigned = page.locator('.stat').filter({ hasText: 'Pratiche aperte non assegnate' });
    assert.equal((await unassigned.locator('.stat-value').textContent()).trim(), '1');
    await checkA11y(page, 'worklist');
    await page.getByRole('navigation').getByRole('link', { name: 'Pratiche' }).click();
    await page.getByRole('heading', { level: 1, name: 'Pratiche' }).waitFor();
    await page.getByRole('link', { name: created.reference }).waitFor();
    await checkA11y(page, 'case list');
    // Filters live in the URL, so the filtered list can be bookmarked.
    await page.locator('#status').selectOption('open');
    await page.waitForURL(/status=open/);
    await page.reload();
    await page.getByRole('link', { name: created.reference }).waitFor();
    assert.equal(await page.locator('#status').inputValue(), 'open');

    await page.getByRole('link', { name: created.reference }).click();
    await page.getByRole('heading', { level: 1, name: new RegExp(created.reference) }).waitFor();
    await checkA11y(page, 'case page');
    await page.locator('#note').fill('Verificati passaporto e ricevuta');
    await page.getByRole('button', { name: 'Aggiungi alla cronologia' }).click();
    await page.getByText('Verificati passaporto e ricevuta').waitFor();
    // She takes the unassigned case in hand, and corrects her note (allowed for 24 hours).
    assert.equal((await page.getByTestId('case-assignee').textContent()).trim(), 'nessuno');
    await page.getByRole('button', { name: 'Prendi in carico' }).click();
    await page.getByTestId('case-assignee').filter({ hasText: 'te' }).waitFor();
    await page.getByRole('button', { name: 'Correggi la nota' }).click();
    await page.getByRole('textbox', { name: 'Nota' }).last().waitFor();
    await page.locator('input[id^="edit-"]').fill('Verificati passaporto, ricevuta e codice fiscale');
    await page.getByRole('button', { name: 'Salva' }).click();
    await page.getByText('Verificati passaporto, ricevuta e codice fiscale').waitFor();
    await page.getByText('(nota corretta)').waitFor();
    // Work with its minutes, and documents checked against the category's checklist.
    await page.locator('#event_kind').selectOption('intervention');
    await page.locator('#note').fill('Compilato il kit postale');
    await page.locator('#minutes').fill('30');
    await page.getByRole('button', { name: 'Aggiungi alla cronologia' }).click();
    await page.getByText('Compilato il kit postale').waitFor();
    await page.getByText('30 min').waitFor();
    await page.locator('#event_kind').selectOption('document_check');
    await page.getByLabel('Passaporto', { exact: true }).check();
    await page.getByLabel('Fototessere', { exact: true }).check();
    await page.getByRole('button', { name: 'Aggiungi alla cronologia' }).click();
    await page.getByText(/^2 \/ \d+ verificati$/).waitFor();
    // A referral to the Questura with a follow-up date, then its answer.
    await page.locator('#office_kind').selectOption('questura');
    await page.locator('#referral_reason').fill('Appuntamento per le impronte');
    await page.locator('#follow_up_date').fill(new Date(Date.now() + 14 * 86400e3).toISOString().slice(0, 10));
    await page.getByRole('button', { name: 'Invia', exact: true }).click();
    const referrals = page.getByRole('region', { name: 'Invii ad altri uffici' });
    await referrals.getByText(/Questura · Appuntamento per le impronte/).waitFor();
    await referrals.getByLabel("Risposta dell'ufficio").fill('Impronte fissate per il 10 dicembre');
    await referrals.getByRole('button', { name: 'Registra la risposta' }).click();
    await referrals.getByText(/Impronte fissate per il 10 dicembre/).waitFor();
    await checkA11y(page, 'case page with timeline and referral');
    await page.getByRole('button', { name: 'Sposta in «In lavorazione»' }).click();
    await page.getByTestId('case-status').filter({ hasText: 'In lavorazione' }).waitFor();
    await page.locator('#outcome').selectOption('resolved');
    await page.getByRole('button', { name: 'Sposta in «Chiusa»' }).click();
    await page.getByTestId('case-status').filter({ hasText: 'Chiusa' }).waitFor();
    // Only coordinators reopen: the workflow's rules (shared with the server) offer the
    // operator no step from a closed case.
    await page.reload();
    await page.getByTestId('case-status').filter({ hasText: 'Chiusa' }).waitFor();
    await page.getByRole('heading', { name: 'Cronologia', exact: true }).waitFor();
    assert.equal(await page.getByRole('button', { name: /^Sposta in/ }).count(), 0);
    // The person's page lists her cases.
    await page.getByRole('link', { name: 'Amina Diallo' }).click();
    await page.getByRole('heading', { level: 1, name: 'Amina Diallo' }).waitFor();
    await page.getByRole('link', { name: created.reference }).waitFor();
    await checkA11y(page, 'person page');

    // The operator of Camaiore finds nothing, and the case's address is "not found" for her.
    await page.getByRole('button', { name: 'Esci' }).click();
    await login(page, baseUrl, 'op.camaiore');
    await page.goto(`${baseUrl}/cases?q=${encodeURIComponent(created.reference)}`);
    await page.getByText('Nessun risultato.').waitFor();
    await page.goto(`${baseUrl}/cases/${created.id}`);
    await page.getByRole('alert').waitFor();
    assert.equal(await page.getByText(created.reference).count(), 0);

    // The admin sees who read her record, exports it, and anonymises her.
    await page.getByRole('button', { name: 'Esci' }).click();
    await page.locator('#username').fill(adminUsername);
    await page.locator('#password').fill(adminPassword);
    await page.getByRole('button', { name: 'Accedi', exact: true }).click();
    await page.getByRole('button', { name: 'Esci' }).waitFor();
    await page.goto(`${baseUrl}/people/${person.id}`);
    await page.getByRole('heading', { level: 1, name: 'Amina Diallo' }).waitFor();
    const readers = page.getByRole('table', { name: 'Chi ha consultato la scheda' });
    await readers.getByRole('row').filter({ hasText: 'op.gallicano' }).first().waitFor();
    await checkA11y(page, 'person page, admin');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Esporta tutti i dati (JSON)' }).click(),
    ]);
    const exported = JSON.parse(await readFile(await download.path(), 'utf8'));
    assert.equal(exported.person.last_name, 'Diallo');
    assert.equal(exported.cases[0].case.reference, created.reference);
    page.once('dialog', (d) => d.accept());
    await page.getByRole('button', { name: 'Anonimizza' }).click();
    await page.getByRole('status').filter({ hasText: 'Persona anonimizzata.' }).waitFor();
    await page.getByRole('heading', { level: 1, name: /Anonimizzato/ }).waitFor();
  });
});
