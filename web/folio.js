// Folio: loaded with defer (it is not needed for the first paint; theme.js,
// inline in the head, applies the display preferences): embed facades'
// click-to-load, images falling back to their src, and a way for the app
// to talk to the service worker.
(function () {
  "use strict";
  // Embeds: the sanitiser writes each video or post of an article as a
  // facade, <figure class="embed" data-embed-src=PLAYER><a href=ORIGINAL>,
  // which is a plain link and loads nothing from the provider. A click on
  // it, online, puts the provider's player in its place: only then does the
  // browser talk to the provider, from its privacy-enhanced domain where it
  // has one, in a sandbox. The players' origins are the ones the pages' CSP
  // frame-src allows (sanitize.FrameSources; web's tests check the list).
  var frameOrigins = [
    "https://www.youtube-nocookie.com", "https://player.vimeo.com", "https://www.dailymotion.com",
    "https://platform.twitter.com", "https://embed.bsky.app", "https://www.instagram.com",
    "https://www.tiktok.com", "https://open.spotify.com", "https://w.soundcloud.com", "https://codepen.io"
  ];
  function playerSrc(fig) {
    var src = fig.getAttribute("data-embed-src") || "";
    for (var i = 0; i < frameOrigins.length; i++) {
      if (src.indexOf(frameOrigins[i] + "/") === 0) {
        return src;
      }
    }
    return "";
  }
  document.addEventListener("click", function (e) {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) {
      return;
    }
    var link = e.target && e.target.closest && e.target.closest(".article-body figure.embed[data-embed-src] > a");
    if (!link || navigator.onLine === false) {
      return; // offline, or not a facade: the link is a link
    }
    var fig = link.parentNode;
    var src = playerSrc(fig);
    if (!src) {
      return;
    }
    e.preventDefault();
    e.stopPropagation(); // the app's own link handling must not navigate
    var frame = document.createElement("iframe");
    frame.src = src;
    frame.title = link.textContent;
    frame.setAttribute("sandbox", "allow-scripts allow-same-origin allow-popups allow-presentation");
    frame.setAttribute("allow", "autoplay; encrypted-media; fullscreen; picture-in-picture");
    frame.setAttribute("allowfullscreen", "");
    frame.setAttribute("referrerpolicy", "strict-origin-when-cross-origin");
    frame.className = "embed-frame";
    fig.classList.add("embed-loaded");
    fig.insertBefore(frame, link);
    frame.focus();
  }, true);

  // Images: a card or lead image offers its other widths (srcset), and an
  // article saved for offline reading keeps the one each page shows (its
  // src) besides the one the browser chose then. Offline, or when a
  // candidate fails, the image falls back to its src: the failed srcset is
  // dropped, for the ones that failed before this script ran too.
  function fallBack(img) {
    if (img && img.tagName === "IMG" && img.hasAttribute("srcset")) {
      img.removeAttribute("srcset");
      img.removeAttribute("sizes");
    }
  }
  document.addEventListener("error", function (e) { fallBack(e.target); }, true);
  for (var i = 0; i < document.images.length; i++) {
    var img = document.images[i];
    if (img.complete && img.naturalWidth === 0 && img.currentSrc && img.currentSrc !== img.src) {
      fallBack(img);
    }
  }

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
