// Training in the web app: a coordinator plans a course with two sessions (a room of Camaiore's
// town hall with two seats, then online); a room already taken is refused with the course in the
// way; Camaiore's officer enrols three colleagues, the third going to the waiting list; the
// trainer sees the course and its enrolled and takes attendance; for a course already over, the
// sign-in sheet and the certificate download and the public page checks the certificate's code;
// axe finds nothing serious on the pages on the way.
// Set-up (accounts) goes through the API, the scenario through the browser.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { checkA11y, withApp } from '../harness.mjs';

const PASSWORD = 'training password 1';

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

/** An account whose temporary password is replaced at once; returns its id. */
async function account(baseUrl, admin, username, fullName, role, municipalityIds = []) {
  const created = await api(baseUrl, 'POST', '/api/v1/users', admin, {
    username, full_name: fullName, role, municipality_ids: municipalityIds, password: 'temporary password 1',
  });
  const first = await api(baseUrl, 'POST', '/api/v1/auth/login', null, { username, password: 'temporary password 1' });
  await api(baseUrl, 'PUT', '/api/v1/me/password', first.access_token, { current_password: 'temporary password 1', new_password: PASSWORD });
  return created.user.id;
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
const ymd = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;

async function addSession(page, { date, start, end, kind, office, room, link, seats }) {
  const form = page.getByRole('form', { name: 'Aggiungi un incontro' });
  if (!(await form.isVisible())) await page.locator('summary', { hasText: 'Aggiungi un incontro' }).click();
  await page.locator('#session-date').fill(date);
  await page.locator('#session-start').fill(start);
  await page.locator('#session-end').fill(end);
  await page.locator('#session-place').selectOption(kind);
  if (office) {
    await page.locator(`#session-office option[value="${office}"]`).waitFor({ state: 'attached' });
    await page.locator('#session-office').selectOption(office);
  }
  if (room) await page.locator('#session-room').fill(room);
  if (link) await page.locator('#session-link').fill(link);
  await page.locator('#session-capacity').fill(String(seats));
  await form.getByRole('button', { name: 'Aggiungi un incontro' }).click();
}

test('a coordinator plans a course with two sessions; an officer enrols three colleagues, one waits; the trainer sees them', async (t) => {
  await withApp(t, async ({ page, baseUrl, adminUsername, adminPassword }) => {
    const admin = (await api(baseUrl, 'POST', '/api/v1/auth/login', null, { username: adminUsername, password: adminPassword })).access_token;
    const all = await api(baseUrl, 'GET', '/api/v1/municipalities?limit=200', admin);
    const camaiore = all.items.find((m) => m.istat_code === '046005').id;
    await account(baseUrl, admin, 'coord.formazione', 'Carla Coordinatrice', 'coordinator');
    await account(baseUrl, admin, 'uff.camaiore', 'Ugo Ufficiale', 'municipal_officer', [camaiore]);
    await account(baseUrl, admin, 'prof.rossi', 'Paola Rossi', 'trainer');

    const first = new Date();
    first.setDate(first.getDate() + 14);
    const second = new Date(first);
    second.setDate(second.getDate() + 7);

    // The coordinator plans the course.
    await login(page, baseUrl, 'coord.formazione');
    await page.getByRole('navigation').getByRole('link', { name: 'Formazione' }).click();
    await page.getByRole('heading', { level: 1, name: 'Programma di formazione' }).waitFor();
    await checkA11y(page, 'programme');
    await page.getByRole('link', { name: 'Nuovo corso' }).click();
    await page.getByRole('heading', { level: 1, name: 'Nuovo corso' }).waitFor();
    await page.locator('#title').fill('Il rinnovo del permesso di soggiorno');
    await page.locator('#topic option[value="residence_permits"]').waitFor({ state: 'attached' });
    await page.locator('#topic').selectOption('residence_permits');
    await page.getByLabel('Paola Rossi').check();
    await page.getByLabel('Anagrafe e stato civile').check();
    await page.getByLabel('Servizi sociali').check();
    await checkA11y(page, 'new course');
    await page.getByRole('button', { name: 'Salva' }).click();
    await page.getByRole('heading', { level: 1, name: 'Il rinnovo del permesso di soggiorno' }).waitFor();

    await addSession(page, { date: ymd(first), start: '09:00', end: '13:00', kind: 'office', office: camaiore, room: 'Sala Consiliare', seats: 2 });
    await page.getByRole('cell', { name: /Sala Consiliare/ }).waitFor();
    await addSession(page, { date: ymd(second), start: '14:00', end: '16:30', kind: 'online', link: 'https://meet.example.org/lumit', seats: 40 });
    await page.getByRole('link', { name: 'https://meet.example.org/lumit' }).waitFor();
    // 4 h + 2,5 h, two seats.
    await page.getByText('6,5', { exact: true }).waitFor();
    await page.getByText('0 / 2', { exact: true }).waitFor();

    // A second course can't use the same room at the same time: the form says which course has it.
    await page.goto(`${baseUrl}/training/courses/new`);
    await page.locator('#title').fill('Cittadinanza');
    await page.locator('#topic option[value="citizenship"]').waitFor({ state: 'attached' });
    await page.locator('#topic').selectOption('citizenship');
    await page.getByRole('button', { name: 'Salva' }).click();
    await page.getByRole('heading', { level: 1, name: 'Cittadinanza' }).waitFor();
    await addSession(page, { date: ymd(first), start: '11:00', end: '12:00', kind: 'office', office: camaiore, room: 'sala consiliare', seats: 10 });
    await page.locator('#session-start-error', { hasText: 'Il rinnovo del permesso di soggiorno' }).waitFor();
    await checkA11y(page, 'course with a refused session');
    await logout(page);

    // The officer enrols three colleagues; the course seats two.
    await login(page, baseUrl, 'uff.camaiore');
    await page.getByRole('navigation').getByRole('link', { name: 'Formazione' }).click();
    await page.getByRole('link', { name: 'Il rinnovo del permesso di soggiorno' }).first().click();
    await page.getByRole('heading', { level: 1, name: 'Il rinnovo del permesso di soggiorno' }).waitFor();
    await page.locator(`#enrol-municipality option[value="${camaiore}"]`).waitFor({ state: 'attached' });
    assert.equal(await page.locator('#enrol-organisation').count(), 0, 'officers enrol only their own staff');
    const colleagues = [
      ['Giulia Bianchi', 'g.bianchi@comune.camaiore.lu.it', 'Ufficiale d\'anagrafe'],
      ['Marco Neri', 'm.neri@comune.camaiore.lu.it', 'Assistente sociale'],
      ['Sara Conti', 's.conti@comune.camaiore.lu.it', 'Istruttrice amministrativa'],
    ];
    for (const [i, [name, email, job]] of colleagues.entries()) {
      await page.locator('#enrol-name').fill(name);
      await page.locator('#enrol-email').fill(email);
      await page.locator('#enrol-municipality').selectOption(camaiore);
      await page.locator('#enrol-job').fill(job);
      await page.getByRole('button', { name: 'Iscrivi', exact: true }).click();
      await page.locator('#enrolments').getByRole('cell', { name, exact: true }).waitFor();
      const message = i < 2 ? 'Iscrizione registrata.' : 'Il corso è completo: iscrizione messa in lista d\'attesa.';
      await page.getByRole('status').filter({ hasText: message }).waitFor();
    }
    const row = page.locator('#enrolments').getByRole('row').filter({ has: page.getByRole('cell', { name: 'Sara Conti', exact: true }) });
    await row.getByText('In lista d\'attesa (posizione 1)').waitFor();
    await page.getByText('2 / 2', { exact: true }).waitFor();
    await checkA11y(page, 'course with enrolments');
    await logout(page);

    // A session held yesterday, registered afterwards, for the trainer to take attendance at.
    const courseId = (await api(baseUrl, 'GET', '/api/v1/training/courses?q=rinnovo', admin)).items[0].id;
    const yesterday = new Date();
    yesterday.setDate(yesterday.getDate() - 1);
    await api(baseUrl, 'POST', `/api/v1/training/courses/${courseId}/sessions`, admin, {
      date: ymd(yesterday), start: '15:00', end: '17:00', place_kind: 'online', link: 'https://meet.example.org/ieri', capacity: 40,
    });

    // The trainer sees the course they teach, and who is enrolled.
    await login(page, baseUrl, 'prof.rossi');
    await page.getByRole('navigation').getByRole('link', { name: 'Formazione' }).click();
    const courses = page.getByRole('region', { name: 'Corsi' });
    await courses.getByRole('link', { name: 'Il rinnovo del permesso di soggiorno' }).waitFor();
    assert.equal(await courses.getByRole('link', { name: 'Cittadinanza' }).count(), 0, 'a trainer sees only the courses they teach');
    await courses.getByRole('link', { name: 'Il rinnovo del permesso di soggiorno' }).click();
    await page.locator('#enrolments').getByRole('cell', { name: 'Marco Neri', exact: true }).waitFor();
    assert.equal(await page.getByRole('button', { name: /^Ritira/ }).count(), 0, 'trainers do not withdraw anyone');
    assert.equal(await page.getByRole('navigation').getByRole('link', { name: /Richieste/ }).count(), 0, 'nothing of requests for trainers');

    // Attendance at the door: only the session already held offers it; one tap per person.
    const attendanceLinks = page.getByRole('link', { name: 'Registra presenze' });
    assert.equal(await attendanceLinks.count(), 1, 'attendance only for a session that has started');
    await attendanceLinks.click();
    await page.getByRole('heading', { level: 1, name: 'Presenze: Il rinnovo del permesso di soggiorno' }).waitFor();
    await page.getByRole('status').filter({ hasText: 'Presenti 0 su 2 · 2 da segnare' }).waitFor();
    await page.getByRole('group', { name: /Giulia Bianchi/ }).getByRole('button', { name: 'Presente' }).click();
    await page.getByRole('group', { name: /Giulia Bianchi/ }).getByRole('button', { name: 'Presente', pressed: true }).waitFor();
    await page.locator('#attendance-search').fill('neri');
    assert.equal(await page.getByRole('group', { name: /Giulia Bianchi/ }).count(), 0, 'the search narrows the list');
    await page.getByRole('group', { name: /Marco Neri/ }).getByRole('button', { name: 'Parziale' }).click();
    await page.getByLabel('Minuti di presenza').fill('60');
    await page.getByRole('button', { name: 'Salva minuti' }).click();
    await page.getByRole('status').filter({ hasText: 'Presenti 2 su 2 · 0 da segnare' }).waitFor();
    await checkA11y(page, 'attendance');
    await page.getByRole('link', { name: 'Torna al corso' }).click();
    const hours = page.locator('#hours');
    await hours.getByRole('row').filter({ hasText: 'Giulia Bianchi' }).getByText('23 %').waitFor();
    await hours.getByRole('row').filter({ hasText: 'Marco Neri' }).getByText('11 %').waitFor();
    await checkA11y(page, 'course with attendance');
    // The invitations wait in the outbox (no mail server here), which the admin sees.
    await logout(page);
    await page.locator('#username').fill(adminUsername);
    await page.locator('#password').fill(adminPassword);
    await page.getByRole('button', { name: 'Accedi', exact: true }).click();
    // Back where the last person was, the course page: the admin goes on from there.
    await page.getByRole('navigation').getByRole('link', { name: 'Posta in uscita' }).click();
    await page.getByRole('heading', { level: 1, name: 'Posta in uscita' }).waitFor();
    await page.getByText('Nessun server di posta configurato', { exact: false }).waitFor();
    await page.getByRole('cell', { name: 'Iscrizione al corso «Il rinnovo del permesso di soggiorno»', exact: true }).first().waitFor();
    await page.getByRole('cell', { name: 'Lista d\'attesa del corso «Il rinnovo del permesso di soggiorno»', exact: true }).waitFor();
    await checkA11y(page, 'outbox');

    // A course already over: the sign-in sheet and the certificate download as PDFs, and anyone
    // can check the certificate's code on the public page.
    const over = await api(baseUrl, 'POST', '/api/v1/training/courses', admin, {
      title: 'Comunicazione interculturale', topic_id: 'citizenship', organisation: 'Università di Pisa', trainer_ids: [], target_offices: [],
    });
    const held = await api(baseUrl, 'POST', `/api/v1/training/courses/${over.id}/sessions`, admin, {
      date: ymd(yesterday), start: '09:00', end: '12:00', place_kind: 'online', link: 'https://meet.example.org/intercultura', capacity: 10,
    });
    const lucia = await api(baseUrl, 'POST', `/api/v1/training/courses/${over.id}/enrolments`, admin, {
      full_name: 'Lucìa Parè', email: 'l.pare@comune.camaiore.lu.it', municipality_id: camaiore, job_title: 'Assistente sociale',
    });
    await api(baseUrl, 'PUT', `/api/v1/training/sessions/${held.id}/attendance/${lucia.id}`, admin, { presence: 'present' });
    await page.goto(`${baseUrl}/training/courses/${over.id}`);
    await page.getByRole('heading', { level: 1, name: 'Comunicazione interculturale' }).waitFor();
    const pdfOf = async (button) => {
      const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
      const bytes = readFileSync(await download.path());
      assert.equal(bytes.subarray(0, 5).toString(), '%PDF-', `${download.suggestedFilename()} is a PDF`);
      assert.ok(bytes.length > 5000 && bytes.subarray(-7).toString().includes('%%EOF'), 'a whole PDF, font embedded');
      return download.suggestedFilename();
    };
    assert.match(await pdfOf(page.getByRole('button', { name: /^Foglio firme/ })), /^foglio-firme-.*\.pdf$/);
    await page.getByRole('button', { name: 'Rilascia gli attestati' }).click();
    await page.getByRole('status').filter({ hasText: 'Attestati rilasciati per questo corso: 1' }).waitFor();
    const certificate = page.locator('#certificates').getByRole('row').filter({ hasText: 'Lucìa Parè' });
    const code = await certificate.locator('code').innerText();
    assert.match(code, /^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    assert.equal(await pdfOf(certificate.getByRole('button', { name: /Scarica l'attestato/ })), `attestato-${code}.pdf`);
    await checkA11y(page, 'course with certificates');
    await page.goto(`${baseUrl}/attestati`);
    await page.getByRole('heading', { level: 1, name: 'Verifica di un attestato' }).waitFor();
    await page.getByLabel('Codice di verifica').fill(code.toLowerCase().replaceAll('-', ' '));
    await page.getByRole('button', { name: 'Verifica', exact: true }).click();
    const valid = page.getByRole('status').filter({ hasText: 'Attestato valido' });
    await valid.waitFor();
    await valid.getByText('L. P.', { exact: true }).waitFor();
    await valid.getByText('Comunicazione interculturale', { exact: true }).waitFor();
    assert.equal(await valid.getByText('Lucìa').count(), 0, 'only the initials');
    await checkA11y(page, 'certificate check');
    assert.deepEqual(page.consoleErrors.filter((e) => !e.startsWith('Failed to load resource')), []);
  });
});
