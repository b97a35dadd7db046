/*
 * Booking pages, progressively enhanced. Everything works without this file:
 * the time zone can be typed into its form, and errors are listed at the top.
 *
 * 1. On a page that shows times, if the address names no zone and the browser's
 *    zone differs from the one shown, reload once with ?tz=<browser zone>, so a
 *    visitor sees their own clock without having to ask for it.
 * 2. Move focus to an error summary, so keyboard and screen reader users
 *    start where the problem is explained.
 */
(function () {
  "use strict";

  function browserZone() {
    try {
      return Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    } catch (error) {
      return "";
    }
  }

  function useBrowserZone() {
    var note = document.querySelector("[data-viewer-tz]");
    if (!note || !window.URLSearchParams) {
      return;
    }
    var params = new URLSearchParams(window.location.search);
    if (params.has("tz")) {
      return; // the address (a link or the person) already chose a zone
    }
    var zone = browserZone();
    if (!zone || zone === note.getAttribute("data-viewer-tz")) {
      return;
    }
    params.set("tz", zone);
    window.location.replace(window.location.pathname + "?" + params.toString());
  }

  function focusErrors() {
    var summary = document.querySelector(".error-summary");
    if (summary) {
      summary.focus();
    }
  }

  function start() {
    useBrowserZone();
    focusErrors();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
