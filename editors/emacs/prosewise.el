;;; prosewise.el --- Prosewise language server for Emacs (eglot)  -*- lexical-binding: t; -*-

;;; Commentary:
;; Eglot (built into Emacs 29+; `elpa-eglot' on Debian 12) talks to
;; `prosewise lsp --stdio'.  Set `prosewise-settings' before loading this file.
;; Diagnostics appear through Flymake; quick fixes and the persistent actions (ignore, add to
;; dictionary, disable rule) are `eglot-code-actions', carried out by the server.
;;   (require 'prosewise)  then  M-x eglot  in a Markdown or text buffer.

;;; Code:
(require 'eglot)
(require 'cl-lib)

(defgroup prosewise nil "Prosewise writing assistant." :group 'tools)

(defcustom prosewise-command '("prosewise" "lsp" "--stdio")
  "Command that starts the Prosewise language server."
  :type '(repeat string))

(defcustom prosewise-settings '(:profile "balanced")
  "Settings sent as the `prosewise' section (camelCase keys, as in .prosewise.toml)."
  :type 'plist)

;; Markdown and LaTeX before text-mode, from which both derive.  Eglot 1.9 (Debian
;; 12's elpa-eglot) and the Eglot built into Emacs 29+ both read this form, but give a
;; server one language id, its first file's: open a Markdown and a LaTeX file of one
;; project and the second is read as the first's format (Emacs 30's Eglot tells each).
(add-to-list 'eglot-server-programs
             `(((markdown-mode :language-id "markdown") (gfm-mode :language-id "markdown")
                (latex-mode :language-id "latex") (LaTeX-mode :language-id "latex")
                (org-mode :language-id "org") (adoc-mode :language-id "asciidoc")
                (typst-ts-mode :language-id "typst")
                (text-mode :language-id "plaintext"))
               . ,(lambda (&rest _) prosewise-command)))

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

(defun prosewise-status ()
  "Show the server's version, how it sends diagnostics and each engine's state."
  (interactive)
  (let* ((status (prosewise--execute "prosewise.status"))
         (engines (plist-get status :engines)))
    (message "Prosewise %s: %s diagnostics, %s; engines: %s"
             (plist-get status :version) (plist-get status :diagnostics)
             (plist-get status :dialect)
             (mapconcat #'identity
                        (cl-loop for (name state) on engines by #'cddr
                                 collect (format "%s %s" (substring (symbol-name name) 1) state))
                        ", "))))

(provide 'prosewise)
;;; prosewise.el ends here
