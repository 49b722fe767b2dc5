// Inline in every page's head (internal/server: themeScript): the reader's display preferences before the first paint.
(function () {
  "use strict";
  var root = document.documentElement, allowed = {
    theme: ["auto", "light", "dark", "sepia"], size: ["s", "m", "l", "xl"], width: ["narrow", "normal", "wide"]
  }, prefs = {};
  root.classList.add("js");
  try {
    prefs = JSON.parse(localStorage.getItem("folio:prefs") || "{}") || {};
  } catch (e) {}
  Object.keys(allowed).forEach(function (k) {
    if (allowed[k].indexOf(prefs[k]) >= 0) root.setAttribute("data-" + k, prefs[k]);
  });
  if (document.currentScript) document.currentScript.remove();
})();
