// The timeline: matching events per day, week or month, stacked by event type. Brushing it sets the
// since/until filters (snapped to whole buckets); the From/To date inputs are its keyboard alternative.
/* global d3 */

import { sortTypes, typeColour } from "./format.js";

const INTERVALS = { day: d3.utcDay, week: d3.utcMonday, month: d3.utcMonth };
const iso = d3.utcFormat("%Y-%m-%d");
const M = { top: 10, right: 14, bottom: 24, left: 34 };

/** The first (or, with ``end``, the last) day of a YYYY, YYYY-MM or YYYY-MM-DD period, as a UTC date. */
export function periodDay(value, end = false) {
  const [y, m, d] = value.split("-").map(Number);
  if (d) return new Date(Date.UTC(y, m - 1, d));
  if (m) return end ? new Date(Date.UTC(y, m, 0)) : new Date(Date.UTC(y, m - 1, 1));
  return end ? new Date(Date.UTC(y, 11, 31)) : new Date(Date.UTC(y, 0, 1));
}

/** The bucket size that keeps a span readable: days up to three months, weeks up to three years. */
export function autoBy(firstPeriod, lastPeriod) {
  if (!firstPeriod) return "week";
  const days = (periodDay(lastPeriod) - periodDay(firstPeriod)) / 864e5;
  return days <= 92 ? "day" : days <= 3 * 366 ? "week" : "month";
}

export function initTimeline(el, { onBrush }) {
  const svg = d3.select(el).append("svg").attr("role", "img");
  const plot = svg.append("g");
  const xAxis = svg.append("g").attr("class", "axis x");
  const yAxis = svg.append("g").attr("class", "axis y");
  const brushG = svg.append("g").attr("class", "brush");
  const empty = svg.append("text").attr("class", "empty").attr("text-anchor", "middle");
  let HEIGHT = 150;
  let x = null;
  let interval = d3.utcMonth;
  let last = null; // the latest draw's arguments, to redraw on resize

  const brush = d3.brushX().on("end", (event) => {
    if (!event.sourceEvent || !x) return; // moved by code, not by the user
    if (!event.selection) {
      onBrush(null, null);
      return;
    }
    const [a, b] = event.selection.map(x.invert);
    const start = interval.floor(a);
    let end = interval.ceil(b);
    if (+end <= +start) end = interval.offset(start, 1);
    brushG.call(brush.move, [x(start), x(end)]);
    onBrush(iso(start), iso(d3.utcDay.offset(end, -1)));
  });

  /** Draw ``agg`` (an /api/aggregates answer grouped by event_type) and the brush over since..until. */
  function draw(agg, since, until) {
    last = [agg, since, until];
    interval = INTERVALS[agg.by];
    const width = Math.max(280, el.clientWidth);
    HEIGHT = Math.max(140, el.clientHeight);
    svg.attr("width", width).attr("height", HEIGHT).attr("viewBox", `0 0 ${width} ${HEIGHT}`);
    const types = sortTypes(new Set(agg.buckets.map((b) => b.group || "unknown")));
    const periods = [...new Set(agg.buckets.map((b) => b.period))].sort();
    const total = agg.buckets.reduce((n, b) => n + b.count, 0);
    svg.attr("aria-label", `${total} events from ${periods[0] || "-"} to ${periods.at(-1) || "-"} per ${agg.by}, by type`);
    empty.attr("x", width / 2).attr("y", HEIGHT / 2).text(periods.length ? "" : "No dated events match these filters");

    if (!periods.length) {
      x = null;
      plot.selectAll("*").remove();
      xAxis.selectAll("*").remove();
      yAxis.selectAll("*").remove();
      brushG.selectAll("*").remove();
      return;
    }
    // Widen a short range so a single bucket is not the whole chart.
    let lo = periodDay(periods[0]);
    let hi = interval.offset(periodDay(periods.at(-1)), 1);
    if (interval.count(lo, hi) < 12) {
      const pad = Math.ceil((12 - interval.count(lo, hi)) / 2);
      lo = interval.offset(lo, -pad);
      hi = interval.offset(hi, pad);
    }
    x = d3.scaleUtc().domain([lo, hi]).range([M.left, width - M.right]);

    const rows = periods.map((p) => {
      const row = { period: periodDay(p) };
      for (const t of types) row[t] = 0;
      return row;
    });
    const index = new Map(periods.map((p, i) => [p, i]));
    for (const b of agg.buckets) rows[index.get(b.period)][b.group || "unknown"] += b.count;
    const series = d3.stack().keys(types)(rows);
    const ymax = d3.max(series.at(-1), (d) => d[1]) || 1;
    const y = d3.scaleLinear().domain([0, ymax]).nice().range([HEIGHT - M.bottom, M.top]);

    plot.selectAll("g.series").data(series, (s) => s.key).join("g")
      .attr("class", "series").attr("fill", (s) => typeColour(s.key))
      .selectAll("rect").data((s) => s.filter((d) => d[1] > d[0]).map((d) => Object.assign(d, { key: s.key })))
      .join("rect")
      .attr("x", (d) => x(d.data.period))
      .attr("width", (d) => Math.max(3, x(interval.offset(d.data.period, 1)) - x(d.data.period) - 1))
      .attr("y", (d) => y(d[1]))
      .attr("height", (d) => y(d[0]) - y(d[1]))
      .selectAll("title").data((d) => [d]).join("title")
      .text((d) => `${iso(d.data.period)} (${agg.by}): ${d[1] - d[0]} ${d.key}`);

    xAxis.attr("transform", `translate(0,${HEIGHT - M.bottom})`)
      .call(d3.axisBottom(x).ticks(Math.max(2, Math.floor(width / 90))).tickSizeOuter(0));
    yAxis.attr("transform", `translate(${M.left},0)`)
      .call(d3.axisLeft(y).ticks(Math.min(4, ymax)).tickFormat(d3.format("d")).tickSizeOuter(0))
      .call((g) => g.select(".domain").remove());

    brush.extent([[M.left, M.top], [width - M.right, HEIGHT - M.bottom]]);
    brushG.call(brush);
    brushG.select(".overlay").attr("aria-hidden", "true");
    if (since || until) {
      const a = since ? x(periodDay(since)) : M.left;
      const b = until ? x(d3.utcDay.offset(periodDay(until, true), 1)) : width - M.right;
      const clamp = (v) => Math.max(M.left, Math.min(width - M.right, v));
      brushG.call(brush.move, [clamp(a), clamp(b)].sort((p, q) => p - q));
    } else {
      brushG.call(brush.move, null);
    }
  }

  const observer = new ResizeObserver(() => {
    const moved = Math.abs(el.clientWidth - Number(svg.attr("width"))) > 4
      || Math.abs(el.clientHeight - Number(svg.attr("height"))) > 4;
    if (last && moved) draw(...last);
  });
  observer.observe(el);

  return { draw };
}
