// One language client at a time: found, started, restarted on a change of
// `prosewise.server.*` or of the Python interpreter, stopped. A server that cannot be
// found or started leads to one notification that says what was tried and offers a
// way out; changing a setting or installing then starts it without a window reload.
import * as vscode from "vscode";
import {
  DidChangeConfigurationNotification,
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  State,
  TransportKind,
} from "vscode-languageclient/node";
import { locateServer } from "./locate";
import { offerHelp } from "./help";
import { explicitSettings, SECTION } from "./settings";
import { ModelStatus, StatusBar } from "./status";

// The languages the server reads (server/markup's table), as package.json's
// activationEvents list them.
const LANGUAGES = [
  "markdown", "plaintext", "latex", "git-commit", "html", "restructuredtext", "python",
  "javascript", "javascriptreact", "typescript", "typescriptreact", "go", "rust", "java",
  "c", "cpp", "shellscript", "asciidoc", "org", "typst",
];

const SELECTOR = [
  ...LANGUAGES.map((language) => ({ scheme: "file", language })),
  { scheme: "untitled", language: "markdown" },
];

export class Session implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly output: vscode.OutputChannel,
    private readonly status: StatusBar,
    private readonly keys: readonly string[],
  ) {}

  /** Start (again): queued, so two quick setting changes never start two servers. */
  restart(): Promise<void> {
    this.queue = this.queue.then(() => this.stop()).then(() => this.start()).catch((error) => {
      this.status.stopped(`the client failed: ${String(error)}`);  // the next restart still runs
      this.output.appendLine(`Prosewise client: ${String(error)}`);
    });
    return this.queue;
  }

  /** The writer's settings changed: the running server re-reads them and re-checks. */
  settingsChanged(): void {
    const settings = { [SECTION]: explicitSettings(this.keys) };
    void this.client?.sendNotification(DidChangeConfigurationNotification.type, { settings });
  }

  /** Runs one of the server's commands on the active document. */
  async run(command: string): Promise<unknown> {
    const editor = vscode.window.activeTextEditor;
    if (this.client === undefined || editor === undefined) {
      return undefined;
    }
    const uri = editor.document.uri.toString();
    return this.client.sendRequest(ExecuteCommandRequest.type, { command, arguments: [uri] });
  }

  private async start(): Promise<void> {
    this.status.starting();
    const located = await locateServer(this.context.globalStorageUri);
    if (located.found === undefined) {
      this.status.stopped("no language server found");
      this.output.appendLine(`No Prosewise server found. Tried:\n  ${located.tried.join("\n  ")}`);
      void offerHelp(this.context, this.output, located.tried, () => this.restart());
      return;
    }
    const server = located.found;
    this.output.appendLine(`Starting ${server.command} ${server.args.join(" ")} --stdio (${server.source})`);
    const client = new LanguageClient("prosewise", "Prosewise", {
      command: server.command, args: server.args, transport: TransportKind.stdio,
    }, this.clientOptions());
    client.onDidChangeState((change) => {
      if (change.newState === State.Stopped && this.client === client) {
        this.status.stopped("the language server stopped");
      }
    });
    this.client = client;
    try {
      await client.start();
    } catch (error) {
      this.client = undefined;
      this.status.stopped(`${server.command} did not start`);
      const tried = [...located.tried, `${server.source}: ${server.command} did not start (${String(error)})`];
      void offerHelp(this.context, this.output, tried, () => this.restart());
      return;
    }
    client.onNotification("prosewise/status", (status: ModelStatus) => this.status.showModel(status));
    this.status.ready();
  }

  private clientOptions(): LanguageClientOptions {
    return {
      documentSelector: SELECTOR,
      outputChannel: this.output,
      initializationOptions: explicitSettings(this.keys),
      middleware: {
        workspace: {
          configuration: (params, token, next) => params.items.every((item) => item.section === SECTION)
            ? params.items.map((item) => explicitSettings(this.keys, item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined))
            : next(params, token),
        },
        provideDiagnostics: (document, previous, token, next) =>
          this.status.whileChecking(async () => {
            const report = await next(document, previous, token);
            void this.showEngines(document);
            return report;
          }),
      },
    };
  }

  /** Which engines are still loading (the server's `prosewise.status`): their findings
   * come in a later pull, which asks again. */
  private async showEngines(document: vscode.TextDocument | vscode.Uri): Promise<void> {
    const uri = document instanceof vscode.Uri ? document : document.uri;
    const client = this.client;
    if (client === undefined) {
      return;
    }
    try {
      const status = await client.sendRequest(ExecuteCommandRequest.type, {
        command: "prosewise.status", arguments: [uri.toString()],
      }) as { engines?: Record<string, string> } | null;
      const engines = Object.entries(status?.engines ?? {});
      this.status.enginesLoading(engines.filter(([, state]) => state === "loading").map(([name]) => name));
    } catch {
      // an older server, or one that stopped meanwhile: nothing to show
    }
  }

  private async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client !== undefined && client.state !== State.Stopped) {
      try {
        await client.stop();
      } catch (error) {
        this.output.appendLine(`Stopping the server: ${String(error)}`);
      }
    }
  }

  dispose(): void {
    void this.stop();
  }

  /** Stops the client (on deactivation: VS Code waits for the promise). */
  shutdown(): Promise<void> {
    return this.queue.then(() => this.stop());
  }
}
