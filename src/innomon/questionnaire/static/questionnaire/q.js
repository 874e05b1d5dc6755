/* Progressive enhancement of the questionnaire: without this file every page still works.
 * - saves the page's answers in the background while the respondent types or chooses
 *   (POST to the page's save URL, debounced), so that closing the browser loses nothing;
 * - shows and hides questions as the server's evaluator decides (the same rules as the import);
 * - moves the focus to the error summary when a page comes back with errors. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.getElementById("error-summary");
    if (summary) { summary.focus(); }
    var form = document.querySelector("form.questions");
    if (!form || !window.fetch || !window.FormData) { return; }
    var status = form.querySelector(".save-status");
    var revision = form.querySelector("input[name=revision]");
    var shownInput = form.querySelector("input[name=shown]");
    var timer = null, busy = false, again = false;

    function say(key) { if (status) { status.textContent = status.dataset[key] || ""; } }

    function apply(shown) {
      var set = {};
      shown.forEach(function (n) { set[n] = true; });
      form.querySelectorAll(".question[data-name]").forEach(function (box) {
        box.hidden = !set[box.dataset.name];
      });
    }

    function save() {
      if (busy) { again = true; return; }
      busy = true;
      say("saving");
      var data = new FormData(form);
      data.set("page", form.dataset.page);
      fetch(form.dataset.saveUrl, {
        method: "POST", body: data, credentials: "same-origin",
        headers: { "X-Requested-With": "fetch" }
      }).then(function (r) {
        if (r.status === 409) { window.location.reload(); return null; }
        if (!r.ok) { throw new Error(r.status); }
        return r.json();
      }).then(function (j) {
        if (!j) { return; }
        revision.value = j.revision;
        apply(j.shown);
        /* the questions shown now are the ones the respondent has seen */
        shownInput.value = j.shown.join(" ");
        say(j.conflicts.length ? "conflict" : "saved");
      }).catch(function () { say("failed"); }).then(function () {
        busy = false;
        if (again) { again = false; save(); }
      });
    }

    function later(delay) {
      if (timer) { clearTimeout(timer); }
      timer = setTimeout(save, delay);
    }
    form.addEventListener("input", function (e) {
      later(e.target.type === "radio" || e.target.type === "checkbox" ? 150 : 1200);
    });
    form.addEventListener("change", function () { later(150); });
    form.addEventListener("submit", function () { if (timer) { clearTimeout(timer); timer = null; } });
    window.addEventListener("pagehide", function () {
      if (timer) { clearTimeout(timer); timer = null; var d = new FormData(form);
        d.set("page", form.dataset.page);
        if (navigator.sendBeacon) { navigator.sendBeacon(form.dataset.saveUrl, d); } }
    });
    /* a page restored by the back button may show an old state: fetch the current one */
    window.addEventListener("pageshow", function (e) { if (e.persisted) { window.location.reload(); } });
  });
})();
