// Drives real VS Code (code-server in headless Chromium, through playwright-core) the
// way a writer would, and prints one JSON line of what it saw. Every wait is on
// something VS Code shows (a status bar text, a menu, a notification), bounded by
// TIMEOUT only to turn a hang into a failure. Run by tests/test_vscode_e2e.py.
//
//   node drive.mjs <scenario> <url> <chromium> <screenshot.png> [<settings json>]
//   Both scenarios open notes.md with no server anywhere and wait for the install offer
//   and the status bar's "stopped"; then
//   "server":  put <settings json> (a server command) in the Remote settings in VS Code's
//              JSON editor and save: the client starts without a window reload; wait for
//              counts, read Problems, apply a quick fix and "add to dictionary", then
//              "Prosewise: Open dictionary";
//   "install": click "Install Prosewise" and wait for suggestions from the server it
//              installed.
import { createRequire } from "node:module";

const require = createRequire(process.env.PLAYWRIGHT_CORE ?? import.meta.url);
const { chromium } = require("playwright-core");
const [scenario, url, executablePath, screenshot, settingsAfter] = process.argv.slice(2);
const TIMEOUT = 120_000;
const INSTALL_TIMEOUT = 300_000;  // pip installing the server and its dependencies (offline: about 15 s)

const browser = await chromium.launch({ executablePath, headless: true, args: ["--no-sandbox"] });
const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
page.setDefaultTimeout(TIMEOUT);
const seen = {};
try {
  await page.goto(url);
  await page.locator(".monaco-workbench").waitFor();
  await quickOpen(page, "notes.md");
  await page.locator(".monaco-editor .view-lines").first().waitFor();
  const toast = page.locator(".notification-toast", { hasText: "no language server could be started" });
  await toast.waitFor();
  seen.notification = await toast.innerText();
  seen.stopped = await page.locator(".statusbar-item", { hasText: "Prosewise: stopped" }).innerText();
  if (scenario === "server") {
    // a machine-scoped setting: in code-server (a remote window) it lives in the
    // Remote settings; VS Code on the desktop reads it from the User settings
    await runCommand(page, "Preferences: Open Remote Settings (JSON)");
    await page.locator(".monaco-editor .view-lines", { hasText: "{" }).last().click();
    await page.keyboard.press("Control+A");
    await page.keyboard.insertText(settingsAfter);
    await page.keyboard.press("Control+Shift+End");  // what the editor auto-closed
    await page.keyboard.press("Delete");
    await page.keyboard.press("Control+S");
    await quickOpen(page, "notes.md");  // the status bar counts the active editor's
  } else {
    await toast.getByRole("button", { name: "Install Prosewise" }).click();
    const progress = page.locator(".notification-toast", { hasText: "Installing Prosewise" });
    seen.progress = await progress.innerText();
    await progress.waitFor({ state: "hidden", timeout: INSTALL_TIMEOUT });
    const failed = page.locator(".notification-toast", { hasText: "installing failed" });
    if (await failed.count() > 0) {
      throw new Error(await failed.first().innerText());
    }
  }
  seen.problems = await suggestions(page, TIMEOUT);
  await page.screenshot({ path: screenshot });
  if (scenario === "server") {
    const before = await editorText(page);
    seen.fixed = await applyAction(page, "1:30", /Replace with .an./);  // "a apple"
    await page.waitForFunction(
      (old) => document.querySelector(".monaco-editor .view-lines")?.textContent !== old, before);
    seen.text = await editorText(page);
    seen.added = await applyAction(page, "1:5", /dictionary/);  // "recieve"
    await page.locator(".markers-panel", { hasNotText: "recieve" }).waitFor();
    seen.problemsAfter = await page.locator(".markers-panel").innerText();
    await runCommand(page, "Prosewise: Open dictionary");
    seen.dictionary = await page.locator(".monaco-editor .view-lines", { hasText: "recieve" }).last().innerText();
  }
} catch (error) {
  seen.error = String(error);
  seen.toasts = await page.locator(".notification-toast").allInnerTexts().catch(() => []);
  seen.statusBar = await page.locator(".statusbar-item", { hasText: "Prosewise" }).allInnerTexts().catch(() => []);
  await page.screenshot({ path: screenshot }).catch(() => undefined);
} finally {
  await browser.close();
}
console.log(JSON.stringify(seen));

/** Ctrl+P, `text`, and the first entry (or the one whose label is `pick`). */
async function quickOpen(page, text, pick = undefined) {
  const input = page.locator(".quick-input-widget input");
  for (let attempt = 1; ; attempt++) {  // a busy VS Code may drop the key
    await page.locator(".monaco-editor, .monaco-workbench").first().click({ position: { x: 700, y: 400 } });
    await page.keyboard.press("Control+P");
    try {
      await input.fill(text, { timeout: TIMEOUT / 4 });
      break;
    } catch (error) {
      if (attempt === 3) {
        throw error;
      }
      await page.keyboard.press("Escape");
    }
  }
  const rows = page.locator(".quick-input-list .monaco-list-row", pick ? { hasText: pick } : {});
  await rows.first().waitFor();
  await (pick ? rows.first().click() : page.keyboard.press("Enter"));
}

async function runCommand(page, name) {
  await quickOpen(page, `>${name}`, name);
}

/** Puts the cursor at line:column, opens the quick-fix menu and picks the action whose
 * title matches; returns its title. */
async function applyAction(page, where, title) {
  await quickOpen(page, `:${where}`);
  const item = page.locator(".action-widget .monaco-list-row", { hasText: title }).first();
  for (let attempt = 1; ; attempt++) {  // a busy VS Code may drop the key before the menu has actions
    await page.keyboard.press("Control+.");
    try {
      await item.waitFor({ timeout: TIMEOUT / 4 });
      break;
    } catch (error) {
      if (attempt === 3) {
        throw error;
      }
      await page.keyboard.press("Escape");
    }
  }
  const label = await item.innerText();
  await item.click();
  return label;
}

/** Waits for the status bar to count grammar suggestions (the rule agents' come first,
 * harper's once it has loaded), then returns the Problems panel's text. */
async function suggestions(page, timeout) {
  const status = page.locator(".statusbar-item", { hasText: /Prosewise: .*\d+ grammar/ });
  await status.waitFor({ timeout });
  await page.keyboard.press("Control+Shift+M");
  const problems = page.locator(".markers-panel", { hasText: "grammar.article" });
  await problems.waitFor();
  return problems.innerText();
}

function editorText(page) {
  return page.locator(".monaco-editor .view-lines").first().textContent();
}
