// Folio's display preferences, applied before the first paint so that a
// dark or sepia reader sees no flash of the light theme. The server puts
// this file inline in every page's head (its hash is in the pages' CSP
// script-src): it is the one script that must run before the page is
// painted, and an inline one costs no request. Once run, it takes itself
// out of the document, which then holds no inline script.
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.add("js");

  var allowed = {
    theme: ["auto", "light", "dark", "sepia"],
    size: ["s", "m", "l", "xl"],
    width: ["narrow", "normal", "wide"]
  };
  var prefs = {};
  try {
    prefs = JSON.parse(localStorage.getItem("folio:prefs") || "{}") || {};
  } catch (e) {
    prefs = {};
  }
  Object.keys(allowed).forEach(function (k) {
    if (allowed[k].indexOf(prefs[k]) >= 0) {
      root.setAttribute("data-" + k, prefs[k]);
    }
  });
  if (document.currentScript) {
    document.currentScript.remove();
  }
})();
