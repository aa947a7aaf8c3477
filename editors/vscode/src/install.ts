// "Install Prosewise": a virtual environment in the extension's global storage and
// `pip install` of `prosewise.server.installSource` into it (PyPI's `prosewise` by
// default), with progress in a notification and pip's output in the output channel.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as vscode from "vscode";
import { which } from "./locate";
import { venvExecutable, venvFolder } from "./paths";
import { selectedInterpreter } from "./python";
import { SECTION } from "./settings";

type Progress = vscode.Progress<{ message?: string }>;

/** Installs the server; true when it worked (the caller then restarts the client). */
export async function installServer(storage: vscode.Uri, output: vscode.OutputChannel): Promise<boolean> {
  const base = (await selectedInterpreter()) ?? which("python3") ?? which("python");
  if (base === undefined) {
    void vscode.window.showErrorMessage(
      "Prosewise: installing needs Python 3.11 or later, and none was found (the Python " +
      "extension's interpreter, python3 or python on PATH).");
    return false;
  }
  const source = vscode.workspace.getConfiguration(SECTION).get<string>("server.installSource") || "prosewise";
  const options = { location: vscode.ProgressLocation.Notification, title: "Installing Prosewise", cancellable: true };
  try {
    await vscode.window.withProgress(options, async (progress, token) => {
      fs.mkdirSync(storage.fsPath, { recursive: true });
      progress.report({ message: `creating a virtual environment with ${base}` });
      await run(base, ["-m", "venv", venvFolder(storage)], output, progress, token);
      progress.report({ message: `pip install ${source}` });
      await run(venvExecutable(storage), ["-m", "pip", "install", "--upgrade", source], output, progress, token);
    });
    return true;
  } catch (error) {
    output.show(true);
    void vscode.window.showErrorMessage(`Prosewise: installing failed: ${String(error)}. pip's output is in the Prosewise output channel.`);
    return false;
  }
}

/** Runs a process to the end, its output to `output`, pip's "Collecting x" lines as progress. */
function run(command: string, args: string[], output: vscode.OutputChannel, progress: Progress,
  token: vscode.CancellationToken): Promise<void> {
  output.appendLine(`> ${command} ${args.join(" ")}`);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: "1" } });
    const cancelled = token.onCancellationRequested(() => child.kill());
    const show = (data: Buffer): void => {
      const text = data.toString();
      output.append(text);
      const step = text.split(/\r?\n/).reverse().find((line) => /^(Collecting|Installing|Downloading)/.test(line));
      if (step !== undefined) {
        progress.report({ message: step.slice(0, 80) });
      }
    };
    child.stdout.on("data", show);
    child.stderr.on("data", show);
    child.on("error", (error) => {
      cancelled.dispose();
      reject(error);
    });
    child.on("close", (code) => {
      cancelled.dispose();
      if (token.isCancellationRequested) {
        reject(new Error("cancelled"));
      } else if (code === 0) {
        resolve();
      } else {
        reject(new Error(`${command} ${args.slice(0, 3).join(" ")} exited with ${code}`));
      }
    });
  });
}
