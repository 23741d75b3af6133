// Upload with a progress bar: the form is sent with XMLHttpRequest so the browser reports how many bytes
// have gone. The server answers as for a normal post: a redirect to the data set (followed here), or the
// form again with its errors (shown in place). Without JavaScript the form posts normally.
(function () {
  "use strict";
  document.querySelectorAll("form[data-upload-progress]").forEach(function (form) {
    var bar = form.querySelector("[data-upload-bar]");
    var meter = bar && bar.querySelector("progress");
    var label = bar && bar.querySelector("[data-upload-percent]");
    form.addEventListener("submit", function (event) {
      if (!window.FormData || !bar) { return; }
      event.preventDefault();
      var button = form.querySelector("button[type=submit]");
      if (button) { button.disabled = true; }
      bar.hidden = false;
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action || window.location.href);
      xhr.upload.addEventListener("progress", function (e) {
        if (!e.lengthComputable) { return; }
        var percent = Math.round((e.loaded / e.total) * 100);
        meter.value = percent;
        label.textContent = percent + " %" + (percent === 100 ? " · checking the file…" : "");
      });
      xhr.addEventListener("load", function () {
        var target = xhr.responseURL || "";
        if (xhr.status < 400 && target && target !== (form.action || window.location.href)) {
          window.location.assign(target);
          return;
        }
        document.open();
        document.write(xhr.responseText);
        document.close();
      });
      xhr.addEventListener("error", function () {
        if (button) { button.disabled = false; }
        label.textContent = "The upload was interrupted. Check the connection and try again.";
      });
      xhr.send(new FormData(form));
    });
  });
})();
