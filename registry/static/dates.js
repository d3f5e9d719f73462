// Help for typing dates (dd/mm/yyyy, Buddhist Era on Thai pages) and 24-hour times (13.30)
// into the plain text inputs marked data-date-input="date" or "time". The server reads and
// checks what is typed; without this script the inputs work the same, with less help.
//  - "/" (or "." in a time) is put in after the day, the month and the hour, and a separator
//    typed just after one put in is not doubled;
//  - Thai digits become Arabic ones;
//  - a message from the server goes once what it was about is changed;
//  - once a whole date is typed, the date it reads as is shown under it in words, and when
//    the input is left it is marked if it is not yet a date (or time), so a wrong era or day
//    is seen before the form is sent.
(function () {
  "use strict";
  var SEPARATORS = "/.:-";
  var THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙";

  function kindOf(input) {
    return input && input.getAttribute ? input.getAttribute("data-date-input") : null;
  }

  function arabic(text) {
    return text.replace(/[๐-๙]/g, function (digit) { return String(THAI_DIGITS.indexOf(digit)); });
  }

  function separatorFor(input) {
    if (kindOf(input) === "date") { return "/"; }
    return input.getAttribute("data-era") === "be" ? "." : ":";
  }

  function atEnd(input) {
    return input.selectionStart === input.value.length && input.selectionEnd === input.value.length;
  }

  // A separator typed right after one already there (put in for the user) is not doubled.
  document.addEventListener("beforeinput", function (event) {
    var input = event.target;
    if (!kindOf(input) || event.inputType !== "insertText" || !event.data) { return; }
    if (event.data.length === 1 && SEPARATORS.indexOf(event.data) >= 0 && atEnd(input) &&
        input.value.length > 0 && SEPARATORS.indexOf(input.value.slice(-1)) >= 0) {
      event.preventDefault();
    }
  });

  document.addEventListener("input", function (event) {
    var input = event.target;
    var kind = kindOf(input);
    if (!kind) { return; }
    var value = arabic(input.value);
    var typing = event.inputType === "insertText" && atEnd(input);
    if (typing && event.data && /^\d$/.test(arabic(event.data))) {
      var pattern = kind === "date" ? /^(\d{2}|\d{1,2}[/.\-]\d{2})$/ : /^\d{2}$/;
      if (pattern.test(value)) { value += separatorFor(input); }
    }
    if (value !== input.value) { input.value = value; }
    showReading(input, true);
    // The server's message was about what was typed before: it goes once the text changes.
    if (input.classList.contains("is-invalid")) {
      input.classList.remove("is-invalid");
      input.removeAttribute("aria-invalid");
      var error = document.getElementById(input.id + "-error");
      if (error) { error.hidden = true; }
    }
  });

  function readDate(text, buddhist) {
    var found = /^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2}|\d{4})$/.exec(text);
    var iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text);
    var day, month, year;
    if (iso) {
      year = +iso[1]; month = +iso[2]; day = +iso[3];
    } else if (found) {
      day = +found[1]; month = +found[2]; year = +found[3];
      if (found[3].length === 2) { year += buddhist ? 2500 : 2000; }
      if (buddhist) {
        if (year < 2400) { return null; }  // a Common-Era year on a Thai page
        year -= 543;
      } else if (year > 2400) {
        return null;  // a Buddhist-Era year on an English page
      }
    } else {
      return null;
    }
    if (year < 1950 || year > 2200) { return null; }
    var date = new Date(Date.UTC(year, month - 1, day));
    if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) { return null; }
    return date;
  }

  function readTime(text) {
    var found = /^(\d{1,2})\s*[.:]\s*(\d{2})(?:\s*[.:]\s*\d{2})?(\s*น\.?)?$/.exec(text);
    return Boolean(found) && +found[1] <= 23 && +found[2] <= 59;
  }

  function readingOf(input) {
    var hint = document.getElementById(input.id + "-hint");
    if (!hint) { return null; }
    var reading = hint.querySelector(".date-reading");
    if (!reading) {
      reading = document.createElement("span");
      reading.className = "date-reading";
      hint.appendChild(document.createTextNode(" "));
      hint.appendChild(reading);
    }
    return reading;
  }

  function clearReading(input) {
    input.classList.remove("date-doubtful");
    var hint = document.getElementById(input.id + "-hint");
    var reading = hint && hint.querySelector(".date-reading");
    if (reading) { reading.textContent = ""; }
  }

  // As soon as what is typed is a whole date: the date in words ("วันจันทร์ที่ 28 ธันวาคม
  // พ.ศ. 2569") under the input. Shown while typing, not when the input is left, so nothing
  // moves under the pointer on its way to the form's button.
  function showReading(input, typing) {
    clearReading(input);
    var text = arabic(input.value.trim());
    // "28/12/25" may be the start of 2569: a two-digit year is read once the input is left.
    if (typing && /^\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2}$/.test(text)) { return; }
    var buddhist = input.getAttribute("data-era") === "be";
    var date = kindOf(input) === "date" && text ? readDate(text, buddhist) : null;
    var reading = date && readingOf(input);
    if (reading && window.Intl && Intl.DateTimeFormat) {
      var locale = buddhist ? "th-TH-u-ca-buddhist" : "en-GB";
      reading.textContent = "(" + new Intl.DateTimeFormat(locale, {
        dateStyle: "full", timeZone: "UTC"
      }).format(date) + ")";
    }
  }

  // On leaving the input: a mark (the border's colour only) that it is not yet a date or a
  // time; the server says exactly what is wrong when the form is sent.
  document.addEventListener("change", function (event) {
    var input = event.target;
    var kind = kindOf(input);
    var text = kind ? arabic(input.value.trim()) : "";
    if (!text) { return; }
    showReading(input, false);
    var buddhist = input.getAttribute("data-era") === "be";
    var readable = kind === "time" ? readTime(text) : readDate(text, buddhist) !== null;
    input.classList.toggle("date-doubtful", !readable);
  });
}());
