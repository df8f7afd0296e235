/* rollout5g: behaviour of every page (loaded by base.html). No inline scripts: the Content-Security-Policy
   allows scripts from /static/ only. */
(function () {
  "use strict";
  document.querySelectorAll("select[data-submit-on-change]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
})();
