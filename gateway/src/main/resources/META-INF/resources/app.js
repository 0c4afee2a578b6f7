// Nagatha dashboard: plain JavaScript against the public API (docs/api.md), nothing else.
// The API key lives in sessionStorage (this tab only); every request sends it as a Bearer header,
// the WebSocket as ?access_token= (a browser cannot set headers on a WebSocket).
'use strict';

const KEY_STORAGE = 'nagatha.apiKey';
const PING_EVERY_MS = 25000;
const $ = (id) => document.getElementById(id);

const state = {
  key: sessionStorage.getItem(KEY_STORAGE),
  me: null,
  tab: 'chat',
  sessions: [],
  current: null,          // the open session's id
  socket: null,
  lastEventId: null,      // resume from here after a reconnect
  reconnectDelay: 500,
  pinger: null,
  turns: new Map(),       // turnId -> { el, bubble, text, deltas }
  refresher: null,
};

// ---------- API ----------

class ApiError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || ('HTTP ' + status));
    this.status = status;
    this.code = problem && problem.code;
    this.retryAfter = problem && problem.retryAfter;
  }
}

async function api(method, path, body) {
  const headers = { 'Authorization': 'Bearer ' + state.key, 'Accept': 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (response.status === 204) return null;
  const text = await response.text();
  const json = text ? JSON.parse(text) : null;
  if (!response.ok) {
    if (response.status === 401 && state.me) signOut('Your key is no longer valid. Sign in again.');
    throw new ApiError(response.status, json);
  }
  return json;
}

// ---------- sign in ----------

async function signIn(key) {
  state.key = key;
  const me = await api('GET', '/api/v1/identities');
  state.me = me;
  sessionStorage.setItem(KEY_STORAGE, key);
  $('who-am-i').textContent = me.userId;
  $('signin').hidden = true;
  $('app').hidden = false;
  await refreshSessions();
  refreshStatusPill();
  startRefreshing();
}

function signOut(message) {
  closeSocket();
  clearInterval(state.refresher);
  sessionStorage.removeItem(KEY_STORAGE);
  Object.assign(state, { key: null, me: null, current: null, sessions: [] });
  $('app').hidden = true;
  $('signin').hidden = false;
  $('api-key').value = '';
  const error = $('signin-error');
  error.textContent = message || '';
  error.hidden = !message;
}

$('signin-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const key = $('api-key').value.trim();
  $('signin-button').disabled = true;
  try {
    await signIn(key);
  } catch (e) {
    state.key = null;
    $('signin-error').textContent = e.status === 401 ? 'That key is not valid.' : 'Could not sign in: ' + e.message;
    $('signin-error').hidden = false;
  } finally {
    $('signin-button').disabled = false;
  }
});
$('signout').addEventListener('click', () => signOut());

// ---------- tabs and refresh ----------

document.querySelectorAll('.tab').forEach((tab) => tab.addEventListener('click', () => showTab(tab.dataset.tab)));

function showTab(name) {
  state.tab = name;
  document.querySelectorAll('.tab').forEach((t) => t.classList.toggle('active', t.dataset.tab === name));
  document.querySelectorAll('.view').forEach((v) => { v.hidden = v.id !== 'tab-' + name; });
  refreshVisible();
}

function startRefreshing() {
  clearInterval(state.refresher);
  state.refresher = setInterval(() => { if (!document.hidden) refreshVisible(); }, 5000);
}

function refreshVisible() {
  refreshStatusPill();
  const work = { chat: refreshSessions, sessions: refreshSessionsTable, mcp: refreshMcp, status: refreshStatus }[state.tab];
  work().catch((e) => toast(e.message, true));
}

async function refreshStatusPill() {
  try {
    const status = await api('GET', '/api/v1/status');
    const pill = $('system-status');
    pill.textContent = status.status;
    pill.className = 'pill ' + status.status;
    return status;
  } catch (e) {
    $('system-status').textContent = 'unreachable';
    $('system-status').className = 'pill down';
    return null;
  }
}

// ---------- sessions ----------

async function refreshSessions() {
  const page = await api('GET', '/api/v1/sessions?limit=50');
  state.sessions = page.items;
  renderRail();
}

function sessionName(s) {
  return s.title || 'Session ' + s.id.slice(2, 8);
}

function renderRail() {
  const list = $('session-rail');
  list.replaceChildren(...state.sessions.map((s) => {
    const item = el('li', 'rail-item' + (s.id === state.current ? ' selected' : '') + (s.active ? '' : ' ended'));
    item.dataset.sessionId = s.id;
    item.append(el('div', 'title', sessionName(s)));
    const meta = el('div', 'meta');
    meta.append(chips(s.interfaces.map((i) => i.type)), el('span', '', ago(s.lastActivity)));
    item.append(meta);
    item.addEventListener('click', () => openSession(s.id));
    return item;
  }));
  if (!state.sessions.length) list.append(el('li', 'muted small rail-item', 'No sessions yet.'));
}

$('new-session').addEventListener('click', async () => {
  try {
    const session = await api('POST', '/api/v1/sessions', { interface: 'web', mode: 'new' });
    await refreshSessions();
    openSession(session.id);
  } catch (e) {
    toast(e.message, true);
  }
});

async function refreshSessionsTable() {
  const activeOnly = $('only-active').checked;
  const page = await api('GET', '/api/v1/sessions?limit=100' + (activeOnly ? '&active=true' : ''));
  const rows = page.items.map((s) => {
    const row = el('tr');
    const name = el('td');
    name.append(el('div', '', sessionName(s)), el('div', 'muted small', s.id + (s.active ? '' : ' · ended')));
    const open = el('button', 'small', 'Open');
    open.addEventListener('click', () => { showTab('chat'); openSession(s.id); });
    const tokens = s.usage.promptTokens + s.usage.completionTokens;
    row.append(name, td(chips(s.interfaces.map((i) => i.type))), td(String(s.messageCount), 'num'),
      td(tokens.toLocaleString(), 'num'), td(ago(s.lastActivity)), td(open));
    return row;
  });
  $('sessions-table').replaceChildren(...(rows.length ? rows : [emptyRow(6, 'No sessions.')]));
}
$('only-active').addEventListener('change', () => refreshSessionsTable().catch((e) => toast(e.message, true)));

// ---------- chat ----------

async function openSession(id) {
  if (state.current === id && state.socket) return;
  closeSocket();
  state.current = id;
  state.lastEventId = null;
  state.turns.clear();
  $('chat').dataset.sessionId = id;
  $('chat-empty').hidden = true;
  $('chat-main').hidden = false;
  $('messages').replaceChildren();
  $('notice').hidden = true;
  renderRail();
  const session = await api('GET', '/api/v1/sessions/' + encodeURIComponent(id));
  renderHeader(session);
  const history = await api('GET', '/api/v1/sessions/' + encodeURIComponent(id) + '/messages?limit=100');
  for (const message of history.items) {
    if (message.role === 'user') addUserMessage(message.content, message.interface, message.turnId);
    else if (message.role === 'assistant') finishAssistant(message.turnId, message.content);
  }
  scrollDown();
  connect();
  $('composer-input').focus();
}

function renderHeader(session) {
  $('chat-title').textContent = sessionName(session);
  $('chat-sub').textContent = session.id + ' · ' + session.messageCount + ' messages · policy ' + session.turnPolicy;
  setPresence(session.interfaces.map((i) => i.type));
  setEnded(!session.active);
}

async function refreshHeader() {
  const id = state.current;
  try {
    const session = await api('GET', '/api/v1/sessions/' + encodeURIComponent(id));
    if (state.current === id) $('chat-sub').textContent = session.id + ' · ' + session.messageCount + ' messages · policy ' + session.turnPolicy;
  } catch (e) {
    // the header keeps what it had; the next turn tries again
  }
}

function setPresence(types) {
  $('presence').replaceChildren(chips(types));
}

function setEnded(ended) {
  $('composer-input').disabled = ended;
  $('send').disabled = ended;
  if (ended) notice('This session has ended: its history stays readable. Start a new one to talk.');
}

function connect() {
  const id = state.current;
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  let url = scheme + '//' + location.host + '/ws/v1/sessions/' + encodeURIComponent(id)
    + '?interface=web&access_token=' + encodeURIComponent(state.key);
  if (state.lastEventId) url += '&since=' + encodeURIComponent(state.lastEventId);
  const socket = new WebSocket(url);
  state.socket = socket;
  socket.onopen = () => {
    setConnection('live');
    state.reconnectDelay = 500;
    state.pinger = setInterval(() => send({ type: 'ping' }), PING_EVERY_MS);
  };
  socket.onmessage = (message) => {
    if (socket !== state.socket) return;
    onFrame(JSON.parse(message.data));
  };
  socket.onclose = (close) => {
    clearInterval(state.pinger);
    if (socket !== state.socket) return;
    state.socket = null;
    setConnection('down');
    if ([4401, 4403, 4404].includes(close.code)) {
      if (close.code === 4401) signOut('Your key is no longer valid. Sign in again.');
      else notice('This session is not available (' + close.reason + ').');
      return;
    }
    // Anything else (network, restart, a slow link cut off): resume from the last event seen.
    setTimeout(() => { if (state.current === id && !state.socket) connect(); }, state.reconnectDelay);
    state.reconnectDelay = Math.min(state.reconnectDelay * 2, 10000);
  };
}

function closeSocket() {
  clearInterval(state.pinger);
  const socket = state.socket;
  state.socket = null;
  if (socket) socket.close(1000, 'bye');
  setConnection('down');
}

function setConnection(status) {
  const c = $('connection');
  c.className = 'conn ' + status;
  c.title = status === 'live' ? 'Live' : 'Reconnecting…';
}

function send(frame) {
  if (state.socket && state.socket.readyState === WebSocket.OPEN) {
    state.socket.send(JSON.stringify(frame));
    return true;
  }
  return false;
}

function onFrame(frame) {
  if (frame.id) state.lastEventId = frame.id;
  const data = frame.data || {};
  switch (frame.type) {
    case 'session.attached': renderHeader(data.session); break;
    case 'presence': setPresence(data.interfaces); break;
    case 'turn.accepted': addUserMessage(data.content, data.interface, frame.turnId); break;
    case 'turn.started': startAssistant(frame.turnId, data.attempt); break;
    case 'message.delta': appendDelta(frame.turnId, data.text); break;
    case 'tool.call': addTool(frame.turnId, data, null); break;
    case 'tool.result': addTool(frame.turnId, data, data.ok); break;
    case 'message': finishAssistant(frame.turnId, data.message.content); break;
    case 'turn.completed': completeTurn(frame.turnId, data.usage); refreshHeader(); break;
    case 'turn.failed': failTurn(frame.turnId, data.code, data.message); break;
    case 'resume.gap': notice('Some older events were no longer kept; the conversation continues from the oldest one there is.'); break;
    case 'session.ended': setEnded(true); break;
    case 'error': toast(data.message || data.code, true); break;
    default: break; // pong, and event types added later
  }
}

function addUserMessage(content, via, turnId) {
  if (turnId && state.turns.has('u:' + turnId)) return;
  const item = el('li', 'msg user');
  const line = el('div', 'who-line');
  line.append(el('span', '', via === 'web' ? 'you' : 'you, via'), via === 'web' ? '' : chips([via]));
  const bubble = el('div', 'bubble', content);
  item.append(line, bubble);
  if (turnId) {
    item.dataset.turnId = turnId;
    state.turns.set('u:' + turnId, { el: item });
  }
  append(item);
}

function assistant(turnId) {
  let turn = state.turns.get(turnId);
  if (!turn) {
    const item = el('li', 'msg assistant thinking');
    item.dataset.turnId = turnId || '';
    item.dataset.deltas = '0';
    const line = el('div', 'who-line');
    line.append(el('span', '', 'Nagatha'));
    const tools = el('div', 'tools');
    const bubble = el('div', 'bubble');
    const dots = el('span', 'dots');
    dots.append(el('span'), el('span'), el('span'));
    bubble.append(dots);
    const usage = el('div', 'usage');
    item.append(line, tools, bubble, usage);
    turn = { el: item, bubble, tools, usage, text: '', deltas: 0 };
    state.turns.set(turnId, turn);
    append(item);
  }
  return turn;
}

function startAssistant(turnId, attempt) {
  const turn = assistant(turnId);
  if (attempt > 1) turn.usage.textContent = 'retrying (attempt ' + attempt + ')…';
  if (attempt > 1) { turn.text = ''; turn.bubble.replaceChildren(); }
}

function appendDelta(turnId, text) {
  const turn = assistant(turnId);
  turn.el.classList.remove('thinking');
  turn.el.classList.add('streaming');
  turn.text += text;
  turn.deltas += 1;
  turn.el.dataset.deltas = String(turn.deltas);
  following(() => { turn.bubble.textContent = turn.text; });
}

function finishAssistant(turnId, content) {
  const turn = assistant(turnId);
  turn.text = content;
  turn.el.classList.remove('thinking', 'streaming');
  turn.el.classList.add('done');
  following(() => turn.bubble.replaceChildren(...format(content)));
}

function completeTurn(turnId, usage) {
  const turn = assistant(turnId);
  turn.el.classList.remove('thinking', 'streaming');
  turn.el.classList.add('done');
  if (usage) {
    const parts = [usage.promptTokens + usage.completionTokens + ' tokens'];
    if (usage.toolCalls) parts.push(usage.toolCalls + ' tool call' + (usage.toolCalls > 1 ? 's' : ''));
    if (usage.ms) parts.push((usage.ms / 1000).toFixed(1) + ' s');
    turn.usage.textContent = parts.join(' · ');
  }
}

function failTurn(turnId, code, message) {
  const turn = assistant(turnId);
  turn.el.classList.remove('thinking', 'streaming');
  turn.el.classList.add('failed', 'done');
  turn.bubble.textContent = (turn.text ? turn.text + '\n\n' : '') + '⚠ ' + (message || code) + ' (' + code + ')';
}

function addTool(turnId, data, ok) {
  const turn = assistant(turnId);
  const id = 'tool-' + data.callId;
  let chip = turn.tools.querySelector('[data-call="' + CSS.escape(String(data.callId)) + '"]');
  if (!chip) {
    chip = el('span', 'tool-chip');
    chip.dataset.call = data.callId;
    chip.id = id;
    turn.tools.append(chip);
  }
  const name = (data.server ? data.server + '/' : '') + (data.tool || chip.dataset.name || 'tool');
  if (data.tool) chip.dataset.name = name;
  chip.textContent = '🔧 ' + (chip.dataset.name || name) + (ok === null ? ' …' : ok ? ' ✓ ' + data.ms + ' ms' : ' ✗');
  chip.classList.toggle('bad', ok === false);
}

$('composer').addEventListener('submit', (event) => {
  event.preventDefault();
  const input = $('composer-input');
  const content = input.value.trim();
  if (!content) return;
  // Through the socket; the message shows up when the gateway accepts it (turn.accepted), as on every other interface.
  if (send({ type: 'message', content, idempotencyKey: crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) })) {
    input.value = '';
    autosize(input);
  } else {
    toast('Not connected yet; try again in a moment.', true);
  }
});
$('composer-input').addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey) {
    event.preventDefault();
    $('composer').requestSubmit();
  }
});
$('composer-input').addEventListener('input', (event) => autosize(event.target));

function autosize(textarea) {
  textarea.style.height = 'auto';
  textarea.style.height = Math.min(textarea.scrollHeight, 200) + 'px';
}

function append(item) {
  following(() => $('messages').append(item));
}

/** Runs a change to the conversation and keeps it scrolled to the end if the reader was there. */
function following(change) {
  const list = $('messages');
  const atEnd = list.scrollHeight - list.scrollTop - list.clientHeight < 160;
  change();
  if (atEnd) list.scrollTop = list.scrollHeight;
}

function scrollDown() {
  const list = $('messages');
  list.scrollTop = list.scrollHeight;
}

function notice(text) {
  $('notice').textContent = text;
  $('notice').hidden = false;
}

// ---------- MCP ----------

async function refreshMcp() {
  const [servers, usage] = await Promise.all([api('GET', '/api/v1/mcp/servers'), api('GET', '/api/v1/usage')]);
  const cards = servers.items.map((server) => {
    const card = el('div', 'card stat');
    card.dataset.server = server.name;
    const head = el('h3');
    head.append(el('span', '', server.name), chips(['state-' + server.state], [server.state]));
    const byState = { idle: 0, busy: 0, error: 0, closed: 0 };
    server.connections.forEach((c) => { byState[c.state] = (byState[c.state] || 0) + 1; });
    const total = server.connections.length;
    const bar = el('div', 'bar');
    Object.entries(byState).forEach(([name, count]) => {
      if (count) { const part = el('span', name); part.style.width = (100 * count / total) + '%'; bar.append(part); }
    });
    const facts = el('ul');
    facts.append(li('transport', server.transport), li('tools', String(server.tools)),
      li('connections', Object.entries(byState).map(([k, v]) => v + ' ' + k).join(', ')),
      li('last health check', server.lastHealthCheck ? ago(server.lastHealthCheck) : '—'));
    if (server.lastError) facts.append(li('last error', server.lastError));
    card.append(head, el('div', 'big', String(total)), el('div', 'muted small', 'connections'), bar, facts);
    return card;
  });
  $('mcp-servers').replaceChildren(...(cards.length ? cards : [el('p', 'muted', 'No MCP servers configured.')]));
  const rows = Object.entries(usage.tools || {}).sort((a, b) => b[1].calls - a[1].calls).map(([tool, u]) => {
    const row = el('tr');
    row.dataset.tool = tool;
    row.append(td(tool), td(String(u.calls), 'num'), td(String(u.errors), 'num'),
      td(u.calls ? Math.round(u.totalMs / u.calls) + ' ms' : '—', 'num'));
    return row;
  });
  $('tool-usage').replaceChildren(...(rows.length ? rows : [emptyRow(4, 'No tool calls yet.')]));
  $('mcp-updated').textContent = 'updated ' + new Date().toLocaleTimeString();
}

// ---------- status ----------

async function refreshStatus() {
  const status = await refreshStatusPill();
  if (!status) return;
  const cards = [];
  const overall = el('div', 'card stat');
  const head = el('h3');
  head.append(el('span', '', 'System'), el('span', 'pill ' + status.status, status.status));
  overall.append(head, el('div', 'big', status.version || ''), el('div', 'muted small', 'version'));
  cards.push(overall);
  for (const [name, replicas] of Object.entries(status.services)) {
    const card = el('div', 'card stat');
    card.dataset.service = name;
    const h = el('h3');
    h.append(el('span', '', name), el('span', 'pill ' + (replicas.length ? 'ok' : 'down'), replicas.length ? 'up' : 'down'));
    const list = el('ul');
    replicas.forEach((r) => list.append(li(r.id, 'seen ' + ago(r.lastSeen))));
    card.append(h, el('div', 'big', String(replicas.length)), el('div', 'muted small', 'replicas'), list);
    cards.push(card);
  }
  const sessions = el('div', 'card stat');
  const byInterface = Object.entries(status.sessions.byInterface || {}).map(([k, v]) => li(k, String(v)));
  sessions.append(el('h3', '', 'Sessions'), el('div', 'big', String(status.sessions.active)), el('div', 'muted small', 'active'));
  const sessionFacts = el('ul');
  sessionFacts.append(li('created', String(status.sessions.created)), li('expired', String(status.sessions.expired)), ...byInterface);
  sessions.append(sessionFacts);
  cards.push(sessions);
  const queues = el('div', 'card stat');
  const queueFacts = el('ul');
  for (const [name, q] of Object.entries(status.queues)) queueFacts.append(li(name, q.length + ' waiting or running, ' + q.pending + ' running'));
  queues.append(el('h3', '', 'Queues'), el('div', 'big', String(Object.values(status.queues).reduce((n, q) => n + q.length, 0))),
    el('div', 'muted small', 'entries'), queueFacts);
  cards.push(queues);
  const mcp = el('div', 'card stat');
  const mcpFacts = el('ul');
  Object.entries(status.mcp.byState).forEach(([k, v]) => mcpFacts.append(li(k, String(v))));
  mcp.append(el('h3', '', 'MCP connections'), el('div', 'big', String(status.mcp.servers)), el('div', 'muted small', 'servers'), mcpFacts);
  cards.push(mcp);
  $('status-cards').replaceChildren(...cards);
  $('status-updated').textContent = 'updated ' + new Date().toLocaleTimeString();
}

// ---------- small DOM helpers ----------

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

function td(content, className) {
  const cell = el('td', className);
  if (content instanceof Node) cell.append(content); else cell.textContent = content;
  return cell;
}

function li(name, value) {
  const item = el('li');
  item.append(el('span', '', name), el('b', '', value));
  return item;
}

function emptyRow(columns, text) {
  const row = el('tr', 'empty-row');
  const cell = el('td', '', text);
  cell.colSpan = columns;
  row.append(cell);
  return row;
}

function chips(classes, labels) {
  const box = el('span', 'chips');
  classes.forEach((c, i) => box.append(el('span', 'chip ' + c, labels ? labels[i] : c)));
  return box;
}

function ago(iso) {
  const seconds = Math.max(0, Math.round((Date.now() - new Date(iso).getTime()) / 1000));
  if (seconds < 60) return seconds + ' s ago';
  if (seconds < 3600) return Math.round(seconds / 60) + ' min ago';
  if (seconds < 86400) return Math.round(seconds / 3600) + ' h ago';
  return new Date(iso).toLocaleDateString();
}

/** A reply's text as DOM: ```code blocks```, `inline code` and **bold**; everything else stays text. */
function format(text) {
  const nodes = [];
  text.split(/```/).forEach((part, i) => {
    if (i % 2 === 1) {
      const pre = el('pre');
      pre.append(el('code', '', part.replace(/^[\w-]*\n/, '')));
      nodes.push(pre);
      return;
    }
    part.split(/(`[^`\n]+`|\*\*[^*\n]+\*\*)/).forEach((piece) => {
      if (/^`[^`]+`$/.test(piece)) nodes.push(el('code', '', piece.slice(1, -1)));
      else if (/^\*\*[^*]+\*\*$/.test(piece)) nodes.push(el('strong', '', piece.slice(2, -2)));
      else if (piece) nodes.push(document.createTextNode(piece));
    });
  });
  return nodes;
}

let toastTimer = null;
function toast(text, bad) {
  const box = $('toast');
  box.textContent = text;
  box.className = 'toast' + (bad ? ' bad' : '');
  box.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { box.hidden = true; }, 4000);
}

// ---------- start ----------

if (state.key) {
  signIn(state.key).catch(() => signOut());
} else {
  signOut();
}
