// The status bar: "starting", "checking", the active document's suggestions by agent,
// the engines still loading, "server stopped"; clicking it opens the output channel. A second item shows the
// model's state from the server's `prosewise/status` notification (sent only with a
// model configured).
import * as vscode from "vscode";

export const SHOW_OUTPUT = "prosewise.editor.showOutput";
const SOURCE = "prosewise";

export interface ModelStatus {
  llm: "checking" | "ready" | "paused";
  reason: string | null;
}

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem("prosewise.status", vscode.StatusBarAlignment.Right, 100);
  private readonly model = vscode.window.createStatusBarItem("prosewise.model", vscode.StatusBarAlignment.Right, 99);
  private readonly listeners: vscode.Disposable[];
  private running = false;
  private checking = 0;
  private loading: readonly string[] = [];

  constructor() {
    this.item.name = "Prosewise";
    this.item.command = SHOW_OUTPUT;
    this.model.name = "Prosewise model";
    this.model.command = "prosewise.editor.checkWithModel";
    this.listeners = [
      vscode.languages.onDidChangeDiagnostics(() => this.render()),
      vscode.window.onDidChangeActiveTextEditor(() => this.render()),
    ];
    this.starting();
    this.item.show();
  }

  starting(): void {
    this.running = false;
    this.set("$(loading~spin) Prosewise", "Prosewise: starting the language server");
  }

  ready(): void {
    this.running = true;
    this.render();
  }

  stopped(why: string): void {
    this.running = false;
    this.checking = 0;
    this.model.hide();
    this.set("$(error) Prosewise: stopped", `Prosewise: ${why}. Click for the output.`);
  }

  /** Wraps one check (a diagnostics pull) so the item says "checking" meanwhile. */
  async whileChecking<T>(check: () => Promise<T>): Promise<T> {
    this.checking += 1;
    this.render();
    try {
      return await check();
    } finally {
      this.checking -= 1;
      this.render();
    }
  }

  /** The engines still loading (their findings are not in the counts yet). */
  enginesLoading(names: readonly string[]): void {
    this.loading = names;
    this.render();
  }

  showModel(status: ModelStatus): void {
    this.model.text = status.llm === "checking" ? "$(sync~spin) LLM: checking" : `LLM: ${status.llm}`;
    this.model.tooltip = status.reason ?? "Prosewise: ask the model about this document now";
    this.model.show();
  }

  private render(): void {
    if (!this.running) {
      return;
    }
    if (this.checking > 0) {
      this.set("$(sync~spin) Prosewise: checking", "Prosewise is checking the document");
      return;
    }
    const document = vscode.window.activeTextEditor?.document;
    const counts = document ? countByAgent(vscode.languages.getDiagnostics(document.uri)) : new Map();
    const parts = [...counts].map(([agent, count]) => `${count} ${agent}`);
    const text = parts.length > 0 ? parts.join(" · ") : "ready";
    if (this.loading.length > 0) {
      const engines = this.loading.join(", ");
      this.set(`$(loading~spin) Prosewise: ${text} · ${engines} loading`,
        `Prosewise: suggestions by agent; ${engines} still loading, its suggestions come next. Click for the output.`);
      return;
    }
    this.set(`$(check) Prosewise: ${text}`, "Prosewise: suggestions in this document by agent. Click for the output.");
  }

  private set(text: string, tooltip: string): void {
    this.item.text = text;
    this.item.tooltip = tooltip;
  }

  dispose(): void {
    this.item.dispose();
    this.model.dispose();
    this.listeners.forEach((listener) => listener.dispose());
  }
}

/** Prosewise's diagnostics by agent: the rule id's first part ("grammar.spelling"). */
export function countByAgent(diagnostics: readonly vscode.Diagnostic[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const diagnostic of diagnostics) {
    if (diagnostic.source !== SOURCE) {
      continue;
    }
    const code = typeof diagnostic.code === "object" ? diagnostic.code.value : diagnostic.code;
    const agent = String(code ?? "other").split(".")[0];
    counts.set(agent, (counts.get(agent) ?? 0) + 1);
  }
  return counts;
}
