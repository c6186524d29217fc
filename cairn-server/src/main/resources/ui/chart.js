// Metric charts drawn with uPlot (a WebJar pinned in cairn-server's pom, served under /webjars/).
import uPlot from '/webjars/uplot/1.6.30/dist/uPlot.esm.js';
import { h } from './dom.js';

// Steps are whole numbers: the x axis ticks never fall between two.
const STEP_INCREMENTS = [1, 2, 5].flatMap((m) => [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9].map((p) => m * p)).sort((a, b) => a - b);

function css(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

/** One metric of one run by step, from get-history-bulk-interval's points. */
export function metricChart(into, key, points) {
  if (!points.length) {
    into.append(h('p.muted', 'No history for ' + key + '.'));
    return null;
  }
  const sorted = [...points].sort((a, b) => (a.step ?? 0) - (b.step ?? 0) || a.timestamp - b.timestamp);
  const xs = sorted.map((p) => Number(p.step ?? 0));
  const ys = sorted.map((p) => (typeof p.value === 'number' ? p.value : Number(p.value)));
  const axis = { stroke: css('--muted'), grid: { stroke: css('--line'), width: 1 }, ticks: { stroke: css('--line') } };
  const width = Math.max(320, Math.floor(into.getBoundingClientRect().width || 640));
  const plot = new uPlot({
    width,
    height: 300,
    scales: { x: { time: false } },
    axes: [{ ...axis, label: 'step', incrs: STEP_INCREMENTS }, { ...axis, size: 70 }],
    series: [{ label: 'step' }, { label: key, stroke: css('--accent'), width: 2, points: { show: points.length <= 60 } }],
    legend: { live: true },
  }, [xs, ys], into);
  const resize = () => {
    if (!into.isConnected) {
      window.removeEventListener('resize', resize);
      return;
    }
    plot.setSize({ width: Math.max(320, Math.floor(into.getBoundingClientRect().width)), height: 300 });
  };
  window.addEventListener('resize', resize);
  return plot;
}
