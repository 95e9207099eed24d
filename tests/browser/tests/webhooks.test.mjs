// Issue 23, the web side of webhooks: the admin subscribes a partner's URL (errors next to the
// fields first), copies the signing secret shown once, sees a case's event delivered and signed
// (checked here with the Standard Webhooks algorithm), reads the delivery log, delivers again
// and pauses the subscription. Every view passes axe.

import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import { test } from 'node:test';

import { checkA11y, withApp } from '../harness.mjs';

/** A partner's receiver on a free local port: records each request, answers 204. */
async function receiver() {
  const got = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      got.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${server.address().port}/lumit`;
  return { url, got, close: () => new Promise((r) => server.close(r)) };
}

async function until(what, check, ms = 15000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = await check();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Standard Webhooks: base64 HMAC-SHA256 of `id.timestamp.body` with the secret after `whsec_`. */
function signature(secret, id, timestamp, body) {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  return 'v1,' + createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
}

async function api(baseUrl, token, method, path, body) {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  assert.ok(res.ok, `${method} ${path}: ${res.status} ${await res.clone().text()}`);
  return res.json();
}

test('the admin subscribes a partner, sees signed deliveries, delivers again and pauses', async (t) => {
  const partner = await receiver();
  t.after(partner.close);
  await withApp(t, async ({ page, baseUrl, adminUsername, adminPassword }) => {
    await page.goto(`${baseUrl}/login`);
    await page.getByLabel('Nome utente').fill(adminUsername);
    await page.locator('#password').fill(adminPassword);
    await page.getByRole('button', { name: 'Accedi', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: /Benvenuto/ }).waitFor();

    await page.getByRole('navigation').getByRole('link', { name: 'Webhook' }).click();
    await page.getByRole('heading', { level: 1, name: 'Webhook' }).waitFor();
    await checkA11y(page, 'webhooks');

    // Nothing chosen: the server's field errors, in Italian, next to the fields.
    await page.getByRole('button', { name: 'Nuovo webhook' }).click();
    await page.locator('#webhook_url-error').filter({ hasText: /\S/ }).waitFor();
    await page.locator('#events-error').filter({ hasText: /\S/ }).waitFor();
    assert.equal(await page.getAttribute('#webhook_url', 'aria-invalid'), 'true');

    await page.getByLabel('Indirizzo (https://…)').fill(partner.url);
    await page.getByLabel('Sistema che lo riceve').fill('Protocollo del Comune');
    await page.getByLabel('case.created — nuova pratica').check();
    await page.getByRole('button', { name: 'Nuovo webhook' }).click();
    const secret = (await page.getByTestId('secret').textContent()).trim();
    assert.match(secret, /^whsec_[A-Za-z0-9+/=]{40,}$/);
    await page.getByRole('cell', { name: partner.url }).waitFor();
    await checkA11y(page, 'webhook created, secret shown once');

    // A case opened (here through the API) reaches the partner, signed.
    const { access_token: token } = await api(baseUrl, '', 'POST', '/api/v1/auth/login', { username: adminUsername, password: adminPassword });
    const { items } = await api(baseUrl, token, 'GET', '/api/v1/municipalities?limit=200');
    const lucca = items.find((m) => m.name === 'Lucca');
    const person = await api(baseUrl, token, 'POST', '/api/v1/people', { first_name: 'Amina', last_name: 'Webhook', municipality_id: lucca.id });
    const kase = await api(baseUrl, token, 'POST', '/api/v1/cases', {
      person_id: person.id, municipality_id: lucca.id, category_id: 'residence_permit', summary: 'Rinnovo del permesso',
    });
    const first = await until('the delivery', () => partner.got[0]);
    const h = first.headers;
    assert.equal(h['webhook-signature'], signature(secret, h['webhook-id'], h['webhook-timestamp'], first.body));
    const event = JSON.parse(first.body);
    assert.equal(event.type, 'case.created');
    assert.equal(event.data.id, kase.id);
    assert.ok(!first.body.includes('Amina'), 'no personal data in the payload');

    // The log shows it delivered, with the partner's answer; delivering again sends the same id.
    await page.getByRole('button', { name: 'Consegne: Protocollo del Comune' }).click();
    await page.getByRole('heading', { level: 2, name: /Consegne/ }).waitFor();
    await until('the log to show it delivered', async () => {
      if (await page.getByRole('cell', { name: /^Consegnato/ }).count()) return true;
      await page.getByLabel('Stato', { exact: true }).selectOption('succeeded');
      return false;
    });
    await page.getByRole('cell', { name: '204' }).waitFor();
    await checkA11y(page, 'delivery log');
    await page.getByRole('button', { name: 'Consegna di nuovo: case.created' }).click();
    const again = await until('the second delivery', () => partner.got[1]);
    assert.equal(again.headers['webhook-id'], h['webhook-id']);

    // Paused: the list says so.
    await page.getByRole('button', { name: 'Metti in pausa: Protocollo del Comune' }).click();
    await page.getByRole('cell', { name: 'In pausa' }).waitFor();
  }, { env: { LUMIT_WEBHOOK_ALLOW_PRIVATE: 'true' } });
});
