// The fair report: the funnel, sign-ups per job by source, and each room's viewers over time
// with the moments cards were pushed. Data comes from the page; nothing is fetched.
import { COLOURS, asImages, baseOptions, chartLibrary, numberFormat, readConfig, valueLabels } from "./charts.js";

const config = readConfig("report-data");
const { report, strings: t, locale, timezone, printable } = config;
const Chart = chartLibrary();
const number = numberFormat(locale);
const clock = new Intl.DateTimeFormat(locale, { timeZone: timezone, hour: "2-digit", minute: "2-digit" });
const stamp = new Intl.DateTimeFormat(locale, {
  timeZone: timezone, month: "short", day: "numeric", hour: "2-digit", minute: "2-digit",
});
const charts = [];

function funnel() {
  // The same people at every step (sign-ups of people who never watched are beside it).
  const f = report.funnel;
  const steps = [f.viewers, f.saw_card, f.signed_up, f.intents, f.hires];
  const first = steps[0] || 0;
  charts.push(new Chart(document.getElementById("funnel-chart"), {
    type: "bar",
    data: {
      labels: t.funnel,
      datasets: [{ data: steps, backgroundColor: COLOURS.funnel, borderRadius: 4 }],
    },
    plugins: [valueLabels],
    options: {
      ...baseOptions(printable),
      indexAxis: "y",
      layout: { padding: { right: 90 } },
      scales: { x: { beginAtZero: true, ticks: { precision: 0 } }, y: { grid: { display: false } } },
      plugins: {
        legend: { display: false },
        valueLabels: {
          enabled: true,
          text: (value, i) => (i && first ? `${number(value)} · ${Math.round((value / first) * 100)}%` : number(value)),
        },
      },
    },
  }));
}

function jobsBySource() {
  const jobs = report.jobs;
  const sources = Object.keys(t.sources);
  charts.push(new Chart(document.getElementById("jobs-chart"), {
    type: "bar",
    data: {
      labels: jobs.map((j) => (j.title.length > 14 ? `${j.title.slice(0, 13)}…` : j.title)),
      datasets: sources.map((source) => ({
        label: t.sources[source],
        data: jobs.map((j) => j.signups_by_source[source]),
        backgroundColor: COLOURS.sources[source],
        stack: "signups",
      })),
    },
    options: {
      ...baseOptions(printable),
      scales: {
        x: { stacked: true, grid: { display: false } },
        y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } },
      },
      plugins: {
        ...baseOptions(printable).plugins,
        tooltip: { callbacks: { title: (items) => jobs[items[0].dataIndex].title } },
      },
    },
  }));
}

// Dashed lines where cards went up, so a rise in viewers can be read against what was shown.
const cardLines = {
  id: "cardLines",
  beforeDatasetsDraw(chart, _args, options) {
    const { ctx, chartArea, scales } = chart;
    ctx.save();
    ctx.strokeStyle = COLOURS.brand;
    ctx.globalAlpha = 0.35;
    ctx.setLineDash([4, 4]);
    for (const at of options.times || []) {
      const x = scales.x.getPixelForValue(at);
      if (x < chartArea.left || x > chartArea.right) continue;
      ctx.beginPath();
      ctx.moveTo(x, chartArea.top);
      ctx.lineTo(x, chartArea.bottom);
      ctx.stroke();
    }
    ctx.restore();
  },
};

function timeline(canvas) {
  const room = report.rooms.find((r) => r.room_id === canvas.dataset.roomId);
  const points = room.timeline.map((p) => ({ x: Date.parse(p.minute), y: p.viewers }));
  const cards = room.cards.map((c) => ({
    x: Date.parse(c.pushed_at),
    y: c.viewers_present,
    card: c,
  }));
  const times = [...points, ...cards].map((p) => p.x);
  if (!cards.length && !points.some((p) => p.y > 0)) {
    // Nobody watched yet: say so rather than draw an axis with no time on it.
    const note = document.createElement("p");
    note.className = "empty no-viewers";
    note.textContent = t.no_viewers;
    canvas.closest(".chart-box").replaceWith(note);
    return;
  }
  // At least ten minutes wide, and ticks on whole minutes, so no two labels read the same.
  const MINUTE = 60_000;
  const first = Math.min(...times);
  const last = Math.max(...times, first + 10 * MINUTE);
  const step = Math.max(MINUTE, Math.ceil((last - first) / 8 / MINUTE) * MINUTE);
  charts.push(new Chart(canvas, {
    type: "line",
    data: {
      datasets: [
        {
          label: t.viewers,
          data: points,
          borderColor: COLOURS.ink,
          backgroundColor: "rgba(29, 36, 48, 0.08)",
          fill: true,
          pointRadius: 0,
          borderWidth: 2,
          tension: 0.2,
        },
        {
          type: "scatter",
          label: t.card,
          data: cards,
          pointStyle: "triangle",
          pointRadius: 7,
          pointHoverRadius: 9,
          backgroundColor: COLOURS.brand,
          borderColor: COLOURS.brand,
        },
      ],
    },
    plugins: [cardLines],
    options: {
      ...baseOptions(printable),
      parsing: false,
      scales: {
        x: {
          type: "linear",
          min: first,
          max: last,
          ticks: { stepSize: step, maxTicksLimit: 10, callback: (value) => clock.format(new Date(value)) },
        },
        y: { beginAtZero: true, ticks: { precision: 0 } },
      },
      plugins: {
        ...baseOptions(printable).plugins,
        cardLines: { times: cards.map((c) => c.x) },
        tooltip: {
          callbacks: {
            title: (items) => stamp.format(new Date(items[0].parsed.x)),
            label: (item) => {
              const card = item.raw.card;
              if (!card) return `${t.viewers}: ${number(item.parsed.y)}`;
              return `${card.title} · ${t.viewers} ${number(card.peak_viewers)} · ${t.signups} ${number(card.signups)}`;
            },
          },
        },
      },
    },
  }));
}

funnel();
jobsBySource();
document.querySelectorAll("canvas.timeline-chart").forEach(timeline);

if (printable) {
  asImages(charts);
  document.getElementById("print-button").addEventListener("click", () => window.print());
}
document.body.dataset.chartsReady = String(charts.length);
