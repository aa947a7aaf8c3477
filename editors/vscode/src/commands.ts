// Palette commands. They are `prosewise.editor.*`: the `prosewise.*` ids belong to the
// server (vscode-languageclient registers those itself).
import * as vscode from "vscode";
import { isDictionary, openDictionary } from "./dictionary";
import { Session } from "./session";
import { SHOW_OUTPUT } from "./status";

export function registerCommands(session: Session, output: vscode.OutputChannel): vscode.Disposable {
  const showAsDocument = async (command: string, title: string): Promise<void> => {
    const result = await session.run(command);
    const content = `# ${title}\n\n\`\`\`json\n${JSON.stringify(result, null, 2)}\n\`\`\`\n`;
    const doc = await vscode.workspace.openTextDocument({ language: "markdown", content });
    await vscode.window.showTextDocument(doc, { preview: true });
  };
  return vscode.Disposable.from(
    vscode.commands.registerCommand("prosewise.editor.recheck", () => session.run("prosewise.recheck")),
    vscode.commands.registerCommand("prosewise.editor.showDecisions", () =>
      showAsDocument("prosewise.showDecisions", "Prosewise decision log")),
    vscode.commands.registerCommand("prosewise.editor.showTone", () =>
      showAsDocument("prosewise.showTone", "Prosewise tone summary")),
    vscode.commands.registerCommand("prosewise.editor.checkWithModel", () =>
      session.run("prosewise.checkWithModel")),
    vscode.commands.registerCommand("prosewise.editor.openDictionary", openDictionary),
    vscode.workspace.onDidSaveTextDocument((document) => {
      if (isDictionary(document.uri)) {
        void session.run("prosewise.recheck");  // the words just saved apply now
      }
    }),
    vscode.commands.registerCommand("prosewise.editor.restartServer", () => session.restart()),
    vscode.commands.registerCommand(SHOW_OUTPUT, () => output.show(true)),
  );
}
