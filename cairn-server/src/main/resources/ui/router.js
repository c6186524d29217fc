// Hash routes (#/experiments/1/runs/<id>): the links MLflow's clients print open the right page,
// and a page's state (filter, sort, page) lives in the hash's query so it can be shared and reloaded.
const routes = [];

export function route(pattern, page) {
  const names = [];
  const regex = new RegExp('^' + pattern.replace(/:(\w+)/g, (_, n) => { names.push(n); return '([^/]+)'; }) + '/?$');
  routes.push({ regex, names, page });
}

export function current() {
  const raw = location.hash.replace(/^#/, '') || '/';
  const at = raw.indexOf('?');
  const path = at < 0 ? raw : raw.slice(0, at);
  const query = new URLSearchParams(at < 0 ? '' : raw.slice(at + 1));
  return { path, query };
}

export function match(path) {
  for (const r of routes) {
    const m = r.regex.exec(path);
    if (m) {
      const params = {};
      r.names.forEach((n, i) => { params[n] = decodeURIComponent(m[i + 1]); });
      return { page: r.page, params };
    }
  }
  return null;
}

export function link(path, query) {
  const q = query ? new URLSearchParams(Object.entries(query).filter(([, v]) => v !== '' && v !== undefined && v !== null)).toString() : '';
  return '#' + path + (q ? '?' + q : '');
}

export function go(path, query) {
  location.hash = link(path, query);
}

/** Draws the current page again, e.g. after a change the page made. */
export function reload() {
  window.dispatchEvent(new HashChangeEvent('hashchange'));
}
