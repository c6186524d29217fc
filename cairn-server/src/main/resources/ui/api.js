// Calls to Cairn's public HTTP API: same-origin fetch, JSON bodies, the server's message on failure.
const BASE = '/api/2.0/mlflow';

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function call(method, path, body) {
  const init = { method, headers: { Accept: 'application/json' }, credentials: 'same-origin' };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(BASE + path, init);
  } catch (e) {
    throw new ApiError(0, 'NETWORK', 'The server did not answer: ' + e.message);
  }
  const text = await response.text();
  let json = {};
  try {
    json = text ? JSON.parse(text) : {};
  } catch (e) {
    json = { message: text };
  }
  if (!response.ok) {
    throw new ApiError(response.status, json.error_code || 'HTTP_' + response.status,
      json.message || text || response.statusText);
  }
  return json;
}

export const get = (path, params = {}) => {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    for (const one of [].concat(v)) if (one !== undefined && one !== null) query.append(k, one);
  }
  const q = query.toString();
  return call('GET', path + (q ? '?' + q : ''));
};
export const post = (path, body) => call('POST', path, body);

export const searchExperiments = (body) => post('/experiments/search', body);
export const getExperiment = (id) => get('/experiments/get', { experiment_id: id });
export const createExperiment = (name) => post('/experiments/create', { name });
export const renameExperiment = (id, name) => post('/experiments/update', { experiment_id: id, new_name: name });
export const deleteExperiment = (id) => post('/experiments/delete', { experiment_id: id });
export const restoreExperiment = (id) => post('/experiments/restore', { experiment_id: id });
export const searchRuns = (body) => post('/runs/search', body);
export const getRun = (id) => get('/runs/get', { run_id: id });
export const metricHistory = (runId, key, maxResults = 2000) =>
  get('/metrics/get-history-bulk-interval', { run_ids: runId, metric_key: key, max_results: maxResults });
export const listArtifacts = (runId, path) => get('/artifacts/list', { run_id: runId, path });
export const renameRun = (id, name) => post('/runs/update', { run_id: id, run_name: name });
export const deleteRun = (id) => post('/runs/delete', { run_id: id });
export const restoreRun = (id) => post('/runs/restore', { run_id: id });
