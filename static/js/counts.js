// Sign-up counts on pages without a live connection (the fair page, a replay): they come with
// the page and are read again every little while, so they stay current without a tap.
import { readConfig } from "/static/js/live.js";

export const REFRESH_MS = 15_000;

// Ask for the fair's counts every REFRESH_MS (and when the page is shown again); onCounts
// gets {job_id: n}.
export function followCounts(fairId, onCounts) {
  async function read() {
    if (document.hidden) return;
    try {
      const response = await fetch(`/api/v1/fairs/${fairId}/signups/counts`, { headers: { Accept: "application/json" } });
      if (response.ok) onCounts((await response.json()).counts);
    } catch {
      // Offline for a moment: the next round tries again.
    }
  }
  setInterval(read, REFRESH_MS);
  document.addEventListener("visibilitychange", read);
  return read;
}

export function showCounts(counts) {
  for (const node of document.querySelectorAll("[data-count-for]")) node.textContent = counts[node.dataset.countFor] || 0;
}

// The fair page: its job cards carry [data-count-for] filled by the server.
const config = document.getElementById("counts-config") && readConfig("counts-config");
if (config) {
  const counts = { ...config.counts };
  followCounts(config.fair_id, (fresh) => {
    Object.keys(counts).forEach((id) => delete counts[id]);
    Object.assign(counts, fresh);
    showCounts(counts);
  });
  // A tap on this page answers with the job's new count at once.
  document.addEventListener("faircast:count", (event) => {
    counts[event.detail.job_id] = event.detail.count;
    showCounts(counts);
  });
}
