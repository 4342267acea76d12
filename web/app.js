// SentriKat status page: logs in, then renders the read API (/api/status, /api/assets, /api/vulnerabilities) and
// "Add a device" (the admin API /api/keys and /api/devices/recent).
// Plain DOM code, no libraries. Every value from the API goes in through textContent, never as HTML.
"use strict";

(function () {
  const state = { csrf: null, user: null, status: null, notice: null };
  const $ = (id) => document.getElementById(id);

  // --- small helpers -------------------------------------------------------------------

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "className") node.className = value;
      else if (name === "text") node.textContent = value;
      else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, value === true ? "" : String(value));
    }
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  const number = (n) => (n === null || n === undefined ? "–" : Number(n).toLocaleString("en-US"));

  // "2026-11-29T04:57:08Z" -> "2026-11-29 05:57" in the browser's time zone (the full ISO time
  // in the tooltip); dates without a time stay as they are.
  const pad = (n) => String(n).padStart(2, "0");
  function localTime(iso) {
    if (!iso || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(iso)) return null;
    const t = new Date(iso);
    if (Number.isNaN(t.getTime())) return null;
    return `${t.getFullYear()}-${pad(t.getMonth() + 1)}-${pad(t.getDate())} ${pad(t.getHours())}:${pad(t.getMinutes())}`;
  }
  function when(iso) {
    if (!iso) return "–";
    return localTime(iso) || iso;
  }
  function time(iso) {
    const local = localTime(iso);
    return local ? el("time", { datetime: iso, title: iso, text: local }) : (iso || "–");
  }

  // KEV due dates ("2025-09-15"): past ones are overdue, counted in the browser's own day.
  function today() {
    const now = new Date();
    return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
  }
  function due(date) {
    if (!date) return "–";
    return date < today() ? [date, " ", el("span", { className: "badge bad", text: "overdue" })] : date;
  }

  // A CVE id links to its NVD page; other ids (GHSA-…, distribution advisories) stay text.
  function cveLink(id) {
    return /^CVE-\d{4}-\d{4,}$/.test(id)
      ? el("a", { href: `https://nvd.nist.gov/vuln/detail/${id}`, rel: "noopener noreferrer", target: "_blank", text: id })
      : id;
  }

  function score(cvss) {
    return cvss === null || cvss === undefined ? "–" : Number(cvss).toFixed(1);
  }

  function kevBadge(isKev) {
    return isKev ? el("span", { className: "badge kev", text: "KEV" }) : null;
  }

  function stateBadge(value) {
    const kind = { online: "ok", offline: "warn", stale: "bad", pending: "plain" }[value] || "plain";
    return el("span", { className: `badge ${kind}`, text: value });
  }

  function table(caption, headers, rows, options) {
    const head = el("tr", {}, headers.map((h) =>
      el("th", { scope: "col", className: [h.num ? "num" : "", h.optional ? "optional" : ""].join(" ").trim() || null, text: h.label || h })));
    const body = el("tbody", {}, rows);
    return el(
      "div",
      { className: "table-wrap", id: options && options.id, tabindex: "0", role: "region", "aria-label": caption },
      el("table", {}, el("caption", { text: caption }), el("thead", {}, head), body),
    );
  }

  function cell(content, className) {
    return el("td", { className: className || null }, content);
  }

  function empty(text) {
    return el("p", { className: "message", text });
  }

  function link(href, text) {
    return el("a", { href, text });
  }

  // A URL from agent or scanner data (Trivy's PrimaryURL) becomes a link only if it is http(s);
  // anything else (javascript:, data:, file:) is shown as plain text.
  function externalLink(url, text) {
    let parsed = null;
    try { parsed = new URL(url); } catch (error) { parsed = null; }
    if (!parsed || (parsed.protocol !== "https:" && parsed.protocol !== "http:")) return text;
    return el("a", { href: parsed.href, rel: "noopener noreferrer", target: "_blank", text });
  }

  function assetLink(id, hostname) {
    return link(`#/assets/${id}`, hostname);
  }

  function query(params) {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(params)) {
      if (value !== null && value !== undefined && value !== "") search.set(name, value);
    }
    const text = search.toString();
    return text ? `?${text}` : "";
  }

  function say(text) {
    $("message").textContent = text || "";
  }

  // --- API ---------------------------------------------------------------------------------

  class LoggedOut extends Error {}

  async function api(path, options) {
    const response = await fetch(path, Object.assign({ credentials: "same-origin", headers: { Accept: "application/json" } }, options || {}));
    if (response.status === 401) throw new LoggedOut();
    if (response.status === 204) return null;
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      const error = new Error(body.message || `request failed with status ${response.status}`);
      error.status = response.status;
      throw error;
    }
    return body;
  }

  // --- login and logout --------------------------------------------------------------------

  function showLogin(reason) {
    state.csrf = null;
    $("nav").hidden = true;
    $("loading").hidden = true;
    $("login-view").hidden = false;
    $("login-error").textContent = reason || "";
    document.title = "Log in – SentriKat";
    $("password").value = "";
    $("username").focus();
  }

  async function login(event) {
    event.preventDefault();
    const username = $("username").value.trim();
    const password = $("password").value;
    if (!username || !password) {
      $("login-error").textContent = "Enter the username and the password.";
      return;
    }
    $("login-button").disabled = true;
    try {
      const response = await fetch("/api/session", {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ username, password }),
      });
      const body = await response.json().catch(() => ({}));
      if (!response.ok) {
        $("login-error").textContent =
          response.status === 401 ? "The username or password is wrong." : body.message || "Login failed.";
        $("password").select();
        return;
      }
      startSession(body);
      $("password").value = "";
      await route();
    } catch (error) {
      $("login-error").textContent = `Cannot reach the appliance: ${error.message}`;
    } finally {
      $("login-button").disabled = false;
    }
  }

  function startSession(session) {
    state.csrf = session.csrf_token;
    state.user = session.username;
    $("who").textContent = `Logged in as ${session.username}`;
    $("login-view").hidden = true;
    $("nav").hidden = false;
  }

  async function logout() {
    stopPolling();
    try {
      await fetch("/api/session", { method: "DELETE", credentials: "same-origin", headers: { "X-CSRF-Token": state.csrf || "" } });
    } finally {
      showLogin("You have logged out.");
    }
  }

  // --- views -------------------------------------------------------------------------------

  function show(title, ...content) {
    const view = $("view");
    const heading = el("h1", { id: "view-title", tabindex: "-1", text: title });
    view.replaceChildren(heading, ...content.flat(Infinity).filter((node) => node !== null && node !== undefined && node !== false));
    view.hidden = false;
    $("loading").hidden = true;
    document.title = `${title} – SentriKat`;
    return heading;
  }

  function footer(status) {
    $("foot").textContent = status ? `SentriKat ${status.version} · data as of ${when(status.generated_at)}` +
        (status.tls_fingerprint ? ` · HTTPS certificate SHA-256 ${status.tls_fingerprint}` : "") : "";
  }

  function countCards(status) {
    const a = status.assets;
    const d = status.data;
    const card = (label, value, href, alert, id) =>
      el("div", { className: alert ? "card alert" : "card", id }, el("dt", {}, href ? link(href, label) : label), el("dd", { text: number(value) }));
    return el(
      "dl",
      { className: "cards", id: "counts" },
      card("Machines with KEV findings", d.kev_assets, "#/assets?kev=true", d.kev_assets > 0, "count-kev-assets"),
      card("KEV findings", d.kev_findings, "#/vulnerabilities?kev=true", d.kev_findings > 0, "count-kev-findings"),
      card("Vulnerable machines", d.vulnerable_assets, "#/assets?sort=-vulnerabilities", false, "count-vulnerable"),
      card("Online", a.online, "#/assets?state=online", false, "count-online"),
      card("Offline", a.offline, "#/assets?state=offline", a.offline > 0, "count-offline"),
      card("Stale", a.stale, "#/assets?state=stale", false, "count-stale"),
      card("Pending", a.pending, "#/assets?state=pending", false, "count-pending"),
      card("Software items", d.software_items, null, false, "count-software"),
      card("Identified", d.software_matched, null, false, "count-matched"),
      card("Container images", d.container_images, null, false, "count-images"),
    );
  }

  function assetRows(items) {
    return items.map((a) =>
      el(
        "tr",
        { className: a.kev_count > 0 ? "kev-row" : null },
        cell(assetLink(a.id, a.hostname), "host"),
        cell(stateBadge(a.state)),
        cell(a.organization, "optional"),
        cell(a.kev_count > 0 ? [el("span", { className: "badge kev", text: `KEV ${a.kev_count}` })] : "0", "num"),
        cell(number(a.vulnerability_count), "num"),
        cell(score(a.max_cvss), "num"),
        cell(a.os, "wrap optional"),
        cell(time(a.last_seen), "nowrap optional"),
      ),
    );
  }

  // Columns marked optional are hidden on phone screens; the asset page shows them all.
  const ASSET_HEADERS = [
    "Host", "State", { label: "Organization", optional: true }, { label: "KEV", num: true },
    { label: "Vulnerabilities", num: true }, { label: "Max CVSS", num: true }, { label: "OS", optional: true },
    { label: "Last seen", optional: true },
  ];

  function feedSection(feed) {
    const parts = [el("h2", { id: "feeds-title", text: "Feed freshness" })];
    if (!feed.loaded) {
      parts.push(el("p", { className: "error", id: "feed-missing", text: "No vulnerability feed is loaded: only agent-supplied CPEs are matched." }));
      return parts;
    }
    parts.push(
      el("p", {}, feed.fresh ? el("span", { className: "badge ok", text: "fresh" }) : el("span", { className: "badge warn", text: "old data" }),
        ` Feed built ${when(feed.built_at)}: ${number(feed.cves)} CVEs, ${number(feed.products)} products, ${number(feed.kev)} KEV entries.`),
      table(
        "Newest data of each kind",
        ["Kind", "Newest", { label: "Age (days)", num: true }, "State"],
        feed.kinds.map((k) =>
          el("tr", {}, cell(k.kind.toUpperCase()), cell(when(k.newest)), cell(k.age_days === null ? "–" : number(k.age_days), "num"),
            cell(el("span", { className: k.fresh ? "badge ok" : "badge warn", text: k.fresh ? "fresh" : "old" })))),
        { id: "feed-kinds" },
      ),
      el("details", {}, el("summary", { text: `Sources (${feed.sources.length} files)` }),
        table(
          "Files the feed was built from",
          ["File", "Format", "Date", { label: "Records", num: true }, { label: "Age (days)", num: true }],
          feed.sources.map((s) =>
            el("tr", {}, cell(s.file, "wrap"), cell(s.format), cell(when(s.feed_date)), cell(number(s.records), "num"),
              cell(s.age_days === null ? "–" : number(s.age_days), "num"))),
          { id: "feed-sources" },
        )),
    );
    return parts;
  }

  // The jobs a person cares about (the API gives them a title; housekeeping jobs have none),
  // and for a failure what it means and what to do, with the logged error folded away.
  function jobsSection(jobs) {
    const shown = jobs.filter((j) => j.title);
    const failed = shown.filter((j) => j.last_outcome === "failed");
    return [
      el("h2", { text: "Feed downloads and checks" }),
      failed.length
        ? el("div", { id: "job-errors" }, failed.map((j) =>
            el("div", { className: "error-box" },
              el("p", { className: "error" }, el("strong", { text: `${j.title} failed` }), ` (${when(j.last_run_at)}). `, j.advice || ""),
              el("details", {}, el("summary", { text: "The error as logged" }), el("code", { className: "wrap", text: j.last_error || "" })))))
        : el("p", { className: "message", id: "job-errors", text: "No job failed on its last run." }),
      table(
        "What the appliance does by itself",
        ["What", "Last run", "Outcome", "Next run"],
        shown.map((j) =>
          el("tr", { className: j.last_outcome === "failed" ? "kev-row" : null },
            cell(j.title, "wrap"), cell(time(j.last_run_at)),
            cell(j.last_outcome === "failed" ? el("span", { className: "badge bad", text: "failed" }) : j.last_outcome || "not run yet", "wrap"),
            cell(j.next_run_at ? time(j.next_run_at) : "when needed"))),
        { id: "jobs" },
      ),
    ];
  }

  function topSection(top) {
    return [
      el("h2", { text: "Top vulnerabilities across the office" }),
      top.length === 0
        ? empty("No vulnerability found on any active machine.")
        : table(
            "Known-exploited first, then by the number of machines affected",
            ["Vulnerability", "KEV", "Due", "Severity", { label: "CVSS", num: true }, { label: "Machines", num: true }, "Found in", "Product"],
            top.map((v) =>
              el("tr", { className: v.kev ? "kev-row" : null },
                cell(link(`#/vulnerabilities${query({ cve: v.vulnerability_id })}`, v.vulnerability_id), "nowrap"),
                cell(kevBadge(v.kev) || "no"), cell(due(v.kev_due_date), "nowrap"), cell(v.severity || "–"),
                cell(score(v.cvss), "num"), cell(number(v.assets), "num"), cell(v.sources.join(", ")),
                cell(v.products.length > 3 ? `${v.products.slice(0, 3).join(", ")} and ${v.products.length - 3} more` : v.products.join(", "), "wrap"))),
            { id: "top-vulnerabilities" },
          ),
    ];
  }

  async function dashboard() {
    const [status, kev, offline, stale] = await Promise.all([
      api("/api/status"),
      api("/api/assets?kev=true&limit=20"),
      api("/api/assets?state=offline&sort=last_seen&limit=10"),
      api("/api/assets?state=stale&sort=last_seen&limit=10"),
    ]);
    state.status = status;
    footer(status);
    const quiet = offline.items.concat(stale.items);
    show(
      "What needs doing today",
      status.assets.total === 0
        ? el("p", { className: "notice", id: "no-devices" }, "No device reports to this appliance yet. ", link("#/devices", "Add a device"), " to see its software and vulnerabilities here.")
        : null,
      countCards(status),
      el("p", { className: "next-step" }, link("#/plan", "Patch plan: what to update first"), " – per product, the version that removes its vulnerabilities, known-exploited first."),
      el("h2", { id: "kev-title", text: "Machines with known-exploited vulnerabilities" }),
      kev.total === 0
        ? empty("No machine has a known-exploited (KEV) vulnerability.")
        : [
            table(`${number(kev.total)} machine(s), most KEV findings first`, ASSET_HEADERS, assetRows(kev.items), { id: "kev-assets" }),
            kev.total > kev.items.length ? el("p", {}, link("#/assets?kev=true", `All ${number(kev.total)} machines with KEV findings`)) : null,
          ],
      el("h2", { text: "Agents that went quiet" }),
      quiet.length === 0
        ? empty("Every agent has reported recently.")
        : table(`${number(offline.total)} offline, ${number(stale.total)} stale`, ASSET_HEADERS, assetRows(quiet), { id: "quiet-assets" }),
      topSection(status.top_vulnerabilities),
      feedSection(status.feed),
      jobsSection(status.jobs),
    );
  }

  async function organizations() {
    if (!state.status) state.status = await api("/api/status");
    footer(state.status);
    return state.status.organizations;
  }

  function select(id, label, name, options, value) {
    return el("div", { className: "field" },
      el("label", { for: id, text: label }),
      el("select", { id, name }, options.map(([v, text]) => el("option", { value: v, selected: String(v) === String(value ?? ""), text }))));
  }

  function pager(page, path, params) {
    const first = page.total === 0 ? 0 : page.offset + 1;
    const last = page.offset + page.items.length;
    const pageNumber = Math.floor(page.offset / page.limit) + 1;
    const go = (n) => { location.hash = `${path}${query(Object.assign({}, params, { page: n > 1 ? n : null }))}`; };
    return el("div", { className: "pager" },
      el("span", { id: "range", text: `Showing ${number(first)}–${number(last)} of ${number(page.total)}` }),
      el("button", { type: "button", className: "secondary", disabled: page.offset === 0, onclick: () => go(pageNumber - 1), text: "Previous page" }),
      el("button", { type: "button", className: "secondary", disabled: last >= page.total, onclick: () => go(pageNumber + 1), text: "Next page" }));
  }

  function filterForm(path, fields, params) {
    const form = el("form", { className: "filters", role: "search" }, fields, el("button", { type: "submit", text: "Apply" }));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const values = {};
      for (const [name, value] of new FormData(form).entries()) values[name] = value;
      if (params.sort && !values.sort) values.sort = params.sort;
      location.hash = `${path}${query(values)}`;
    });
    return form;
  }

  const PAGE = 50;

  async function assetList(params) {
    const orgs = await organizations();
    const pageNumber = Math.max(1, parseInt(params.page || "1", 10) || 1);
    const request = { q: params.q, state: params.state, kev: params.kev, organization: params.organization, sort: params.sort, limit: PAGE, offset: (pageNumber - 1) * PAGE };
    const page = await api(`/api/assets${query(request)}`);
    const form = filterForm("#/assets", [
      el("div", { className: "field" }, el("label", { for: "filter-q", text: "Search" }),
        el("input", { id: "filter-q", name: "q", type: "search", value: params.q || "", placeholder: "host, IP, OS or tag" })),
      select("filter-state", "State", "state", [["", "Any"], ["online", "Online"], ["offline", "Offline"], ["stale", "Stale"], ["pending", "Pending"]], params.state),
      select("filter-kev", "KEV findings", "kev", [["", "Any"], ["true", "With KEV"], ["false", "Without KEV"]], params.kev),
      orgs.length > 1 ? select("filter-org", "Organization", "organization", [["", "All"]].concat(orgs.map((o) => [o.id, o.name])), params.organization) : null,
      select("filter-sort", "Order", "sort", [
        ["-kev", "KEV first"], ["-vulnerabilities", "Most vulnerabilities"], ["-cvss", "Highest CVSS"],
        ["hostname", "Host name"], ["last_seen", "Quiet longest"], ["-last_seen", "Seen last"],
      ], params.sort || "-kev"),
    ], params);
    show("Assets", form,
      page.items.length === 0 ? empty("No asset matches these filters.") : table(`Assets, page ${pageNumber}`, ASSET_HEADERS, assetRows(page.items), { id: "asset-table" }),
      pager(page, "#/assets", params));
  }

  // fix_kind of a host finding (see docs/api.md, Read API): the upper bound of the NVD range that matched.
  function fixText(kind, version) {
    if (kind === "fixed_in") return `fixed in ${version}`;
    if (kind === "fixed_after") return `fixed after ${version}`;
    return "no fixed version listed";
  }

  function facts(pairs) {
    return el("dl", { className: "facts", id: "asset-facts" }, pairs.map(([term, value]) => [el("dt", { text: term }), el("dd", {}, value)]));
  }

  async function assetPage(id) {
    const detail = await api(`/api/assets/${encodeURIComponent(id)}`);
    const a = detail.asset;
    const vulnerabilities = detail.vulnerabilities;
    const containerFindings = detail.containers.reduce((n, c) => n + c.open_findings, 0);
    const heading = show(a.hostname,
      facts([
        ["State", stateBadge(a.state)],
        ["Organization", a.organization],
        ["Operating system", a.os],
        ["IP address", a.ip_address || "–"],
        ["Agent version", a.agent_version || "–"],
        ["Tags", a.tags.length ? a.tags.join(", ") : "–"],
        ["First seen", time(a.first_seen)],
        ["Last seen", time(a.last_seen)],
        ["Last full report", time(detail.last_full_report_at)],
        ["Software", `${number(a.software_count)} items, ${number(a.matched_count)} identified`],
        ["Vulnerabilities", `${number(a.vulnerability_count)}, of which ${number(a.kev_count)} known-exploited`],
      ]),
      el("h2", { text: "Vulnerabilities in installed software" }),
      vulnerabilities.length === 0
        ? empty("No known vulnerability in the installed software.")
        : table("KEV first, then by CVSS score; findings the installed version could not decide last", ["CVE", "KEV", "Added to KEV", "KEV due", "Severity", { label: "CVSS", num: true }, "Software", "Version", "Fixed version", "First seen"],
            vulnerabilities.map((v) =>
              el("tr", { className: v.kev ? "kev-row" : null },
                cell(cveLink(v.cve), "nowrap"), cell(kevBadge(v.kev) || "no"), cell(v.kev_date_added || "–", "nowrap"), cell(due(v.kev_due_date), "nowrap"),
                cell(v.severity || "–"), cell(score(v.cvss), "num"), cell(v.software_name, "wrap"),
                cell(v.version_unknown ? `${v.software_version || "no version"} (version unknown: may apply)` : v.software_version, "wrap"),
                cell(fixText(v.fix_kind, v.fixed_version), "wrap"),
                cell(time(v.first_seen)))),
            { id: "asset-vulnerabilities" }),
      el("h2", { text: `Container images (${detail.containers.length}, ${number(containerFindings)} open findings)` }),
      detail.containers.length === 0
        ? empty("No container image scans from this machine.")
        : el("div", { id: "asset-containers" }, detail.containers.map((image) => [
            el("h3", {}, `${image.image_name}${image.image_tag ? ":" + image.image_tag : ""} `,
              image.kev_findings ? el("span", { className: "badge kev", text: `KEV ${image.kev_findings}` }) : null),
            el("p", { className: "message", text: `${image.os_name ? image.os_family + " " + image.os_name + " · " : ""}scanned ${when(image.last_scan_at)} by ${image.scanner}${image.scanner_version ? " " + image.scanner_version : ""} · ${image.open_findings} open findings${image.findings.length > image.open_findings ? ` (${image.findings.length - image.open_findings} more accepted or false positive)` : ""}` }),
            image.findings.length === 0 ? null : table(`Open findings in ${image.image_name}`, ["Vulnerability", "KEV", "KEV due", "Severity", { label: "CVSS", num: true }, "Package", "Installed", "Fixed in", "Triage"],
              image.findings.map((f) =>
                el("tr", { className: f.kev && !SUPPRESSED.includes(f.triage) ? "kev-row" : null },
                  cell(f.primary_url ? externalLink(f.primary_url, f.vulnerability_id) : f.vulnerability_id, "nowrap"), cell(kevBadge(f.kev) || "no"),
                  cell(due(f.kev_due_date), "nowrap"), cell(f.severity), cell(score(f.cvss), "num"), cell(f.pkg_name, "wrap"),
                  cell(f.installed_version, "wrap"), cell(f.fixed_version || "–", "wrap"), cell(triageControl(f), "wrap")))),
          ])),
      softwareSection(detail.software),
      el("p", {}, link(`/api/vulnerabilities.csv${query({ asset: a.id })}`, "Download this machine's findings as CSV")),
      await manageSection(a),
    );
    return heading;
  }

  // A container finding's triage (docs/api.md, Container scans): accepted risks and false positives raise no
  // alerts and leave the counts; fixed counts until a rescan no longer reports it. Changing it asks for a
  // reason (optional; Cancel changes nothing) and sends the session's CSRF token.
  const TRIAGE = [["open", "Open"], ["accepted_risk", "Accepted risk"], ["false_positive", "False positive"], ["fixed", "Fixed"]];
  const SUPPRESSED = ["accepted_risk", "false_positive"];
  function triageControl(f) {
    const id = `triage-${f.id}`;
    const control = el("select", { id, "data-finding": f.id },
      TRIAGE.map(([value, text]) => el("option", { value, selected: value === f.triage, text })));
    control.addEventListener("change", async () => {
      const comment = window.prompt(`Why is ${f.vulnerability_id} in ${f.pkg_name} "${control.selectedOptions[0].text}"? (optional, one line)`, "");
      if (comment === null) { control.value = f.triage; return; }
      try {
        const saved = await change(`/api/container-findings/${f.id}/triage`, "PUT", comment.trim() ? { triage: control.value, comment: comment.trim() } : { triage: control.value });
        state.status = null;
        state.notice = `${saved.vulnerability_id} in ${saved.pkg_name} (${saved.image}) is now ${control.selectedOptions[0].text.toLowerCase()}.`;
        await route();
      } catch (error) {
        if (error instanceof LoggedOut) throw error;
        control.value = f.triage;
        say(error.message);
      }
    });
    const record = f.triage_by ? `${f.triage_by === "scan" ? "reopened by a rescan" : "by " + f.triage_by.replace(/^session:/, "").replace(/^key:/, "API key ")}, ${when(f.triage_at)}` : null;
    return [el("label", { for: id, className: "visually-hidden", text: `Triage of ${f.vulnerability_id} in ${f.pkg_name}` }), control,
      record ? el("div", { className: "triage-note", text: f.triage_comment ? `${record}: ${f.triage_comment}` : record }) : null];
  }

  // Installed software: vulnerable items first, then the other identified ones; the items that
  // were not identified folded away below (on a Debian server most packages have no CVE product).
  // The filter hides rows of both tables that do not contain its text.
  function softwareSection(software) {
    const headers = ["Name", "Version", "Vendor", "Identified as", "Method", { label: "Score", num: true }, { label: "CVEs", num: true }];
    const row = (s) => el("tr", { className: s.vulnerability_count > 0 ? "kev-row" : null, "data-text": [s.name, s.version, s.vendor, s.match_cpe].join(" ").toLowerCase() },
      cell(s.name, "wrap"), cell(s.version, "wrap"), cell(s.vendor || "–", "wrap"),
      cell(s.match_cpe || `not identified: ${s.unmatched_reason || "no candidate"}`, "wrap"),
      cell(s.match_method || "–"), cell(s.match_score === null ? "–" : Number(s.match_score).toFixed(2), "num"),
      cell(number(s.vulnerability_count), "num"));
    const identified = software.filter((s) => s.match_cpe)
      .sort((x, y) => y.vulnerability_count - x.vulnerability_count || x.name.localeCompare(y.name));
    const unidentified = software.filter((s) => !s.match_cpe);
    const vulnerable = identified.filter((s) => s.vulnerability_count > 0).length;
    const filter = el("input", { id: "software-filter", type: "search", placeholder: "name, version, vendor or product" });
    const section = el("div", { id: "software-section" },
      el("p", { className: "message", text: `${number(software.length)} items: ${number(vulnerable)} with known vulnerabilities, ${number(identified.length - vulnerable)} more identified, ${number(unidentified.length)} not identified.` }),
      el("div", { className: "field" }, el("label", { for: "software-filter", text: "Filter the software" }), filter),
      identified.length === 0 ? empty("No item was identified as a known product.")
        : table("Identified software, vulnerable items first", headers, identified.map(row), { id: "asset-software" }),
      unidentified.length === 0 ? null : el("details", { id: "software-unidentified" },
        el("summary", { text: `${number(unidentified.length)} items not identified, and why` }),
        table("Software not identified as a known product", headers, unidentified.map(row), { id: "asset-software-unidentified" })));
    filter.addEventListener("input", () => {
      const text = filter.value.trim().toLowerCase();
      for (const tr of section.querySelectorAll("tbody tr")) tr.hidden = text !== "" && !tr.dataset.text.includes(text);
    });
    return [el("h2", { text: "Software" }), section];
  }

  // Admin changes: move the asset to another organization, or delete it. Both send the session's
  // CSRF token; the server refuses them without it.
  async function change(path, method, body) {
    return api(path, {
      method,
      headers: { Accept: "application/json", "Content-Type": "application/json", "X-CSRF-Token": state.csrf || "" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  async function manageSection(a) {
    const orgs = await organizations();
    const others = orgs.filter((o) => o.id !== a.organization_id);
    const result = el("p", { id: "manage-result", className: "message", role: "status" });
    const fail = (error) => { if (error instanceof LoggedOut) throw error; result.textContent = error.message; };
    const move = el("form", { id: "move-form", className: "filters" },
      select("move-organization", "Organization", "organization_id", others.map((o) => [o.id, o.name]), ""),
      el("button", { type: "submit", id: "move-button", disabled: others.length === 0, text: "Move to this organization" }));
    move.addEventListener("submit", async (event) => {
      event.preventDefault();
      const target = Number(new FormData(move).get("organization_id"));
      try {
        const moved = await change(`/api/assets/${a.id}/move`, "POST", { organization_id: target });
        state.status = null;
        state.notice = `Moved ${moved.hostname} to organization ${moved.organization_id}.`;
        await route();
      } catch (error) { fail(error); }
    });
    const remove = el("button", { type: "button", id: "delete-button", className: "danger", text: "Delete this asset",
      onclick: async () => {
        if (!window.confirm(`Delete ${a.hostname} with its software, findings and container scans?`)) return;
        try {
          const deleted = await change(`/api/assets/${a.id}`, "DELETE");
          state.status = null;
          state.notice = `Deleted ${deleted.hostname}.`;
          location.hash = "#/assets";
        } catch (error) { fail(error); }
      } });
    return el("section", { id: "asset-manage", "aria-labelledby": "manage-title" },
      el("h2", { id: "manage-title", text: "Manage" }),
      el("p", { text: "A hostname belongs to the organization whose agent sent its first full report. Move it if it is in the wrong one; delete it if the machine is gone." }),
      move, remove, result);
  }

  async function vulnerabilityList(params) {
    const orgs = await organizations();
    const pageNumber = Math.max(1, parseInt(params.page || "1", 10) || 1);
    const filters = { kev: params.kev, min_severity: params.min_severity, source: params.source, cve: params.cve, organization: params.organization };
    const page = await api(`/api/vulnerabilities${query(Object.assign({}, filters, { limit: PAGE, offset: (pageNumber - 1) * PAGE }))}`);
    const form = filterForm("#/vulnerabilities", [
      select("filter-kev", "KEV", "kev", [["", "Any"], ["true", "KEV only"], ["false", "Not in KEV"]], params.kev),
      select("filter-severity", "Minimum severity", "min_severity", [["", "Any"], ["low", "Low"], ["medium", "Medium"], ["high", "High"], ["critical", "Critical"]], params.min_severity),
      select("filter-source", "Found in", "source", [["", "Hosts and containers"], ["host", "Installed software"], ["container", "Container images"]], params.source),
      el("div", { className: "field" }, el("label", { for: "filter-cve", text: "Vulnerability id" }),
        el("input", { id: "filter-cve", name: "cve", value: params.cve || "", placeholder: "CVE-2023-38831" })),
      orgs.length > 1 ? select("filter-org", "Organization", "organization", [["", "All"]].concat(orgs.map((o) => [o.id, o.name])), params.organization) : null,
    ], params);
    show("Vulnerabilities", form,
      el("p", {}, link(`/api/vulnerabilities.csv${query(filters)}`, "Download these findings as CSV")),
      page.items.length === 0 ? empty("No finding matches these filters.") : table(`Findings, page ${pageNumber}`,
        ["Vulnerability", "KEV", "KEV due", "Severity", { label: "CVSS", num: true }, "Host", "Found in", "Product", "Version", "First seen"],
        page.items.map((v) =>
          el("tr", { className: v.kev ? "kev-row" : null },
            cell(cveLink(v.vulnerability_id), "nowrap"), cell(kevBadge(v.kev) || "no"), cell(due(v.kev_due_date), "nowrap"), cell(v.severity || "–"),
            cell(score(v.cvss), "num"), cell(assetLink(v.asset_id, v.hostname), "wrap"),
            cell(v.source === "container" ? `container ${v.image}` : "installed software", "wrap"),
            cell(v.product, "wrap"), cell(v.version, "wrap"), cell(time(v.first_seen)))),
        { id: "vulnerability-table" }),
      pager(page, "#/vulnerabilities", params));
  }

  // --- Add a device ---------------------------------------------------------------------------
  // The server builds the install lines (appliance/devices/install.py); this page only shows them.

  const RECENT_POLL_MS = 5000;
  let recentTimer = null;
  let recentShown = "";
  let recentSeen = null;
  let keysShown = "";

  function stopPolling() {
    if (recentTimer) clearInterval(recentTimer);
    recentTimer = null;
  }

  async function copyText(text, what) {
    let copied = false;
    if (navigator.clipboard && window.isSecureContext) {
      try {
        await navigator.clipboard.writeText(text);
        copied = true;
      } catch (error) {
        copied = false;
      }
    }
    if (!copied) {
      // Over plain HTTP on the LAN the page is no secure context and has no Clipboard API:
      // select an off-screen copy of the text and use the browser's copy command instead.
      const buffer = el("textarea", { className: "copy-buffer", readonly: true, "aria-hidden": "true", tabindex: "-1" });
      buffer.value = text;
      document.body.append(buffer);
      buffer.select();
      try {
        copied = document.execCommand("copy");
      } catch (error) {
        copied = false;
      }
      buffer.remove();
    }
    say(copied ? `Copied ${what}.` : `Could not copy ${what}: select the text and copy it by hand.`);
  }

  function copyBlock(id, what, text) {
    return el("div", { className: "copy-block" },
      el("pre", {}, el("code", { id, text })),
      el("button", { type: "button", className: "secondary", id: `${id}-copy`, onclick: () => copyText(text, what), text: `Copy ${what}` }));
  }

  function showNewKey(created) {
    const install = created.install;
    const parts = [
      el("h2", { id: "new-key-title", tabindex: "-1", text: `New agent key "${created.name}" for ${created.organization}` }),
      el("p", { className: "notice", text: "The key and the lines below are shown only now. Copy what you need before you leave this page; a lost key cannot be shown again (revoke it and create a new one)." }),
      el("h3", { text: "Agent key" }),
      copyBlock("new-key-value", "the key", created.key),
    ];
    if (install) {
      parts.push(
        facts([
          ["Appliance URL", install.server_url],
          ["Certificate fingerprint (SHA-256)", install.fingerprint || "none: the appliance speaks plain HTTP"],
        ]),
        install.notes.map((note) => el("p", { className: "notice", text: note })),
        install.commands.map((c) => [
          el("h3", { text: c.label }),
          el("p", { className: "message", text: `Paste this line into ${c.run_in}. It downloads the agent from this appliance, checks its SHA-256, installs it to run every day and sends the first inventory at once.` }),
          copyBlock(`install-${c.os}`, `the ${c.label} line`, c.command),
        ]),
      );
    }
    $("new-key").replaceChildren(...parts.flat(Infinity).filter((node) => node !== null && node !== undefined));
    $("new-key-title").focus();
  }

  async function createKey(event) {
    event.preventDefault();
    const name = $("key-name").value.trim();
    $("key-error").textContent = "";
    if (!name) {
      $("key-error").textContent = "Give the key a name, for example the office or the kind of devices.";
      $("key-name").focus();
      return;
    }
    $("create-key").disabled = true;
    try {
      const created = await api("/api/keys", {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRF-Token": state.csrf || "" },
        body: JSON.stringify({ organization_id: Number($("key-org").value), name, scopes: ["agent"] }),
      });
      $("key-name").value = "";
      showNewKey(created);
      await refreshKeys();
    } catch (error) {
      if (error instanceof LoggedOut) return showLogin("Your session has ended; log in again.");
      $("key-error").textContent = error.message;
    } finally {
      $("create-key").disabled = false;
    }
  }

  async function revokeKey(key) {
    const label = key.name || key.prefix;
    if (!window.confirm(`Revoke the key "${label}"? Devices that use it can no longer report.`)) return;
    try {
      await api(`/api/keys/${encodeURIComponent(key.id)}`, { method: "DELETE", headers: { Accept: "application/json", "X-CSRF-Token": state.csrf || "" } });
      say(`Revoked the key "${label}".`);
    } catch (error) {
      if (error instanceof LoggedOut) return showLogin("Your session has ended; log in again.");
      say(`Could not revoke the key: ${error.message}`);
    }
    await refreshKeys();
  }

  async function refreshKeys() {
    const keys = (await api("/api/keys")).items.slice().reverse();
    const box = $("keys");
    if (!box) return;
    const shown = JSON.stringify(keys);
    if (shown === keysShown) return; // unchanged: keep the table (and the focus on its buttons)
    keysShown = shown;
    box.replaceChildren(keys.length === 0 ? empty("No API key yet.") : table(
      "Newest first. A revoked key is refused from its next request on.",
      ["Name", "Organization", "Scopes", "Prefix", { label: "Created", optional: true }, { label: "Last used", optional: true }, { label: "Devices", num: true }, "State"],
      keys.map((k) =>
        el("tr", { id: `key-${k.id}` },
          cell(k.name || "–", "wrap"), cell(k.organization, "wrap"), cell(k.scopes.join(", ")), cell(el("code", { text: `${k.prefix}…` }), "nowrap"),
          cell(when(k.created_at), "nowrap optional"), cell(when(k.last_used_at), "nowrap optional"), cell(number(k.devices), "num"),
          cell(k.revoked_at
            ? el("span", { className: "badge bad", text: `revoked ${when(k.revoked_at)}` })
            : el("button", { type: "button", className: "secondary", "aria-label": `Revoke the key ${k.name || k.prefix}`, onclick: () => revokeKey(k), text: "Revoke" })))),
      { id: "key-table" },
    ));
  }

  async function refreshRecent() {
    const page = await api("/api/devices/recent?minutes=60");
    const box = $("recent");
    if (!box) return;
    const fingerprint = JSON.stringify(page.items);
    if (fingerprint === recentShown) return; // unchanged: keep the table (and the reader's place in it)
    recentShown = fingerprint;
    const arrived = recentSeen ? page.items.filter((d) => !recentSeen.has(d.id)) : [];
    recentSeen = new Set(page.items.map((d) => d.id));
    if (arrived.length) say(`New device: ${arrived.map((d) => d.hostname).join(", ")}.`);
    box.replaceChildren(page.items.length === 0
      ? empty("No device has enrolled in the last hour. A device shows up here within seconds of running its line.")
      : table(`${number(page.items.length)} device(s), newest first; checked every ${RECENT_POLL_MS / 1000} seconds`,
          ["Device", "State", { label: "Operating system", optional: true }, "Organization", { label: "Software", num: true }, { label: "Key", optional: true }, "Enrolled"],
          page.items.map((d) =>
            el("tr", {},
              cell(assetLink(d.id, d.hostname), "host"), cell(stateBadge(d.state)), cell(d.os, "wrap optional"), cell(d.organization, "wrap"),
              cell(number(d.software_count), "num"), cell(d.key_name || "–", "wrap optional"), cell(when(d.first_seen), "nowrap"))),
          { id: "recent-devices" }));
  }

  async function devicesPage() {
    const orgs = await organizations();
    const form = el("form", { id: "key-form", className: "filters", novalidate: true },
      select("key-org", "Organization", "organization_id", orgs.map((o) => [o.id, o.name]), orgs.length ? orgs[0].id : ""),
      el("div", { className: "field" }, el("label", { for: "key-name", text: "Key name" }),
        el("input", { id: "key-name", name: "name", required: true, maxlength: "100", placeholder: "Office PCs", autocomplete: "off" })),
      el("button", { type: "submit", id: "create-key", text: "Create agent key" }));
    form.addEventListener("submit", createKey);
    recentShown = "";
    recentSeen = null;
    keysShown = "";
    show("Add a device",
      el("p", {}, "Create an agent key for the organization the device belongs to. You get, for Linux, macOS and Windows, one line to paste on the device: it downloads the agent from this appliance and installs it with that key. See the README's section “Adding devices” for what the agent collects and how to remove it."),
      form,
      el("p", { id: "key-error", className: "error", role: "alert" }),
      el("div", { id: "new-key" }),
      el("h2", { id: "recent-title", text: "Devices that enrolled in the last hour" }),
      el("div", { id: "recent" }),
      el("h2", { text: "API keys" }),
      el("div", { id: "keys" }));
    await Promise.all([refreshRecent(), refreshKeys()]);
    // New devices and the keys' device counts and last use, while this view is open.
    recentTimer = setInterval(() => {
      Promise.all([refreshRecent(), refreshKeys()]).catch((error) => {
        if (error instanceof LoggedOut) {
          stopPolling();
          showLogin("Your session has ended; log in again.");
        }
      });
    }, RECENT_POLL_MS);
  }

  // --- alerts settings (admin) -----------------------------------------------------------------

  // Fields of the Alerts form, in the order shown; values saved here win over the config file and environment.
  const ALERT_FIELDS = [
    ["smtp_host", "SMTP server", "text", "mail.example.org; empty: no email alerts"],
    ["smtp_port", "SMTP port", "number", "0: usual port for the security chosen"],
    ["smtp_security", "Connection security", ["starttls", "tls", "plain"]],
    ["smtp_user", "SMTP login name", "text", "empty: no login"],
    ["smtp_password", "SMTP password", "password", ""],
    ["smtp_tls_fingerprint", "Trust only this mail server certificate (SHA-256)", "text", "AB:CD:…, for a self-signed server; empty: usual checks"],
    ["alert_email_from", "Sender address", "text", "sentrikat@office.example"],
    ["alert_email_to", "Recipients", "text", "it@office.example, boss@office.example"],
    ["webhook_url", "Webhook URL", "url", "https://hooks.slack.com/services/…; empty: no webhook"],
    ["webhook_format", "Webhook format", ["json", "slack", "teams", "discord"]],
    ["alert_cvss_threshold", "Alert on new findings with CVSS at least", "number", "9.0"],
    ["alert_digest", "Summary message", ["off", "daily", "weekly"]],
  ];

  function alertField(view, [name, label, kind, hint]) {
    const id = `alert-${name.replace(/_/g, "-")}`;
    const value = view.settings[name];
    let input;
    if (Array.isArray(kind)) {
      input = el("select", { id, name }, kind.map((v) => el("option", { value: v, selected: v === value, text: v })));
    } else if (name === "smtp_password" || name === "webhook_url") {
      // Secrets never come back from the server: leave empty to keep the stored value.
      const set = name === "smtp_password" ? view.settings.smtp_password_set : view.settings.webhook_url_set;
      input = el("input", { id, name, type: kind === "url" ? "url" : "password", autocomplete: "off",
        placeholder: set ? `set${name === "webhook_url" ? ": " + value : ""} (leave empty to keep)` : hint });
    } else {
      input = el("input", { id, name, type: kind, value: value ?? "", placeholder: hint,
        step: name === "alert_cvss_threshold" ? "0.1" : null });
    }
    const saved = view.saved.includes(name) ? el("small", { className: "message", text: " saved on this page" }) : null;
    return el("div", { className: "field" }, el("label", { for: id }, label, saved), input);
  }

  async function alertsPage() {
    const view = await api("/api/alerts");
    const form = el("form", { id: "alerts-form", className: "alerts-form", novalidate: true },
      ALERT_FIELDS.map((field) => alertField(view, field)),
      el("div", { className: "field" },
        el("button", { type: "submit", id: "alerts-save", text: "Save" }),
        el("button", { type: "button", id: "alerts-test", className: "secondary", text: "Send a test message" }),
        el("button", { type: "button", id: "alerts-reset", className: "secondary", text: "Use file and environment values" })),
      el("p", { id: "alerts-result", role: "status", "aria-live": "polite" }));
    const result = (text, bad) => {
      const node = $("alerts-result");
      node.textContent = text;
      node.className = bad ? "error" : "message";
    };
    const change = async (method, path, body) => {
      const headers = { "X-CSRF-Token": state.csrf || "", Accept: "application/json" };
      if (body) headers["Content-Type"] = "application/json";
      return api(path, { method, headers, body: body ? JSON.stringify(body) : undefined });
    };
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const body = {};
      for (const [name, , kind] of ALERT_FIELDS) {
        const value = form.elements[name].value;
        if ((name === "smtp_password" || name === "webhook_url") && value === "") continue;
        body[name] = kind === "number" ? Number(value || 0) : value;
      }
      try {
        await change("PUT", "/api/alerts/settings", body);
        await alertsPage();
        result("Saved. These values now win over the config file and environment.");
      } catch (error) {
        if (error instanceof LoggedOut) throw error;
        result(`Not saved: ${error.message}`, true);
      }
    });
    show("Alerts",
      el("p", {}, "Who is told, and how, when a machine gets a known-exploited or critical vulnerability, goes offline, or a feed refresh keeps failing. ",
        "Values saved here win over the config file and SENTRIKAT_* variables."),
      view.channels.length
        ? el("p", { id: "alert-channels" }, `Channels: ${view.channels.map((c) => `${c.name} to ${c.target}`).join("; ")}.`)
        : el("p", { id: "alert-channels", className: "error", text: "No channel is configured: nobody is told anything." }),
      form,
      el("h2", { text: "Recent alert messages" }),
      view.messages.length === 0 ? empty("No alert message yet.") : table("Newest first", ["Channel", "State", { label: "Events", num: true }, { label: "Attempts", num: true }, "Created", "Sent", "Last error"],
        view.messages.map((m) => el("tr", { className: m.state === "sent" ? null : "kev-row" },
          cell(m.channel), cell(m.state), cell(number(m.events), "num"), cell(number(m.attempts), "num"),
          cell(when(m.created_at)), cell(when(m.sent_at)), cell(m.last_error || "", "wrap"))), { id: "alert-messages" }));
    $("alerts-test").addEventListener("click", async () => {
      result("Sending…");
      try {
        const answer = await change("POST", "/api/alerts/test");
        const failed = answer.results.filter((r) => !r.ok);
        result(answer.results.map((r) => (r.ok ? `${r.channel}: test message sent to ${r.target}.` : `${r.channel}: failed: ${r.error}`)).join(" "), failed.length > 0);
      } catch (error) {
        if (error instanceof LoggedOut) return showLogin("Your session has ended; log in again.");
        result(error.message, true);
      }
    });
    $("alerts-reset").addEventListener("click", async () => {
      try {
        await change("DELETE", "/api/alerts/settings");
        await alertsPage();
        result("The config file and environment values apply again.");
      } catch (error) {
        if (error instanceof LoggedOut) return showLogin("Your session has ended; log in again.");
        result(`Not reset: ${error.message}`, true);
      }
    });
  }

  // The patch plan (GET /api/remediation): one row per product and the version that fixes every
  // CVE found for it on those machines; KEV first, then overdue, then by CVSS and machine count.
  function machineList(names) {
    const shown = names.length > 10 ? `${names.slice(0, 10).join(", ")} and ${names.length - 10} more` : names.join(", ");
    return el("span", { title: names.join(", "), text: shown });
  }

  function cveList(ids) {
    const parts = [];
    ids.forEach((id, n) => { if (n) parts.push(", "); parts.push(cveLink(id)); });
    return parts;
  }

  async function patchPlan(params) {
    const orgs = await organizations();
    const pageNumber = Math.max(1, parseInt(params.page || "1", 10) || 1);
    const filters = { organization: params.organization };
    const plan = await api(`/api/remediation${query(Object.assign({}, filters, { limit: PAGE, offset: (pageNumber - 1) * PAGE }))}`);
    const form = orgs.length > 1 ? filterForm("#/plan", [
      select("filter-org", "Organization", "organization", [["", "All"]].concat(orgs.map((o) => [o.id, o.name])), params.organization),
    ], params) : null;
    show("Patch plan", form,
      el("p", { text: "What to update first: each row brings one product to the smallest version that fixes every vulnerability found for it on those machines. " +
        "Known-exploited (KEV) first, then overdue, then by CVSS score and the number of machines." }),
      el("p", {}, link(`/api/remediation.csv${query(filters)}`, "Download the patch plan as CSV")),
      plan.items.length === 0 ? empty("Nothing to update: no machine has a known vulnerability with a decided version.") : table(
        `Updates, page ${pageNumber}`,
        ["Update", "Installed", { label: "KEV", num: true }, "KEV due", { label: "Max CVSS", num: true }, { label: "Machines", num: true }, "Machines affected", "Removes"],
        plan.items.map((r) =>
          el("tr", { className: r.kev_count > 0 ? "kev-row" : null },
            cell([el("strong", { text: r.name }), ` → ${r.target}`], "wrap"),
            cell(r.installed_versions.join(", "), "wrap"),
            cell(r.kev_count > 0 ? el("span", { className: "badge kev", text: `KEV ${r.kev_count}` }) : "0", "num"),
            cell(due(r.kev_due_date), "nowrap"), cell(score(r.max_cvss), "num"), cell(number(r.machine_count), "num"),
            cell(machineList(r.machines), "wrap"), cell(cveList(r.cves), "wrap"))),
        { id: "plan-table" }),
      pager(plan, "#/plan", params));
  }

  // --- routing -------------------------------------------------------------------------------

  function parseRoute() {
    const hash = location.hash.replace(/^#/, "") || "/";
    const [path, search] = hash.split("?");
    const params = Object.fromEntries(new URLSearchParams(search || ""));
    return { path, params };
  }

  function markNav(name) {
    for (const a of document.querySelectorAll("#nav a[data-route]")) {
      if (a.dataset.route === name) a.setAttribute("aria-current", "page");
      else a.removeAttribute("aria-current");
    }
  }

  async function route() {
    if (!state.csrf) return boot();
    const { path, params } = parseRoute();
    stopPolling();
    say(state.notice || "");  // a change's outcome, shown on the view it leads to
    state.notice = null;
    try {
      let heading;
      const assetMatch = /^\/assets\/(\d+)$/.exec(path);
      if (assetMatch) {
        markNav("assets");
        heading = await assetPage(assetMatch[1]);
      } else if (path === "/assets") {
        markNav("assets");
        await assetList(params);
      } else if (path === "/alerts") {
        markNav("alerts");
        await alertsPage();
      } else if (path === "/plan") {
        markNav("plan");
        await patchPlan(params);
      } else if (path === "/vulnerabilities") {
        markNav("vulnerabilities");
        await vulnerabilityList(params);
      } else if (path === "/devices") {
        markNav("devices");
        await devicesPage();
      } else {
        markNav("dashboard");
        await dashboard();
      }
      const title = heading || $("view-title");
      if (title && route.moved) title.focus();
      route.moved = true;
    } catch (error) {
      if (error instanceof LoggedOut) return showLogin("Your session has ended; log in again.");
      show("Something went wrong", el("p", { className: "error", id: "view-error", text: error.message }));
    }
  }

  async function boot() {
    try {
      startSession(await api("/api/session"));
    } catch (error) {
      return showLogin(error instanceof LoggedOut ? "" : `Cannot reach the appliance: ${error.message}`);
    }
    return route();
  }

  document.addEventListener("DOMContentLoaded", () => {
    $("login-form").addEventListener("submit", login);
    $("logout").addEventListener("click", logout);
    window.addEventListener("hashchange", route);
    boot();
  });
})();
