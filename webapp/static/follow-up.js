/* Shows a follow-up question as soon as the answer it depends on is given on the same page.
   The conditions are the questionnaire's own (questionnaires/conditions.py), sent with each
   hidden question. Without this script the page still works: the question appears after a save. */
(function () {
  "use strict";

  function answerOf(form, id) {
    /* A group of boxes also sends an empty hidden marker under its name: not an answer. */
    var inputs = form.querySelectorAll('[name="q_' + id + '"]:not([type="hidden"])');
    if (!inputs.length) { return null; }
    var first = inputs[0];
    if (first.type === "checkbox") {
      return Array.prototype.filter.call(inputs, function (el) { return el.checked; })
        .map(function (el) { return el.value; });
    }
    if (first.type === "radio") {
      var checked = Array.prototype.filter.call(inputs, function (el) { return el.checked; });
      return checked.length ? checked[0].value : null;
    }
    if (first.value === "") { return null; }
    return first.type === "number" || /^-?\d+(\.\d+)?$/.test(first.value) ? Number(first.value) : first.value;
  }

  function numeric(a) { return typeof a === "number" && !isNaN(a); }

  var COMPARE = {
    equals: function (a, v) { return a === v; },
    not_equals: function (a, v) { return a !== v; },
    "in": function (a, v) { return v.indexOf(a) !== -1; },
    contains: function (a, v) { return Array.isArray(a) && a.indexOf(v) !== -1; },
    gt: function (a, v) { return numeric(a) && a > v; },
    gte: function (a, v) { return numeric(a) && a >= v; },
    lt: function (a, v) { return numeric(a) && a < v; },
    lte: function (a, v) { return numeric(a) && a <= v; }
  };

  function holds(form, condition) {
    var op = Object.keys(condition)[0];
    var arg = condition[op];
    if (op === "all") { return arg.every(function (c) { return holds(form, c); }); }
    if (op === "any") { return arg.some(function (c) { return holds(form, c); }); }
    if (op === "not") { return !holds(form, arg); }
    if (op === "answered") {
      var given = answerOf(form, arg);
      return given !== null && !(Array.isArray(given) && !given.length);
    }
    var answer = answerOf(form, arg[0]);
    if (answer === null) { return false; }
    return COMPARE[op] ? COMPARE[op](answer, arg[1]) : false;
  }

  /* The other work an agency does: the work of the chosen type is ticked and fixed. */
  function fixDefaults(form) {
    var type = answerOf(form, "agency_type");
    form.querySelectorAll("[data-default-for]").forEach(function (box) {
      var fixed = type !== null && box.getAttribute("data-default-for").split(" ").indexOf(type) !== -1;
      if (fixed) {
        if (!box.disabled) { box.setAttribute("data-was-checked", box.checked ? "1" : ""); }
        box.checked = true;
        box.disabled = true;
      } else if (box.disabled) {
        box.disabled = false;
        box.checked = box.getAttribute("data-was-checked") === "1";
      }
    });
  }

  function update(form) {
    fixDefaults(form);
    form.querySelectorAll("[data-show-if]").forEach(function (block) {
      var show = holds(form, JSON.parse(block.getAttribute("data-show-if")));
      block.hidden = !show;
      var shown = block.querySelector('input[name="shown"]');
      if (shown) { shown.disabled = !show; }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form [data-show-if], form [data-default-for]");
    form = form && form.closest("form");
    if (!form) { return; }
    form.addEventListener("change", function () { update(form); });
    form.addEventListener("input", function () { update(form); });
    update(form);
  });
}());
