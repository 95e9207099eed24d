// Screenshots of the staff web app's main screens for the documentation, saved to
// docs/screenshots/. A fresh `lumit` server (own temporary data folder, see harness.mjs) gets
// realistic fictional data through the API — staff, desks, people, cases with timelines and
// referrals, mediators and service requests — then headless Chromium (1280×800, Italian UI)
// logs in as a coordinator and photographs each screen once its content has rendered.
//
//   cd tests/browser && LUMIT_BIN=/work/main/target/debug/lumit node screenshots.mjs
//
// Needs the built web app in web/dist. Exits non-zero when a screen fails to load.

import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

import { REPO, newBrowser, screenshotOnFailure, startLumit } from './harness.mjs';

const OUT = join(REPO, 'docs', 'screenshots');
const PASSWORD = 'screenshot password 1';
const TEMPORARY = 'temporary password 1';
const MAX_BYTES = 200 * 1024;

// ---------------------------------------------------------------------------------------------
// API helpers (as in the tests).

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

/** An account whose temporary password is replaced at once; returns its id and a token. */
async function account(baseUrl, admin, username, fullName, role, municipalityIds = []) {
  const created = await api(baseUrl, 'POST', '/api/v1/users', admin, {
    username, full_name: fullName, role, municipality_ids: municipalityIds, password: TEMPORARY,
  });
  const first = await api(baseUrl, 'POST', '/api/v1/auth/login', null, { username, password: TEMPORARY });
  await api(baseUrl, 'PUT', '/api/v1/me/password', first.access_token, { current_password: TEMPORARY, new_password: PASSWORD });
  const login = await api(baseUrl, 'POST', '/api/v1/auth/login', null, { username, password: PASSWORD });
  return { id: created.user.id, token: login.access_token };
}

const pad = (n) => String(n).padStart(2, '0');
/** `YYYY-MM-DD` of a local date. */
const ymd = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
const addDays = (d, n) => new Date(d.getFullYear(), d.getMonth(), d.getDate() + n);
const mondayOf = (d) => addDays(d, -((d.getDay() + 6) % 7));
const inDays = (n) => ymd(addDays(new Date(), n));

// ---------------------------------------------------------------------------------------------
// The data: fictional people, staff and mediators of the province of Lucca.

async function seed(baseUrl, adminUsername, adminPassword) {
  const admin = (await api(baseUrl, 'POST', '/api/v1/auth/login', null, { username: adminUsername, password: adminPassword })).access_token;
  const all = await api(baseUrl, 'GET', '/api/v1/municipalities?limit=200', admin);
  const mun = (istat) => {
    const m = all.items.find((x) => x.istat_code === istat);
    if (!m) throw new Error(`municipality ${istat} missing from the reference data`);
    return m.id;
  };
  const gallicano = mun('046015');
  const castelnuovo = mun('046009');
  const camaiore = mun('046005');
  const lucca = mun('046017');

  // Desks.
  const weekdays = (days, start, end) => days.map((weekday) => ({ weekday, start, end }));
  const desk = async (municipality, name, address, phone, languages, hours) =>
    api(baseUrl, 'POST', `/api/v1/municipalities/${municipality}/desks`, admin, {
      name, address, phone, languages, opening_hours: hours,
    });
  const deskCastelnuovo = await desk(castelnuovo, 'Sportello immigrazione Garfagnana', 'Via Vittorio Emanuele 7, Castelnuovo di Garfagnana',
    '0583 641011', ['it', 'en', 'fr', 'ar'], weekdays(['monday', 'wednesday', 'friday'], '09:00', '12:30'));
  const deskGallicano = await desk(gallicano, 'Sportello stranieri di Gallicano', 'Via Serchio 1, Gallicano',
    '0583 73071', ['it', 'en', 'ro'], weekdays(['tuesday', 'thursday'], '09:00', '12:00'));
  const deskCamaiore = await desk(camaiore, 'Sportello immigrazione Camaiore', 'Piazza San Bernardino 1, Camaiore',
    '0584 986111', ['it', 'en', 'ar', 'sq'], weekdays(['monday', 'tuesday', 'thursday'], '08:30', '13:00'));
  const deskLucca = await desk(lucca, 'Sportello immigrati Lucca', 'Via San Giorgio 4, Lucca',
    '0583 442001', ['it', 'en', 'es', 'bn', 'zh'], weekdays(['monday', 'tuesday', 'wednesday', 'thursday', 'friday'], '09:00', '13:00'));

  // Staff.
  const giulia = await account(baseUrl, admin, 'giulia.bertolini', 'Giulia Bertolini', 'coordinator');
  const sara = await account(baseUrl, admin, 'sara.lombardi', 'Sara Lombardi', 'operator', [gallicano, castelnuovo]);
  const marco = await account(baseUrl, admin, 'marco.pieroni', 'Marco Pieroni', 'operator', [camaiore, lucca]);
  const lorenzo = await account(baseUrl, admin, 'lorenzo.giannini', 'Lorenzo Giannini', 'municipal_officer', [camaiore]);
  const elena = await account(baseUrl, admin, 'elena.fabbri', 'Elena Fabbri', 'municipal_officer', [castelnuovo]);

  // People and cases. Each case: who registers it (an operator of its municipality), the person,
  // the case, the timeline, referrals and the workflow steps.
  const person = (token, municipality, p) => api(baseUrl, 'POST', '/api/v1/people', token, { municipality_id: municipality, ...p });
  const openCase = (token, body) => api(baseUrl, 'POST', '/api/v1/cases', token, body);
  const event = (token, id, body) => api(baseUrl, 'POST', `/api/v1/cases/${id}/events`, token, body);
  const refer = (token, id, body) => api(baseUrl, 'POST', `/api/v1/cases/${id}/referrals`, token, body);
  const move = (token, id, to, extra = {}) => api(baseUrl, 'POST', `/api/v1/cases/${id}/transitions`, token, { to, ...extra });

  const cases = {};
  const add = async (key, token, municipality, deskId, p, c) => {
    const pp = await person(token, municipality, p);
    cases[key] = await openCase(token, { person_id: pp.id, municipality_id: municipality, desk_id: deskId, ...c });
    return cases[key];
  };

  // The case shown in detail: a permit renewal, worked over a few steps.
  const amina = await add('amina', sara.token, gallicano, deskGallicano.id, {
    first_name: 'Amina', last_name: 'Diallo', sex: 'F', birth_date: '1990-05-04', country_of_birth: 'SN', citizenship: 'SN',
    languages: ['fr', 'wo'], phone: '+39 347 215 8830', permit_type: 'Lavoro subordinato', permit_number: 'I12345678',
    permit_expiry: inDays(25),
  }, {
    category_id: 'residence_permit', subcategory_id: 'residence_permit.renewal', priority: 'high', language: 'fr',
    summary: 'Rinnovo del permesso di soggiorno per lavoro subordinato', assigned_to_id: giulia.id,
  });
  await event(sara.token, amina.id, { kind: 'note', note: 'Prima accoglienza: il permesso scade tra meno di un mese. Spiegati i documenti da portare.' });
  await move(sara.token, amina.id, 'waiting_documents', { note: 'In attesa della busta paga e del contratto di lavoro' });
  await event(sara.token, amina.id, {
    kind: 'document_check', note: 'Documenti portati allo sportello',
    data: { checked: ['Passaporto', 'Fototessere', 'Marca da bollo da 16 €', 'Documentazione del reddito'] },
  });
  await move(giulia.token, amina.id, 'in_progress');
  await event(sara.token, amina.id, { kind: 'intervention', note: 'Compilato il kit postale con la signora e verificata la copia del contratto', minutes: 45 });
  await event(sara.token, amina.id, { kind: 'document_check', note: 'Kit postale compilato e firmato', data: { checked: ['Kit postale'] } });
  await event(sara.token, amina.id, { kind: 'phone_call', note: "Chiamato il datore di lavoro per l'attestazione dell'alloggio", minutes: 10 });
  await refer(giulia.token, amina.id, { office_kind: 'questura', reason: 'Appuntamento per i rilievi fotodattiloscopici', follow_up_date: inDays(14) });

  const arben = await add('arben', sara.token, castelnuovo, deskCastelnuovo.id, {
    first_name: 'Arben', last_name: 'Hoxha', sex: 'M', birth_date: '1984-11-19', country_of_birth: 'AL', citizenship: 'AL',
    languages: ['sq', 'it'], phone: '+39 333 418 2290', permit_expiry: inDays(40),
  }, { category_id: 'family_reunification', summary: 'Ricongiungimento con la moglie e i due figli', assigned_to_id: sara.id });
  await event(sara.token, arben.id, { kind: 'intervention', note: 'Verificati reddito e parametri per tre familiari', minutes: 30 });
  await move(sara.token, arben.id, 'waiting_documents', { note: "Manca il certificato di idoneità alloggiativa" });

  const ioana = await add('ioana', sara.token, gallicano, deskGallicano.id, {
    first_name: 'Ioana', last_name: 'Popescu', sex: 'F', birth_date: '1995-02-27', country_of_birth: 'RO', citizenship: 'RO',
    languages: ['ro', 'it'],
  }, { category_id: 'registry', summary: 'Iscrizione anagrafica e certificato di residenza', assigned_to_id: sara.id });
  await event(sara.token, ioana.id, { kind: 'intervention', note: "Accompagnata all'ufficio anagrafe", minutes: 40 });
  await move(sara.token, ioana.id, 'closed', { outcome: 'resolved' });

  const mohamed = await add('mohamed', marco.token, camaiore, deskCamaiore.id, {
    first_name: 'Mohamed', last_name: 'Ben Salah', sex: 'M', birth_date: '1979-07-08', country_of_birth: 'TN', citizenship: 'TN',
    languages: ['ar', 'fr', 'it'], phone: '+39 328 770 1432',
  }, {
    category_id: 'citizenship', subcategory_id: 'citizenship.residence', assigned_to_id: marco.id,
    summary: 'Domanda di cittadinanza per residenza decennale',
  });
  await move(marco.token, mohamed.id, 'in_progress');

  await add('fatima', marco.token, camaiore, deskCamaiore.id, {
    first_name: 'Fatima Zahra', last_name: 'El Amrani', sex: 'F', birth_date: '1988-03-30', country_of_birth: 'MA', citizenship: 'MA',
    languages: ['ar', 'fr'],
  }, { category_id: 'services', subcategory_id: 'services.school', summary: 'Iscrizione scolastica dei figli (primaria e secondaria)', language: 'ar', mediator_present: true });

  const rahul = await add('rahul', marco.token, lucca, deskLucca.id, {
    first_name: 'Rahul', last_name: 'Sharma', sex: 'M', birth_date: '1993-09-14', country_of_birth: 'IN', citizenship: 'IN',
    languages: ['hi', 'pa', 'en'],
  }, { category_id: 'work_clearance', summary: 'Nulla osta al lavoro stagionale in agricoltura', assigned_to_id: marco.id });
  await refer(marco.token, rahul.id, { office_kind: 'prefettura', reason: 'Verifica della pratica allo Sportello unico per l\'immigrazione', follow_up_date: inDays(-3) });
  await move(marco.token, rahul.id, 'waiting_office', { note: 'Pratica inviata allo Sportello unico' });

  await add('oksana', sara.token, castelnuovo, deskCastelnuovo.id, {
    first_name: 'Oksana', last_name: 'Kovalenko', sex: 'F', birth_date: '1986-06-02', country_of_birth: 'UA', citizenship: 'UA',
    languages: ['uk', 'ru'], permit_type: 'Protezione temporanea', permit_expiry: inDays(12),
  }, { category_id: 'residence_permit', subcategory_id: 'residence_permit.conversion', summary: 'Conversione del permesso per protezione temporanea in lavoro', language: 'uk' });

  await add('nasrin', marco.token, lucca, deskLucca.id, {
    first_name: 'Nasrin', last_name: 'Akter', sex: 'F', birth_date: '1997-12-21', country_of_birth: 'BD', citizenship: 'BD',
    languages: ['bn'],
  }, { category_id: 'services', subcategory_id: 'services.health', summary: 'Iscrizione al Servizio sanitario e scelta del medico di base', language: 'bn' });

  const kwame = await add('kwame', sara.token, gallicano, deskGallicano.id, {
    first_name: 'Kwame', last_name: 'Mensah', sex: 'M', birth_date: '1982-04-11', country_of_birth: 'GH', citizenship: 'GH',
    languages: ['en'],
  }, { category_id: 'driving_licence', summary: 'Conversione della patente di guida ghanese', assigned_to_id: sara.id });
  await move(sara.token, kwame.id, 'closed', { outcome: 'not_resolved', note: 'Nessun accordo di reciprocità: serve l\'esame in Italia' });

  const wei = await add('wei', marco.token, camaiore, deskCamaiore.id, {
    first_name: 'Wei', last_name: 'Chen', sex: 'M', birth_date: '1975-01-23', country_of_birth: 'CN', citizenship: 'CN',
    languages: ['zh', 'it'], permit_expiry: inDays(55),
  }, { category_id: 'eu_long_term', summary: 'Permesso UE per soggiornanti di lungo periodo', assigned_to_id: giulia.id });
  await move(marco.token, wei.id, 'waiting_documents', { note: 'Manca il certificato di italiano A2' });

  await add('tatiana', sara.token, castelnuovo, deskCastelnuovo.id, {
    first_name: 'Tatiana', last_name: 'Rusu', sex: 'F', birth_date: '1991-08-05', country_of_birth: 'MD', citizenship: 'MD',
    languages: ['ro', 'ru'],
  }, { category_id: 'integration_agreement', summary: "Verifica dell'accordo di integrazione", assigned_to_id: giulia.id });

  const carlos = await add('carlos', marco.token, lucca, deskLucca.id, {
    first_name: 'Carlos', last_name: 'Mendoza Quispe', sex: 'M', birth_date: '1989-10-17', country_of_birth: 'PE', citizenship: 'PE',
    languages: ['es'],
  }, { category_id: 'other', summary: 'Informazioni sui corsi di italiano per adulti (CPIA)', channel: 'phone' });
  await move(marco.token, carlos.id, 'closed', { outcome: 'resolved' });

  // Mediators, available on weekdays.
  const mediator = async (body) => {
    const m = await api(baseUrl, 'POST', '/api/v1/mediators', admin, body);
    await api(baseUrl, 'PUT', `/api/v1/mediators/${m.id}/availability`, admin, {
      weekly: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '08:30', end: '18:30' })),
      exceptions: [],
    });
    return m;
  };
  const amal = await mediator({
    full_name: 'Amal Haddad', kind: 'mediator', organisation: 'Cooperativa Co&So', email: 'amal.haddad@example.org', phone: '+39 340 552 1190',
    languages: [{ language: 'ar', level: 'native' }, { language: 'fr', level: 'c1' }], municipality_ids: [camaiore, castelnuovo, lucca], travels: true,
  });
  await mediator({
    full_name: 'Youssef El Idrissi', kind: 'mediator', organisation: 'Associazione Nuovi Ponti',
    languages: [{ language: 'ar', level: 'native' }, { language: 'fr', level: 'b2' }], municipality_ids: [camaiore, lucca],
  });
  await mediator({
    full_name: 'Blerina Dervishi', kind: 'mediator', organisation: 'Cooperativa Co&So',
    languages: [{ language: 'sq', level: 'native' }], municipality_ids: [castelnuovo, gallicano], travels: true,
  });
  const irina = await mediator({
    full_name: 'Irina Munteanu', kind: 'both', organisation: 'Cooperativa Co&So',
    languages: [{ language: 'ro', level: 'native' }, { language: 'ru', level: 'c1' }], municipality_ids: [castelnuovo, gallicano, camaiore, lucca],
  });
  await mediator({
    full_name: 'Olena Shevchenko', kind: 'translator', organisation: 'Studio traduzioni Serchio',
    languages: [{ language: 'uk', level: 'native' }, { language: 'ru', level: 'native' }, { language: 'en', level: 'c1' }], municipality_ids: [lucca, camaiore],
  });
  await mediator({
    full_name: 'Tanvir Ahmed', kind: 'mediator', organisation: 'Associazione Nuovi Ponti',
    languages: [{ language: 'bn', level: 'native' }, { language: 'ur', level: 'b2' }, { language: 'en', level: 'c1' }], municipality_ids: [lucca, camaiore],
  });

  // Service requests, a week from now, from the officers of Camaiore and Castelnuovo.
  const monday = mondayOf(addDays(new Date(), 8));
  const day = (n) => ymd(addDays(monday, n));
  const request = (token, body) => api(baseUrl, 'POST', '/api/v1/requests', token, { kind: 'mediation', ...body });
  const step = (id, body) => api(baseUrl, 'POST', `/api/v1/requests/${id}/transitions`, giulia.token, body);
  const fromCamaiore = { municipality_id: camaiore, office: 'Ufficio anagrafe', contact_name: 'Lorenzo Giannini', contact_phone: '0584 986111', contact_email: 'l.giannini@example.it' };
  const fromCastelnuovo = { municipality_id: castelnuovo, office: 'Servizi sociali', contact_name: 'Elena Fabbri', contact_phone: '0583 641011' };

  const r1 = await request(lorenzo.token, {
    ...fromCamaiore, language: 'ar', date: day(0), start_time: '10:00', duration_minutes: 60, address: 'Piazza San Bernardino 1, Camaiore',
    setting: 'registry_office', participants: 3, purpose: "Colloquio per l'iscrizione anagrafica del nucleo familiare",
  });
  await step(r1.id, { to: 'approved' });
  await step(r1.id, { to: 'assigned', mediator_id: amal.id });
  await step(r1.id, { to: 'confirmed' });
  const r2 = await request(elena.token, {
    ...fromCastelnuovo, office: 'Istituto comprensivo di Castelnuovo', language: 'ar', date: day(2), start_time: '09:30', duration_minutes: 90,
    address: 'Via Azzi 2, Castelnuovo di Garfagnana', setting: 'school', participants: 4, purpose: "Colloquio con la famiglia per l'inserimento scolastico",
  });
  await step(r2.id, { to: 'approved' });
  await step(r2.id, { to: 'assigned', mediator_id: amal.id });
  const r3 = await request(elena.token, {
    ...fromCastelnuovo, language: 'ar', date: day(4), start_time: '11:00', duration_minutes: 45, remote: true,
    setting: 'social_services', participants: 2, purpose: 'Colloquio telefonico di aggiornamento sul progetto di accoglienza',
  });
  await step(r3.id, { to: 'approved' });
  await step(r3.id, { to: 'assigned', mediator_id: amal.id });
  await step(r3.id, { to: 'confirmed' });
  // The request shown in detail: approved, waiting for a mediator.
  const r4 = await request(lorenzo.token, {
    ...fromCamaiore, office: 'Servizi sociali', language: 'ar', date: day(3), start_time: '15:00', duration_minutes: 60,
    address: 'Via Oberdan 2, Camaiore', setting: 'health_service', participants: 3,
    purpose: 'Accompagnamento della famiglia alla visita pediatrica e spiegazione del piano vaccinale',
  });
  await step(r4.id, { to: 'approved' });
  await request(elena.token, {
    ...fromCastelnuovo, language: 'sq', date: day(1), start_time: '11:00', duration_minutes: 60, urgency: 'urgent',
    address: 'Via Vittorio Emanuele 7, Castelnuovo di Garfagnana', setting: 'social_services', participants: 2,
    purpose: 'Incontro urgente con la famiglia per una segnalazione dei servizi sociali',
  });
  await request(lorenzo.token, {
    ...fromCamaiore, kind: 'translation', office: 'Ufficio stato civile', language: 'uk', target_language: 'it',
    document_type: 'Certificato di nascita', pages: 2, due_date: day(9), sworn: true,
    purpose: 'Traduzione giurata per la trascrizione dell\'atto di nascita',
  });
  const r7 = await request(elena.token, {
    ...fromCastelnuovo, office: 'Ufficio anagrafe', language: 'ro', date: day(2), start_time: '14:30', duration_minutes: 60,
    address: 'Via Vittorio Emanuele 7, Castelnuovo di Garfagnana', setting: 'registry_office', participants: 2,
    purpose: 'Dichiarazione di residenza e spiegazione dei documenti richiesti',
  });
  await step(r7.id, { to: 'approved' });
  await step(r7.id, { to: 'assigned', mediator_id: irina.id });
  const r8 = await request(lorenzo.token, {
    ...fromCamaiore, language: 'bn', date: day(1), start_time: '09:00', duration_minutes: 60, address: 'Piazza San Bernardino 1, Camaiore',
    setting: 'registry_office', participants: 2, purpose: 'Colloquio per il cambio di residenza',
  });
  await step(r8.id, { to: 'rejected', reason: 'Doppia richiesta: già coperta dalla richiesta dello sportello di Lucca' });

  return { cases, showcaseCase: amina, showcaseRequest: r4, amal, week: ymd(monday) };
}

// ---------------------------------------------------------------------------------------------
// Shots.

/** Waits for the page's content (`ready`), no loading placeholder and no error, then saves the viewport. */
async function shot(page, name, ready, { scrollTo } = {}) {
  await ready();
  await page.waitForFunction(() => !document.querySelector('p.loading'));
  const errors = await page.locator('.alert-error:visible').allTextContents();
  if (errors.length) throw new Error(`${name}: the page shows an error: ${errors.join(' | ')}`);
  if (scrollTo) {
    await page.locator(scrollTo).first().evaluate((el) => {
      el.scrollIntoView({ block: 'start' });
      window.scrollBy(0, -24);
    });
  }
  // No focus ring or hover effect on the picture; web fonts and layout settled.
  await page.evaluate(() => document.activeElement instanceof HTMLElement && document.activeElement.blur());
  await page.mouse.move(1279, 799);
  await page.evaluate(() => document.fonts.ready);
  await page.waitForTimeout(200);
  const path = join(OUT, `${name}.png`);
  await page.screenshot({ path, type: 'png', animations: 'disabled', caret: 'hide' });
  const { size } = await stat(path);
  const warn = size > MAX_BYTES ? '  (over 200 KB!)' : '';
  console.log(`${`${name}.png`.padEnd(28)} ${(size / 1024).toFixed(0).padStart(4)} KB${warn}`);
  return size;
}

const h1 = (page, name) => page.getByRole('heading', { level: 1, name }).waitFor();

async function main() {
  await mkdir(OUT, { recursive: true });
  const app = await startLumit();
  let b = null;
  let current = 'setup';
  try {
    const data = await seed(app.baseUrl, app.adminUsername, app.adminPassword);
    b = await newBrowser();
    // The harness's browser, in a context set as at an Italian desk: date fields read gg/mm/aaaa
    // and times are Italy's.
    const context = await b.browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'it-IT', timezoneId: 'Europe/Rome' });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    page.consoleErrors = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error') page.consoleErrors.push(msg.text());
    });
    page.on('pageerror', (err) => page.consoleErrors.push(`uncaught: ${err.message}`));
    b.page = page;
    const base = app.baseUrl;
    const { showcaseCase: c, showcaseRequest: r, amal } = data;

    current = 'login';
    await page.goto(`${base}/login`);
    await shot(page, '01-login', async () => {
      await h1(page, 'Accedi a LUMIT');
      await page.locator('#username:enabled').waitFor();
    });

    current = 'home';
    await page.locator('#username').fill('giulia.bertolini');
    await page.locator('#password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Accedi', exact: true }).click();
    await shot(page, '02-home', async () => {
      await h1(page, 'Benvenuto, Giulia Bertolini');
      await page.locator('.stat').filter({ hasText: 'Pratiche aperte non assegnate' }).waitFor();
      await page.locator('.stat-value').first().waitFor();
      await page.getByRole('row').filter({ hasText: 'Amina Diallo' }).first().waitFor();
    });

    current = 'cases';
    await page.goto(`${base}/cases`);
    await shot(page, '03-cases', async () => {
      await h1(page, 'Pratiche');
      await page.getByRole('link', { name: c.reference, exact: true }).waitFor();
      await page.getByRole('link', { name: 'Carlos Mendoza Quispe' }).waitFor();
    });

    current = 'case';
    await page.goto(`${base}/cases/${c.id}`);
    const caseReady = async () => {
      await h1(page, new RegExp(`${c.reference} — Amina Diallo`));
      await page.getByTestId('case-status').filter({ hasText: 'In lavorazione' }).waitFor();
      await page.getByRole('heading', { level: 2, name: 'Cronologia' }).waitFor();
      await page.getByText('Compilato il kit postale con la signora').waitFor();
      await page.getByRole('button', { name: /^Sposta in «/ }).first().waitFor();
    };
    await shot(page, '04-case', caseReady);
    current = 'case workflow';
    await shot(page, '05-case-workflow', caseReady, { scrollTo: 'section[aria-labelledby="workflow-title"]' });
    current = 'case timeline';
    await shot(page, '06-case-timeline', caseReady, { scrollTo: '#timeline-title' });

    current = 'requests';
    await page.goto(`${base}/requests`);
    await shot(page, '07-requests', async () => {
      await h1(page, 'Richieste di mediazione e traduzione');
      await page.getByRole('region', { name: /^Approvata/ }).getByRole('link', { name: r.reference }).waitFor();
      await page.getByRole('region', { name: /^Confermata/ }).getByRole('listitem').first().waitFor();
    });

    current = 'request';
    await page.goto(`${base}/requests/${r.id}`);
    const requestReady = async () => {
      await h1(page, `Richiesta ${r.reference}`);
      await page.getByTestId('request-status').filter({ hasText: 'Approvata' }).waitFor();
      await page.getByRole('table', { name: 'Mediatori suggeriti, dal più adatto' }).getByRole('row').filter({ hasText: 'Amal Haddad' }).waitFor();
    };
    await shot(page, '08-request', requestReady);
    current = 'request suggestions';
    await shot(page, '09-request-assignment', requestReady, { scrollTo: 'section[aria-labelledby="suggestions-title"]' });

    current = 'mediators';
    await page.goto(`${base}/mediators`);
    await shot(page, '10-mediators', async () => {
      await h1(page, 'Mediatori e traduttori');
      await page.getByRole('link', { name: 'Amal Haddad', exact: true }).waitFor();
      await page.getByRole('link', { name: 'Tanvir Ahmed', exact: true }).waitFor();
    });

    current = 'calendar';
    await page.goto(`${base}/mediators/${amal.id}/calendar?week=${data.week}`);
    await shot(page, '11-mediator-calendar', async () => {
      await h1(page, 'Calendario: Amal Haddad');
      await page.locator('.week .jobs .job').nth(2).waitFor();
    });

    const bad = page.consoleErrors.filter((e) => !e.startsWith('Failed to load resource'));
    if (bad.length) console.warn(`console errors seen:\n${bad.join('\n')}`);
    console.log(`saved to ${OUT}`);
  } catch (err) {
    console.error(`screenshots failed at "${current}": ${err.stack || err}`);
    if (b) {
      const path = await screenshotOnFailure(b.page, `screenshots-${current}`);
      if (path) console.error(`page at the failure: ${path}`);
      if (b.page.consoleErrors.length) console.error(`console errors:\n${b.page.consoleErrors.join('\n')}`);
    }
    process.exitCode = 1;
  } finally {
    await b?.close().catch(() => {});
    await app.stop();
  }
}

await main().catch((err) => {
  console.error(`screenshots failed: ${err.message}`);
  process.exitCode = 1;
});
