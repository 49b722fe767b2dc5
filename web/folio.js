// Folio: runs before the page is painted (loaded without defer) to apply
// the reader's display preferences, so that a dark or sepia reader sees no
// flash of the light theme, and offers the app a way to talk to the
// service worker. Kept tiny: it is on the critical path of every page.
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

  window.folio = {
    // worker posts msg to the active service worker and resolves with its
    // answer, or rejects after ten seconds without one.
    worker: function (msg) {
      if (!("serviceWorker" in navigator)) {
        return Promise.reject(new Error("service workers are not available"));
      }
      var timeout = new Promise(function (resolve, reject) {
        setTimeout(function () { reject(new Error("the service worker did not answer")); }, 10000);
      });
      var answer = navigator.serviceWorker.ready.then(function (reg) {
        return new Promise(function (resolve, reject) {
          var ch = new MessageChannel();
          ch.port1.onmessage = function (e) {
            if (e.data && e.data.ok) {
              resolve(e.data);
            } else {
              reject(new Error((e.data && e.data.error) || "the service worker failed"));
            }
          };
          reg.active.postMessage(msg, [ch.port2]);
        });
      });
      return Promise.race([answer, timeout]);
    }
  };
})();
