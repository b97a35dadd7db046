// A rough strength estimate under each new-password field, in words as well as a bar.
// Only a hint while typing: the server checks the client's rules on save, including
// the list of common passwords, which is too large to send to the browser.
//
// Markup: <input data-password-strength="ID" data-min-length="12"> and an element with
// that ID holding a <meter> and an aria-live [data-strength-text]. Without this script
// the element stays hidden and the rules listed on the page say the same in text.
(function () {
  "use strict";

  var LABELS = ["weak", "weak", "fair", "strong", "very strong"];
  // Rows people slide along; three or more neighbours, either way, are cheap to guess.
  var ROWS = ["abcdefghijklmnopqrstuvwxyz", "01234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm"];
  ROWS = ROWS.concat(ROWS.map(function (row) { return row.split("").reverse().join(""); }));
  // A few of the words every guessing list starts with.
  var WORDS = [
    "password", "passwort", "qwerty", "letmein", "welcome", "iloveyou", "admin",
    "monkey", "dragon", "football", "baseball", "sunshine", "princess", "master",
    "secret", "login", "hello", "shadow", "trustno",
  ];
  var DATE = /(?:19|20)\d\d[-/.]?(?:0?[1-9]|1[0-2])[-/.]?(?:0?[1-9]|[12]\d|3[01])|(?:0?[1-9]|[12]\d|3[01])[-/.]?(?:0?[1-9]|1[0-2])[-/.]?(?:19|20)?\d\d|(?:19|20)\d\d/g;

  // Guessing work per character, from which kinds of character appear.
  function bitsPerCharacter(password) {
    var pool = 0;
    if (/[a-z]/.test(password)) { pool += 26; }
    if (/[A-Z]/.test(password)) { pool += 26; }
    if (/[0-9]/.test(password)) { pool += 10; }
    if (/[^a-zA-Z0-9]/.test(password)) { pool += 33; }
    return Math.log(Math.max(pool, 2)) / Math.LN2;
  }

  // The longest stretch from `start` that runs along one of the rows.
  function runLength(text, start) {
    var best = 0;
    ROWS.forEach(function (row) {
      var n = 0;
      while (start + n < text.length && row.indexOf(text.slice(start, start + n + 1)) !== -1) {
        n++;
      }
      best = Math.max(best, n);
    });
    return best;
  }

  // How many characters add real guessing work: repeats, runs, dates and common
  // words count for about one character each, however long they are.
  function effectiveLength(password) {
    var lower = password.toLowerCase();
    var cheap = new Array(lower.length);
    var i;

    function markRange(from, to) {  // keep the first character of the pattern
      for (var k = from + 1; k < to; k++) { cheap[k] = true; }
    }

    WORDS.forEach(function (word) {
      var at = lower.indexOf(word);
      while (at !== -1) {
        markRange(at, at + word.length);
        at = lower.indexOf(word, at + 1);
      }
    });
    lower.replace(DATE, function (match, offset) {
      markRange(offset, offset + match.length);
      return match;
    });
    // The same character again, or the same chunk again ("abcabc").
    lower.replace(/(.+?)\1+/g, function (match, unit, offset) {
      markRange(offset + unit.length - 1, offset + match.length);
      return match;
    });
    // Three or more neighbours on a row: "abcd", "4321", "qwerty".
    for (i = 0; i < lower.length; i++) {
      var length = runLength(lower, i);
      if (length >= 3) {
        markRange(i, i + length);
        i += length - 1;
      }
    }
    var count = 0;
    for (i = 0; i < lower.length; i++) {
      if (!cheap[i]) { count++; }
    }
    return count;
  }

  // Characters as the server counts them: after NFKC, by code point.
  function characters(password) {
    return Array.from(password.normalize ? password.normalize("NFKC") : password).length;
  }

  // 0-4: weak, weak, fair, strong, very strong.
  function score(password, minLength) {
    var bits = effectiveLength(password) * bitsPerCharacter(password);
    var level = bits < 28 ? 0 : bits < 45 ? 1 : bits < 65 ? 2 : bits < 90 ? 3 : 4;
    return characters(password) < minLength ? Math.min(level, 1) : level;
  }

  function describe(password, minLength) {
    // The same characters typed differently (full-width, say) count the same, as on the server.
    password = password.normalize ? password.normalize("NFKC") : password;
    var level = score(password, minLength);
    var text = "Strength: " + LABELS[level];
    if (characters(password) < minLength) {
      text += " (too short: use at least " + minLength + " characters)";
    }
    return { level: level, text: text + "." };
  }

  function attach(input) {
    var box = document.getElementById(input.getAttribute("data-password-strength"));
    if (!box) {
      return;
    }
    var meter = box.querySelector("meter");
    var words = box.querySelector("[data-strength-text]");
    var minLength = Number(input.getAttribute("data-min-length")) || 0;
    var shown = "";

    function update() {
      if (!input.value) {
        box.hidden = true;
        words.textContent = shown = "";
        return;
      }
      var result = describe(input.value, minLength);
      box.hidden = false;
      if (meter) {
        meter.value = result.level;
      }
      // Only a change of verdict is announced, not every keystroke.
      if (result.text !== shown) {
        words.textContent = shown = result.text;
      }
    }

    input.addEventListener("input", update);
    update();
  }

  var inputs = document.querySelectorAll("input[data-password-strength]");
  for (var n = 0; n < inputs.length; n++) {
    attach(inputs[n]);
  }
})();
