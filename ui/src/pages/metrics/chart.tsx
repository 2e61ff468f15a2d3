/**
 * A time chart on uPlot (bundled, no CDN): as wide as its box, resized with it (ResizeObserver), new
 * data set in place; a new set of series (a provider appears) builds a new chart. Colours come from
 * the stylesheet's variables, so it follows light and dark.
 */
import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import type { Columns } from "./series";

/** Series colours that read on light and dark backgrounds. */
const PALETTE = ["#4f46e5", "#0891b2", "#d97706", "#db2777", "#16a34a", "#7c3aed", "#dc2626", "#0d9488", "#65a30d", "#9333ea"];
export const OK = "#16a34a";
export const BAD = "#dc2626";

export interface Line {
  label: string;
  color?: string;
  /** Filled under the line. */
  fill?: boolean;
}

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

function options(lines: Line[], width: number, height: number, format: (n: number) => string): uPlot.Options {
  const muted = cssVar("--muted", "#5f6b7a");
  const grid = cssVar("--border", "#dde1e6");
  const axis = { stroke: muted, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
  return {
    width,
    height,
    cursor: { drag: { x: false, y: false } },
    legend: { live: true },
    scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
    axes: [
      { ...axis, space: 60 },
      { ...axis, size: 64, values: (_u, ticks) => ticks.map(format) },
    ],
    series: [
      {},
      ...lines.map((l, i) => {
        const color = l.color ?? PALETTE[i % PALETTE.length]!;
        return { label: l.label, stroke: color, width: 2, fill: l.fill ? `${color}22` : undefined, value: (_u: uPlot, v: number | null) => (v === null || v === undefined ? "—" : format(v)) };
      }),
    ],
  };
}

const HEIGHT = 200;

/** One chart in a card: a title, the plot and its legend. `data` is [x, ...one column per line]. */
export function Chart(props: { title: string; lines: Line[]; data: Columns; format: (n: number) => string }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const shape = props.lines.map((l) => l.label).join("\u0000");

  useEffect(() => {
    const el = box.current!;
    const u = new uPlot(options(props.lines, Math.max(el.clientWidth, 100), HEIGHT, props.format), props.data as uPlot.AlignedData, el);
    plot.current = u;
    let width = el.clientWidth;
    const resize = new ResizeObserver(() => {
      if (el.clientWidth === width || el.clientWidth < 50) return;
      width = el.clientWidth;
      u.setSize({ width, height: HEIGHT });
    });
    resize.observe(el);
    return () => {
      resize.disconnect();
      u.destroy();
      plot.current = null;
    };
  }, [shape]);

  useEffect(() => {
    plot.current?.setData(props.data as uPlot.AlignedData);
  }, [props.data]);

  return (
    <figure class="card chart" aria-label={props.title}>
      <figcaption>{props.title}</figcaption>
      <div class="chart-box" ref={box} />
    </figure>
  );
}
