// Experiments: search by name, create, rename, delete and restore; the tracking URI to copy.
import * as api from '../api.js';
import { h, errorBox, empty, fmtTime } from '../dom.js';
import { link, go, reload } from '../router.js';

export async function render(root, params, query) {
  const q = query.get('q') || '';
  const deleted = query.get('view') === 'deleted';
  const token = query.get('page') || undefined;
  root.append(h('div.title-row', h('h1', 'Experiments'), trackingUri()));

  const search = h('input', { type: 'search', name: 'q', value: q, placeholder: 'Search by name', 'aria-label': 'Search experiments by name' });
  const toggle = h('input', { type: 'checkbox', name: 'deleted', checked: deleted });
  const bar = h('form.toolbar', { role: 'search', on: { submit: (e) => {
    e.preventDefault();
    go('/experiments', { q: search.value.trim(), view: toggle.checked ? 'deleted' : '' });
  } } }, search, h('button', { type: 'submit' }, 'Search'),
  h('label.check', toggle, ' Deleted only'));
  toggle.addEventListener('change', () => bar.requestSubmit());
  root.append(h('div.toolbar-row', bar, createForm()));

  let answer;
  try {
    answer = await api.searchExperiments({
      max_results: 100,
      page_token: token,
      view_type: deleted ? 'DELETED_ONLY' : 'ACTIVE_ONLY',
      filter: q ? `name ILIKE '%${q.replace(/'/g, "\\'")}%'` : undefined,
      order_by: ['last_update_time DESC'],
    });
  } catch (e) {
    root.append(errorBox(e, 'Could not list experiments'));
    return;
  }
  const list = answer.experiments || [];
  if (!list.length) {
    root.append(empty(q ? `No ${deleted ? 'deleted ' : ''}experiment matches “${q}”.`
      : deleted ? 'No deleted experiments.' : 'No experiments yet. Create one above, or log a run with the MLflow client.'));
    return;
  }
  const rows = list.map((x) => row(x, deleted));
  root.append(h('div.table-wrap', h('table.grid', h('thead', h('tr',
    h('th', 'Name'), h('th.num', 'ID'), h('th.wide-only', 'Created'), h('th', 'Last update'), h('th.wide-only', 'Artifact location'), h('th', ''))),
  h('tbody', rows))));
  if (answer.next_page_token) {
    root.append(h('div.pager', h('a.button', { href: link('/experiments', { q, view: deleted ? 'deleted' : '', page: answer.next_page_token }) }, 'Next page →')));
  }
}

function trackingUri() {
  const uri = location.origin;
  const input = h('input.uri', { readonly: true, value: uri, 'aria-label': 'Tracking URI', size: uri.length + 2 });
  const note = h('span.muted.copied', { 'aria-live': 'polite' });
  const copy = h('button', { type: 'button', on: { click: async () => {
    input.select();
    try {
      await navigator.clipboard.writeText(uri);
      note.textContent = 'Copied';
    } catch (e) {
      note.textContent = 'Press Ctrl+C to copy';
    }
  } } }, 'Copy');
  return h('div.tracking', h('span.muted', 'Tracking URI'), input, copy, note);
}

function createForm() {
  const name = h('input', { name: 'name', placeholder: 'New experiment name', required: true, 'aria-label': 'New experiment name' });
  const out = h('span.form-error', { role: 'alert' });
  return h('form.toolbar', { on: { submit: async (e) => {
    e.preventDefault();
    out.textContent = '';
    try {
      const made = await api.createExperiment(name.value.trim());
      go('/experiments/' + made.experiment_id);
    } catch (err) {
      out.textContent = err.message;
    }
  } } }, name, h('button.primary', { type: 'submit' }, 'Create'), out);
}

function row(x, deleted) {
  const nameCell = h('td.name', h('a', { href: link('/experiments/' + x.experiment_id) }, x.name));
  const out = h('span.form-error', { role: 'alert' });
  const act = async (fn) => {
    try {
      await fn();
      reload();
    } catch (err) {
      out.textContent = err.message;
    }
  };
  const rename = h('button.small', { type: 'button', on: { click: () => {
    const input = h('input', { value: x.name, 'aria-label': 'New name', name: 'rename' });
    nameCell.replaceChildren(h('form.inline', { on: { submit: (e) => { e.preventDefault(); act(() => api.renameExperiment(x.experiment_id, input.value.trim())); } } },
      input, h('button.small.primary', { type: 'submit' }, 'Save'),
      h('button.small', { type: 'button', on: { click: reload } }, 'Cancel')));
    input.focus();
  } } }, 'Rename');
  const remove = deleted
    ? h('button.small', { type: 'button', on: { click: () => act(() => api.restoreExperiment(x.experiment_id)) } }, 'Restore')
    : h('button.small.danger', { type: 'button', on: { click: () => act(() => api.deleteExperiment(x.experiment_id)) } }, 'Delete');
  return h('tr', { 'data-experiment-id': x.experiment_id }, nameCell, h('td.num', x.experiment_id),
    h('td.nowrap.wide-only', fmtTime(x.creation_time)), h('td.nowrap', fmtTime(x.last_update_time)),
    h('td.mono.clip.wide-only', { title: x.artifact_location }, x.artifact_location),
    h('td.actions', deleted ? null : rename, remove, out));
}
