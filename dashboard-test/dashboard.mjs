// Drives the gateway's dashboard in real headless Chromium, as a person would: sign in, open a
// session, send a message and watch the reply stream, see a message sent over REST (another
// interface) appear live, look at the sessions, MCP and status pages. Screenshots go to ARTIFACTS.
// Exits non-zero on the first thing that does not hold. Run by system-tests' DashboardIT.
import { chromium } from 'playwright-core';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const base = need('GATEWAY_URL');
const key = need('API_KEY');
const artifacts = need('ARTIFACTS');
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
const STREAMED_PROMPT = 'please stream a long answer';
const TIMEOUT = 30_000;

function need(name) {
  const value = process.env[name];
  if (!value) throw new Error(name + ' is not set');
  return value;
}

function check(condition, message) {
  if (!condition) throw new Error('dashboard check failed: ' + message);
  console.log('ok - ' + message);
}

mkdirSync(artifacts, { recursive: true });
const profile = mkdtempSync(join(tmpdir(), 'nagatha-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath,
  headless: true,
  viewport: { width: 1360, height: 860 },
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
const page = context.pages()[0] || await context.newPage();
page.setDefaultTimeout(TIMEOUT);
const consoleErrors = [];
page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
page.on('pageerror', (e) => consoleErrors.push(String(e)));

try {
  // --- sign in: a wrong key is refused, the right one opens the dashboard
  await page.goto(base + '/');
  await page.waitForSelector('#signin-form');
  await page.fill('#api-key', 'nag_wrong_' + 'A'.repeat(43));
  await page.click('#signin-button');
  await page.waitForSelector('#signin-error:not([hidden])');
  check((await page.textContent('#signin-error')).includes('not valid'), 'a wrong key is refused with a message');
  await page.fill('#api-key', key);
  await page.click('#signin-button');
  await page.waitForSelector('#app:not([hidden])');
  check(await page.evaluate(() => sessionStorage.getItem('nagatha.apiKey') !== null), 'the key is kept in sessionStorage');
  await page.waitForFunction(() => ['ok', 'degraded'].includes(document.querySelector('#system-status').textContent));
  check(true, 'signed in; the status pill shows the system status');
  consoleErrors.length = 0; // the refused key's 401 was expected; from here on nothing may fail

  // --- open a session: a new one from the rail
  await page.click('#new-session');
  await page.waitForSelector('#chat-main:not([hidden])');
  const sessionId = await page.getAttribute('#chat', 'data-session-id');
  check(/^s_/.test(sessionId), 'a new session is open: ' + sessionId);
  await page.waitForSelector('#connection.live');
  await page.waitForFunction(() => [...document.querySelectorAll('#presence .chip')].some((c) => c.textContent === 'web'));
  check(true, 'the live connection is up and the web interface is attached');

  // --- send a message and see the reply stream: record every state of the reply's text as it changes
  await page.evaluate(() => {
    window.__lengths = [];
    new MutationObserver(() => {
      const bubble = document.querySelector('#messages .msg.assistant:last-of-type .bubble');
      if (bubble) window.__lengths.push(bubble.textContent.length);
    }).observe(document.querySelector('#messages'), { childList: true, subtree: true, characterData: true });
  });
  await page.fill('#composer-input', STREAMED_PROMPT);
  await page.press('#composer-input', 'Enter');
  await page.waitForFunction((text) => [...document.querySelectorAll('#messages .msg.user .bubble')]
    .some((b) => b.textContent === text), STREAMED_PROMPT);
  check(true, 'the message shows up as the user\'s, from this interface');
  await page.waitForSelector('#messages .msg.assistant.done');
  const reply = await page.textContent('#messages .msg.assistant.done .bubble');
  const deltas = Number(await page.getAttribute('#messages .msg.assistant.done', 'data-deltas'));
  const lengths = await page.evaluate(() => window.__lengths);
  const partial = [...new Set(lengths)].filter((n) => n > 0 && n < reply.length);
  check(reply.startsWith('Streaming reply:') && reply.length > 200, 'the whole reply is shown (' + reply.length + ' characters)');
  check(deltas >= 2, 'it arrived as ' + deltas + ' message.delta events');
  check(partial.length >= 1, 'the reply was seen growing before it was complete (' + partial.length + ' partial states)');
  check((await page.textContent('#messages .msg.assistant.done .usage')).includes('tokens'), 'the turn\'s usage is shown');
  await page.screenshot({ path: join(artifacts, 'dashboard-chat.png') });

  // --- another interface attaches (presence, live), then a message it sends over REST appears live
  const attached = await fetch(base + '/api/v1/sessions/' + sessionId + '/interfaces', {
    method: 'POST',
    headers: { 'Authorization': 'Bearer ' + key, 'Content-Type': 'application/json' },
    body: JSON.stringify({ interface: 'cli' }),
  });
  check(attached.status === 200, 'a cli interface attaches over REST');
  await page.waitForFunction(() => [...document.querySelectorAll('#presence .chip')].some((c) => c.textContent === 'cli'));
  check(true, 'the cli interface shows up among the attached ones, live');
  const posted = await fetch(base + '/api/v1/sessions/' + sessionId + '/messages', {
    method: 'POST',
    headers: { 'Authorization': 'Bearer ' + key, 'Content-Type': 'application/json' },
    body: JSON.stringify({ content: 'hello from the terminal', interface: 'cli' }),
  });
  check(posted.status === 202, 'a message posted over REST is accepted (202)');
  const { turnId } = await posted.json();
  await page.waitForSelector('#messages .msg.user[data-turn-id="' + turnId + '"]');
  const userLine = await page.textContent('#messages .msg.user[data-turn-id="' + turnId + '"]');
  check(userLine.includes('hello from the terminal') && userLine.includes('cli'), 'it appears live, marked as sent via cli');
  await page.waitForSelector('#messages .msg.assistant.done[data-turn-id="' + turnId + '"]');
  check((await page.textContent('#messages .msg.assistant[data-turn-id="' + turnId + '"] .bubble'))
    .includes('You said: hello from the terminal'), 'and so does its reply');
  await page.screenshot({ path: join(artifacts, 'dashboard-live.png') });

  // --- the sessions page lists it with its interfaces and activity
  await page.click('.tab[data-tab="sessions"]');
  await page.waitForSelector('#sessions-table tr td');
  const table = await page.textContent('#sessions-table');
  check(table.includes(sessionId) && table.includes('web') && table.includes('cli') && /ago/.test(table),
    'the sessions page lists the session with its interfaces and last activity');
  await page.screenshot({ path: join(artifacts, 'dashboard-sessions.png') });

  // --- MCP connections by state and per-tool usage
  await page.click('.tab[data-tab="mcp"]');
  await page.waitForSelector('#mcp-servers [data-server="everything"]');
  const server = await page.textContent('#mcp-servers [data-server="everything"]');
  check(/idle|busy/.test(server) && server.includes('stdio'), 'the MCP page shows the server, its transport and its connections by state');
  await page.waitForSelector('#tool-usage tr[data-tool="everything/echo"]');
  check((await page.textContent('#tool-usage tr[data-tool="everything/echo"]')).includes('1'), 'and per-tool usage');
  await page.screenshot({ path: join(artifacts, 'dashboard-mcp.png') });

  // --- the status page
  await page.click('.tab[data-tab="status"]');
  await page.waitForSelector('#status-cards [data-service="gateway"]');
  const status = await page.textContent('#status-cards');
  check(status.includes('gateway') && status.includes('agentService') && status.includes('Queues'), 'the status page shows services and queues');
  await page.screenshot({ path: join(artifacts, 'dashboard-status.png') });

  check(consoleErrors.length === 0, 'no errors in the browser console' + (consoleErrors.length ? ': ' + consoleErrors.join(' | ') : ''));
  console.log('dashboard: all checks passed');
} catch (e) {
  await page.screenshot({ path: join(artifacts, 'dashboard-failure.png') }).catch(() => {});
  console.error(e.stack || String(e));
  process.exitCode = 1;
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
