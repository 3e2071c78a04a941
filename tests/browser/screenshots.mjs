// Screenshots of a report for docs/reports.md: the first screen, and the first failing check with its details
// unfolded. Made from the example's report with its history (`assure report examples/northshire --history
// examples/northshire/history --html REPORT.html`).
// usage: node screenshots.mjs REPORT.html OUT_DIR
import { chromium } from "playwright-core";
import { pathToFileURL } from "node:url";
import path from "node:path";

const [report, outDir] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(pathToFileURL(path.resolve(report)).href);
  await page.screenshot({ path: path.join(outDir, "report-summary.png") });
  const failing = page.locator("article.check:has(.badge-fail)").first();
  await failing.evaluate((el) => el.querySelector("details")?.setAttribute("open", ""));
  await failing.screenshot({ path: path.join(outDir, "report-standard.png") });
} finally {
  await browser.close();
}
