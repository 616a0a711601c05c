// Progressive enhancement: next to a session's time (shown in the session's own zone),
// add the same instant in the visitor's zone when it differs. Without JavaScript the
// page still shows the session's zone, which is always correct.
(function () {
  "use strict";
  var here = Intl.DateTimeFormat().resolvedOptions().timeZone;
  var nodes = document.querySelectorAll("time[data-zone][datetime]");
  Array.prototype.forEach.call(nodes, function (node) {
    if (!here || node.getAttribute("data-zone") === here) { return; }
    var start = new Date(node.getAttribute("datetime"));
    if (isNaN(start)) { return; }
    var options = { weekday: "short", hour: "numeric", minute: "2-digit", timeZoneName: "short" };
    var text = new Intl.DateTimeFormat(document.documentElement.lang || undefined, options).format(start);
    var note = document.createElement("span");
    note.className = "viewer-time";
    note.textContent = " (" + text + " " + (node.getAttribute("data-label") || "your time") + ")";
    node.insertAdjacentElement("afterend", note);
  });
})();
