// Opens an assure HTML report in headless Chromium and fails (exit 1) on any console error, page error, network
// request or axe-core WCAG 2.x A/AA violation. Writes a full-page screenshot and an A4 PDF print.
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
  await page.screenshot({ path: screenshot, fullPage: true });
  await page.emulateMedia({ media: "print" });
  const printed = await page.pdf({ path: pdf, format: "A4", printBackground: true, preferCSSPageSize: true });
  const pages = (printed.toString("latin1").match(/\/Type\s*\/Page\b/g) || []).length;
  console.log(JSON.stringify({ title, headings, axe_rules_passed: results.passes.length, pdf_pages: pages }));
} finally {
  await browser.close();
}
if (problems.length) {
  for (const p of problems) console.error(p);
  process.exit(1);
}
