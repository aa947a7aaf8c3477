// Where "Install Prosewise" keeps its virtual environment: the extension's global
// storage, so it survives updates of the extension and needs no admin rights.
import * as path from "node:path";
import * as vscode from "vscode";

export function venvFolder(storage: vscode.Uri): string {
  return path.join(storage.fsPath, "server-venv");
}

export function venvExecutable(storage: vscode.Uri): string {
  return process.platform === "win32"
    ? path.join(venvFolder(storage), "Scripts", "python.exe")
    : path.join(venvFolder(storage), "bin", "python");
}
