// Placeholder page: everything collected is rendered with textContent, never as markup.
// Signed in with the session cookie (httpOnly); changes carry the CSRF token from the sign-in answer.
let csrfToken = null;

const api = (path, options = {}) =>
  fetch(`/api/v1${path}`, {
    ...options,
    headers: { ...(options.body && { 'content-type': 'application/json' }), ...(csrfToken && { 'x-csrf-token': csrfToken }) },
  }).then(async (r) => {
    const body = r.status === 204 ? null : await r.json();
    if (!r.ok) {
      const error = new Error(body?.error?.message ?? `HTTP ${r.status}`);
      error.status = r.status;
      throw error;
    }
    return body;
  });

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

const fmt = new Intl.NumberFormat('en');
const utc = (iso) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;

async function loadSides() {
  const list = document.getElementById('sides');
  const { buckets, total } = await api('/analytics/terms?field=side&size=20');
  list.replaceChildren();
  if (total === 0) return list.append(el('li', 'No items yet. Post some to /api/v1/items.', 'empty'));
  const max = Math.max(...buckets.map((b) => b.count));
  for (const b of buckets) {
    const li = el('li');
    const bar = el('div', undefined, 'bar');
    bar.style.width = `${(100 * b.count) / max}%`;
    li.append(el('span', b.key), bar, el('span', fmt.format(b.count)));
    list.append(li);
  }
}

async function loadSources() {
  const list = document.getElementById('sources');
  const [{ buckets }, { sources }] = await Promise.all([api('/analytics/terms?field=source&size=10'), api('/sources')]);
  const names = new Map(sources.map((s) => [s.id, s]));
  document.getElementById('demo-banner').hidden = !sources.some((s) => s.demo);
  list.replaceChildren();
  if (buckets.length === 0) return list.append(el('li', 'No sources have items yet.', 'empty'));
  for (const b of buckets) {
    const s = names.get(b.key);
    list.append(el('li', `${s ? `${s.name} (${s.side})` : b.key}: ${fmt.format(b.count)} items`));
  }
}

async function search(q) {
  const status = document.getElementById('search-status');
  const hits = document.getElementById('hits');
  status.textContent = 'Searching…';
  try {
    const params = new URLSearchParams({ limit: '20', sort: q ? 'relevance' : 'time' });
    if (q) params.set('q', q);
    const page = await api(`/search?${params}`);
    status.textContent = page.total === 0 ? 'Nothing matches.' : `${fmt.format(page.total)} items match; showing ${page.hits.length}.`;
    hits.replaceChildren();
    for (const hit of page.hits) {
      const li = el('li');
      const it = hit.item;
      li.append(el('strong', it.title || '(untitled)'));
      li.append(el('div', `${utc(it.publishedAt)} · ${it.side} · ${it.platform} · ${it.lang} · ${fmt.format(it.engagement.views)} views${it.demo ? ' · demo data' : ''}`, 'meta'));
      for (const snippet of hit.snippets.filter((s) => s.field === 'text')) {
        const p = el('p');
        for (const seg of snippet.segments) p.append(seg.match ? el('mark', seg.text) : document.createTextNode(seg.text));
        li.append(p);
      }
      hits.append(li);
    }
  } catch (error) {
    status.textContent = `Search failed: ${error.message}`;
  }
}

document.getElementById('search-form').addEventListener('submit', (event) => {
  event.preventDefault();
  void search(document.getElementById('q').value.trim());
});

function showLogin(message) {
  document.getElementById('app').hidden = true;
  document.getElementById('whoami').hidden = true;
  document.getElementById('login').hidden = false;
  document.getElementById('login-status').textContent = message ?? '';
}

function load(principal) {
  document.getElementById('login').hidden = true;
  document.getElementById('app').hidden = false;
  document.getElementById('whoami').hidden = false;
  document.getElementById('whoami-text').textContent = `Signed in as ${principal.name} (${principal.role}).`;
  Promise.all([loadSides(), loadSources(), search('')]).catch((error) => {
    if (error.status === 401) return showLogin('Your session ended; sign in again.');
    document.getElementById('search-status').textContent = `Could not load: ${error.message}`;
  });
}

document.getElementById('login-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const username = document.getElementById('username').value.trim();
  const password = document.getElementById('password').value;
  try {
    const answer = await api('/auth/login', { method: 'POST', body: JSON.stringify({ username, password }) });
    csrfToken = answer.csrfToken;
    document.getElementById('password').value = '';
    load({ name: answer.user.username, role: answer.user.role });
  } catch (error) {
    document.getElementById('login-status').textContent = error.message;
  }
});

document.getElementById('logout').addEventListener('click', async () => {
  await api('/auth/logout', { method: 'POST' }).catch(() => undefined);
  csrfToken = null;
  showLogin('Signed out.');
});

api('/auth/me')
  .then((me) => {
    csrfToken = me.csrfToken;
    load(me.principal);
  })
  .catch((error) => showLogin(error.status === 401 ? '' : `Could not load: ${error.message}`));
