// Folio: when go-app's app starts (this replaces app.js's immediate start).
//
// Every page is prerendered whole: readable, styled in the reader's theme
// (theme.js) and with working links and search, before any WebAssembly
// runs. On a phone, starting go-app costs seconds of main-thread work, so
// the app starts only when it is needed:
//
// - at once (after the first paint) on pages whose content the app makes
//   in the browser: the saved list, a saved article (its Save state), the
//   preview with a draft kept in the browser, a page the service worker
//   answered with another page's shell, and whenever the browser is
//   offline (the app says so and reads saved articles);
// - elsewhere (the home list, an article, the empty preview, as the server
//   painted them), when the reader reaches for one of the app's controls: a
//   pointer or key on a button, a field or a summary, or the focus entering
//   one. A click
//   on a control before the app has mounted is replayed on the same control
//   once it has; a field being typed in keeps its text and the focus.
//
// The service worker is registered after the first paint on every page, so
// the shell, the bundle among it, is cached for the next start and offline.
(function () {
  "use strict";
  var state = { started: false, mounted: false };
  window.folioApp = state;
  var controls = "button, summary, input, select, textarea, label, [role=button]";

  function mountedPage() {
    return document.querySelector(".page[data-side=client]");
  }

  function start() {
    if (state.started) {
      return;
    }
    state.started = true;
    document.documentElement.classList.add("app-starting");
    whenMounted(function () {
      state.mounted = true;
      document.documentElement.classList.remove("app-starting");
    });
    goappInitWebAssembly();
  }
  state.start = start;

  // whenMounted calls fn once go-app has replaced the prerendered page.
  var waiting = [];
  var observer = null;
  function whenMounted(fn) {
    if (mountedPage()) {
      fn();
      return;
    }
    waiting.push(fn);
    if (observer) {
      return;
    }
    observer = new MutationObserver(function () {
      if (!mountedPage()) {
        return;
      }
      observer.disconnect();
      var fns = waiting;
      waiting = [];
      fns.forEach(function (f) {
        f();
      });
    });
    observer.observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ["data-side"] });
  }

  // needed reports whether this page needs the app from the start.
  function needed() {
    var root = document.querySelector(".page[data-side=server]");
    if (!root || navigator.onLine === false || root.getAttribute("data-status") !== "200") {
      return true;
    }
    var page = root.getAttribute("data-page");
    try {
      switch (page) {
        case "home":
          return location.pathname !== "/";
        case "preview":
          // The drafts live in the browser: with one, the app shows it.
          return location.pathname !== "/preview" || !!localStorage.getItem("folio:drafts");
        case "reader":
          var slug = location.pathname.slice(3);
          var saved = JSON.parse(localStorage.getItem("folio:saved") || "[]") || [];
          return (
            location.pathname.indexOf("/a/") !== 0 ||
            saved.some(function (e) {
              return e && e.slug === slug;
            })
          );
      }
    } catch (err) {
      // no storage: start
    }
    return true;
  }

  // key describes a control well enough to find it again in the page the
  // app renders: the app re-creates the prerendered page's controls.
  function key(el) {
    return {
      tag: el.tagName,
      id: el.id,
      name: el.getAttribute("name") || "",
      cls: el.getAttribute("class") || "",
      label: el.getAttribute("aria-label") || "",
      text: (el.textContent || "").trim().slice(0, 60)
    };
  }
  function find(k) {
    if (k.id) {
      return document.getElementById(k.id);
    }
    var all = document.querySelectorAll(k.tag);
    for (var i = 0; i < all.length; i++) {
      var c = key(all[i]);
      if (c.name === k.name && c.cls === k.cls && c.label === k.label && c.text === k.text) {
        return all[i];
      }
    }
    return null;
  }

  function intent(e) {
    if (!state.started && e.target && e.target.closest && e.target.closest(controls)) {
      start();
    }
  }
  ["pointerdown", "touchstart", "keydown", "focusin"].forEach(function (type) {
    document.addEventListener(type, intent, { capture: true, passive: true });
  });
  window.addEventListener("offline", start);

  // A click on a control (not a field: those keep working as they are)
  // before the app has mounted waits for it and is then replayed.
  document.addEventListener(
    "click",
    function (e) {
      if (state.mounted || !e.isTrusted || !e.target || !e.target.closest) {
        return;
      }
      var c = e.target.closest("button, summary, [role=button]");
      if (!c || !c.closest(".page")) {
        return;
      }
      e.preventDefault();
      e.stopImmediatePropagation();
      c.setAttribute("aria-busy", "true");
      var k = key(c);
      start();
      whenMounted(function () {
        var el = find(k);
        if (el) {
          el.click();
        }
      });
    },
    true
  );

  // The field being typed in when the app mounts keeps its text, caret
  // and focus in the app's copy of it.
  var field = null;
  document.addEventListener(
    "focusin",
    function (e) {
      if (!state.mounted && e.target && e.target.matches && e.target.matches("input, textarea")) {
        field = e.target;
      }
    },
    true
  );
  whenMounted(function () {
    if (!field || document.contains(field)) {
      return;
    }
    var el = find(key(field));
    if (!el) {
      return;
    }
    if (el.value !== field.value) {
      el.value = field.value;
      el.dispatchEvent(new Event("input", { bubbles: true }));
    }
    el.focus();
    try {
      el.setSelectionRange(field.selectionStart, field.selectionEnd);
    } catch (err) {
      // not a text field
    }
  });

  (document.readyState === "complete"
    ? Promise.resolve()
    : new Promise(function (resolve) {
        window.addEventListener("load", resolve, { once: true });
      })
  )
    .then(function () {
      // After the first paint: two animation frames after the load event.
      return new Promise(function (resolve) {
        requestAnimationFrame(function () {
          requestAnimationFrame(function () {
            setTimeout(resolve, 0);
          });
        });
      });
    })
    .then(function () {
      goappInitServiceWorker();
      if (needed()) {
        start();
      }
    });
})();
