// Training pages: the course's print button (the page's print style leaves out the navigation).
"use strict";
(function () {
  const button = document.getElementById("print-course");
  if (button) button.addEventListener("click", () => window.print());
})();
