// The shell: the menu and the content area. A new page is a module in pages/ plus a route and,
// when it is a top-level section, a menu entry below.
import { route, current, match } from './router.js';
import { h, errorBox } from './dom.js';
import * as experiments from './pages/experiments.js';
import * as runs from './pages/runs.js';
import * as run from './pages/run.js';

const MENU = [
  { label: 'Experiments', href: '#/experiments', active: (p) => p === '/' || p.startsWith('/experiments') },
];

route('/', experiments);
route('/experiments', experiments);
route('/experiments/:experimentId', runs);
route('/experiments/:experimentId/runs/:runId', run);

let generation = 0;

async function render() {
  const { path, query } = current();
  const menu = document.getElementById('menu');
  menu.replaceChildren(...MENU.map((m) =>
    h('a' + (m.active(path) ? '.active' : ''), { href: m.href, 'aria-current': m.active(path) ? 'page' : null }, m.label)));
  const content = document.getElementById('content');
  const found = match(path);
  const mine = ++generation;
  if (!found) {
    content.replaceChildren(h('h1', 'Not found'), h('p', 'No page at ', h('code', path), '. ', h('a', { href: '#/' }, 'Experiments')));
    return;
  }
  const target = h('div.page');
  try {
    await found.page.render(target, found.params, query, () => mine !== generation);
  } catch (e) {
    target.append(errorBox(e));
  }
  if (mine === generation) {
    content.replaceChildren(target);
    document.title = (target.querySelector('h1')?.textContent || 'Cairn') + ' · Cairn';
  }
}

window.addEventListener('hashchange', render);
render();
