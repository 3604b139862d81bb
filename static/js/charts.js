// Shared by the report and dashboard pages: reading the page's data and drawing with Chart.js
// (the classic script /vendor/chart.umd.min.js, loaded before these modules, defines Chart).

export const COLOURS = {
  brand: "#c8102e",
  ink: "#1d2430",
  muted: "#8a93a3",
  grid: "#e6e9ef",
  sources: { live: "#c8102e", replay: "#f59e0b", page: "#2563eb", onsite: "#17803d" },
  funnel: ["#1d4ed8", "#2563eb", "#c8102e", "#f59e0b", "#17803d"],
  supply: "#94a3b8",
  demand: "#c8102e",
  intents: "#17803d",
};

export function readConfig(id) {
  return JSON.parse(document.getElementById(id).textContent);
}

export function chartLibrary() {
  const { Chart } = window;
  if (!Chart) throw new Error("Chart.js did not load (/vendor/chart.umd.min.js)");
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.color = COLOURS.ink;
  Chart.defaults.borderColor = COLOURS.grid;
  return Chart;
}

// On the printable page the charts are drawn without animation, then swapped for images, which
// every browser prints at the page's resolution and which survive "save as PDF".
export function baseOptions(printable) {
  return {
    responsive: true,
    maintainAspectRatio: false,
    animation: printable ? false : { duration: 400 },
    plugins: { legend: { position: "bottom" } },
  };
}

export function asImages(charts) {
  for (const chart of charts) {
    const canvas = chart.canvas;
    const image = document.createElement("img");
    image.src = chart.toBase64Image("image/png", 1);
    image.alt = canvas.getAttribute("aria-label") || "";
    image.className = "chart-image";
    canvas.parentElement.replaceWith(image);
    chart.destroy();
  }
}

export function numberFormat(locale) {
  const format = new Intl.NumberFormat(locale);
  return (value) => format.format(value);
}

// A plugin that writes each bar's value at its end (horizontal bars) or top (vertical bars).
export const valueLabels = {
  id: "valueLabels",
  afterDatasetsDraw(chart, _args, options) {
    if (!options || !options.enabled) return;
    const { ctx } = chart;
    ctx.save();
    ctx.fillStyle = COLOURS.ink;
    ctx.font = `600 12px ${window.Chart.defaults.font.family}`;
    chart.data.datasets.forEach((dataset, index) => {
      const meta = chart.getDatasetMeta(index);
      if (meta.hidden) return;
      meta.data.forEach((bar, i) => {
        const text = options.text ? options.text(dataset.data[i], i) : String(dataset.data[i]);
        const horizontal = chart.options.indexAxis === "y";
        ctx.textAlign = horizontal ? "left" : "center";
        ctx.textBaseline = horizontal ? "middle" : "bottom";
        ctx.fillText(text, horizontal ? bar.x + 6 : bar.x, horizontal ? bar.y : bar.y - 4);
      });
    });
    ctx.restore();
  },
};
