// New analysis: show only the fields of the chosen kind (all of them stay in the form without JavaScript).
(function () {
  "use strict";
  var form = document.querySelector("[data-analysis-form]");
  if (!form) { return; }
  function kind() {
    var checked = form.querySelector("input[name=kind]:checked");
    return checked ? checked.value : "";
  }
  function update() {
    var current = kind();
    form.querySelectorAll("[data-for-kinds]").forEach(function (block) {
      var kinds = block.getAttribute("data-for-kinds").split(" ");
      block.hidden = current !== "" && kinds.indexOf(current) === -1;
    });
  }
  form.addEventListener("change", function (event) {
    if (event.target && event.target.name === "kind") { update(); }
  });
  update();
})();
