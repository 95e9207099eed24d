// The questionnaire after a course, as a participant meets it: the link arrives by e-mail (a
// mail server this test starts), opens without an account, takes four answers once, and says so
// when opened again. axe checks the page.

import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test } from 'node:test';

import { checkA11y, withApp } from '../harness.mjs';

/** A mail server that accepts everything and keeps the messages' data. */
function smtpSink() {
  const received = [];
  const server = createServer((socket) => {
    let inData = false;
    let data = '';
    let buffer = '';
    socket.write('220 sink\r\n');
    socket.on('data', (chunk) => {
      buffer += chunk.toString('latin1');
      let at;
      while ((at = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, at);
        buffer = buffer.slice(at + 2);
        if (inData) {
          if (line === '.') {
            inData = false;
            received.push(data);
            data = '';
            socket.write('250 queued\r\n');
          } else {
            data += `${line.startsWith('.') ? line.slice(1) : line}\r\n`;
          }
          continue;
        }
        const cmd = line.toUpperCase();
        if (cmd.startsWith('EHLO')) socket.write('250-sink\r\n250 8BITMIME\r\n');
        else if (cmd === 'DATA') { inData = true; socket.write('354 go on\r\n'); }
        else if (cmd.startsWith('QUIT')) { socket.write('221 bye\r\n'); socket.end(); }
        else socket.write('250 OK\r\n');
      }
    });
    socket.on('error', () => {});
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ port: server.address().port, received, close: () => server.close() })));
}

/** The text of a message, its transfer encoding undone. */
function decoded(raw) {
  const soft = raw.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
  const b64 = raw.split(/\r\n\r\n/).slice(1).join('\n').replace(/\s+/g, '');
  let fromBase64 = '';
  try { fromBase64 = Buffer.from(b64, 'base64').toString('utf8'); } catch { /* not base64 */ }
  return `${soft}\n${fromBase64}`;
}

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

const pad = (n) => String(n).padStart(2, '0');
const ymd = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;

test('a participant answers the questionnaire from the link in the e-mail, once, without an account', async (t) => {
  const sink = await smtpSink();
  try {
    await withApp(t, async ({ page, baseUrl, adminUsername, adminPassword }) => {
      const admin = (await api(baseUrl, 'POST', '/api/v1/auth/login', null, { username: adminUsername, password: adminPassword })).access_token;
      const all = await api(baseUrl, 'GET', '/api/v1/municipalities?limit=200', admin);
      const camaiore = all.items.find((m) => m.istat_code === '046005').id;
      const course = await api(baseUrl, 'POST', '/api/v1/training/courses', admin, {
        title: 'Accesso ai servizi sanitari', topic_id: 'health_access', organisation: 'Scuola Superiore Sant\'Anna',
      });
      const yesterday = new Date();
      yesterday.setDate(yesterday.getDate() - 1);
      await api(baseUrl, 'POST', `/api/v1/training/courses/${course.id}/sessions`, admin, {
        date: ymd(yesterday), start: '09:00', end: '12:00', place_kind: 'online', link: 'https://meet.example.org/asl', capacity: 30,
      });
      await api(baseUrl, 'POST', `/api/v1/training/courses/${course.id}/enrolments`, admin, {
        full_name: 'Giulia Bianchi', email: 'g.bianchi@comune.camaiore.lu.it', municipality_id: camaiore,
      });
      await api(baseUrl, 'POST', `/api/v1/training/courses/${course.id}/questionnaire`, admin, {});

      let link = null;
      for (let i = 0; i < 100 && !link; i += 1) {
        const found = sink.received.map(decoded).map((m) => m.match(/\/questionario\/([A-Za-z0-9_-]+)/)).find(Boolean);
        link = found ? found[0] : null;
        if (!link) await new Promise((r) => setTimeout(r, 100));
      }
      assert.ok(link, 'the questionnaire link arrived by e-mail');

      await page.goto(`${baseUrl}${link}`);
      await page.getByRole('heading', { level: 1, name: 'Questionario di gradimento' }).waitFor();
      await page.getByText('Accesso ai servizi sanitari', { exact: false }).waitFor();
      await checkA11y(page, 'questionnaire');
      // Nothing chosen: the form says what is missing.
      await page.getByRole('button', { name: 'Invia le risposte' }).click();
      await page.locator('#recommend-error').filter({ hasText: /./ }).waitFor();
      await page.getByRole('group', { name: /Soddisfazione complessiva/ }).getByLabel('4').check();
      await page.getByRole('group', { name: /Utile per il mio lavoro/ }).getByLabel('5').check();
      await page.getByLabel('Sì').check();
      await page.getByLabel('Commento libero').fill('Chiaro e pratico, grazie.');
      await page.getByRole('button', { name: 'Invia le risposte' }).click();
      await page.getByRole('status').filter({ hasText: 'Grazie! Le risposte sono state registrate.' }).waitFor();
      await checkA11y(page, 'questionnaire answered');

      // Once only.
      await page.reload();
      await page.getByText('Questo questionario è già stato compilato. Grazie!').waitFor();
      const results = await api(baseUrl, 'GET', `/api/v1/training/courses/${course.id}/questionnaire`, admin);
      assert.equal(results.answered, 1);
      assert.equal(results.satisfaction_average, 4);
      assert.deepEqual(results.comments, ['Chiaro e pratico, grazie.']);
    }, { env: { LUMIT_SMTP_URL: `smtp://127.0.0.1:${sink.port}`, LUMIT_PUBLIC_URL: 'https://lumit.example.it' } });
  } finally {
    sink.close();
  }
});
