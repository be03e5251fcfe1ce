// Progressive enhancement for the posting forms: live keyword suggestions
// and the completeness meter. Every page works without it.
(function () {
  "use strict";
  var form = document.querySelector("form.posting");
  if (!form) return;
  var kind = form.getAttribute("data-kind");
  var csrf = form.querySelector("input[name=_csrf]").value;
  var kw = form.querySelector("input[name=keywords]");
  var box = form.querySelector(".suggest");
  var chips = box && box.querySelector(".chips");
  var timer = null;

  function current() {
    return kw.value.split(/[、，,;；\s]+/).filter(function (w) { return w; });
  }
  function text() {
    var parts = [];
    ["problem", "targets", "tried", "description", "field", "fields"].forEach(function (n) {
      var el = form.elements[n];
      if (el && el.value) parts.push(el.value);
    });
    return parts.join("\n");
  }
  function suggest() {
    var title = form.elements.title.value, body = text();
    if ((title + body).length < 8) { box.hidden = true; return; }
    fetch("/api/v1/keywords", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify({ type: kind, title: title, text: body })
    }).then(function (r) { return r.ok ? r.json() : null; }).then(function (data) {
      if (!data) return;
      var have = current();
      chips.textContent = "";
      data.keywords.filter(function (w) { return have.indexOf(w) < 0; }).forEach(function (w) {
        var b = document.createElement("button");
        b.type = "button"; b.className = "chip"; b.textContent = "+ " + w;
        b.addEventListener("click", function () {
          var list = current(); list.push(w); kw.value = list.join("、"); b.remove();
        });
        chips.appendChild(b);
      });
      box.hidden = chips.children.length === 0;
    }).catch(function () {});
  }
  if (kw && box) {
    form.addEventListener("input", function (e) {
      if (e.target === kw) return;
      clearTimeout(timer); timer = setTimeout(suggest, 600);
    });
    suggest();
  }

  // The completeness meter mirrors duijie.Challenge.Missing.
  var meter = form.querySelector(".meter");
  if (kind !== "challenge" || !meter) return;
  var checks = [
    [function () { return form.elements.targets.value.trim(); }, "可量化的指标（如温差≤3℃、良率≥98%）"],
    [function () { return form.elements.tried.value.trim(); }, "已尝试过的方案及效果"],
    [function () { return +form.elements.budget_min.value || +form.elements.budget_max.value; }, "预算范围"],
    [function () { return form.elements.deadline.value; }, "期望完成时间"],
    [function () { return +form.elements.trl_expect.value; }, "期望的技术成熟度（TRL）"]
  ];
  function update() {
    var missing = checks.filter(function (c) { return !c[0](); }).map(function (c) { return c[1]; });
    var pct = Math.round(100 * (checks.length - missing.length) / checks.length);
    meter.querySelector("meter").value = pct;
    meter.querySelector(".pct").textContent = pct + "%";
    meter.querySelector(".missing").textContent = missing.length ?
      "院所团队还想知道：" + missing.join("；") + "。" : "信息完整，院所可以据此评估。";
  }
  form.addEventListener("input", update);
})();
