// Screenshots of a report for docs/reports.md: the cover and executive summary, and the first failing check.
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
  const page = await browser.newPage({ viewport: { width: 1100, height: 1400 } });
  await page.goto(pathToFileURL(path.resolve(report)).href);
  await page.screenshot({ path: path.join(outDir, "report-summary.png") });
  const failing = page.locator("article.check:has(.badge-fail)").first();
  await failing.screenshot({ path: path.join(outDir, "report-standard.png") });
} finally {
  await browser.close();
}
