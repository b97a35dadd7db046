// Warns a minute before an idle session ends and offers to keep it.
// The server enforces the timeout whatever this script does; this only warns.
(function () {
  "use strict";
  var body = document.body;
  var left = body.getAttribute("data-session-seconds-left");
  var dialog = document.getElementById("session-warning");
  if (left === null || !dialog) {
    return;
  }
  var WARN_SECONDS = 60;
  var deadline = Date.now() + Number(left) * 1000;
  var countdown = dialog.querySelector("[data-countdown]");
  var button = dialog.querySelector("[data-keepalive]");
  var token = document.querySelector('meta[name="csrf-token"]');
  var returnFocusTo = null;

  function tick() {
    var remaining = Math.ceil((deadline - Date.now()) / 1000);
    if (remaining <= 0) {
      // The server has ended the session; reloading shows the sign-in page and why.
      window.location.reload();
      return;
    }
    if (remaining <= WARN_SECONDS) {
      if (dialog.hidden) {
        returnFocusTo = document.activeElement;
        dialog.hidden = false;
        button.focus();
      }
      countdown.textContent = String(remaining);
    }
    window.setTimeout(tick, 1000);
  }

  button.addEventListener("click", function () {
    fetch(body.getAttribute("data-session-keepalive"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": token ? token.content : "", "Accept": "application/json" },
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("signed out");
        }
        return response.json();
      })
      .then(function (data) {
        deadline = Date.now() + data.seconds_left * 1000;
        dialog.hidden = true;
        if (returnFocusTo && returnFocusTo.focus) {
          returnFocusTo.focus();
        }
      })
      .catch(function () {
        window.location.reload();
      });
  });

  tick();
})();
