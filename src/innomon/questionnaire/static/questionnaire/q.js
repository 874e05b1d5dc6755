/* Progressive enhancement of the questionnaire: without this file every page still works.
 * - saves the page's answers in the background while the respondent types or chooses
 *   (POST to the page's save URL, debounced), so that closing the browser loses nothing;
 * - when another window changed an answer meanwhile (the save reports a conflict), shows both
 *   answers and asks which to keep; until then that answer is not sent, and Next waits;
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
    var fieldsInput = form.querySelector("input[name=fields]");
    var names = fieldsInput.value.split(/\s+/).filter(Boolean);
    var pending = {};  /* name → the answer another window saved, while no choice is made */
    var synced = {};   /* name → the value the server holds, as far as this page knows */
    var timer = null, busy = false, again = false;

    function say(key) { if (status) { status.textContent = status.dataset[key] || ""; } }

    function inputs(name) {
      return Array.prototype.filter.call(form.elements, function (el) { return el.name === name; });
    }
    function valueOf(name) {
      var out = [];
      inputs(name).forEach(function (el) {
        if (el.type === "radio" || el.type === "checkbox") { if (el.checked) { out.push(el.value); } }
        else { out.push(el.value.trim()); }
      });
      return out.join("\n");
    }
    function setValue(name, value) {
      inputs(name).forEach(function (el) {
        if (el.type === "radio" || el.type === "checkbox") { el.checked = value.indexOf(el.value) >= 0; }
        else { el.value = value; }
      });
    }
    names.forEach(function (n) { synced[n] = valueOf(n); });

    /* an answer waiting for the respondent's choice is not sent (nor overwritten by Next) */
    function syncFields() {
      fieldsInput.value = names.filter(function (n) { return !pending[n]; }).join(" ");
    }

    function apply(shown) {
      var set = {};
      shown.forEach(function (n) { set[n] = true; });
      form.querySelectorAll(".question[data-name]").forEach(function (box) {
        box.hidden = !set[box.dataset.name];
      });
    }

    function resolve(name, keep) {
      var info = pending[name];
      if (!info) { return; }
      if (keep === "saved") { setValue(name, info.value); synced[name] = valueOf(name); }
      delete pending[name];
      var panel = form.querySelector(".conflict[data-for='" + name + "']");
      if (panel) { panel.parentNode.removeChild(panel); }
      syncFields();
      if (!Object.keys(pending).length) { say("saved"); }
      /* the page now holds the current revision: the answer chosen is stored as it is */
      save();
    }

    function ask(name, info) {
      pending[name] = info;
      var box = document.getElementById("box-" + name);
      var old = form.querySelector(".conflict[data-for='" + name + "']");
      if (old) { old.parentNode.removeChild(old); }
      if (!box) { return; }
      var panel = document.createElement("div");
      panel.className = "conflict";
      panel.setAttribute("role", "alert");
      panel.dataset.for = name;
      var text = document.createElement("p");
      text.textContent = info.message;
      panel.appendChild(text);
      var choices = document.createElement("div");
      choices.className = "choices";
      [["saved", status.dataset.keepSaved, info.saved], ["mine", status.dataset.keepMine, info.yours]]
        .forEach(function (c) {
          var b = document.createElement("button");
          b.type = "button";
          b.dataset.keep = c[0];
          b.textContent = c[1] + " (" + c[2] + ")";
          b.addEventListener("click", function () { resolve(name, c[0]); });
          choices.appendChild(b);
        });
      panel.appendChild(choices);
      box.insertBefore(panel, box.firstChild);
    }

    function save() {
      if (busy) { again = true; return; }
      busy = true;
      say("saving");
      var data = new FormData(form);
      data.set("page", form.dataset.page);
      var sent = {};
      fieldsInput.value.split(/\s+/).filter(Boolean).forEach(function (n) { sent[n] = valueOf(n); });
      fetch(form.dataset.saveUrl, {
        method: "POST", body: data, credentials: "same-origin",
        headers: { "X-Requested-With": "fetch" }
      }).then(function (r) {
        if (r.status === 409) { window.location.reload(); return null; }
        if (!r.ok) { throw new Error(r.status); }
        return r.json();
      }).then(function (j) {
        if (!j) { return; }
        var stored = j.stored || {};
        Object.keys(sent).forEach(function (n) { if (!stored[n]) { synced[n] = sent[n]; } });
        j.conflicts.forEach(function (n) {
          if (valueOf(n) === synced[n]) {
            /* not changed on this page: the other window's answer is simply the current one */
            setValue(n, stored[n].value);
            synced[n] = valueOf(n);
          } else {
            ask(n, stored[n]);
          }
        });
        syncFields();
        /* the revision is current for every answer sent except those now waiting */
        revision.value = j.revision;
        apply(j.shown);
        /* the questions shown now are the ones the respondent has seen */
        shownInput.value = j.shown.join(" ");
        say(Object.keys(pending).length ? "conflict" : "saved");
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
    form.addEventListener("submit", function (e) {
      if (timer) { clearTimeout(timer); timer = null; }
      var waiting = Object.keys(pending);
      if (waiting.length) {
        /* never send a page whose answer another window changed before the choice is made */
        e.preventDefault();
        say("conflict");
        var first = form.querySelector(".conflict[data-for='" + waiting[0] + "'] button");
        if (first) { first.focus(); }
      }
    });
    window.addEventListener("pagehide", function () {
      if (timer) { clearTimeout(timer); timer = null; var d = new FormData(form);
        d.set("page", form.dataset.page);
        if (navigator.sendBeacon) { navigator.sendBeacon(form.dataset.saveUrl, d); } }
    });
    /* a page restored by the back button may show an old state: fetch the current one */
    window.addEventListener("pageshow", function (e) { if (e.persisted) { window.location.reload(); } });
  });
})();
