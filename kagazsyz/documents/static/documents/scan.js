// Progressive enhancement of /verify: where the browser has the BarcodeDetector API and a
// camera, a button scans the QR code and submits its text. Without it the page is unchanged:
// upload the PDF or paste the text.
(function () {
  "use strict";
  var box = document.getElementById("scan");
  var field = document.getElementById("qr");
  if (!box || !field || !("BarcodeDetector" in window) || !navigator.mediaDevices) {
    return;
  }
  var button = box.querySelector("button");
  var video = box.querySelector("video");
  var status = box.querySelector("[role=status]");
  var stream = null;
  var detector = null;

  function stop() {
    if (stream) {
      stream.getTracks().forEach(function (track) { track.stop(); });
    }
    stream = null;
    video.hidden = true;
    button.textContent = box.dataset.start;
  }

  function look() {
    if (!stream) {
      return;
    }
    detector.detect(video).then(function (codes) {
      if (codes.length > 0 && codes[0].rawValue) {
        field.value = codes[0].rawValue;
        stop();
        status.textContent = box.dataset.found;
        field.form.submit();
      } else {
        window.setTimeout(look, 250);
      }
    }, function () { window.setTimeout(look, 500); });
  }

  button.addEventListener("click", function () {
    if (stream) {
      stop();
      return;
    }
    window.BarcodeDetector.getSupportedFormats().then(function (formats) {
      if (formats.indexOf("qr_code") < 0) {
        throw new Error("no QR support");
      }
      detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      return navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
    }).then(function (media) {
      stream = media;
      video.srcObject = media;
      video.hidden = false;
      button.textContent = box.dataset.stop;
      return video.play();
    }).then(look, function () {
      stop();
      status.textContent = box.dataset.failed;
    });
  });
  box.hidden = false;
})();
