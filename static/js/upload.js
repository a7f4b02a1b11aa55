/* Document uploads with a progress bar (XMLHttpRequest upload events).
 *
 * Local backend: the normal multipart form is sent with XHR instead of a page load.
 * S3 backend: ask the portal for a presigned POST, send the file straight to the bucket,
 * then ask the portal to check and save it (finalize). Without JavaScript both pages still
 * work with plain forms.
 */
(function () {
  "use strict";

  function panel(root) {
    var box = root.querySelector(".js-upload-progress");
    var bar = box ? box.querySelector("progress") : null;
    var status = root.querySelector(".js-upload-status");
    return {
      progress: function (loaded, total) {
        var percent = total ? Math.round((loaded * 100) / total) : 0;
        if (box) { box.hidden = false; }
        if (bar) { bar.value = percent; }
        status.classList.remove("text-danger");
        status.textContent = status.dataset.sending.replace("{percent}", String(percent));
      },
      checking: function () {
        if (bar) { bar.value = 100; }
        status.textContent = status.dataset.checking;
      },
      fail: function (message) {
        if (box) { box.hidden = true; }
        status.classList.add("text-danger");
        status.textContent = message || status.dataset.failed;
      },
      text: function (key) { return status.dataset[key]; }
    };
  }

  function csrfToken(root) {
    var input = root.querySelector('input[name="csrf_token"]');
    return input ? input.value : "";
  }

  function setBusy(root, busy) {
    root.querySelectorAll("button, input[type=file]").forEach(function (el) {
      el.disabled = busy;
    });
  }

  /* Resolves with the XHR whatever the HTTP status; rejects only on network errors. */
  function send(url, body, headers, onProgress, onSent) {
    return new Promise(function (resolve, reject) {
      var xhr = new XMLHttpRequest();
      xhr.open("POST", url);
      Object.keys(headers || {}).forEach(function (name) {
        xhr.setRequestHeader(name, headers[name]);
      });
      if (onProgress) {
        xhr.upload.addEventListener("progress", function (event) {
          if (event.lengthComputable) { onProgress(event.loaded, event.total); }
        });
      }
      if (onSent) { xhr.upload.addEventListener("load", onSent); }
      xhr.addEventListener("load", function () { resolve(xhr); });
      xhr.addEventListener("error", function () { reject(new Error("network")); });
      xhr.addEventListener("abort", function () { reject(new Error("abort")); });
      xhr.send(body);
    });
  }

  function parse(xhr) {
    try { return JSON.parse(xhr.responseText); } catch (e) { return null; }
  }

  function portalHeaders(root) {
    return { "Accept": "application/json", "X-CSRFToken": csrfToken(root) };
  }

  function finish(root, ui, xhr) {
    var data = parse(xhr);
    if (data && data.ok && data.redirect) {
      window.location.assign(data.redirect);
      return;
    }
    setBusy(root, false);
    ui.fail(data && data.message);
  }

  function initLocal(form) {
    var ui = panel(form);
    form.addEventListener("submit", function (event) {
      var input = form.querySelector("input[type=file]");
      event.preventDefault();
      if (!input.files.length) { ui.fail(ui.text("choose")); return; }
      var body = new FormData(form);
      setBusy(form, true);
      send(form.action, body, portalHeaders(form), ui.progress, ui.checking)
        .then(function (xhr) { finish(form, ui, xhr); })
        .catch(function () { setBusy(form, false); ui.fail(); });
    });
  }

  function finalize(root, ui, url) {
    var body = new FormData();
    body.append("csrf_token", csrfToken(root));
    ui.checking();
    return send(url, body, portalHeaders(root)).then(function (xhr) { finish(root, ui, xhr); });
  }

  function uploadToBucket(root, ui, file, intent) {
    var body = new FormData();
    Object.keys(intent.fields).forEach(function (name) { body.append(name, intent.fields[name]); });
    body.append("file", file); /* S3 wants the file last */
    /* Whatever the bucket answered, the portal's finalize step gives the verdict. */
    return send(intent.url, body, {}, ui.progress)
      .catch(function () { return null; })
      .then(function () { return finalize(root, ui, intent.finalize_url); });
  }

  function initDirect(root) {
    var ui = panel(root);
    var fallback = document.querySelector(".js-upload-fallback");
    if (fallback) { fallback.hidden = true; }
    root.hidden = false;
    root.querySelector(".js-upload-start").addEventListener("click", function () {
      var input = root.querySelector("input[type=file]");
      var file = input.files[0];
      if (!file) { ui.fail(ui.text("choose")); return; }
      var headers = portalHeaders(root);
      headers["Content-Type"] = "application/json";
      var request = JSON.stringify({
        filename: file.name,
        size: file.size,
        content_type: file.type || "application/octet-stream",
        csrf_token: csrfToken(root)
      });
      setBusy(root, true);
      ui.progress(0, file.size);
      send(root.dataset.intentUrl, request, headers)
        .then(function (xhr) {
          var intent = parse(xhr);
          if (!intent || !intent.ok) {
            setBusy(root, false);
            ui.fail(intent && intent.message);
            return null;
          }
          return uploadToBucket(root, ui, file, intent);
        })
        .catch(function () { setBusy(root, false); ui.fail(); });
    });
  }

  document.querySelectorAll(".js-upload").forEach(function (root) {
    if (root.dataset.mode === "s3") { initDirect(root); } else { initLocal(root); }
  });
})();
