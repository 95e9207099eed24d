// Mediation requests in the web app: a municipal officer of Camaiore files a request for an Arabic
// mediator; the coordinator approves it from the board and assigns the mediator the suggestions
// rank first; assigning the same mediator by hand to an overlapping request is refused, naming the
// job in the way; the mediator confirms the job from "my jobs" and records it as done (75 minutes);
// the coordinator reads the hours in the mediator's timesheet. Set-up goes through the API, the
// scenario through the browser.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { checkA11y, withApp } from '../harness.mjs';

const PASSWORD = 'mediation password 1';

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

/** A status and problem+json body, for the answers expected to be refused. */
async function apiRaw(baseUrl, method, path, token, body) {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** An account with a temporary password, replaced at once (as the person would at first login); returns its id and a token. */
async function account(baseUrl, admin, username, fullName, role, municipalityIds = []) {
  const created = await api(baseUrl, 'POST', '/api/v1/users', admin, {
    username, full_name: fullName, role, municipality_ids: municipalityIds, password: 'temporary password 1',
  });
  const first = await api(baseUrl, 'POST', '/api/v1/auth/login', null, { username, password: 'temporary password 1' });
  await api(baseUrl, 'PUT', '/api/v1/me/password', first.access_token, { current_password: 'temporary password 1', new_password: PASSWORD });
  const login = await api(baseUrl, 'POST', '/api/v1/auth/login', null, { username, password: PASSWORD });
  return { id: created.user.id, token: login.access_token };
}

async function login(page, baseUrl, username) {
  await page.goto(`${baseUrl}/login`);
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Accedi', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: /Benvenuto/ }).waitFor();
}

async function logout(page) {
  await page.getByRole('button', { name: 'Esci' }).click();
  await page.getByRole('heading', { level: 1, name: 'Accedi a LUMIT' }).waitFor();
}

const pad = (n) => String(n).padStart(2, '0');
/** `YYYY-MM-DD` of a local date. */
const ymd = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;

test('an officer files a mediation; the coordinator assigns it, a double booking is refused; the mediator completes it; the hours show', async (t) => {
  await withApp(t, async ({ page, baseUrl, adminUsername, adminPassword }) => {
    const admin = (await api(baseUrl, 'POST', '/api/v1/auth/login', null, { username: adminUsername, password: adminPassword })).access_token;
    const all = await api(baseUrl, 'GET', '/api/v1/municipalities?limit=200', admin);
    const camaiore = all.items.find((m) => m.istat_code === '046005').id;
    const officer = await account(baseUrl, admin, 'uff.camaiore', 'Ugo Ufficiale', 'municipal_officer', [camaiore]);
    const coordinator = await account(baseUrl, admin, 'coord.prefettura', 'Carla Coordinatrice', 'coordinator');
    const amal = await account(baseUrl, admin, 'amal.haddad', 'Amal Haddad', 'mediator');
    const mediator = await api(baseUrl, 'POST', '/api/v1/mediators', admin, {
      full_name: 'Amal Haddad', kind: 'mediator', organisation: 'Co&So',
      languages: [{ language: 'ar', level: 'native' }], municipality_ids: [camaiore], user_id: amal.id,
    });
    await api(baseUrl, 'PUT', `/api/v1/mediators/${mediator.id}/availability`, admin, {
      weekly: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '24:00' })),
      exceptions: [],
    });
    // Ten days ahead: far from any cancellation deadline, and a day the mediator is free (every day).
    const day = new Date(Date.now() + 10 * 86400e3);
    const date = ymd(day);
    const month = date.slice(0, 7);
    const shownDate = `${pad(day.getDate())}/${pad(day.getMonth() + 1)}/${day.getFullYear()}`;

    // The officer files the request through the form.
    await login(page, baseUrl, 'uff.camaiore');
    await page.getByRole('navigation').getByRole('link', { name: 'Richieste di mediazione' }).click();
    await page.getByRole('heading', { level: 1, name: 'Richieste di mediazione' }).waitFor();
    await page.getByRole('link', { name: 'Nuova richiesta' }).click();
    await page.getByRole('heading', { level: 1, name: 'Nuova richiesta' }).waitFor();
    assert.ok(await page.locator('#kind-mediation').isChecked(), 'mediation is the default kind');
    await page.locator(`#municipality_id option[value="${camaiore}"]`).waitFor({ state: 'attached' });
    await page.locator('#municipality_id').selectOption(camaiore);
    await checkA11y(page, 'new request form');
    await page.locator('#office').fill('Ufficio anagrafe');
    assert.equal(await page.locator('#contact_name').inputValue(), 'Ugo Ufficiale');
    await page.locator('#contact_phone').fill('0584 986111');
    await page.locator('#language').fill('arabo');
    await page.locator('#language').press('Enter');
    assert.equal(await page.locator('#language').inputValue(), 'Arabo');
    await page.locator('#date').fill(date);
    await page.locator('#start_time').fill('10:00');
    await page.locator('#duration_minutes').fill('60');
    await page.locator('#address').fill('Piazza San Bernardino 1, Camaiore');
    await page.locator('#setting').selectOption('registry_office');
    await page.locator('#participants').fill('2');
    await page.locator('#purpose').fill('Colloquio per la residenza della famiglia');
    await page.getByRole('button', { name: 'Invia richiesta' }).click();
    const title = page.getByRole('heading', { level: 1, name: /^Richiesta RS-\d{4}-\d{6}$/ });
    await title.waitFor();
    const reference = (await title.textContent()).trim().replace(/^Richiesta\s+/, '');
    await page.getByTestId('request-status').filter({ hasText: 'Inviata' }).waitFor();
    assert.equal((await page.getByTestId('request-start').textContent()).trim(), `${shownDate} 10:00`);
    await checkA11y(page, 'request page (officer)');
    // …and finds it among her requests.
    await page.getByRole('navigation').getByRole('link', { name: 'Richieste di mediazione' }).click();
    await page.getByRole('heading', { level: 1, name: 'Richieste di mediazione' }).waitFor();
    const mine = page.getByRole('row').filter({ has: page.getByRole('link', { name: reference }) });
    await mine.waitFor();
    await mine.getByText('Inviata', { exact: true }).waitFor();
    await mine.getByText('Arabo', { exact: true }).waitFor();
    await checkA11y(page, 'my requests');
    const requests = await api(baseUrl, 'GET', '/api/v1/requests?limit=50', admin);
    const first = requests.items.find((r) => r.reference === reference);
    assert.equal(first.starts_at, `${date}T10:00:00`);
    await logout(page);

    // The coordinator approves it from the board and assigns the first suggestion.
    await login(page, baseUrl, 'coord.prefettura');
    await page.getByRole('navigation').getByRole('link', { name: 'Richieste di mediazione' }).click();
    await page.getByRole('heading', { level: 1, name: 'Richieste di mediazione e traduzione' }).waitFor();
    const submitted = page.getByRole('region', { name: /^Inviata/ });
    await submitted.getByRole('link', { name: reference }).waitFor();
    await checkA11y(page, 'request board');
    await submitted.getByRole('link', { name: reference }).click();
    await page.getByRole('heading', { level: 1, name: `Richiesta ${reference}` }).waitFor();
    await page.getByRole('button', { name: 'Approva la richiesta' }).click();
    await page.getByTestId('request-status').filter({ hasText: 'Approvata' }).waitFor();
    const suggested = page.getByRole('table', { name: 'Mediatori suggeriti, dal più adatto' });
    const amalRow = suggested.getByRole('row').filter({ hasText: 'Amal Haddad' });
    await amalRow.waitFor();
    assert.equal((await amalRow.getByRole('cell').first().textContent()).trim(), '1');
    await amalRow.getByText(/speaks ar at level native; covers Camaiore; free for the slot/).waitFor();
    await amalRow.getByText('madrelingua', { exact: true }).waitFor();
    await checkA11y(page, 'request page with suggestions');
    await amalRow.getByRole('button', { name: 'Assegna a Amal Haddad' }).click();
    await page.getByTestId('request-status').filter({ hasText: 'Assegnata' }).waitFor();
    await page.getByTestId('request-mediator').getByRole('link', { name: 'Amal Haddad' }).waitFor();
    assert.equal(await page.getByRole('table', { name: 'Mediatori suggeriti, dal più adatto' }).count(), 0);

    // A second request of Camaiore that overlaps the first (10:30–11:30 the same day), approved.
    const second = await api(baseUrl, 'POST', '/api/v1/requests', officer.token, {
      municipality_id: camaiore, office: 'Servizi sociali', contact_name: 'Ugo Ufficiale', kind: 'mediation', language: 'ar',
      date, start_time: '10:30', duration_minutes: 60, remote: false, address: 'Via Oberdan 2, Camaiore',
      setting: 'social_services', purpose: 'Incontro con i servizi sociali',
    });
    await api(baseUrl, 'POST', `/api/v1/requests/${second.id}/transitions`, coordinator.token, { to: 'approved' });
    await page.goto(`${baseUrl}/requests/${second.id}`);
    await page.getByRole('heading', { level: 1, name: `Richiesta ${second.reference}` }).waitFor();
    await page.getByTestId('request-status').filter({ hasText: 'Approvata' }).waitFor();
    // The suggestions leave the busy mediator out, and say why when asked.
    await page.getByRole('status').filter({ hasText: 'Nessun mediatore disponibile soddisfa tutti i requisiti.' }).waitFor();
    await page.getByLabel('Mostra anche i mediatori non disponibili').check();
    const unavailable = page.getByRole('table', { name: 'Mediatori non disponibili' });
    await unavailable.getByRole('row').filter({ hasText: 'Amal Haddad' }).getByRole('link', { name: reference }).waitFor();
    // Chosen by hand, the same mediator is refused, naming the job in the way.
    await page.locator(`#manual_mediator option[value="${mediator.id}"]`).waitFor({ state: 'attached' });
    await page.getByRole('combobox', { name: 'Mediatore', exact: true }).selectOption(mediator.id);
    await page.getByRole('button', { name: 'Assegna il mediatore scelto' }).click();
    const refused = page.getByRole('alert').filter({ has: page.getByTestId('assign-error') });
    await refused.waitFor();
    const refusal = page.getByTestId('assign-error');
    await refusal.getByText(/Assegnazione rifiutata: il mediatore è già impegnato in quell'orario\./).waitFor();
    await refusal.getByText(new RegExp(`already booked for ${reference}`)).waitFor();
    await refusal.getByRole('link', { name: reference }).waitFor();
    assert.match(await refusal.textContent(), new RegExp(`Incarico in conflitto: ${reference}`));
    await checkA11y(page, 'request page with the double-booking refusal');
    await page.reload();
    await page.getByTestId('request-status').filter({ hasText: 'Approvata' }).waitFor();
    assert.equal((await page.getByTestId('request-mediator').textContent()).trim(), '—');
    await logout(page);

    // The mediator confirms the job from "my jobs"…
    await login(page, baseUrl, 'amal.haddad');
    await page.getByRole('navigation').getByRole('link', { name: 'I miei incarichi' }).click();
    await page.getByRole('heading', { level: 1, name: 'I miei incarichi' }).waitFor();
    const upcoming = page.getByRole('region', { name: /^Prossimi incarichi/ });
    await upcoming.getByRole('link', { name: reference }).waitFor();
    assert.equal(await page.getByRole('link', { name: second.reference }).count(), 0, 'not her job');
    await page.getByRole('heading', { level: 2, name: 'La mia disponibilità' }).waitFor();
    // Her weekly windows are loaded into the editor: seven, one a day.
    await page.getByRole('group', { name: 'Fascia 7' }).waitFor();
    assert.equal(await page.getByRole('group', { name: /^Fascia \d$/ }).count(), 7);
    await checkA11y(page, 'my jobs');
    await upcoming.getByRole('link', { name: reference }).click();
    await page.getByRole('heading', { level: 1, name: `Richiesta ${reference}` }).waitFor();
    await page.getByRole('button', { name: "Conferma l'incarico" }).click();
    await page.getByTestId('request-status').filter({ hasText: 'Confermata' }).waitFor();
    // Confirmed, the job still books her: the overlapping request can't have her.
    const again = await apiRaw(baseUrl, 'POST', `/api/v1/requests/${second.id}/transitions`, coordinator.token, { to: 'assigned', mediator_id: mediator.id });
    assert.equal(again.status, 409);
    assert.equal(again.body.code, 'double_booked');
    assert.equal(again.body.conflicting_reference, reference);
    await checkA11y(page, 'request page (mediator, confirmed)');
    // …then records it as done.
    await page.locator('#actual_minutes').fill('75');
    await page.locator('#job_outcome').selectOption('done');
    await page.locator('#completion_notes').fill('Colloquio concluso, documenti consegnati');
    await page.getByRole('button', { name: 'Registra completamento' }).click();
    await page.getByTestId('request-status').filter({ hasText: 'Completata' }).waitFor();
    await page.getByText('75 min (1:15)', { exact: true }).waitFor();
    await page.getByText('Svolto come previsto', { exact: true }).waitFor();
    await logout(page);

    // The coordinator sees the hours in the mediator's timesheet for the job's month.
    await login(page, baseUrl, 'coord.prefettura');
    await page.goto(`${baseUrl}/mediators/${mediator.id}/timesheet?month=${month}`);
    await page.getByRole('heading', { level: 1, name: 'Foglio ore: Amal Haddad' }).waitFor();
    const total = page.getByTestId('timesheet-total');
    await total.filter({ hasText: '1:15' }).waitFor();
    assert.equal((await total.textContent()).replace(/\s+/g, ' ').trim(), 'Totale: 1:15 ore');
    const row = page.getByRole('table', { name: `Ore per comune e tipo di servizio — ${month}` }).getByRole('row').filter({ hasText: 'Camaiore' });
    await row.waitFor();
    assert.deepEqual(
      (await row.locator('th, td').allTextContents()).map((s) => s.trim()),
      ['Camaiore', 'Mediazione', '1', '1:15'],
    );
    await checkA11y(page, 'timesheet');

    // Completed, the first job no longer books her: the second request can now have her.
    await page.goto(`${baseUrl}/requests/${second.id}`);
    await page.getByRole('heading', { level: 1, name: `Richiesta ${second.reference}` }).waitFor();
    await page.getByRole('button', { name: 'Assegna a Amal Haddad' }).click();
    await page.getByTestId('request-status').filter({ hasText: 'Assegnata' }).waitFor();

    // Refused steps (the 409 above) are expected; a panic or script error is not.
    assert.deepEqual(page.consoleErrors.filter((e) => !e.startsWith('Failed to load resource')), []);
  });
});

/** Controls inside `scope` whose box is narrower than their widest text (a select's longest option, an input's value or placeholder). */
async function squeezed(page, scope) {
  return page.locator(scope).evaluateAll((els) => {
    const ctx = document.createElement('canvas').getContext('2d');
    return els.flatMap((el) => {
      const style = getComputedStyle(el);
      ctx.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
      const texts = el.tagName === 'SELECT' ? [...el.options].map((o) => o.text) : [el.value, el.placeholder];
      const widest = Math.max(...texts.map((t) => ctx.measureText(t).width));
      // A select's arrow takes about 20 pixels besides its text.
      const room = el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - (el.tagName === 'SELECT' ? 20 : 0);
      return room + 1 < widest ? [`${el.id}: ${Math.round(room)} px for ${Math.round(widest)} px of text`] : [];
    });
  });
}

test('the availability editor reads well at 1366 and 1024 pixels wide, on the 24-hour clock', async (t) => {
  await withApp(t, async ({ page, baseUrl, adminUsername, adminPassword }) => {
    const admin = (await api(baseUrl, 'POST', '/api/v1/auth/login', null, { username: adminUsername, password: adminPassword })).access_token;
    await account(baseUrl, admin, 'coord.orari', 'Olga Orari', 'coordinator');
    const mediator = await api(baseUrl, 'POST', '/api/v1/mediators', admin, {
      full_name: 'Tesfay Gebre', kind: 'mediator', languages: [{ language: 'ti', level: 'native' }], municipality_ids: [],
    });
    await api(baseUrl, 'PUT', `/api/v1/mediators/${mediator.id}/availability`, admin, {
      weekly: [{ weekday: 3, start: '00:00', end: '24:00' }], exceptions: [],
    });
    await login(page, baseUrl, 'coord.orari');
    await page.goto(`${baseUrl}/mediators/${mediator.id}`);
    const slot = page.locator('.slot').first();
    await slot.waitFor();
    // The whole day as the desks say it, not 12:00 AM – 11:59 PM.
    assert.equal(await slot.getByLabel('Dalle', { exact: true }).inputValue(), '00:00');
    assert.equal(await slot.getByLabel('Alle', { exact: true }).inputValue(), '24:00');
    assert.equal(await slot.getByLabel('Giorno').locator('option:checked').textContent(), 'Mercoledì');
    for (const width of [1366, 1024]) {
      await page.setViewportSize({ width, height: 768 });
      assert.deepEqual(await squeezed(page, '.slot select, .slot input'), [], `at ${width} pixels`);
    }
    await slot.getByLabel('Alle', { exact: true }).fill('18:30');
    await page.getByRole('button', { name: 'Salva disponibilità' }).click();
    await page.getByText('Disponibilità salvata.').waitFor();
    await page.reload();
    await page.locator('.slot').first().waitFor();
    assert.equal(await page.locator('.slot').first().getByLabel('Alle', { exact: true }).inputValue(), '18:30');
    await checkA11y(page, 'the availability editor');
  });
});

test('the board shows ten requests a column and more on request, and each week of assigned jobs', async (t) => {
  await withApp(t, async ({ page, baseUrl, adminUsername, adminPassword }) => {
    const admin = (await api(baseUrl, 'POST', '/api/v1/auth/login', null, { username: adminUsername, password: adminPassword })).access_token;
    const all = await api(baseUrl, 'GET', '/api/v1/municipalities?limit=200', admin);
    const camaiore = all.items.find((m) => m.istat_code === '046005').id;
    const officer = await account(baseUrl, admin, 'uff.bacheca', 'Ugo Bacheca', 'municipal_officer', [camaiore]);
    const coordinator = await account(baseUrl, admin, 'coord.bacheca', 'Carla Bacheca', 'coordinator');
    const mediator = await api(baseUrl, 'POST', '/api/v1/mediators', admin, {
      full_name: 'Amal Haddad', kind: 'mediator', languages: [{ language: 'ar', level: 'native' }], municipality_ids: [camaiore],
    });
    await api(baseUrl, 'PUT', `/api/v1/mediators/${mediator.id}/availability`, admin, {
      weekly: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '24:00' })), exceptions: [],
    });
    const file = (date, start) => api(baseUrl, 'POST', '/api/v1/requests', officer.token, {
      municipality_id: camaiore, office: 'Anagrafe', contact_name: 'Ugo Bacheca', kind: 'mediation', language: 'ar',
      date, start_time: start, duration_minutes: 60, remote: false, address: 'Piazza Dante, Camaiore',
      setting: 'registry_office', purpose: 'Iscrizione anagrafica',
    });
    const later = ymd(new Date(Date.now() + 30 * 86400e3));
    for (let n = 0; n < 12; n++) await file(later, `${pad(8 + (n % 10))}:00`);
    // One job assigned ten days ahead, in the week view some weeks on.
    const day = new Date(Date.now() + 10 * 86400e3);
    const job = await file(ymd(day), '10:00');
    await api(baseUrl, 'POST', `/api/v1/requests/${job.id}/transitions`, coordinator.token, { to: 'approved' });
    await api(baseUrl, 'POST', `/api/v1/requests/${job.id}/transitions`, coordinator.token, { to: 'assigned', mediator_id: mediator.id });

    await login(page, baseUrl, 'coord.bacheca');
    await page.getByRole('navigation').getByRole('link', { name: 'Richieste di mediazione' }).click();
    const submitted = page.getByRole('region', { name: /^Inviata/ });
    await submitted.getByRole('heading', { name: 'Inviata (10+)' }).waitFor();
    assert.equal(await submitted.locator('.req-card').count(), 10);
    await submitted.getByRole('button', { name: 'Carica altri' }).click();
    await submitted.getByRole('heading', { name: 'Inviata (12)' }).waitFor();
    assert.equal(await submitted.locator('.req-card').count(), 12);
    assert.equal(await submitted.getByRole('button', { name: 'Carica altri' }).count(), 0);

    // The week view: from this Monday, forward to the job's week.
    const monday = (d) => { const m = new Date(d); m.setHours(12, 0, 0, 0); m.setDate(m.getDate() - ((m.getDay() + 6) % 7)); return m; };
    const weeks = Math.round((monday(day) - monday(new Date())) / (7 * 86400e3));
    const week = page.getByRole('region', { name: /^Incarichi della settimana/ });
    for (let w = 0; w < weeks; w++) {
      const before = await week.getByRole('heading', { level: 2 }).textContent();
      await week.getByRole('button', { name: 'Settimana successiva', exact: true }).click();
      await week.getByRole('heading', { level: 2 }).filter({ hasNotText: before }).waitFor();
    }
    await week.locator(`li[data-day="${ymd(day)}"]`).getByRole('link', { name: job.reference }).waitFor();
    assert.equal(await week.locator('.req-card').count(), 1);
    await checkA11y(page, 'the board with its week');
  });
});
