// Live refresh, the one script of the app (no inline script: the CSP forbids it). Every few
// seconds it asks for the page's JSON twin; when what the page shows has changed (someone else
// ticked an item, added an action) and nothing was typed into a form, the page reloads. Without JavaScript
// the page works the same, only without refreshing itself.
(function () {
  "use strict";
  var every = 5000;
  var last = null;
  // Once something is typed or chosen in a form, the page never reloads under it.
  var edited = false;
  document.addEventListener("input", function () { edited = true; }, true);
  document.addEventListener("change", function () { edited = true; }, true);
  function url() {
    return location.pathname + location.search + (location.search ? "&" : "?") + "format=json";
  }
  function busy() {
    var active = document.activeElement;
    return edited || (active && active !== document.body && /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName));
  }
  function check() {
    if (document.hidden) { return; }
    fetch(url(), { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (text) {
        if (text === null) { return; }
        if (last !== null && text !== last && !busy()) { location.reload(); return; }
        if (!busy()) { last = text; }
      })
      .catch(function () {});
  }
  check();
  setInterval(check, every);
})();
