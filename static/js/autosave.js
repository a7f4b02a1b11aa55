/* Application form: show-only-if questions follow the answers live, and the draft saves
 * itself a few seconds after the last change.
 *
 * Without JavaScript the page still works: the Save button posts the form, and questions
 * that depend on an answer appear after saving. The autosave posts the same form with an
 * "X-Autosave: 1" header; the server answers JSON with the new version number (kept in the
 * hidden version_id field, so the next save is not mistaken for a stale one) or, when
 * someone else saved in between, a 409 and a message: autosaving then stops.
 */
(function () {
  "use strict";

  var DELAY_MS = 4000;

  function inputsNamed(form, name) {
    return Array.prototype.slice.call(form.querySelectorAll('[name="' + name + '"]'));
  }

  function answerMatches(form, name, expected) {
    return inputsNamed(form, name).some(function (input) {
      if (input.type === "radio" || input.type === "checkbox") {
        return input.checked && input.value === expected;
      }
      return input.value === expected;
    });
  }

  /* Show a question when the question it depends on is shown and answered as expected. */
  function applyConditions(form) {
    var blocks = form.querySelectorAll(".js-conditional");
    var hiddenNames = {};
    blocks.forEach(function (block) {
      var key = block.dataset.showIfKey;
      var show = true;
      if (key) {
        show = !hiddenNames[key] && answerMatches(form, key, block.dataset.showIfValue);
      }
      block.hidden = !show;
      if (!show) {
        block.querySelectorAll("[name]").forEach(function (input) {
          hiddenNames[input.name] = true;
        });
      }
    });
  }

  function setup(form) {
    var status = form.querySelector(".js-autosave-status");
    var version = form.querySelector('input[name="version_id"]');
    var timer = null;
    var stopped = false;
    var inflight = null; /* the autosave request being sent, if any */

    function say(text, failed) {
      if (!status) { return; }
      status.textContent = text || "";
      status.classList.toggle("text-danger", Boolean(failed));
    }

    function save() {
      timer = null;
      if (stopped) { return; }
      var body = new FormData(form);
      inflight = fetch(form.action, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "X-Autosave": "1", "Accept": "application/json" }
      }).then(function (response) {
        return response.json().then(function (data) { return { status: response.status, data: data }; });
      }).then(function (result) {
        if (result.data.ok) {
          if (version && result.data.version_id) { version.value = String(result.data.version_id); }
          say(result.data.message, false);
        } else {
          if (result.status === 409) { stopped = true; }
          say(result.data.message, true);
        }
      }).catch(function () {
        say("", false); /* offline or server error: the Save button still works */
      }).then(function () {
        inflight = null;
      });
    }

    function changed() {
      applyConditions(form);
      if (stopped) { return; }
      if (timer) { window.clearTimeout(timer); }
      timer = window.setTimeout(save, DELAY_MS);
    }

    form.addEventListener("input", changed);
    form.addEventListener("change", changed);
    /* A click on Save while an autosave is on its way waits for it, so the form is posted
       with the version number that autosave produced (not mistaken for a stale save). */
    form.addEventListener("submit", function (event) {
      if (timer) { window.clearTimeout(timer); timer = null; }
      stopped = true;
      if (inflight) {
        event.preventDefault();
        var submitter = event.submitter || null;
        inflight.then(function () { form.requestSubmit(submitter); });
      }
    });
    applyConditions(form);
  }

  document.querySelectorAll("form.js-autosave").forEach(setup);
})();
