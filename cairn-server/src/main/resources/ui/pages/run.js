// One run: overview, tags, params, metrics (latest values), a metric's chart and its artifacts.
import * as api from '../api.js';
import { h, errorBox, empty, fmtTime, fmtDuration, fmtValue, statusBadge } from '../dom.js';
import { link, reload } from '../router.js';
import { metricChart } from '../chart.js';

export async function render(root, params, query) {
  const { experimentId, runId } = params;
  let run;
  try {
    run = (await api.getRun(runId)).run;
  } catch (e) {
    root.append(h('nav.crumbs', h('a', { href: '#/experiments' }, 'Experiments'), ' / ',
      h('a', { href: link('/experiments/' + experimentId) }, 'Experiment ' + experimentId)),
    h('h1', 'Run ' + runId), errorBox(e, 'Could not open the run'));
    return;
  }
  const info = run.info;
  const data = run.data || {};
  const tags = (data.tags || []).filter((t) => !t.key.startsWith('mlflow.') || t.key === 'mlflow.note.content');
  const systemTags = Object.fromEntries((data.tags || []).map((t) => [t.key, t.value]));
  let experimentName = 'Experiment ' + info.experiment_id;
  try {
    experimentName = (await api.getExperiment(info.experiment_id)).experiment.name;
  } catch (e) { /* the crumb keeps the id */ }

  root.append(h('nav.crumbs', { 'aria-label': 'Breadcrumb' }, h('a', { href: '#/experiments' }, 'Experiments'), ' / ',
    h('a', { href: link('/experiments/' + info.experiment_id) }, experimentName), ' /'),
  h('div.title-row', h('h1', info.run_name || info.run_id), statusBadge(info.status),
    info.lifecycle_stage === 'deleted' ? h('span.badge.status-failed', 'deleted') : null, manage(info)));

  const overview = [
    ['Run ID', h('code', info.run_id)],
    ['Status', info.status],
    ['Started', fmtTime(info.start_time)],
    ['Ended', fmtTime(info.end_time)],
    ['Duration', fmtDuration(info.start_time, info.end_time)],
    ['User', info.user_id || systemTags['mlflow.user'] || '—'],
    ['Source', systemTags['mlflow.source.name'] || '—'],
    ['Lifecycle', info.lifecycle_stage],
    ['Artifact URI', h('code', info.artifact_uri || '—')],
  ];
  if (systemTags['mlflow.parentRunId']) {
    overview.push(['Parent run', h('a', { href: link(`/experiments/${info.experiment_id}/runs/${systemTags['mlflow.parentRunId']}`) }, systemTags['mlflow.parentRunId'])]);
  }
  root.append(h('section.card', h('h2', 'Overview'), h('dl.facts', overview.map(([k, v]) => [h('dt', k), h('dd', v)]))));

  const metrics = data.metrics || [];
  const grid = h('div.cards');
  grid.append(keyValues('Metrics', metrics.map((m) => [m.key, fmtValue(m.value), m.step !== undefined ? 'step ' + m.step : '']), 'No metrics logged.', 'metrics'));
  grid.append(keyValues('Parameters', (data.params || []).map((p) => [p.key, p.value]), 'No parameters logged.', 'params'));
  grid.append(keyValues('Tags', tags.map((t) => [t.key, t.value]), 'No tags.', 'tags'));
  root.append(grid);

  if (metrics.length) {
    const keys = metrics.map((m) => m.key).sort();
    // Unless the URL names one, the metric with the longest history (its latest step is highest).
    const longest = [...metrics].sort((a, b) => Number(b.step || 0) - Number(a.step || 0) || a.key.localeCompare(b.key))[0].key;
    const chosen = keys.includes(query.get('metric')) ? query.get('metric') : longest;
    const select = h('select', { name: 'metric', 'aria-label': 'Metric to chart' }, keys.map((k) => h('option', { value: k, selected: k === chosen }, k)));
    const area = h('div.chart');
    const section = h('section.card.chart-card', h('div.title-row', h('h2', 'Chart'), select), area);
    root.append(section);
    const draw = async () => {
      area.replaceChildren(h('p.muted', 'Loading…'));
      try {
        const answer = await api.metricHistory(info.run_id, select.value);
        area.replaceChildren();
        metricChart(area, select.value, answer.metrics || []);
      } catch (e) {
        area.replaceChildren(errorBox(e, 'Could not load the history of ' + select.value));
      }
    };
    select.addEventListener('change', () => {
      history.replaceState(null, '', link(`/experiments/${experimentId}/runs/${runId}`, { metric: select.value }));
      draw();
    });
    // Drawn once the page is in the document, so the chart can measure its width.
    requestAnimationFrame(() => requestAnimationFrame(draw));
  }
  root.append(await artifacts(info.run_id));
}

/** Rename, delete and restore: the run's own actions, next to its name. */
function manage(info) {
  const out = h('span.form-error', { role: 'alert' });
  const act = async (fn) => {
    try {
      await fn();
      reload();
    } catch (err) {
      out.textContent = err.message;
    }
  };
  const bar = h('div.toolbar.run-actions');
  const rename = h('button.small', { type: 'button', on: { click: () => {
    const input = h('input', { name: 'run_name', value: info.run_name || '', 'aria-label': 'New run name' });
    bar.replaceChildren(h('form.inline', { on: { submit: (e) => { e.preventDefault(); act(() => api.renameRun(info.run_id, input.value.trim())); } } },
      input, h('button.small.primary', { type: 'submit' }, 'Save'), h('button.small', { type: 'button', on: { click: reload } }, 'Cancel')), out);
    input.focus();
  } } }, 'Rename');
  const lifecycle = info.lifecycle_stage === 'deleted'
    ? h('button.small', { type: 'button', on: { click: () => act(() => api.restoreRun(info.run_id)) } }, 'Restore')
    : h('button.small.danger', { type: 'button', on: { click: () => act(() => api.deleteRun(info.run_id)) } }, 'Delete');
  bar.append(rename, lifecycle, out);
  return bar;
}

function keyValues(title, rows, none, id) {
  const body = rows.length
    ? h('table.kv', h('tbody', rows.map(([k, v, extra]) => h('tr', { 'data-key': k }, h('th', k), h('td.mono', v, extra ? h('span.muted', ' · ' + extra) : null)))))
    : h('p.muted', none);
  return h('section.card', { id }, h('h2', title, rows.length ? h('span.count', String(rows.length)) : null), body);
}

async function artifacts(runId) {
  const section = h('section.card', { id: 'artifacts' }, h('h2', 'Artifacts'));
  const list = h('ul.tree');
  section.append(list);
  const open = async (path, into) => {
    try {
      const answer = await api.listArtifacts(runId, path);
      const files = answer.files || [];
      if (!files.length && !path) {
        into.replaceWith(h('p.muted', 'No artifacts logged.'));
        return;
      }
      into.replaceChildren(...files.map((f) => {
        const name = f.path.split('/').pop();
        if (!f.is_dir) {
          return h('li.file', h('a', { href: `/get-artifact?path=${encodeURIComponent(f.path)}&run_uuid=${encodeURIComponent(runId)}`, target: '_blank', rel: 'noopener' }, name),
            f.file_size !== undefined ? h('span.muted', ' ' + size(Number(f.file_size))) : null);
        }
        const sub = h('ul.tree');
        const toggle = h('button.link', { type: 'button', 'aria-expanded': 'false', on: { click: async () => {
          const expanded = toggle.getAttribute('aria-expanded') === 'true';
          toggle.setAttribute('aria-expanded', String(!expanded));
          toggle.textContent = (expanded ? '▸ ' : '▾ ') + name + '/';
          if (expanded) sub.replaceChildren(); else await open(f.path, sub);
        } } }, '▸ ' + name + '/');
        return h('li.dir', toggle, sub);
      }));
    } catch (e) {
      into.replaceChildren(h('li', errorBox(e, 'Could not list artifacts')));
    }
  };
  await open('', list);
  return section;
}

function size(bytes) {
  if (bytes < 1024) return bytes + ' B';
  if (bytes < 1024 * 1024) return (bytes / 1024).toFixed(1) + ' KiB';
  return (bytes / 1024 / 1024).toFixed(1) + ' MiB';
}
