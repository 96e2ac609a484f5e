"use strict";
// The whole page is rendered from the embedded JSON; state lives in the URL fragment
// (#task=..&outcome=..&episode=..) so that a link opens a given episode.
const DATA = JSON.parse(document.getElementById("report-data").textContent);
const S = DATA.summary;
const BY_ID = new Map(DATA.episodes.map((e) => [e.id, e]));

function h(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    node.append(c instanceof Node ? c : String(c));
  }
  return node;
}
const dash = (v, f) => (v === null || v === undefined ? "-" : f(v));
const fixed = (d) => (v) => dash(v, (x) => x.toFixed(d));
const secs = (v) => dash(v, (x) => (x >= 100 ? x.toFixed(0) : x.toFixed(1)) + "s");
const toks = (n) => dash(n, (x) => (x >= 1e6 ? (x / 1e6).toFixed(2) + "M" : x >= 1e4 ? (x / 1e3).toFixed(1) + "k" : String(x)));
const plural = (n, word) => n + " " + word + (n === 1 ? "" : "s");
const badge = (text, cls) => h("span", { class: "badge " + (cls || text) }, text);

function state() {
  const p = new URLSearchParams(location.hash.slice(1));
  return { task: p.get("task") || "", outcome: p.get("outcome") || "", episode: p.get("episode") || "" };
}
function go(change) {
  const next = Object.assign(state(), change);
  const p = new URLSearchParams();
  for (const k of ["task", "outcome", "episode"]) if (next[k]) p.set(k, next[k]);
  history.pushState(null, "", "#" + p.toString());  // pushState fires no hashchange: render now
  render();
}

function renderHead() {
  const who = [S.policy && "policy " + S.policy, S.model && "model " + S.model, "k=" + S.k].filter(Boolean).join(" · ");
  document.getElementById("head").replaceChildren(
    h("h1", null, "Run " + S.run), h("div", { class: "sub" }, who + " · generated " + DATA.generated));
}

function renderOverview() {
  const card = (v, k) => h("div", { class: "card" }, h("div", { class: "v" }, v), h("div", { class: "k" }, k));
  const cards = h("div", { class: "cards" },
    card(S.episodes, "episodes"), card(S.resolved, "resolved"), card(fixed(2)(S.pass_at_1), "pass@1 (mean)"),
    card(fixed(2)(S.pass_at_k), "pass@" + S.k + " (mean)"), card(dash(S.kept, String), "kept"),
    card(S.exported, "exported rows"), card(toks(S.prompt_tokens) + " / " + toks(S.completion_tokens), "tokens in / out"),
    card(dash(S.cost, (c) => "$" + c.toFixed(4)), "cost"), card(secs(S.span_s), "span"),
    card(S.infra_errors, "infra errors"));
  const drops = Object.entries(S.drops).sort((a, b) => b[1] - a[1]);
  const parts = [cards, h("p", { class: "note" }, "Drops: ",
    drops.length ? drops.map(([r, n]) => r + " " + n).join(", ") : "none")];
  for (const w of S.warnings) parts.push(h("p", { class: "note warn" }, "warning: " + w));
  document.getElementById("overview").replaceChildren(...parts);
}

function renderTasks(st) {
  const cols = ["task", "episodes", "graded", "resolved", "pass@1", "pass@" + S.k, "mean steps", "tokens in", "tokens out", "mean wall", "infra", "outcomes"];
  const head = h("thead", null, h("tr", null, cols.map((c, i) => h("th", { class: i && i < 11 ? "n" : null }, c))));
  const rows = Object.entries(S.tasks).map(([id, t]) => h("tr", {
    class: st.task === id ? "sel" : null, "data-task": id, onclick: () => go({ task: st.task === id ? "" : id, episode: "" }) },
    h("td", null, id), [t.attempts, t.graded, t.resolved, fixed(2)(t.pass_at_1), fixed(2)(t.pass_at_k),
      fixed(1)(t.mean_steps), toks(t.prompt_tokens), toks(t.completion_tokens), secs(t.mean_wall_s), t.infra_errors]
      .map((v) => h("td", { class: "n" }, v)),
    h("td", null, Object.entries(t.outcomes).map(([o, n]) => [badge(o + " " + n, o), " "]))));
  const total = h("tr", { class: "total" }, h("td", null, "total"), [S.episodes, S.graded, S.resolved,
    fixed(2)(S.pass_at_1), fixed(2)(S.pass_at_k), "", toks(S.prompt_tokens), toks(S.completion_tokens), "", S.infra_errors]
    .map((v) => h("td", { class: "n" }, v)), h("td"));
  document.getElementById("tasks").replaceChildren(head, h("tbody", null, rows, total));
}

function select(name, value, options, label) {
  return h("label", null, label + " ", h("select", { id: "filter-" + name, onchange: (e) => go({ [name]: e.target.value }) },
    h("option", { value: "" }, "all"), options.map((o) => h("option", { value: o, selected: o === value ? "" : null }, o))));
}

function renderList(st) {
  const outcomes = [...new Set(DATA.episodes.map((e) => e.outcome))].sort();
  const shown = DATA.episodes.filter((e) => (!st.task || e.task === st.task) && (!st.outcome || e.outcome === st.outcome));
  document.getElementById("filters").replaceChildren(select("task", st.task, Object.keys(S.tasks), "task"),
    select("outcome", st.outcome, outcomes, "outcome"), h("span", { class: "hint" }, shown.length + " shown"));
  const head = h("thead", null, h("tr", null, h("th", null, "episode"), h("th", null, "outcome"),
    ["steps", "tokens", "wall"].map((c) => h("th", { class: "n" }, c))));
  const rows = shown.map((e) => h("tr", { class: e.id === st.episode ? "sel" : null, "data-episode": e.id, onclick: () => go({ episode: e.id }) },
    h("td", { title: e.id }, e.task + " #" + e.attempt), h("td", null, badge(e.outcome)),
    h("td", { class: "n" }, e.steps), h("td", { class: "n" }, toks(e.tokens)), h("td", { class: "n" }, secs(e.wall_s))));
  document.getElementById("episodes").replaceChildren(head, h("tbody", null, rows));
}

function diffView(text) {
  return h("pre", { class: "diff" }, text.split("\n").map((line) => {
    const cls = line.startsWith("+++") || line.startsWith("---") ? null : line.startsWith("+") ? "add" : line.startsWith("-") ? "del" : line.startsWith("@@") ? "hunk" : null;
    return cls ? h("span", { class: cls }, line) : line + "\n";
  }));
}

function callView(c) {
  const exit = c.exit_code === null || c.exit_code === undefined ? null : badge("exit " + c.exit_code, c.exit_code === 0 ? "ok" : "bad");
  return h("div", { class: "call" },
    h("div", null, h("span", { class: "name" }, c.name), " ", exit, " ", c.timed_out ? badge("timed out", "warn") : null,
      " ", h("span", { class: "meta" }, c.duration_s !== undefined ? secs(c.duration_s) + " · " + c.output_bytes + " bytes" : "no result")),
    h("pre", { class: "args" }, c.arguments),
    c.error ? h("div", { class: "warn" }, "malformed call: " + c.error) : null,
    c.output !== undefined ? h("pre", { class: "out" }, c.output) : null);
}

function stepView(t) {
  return h("div", { class: "step" },
    h("div", { class: "meta" }, "step " + t.step + " · model " + secs(t.latency_s) + " · " + t.tokens[0] + " → " + t.tokens[1] +
      " tokens" + (t.finish_reason ? " · " + t.finish_reason : "") + (t.retries ? " · " + t.retries + " retries" : "")),
    t.reasoning ? h("details", { open: t.reasoning.length < 600 ? "" : null }, h("summary", null, "reasoning"), h("div", { class: "text reasoning" }, t.reasoning)) : null,
    t.content ? h("div", { class: "text assistant" }, t.content) : null,
    t.calls.map(callView));
}

function labelView(l) {
  if (!l) return h("p", { class: "hint" }, "Not graded.");
  const tests = Object.entries(l.tests);
  return h("div", { class: "label" },
    h("p", null, badge(l.outcome), " fail_to_pass " + l.fail_to_pass.join("/") + " · pass_to_pass " + l.pass_to_pass.join("/") +
      " · grading runs " + l.runs.map((r) => (r ? "pass" : "fail")).join(", ") + " · " + secs(l.grade_s)),
    h("p", { class: "chips" }, "tamper: ", l.tamper.length ? l.tamper.map((f) => badge(f, "bad")) : "none"),
    l.infra_reason ? h("p", { class: "warn" }, "infrastructure: " + l.infra_reason) : null,
    l.excluded_paths.length ? h("p", null, "excluded from grading: " + l.excluded_paths.join(", ")) : null,
    tests.length ? h("table", { class: "grid tests" }, h("thead", null, h("tr", null, h("th", null, "test"), h("th", null, "status"))),
      h("tbody", null, tests.map(([id, s]) => h("tr", null, h("td", null, id), h("td", null, badge(s, s === "passed" ? "ok" : s)))))) : null);
}

function renderEpisode(st) {
  const pane = document.getElementById("episode");
  const e = BY_ID.get(st.episode);
  if (!e) return pane.replaceChildren(h("p", { class: "hint" }, st.episode ? "No episode " + st.episode + " in this run." : "Select an episode to see its trajectory."));
  pane.replaceChildren(
    h("h2", null, e.task + " · attempt " + e.attempt + " ", badge(e.outcome)),
    h("div", { class: "meta" }, [e.id, e.model, e.status && e.status + " (" + e.reason + ")", plural(e.steps, "step"), toks(e.tokens) + " tokens",
      "wall " + secs(e.wall_s), "model " + secs(e.model_s), "tools " + secs(e.tool_s), e.trace].filter(Boolean).join(" · ")),
    h("h3", null, "Statement"), h("pre", { class: "statement" }, e.statement || "(no task message)"),
    DATA.system ? h("details", null, h("summary", null, "system prompt"), h("pre", null, DATA.system)) : null,
    h("h3", null, "Steps (" + e.turns.length + ")"), h("div", { id: "steps" }, e.turns.map(stepView)),
    h("h3", null, "Final diff"), e.diff ? diffView(e.diff) : h("p", { class: "hint" }, e.diff === "" ? "Empty diff." : "No end event."),
    h("h3", null, "Label"), labelView(e.label));
}

function render() {
  const st = state();
  renderTasks(st);
  renderList(st);
  renderEpisode(st);
}
renderHead();
renderOverview();
render();
window.addEventListener("hashchange", render);
