// The dashboard and the indicators in the web app: a coordinator reads the home page's charts,
// changes their period, opens a chart's table; then opens the indicators, reads the quarter's figures, changes the
// period, opens a breakdown's table, drills into a line to the cases behind it, downloads the
// XLSX, and freezes the quarter, then sees a later correction as a difference; axe finds nothing
// serious on any of these pages.
// Set-up (an account, a person, a case) goes through the API, the scenario through the browser.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { checkA11y, withApp } from '../harness.mjs';

const PASSWORD = 'reports password 1';

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

test('a coordinator reads the quarter, changes the period, drills into a line, downloads the XLSX and freezes the quarter', async (t) => {
  await withApp(t, async ({ page, baseUrl, adminUsername, adminPassword }) => {
    const admin = (await api(baseUrl, 'POST', '/api/v1/auth/login', null, { username: adminUsername, password: adminPassword })).access_token;
    const all = await api(baseUrl, 'GET', '/api/v1/municipalities?limit=200', admin);
    const gallicano = all.items.find((m) => m.istat_code === '046015').id;
    await api(baseUrl, 'POST', '/api/v1/users', admin, {
      username: 'coord.fondo', full_name: 'Carla Coordinatrice', role: 'coordinator', municipality_ids: [], password: 'temporary password 1',
    });
    const first = await api(baseUrl, 'POST', '/api/v1/auth/login', null, { username: 'coord.fondo', password: 'temporary password 1' });
    await api(baseUrl, 'PUT', '/api/v1/me/password', first.access_token, { current_password: 'temporary password 1', new_password: PASSWORD });
    const person = await api(baseUrl, 'POST', '/api/v1/people', admin, {
      first_name: 'Amina', last_name: 'Benali', sex: 'F', birth_date: '1990-05-01', citizenship: 'MA', municipality_id: gallicano,
    });
    await api(baseUrl, 'POST', '/api/v1/cases', admin, {
      person_id: person.id, municipality_id: gallicano, category_id: 'residence_permit', summary: 'Rinnovo',
    });

    await page.goto(`${baseUrl}/login`);
    await page.locator('#username').fill('coord.fondo');
    await page.locator('#password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Accedi', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: /Benvenuto/ }).waitFor();

    // The dashboard: the last twelve months by default, one person this month.
    const months = page.locator('figure[data-code="people_by_month"]');
    await months.waitFor();
    assert.match(await months.locator('.chart-summary').textContent(), /^Persone assistite per mese: da 0 a 1; il valore più alto: \w+ \d{4} \(1\); in crescita\.$/);
    assert.equal(await page.locator('figure.chart').count(), 8);
    assert.equal((await page.locator('.stat[data-code="people_assisted"] .stat-value').textContent()).trim(), '1');
    // The chart's table alternative: this month's row says 1.
    await months.getByText('Mostra i dati in tabella').click();
    const rows = months.locator('table tbody tr');
    assert.equal(await rows.count(), 12);
    assert.equal((await rows.last().locator('td').textContent()).trim(), '1');
    await checkA11y(page, 'the dashboard');
    // Another period: this month only.
    await page.locator('#dash-period').selectOption({ label: 'Questo mese' });
    await page.waitForURL(/\/\?from=\d{4}-\d{2}-01&to=/);
    await page.waitForFunction(() => document.querySelectorAll('figure[data-code="people_by_month"] table tbody tr').length === 1
      || document.querySelector('figure[data-code="people_by_month"] .chart-summary')?.textContent.includes('da 1 a 1'));
    await months.getByText('Mostra i dati in tabella').click();
    await page.waitForFunction(() => document.querySelectorAll('figure[data-code="people_by_month"] table tbody tr').length === 1);

    await page.getByRole('navigation').getByRole('link', { name: 'Indicatori' }).click();
    await page.getByRole('heading', { level: 1, name: 'Indicatori del programma' }).waitFor();

    // This quarter: the one person assisted today.
    const people = page.locator('tr[data-code="people_assisted"]');
    await people.waitFor();
    assert.equal((await people.locator('td').first().textContent()).trim(), '1');
    await checkA11y(page, 'indicators');

    // The quarter before: nobody yet, in the period or since the programme began.
    const options = await page.locator('#rep-preset option').allTextContents();
    const before = options.find((o) => /trimestre/.test(o) && o !== options[1]);
    await page.locator('#rep-preset').selectOption({ label: before });
    await page.getByRole('button', { name: 'Mostra' }).click();
    await page.waitForURL(/from=\d{4}-\d{2}-01&to=/);
    await page.waitForFunction(() => {
      const cells = document.querySelectorAll('tr[data-code="people_assisted"] td');
      return cells.length === 2 && cells[0].textContent.trim() === '0' && cells[1].textContent.trim() === '0';
    });
    await page.goBack();
    await page.waitForFunction(() => document.querySelector('tr[data-code="people_assisted"] td')?.textContent.trim() === '1');

    // A breakdown's table: the person's citizenship.
    await page.locator('summary', { hasText: 'Dettaglio: Persone assistite' }).click();
    const citizenship = page.locator('table[data-code="people_assisted.by_citizenship"]');
    await citizenship.waitFor();
    assert.match(await citizenship.locator('caption').textContent(), /Persone assistite per cittadinanza/);
    const morocco = citizenship.getByRole('row', { name: /Marocco/ });
    assert.equal((await morocco.locator('td').first().textContent()).trim(), '1');
    await checkA11y(page, 'indicators with a breakdown open');

    // From the line to the cases behind it.
    await morocco.getByRole('link', { name: '1 nel periodo — mostra i casi' }).click();
    await page.getByRole('heading', { level: 1, name: /Casi dietro la cifra: Persone assistite — Marocco/ }).waitFor();
    assert.match(await page.getByTestId('drill-counts').textContent(), /1 casi · 1 persone/);
    await page.getByRole('link', { name: 'Amina Benali' }).waitFor();
    await checkA11y(page, 'the cases behind a figure');
    await page.goBack();
    await page.locator('tr[data-code="people_assisted"]').waitFor();

    // The spreadsheet for the fund.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Scarica Excel (XLSX)' }).click(),
    ]);
    assert.match(download.suggestedFilename(), /^lumit-indicatori-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.xlsx$/);
    const bytes = readFileSync(await download.path());
    assert.equal(bytes.subarray(0, 2).toString(), 'PK', 'an XLSX is a zip');
    await page.getByText('File scaricato.').waitFor();

    // Freezing the quarter: asked once more, then kept with a fingerprint.
    await page.getByRole('button', { name: 'Congela il rapporto del periodo' }).click();
    await page.getByRole('button', { name: 'Sì, congela' }).click();
    await page.waitForURL(/\/reports\/frozen\//);
    await page.getByRole('heading', { level: 1, name: /Rapporto congelato/ }).waitFor();
    assert.match(await page.getByTestId('integrity').textContent(), /Integro/);
    await page.getByTestId('no-differences').waitFor();
    await checkA11y(page, 'a frozen report');

    // A correction after freezing: the frozen figure stays, the difference is shown.
    const other = await api(baseUrl, 'POST', '/api/v1/people', admin, {
      first_name: 'Karim', last_name: 'Haddad', sex: 'M', birth_date: '1980-02-02', citizenship: 'TN', municipality_id: gallicano,
    });
    await api(baseUrl, 'POST', '/api/v1/cases', admin, {
      person_id: other.id, municipality_id: gallicano, category_id: 'other', summary: 'Informazioni',
    });
    await page.reload();
    const diff = page.getByTestId('differences').locator('tr[data-code="people_assisted"]').first();
    await diff.waitFor();
    assert.deepEqual((await diff.locator('td.num').allTextContents()).map((v) => v.trim()), ['1', '2']);
    assert.equal((await page.locator('section.report-family tr[data-code="people_assisted"] td').first().textContent()).trim(), '1');
    await checkA11y(page, 'a frozen report with differences');

    // Listed on the indicators' page.
    await page.getByRole('link', { name: '← Indicatori' }).click();
    await page.getByTestId('frozen-list').getByRole('cell', { name: 'Carla Coordinatrice' }).waitFor();

    // The register of people: found by name, and the matching register as a spreadsheet.
    await page.getByRole('navigation', { name: 'Navigazione principale' }).getByRole('link', { name: 'Persone' }).click();
    await page.getByRole('heading', { level: 1, name: 'Persone' }).waitFor();
    await page.getByRole('link', { name: 'Haddad Karim' }).waitFor();
    await page.getByRole('searchbox', { name: 'Cerca' }).fill('benali');
    await page.getByRole('searchbox', { name: 'Cerca' }).press('Enter');
    await page.getByRole('link', { name: 'Haddad Karim' }).waitFor({ state: 'detached' });
    const amina = page.getByRole('row').filter({ has: page.getByRole('link', { name: 'Benali Amina' }) });
    assert.deepEqual((await amina.locator('td').allTextContents()).slice(1).map((v) => v.trim()), ['Femmina', '01/05/1990', 'Marocco', 'Gallicano']);
    await checkA11y(page, 'the register of people');
    const [csv] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Scarica CSV' }).click(),
    ]);
    assert.match(csv.suggestedFilename(), /^lumit-persone-\d{4}-\d{2}-\d{2}\.csv$/);
    const lines = readFileSync(await csv.path(), 'utf8').trim().split(/\r?\n/);
    assert.equal(lines.length, 2, 'the header and the one person found');
    assert.match(lines[1], /^Benali,Amina,F,1990-05-01,/);
  });
});
