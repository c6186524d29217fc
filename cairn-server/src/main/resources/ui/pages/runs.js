// An experiment's runs: server-side paging (page tokens), sorting (a column, metrics included) and
// MLflow's filter grammar. The table's state (filter, order, page) lives in the URL's hash.
import * as api from '../api.js';
import { h, errorBox, empty, fmtTime, fmtDuration, fmtValue, statusBadge } from '../dom.js';
import { link, go } from '../router.js';

const PAGE_SIZE = 50;
const MAX_KEY_COLUMNS = 4;

export async function render(root, params, query) {
  const id = params.experimentId;
  const state = {
    filter: query.get('filter') || '',
    order: query.get('order') || 'attributes.start_time DESC',
    page: query.get('page') || '',
    back: query.get('back') || '', // the pages before this one: '.'+token each ('.' the first), '~'-separated
    metrics: query.get('metrics') || '', // chosen columns, ','-separated; none: picked from the page
    params: query.get('params') || '',
    size: query.get('size') || '',
  };
  const pageSize = Math.min(1000, Math.max(1, Number(state.size) || PAGE_SIZE));
  const here = (change) => link('/experiments/' + id, { ...state, ...change });

  let experiment;
  try {
    experiment = (await api.getExperiment(id)).experiment;
  } catch (e) {
    root.append(h('h1', 'Experiment ' + id), errorBox(e, 'Could not open the experiment'));
    return;
  }
  root.append(h('nav.crumbs', { 'aria-label': 'Breadcrumb' }, h('a', { href: '#/experiments' }, 'Experiments'), ' / '),
    h('div.title-row', h('h1', experiment.name),
      experiment.lifecycle_stage === 'deleted' ? h('span.badge.status-failed', 'deleted') : null,
      h('span.muted', 'ID ' + id)));

  const box = h('input.filter', { type: 'search', name: 'filter', value: state.filter, 'aria-label': 'Filter runs',
    placeholder: "Filter, e.g. metrics.accuracy > 0.9 and params.model = 'cnn'", spellcheck: 'false' });
  root.append(h('form.toolbar.filter-bar', { role: 'search', on: { submit: (e) => {
    e.preventDefault();
    go('/experiments/' + id, { filter: box.value.trim(), order: state.order, metrics: state.metrics, params: state.params });
  } } }, box, h('button.primary', { type: 'submit' }, 'Apply'),
  state.filter ? h('a.button', { href: link('/experiments/' + id, { order: state.order, metrics: state.metrics, params: state.params }) }, 'Clear') : null));

  let answer;
  try {
    answer = await api.searchRuns({
      experiment_ids: [id], filter: state.filter || undefined, order_by: [state.order],
      max_results: pageSize, page_token: state.page || undefined,
    });
  } catch (e) {
    root.append(errorBox(e, state.filter ? 'The filter was refused' : 'Could not list runs'));
    return;
  }
  const runs = answer.runs || [];
  if (!runs.length) {
    root.append(empty(state.filter ? 'No run matches this filter.' : 'No runs in this experiment yet.',
      state.filter ? null : h('p.muted', 'Log one with ', h('code', `mlflow.set_tracking_uri("${location.origin}")`),
        ' and ', h('code', `mlflow.set_experiment("${experiment.name}")`), '.')));
    return;
  }
  const sortKey = parseOrder(state.order);
  const metricKeys = chosenKeys(state.metrics) || pickKeys(runs, 'metrics', sortKey);
  const paramKeys = chosenKeys(state.params) || pickKeys(runs, 'params', sortKey);
  const columns = [
    { label: 'Run', order: 'attributes.run_name', cell: (r) => h('a', { href: link(`/experiments/${id}/runs/${r.info.run_id}`) }, r.info.run_name || r.info.run_id) },
    { label: 'Status', order: 'attributes.status', cell: (r) => statusBadge(r.info.status) },
    { label: 'Started', order: 'attributes.start_time', cls: 'nowrap', cell: (r) => fmtTime(r.info.start_time) },
    { label: 'Duration', cls: 'nowrap', cell: (r) => fmtDuration(r.info.start_time, r.info.end_time) },
    ...metricKeys.map((k) => ({ label: k, group: 'metric', order: 'metrics.`' + k + '`', cls: 'num', cell: (r) => fmtValue(valueOf(r, 'metrics', k)) })),
    ...paramKeys.map((k) => ({ label: k, group: 'param', order: 'params.`' + k + '`', cell: (r) => valueOf(r, 'params', k) ?? '' })),
  ];
  const head = columns.map((c) => {
    if (!c.order) return h('th', c.label);
    const active = sortKey && sortKey.field === c.order;
    const next = active && !sortKey.desc ? c.order + ' DESC' : c.order + (active ? ' ASC' : ' DESC');
    return h('th' + (c.cls === 'num' ? '.num' : ''), { 'aria-sort': active ? (sortKey.desc ? 'descending' : 'ascending') : null, 'data-column': c.label },
      c.group ? h('span.group', c.group) : null,
      h('a.sort', { href: here({ order: next, page: '', back: '' }), title: 'Sort by ' + c.label }, c.label, active ? (sortKey.desc ? ' ▼' : ' ▲') : ''));
  });
  const body = runs.map((r) => h('tr', { 'data-run-id': r.info.run_id }, columns.map((c) => h('td' + (c.cls ? '.' + c.cls : ''), c.cell(r)))));
  root.append(columnPicker(runs, metricKeys, paramKeys, (change) => go('/experiments/' + id, { ...state, ...change })));
  root.append(h('div.table-wrap', h('table.grid.runs', h('thead', h('tr', head)), h('tbody', body))));
  root.append(h('div.pager', h('span.muted', `${runs.length} run${runs.length === 1 ? '' : 's'} on this page`),
    state.page ? h('a.button', { href: here(previous(state.back)) }, '← Previous page') : null,
    answer.next_page_token ? h('a.button', { href: here({ page: answer.next_page_token, back: join([...split(state.back), state.page]) }) }, 'Next page →') : null));
}

function split(back) {
  return back ? back.split('~').map((t) => t.slice(1)) : [];
}

function join(trail) {
  return trail.map((t) => '.' + t).join('~');
}

/** The page before this one: the last token of the trail ('' is the first page). */
function previous(back) {
  const trail = split(back);
  const page = trail.pop() || '';
  return { page, back: join(trail) };
}

/** The columns the URL names; '-' is none. */
function chosenKeys(list) {
  if (list === '-') return [];
  const keys = list.split(',').map((k) => k.trim()).filter(Boolean);
  return keys.length ? keys : null;
}

/** Checkboxes for the metric and param columns among the keys this page's runs have. */
function columnPicker(runs, metricKeys, paramKeys, apply) {
  const all = (kind) => [...new Set(runs.flatMap((r) => (r.data?.[kind] || []).map((x) => x.key)))].sort();
  const group = (kind, label, shown) => {
    const keys = [...new Set([...all(kind), ...shown])].sort();
    return h('fieldset', h('legend', label), keys.length ? keys.map((k) => h('label.check',
      h('input', { type: 'checkbox', name: kind, value: k, checked: shown.includes(k) }), ' ' + k)) : h('span.muted', 'none'));
  };
  const form = h('form.columns', { on: { change: () => {
    const picked = (kind) => [...form.querySelectorAll(`input[name=${kind}]:checked`)].map((i) => i.value).join(',');
    apply({ metrics: picked('metrics') || '-', params: picked('params') || '-', page: '', back: '' });
  } } }, group('metrics', 'Metrics', metricKeys), group('params', 'Parameters', paramKeys));
  return h('details.column-picker', h('summary', 'Columns'), form);
}

function parseOrder(order) {
  const m = /^(.*?)(?:\s+(ASC|DESC))?$/i.exec(order.trim());
  return m ? { field: m[1], desc: (m[2] || 'ASC').toUpperCase() === 'DESC' } : null;
}

function valueOf(run, kind, key) {
  const found = (run.data?.[kind] || []).find((x) => x.key === key);
  return found ? found.value : undefined;
}

/** The keys the page's runs have most often, the sorted column's key always among them. */
function pickKeys(runs, kind, sortKey) {
  const counts = new Map();
  for (const r of runs) for (const x of r.data?.[kind] || []) counts.set(x.key, (counts.get(x.key) || 0) + 1);
  const keys = [...counts.keys()].sort((a, b) => counts.get(b) - counts.get(a) || a.localeCompare(b)).slice(0, MAX_KEY_COLUMNS);
  const prefix = kind + '.`';
  if (sortKey && sortKey.field.startsWith(prefix)) {
    const k = sortKey.field.slice(prefix.length, -1);
    if (!keys.includes(k)) keys.push(k);
  }
  return keys.sort();
}
