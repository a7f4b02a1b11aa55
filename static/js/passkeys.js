/* Passkeys and security keys (WebAuthn) for templates/accounts/_passkey*.html.
 *
 * Each ".js-passkey" element names its ceremony (data-passkey-ceremony: "register" for the
 * add form, "authenticate" for the sign-in / second step / confirmation buttons), the two
 * JSON endpoints (data-options-url, data-verify-url), where to go next (data-next) and its
 * localized messages (data-msg-*): no text is written here. The CSRF token is read from the
 * page's forms and sent as X-CSRFToken. The server answers {"redirect": url} or {"error": message}.
 * Elements stay hidden when the browser has no WebAuthn; ".js-passkey-unsupported" shows.
 */
(function () {
  "use strict";
  if (window.cofinanciaPasskeys) {
    return; /* several partials on one page load this file more than once */
  }
  window.cofinanciaPasskeys = true;

  function toBuffer(value) {
    var text = value.replace(/-/g, "+").replace(/_/g, "/");
    while (text.length % 4) {
      text += "=";
    }
    var binary = window.atob(text);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i += 1) {
      bytes[i] = binary.charCodeAt(i);
    }
    return bytes.buffer;
  }

  function toBase64url(buffer) {
    if (!buffer) {
      return null;
    }
    var bytes = new Uint8Array(buffer);
    var binary = "";
    for (var i = 0; i < bytes.length; i += 1) {
      binary += String.fromCharCode(bytes[i]);
    }
    return window.btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function descriptors(list) {
    return (list || []).map(function (item) {
      return { type: item.type, id: toBuffer(item.id), transports: item.transports };
    });
  }

  function creationOptions(options) {
    var publicKey = Object.assign({}, options);
    publicKey.challenge = toBuffer(options.challenge);
    publicKey.user = Object.assign({}, options.user, { id: toBuffer(options.user.id) });
    publicKey.excludeCredentials = descriptors(options.excludeCredentials);
    return { publicKey: publicKey };
  }

  function requestOptions(options) {
    var publicKey = Object.assign({}, options);
    publicKey.challenge = toBuffer(options.challenge);
    publicKey.allowCredentials = descriptors(options.allowCredentials);
    return { publicKey: publicKey };
  }

  function extensionResults(credential) {
    try {
      return credential.getClientExtensionResults() || {};
    } catch (ignored) {
      return {};
    }
  }

  function attestationJSON(credential) {
    var response = credential.response;
    var transports = [];
    if (typeof response.getTransports === "function") {
      transports = response.getTransports();
    }
    return {
      id: credential.id,
      rawId: toBase64url(credential.rawId),
      type: credential.type,
      authenticatorAttachment: credential.authenticatorAttachment || undefined,
      clientExtensionResults: extensionResults(credential),
      response: {
        clientDataJSON: toBase64url(response.clientDataJSON),
        attestationObject: toBase64url(response.attestationObject),
        transports: transports
      }
    };
  }

  function assertionJSON(credential) {
    var response = credential.response;
    return {
      id: credential.id,
      rawId: toBase64url(credential.rawId),
      type: credential.type,
      authenticatorAttachment: credential.authenticatorAttachment || undefined,
      clientExtensionResults: extensionResults(credential),
      response: {
        clientDataJSON: toBase64url(response.clientDataJSON),
        authenticatorData: toBase64url(response.authenticatorData),
        signature: toBase64url(response.signature),
        userHandle: toBase64url(response.userHandle)
      }
    };
  }

  function Failure(message) {
    this.message = message;
  }

  function csrfToken() {
    /* Every page has one (base.html's language form, the page's own forms). */
    var field = document.querySelector("input[name=csrf_token]");
    return field ? field.value : "";
  }

  function post(box, url, body) {
    return window
      .fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          Accept: "application/json",
          "X-CSRFToken": csrfToken()
        },
        body: JSON.stringify(body)
      })
      .catch(function () {
        throw new Failure(box.dataset.msgNetwork);
      })
      .then(function (response) {
        return response.json().then(
          function (data) {
            return data;
          },
          function () {
            throw new Failure(box.dataset.msgNetwork);
          }
        );
      })
      .then(function (data) {
        if (data.error) {
          throw new Failure(data.error);
        }
        return data;
      });
  }

  function say(box, message, isError) {
    var status = box.querySelector(".js-passkey-status");
    if (status) {
      status.textContent = message || "";
      status.className = "js-passkey-status mt-2" + (isError ? " text-danger" : "");
    }
  }

  function run(box, trigger) {
    var register = box.dataset.passkeyCeremony === "register";
    var input = box.querySelector("input[name=name]");
    var name = input ? input.value : undefined;
    var extra = { next: box.dataset.next || "" };
    if (register) {
      extra.name = name;
    }
    trigger.disabled = true;
    say(box, box.dataset.msgWorking, false);
    post(box, box.dataset.optionsUrl, extra)
      .then(function (options) {
        if (options.redirect) {
          return options;
        }
        var ceremony = register
          ? navigator.credentials.create(creationOptions(options))
          : navigator.credentials.get(requestOptions(options));
        return ceremony
          .catch(function () {
            throw new Failure(box.dataset.msgFailed);
          })
          .then(function (credential) {
            if (!credential) {
              throw new Failure(box.dataset.msgFailed);
            }
            var body = Object.assign({}, extra, {
              credential: register ? attestationJSON(credential) : assertionJSON(credential)
            });
            return post(box, box.dataset.verifyUrl, body);
          });
      })
      .then(function (data) {
        window.location.assign(data.redirect);
      })
      .catch(function (error) {
        trigger.disabled = false;
        say(box, error instanceof Failure ? error.message : box.dataset.msgFailed, true);
      });
  }

  function setup(box) {
    box.hidden = false;
    if (box.tagName === "FORM") {
      box.addEventListener("submit", function (event) {
        event.preventDefault();
        run(box, box.querySelector("button[type=submit]"));
      });
    } else {
      var button = box.querySelector(".js-passkey-start");
      button.addEventListener("click", function () {
        run(box, button);
      });
    }
  }

  function start() {
    var supported = Boolean(window.PublicKeyCredential && navigator.credentials);
    document.querySelectorAll(".js-passkey").forEach(function (box) {
      if (supported) {
        setup(box);
      }
    });
    if (!supported) {
      document.querySelectorAll(".js-passkey-unsupported").forEach(function (note) {
        note.hidden = false;
      });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
