// The reference page `GET /examples/live` (docs/events.md): static HTML, CSS and plain JavaScript, served
// as they are by `LivePageMiddleware` (no build step; kept here as strings so every build of the service
// carries them). Copy `/examples/live.js` from a running server to start a front end.

export const LIVE_PAGE_HTML = String.raw`<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Dompet: live wallet</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="/examples/live.css">
  <script src="/examples/live.js" defer></script>
</head>
<body>
  <h1>Dompet: live wallet</h1>
  <p class="note">A reference page: sign in, then watch the balance, the transactions and the transfer statuses
    change live (<code>GET /events</code> through <code>EventSource</code> with a stream ticket). Plain HTML and JavaScript,
    no build step: view the source of <code>/examples/live.js</code>.</p>

  <form id="signin">
    <label>Phone number <input id="phone" name="phone" autocomplete="username" inputmode="numeric" required></label>
    <label>PIN <input id="pin" name="pin" type="password" autocomplete="current-password" inputmode="numeric" maxlength="6" required></label>
    <button id="signin-button" type="submit">Sign in</button>
    <span id="signin-error" role="alert"></span>
  </form>

  <section id="wallet" hidden>
    <p><span id="name"></span> · balance <strong id="balance" data-balance="">–</strong>
      · <span id="wallet-status"></span> · stream <span id="stream-state">closed</span>
      <button id="signout" type="button">Sign out</button></p>
    <h2>Transfers</h2>
    <table id="transfers"><thead><tr><th>Transfer</th><th>Direction</th><th>Amount</th><th>Status</th></tr></thead><tbody></tbody></table>
    <h2>Transactions (newest first)</h2>
    <table id="transactions"><thead><tr><th>Date</th><th>Event</th><th>Type</th><th>Amount</th><th>Balance after</th><th>Remarks</th></tr></thead><tbody></tbody></table>
  </section>
</body>
</html>
`;

export const LIVE_PAGE_CSS = String.raw`body { font-family: system-ui, sans-serif; margin: 2rem; max-width: 60rem; color: #1d2327; }
.note { color: #555; }
form label { margin-right: 1rem; }
#signin-error { color: #b00020; margin-left: 1rem; }
table { border-collapse: collapse; width: 100%; margin-bottom: 1.5rem; }
th, td { text-align: left; padding: 0.3rem 0.6rem; border-bottom: 1px solid #ddd; }
td.amount, th.amount { text-align: right; font-variant-numeric: tabular-nums; }
tr.fresh { background: #fff6d5; }
.SUCCESS { color: #1b7f3b; } .FAILED { color: #b00020; } .PENDING { color: #946200; }
`;

export const LIVE_PAGE_JS = String.raw`// Dompet live wallet: a reference for front-end teams (plain JavaScript, no build step, no framework).
// 1. POST /login with phone and PIN; keep the tokens in memory only (never in a URL or in storage).
// 2. GET /profile for the name and balance.
// 3. POST /events/ticket (Bearer) for a single-use, 30-second ticket, then new EventSource('/events?ticket=…&after=<last id>'):
//    EventSource cannot send an Authorization header. A ticket works once, so on any error the page closes the
//    source and opens a new one with a fresh ticket and the last event id it saw (nothing missed, nothing twice).
// 4. Every event: ledger events carry the entry (balance_after is the balance after it); transfer.* update the
//    transfer's status; wallet.frozen / wallet.unfrozen the wallet status. De-duplicate by event_id.
'use strict';

(function () {
  var EVENT_TYPES = ['topup.succeeded', 'payment.succeeded', 'transfer.pending', 'transfer.succeeded', 'transfer.failed', 'transfer.received', 'hold.created', 'hold.released', 'wallet.frozen', 'wallet.unfrozen'];
  var MAX_ROWS = 50;
  var session = null; // { access, refresh }
  var source = null;
  var lastEventId = '0';
  var seen = new Set();
  var reconnectTimer = null;

  function $(id) { return document.getElementById(id); }
  function rupiah(n) { return 'Rp ' + Number(n).toLocaleString('id-ID'); }
  function cell(row, text, cls) {
    var td = document.createElement('td');
    td.textContent = text;
    if (cls) td.className = cls;
    row.appendChild(td);
    return td;
  }

  async function api(method, path, body) {
    var headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (session) headers.Authorization = 'Bearer ' + session.access;
    var res = await fetch(path, { method: method, headers: headers, body: body === undefined ? undefined : JSON.stringify(body) });
    if (res.status === 401 && session && path !== '/refresh-token' && (await refresh())) return api(method, path, body);
    var json = await res.json().catch(function () { return {}; });
    if (!res.ok) throw Object.assign(new Error(json.message || res.statusText), { status: res.status });
    return json.result;
  }

  /** A fresh token pair from the refresh token (rotated on every use); false when the session is over. */
  async function refresh() {
    var current = session;
    session = null;
    try {
      var pair = await api('POST', '/refresh-token', { refresh_token: current.refresh });
      session = { access: pair.access_token, refresh: pair.refresh_token };
      return true;
    } catch (err) {
      signOut('Your session ended, please sign in again.');
      return false;
    }
  }

  async function signIn(event) {
    event.preventDefault();
    $('signin-error').textContent = '';
    try {
      var pair = await api('POST', '/login', { phone_number: $('phone').value.trim(), pin: $('pin').value });
      session = { access: pair.access_token, refresh: pair.refresh_token };
      $('pin').value = '';
      var profile = await api('GET', '/profile');
      $('name').textContent = profile.first_name + ' ' + profile.last_name;
      showBalance(profile.balance);
      showWalletStatus(profile.wallet_frozen);
      $('signin').hidden = true;
      $('wallet').hidden = false;
      connect();
    } catch (err) {
      $('signin-error').textContent = err.message;
    }
  }

  function signOut(message) {
    if (source) source.close();
    source = null;
    clearTimeout(reconnectTimer);
    if (session) api('POST', '/logout').catch(function () {});
    session = null;
    lastEventId = '0';
    seen = new Set();
    $('transactions').tBodies[0].replaceChildren();
    $('transfers').tBodies[0].replaceChildren();
    $('wallet').hidden = true;
    $('signin').hidden = false;
    $('stream-state').textContent = 'closed';
    $('signin-error').textContent = message || '';
  }

  async function connect() {
    if (!session) return;
    try {
      var ticket = await api('POST', '/events/ticket');
      if (!session) return;
      source = new EventSource('/events?ticket=' + encodeURIComponent(ticket.ticket) + '&after=' + encodeURIComponent(lastEventId));
      source.onopen = function () { $('stream-state').textContent = 'live'; };
      source.onerror = function () {
        // The stream ended (token expiry, revocation, restart) or broke: a ticket works once, so the
        // browser's own retry would be refused. Reconnect with a fresh ticket after the last id seen.
        if (source) source.close();
        source = null;
        $('stream-state').textContent = 'reconnecting';
        reconnectTimer = setTimeout(connect, 1000);
      };
      EVENT_TYPES.forEach(function (type) { source.addEventListener(type, onEvent); });
    } catch (err) {
      $('stream-state').textContent = 'reconnecting';
      if (session) reconnectTimer = setTimeout(connect, 2000);
    }
  }

  function onEvent(message) {
    var event = JSON.parse(message.data);
    lastEventId = message.lastEventId || event.id;
    if (seen.has(event.event_id)) return;
    seen.add(event.event_id);
    var data = event.data;
    if (event.type === 'wallet.frozen' || event.type === 'wallet.unfrozen') {
      showWalletStatus(data.wallet_frozen);
      return;
    }
    if (event.type.indexOf('transfer.') === 0) showTransfer(event.type, data);
    // transfer.succeeded repeats the sender's debit (now SUCCESS): a status change, not a new entry.
    if (event.type === 'transfer.succeeded') return;
    showBalance(data.balance_after);
    addTransaction(event);
  }

  function showBalance(balance) {
    $('balance').textContent = rupiah(balance);
    $('balance').dataset.balance = String(balance);
  }

  function showWalletStatus(frozen) {
    $('wallet-status').textContent = frozen ? 'wallet frozen' : 'wallet active';
  }

  function addTransaction(event) {
    var data = event.data;
    var row = document.createElement('tr');
    row.className = 'fresh';
    row.dataset.eventId = event.event_id;
    cell(row, event.created_date);
    cell(row, event.type);
    cell(row, data.transaction_type);
    cell(row, rupiah(data.amount), 'amount');
    cell(row, rupiah(data.balance_after), 'amount');
    cell(row, data.remarks || '');
    var body = $('transactions').tBodies[0];
    body.insertBefore(row, body.firstChild);
    while (body.rows.length > MAX_ROWS) body.deleteRow(body.rows.length - 1);
    setTimeout(function () { row.className = ''; }, 3000);
  }

  function showTransfer(type, data) {
    var status = { 'transfer.pending': 'PENDING', 'transfer.succeeded': 'SUCCESS', 'transfer.failed': 'FAILED', 'transfer.received': 'SUCCESS' }[type];
    var body = $('transfers').tBodies[0];
    var row = body.querySelector('tr[data-transfer-id="' + CSS.escape(data.transfer_id) + '"]');
    if (!row) {
      row = document.createElement('tr');
      row.dataset.transferId = data.transfer_id;
      cell(row, data.transfer_id);
      cell(row, type === 'transfer.received' ? 'from ' + data.counterparty_user_id : 'to ' + data.counterparty_user_id);
      cell(row, rupiah(data.amount), 'amount');
      cell(row, '');
      body.insertBefore(row, body.firstChild);
    }
    var statusCell = row.cells[3];
    statusCell.textContent = status;
    statusCell.className = status;
  }

  document.addEventListener('DOMContentLoaded', function () {
    $('signin').addEventListener('submit', signIn);
    $('signout').addEventListener('click', function () { signOut(); });
  });
})();
`;
