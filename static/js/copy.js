// Progressive enhancement: a "Copy" button next to read-only addresses. Without
// JavaScript the address is still there to select and copy by hand.
(function () {
  "use strict";
  if (!navigator.clipboard) { return; }
  Array.prototype.forEach.call(document.querySelectorAll("input[data-copy]"), function (input) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button button--secondary button--small";
    button.textContent = "Copy";
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(input.value).then(function () {
        button.textContent = "Copied";
        setTimeout(function () { button.textContent = "Copy"; }, 2000);
      });
    });
    input.insertAdjacentElement("afterend", button);
  });
  Array.prototype.forEach.call(document.querySelectorAll("input[data-copy]"), function (input) {
    input.addEventListener("focus", function () { input.select(); });
  });
})();
