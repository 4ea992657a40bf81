// The dashboard's little script: what it does the page also does without it (a button).
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  // A select marked data-submit sends its form when changed (the language switch).
  for (const select of document.querySelectorAll("select[data-submit]")) {
    select.addEventListener("change", () => select.form.submit());
  }
  // A text area with data-limit counts its characters against each platform's limit.
  for (const area of document.querySelectorAll("textarea[data-limit]")) {
    const counter = document.getElementById(area.dataset.counter);
    const previews = document.querySelectorAll("[data-preview-of='" + area.id + "']");
    const update = () => {
      const used = area.value.length;
      const limit = Number(area.dataset.limit);
      if (counter) {
        counter.textContent = used + " / " + limit;
        counter.classList.toggle("over", used > limit);
      }
      for (const preview of previews) {
        const own = Number(preview.dataset.limit);
        preview.textContent = area.value;
        preview.classList.toggle("over", own > 0 && used > own);
      }
    };
    area.addEventListener("input", update);
    update();
  }
});
