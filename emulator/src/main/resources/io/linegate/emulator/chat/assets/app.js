// The emulator's chat page: play LINE users talking to a bot. Everything a user does is a call to the
// control API (/control/v1), the same path tests use, so the bot gets exactly what LINE would send;
// the page reads through /chat/v1 and hears of changes through server-sent events.
import { renderBotMessage, renderUserEvent, stickerTile, STICKERS } from './render.js';

const $ = id => document.getElementById(id);
const MAX_UPLOAD = 48 * 1024 * 1024; // the control API takes 64 MiB per request
const LINE_EMOJI = ['(smile)', '(love)', '(wink)', '(cry)', '(ok)', '(party)'].map((alt, i) =>
  ({ alt, productId: '5ac1bfd5040ab15980c9b435', emojiId: String(i + 1).padStart(3, '0') }));

const state = {
  channelId: null,
  directory: null,
  userId: null,
  user: null,
  chat: null, // {id, kind: 'user'|'group'|'room', group}
  items: new Map(), // seq -> {data, node}
  messageSeq: new Map(), // a user's message id -> seq of its event
  unsent: new Set(),
  lastSeq: 0,
  readMode: null, // the channel's markAsReadMode: auto (chat off) or manual (chat on)
  readUpTo: 0, // the latest item the bot marked as read (markAsReadMode manual)
  stream: null,
  names: new Map(),
  pendingMarks: [], // emoji and mentions typed into the composer
};

// Read by the browser tests: how long the last full transcript took to render, and how many items.
window.linegateChat = { renderMs: null, rendered: 0, streamOpen: false, impressions: 0, clicks: 0 };

// ---- talking to the emulator ---------------------------------------------------------------------

function withChannel(path) {
  if (!state.channelId) return path;
  return path + (path.includes('?') ? '&' : '?') + 'channelId=' + encodeURIComponent(state.channelId);
}

async function api(method, path, body, headers) {
  const init = { method, headers: headers || {} };
  if (body !== undefined) {
    if (body instanceof Blob) {
      init.body = body;
    } else {
      init.body = JSON.stringify(body);
      init.headers['Content-Type'] = 'application/json';
    }
  }
  const res = await fetch(withChannel(path), init);
  const text = await res.text();
  let json = {};
  try { json = text ? JSON.parse(text) : {}; } catch (e) { json = { message: text }; }
  if (!res.ok) {
    const details = Array.isArray(json.details) ? ' (' + json.details.map(d => `${d.property}: ${d.message}`).join('; ') + ')' : '';
    throw new Error(`${res.status} ${json.message || res.statusText}${details}`);
  }
  return json;
}

const control = (method, path, body, headers) => api(method, '/control/v1' + path, body, headers);

function toast(text, error) {
  const t = $('toast');
  t.textContent = text;
  t.className = error ? 'error' : '';
  t.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { t.hidden = true; }, error ? 8000 : 3000);
}

async function attempt(fn) {
  try {
    return await fn();
  } catch (e) {
    toast(e.message, true);
    return undefined;
  }
}

function name(userId) {
  if (!userId) return '';
  return state.names.get(userId) || userId.slice(0, 9) + '\u2026';
}

// ---- users, chats ---------------------------------------------------------------------------------

async function loadDirectory() {
  const q = $('user-search').value.trim();
  const d = await api('GET', '/chat/v1/directory' + (q ? '?q=' + encodeURIComponent(q) : ''));
  state.directory = d;
  const select = $('channel-select');
  select.replaceChildren(...d.channels.map(c => {
    const o = new Option(`${c.displayName} (${c.channelId})`, c.channelId);
    o.selected = c.channelId === d.channel.channelId;
    return o;
  }));
  $('bot-name').textContent = d.channel.displayName;
  const readMode = d.channel.markAsReadMode === 'manual' ? 'manual' : 'auto';
  if (readMode !== state.readMode) {
    state.readMode = readMode;
    showReads();
  }
  $('webhook-state').textContent = d.channel.webhookUrl && d.channel.webhookActive
    ? 'webhook ' + d.channel.webhookUrl : 'webhook off: events are not sent';
  for (const u of d.users) state.names.set(u.userId, u.displayName);
  for (const g of d.groups) for (const m of g.members) state.names.set(m.userId, m.displayName);
  const users = $('user-select');
  users.replaceChildren(...d.users.map(u => {
    const o = new Option(`${u.displayName} \u00b7 ${u.relation.toLowerCase()}`, u.userId);
    o.selected = u.userId === state.userId;
    return o;
  }));
  $('user-count').textContent = d.usersMatching > d.users.length
    ? `showing ${d.users.length} of ${d.usersMatching}; search to narrow` : `${d.usersTotal} users`;
  const others = $('new-group-members');
  others.replaceChildren(...d.users.filter(u => u.userId !== state.userId).map(u => new Option(u.displayName, u.userId)));
}

async function selectUser(userId) {
  const user = await api('GET', '/chat/v1/users/' + encodeURIComponent(userId));
  state.userId = userId;
  state.user = user;
  state.names.set(userId, user.displayName);
  for (const g of user.groups) for (const m of g.members) state.names.set(m.userId, m.displayName);
  const url = new URL(location.href);
  url.searchParams.set('user', userId);
  history.replaceState(null, '', url);
  $('current-user-name').textContent = user.displayName;
  $('chats-section').hidden = false;
  renderChatList();
  const keep = state.chat && (state.chat.id === userId || user.groups.some(g => g.groupId === state.chat.id));
  await selectChat(keep ? state.chat.id : userId);
}

/** Reads the user again (relation, groups, rich menu) and the user list, without reloading the transcript. */
async function refreshUser() {
  if (!state.userId) return;
  await loadDirectory();
  const user = await api('GET', '/chat/v1/users/' + encodeURIComponent(state.userId));
  state.user = user;
  for (const g of user.groups) for (const m of g.members) state.names.set(m.userId, m.displayName);
  renderChatList();
  if (state.chat && state.chat.kind !== 'user') {
    state.chat.group = user.groups.find(g => g.groupId === state.chat.id) || state.chat.group;
  }
  renderHeader();
  renderRichMenu();
}

function renderChatList() {
  const list = $('chat-list');
  const entries = [{ id: state.userId, label: `${state.directory ? state.directory.channel.displayName : 'Bot'} (1:1)` }];
  for (const g of state.user.groups) {
    entries.push({ id: g.groupId, label: `${g.type === 'room' ? 'Room' : g.name || 'Group'} (${g.members.length})${g.botIsMember ? '' : ' \u00b7 no bot'}` });
  }
  list.replaceChildren(...entries.map(e => {
    const li = document.createElement('li');
    li.dataset.chatId = e.id;
    li.textContent = e.label;
    if (state.chat && state.chat.id === e.id) li.className = 'selected';
    li.addEventListener('click', () => attempt(() => selectChat(e.id)));
    return li;
  }));
}

async function selectChat(chatId) {
  const group = state.user.groups.find(g => g.groupId === chatId);
  state.chat = { id: chatId, kind: group ? group.type : 'user', group };
  renderChatList();
  renderHeader();
  renderRichMenu();
  $('placeholder').hidden = true;
  $('messages').hidden = false;
  $('composer').hidden = false;
  $('mention-button').hidden = state.chat.kind === 'user';
  document.body.classList.remove('sidebar-open');
  await loadTranscript();
  openStream();
}

function renderHeader() {
  const chat = state.chat;
  if (!chat) return;
  $('chat-header').hidden = false;
  const bot = state.directory ? state.directory.channel.displayName : 'Bot';
  if (chat.kind === 'user') {
    $('chat-title').textContent = `${state.user.displayName} \u2194 ${bot}`;
    const rel = state.user.relation;
    $('relation').textContent = { FRIEND: 'friends', NONE: 'not a friend', BLOCKED: 'blocked' }[rel] || rel;
    $('relation').dataset.relation = rel;
    $('follow').hidden = rel !== 'NONE';
    $('block').hidden = rel !== 'FRIEND';
    $('unblock').hidden = rel !== 'BLOCKED';
    $('group-controls').hidden = true;
  } else {
    const g = chat.group;
    $('chat-title').textContent = chat.kind === 'room' ? 'Room' : (g.name || 'Group');
    $('relation').textContent = '';
    $('follow').hidden = $('block').hidden = $('unblock').hidden = true;
    $('group-controls').hidden = false;
    $('group-members').textContent = 'members: ' + g.members.map(m => m.displayName).join(', ');
    const candidates = (state.directory ? state.directory.users : []).filter(u => !g.members.some(m => m.userId === u.userId));
    $('add-member').replaceChildren(...candidates.map(u => new Option(u.displayName, u.userId)));
    $('toggle-bot').textContent = g.botIsMember ? 'Remove the bot' : 'Invite the bot';
  }
}

// ---- the transcript -------------------------------------------------------------------------------

async function loadTranscript() {
  const chatId = state.chat.id;
  const t = await api('GET', `/chat/v1/chats/${encodeURIComponent(chatId)}/transcript`);
  if (!state.chat || state.chat.id !== chatId) return;
  const start = performance.now();
  state.items.clear();
  state.messageSeq.clear();
  state.unsent.clear();
  state.lastSeq = 0;
  state.readUpTo = Number.isInteger(t.readUpTo) ? t.readUpTo : 0;
  for (const item of t.items) note(item);
  const fragment = document.createDocumentFragment();
  for (const item of t.items) {
    const node = itemNode(item);
    state.items.set(item.seq, { data: item, node });
    fragment.appendChild(node);
  }
  $('messages').replaceChildren(fragment);
  arrange();
  renderQuickReplies();
  scrollToEnd();
  $('messages').getBoundingClientRect(); // the layout is part of the cost
  window.linegateChat.renderMs = performance.now() - start;
  window.linegateChat.rendered = t.items.length;
}

/** What an item tells the page beyond itself: the last seq, unsent messages, message ids, relation. */
function note(item) {
  state.lastSeq = Math.max(state.lastSeq, item.seq);
  if (item.side !== 'user' || !item.event) return;
  const e = item.event;
  if (e.type === 'message' && e.message) state.messageSeq.set(e.message.id, item.seq);
  if (e.type === 'unsend' && e.unsend) state.unsent.add(e.unsend.messageId);
}

function openStream() {
  if (state.stream) state.stream.close();
  window.linegateChat.streamOpen = false;
  const chatId = state.chat.id;
  const s = new EventSource(withChannel(`/chat/v1/chats/${encodeURIComponent(chatId)}/events?after=${state.lastSeq}`));
  state.stream = s;
  s.addEventListener('open', () => { window.linegateChat.streamOpen = true; });
  s.addEventListener('items', ev => {
    const data = JSON.parse(ev.data);
    applyItems(data.items);
  });
  s.addEventListener('read', ev => {
    const data = JSON.parse(ev.data);
    if (Number.isInteger(data.readUpTo) && data.readUpTo > state.readUpTo) {
      state.readUpTo = data.readUpTo;
      showReads();
    }
  });
  s.addEventListener('resync', () => attempt(loadTranscript));
  s.addEventListener('reset', () => {
    s.close();
    attempt(async () => { await loadDirectory(); await selectUser(state.userId); });
  });
}

function applyItems(items) {
  const atEnd = view.pinned;
  let botSpoke = false;
  let added = false;
  let mine = false;
  const affected = new Set();
  for (const item of items) {
    const isNew = !state.items.has(item.seq);
    added = added || isNew;
    note(item);
    upsert(item);
    // What this user just did is scrolled to, wherever the view was (as in LINE).
    if (isNew && item.side === 'user' && item.event && item.event.source && item.event.source.userId === state.userId) mine = true;
    if (item.side === 'bot') botSpoke = true;
    if (item.side === 'user' && item.event) {
      const e = item.event;
      if (e.type === 'unsend' && e.unsend && state.messageSeq.has(e.unsend.messageId)) affected.add(state.messageSeq.get(e.unsend.messageId));
      if (['follow', 'unfollow', 'join', 'leave', 'memberJoined', 'memberLeft'].includes(e.type)) botSpoke = true;
    }
  }
  for (const seq of affected) {
    const it = state.items.get(seq);
    if (it) upsert(it.data);
  }
  arrange();
  renderQuickReplies();
  if (atEnd || mine) scrollToEnd();
  else if (added) $('new-below').hidden = false;
  // A bot that links a rich menu usually says something too; relation and membership follow events.
  if (botSpoke) attempt(refreshUser);
}

function upsert(item) {
  const old = state.items.get(item.seq);
  const node = itemNode(item);
  if (old) {
    old.node.replaceWith(node);
    old.data = item;
    old.node = node;
    return;
  }
  state.items.set(item.seq, { data: item, node });
  const list = $('messages');
  let next = null;
  // (A date separator has no seq: it belongs to the item after it.)
  for (let n = list.lastElementChild; n && !(Number(n.dataset.seq) < item.seq); n = n.previousElementSibling) next = n;
  list.insertBefore(node, next);
}

// ---- where the transcript stands ------------------------------------------------------------------
// As in LINE: a chat opens at its latest message and follows new ones while the view is at the end,
// whatever changes the view's size (a resize, the quick-reply bar, the rich menu, an image that loads);
// once the user scrolls up, it stays where they are and says that something new is below.

const view = { pinned: true, lastTop: 0 };

function atEnd() {
  const list = $('messages');
  return list.scrollHeight - list.scrollTop - list.clientHeight < 24;
}

function scrollToEnd() {
  const list = $('messages');
  list.scrollTop = list.scrollHeight;
  view.pinned = true;
  view.lastTop = list.scrollTop;
  $('new-below').hidden = true;
}

/** Keeps the end in view if it was: after anything that may have changed the view's or the content's size. */
function follow() {
  if (view.pinned) scrollToEnd();
}

function watchView() {
  const list = $('messages');
  list.addEventListener('scroll', () => {
    const top = list.scrollTop;
    // Only a move up unpins: content growing below does not scroll, and a shrinking view clamps to the end.
    if (atEnd()) {
      view.pinned = true;
      $('new-below').hidden = true;
    } else if (top < view.lastTop) {
      view.pinned = false;
    }
    view.lastTop = top;
  });
  if (typeof ResizeObserver === 'function') new ResizeObserver(follow).observe(list);
  window.addEventListener('resize', follow);
  // Media that load (or fail and are replaced by their URL) change the content's height.
  for (const type of ['load', 'error', 'loadedmetadata']) list.addEventListener(type, follow, true);
  $('new-below').addEventListener('click', scrollToEnd);
}

function time(ms) {
  const d = new Date(ms);
  return d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

/** The local calendar day of a time, "YYYY-MM-DD" (what separates days in the transcript). */
function dayOf(ms) {
  if (!Number.isFinite(ms)) return '';
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** As LINE labels a day: Today, Yesterday, else the weekday and the date (and the year if not this one). */
function dayLabel(day) {
  const [y, m, d] = day.split('-').map(Number);
  const date = new Date(y, m - 1, d);
  const today = new Date();
  const yesterday = new Date(today.getFullYear(), today.getMonth(), today.getDate() - 1);
  if (day === dayOf(today.getTime())) return 'Today';
  if (day === dayOf(yesterday.getTime())) return 'Yesterday';
  const options = { weekday: 'short', month: 'short', day: 'numeric' };
  if (y !== today.getFullYear()) options.year = 'numeric';
  return date.toLocaleDateString([], options);
}

function daySeparator(day) {
  const s = el('div', 'date-separator');
  s.dataset.day = day;
  s.appendChild(el('span', 'date-label', dayLabel(day)));
  return s;
}

/**
 * Puts a date separator before the first item of each day, and marks an item that continues its
 * sender's run (LINE shows the avatar and the name once per run). One pass over the transcript.
 */
function arrange() {
  const list = $('messages');
  let day = null;
  let who = null;
  for (let n = list.firstElementChild; n;) {
    const next = n.nextElementSibling;
    if (n.classList.contains('date-separator')) {
      // Kept only right before the first item of a new day; put back below where one is missing.
      const first = next && next.classList.contains('item') && next.dataset.day !== day ? next : null;
      if (!first || first.dataset.day !== n.dataset.day) n.remove();
      n = next;
      continue;
    }
    const d = n.dataset.day;
    if (d && d !== day) {
      const prev = n.previousElementSibling;
      if (!(prev && prev.classList.contains('date-separator') && prev.dataset.day === d)) list.insertBefore(daySeparator(d), n);
      day = d;
      who = null;
    }
    const w = n.dataset.who || null;
    n.classList.toggle('cont', w !== null && w === who);
    who = w;
    n = next;
  }
}

/** Whether the bot has read a user's message: at once in auto mode, once marked in manual mode (chat on). */
function isRead(item) {
  return state.readMode !== 'manual' || item.seq <= state.readUpTo;
}

/** Shows "Read" beside the user's messages the bot has read (one-to-one chats, as LINE shows it there). */
function showReads() {
  for (const n of document.querySelectorAll('#messages .item.mine')) {
    const mark = n.querySelector('.read');
    if (mark) mark.hidden = !isRead({ seq: Number(n.dataset.seq) });
  }
}

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

const renderCtx = {
  onAction: action => attempt(() => runAction(action)),
  userName: name,
  contentUrl: id => withChannel('/chat/v1/content/' + encodeURIComponent(id)),
};

// ---- impressions and clicks ------------------------------------------------------------------------
// What the user does with a broadcast or narrowcast is recorded as LINE records it for Insight and for
// click and impression audiences: an impression when the message is on screen (half of it visible),
// a click when the user taps a link or a URI action in it. Through the control API, like everything else.

const seen = new Set(); // userId + requestId: one impression per user and request from this page

function engaging(item) {
  return item.side === 'bot' && item.requestId && (item.via === 'broadcast' || item.via === 'narrowcast')
    && state.chat && state.chat.kind === 'user';
}

const onScreen = typeof IntersectionObserver === 'function' ? new IntersectionObserver(entries => {
  for (const entry of entries) {
    if (!entry.isIntersecting) continue;
    const item = entry.target.linegateItem;
    onScreen.unobserve(entry.target);
    if (!item || !engaging(item)) continue;
    const key = state.userId + ' ' + item.requestId;
    if (seen.has(key)) continue;
    seen.add(key);
    control('POST', '/users/' + encodeURIComponent(state.userId) + '/impressions', { requestId: item.requestId })
      .then(() => { window.linegateChat.impressions++; })
      .catch(() => seen.delete(key));
  }
}, { threshold: 0.5 }) : null;

function recordClick(item, action) {
  if (!engaging(item) || !action || action.type !== 'uri' || typeof action.uri !== 'string') return;
  control('POST', '/users/' + encodeURIComponent(state.userId) + '/clicks',
    { requestId: item.requestId, url: action.uri, seq: Number.isInteger(item.index) ? item.index : 1 })
    .then(() => { window.linegateChat.clicks++; })
    .catch(e => toast(e.message, true));
}

/** The rendering context of one bot message: its taps are also counted as clicks. */
function itemCtx(item) {
  if (!engaging(item)) return renderCtx;
  return { ...renderCtx, onAction: action => { recordClick(item, action); return renderCtx.onAction(action); } };
}

/** Message types drawn without a speech bubble around them, as LINE draws them. */
const BARE = new Set(['sticker', 'flex', 'template', 'imagemap', 'image', 'video']);

/** A round avatar: the image at `url` (https) if it loads, else the name's first letter on a colour of its own. */
function avatar(label, url, cls) {
  const initial = () => {
    const a = el('div', 'avatar ' + cls, (Array.from(label.trim())[0] || '?').toUpperCase());
    let h = 0;
    for (const c of label) h = (h * 31 + c.codePointAt(0)) % 360;
    a.style.backgroundColor = cls === 'bot-avatar' ? '#06c755' : `hsl(${h}, 45%, 55%)`;
    a.title = label;
    return a;
  };
  if (typeof url !== 'string' || !/^https:\/\//.test(url)) return initial();
  const img = el('img', 'avatar ' + cls);
  img.alt = '';
  img.title = label;
  img.addEventListener('error', () => img.replaceWith(initial()));
  img.src = url;
  return img;
}

/** The bubble and, beside it at its foot, the time (and "Read" for the user's own messages), as LINE lays them. */
function line(bubble, ms, read) {
  const l = el('div', 'line');
  const stamp = el('div', 'stamp');
  if (read !== undefined) {
    const r = el('span', 'read', 'Read');
    r.hidden = !read;
    stamp.appendChild(r);
  }
  stamp.appendChild(el('span', 'time', Number.isFinite(ms) ? time(ms) : ''));
  l.appendChild(bubble);
  l.appendChild(stamp);
  return l;
}

function itemNode(item) {
  const row = el('div', 'item');
  row.dataset.seq = item.seq;
  row.dataset.side = item.side;
  if (item.side === 'bot') {
    const m = item.message || {};
    row.classList.add('left');
    const sender = m.sender && typeof m.sender === 'object' ? m.sender : null;
    const botName = state.directory ? state.directory.channel.displayName : 'Bot';
    const senderName = sender && typeof sender.name === 'string' ? sender.name : botName;
    const iconUrl = sender && typeof sender.iconUrl === 'string' ? sender.iconUrl : undefined;
    const ms = Date.parse(item.time);
    row.dataset.day = dayOf(ms);
    row.dataset.who = 'bot ' + senderName + ' ' + (iconUrl || '');
    row.appendChild(avatar(senderName, iconUrl, 'bot-avatar'));
    row.appendChild(el('div', 'sender', senderName));
    const bubble = el('div', 'bubble' + (BARE.has(m.type) ? ' bare' : ''));
    bubble.dataset.type = m.type;
    bubble.appendChild(renderBotMessage(m, itemCtx(item)));
    row.appendChild(line(bubble, ms));
    row.appendChild(footer(botMeta(item), item));
    if (onScreen && engaging(item)) {
      row.linegateItem = item;
      onScreen.observe(row);
    }
    return row;
  }
  const e = item.event || {};
  row.dataset.day = dayOf(e.timestamp);
  const r = renderUserEvent(e, item.displayText, renderCtx);
  if (r.kind === 'system') {
    row.classList.add('system');
    row.appendChild(el('div', 'system-text', r.text));
    row.appendChild(footer(userMeta(item), item));
    return row;
  }
  const from = e.source && e.source.userId;
  const mine = from === state.userId;
  row.classList.add(mine ? 'right' : 'left');
  row.dataset.who = 'user ' + (from || '');
  if (!mine) {
    row.appendChild(avatar(name(from), undefined, 'user-avatar'));
    row.appendChild(el('div', 'sender', name(from)));
  }
  const unsent = e.type === 'message' && e.message && state.unsent.has(e.message.id);
  const bubble = el('div', 'bubble user' + (r.bare || BARE.has(e.message && e.message.type) ? ' bare' : ''));
  bubble.appendChild(unsent ? el('div', 'unsent-text', 'This message was unsent') : r.el);
  // "Read" on the user's own messages in a one-to-one chat, once the bot has read them.
  const readable = mine && e.type === 'message' && !unsent && state.chat && state.chat.kind === 'user';
  if (readable) row.classList.add('mine');
  row.appendChild(line(bubble, e.timestamp, readable ? isRead(item) : undefined));
  const f = footer(userMeta(item), item);
  if (mine && e.type === 'message' && !unsent) {
    const u = el('button', 'unsend', 'Unsend');
    u.type = 'button';
    u.addEventListener('click', () => attempt(() => unsend(e.message.id)));
    f.appendChild(u);
  }
  row.appendChild(f);
  return row;
}

/** Under an item: what the developer view shows (the API call or the webhook delivery, the JSON). */
function footer(meta, item) {
  const f = el('div', 'footer');
  f.appendChild(meta);
  const j = el('button', 'json', '{ }');
  j.type = 'button';
  j.title = 'JSON';
  j.addEventListener('click', () => showJson(item));
  f.appendChild(j);
  return f;
}

/** Developer view of a bot message: the API call that sent it. */
function botMeta(item) {
  const meta = el('span', 'meta');
  meta.dataset.via = item.via;
  if (item.requestId) {
    meta.textContent = `${item.via} \u00b7 request ${item.requestId}` + (item.retryKey ? ` \u00b7 retry key ${item.retryKey}` : '');
  } else {
    meta.textContent = `sent by the platform (${item.via})`;
  }
  return meta;
}

/** Developer view of a user's event: its webhook delivery. */
function userMeta(item) {
  const meta = el('span', 'meta');
  const d = item.delivery;
  const id = item.eventId ? ` \u00b7 event ${item.eventId}` : '';
  if (!d) {
    meta.dataset.delivery = 'pending';
    meta.textContent = 'webhook queued' + id;
  } else if (d.reason === 'NOT_SENT') {
    meta.dataset.delivery = 'not-sent';
    meta.textContent = 'not sent: ' + d.detail;
  } else if (d.success) {
    meta.dataset.delivery = 'ok';
    meta.textContent = `webhook ${d.statusCode} \u00b7 ${d.durationMs} ms` + (d.isRedelivery ? ` \u00b7 redelivery, attempt ${d.attempt}` : '') + id;
  } else {
    meta.dataset.delivery = 'failed';
    meta.classList.add('failed');
    meta.textContent = `webhook failed: ${d.statusCode || '-'} ${d.reason} (${d.detail}) \u00b7 ${d.durationMs} ms \u00b7 attempt ${d.attempt}`
      + (d.isRedelivery ? ' (redelivery)' : '') + id;
  }
  return meta;
}

function showJson(item) {
  const shown = item.side === 'bot'
    ? { via: item.via, requestId: item.requestId, retryKey: item.retryKey, messageId: item.messageId, message: item.message }
    : { webhookEvent: item.event, delivery: item.delivery, displayText: item.displayText || undefined };
  $('json-view').textContent = JSON.stringify(shown, null, 2);
  $('json-dialog').showModal();
}

function renderQuickReplies() {
  const bar = $('quick-replies');
  const last = $('messages').lastElementChild;
  const entry = last ? state.items.get(Number(last.dataset.seq)) : null;
  const qr = entry && entry.data.side === 'bot' && entry.data.message && entry.data.message.quickReply;
  const items = qr && Array.isArray(qr.items) ? qr.items : [];
  bar.hidden = items.length === 0;
  bar.replaceChildren(...items.map(i => {
    const b = el('button', 'quick-reply');
    b.type = 'button';
    const a = i && i.action ? i.action : {};
    if (typeof i.imageUrl === 'string' && /^https:\/\//.test(i.imageUrl)) {
      const img = el('img');
      img.alt = '';
      img.src = i.imageUrl;
      img.addEventListener('error', () => img.remove());
      b.appendChild(img);
    }
    b.appendChild(document.createTextNode(typeof a.label === 'string' ? a.label : a.type || '?'));
    b.dataset.actionType = a.type;
    b.addEventListener('click', () => { bar.hidden = true; renderCtx.onAction(a); });
    return b;
  }));
}

// ---- the rich menu --------------------------------------------------------------------------------

function renderRichMenu() {
  const menu = state.user && state.chat && state.chat.kind === 'user' ? state.user.richMenu : null;
  const bar = $('richmenu-bar');
  bar.hidden = !menu;
  if (!menu) return;
  const box = $('richmenu');
  const toggle = $('richmenu-toggle');
  toggle.textContent = (menu.chatBarText || 'Menu') + ' \u25be';
  if (box.dataset.menuId !== menu.richMenuId) box.hidden = !menu.selected;
  box.dataset.menuId = menu.richMenuId;
  const w = (menu.size && menu.size.width) || 2500;
  const h = (menu.size && menu.size.height) || 1686;
  box.style.aspectRatio = `${w} / ${h}`;
  const children = [];
  if (menu.hasImage) {
    const img = el('img', 'richmenu-image');
    img.alt = '';
    img.src = withChannel(`/chat/v1/richmenus/${encodeURIComponent(menu.richMenuId)}/image`);
    children.push(img);
  }
  for (const a of Array.isArray(menu.areas) ? menu.areas : []) {
    const b = a.bounds || {};
    const area = el('button', 'rm-area', a.action && typeof a.action.label === 'string' ? a.action.label : (a.action && a.action.type) || '');
    area.type = 'button';
    area.style.left = (100 * b.x / w) + '%';
    area.style.top = (100 * b.y / h) + '%';
    area.style.width = (100 * b.width / w) + '%';
    area.style.height = (100 * b.height / h) + '%';
    area.dataset.actionType = a.action && a.action.type;
    area.addEventListener('click', () => renderCtx.onAction(a.action));
    children.push(area);
  }
  box.replaceChildren(...children);
}

// ---- what users do --------------------------------------------------------------------------------

function chatPath(suffix) {
  return state.chat.kind === 'user'
    ? `/users/${encodeURIComponent(state.userId)}/${suffix}` : `/groups/${encodeURIComponent(state.chat.id)}/${suffix}`;
}

function asMember(body) {
  return state.chat.kind === 'user' ? body : { ...body, userId: state.userId };
}

function sendMessage(message) {
  return control('POST', chatPath('messages'), asMember(message));
}

function postback(data, displayText, params) {
  const body = { data: typeof data === 'string' ? data : '' };
  if (displayText) body.displayText = displayText;
  if (params) body.params = params;
  return control('POST', chatPath('postback'), asMember(body));
}

function unsend(messageId) {
  return control('POST', chatPath('unsend'), asMember({ messageId }));
}

async function runAction(a) {
  if (!a || typeof a !== 'object') return;
  switch (a.type) {
    case 'message':
      return sendMessage({ type: 'text', text: typeof a.text === 'string' ? a.text : '' });
    case 'postback':
      if (a.inputOption === 'openKeyboard' || a.fillInText) {
        $('text-input').value = typeof a.fillInText === 'string' ? a.fillInText : '';
        $('text-input').focus();
      }
      return postback(a.data, a.displayText);
    case 'uri':
      return openUri(a.uri);
    case 'datetimepicker':
      return pickDatetime(a);
    case 'camera':
    case 'cameraRoll':
      $('attach').click();
      return undefined;
    case 'location':
      $('location-dialog').showModal();
      return undefined;
    case 'richmenuswitch':
      return postback(a.data, undefined, { newRichMenuAliasId: a.richMenuAliasId, status: 'SUCCESS' });
    case 'clipboard':
      await navigator.clipboard.writeText(String(a.clipboardText || ''));
      toast('Copied to the clipboard');
      return undefined;
    default:
      toast(`The page cannot perform a "${a.type}" action`, true);
      return undefined;
  }
}

/** A URI action opens web links in a new tab; LINE's own schemes (line://, liff) only say what they would do. */
function openUri(uri) {
  if (typeof uri === 'string' && /^(https?:|tel:|mailto:)/i.test(uri)) {
    window.open(uri, '_blank', 'noopener,noreferrer');
  } else {
    toast(`LINE would open ${uri}`);
  }
}

let datetimeAction = null;

function pickDatetime(a) {
  datetimeAction = a;
  const mode = ['date', 'time', 'datetime'].includes(a.mode) ? a.mode : 'datetime';
  const input = $('dt-input');
  input.type = mode === 'datetime' ? 'datetime-local' : mode;
  input.value = typeof a.initial === 'string' ? a.initial : '';
  input.min = typeof a.min === 'string' ? a.min : '';
  input.max = typeof a.max === 'string' ? a.max : '';
  $('dt-title').textContent = typeof a.label === 'string' ? a.label : 'Pick a ' + mode;
  $('datetime-dialog').showModal();
}

async function sendText() {
  const input = $('text-input');
  const text = input.value;
  if (!text.trim()) return;
  const message = { type: 'text', text };
  // Emoji and mentions where their text still stands, in order.
  const emojis = [];
  const mentionees = [];
  let from = 0;
  for (const mark of state.pendingMarks) {
    const at = text.indexOf(mark.text, from);
    if (at < 0) continue;
    if (mark.emoji) emojis.push({ index: at, length: mark.text.length, productId: mark.emoji.productId, emojiId: mark.emoji.emojiId });
    else mentionees.push(mark.userId ? { index: at, length: mark.text.length, type: 'user', userId: mark.userId }
      : { index: at, length: mark.text.length, type: 'all' });
    from = at + mark.text.length;
  }
  if (emojis.length) message.emojis = emojis;
  if (mentionees.length) message.mention = { mentionees };
  await sendMessage(message);
  input.value = '';
  state.pendingMarks = [];
}

function insertMark(text, mark) {
  const input = $('text-input');
  const at = input.selectionStart == null ? input.value.length : input.selectionStart;
  input.value = input.value.slice(0, at) + text + input.value.slice(at);
  state.pendingMarks.push({ ...mark, text: text.trimEnd() });
  state.pendingMarks.sort((a, b) => input.value.indexOf(a.text) - input.value.indexOf(b.text));
  input.focus();
}

async function upload(file) {
  if (file.size > MAX_UPLOAD) {
    throw new Error(`${file.name} is ${Math.round(file.size / 1048576)} MiB; the emulator takes files up to ${MAX_UPLOAD / 1048576} MiB`);
  }
  const type = /^image\//.test(file.type) ? 'image' : /^video\//.test(file.type) ? 'video' : /^audio\//.test(file.type) ? 'audio' : 'file';
  let query = `?type=${type}&fileName=${encodeURIComponent(file.name)}`;
  if (type === 'video' || type === 'audio') query += `&duration=${await durationOf(file, type)}`;
  if (state.chat.kind !== 'user') query += `&userId=${encodeURIComponent(state.userId)}`;
  await control('POST', chatPath('messages') + query, file, { 'Content-Type': file.type || 'application/octet-stream' });
}

/** A video's or audio's length in ms, as LINE reports it; 1000 if the browser cannot tell within 2 s. */
function durationOf(file, kind) {
  return new Promise(resolve => {
    const m = document.createElement(kind);
    const url = URL.createObjectURL(file);
    const done = ms => { URL.revokeObjectURL(url); resolve(ms); };
    const timer = setTimeout(() => done(1000), 2000);
    m.preload = 'metadata';
    m.addEventListener('loadedmetadata', () => { clearTimeout(timer); done(Number.isFinite(m.duration) ? Math.round(m.duration * 1000) : 1000); });
    m.addEventListener('error', () => { clearTimeout(timer); done(1000); });
    m.src = url;
  });
}

// ---- wiring ---------------------------------------------------------------------------------------

function togglePalette(id) {
  for (const p of ['sticker-palette', 'emoji-palette', 'mention-menu']) $(p).hidden = p === id ? !$(p).hidden : true;
}

function wire() {
  watchView();
  // On a phone the user list is a panel over the chat: the "Users" button opens it, a tap on the chat closes it.
  $('sidebar-toggle').addEventListener('click', () => document.body.classList.toggle('sidebar-open'));
  $('chat').addEventListener('click', () => document.body.classList.remove('sidebar-open'));
  $('dev-view').checked = localStorage.getItem('linegate.dev') === '1';
  document.body.classList.toggle('dev', $('dev-view').checked);
  $('dev-view').addEventListener('change', () => {
    document.body.classList.toggle('dev', $('dev-view').checked);
    localStorage.setItem('linegate.dev', $('dev-view').checked ? '1' : '0');
  });
  $('channel-select').addEventListener('change', () => attempt(async () => {
    state.channelId = $('channel-select').value;
    await loadDirectory();
    if (state.userId) await selectUser(state.userId);
  }));
  let searchTimer;
  $('user-search').addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => attempt(loadDirectory), 200);
  });
  $('user-select').addEventListener('change', () => attempt(() => selectUser($('user-select').value)));
  $('new-user-form').addEventListener('submit', ev => {
    ev.preventDefault();
    attempt(async () => {
      const created = await control('POST', '/users', { displayName: $('new-user-name').value.trim() || 'User' });
      $('new-user-name').value = '';
      await loadDirectory();
      await selectUser(created.userId);
    });
  });
  $('new-group-form').addEventListener('submit', ev => {
    ev.preventDefault();
    attempt(async () => {
      const others = [...$('new-group-members').selectedOptions].map(o => o.value);
      const type = $('new-group-type').value;
      const body = { type, members: [state.userId, ...others] };
      if (type === 'group') body.name = $('new-group-name').value.trim() || 'Group';
      const created = await control('POST', '/groups', body);
      $('new-group').open = false;
      await refreshUser();
      await selectChat(created.groupId);
    });
  });
  $('follow').addEventListener('click', () => attempt(async () => { await control('POST', chatPath('follow')); await refreshUser(); }));
  $('block').addEventListener('click', () => attempt(async () => { await control('POST', chatPath('block')); await refreshUser(); }));
  $('unblock').addEventListener('click', () => attempt(async () => { await control('POST', chatPath('unblock')); await refreshUser(); }));
  $('add-member-button').addEventListener('click', () => attempt(async () => {
    const id = $('add-member').value;
    if (!id) return;
    await control('POST', chatPath('members'), { userIds: [id] });
    await refreshUser();
  }));
  $('leave-group').addEventListener('click', () => attempt(async () => {
    await control('DELETE', chatPath('members/' + encodeURIComponent(state.userId)));
    await refreshUser();
    await selectChat(state.userId);
  }));
  $('toggle-bot').addEventListener('click', () => attempt(async () => {
    await control(state.chat.group.botIsMember ? 'DELETE' : 'POST', chatPath('bot'));
    await refreshUser();
  }));
  $('composer').addEventListener('submit', ev => {
    ev.preventDefault();
    attempt(sendText);
  });
  $('sticker-palette').replaceChildren(...STICKERS.map(([p, s]) => {
    const b = el('button', 'palette-sticker');
    b.type = 'button';
    b.dataset.sticker = `${p}/${s}`;
    b.appendChild(stickerTile(p, s));
    b.addEventListener('click', () => {
      togglePalette(null);
      attempt(() => sendMessage({ type: 'sticker', packageId: p, stickerId: s }));
    });
    return b;
  }));
  $('emoji-palette').replaceChildren(...LINE_EMOJI.map(e => {
    const b = el('button', 'palette-emoji', e.alt);
    b.type = 'button';
    b.dataset.emoji = `${e.productId}/${e.emojiId}`;
    b.addEventListener('click', () => { togglePalette(null); insertMark(e.alt, { emoji: e }); });
    return b;
  }));
  $('sticker-button').addEventListener('click', () => togglePalette('sticker-palette'));
  $('emoji-button').addEventListener('click', () => togglePalette('emoji-palette'));
  $('mention-button').addEventListener('click', () => {
    const members = state.chat && state.chat.group ? state.chat.group.members.filter(m => m.userId !== state.userId) : [];
    $('mention-menu').replaceChildren(...[{ userId: null, displayName: 'All' }, ...members].map(m => {
      const b = el('button', 'palette-mention', '@' + m.displayName);
      b.type = 'button';
      b.dataset.userId = m.userId || 'all';
      b.addEventListener('click', () => { togglePalette(null); insertMark('@' + m.displayName + ' ', { userId: m.userId }); });
      return b;
    }));
    togglePalette('mention-menu');
  });
  $('attach').addEventListener('change', () => {
    const file = $('attach').files[0];
    $('attach').value = '';
    if (file) attempt(() => upload(file));
  });
  $('location-button').addEventListener('click', () => $('location-dialog').showModal());
  $('loc-cancel').addEventListener('click', () => $('location-dialog').close());
  $('location-form').addEventListener('submit', ev => {
    ev.preventDefault();
    $('location-dialog').close();
    attempt(() => sendMessage({ type: 'location', title: $('loc-title').value, address: $('loc-address').value,
      latitude: Number($('loc-lat').value), longitude: Number($('loc-lng').value) }));
  });
  $('dt-cancel').addEventListener('click', () => $('datetime-dialog').close());
  $('datetime-form').addEventListener('submit', ev => {
    ev.preventDefault();
    $('datetime-dialog').close();
    const a = datetimeAction;
    const mode = ['date', 'time', 'datetime'].includes(a.mode) ? a.mode : 'datetime';
    attempt(() => postback(a.data, undefined, { [mode]: $('dt-input').value }));
  });
  $('richmenu-toggle').addEventListener('click', () => { $('richmenu').hidden = !$('richmenu').hidden; });
}

async function start() {
  wire();
  const params = new URLSearchParams(location.search);
  state.channelId = params.get('channel');
  await loadDirectory();
  const user = params.get('user');
  if (user) {
    await selectUser(user);
  } else {
    document.body.classList.add('sidebar-open'); // on a phone, the user list first
  }
}

start().catch(e => toast(e.message, true));
