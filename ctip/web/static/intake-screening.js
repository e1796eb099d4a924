// Encounter screening drafts: kept on this device (localStorage) until the server has them,
// sent again when the connection returns. A retried send carries the same draft id, so the
// server answers with the screening it already made instead of making a second one.
(function () {
  "use strict";
  var RETRY_MS = 15000;

  function storageKey(form) { return form.getAttribute("data-draft-key") || "ctip.intake.screening"; }

  function newDraftId() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function read(key) {
    try { return JSON.parse(window.localStorage.getItem(key) || "null"); } catch (e) { return null; }
  }

  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name !== "csrf_token" && el.type !== "submit";
    });
  }

  function save(form) {
    var values = {};
    fields(form).forEach(function (el) {
      if (el.type === "radio" || el.type === "checkbox") {
        if (el.checked) { values[el.name] = el.value; }
      } else {
        values[el.name] = el.value;
      }
    });
    try { window.localStorage.setItem(storageKey(form), JSON.stringify(values)); } catch (e) { /* full */ }
  }

  function restore(form, values) {
    fields(form).forEach(function (el) {
      if (!(el.name in values)) { return; }
      if (el.type === "radio" || el.type === "checkbox") {
        el.checked = values[el.name] === el.value;
      } else if (!el.value || el.name === "draft_id") {
        el.value = values[el.name];
      }
    });
  }

  function say(text) {
    var status = document.getElementById("draft-status");
    if (status) { status.textContent = text; }
  }

  function send(form) {
    save(form);
    if (navigator.onLine === false) {
      say("No connection: the screening is kept on this device and will be sent when the connection returns.");
      return;
    }
    say("Sending…");
    var body = new URLSearchParams(new FormData(form));
    fetch(form.action, { method: "POST", body: body, credentials: "same-origin", redirect: "follow" })
      .then(function (response) {
        if (response.ok && response.redirected) {
          window.location.assign(response.url);
        } else {
          form.setAttribute("data-native", "yes");
          form.submit();  // let the server show what to correct; the draft stays until sent
        }
      })
      .catch(function () {
        say("The connection failed: the screening is kept on this device and will be sent again when the connection returns.");
        window.setTimeout(function () { if (form.getAttribute("data-pending") === "yes") { send(form); } }, RETRY_MS);
      });
  }

  function setUpForm(form) {
    var key = storageKey(form);
    var kept = read(key);
    if (kept) {
      restore(form, kept);
      say("A draft kept on this device was restored. It has not been sent yet.");
    }
    var draft = form.querySelector("#draft_id");
    if (draft && !draft.value) { draft.value = newDraftId(); }
    save(form);
    form.addEventListener("input", function () { save(form); });
    form.addEventListener("change", function () { save(form); });
    form.addEventListener("submit", function (event) {
      if (form.getAttribute("data-native") === "yes") { return; }
      event.preventDefault();
      form.setAttribute("data-pending", "yes");
      send(form);
    });
    window.addEventListener("online", function () {
      if (form.getAttribute("data-pending") === "yes") { send(form); }
    });
  }

  function clearSent() {
    var sent = document.getElementById("screening-sent");
    if (!sent) { return; }
    var draftId = sent.getAttribute("data-sent-draft");
    if (!draftId) { return; }
    for (var i = window.localStorage.length - 1; i >= 0; i -= 1) {
      var key = window.localStorage.key(i);
      if (key && key.indexOf("ctip.intake.screening") === 0) {
        var kept = read(key);
        if (kept && kept.draft_id === draftId) { window.localStorage.removeItem(key); }
      }
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("screening-form");
    if (form) { setUpForm(form); }
    clearSent();
  });
})();
