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

// Each pay unit on its own axis would mislead (¥25 an hour and ¥5,000 a month), so the bars
// show each unit's range as a share of its own highest pay, with the amounts in the tooltip.
function pay() {
  const rows = dashboard.pay;
  const share = (value, row) => Math.round((value / row.highest) * 100);
  new Chart(document.getElementById("pay-chart"), {
    type: "bar",
    data: {
      labels: rows.map((r) => `¥ / ${t.units[r.unit] || r.unit}`),
      datasets: [
        {
          label: t.pay_range,
          data: rows.map((r) => [share(r.lowest, r), 100]),
          backgroundColor: "rgba(148, 163, 184, 0.6)",
        },
        {
          label: t.average_range,
          data: rows.map((r) => [share(r.average_min, r), share(r.average_max, r)]),
          backgroundColor: COLOURS.demand,
        },
      ],
    },
    options: {
      ...options,
      indexAxis: "y",
      scales: { x: { min: 0, max: 100, ticks: { callback: (v) => `${v}%` } }, y: { grid: { display: false } } },
      plugins: {
        ...options.plugins,
        tooltip: {
          callbacks: {
            label: (item) => {
              const row = rows[item.dataIndex];
              return item.datasetIndex === 0
                ? `${t.pay_range}: ¥${number(row.lowest)}–${number(row.highest)}`
                : `${t.average_range}: ¥${number(row.average_min)}–${number(row.average_max)}`;
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
pay();
document.body.dataset.chartsReady = String(drawn);
