;;; prosewise.el --- Prosewise language server for Emacs (eglot)  -*- lexical-binding: t; -*-

;;; Commentary:
;; Eglot (built into Emacs 29+) talks to `prosewise lsp --stdio'.  Diagnostics
;; appear through Flymake; quick fixes and the persistent actions (ignore, add to
;; dictionary, disable rule) are `eglot-code-actions', carried out by the server.
;;   (require 'prosewise)  then  M-x eglot  in a Markdown or text buffer.

;;; Code:
(require 'eglot)

(defgroup prosewise nil "Prosewise writing assistant." :group 'tools)

(defcustom prosewise-command '("prosewise" "lsp" "--stdio")
  "Command that starts the Prosewise language server."
  :type '(repeat string))

(defcustom prosewise-settings '(:profile "balanced")
  "Settings sent as the `prosewise' section (camelCase keys, as in .prosewise.toml)."
  :type 'plist)

(add-to-list 'eglot-server-programs
             `((markdown-mode gfm-mode text-mode latex-mode LaTeX-mode) . ,(lambda (&rest _) prosewise-command)))

(setq-default eglot-workspace-configuration
              (plist-put (copy-sequence (default-value 'eglot-workspace-configuration))
                         :prosewise prosewise-settings))

(defun prosewise--execute (command)
  "Run the server COMMAND on the current buffer and return its result."
  (jsonrpc-request (eglot--current-server-or-lose) :workspace/executeCommand
                   `(:command ,command :arguments [,(eglot--path-to-uri (buffer-file-name))])))

(defun prosewise-recheck ()
  "Check the current buffer again."
  (interactive)
  (prosewise--execute "prosewise.recheck"))

(defun prosewise-tone ()
  "Show the tone summary of the current buffer."
  (interactive)
  (let ((tone (prosewise--execute "prosewise.showTone")))
    (message "Tone: %s" (if tone (plist-get tone :headline) "too short to judge"))))

(provide 'prosewise)
;;; prosewise.el ends here
