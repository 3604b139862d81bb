// The fair page's job filters (town, pay unit, work type, shift): cards that do not match are
// hidden, and so is an employer with none left. Everything is on the page; nothing is fetched.
const form = document.getElementById("job-filters");
if (form) {
  const cards = [...document.querySelectorAll("#jobs .job-card")];
  const apply = () => {
    const chosen = [...form.querySelectorAll("select")].filter((s) => s.value).map((s) => [s.name, s.value]);
    let shown = 0;
    for (const card of cards) {
      const match = chosen.every(([name, value]) => card.dataset[name] === value);
      card.hidden = !match;
      if (match) shown += 1;
    }
    for (const list of document.querySelectorAll("#jobs .job-list")) {
      const any = [...list.querySelectorAll(".job-card")].some((card) => !card.hidden);
      list.hidden = !any;
      const heading = list.previousElementSibling;
      if (heading && heading.matches("h3.employer")) heading.hidden = !any;
    }
    document.getElementById("no-matching-jobs").hidden = shown > 0;
    document.getElementById("filter-count").textContent = chosen.length ? `${shown} / ${cards.length}` : "";
  };
  form.addEventListener("change", apply);
  form.addEventListener("submit", (event) => event.preventDefault());
  apply();
}
