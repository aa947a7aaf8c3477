// The notification when no server could be found or started: what was tried, and
// "Install Prosewise", "Choose interpreter", "Open settings".
import * as vscode from "vscode";
import { installServer } from "./install";
import { MODULE_ARGS } from "./locate";
import { hasPythonExtension } from "./python";
import { SECTION } from "./settings";

const INSTALL = "Install Prosewise";
const CHOOSE = "Choose interpreter";
const SETTINGS = "Open settings";

export async function offerHelp(context: vscode.ExtensionContext, output: vscode.OutputChannel,
  tried: readonly string[], restart: () => Promise<void>): Promise<void> {
  const message = `Prosewise: no language server could be started. Tried: ${tried.join("; ")}.`;
  const choice = await vscode.window.showErrorMessage(message, INSTALL, CHOOSE, SETTINGS);
  if (choice === INSTALL) {
    if (await installServer(context.globalStorageUri, output)) {
      await restart();
    }
  } else if (choice === CHOOSE) {
    await chooseInterpreter();  // the change of interpreter or of the setting restarts
  } else if (choice === SETTINGS) {
    await vscode.commands.executeCommand("workbench.action.openSettings", `${SECTION}.server`);
  }
}

/** The Python extension's picker; without it, a file dialog whose choice becomes
 * `prosewise.server.command`. */
async function chooseInterpreter(): Promise<void> {
  if (hasPythonExtension()) {
    await vscode.commands.executeCommand("python.setInterpreter");
    return;
  }
  const picked = await vscode.window.showOpenDialog({
    title: "The Python interpreter that has Prosewise installed", canSelectMany: false,
  });
  if (picked !== undefined && picked.length > 0) {
    await vscode.workspace.getConfiguration(SECTION).update(
      "server.command", [picked[0].fsPath, ...MODULE_ARGS], vscode.ConfigurationTarget.Global);
  }
}
