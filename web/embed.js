/*! Folio embed loader. Swaps each <blockquote class="folio-embed"> for a
 sandboxed iframe of the article card and sizes it from the card's messages.
 No dependencies; safe to self-host. */
(function (w, d) {
  "use strict";
  if (w.FolioEmbed) return; // one loader per page handles every embed
  // Heights must match package embed (HeightWide, HeightCompact, CompactBelow,
  // DefaultWidth, MinHeight, MaxHeight).
  var HW = 194, HC = 138, NARROW = 400, DW = 550, MIN = 40, MAX = 1000;
  var frames = [], pending = 0;
  w.FolioEmbed = { scan: scan };

  function secret() {
    var a = new Uint8Array(16), s = "", i;
    w.crypto.getRandomValues(a);
    for (i = 0; i < 16; i++) s += (a[i] + 256).toString(16).slice(1);
    return s;
  }

  // load replaces the fallback b with the card's iframe.
  function load(b, u) {
    var f = d.createElement("iframe"), s = secret(), a = b.querySelector("a[href]"),
      wd = parseInt(b.getAttribute("data-width"), 10) || DW;
    u.hash = "secret=" + s;
    f.src = u.href;
    f.title = a ? a.textContent : "Article";
    f.className = "folio-embed-frame";
    f.setAttribute("sandbox", "allow-scripts allow-popups allow-popups-to-escape-sandbox");
    // A page with Cross-Origin-Embedder-Policy can embed a cross-origin
    // document only if it opts in (COEP) or loads credentialless; the
    // card keeps no cookies or storage, so it loads credentialless
    // everywhere (browsers without it ignore the attribute).
    f.setAttribute("credentialless", "");
    f.setAttribute("loading", b.getAttribute("data-consent") ? "eager" : "lazy");
    f.style.cssText = "display:block;border:0;width:100%;max-width:" + Math.min(wd, DW) +
      "px;border-radius:12px;color-scheme:normal";
    b.parentNode.insertBefore(f, b);
    b.style.display = "none";
    // Reserve a typical card's height at this width (embedcard.Height); the
    // card page then reports its own, which follows its content.
    f.style.height = (b.getAttribute("data-layout") === "compact" ||
      f.getBoundingClientRect().width < NARROW ? HC : HW) + "px";
    frames.push({ f: f, s: s });
    // The handshake: an iframe that reported before we listened reports again.
    f.addEventListener("load", function () {
      if (f.contentWindow) f.contentWindow.postMessage({ type: "folio-embed:ready", secret: s }, "*");
    });
  }

  function prepare(b) {
    var u, btn;
    b.setAttribute("data-folio", "1");
    try { u = new URL(b.getAttribute("data-src"), d.baseURI); } catch (e) { return; }
    if (!/^https?:$/.test(u.protocol) || !b.parentNode) return;
    if (b.getAttribute("data-consent") !== "click") return load(b, u);
    // Privacy mode: the fallback stays, and nothing loads until this click.
    btn = d.createElement("button");
    btn.type = "button";
    btn.className = "folio-embed-consent";
    btn.textContent = "Show the card from " + u.host;
    btn.addEventListener("click", function () { b.removeChild(btn); load(b, u); });
    b.appendChild(btn);
  }

  function scan() {
    var l = d.querySelectorAll("blockquote.folio-embed:not([data-folio])"), i;
    pending = 0;
    for (i = 0; i < l.length; i++) prepare(l[i]);
  }

  w.addEventListener("message", function (e) {
    var m = e.data, i, x;
    // The card runs in a sandbox without allow-same-origin: its origin is
    // opaque, serialised as "null". The source and secret identify it.
    if (e.origin !== "null" || !m || typeof m !== "object" || m.type !== "folio-embed:height" ||
      typeof m.secret !== "string" || typeof m.height !== "number" || !isFinite(m.height)) return;
    for (i = frames.length - 1; i >= 0; i--) {
      x = frames[i];
      if (!x.f.isConnected) frames.splice(i, 1);
      else if (e.source === x.f.contentWindow && m.secret === x.s)
        x.f.style.height = Math.min(MAX, Math.max(MIN, Math.ceil(m.height))) + "px";
    }
  });

  new MutationObserver(function () {
    if (!pending) { pending = 1; setTimeout(scan, 0); }
  }).observe(d.documentElement, { childList: true, subtree: true });
  scan();
})(window, document);
