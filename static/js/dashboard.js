// The market dashboard: openings on offer against sign-ups and intents by day, trades, pay.
import { COLOURS, baseOptions, chartLibrary, numberFormat, readConfig } from "./charts.js";

const { dashboard, strings: t, locale } = readConfig("dashboard-data");
const Chart = chartLibrary();
const number = numberFormat(locale);
const dayLabel = new Intl.DateTimeFormat(locale, { month: "short", day: "numeric", timeZone: "UTC" });
const options = baseOptions(false);
let drawn = 0;

function days() {
  const rows = dashboard.days;
  new Chart(document.getElementById("days-chart"), {
    data: {
      labels: rows.map((r) => dayLabel.format(new Date(`${r.day}T00:00:00Z`))),
      datasets: [
        { type: "bar", label: t.headcount, data: rows.map((r) => r.headcount), backgroundColor: COLOURS.supply, order: 3 },
        { type: "line", label: t.signups, data: rows.map((r) => r.signups), borderColor: COLOURS.demand, backgroundColor: COLOURS.demand, tension: 0.25, order: 1 },
        { type: "line", label: t.intents, data: rows.map((r) => r.intents), borderColor: COLOURS.intents, backgroundColor: COLOURS.intents, tension: 0.25, order: 2 },
      ],
    },
    options: {
      ...options,
      interaction: { mode: "index", intersect: false },
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } }, x: { grid: { display: false } } },
    },
  });
  drawn += 1;
}

function categories() {
  const rows = dashboard.categories;
  new Chart(document.getElementById("categories-chart"), {
    type: "bar",
    data: {
      labels: rows.map((r) => t.categories[r.category] || r.category),
      datasets: [
        { label: t.headcount, data: rows.map((r) => r.headcount), backgroundColor: COLOURS.supply },
        { label: t.signups, data: rows.map((r) => r.signups), backgroundColor: COLOURS.demand },
        { label: t.intents, data: rows.map((r) => r.intents), backgroundColor: COLOURS.intents },
      ],
    },
    options: {
      ...options,
      indexAxis: "y",
      scales: { x: { beginAtZero: true, ticks: { precision: 0 } }, y: { grid: { display: false } } },
    },
  });
  drawn += 1;
}

// One small chart per pay unit, each on its own axis: ¥25 an hour and ¥5,000 a month cannot
// share one. The grey bar spans the lowest to the highest pay, the red one the average range.
function pay(canvas) {
  const row = dashboard.pay.find((r) => r.unit === canvas.dataset.unit);
  const unit = t.units[row.unit] || row.unit;
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: [`¥ / ${unit}`],
      datasets: [
        { label: t.pay_range, data: [[row.lowest, row.highest]], backgroundColor: "rgba(148, 163, 184, 0.6)", barPercentage: 1 },
        { label: t.average_range, data: [[row.average_min, row.average_max]], backgroundColor: COLOURS.demand, barPercentage: 0.5 },
      ],
    },
    options: {
      ...options,
      indexAxis: "y",
      scales: {
        x: { stacked: false, ticks: { maxTicksLimit: 6, callback: (v) => `¥${number(v)}` } },
        y: { stacked: true, grid: { display: false } },
      },
      plugins: {
        legend: { display: false },
        tooltip: {
          callbacks: {
            label: (item) => {
              const [low, high] = item.raw;
              return `${item.dataset.label}: ¥${number(low)}–${number(high)} (${row.jobs})`;
            },
          },
        },
      },
    },
  });
  drawn += 1;
}

days();
categories();
document.querySelectorAll("canvas.pay-chart").forEach(pay);
document.body.dataset.chartsReady = String(drawn);
