// Opens an assure HTML report in headless Chromium and fails (exit 1) on any console error, page error, network
// request or axe-core WCAG 2.x A/AA violation. Writes a full-page screenshot and an A4 PDF print, and prints a
// JSON summary of the page's layout (height, horizontal overflow, where the first screen's parts end, the trend
// chart's accessible name, heat-map rows) for the Rust test to judge.
//
// usage: node check-report.mjs REPORT.html SCREENSHOT.png PRINT.pdf
// CHROMIUM overrides the browser path (default /usr/bin/chromium, Debian's package).
import { chromium } from "playwright-core";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import path from "node:path";

const [report, screenshot, pdf] = process.argv.slice(2);
if (!report || !screenshot || !pdf) {
  console.error("usage: node check-report.mjs REPORT.html SCREENSHOT.png PRINT.pdf");
  process.exit(2);
}
const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const url = pathToFileURL(path.resolve(report)).href;
const problems = [];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
});
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, javaScriptEnabled: true });
  const page = await context.newPage();
  page.on("console", (msg) => {
    if (msg.type() === "error" || msg.type() === "warning") problems.push(`console ${msg.type()}: ${msg.text()}`);
  });
  page.on("pageerror", (err) => problems.push(`page error: ${err.message}`));
  page.on("request", (req) => {
    if (req.url() !== url) problems.push(`network request: ${req.method()} ${req.url()}`);
  });
  const response = await page.goto(url, { waitUntil: "load" });
  if (!response || !response.ok()) problems.push(`could not open ${url}`);

  // The report's CSP forbids script tags, so axe is evaluated through the DevTools protocol instead.
  await page.evaluate(axeSource);
  const results = await page.evaluate(() =>
    // eslint-disable-next-line no-undef
    axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] },
      resultTypes: ["violations"],
    }),
  );
  for (const v of results.violations) {
    const where = v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ");
    problems.push(`axe ${v.id} (${v.impact}): ${v.help} — ${v.nodes.length} node(s), e.g. ${where}`);
  }
  const title = await page.title();
  const headings = await page.locator("h2").count();
  const layout = await page.evaluate(() => {
    const bottom = (sel) => {
      const el = document.querySelector(sel);
      if (!el) return null;
      const r = el.getBoundingClientRect();
      return r.height > 0 ? Math.round(r.bottom + window.scrollY) : null;
    };
    const named = (sel) => {
      const el = document.querySelector(sel);
      if (!el) return null;
      const ids = (el.getAttribute("aria-labelledby") || "").split(/\s+/).filter(Boolean);
      return ids.map((id) => (document.getElementById(id) || {}).textContent || "").join(" ").trim();
    };
    const root = document.documentElement;
    return {
      height: root.scrollHeight,
      overflow_x: root.scrollWidth - root.clientWidth,
      fold: { status: bottom(".glance .status"), trend: bottom(".glance-trend svg"), risks: bottom("ol.risks") },
      trend_chart: named("#trend .trend-chart"),
      trend_rows: document.querySelectorAll("#trend table tbody tr").length,
      closed_details: document.querySelectorAll("details:not([open])").length,
      heat_rows: document.querySelectorAll("table.heat-map tbody tr").length,
      heat_cells: document.querySelectorAll("table.heat-map tbody td.heat").length,
    };
  });
  await page.screenshot({ path: screenshot, fullPage: true });
  await page.emulateMedia({ media: "print" });
  const printed = await page.pdf({ path: pdf, format: "A4", printBackground: true, preferCSSPageSize: true });
  const pages = (printed.toString("latin1").match(/\/Type\s*\/Page\b/g) || []).length;
  console.log(JSON.stringify({ title, headings, axe_rules_passed: results.passes.length, pdf_pages: pages, viewport: 900, ...layout }));
} finally {
  await browser.close();
}
if (problems.length) {
  for (const p of problems) console.error(p);
  process.exit(1);
}
