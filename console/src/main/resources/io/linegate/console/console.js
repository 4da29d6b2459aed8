// The linegate console's page: plain DOM, no library, nothing from elsewhere. Changes are sent as JSON
// with the session's CSRF token in a header; the session itself is an HttpOnly cookie this script never sees.
'use strict';
(function () {
  const $ = (id) => document.getElementById(id);
  let csrf = null;
  let samples = [];
  let lastAt = 0;
  let overviewTimer = null;
  let deadNext = null;
  let deadFilter = null;
  let shownDead = null;
  let maintenanceOn = false;
  let callsNext = null;
  let callsQuery = null;

  function say(text) { $('message').textContent = text || ''; }

  async function call(method, path, body) {
    const opts = { method: method, headers: {}, credentials: 'same-origin', cache: 'no-store' };
    if (method !== 'GET') {
      opts.headers['Content-Type'] = 'application/json';
      opts.headers['X-CSRF-Token'] = csrf || '';
      opts.body = JSON.stringify(body || {});
    }
    const res = await fetch('api/' + path, opts);
    let data = {};
    try { data = await res.json(); } catch (e) { data = {}; }
    if (res.status === 401 && path !== 'signin') { showSignIn('Your session ended; sign in again.'); throw new Error('signed out'); }
    if (!res.ok) { throw new Error(data.message || ('HTTP ' + res.status)); }
    return data;
  }

  function showSignIn(text) {
    csrf = null;
    if (overviewTimer) { clearInterval(overviewTimer); overviewTimer = null; }
    $('app').hidden = true;
    $('signin').hidden = false;
    $('signin-error').textContent = text || '';
    $('token').focus();
  }

  function showApp(session) {
    csrf = session.csrf;
    $('actor').textContent = session.actor;
    $('signin').hidden = true;
    $('app').hidden = false;
    showPage('overview');
  }

  function showPage(name) {
    document.querySelectorAll('.tab').forEach((b) => b.classList.toggle('active', b.dataset.page === name));
    document.querySelectorAll('.page').forEach((p) => { p.hidden = p.id !== 'page-' + name; });
    if (overviewTimer) { clearInterval(overviewTimer); overviewTimer = null; }
    say('');
    if (name === 'overview') { refreshOverview(); overviewTimer = setInterval(refreshOverview, 1000); }
    if (name === 'dead') { searchDead(); }
    if (name === 'calls') { searchCalls(); }
    if (name === 'switches') { refreshSwitches(); }
    if (name === 'campaigns') { refreshCampaigns(); overviewTimer = setInterval(refreshCampaigns, 2000); }
  }

  // --- overview ---------------------------------------------------------------------------------
  const HOUR = 3600 * 1000;

  async function refreshOverview() {
    let data;
    try { data = await call('GET', 'overview?since=' + lastAt); } catch (e) { say(e.message); return; }
    samples = samples.concat(data.samples);
    if (samples.length) { lastAt = samples[samples.length - 1].at; }
    const cut = Date.now() - HOUR;
    samples = samples.filter((s) => s.at > cut);
    drawFigures(data);
    drawCharts();
  }

  const sum = (m) => Object.values(m || {}).reduce((a, b) => a + b, 0);
  const ok = (m) => Object.entries(m || {}).filter(([k]) => k.startsWith('2')).reduce((a, [, v]) => a + v, 0);

  function drawFigures(data) {
    const last = samples[samples.length - 1];
    const st = data.status || {};
    $('bot-name').textContent = st.bot ? '· ' + st.bot : '';
    $('fig-webhooks-rate').textContent = last ? String(sum(last.webhooks)) : '–';
    $('fig-webhooks-hour').textContent = String(samples.reduce((a, s) => a + sum(s.webhooks), 0));
    const withAck = samples.filter((s) => s.ackP50 >= 0);
    const a = withAck[withAck.length - 1];
    $('fig-ack').textContent = a ? a.ackP50.toFixed(1) + ' / ' + a.ackP99.toFixed(1) : '–';
    $('fig-received').textContent = String(samples.reduce((x, s) => x + s.received, 0));
    const outcomes = {};
    samples.forEach((s) => Object.entries(s.processed).forEach(([k, v]) => { outcomes[k] = (outcomes[k] || 0) + v; }));
    $('fig-handled').textContent = String(outcomes.handled || 0);
    $('fig-muted').textContent = String(outcomes.muted || 0);
    $('fig-dead').textContent = st.deadLetters === undefined ? '–' : String(st.deadLetters);
    $('fig-backlog').textContent = last ? last.backlog + ' / ' + last.lag.toFixed(1) : String(st.backlog ?? '–');
    const tok = st.tokens;
    $('fig-token').textContent = !tok ? 'not sending' : tok.type + (tok.remainingSeconds !== undefined
      ? ', ' + Math.floor(tok.remainingSeconds / 3600) + ' h left' : '');
    const store = st.store || {};
    let storeText = (store.reachable === false ? 'UNREACHABLE ' : '') + (store.writable === false ? 'NOT WRITABLE ' : '') + (store.location || '');
    if (store.usableBytes !== undefined) { storeText += ' · ' + (store.usableBytes / 1e9).toFixed(1) + ' GB free'; }
    $('fig-store').textContent = storeText || '–';
    const sw = data.switches || {};
    $('fig-switches').textContent = (sw.maintenance ? 'MAINTENANCE' : 'live') + ' · ' + (sw.muted || 0) + ' muted';
    if (data.cluster) {
      $('fig-cluster').textContent = data.cluster.nodes.map((n) => n.id + ' [' + n.partitions.length + ']').join(', ')
        + ' · unowned ' + data.cluster.unowned;
    }
    const body = document.querySelector('#outcomes tbody');
    body.replaceChildren(...Object.entries(outcomes).sort().map(([k, v]) => row([k, String(v)])));
    drawLine(data.lineLimits || {});
  }

  // Requests to LINE: per endpoint, its limit against what was sent over the limit's own period
  // (the last second, minute or hour of samples), and LINE's 429s and 5xx.
  const PERIOD = { second: 1, minute: 60, hour: 3600 };
  const lineOf = (s, cls) => Object.values(s.line || {}).reduce((a, m) => a + (m[cls] || 0), 0);

  function drawLine(limits) {
    const total = {};
    samples.forEach((s) => Object.entries(s.line || {}).forEach(([e, m]) => {
      const t = total[e] || (total[e] = { all: 0, peak: 0, '429': 0, '5xx': 0, none: 0 });
      const n = Object.values(m).reduce((a, b) => a + b, 0);
      t.all += n; t.peak = Math.max(t.peak, n);
      ['429', '5xx', 'none'].forEach((c) => { t[c] += m[c] || 0; });
    }));
    $('fig-line').textContent = String(Object.values(total).reduce((a, t) => a + t.all, 0));
    $('fig-line-429').textContent = String(Object.values(total).reduce((a, t) => a + t['429'], 0));
    $('fig-line-5xx').textContent = String(Object.values(total).reduce((a, t) => a + t['5xx'], 0));
    const now = samples.length ? samples[samples.length - 1].at : 0;
    const rows = Object.keys(Object.assign({}, limits, total)).sort().map((e) => {
      const lim = limits[e] || {};
      const t = total[e] || { all: 0, peak: 0, '429': 0, '5xx': 0, none: 0 };
      const seconds = PERIOD[String(lim.limit || '').split('/')[1]] || 1;
      const sent = samples.filter((s) => s.at > now - seconds * 1000)
        .reduce((a, s) => a + Object.values((s.line || {})[e] || {}).reduce((x, y) => x + y, 0), 0);
      const allowed = (lim.perSecond || 0) * seconds;
      const use = allowed > 0 ? (100 * sent / allowed).toFixed(1) + ' % (' + sent + ' of ' + Math.round(allowed) + ')' : '–';
      const tr = row([e, lim.limit || '–', use, t.peak, t.all, t['429'], t['5xx'], t.none]);
      tr.dataset.endpoint = e;
      return tr;
    });
    document.querySelector('#line-limits tbody').replaceChildren(...rows);
  }

  function svgEl(name, attrs) {
    const el = document.createElementNS('http://www.w3.org/2000/svg', name);
    Object.entries(attrs).forEach(([k, v]) => el.setAttribute(k, v));
    return el;
  }

  function chart(id, series) {
    const svg = $(id);
    const W = 600; const H = 140; const top = 12; const bottom = 128;
    const now = Date.now();
    // The last hour, or less while the process is younger: at least five minutes across.
    let first = now;
    series.forEach((s) => { if (s.points.length && s.points[0][0] < first) { first = s.points[0][0]; } });
    const span = Math.min(HOUR, Math.max(5 * 60 * 1000, now - first));
    let max = 1;
    series.forEach((s) => s.points.forEach(([, v]) => { if (v > max) { max = v; } }));
    const kids = [svgEl('line', { x1: 0, y1: bottom, x2: W, y2: bottom, class: 'axis' })];
    const label = svgEl('text', { x: 4, y: 10 });
    label.textContent = 'max ' + (Math.round(max * 10) / 10);
    kids.push(label);
    series.forEach((s) => {
      if (!s.points.length) { return; }
      const pts = s.points.map(([t, v]) => {
        const x = W - ((now - t) / span) * W;
        const y = bottom - (v / max) * (bottom - top);
        return x.toFixed(1) + ',' + y.toFixed(1);
      }).join(' ');
      kids.push(svgEl('polyline', { points: pts, class: s.cls, 'data-series': s.name }));
    });
    svg.replaceChildren(...kids);
  }

  function drawCharts() {
    chart('chart-webhooks', [
      { name: '2xx', cls: 's2xx', points: samples.map((s) => [s.at, ok(s.webhooks)]) },
      { name: 'other', cls: 'sbad', points: samples.map((s) => [s.at, sum(s.webhooks) - ok(s.webhooks)]) }]);
    const acks = samples.filter((s) => s.ackP50 >= 0);
    chart('chart-ack', [
      { name: 'p50', cls: 'sp50', points: acks.map((s) => [s.at, s.ackP50]) },
      { name: 'p99', cls: 'sp99', points: acks.map((s) => [s.at, s.ackP99]) }]);
    chart('chart-events', [
      { name: 'handled', cls: 's2xx', points: samples.map((s) => [s.at, s.processed.handled || 0]) },
      { name: 'dead', cls: 'sbad', points: samples.map((s) => [s.at, s.processed.dead_lettered || 0]) },
      { name: 'backlog', cls: 'sbacklog', points: samples.map((s) => [s.at, s.backlog]) }]);
    chart('chart-line', [
      { name: '2xx', cls: 's2xx', points: samples.map((s) => [s.at, lineOf(s, '2xx')]) },
      { name: '429', cls: 'sp99', points: samples.map((s) => [s.at, lineOf(s, '429')]) },
      { name: '5xx', cls: 'sbad', points: samples.map((s) => [s.at, lineOf(s, '5xx') + lineOf(s, 'none')]) }]);
  }

  function row(cells) {
    const tr = document.createElement('tr');
    cells.forEach((c) => {
      const td = document.createElement('td');
      if (c instanceof Node) { td.appendChild(c); } else { td.textContent = c === null || c === undefined ? '' : String(c); }
      tr.appendChild(td);
    });
    return tr;
  }

  // --- dead letters -----------------------------------------------------------------------------
  function filterQuery() {
    const p = new URLSearchParams();
    if (deadFilter.q) { p.set('q', deadFilter.q); }
    if (deadFilter.conversation) { p.set('conversation', deadFilter.conversation); }
    if (deadFilter.waiting) { p.set('waiting', '1'); }
    return p;
  }

  async function searchDead() {
    deadFilter = { q: $('dead-q').value.trim(), conversation: $('dead-conversation').value.trim(), waiting: $('dead-waiting').checked };
    document.querySelector('#dead-table tbody').replaceChildren();
    $('dead-detail').hidden = true;
    deadNext = null;
    updateSelection();
    try {
      const count = await call('GET', 'dead/count?' + filterQuery());
      $('dead-count').textContent = count.count + ' dead letter' + (count.count === 1 ? '' : 's') + ' match';
      await moreDead();
    } catch (e) { say(e.message); }
  }

  async function moreDead() {
    const p = filterQuery();
    p.set('limit', '50');
    if (deadNext) { p.set('before', String(deadNext)); }
    const page = await call('GET', 'dead?' + p);
    const body = document.querySelector('#dead-table tbody');
    page.items.forEach((d) => {
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.className = 'pick';
      box.value = String(d.id);
      box.disabled = !!d.replayedAt;
      box.addEventListener('click', (ev) => { ev.stopPropagation(); updateSelection(); });
      const tr = row([box, d.id, d.failedAt.replace('T', ' ').replace('Z', ''), d.type, d.conversation, d.attempts, d.reason,
        d.replayedAt ? 'replayed' : 'waiting']);
      tr.className = 'dead-row';
      tr.dataset.id = String(d.id);
      tr.addEventListener('click', () => showDead(d.id));
      body.appendChild(tr);
    });
    deadNext = page.next;
    $('dead-more').hidden = !deadNext;
  }

  async function showDead(id) {
    try {
      const d = await call('GET', 'dead/' + id);
      shownDead = d;
      $('dead-detail-id').textContent = String(d.id) + ' · ' + d.type + ' · ' + d.conversation;
      $('dead-detail-reason').textContent = d.reason;
      $('dead-body').textContent = d.body;
      $('replay-one').disabled = !!d.replayedAt;
      $('dead-detail').hidden = false;
    } catch (e) { say(e.message); }
  }

  function selected() {
    return Array.from(document.querySelectorAll('#dead-table input.pick:checked')).map((b) => Number(b.value));
  }

  function updateSelection() {
    const n = selected().length;
    $('replay-selected').disabled = n === 0;
    $('replay-selected').textContent = n ? 'Replay selected (' + n + ')' : 'Replay selected';
  }

  function confirmDialog(text, ok) {
    return new Promise((resolve) => {
      const d = $('confirm');
      $('confirm-text').textContent = text;
      $('confirm-ok').textContent = ok || 'Replay';
      const done = (answer) => { d.close(); $('confirm-ok').onclick = null; $('confirm-cancel').onclick = null; resolve(answer); };
      $('confirm-ok').onclick = () => done(true);
      $('confirm-cancel').onclick = () => done(false);
      d.showModal();
    });
  }

  async function replay(body, count) {
    if (!await confirmDialog('Replay ' + count + ' dead letter' + (count === 1 ? '' : 's') + '?')) { return; }
    try {
      const r = await call('POST', 'dead/replay', body);
      say('Replayed ' + r.replayed.length + ' of ' + r.matched + (r.notWaiting.length ? '; ' + r.notWaiting.length + ' were not waiting' : '')
        + (r.more ? '; more match: replay again' : ''));
      await searchDead();
    } catch (e) { say(e.message); }
  }

  // --- LINE API log ----------------------------------------------------------------------------
  // The form's times are the browser's local time; the console takes instants.
  const instant = (local) => (local ? new Date(local).toISOString() : '');

  async function searchCalls() {
    const p = new URLSearchParams();
    const put = (k, v) => { if (v) { p.set(k, v); } };
    put('from', instant($('calls-from').value));
    put('to', instant($('calls-to').value));
    put('endpoint', $('calls-endpoint').value.trim());
    put('status', $('calls-status').value.trim());
    put('retryKey', $('calls-retry-key').value.trim());
    put('requestId', $('calls-request-id').value.trim());
    callsQuery = p;
    callsNext = null;
    document.querySelector('#calls-table tbody').replaceChildren();
    $('calls-detail').hidden = true;
    try { await moreCalls(); } catch (e) { say(e.message); }
  }

  async function moreCalls() {
    const p = new URLSearchParams(callsQuery);
    p.set('limit', '50');
    if (callsNext) { p.set('after', callsNext); }
    const page = await call('GET', 'calls?' + p);
    const body = document.querySelector('#calls-table tbody');
    page.items.forEach((c) => {
      const tr = row([c.at.replace('T', ' ').replace('Z', ''), c.method, c.endpoint, c.status || 'no answer', c.latencyMs,
        c.attempt, c.retryKey, c.requestId, c.error]);
      tr.className = 'call-row';
      tr.dataset.id = String(c.id);
      tr.dataset.status = String(c.status);
      tr.addEventListener('click', () => showAttempts(c.id));
      body.appendChild(tr);
    });
    if (!page.items.length && !callsNext) { say('No LINE API call matches.'); } else { say(''); }
    callsNext = page.next;
    $('calls-more').hidden = !callsNext;
  }

  function attemptCard(a) {
    const card = document.createElement('div');
    card.className = 'attempt' + (a.status >= 200 && a.status < 300 ? '' : ' failed');
    card.dataset.id = String(a.id);
    card.dataset.status = String(a.status);
    const h = document.createElement('h4');
    h.textContent = 'Attempt ' + a.attempt + ' · ' + (a.status || 'no answer');
    const dl = document.createElement('dl');
    [['At', a.at.replace('T', ' ').replace('Z', '')], ['Request', a.method + ' ' + a.endpoint], ['Took', a.latencyMs + ' ms'],
      ['Request id', a.requestId], ['Accepted request id', a.acceptedRequestId], ['Retry key', a.retryKey]]
      .forEach(([k, v]) => {
        if (v === null || v === undefined) { return; }
        const dt = document.createElement('dt'); dt.textContent = k;
        const dd = document.createElement('dd'); dd.textContent = String(v);
        dl.append(dt, dd);
      });
    card.append(h, dl);
    if (a.error) { const pre = document.createElement('pre'); pre.className = 'reason'; pre.textContent = a.error; card.append(pre); }
    if (a.requestBody) { const pre = document.createElement('pre'); pre.textContent = a.requestBody; card.append(pre); }
    return card;
  }

  async function showAttempts(id) {
    try {
      const r = await call('GET', 'calls/' + id);
      const first = r.attempts[0];
      $('calls-detail-key').textContent = first.retryKey ? '· retry key ' + first.retryKey
        : (first.requestId ? '· request id ' + first.requestId : '');
      $('attempts').replaceChildren(...r.attempts.map(attemptCard));
      $('calls-detail').hidden = false;
      $('calls-detail').scrollIntoView();
    } catch (e) { say(e.message); }
  }

  // --- switches ---------------------------------------------------------------------------------
  function drawSwitches(s) {
    maintenanceOn = s.maintenance;
    $('maintenance-state').textContent = s.maintenance ? 'on' : 'off';
    $('maintenance-toggle').textContent = s.maintenance ? 'Turn off' : 'Turn on';
    $('muted').replaceChildren(...s.muted.map((key) => {
      const li = document.createElement('li');
      li.dataset.source = key;
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = 'Unmute';
      b.addEventListener('click', () => change('mute', { source: key, muted: false }));
      li.append(key + ' ', b);
      return li;
    }));
    document.querySelector('#audit tbody').replaceChildren(...s.audit.map((e) =>
      row([e.at.replace('T', ' ').replace('Z', ''), e.actor, e.action, e.subject, e.detail])));
  }

  async function refreshSwitches() {
    try { drawSwitches(await call('GET', 'switches')); } catch (e) { say(e.message); }
  }

  async function change(path, body) {
    try { drawSwitches(await call('POST', path, body)); say('Done.'); } catch (e) { say(e.message); }
  }

  // --- campaigns --------------------------------------------------------------------------------
  function drawCampaigns(data) {
    document.querySelector('#campaigns tbody').replaceChildren(...data.campaigns.map((c) => {
      const actions = document.createElement('span');
      c.changes.forEach((change) => {
        const b = document.createElement('button');
        b.type = 'button';
        b.dataset.change = change;
        b.textContent = change.charAt(0).toUpperCase() + change.slice(1);
        b.addEventListener('click', () => changeCampaign(c, change));
        actions.append(b, ' ');
      });
      const tr = row([c.id, c.name, c.mode, c.state, c.sentBatches + ' / ' + c.failedBatches + ' / ' + c.batches,
        c.sentRecipients + ' / ' + c.recipients, (c.startsAt || '').replace('T', ' ').replace('Z', ''), c.detail, actions]);
      tr.dataset.campaign = c.id;
      tr.dataset.state = c.state;
      return tr;
    }));
  }

  async function refreshCampaigns() {
    try { drawCampaigns(await call('GET', 'campaigns')); } catch (e) { say(e.message); }
  }

  async function changeCampaign(c, change) {
    if (change === 'cancel' && !await confirmDialog('Cancel campaign ' + c.id + ' (' + c.name + ')? Its batches not sent yet will never be sent.', 'Cancel campaign')) { return; }
    try { drawCampaigns(await call('POST', 'campaigns/change', { id: c.id, change: change })); say('Done.'); } catch (e) { say(e.message); }
  }

  // --- wiring -----------------------------------------------------------------------------------
  document.addEventListener('DOMContentLoaded', async () => {
    $('signin-form').addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const res = await fetch('api/signin', {
        method: 'POST', credentials: 'same-origin',
        headers: { 'Authorization': 'Bearer ' + $('token').value, 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: $('name').value.trim() })
      });
      $('token').value = '';
      let data = {};
      try { data = await res.json(); } catch (e) { data = {}; }
      if (!res.ok) { $('signin-error').textContent = data.message || ('HTTP ' + res.status); return; }
      showApp(data);
    });
    document.querySelectorAll('.tab').forEach((b) => b.addEventListener('click', () => showPage(b.dataset.page)));
    $('signout').addEventListener('click', async () => { try { await call('POST', 'signout', {}); } catch (e) { /* ended anyway */ } showSignIn('Signed out.'); });
    $('dead-filter').addEventListener('submit', (ev) => { ev.preventDefault(); searchDead(); });
    $('dead-more').addEventListener('click', () => moreDead().catch((e) => say(e.message)));
    $('replay-one').addEventListener('click', () => shownDead && replay({ ids: [shownDead.id] }, 1));
    $('replay-selected').addEventListener('click', () => { const ids = selected(); if (ids.length) { replay({ ids: ids }, ids.length); } });
    $('replay-all').addEventListener('click', async () => {
      try {
        const f = { q: deadFilter.q, conversation: deadFilter.conversation };
        const p = new URLSearchParams(); p.set('waiting', '1');
        if (f.q) { p.set('q', f.q); }
        if (f.conversation) { p.set('conversation', f.conversation); }
        const count = (await call('GET', 'dead/count?' + p)).count;
        if (count === 0) { say('No waiting dead letter matches.'); return; }
        await replay({ filter: f, expected: count }, count);
      } catch (e) { say(e.message); }
    });
    $('calls-filter').addEventListener('submit', (ev) => { ev.preventDefault(); searchCalls(); });
    $('calls-more').addEventListener('click', () => moreCalls().catch((e) => say(e.message)));
    $('mute-form').addEventListener('submit', (ev) => { ev.preventDefault(); change('mute', { source: $('mute-source').value.trim(), muted: true }); });
    $('maintenance-toggle').addEventListener('click', () => change('maintenance', { on: !maintenanceOn }));
    try {
      const res = await fetch('api/session', { credentials: 'same-origin', cache: 'no-store' });
      if (res.ok) { showApp(await res.json()); } else { showSignIn(''); }
    } catch (e) { showSignIn('The console did not answer.'); }
  });
})();
