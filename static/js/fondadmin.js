/* fondadmin: the little behaviour every page shares. No inline script anywhere (strict CSP). */
(function () {
  "use strict";

  /* Forms marked data-once are sent once: a double-click sends one request. (The server is
     idempotent too; this spares the second round trip.) Coming back with the browser's back
     button makes the form sendable again. */
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-once")) return;
    if (form.dataset.sending === "1") {
      event.preventDefault();
      return;
    }
    form.dataset.sending = "1";
    form.setAttribute("aria-busy", "true");
  });
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-once]").forEach(function (form) {
      delete form.dataset.sending;
      form.removeAttribute("aria-busy");
    });
  });

  document.addEventListener("DOMContentLoaded", function () {
    /* The visual asterisk on required fields is not part of the field's name: the field's
       required attribute is what assistive technology announces. */
    document.querySelectorAll(".asteriskField").forEach(function (star) {
      star.setAttribute("aria-hidden", "true");
    });
    /* After a refused form, move focus to the summary so that it is read out first. */
    var summary = document.querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
      return;
    }
    /* After a saved form, move focus to the confirmation, so that it is read out first and
       the next Tab continues from it. */
    var confirmation = document.querySelector("[data-messages]");
    if (confirmation) {
      confirmation.focus();
      return;
    }
    /* A link to a field (the list of what is missing before submitting) puts the cursor in
       it, not only the field on screen. */
    var target = location.hash ? document.getElementById(location.hash.slice(1)) : null;
    if (target && target.matches("input, select, textarea")) target.focus();
  });

  /* Session timeout (WCAG 2.2.1): warn before the session ends and offer to extend it. */
  var meta = document.querySelector('meta[name="session-seconds"]');
  var dialog = document.getElementById("session-dialog");
  if (!meta || !dialog || typeof dialog.showModal !== "function") return;
  var seconds = parseInt(meta.content, 10);
  if (!(seconds > 0)) return;
  var warnBefore = Math.min(120, Math.floor(seconds / 4));
  var title = document.getElementById("session-dialog-title");
  var text = document.getElementById("session-dialog-text");
  var extend = dialog.querySelector("[data-session-extend]");
  var close = dialog.querySelector("[data-session-close]");
  var csrf = document.querySelector('meta[name="csrf-token"]');
  var warnTimer = null;
  var expireTimer = null;

  function open() {
    if (!dialog.open) dialog.showModal();
  }
  function expired() {
    title.textContent = title.dataset.expiredText;
    text.textContent = text.dataset.expiredText;
    extend.hidden = true;
    open();
    // The button that had focus is gone: keep focus in the dialog, on what can still be done.
    close.focus();
  }
  function schedule() {
    clearTimeout(warnTimer);
    clearTimeout(expireTimer);
    warnTimer = setTimeout(open, (seconds - warnBefore) * 1000);
    expireTimer = setTimeout(expired, seconds * 1000);
  }
  extend.addEventListener("click", function () {
    fetch(extend.dataset.url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf ? csrf.content : "", "Accept": "application/json" },
    })
      .then(function (response) {
        var json = (response.headers.get("content-type") || "").indexOf("json") !== -1;
        if (!(response.ok && json && !response.redirected)) return expired();
        return response.json().then(function (answer) {
          if (answer.expires_in > 0) seconds = answer.expires_in;
          dialog.close();
          schedule();
        });
      })
      .catch(expired);
  });
  close.addEventListener("click", function () {
    dialog.close();
  });
  /* An htmx request renews the session too; its answer says how long is left. */
  document.body.addEventListener("htmx:afterRequest", function (event) {
    var xhr = event.detail && event.detail.xhr;
    var left = xhr ? parseInt(xhr.getResponseHeader("X-Session-Seconds"), 10) : NaN;
    if (left > 0) seconds = left;
    schedule();
  });
  schedule();
})();
