;;; eglot_scenario.el --- tests/editors/test_eglot.py in real Emacs  -*- lexical-binding: t; -*-

;; Run as `emacs -q --batch -l eglot_scenario.el FILE': open FILE with the
;; repository's editors/emacs/prosewise.el, start Eglot, wait for Prosewise's
;; diagnostics in Flymake, apply one quick fix through Eglot's code action
;; machinery, run `prosewise-status' (a command of prosewise.el), and write what
;; happened as JSON for the Python test to check.
;;
;; Inputs (environment): PROSEWISE_EDITORS (the editors/ folder), PROSEWISE_PYTHON
;; (interpreter with prosewise installed), PROSEWISE_RESULT (JSON output path),
;; PROSEWISE_TIMEOUT (seconds per wait), PROSEWISE_RULE and PROSEWISE_FIX_TITLE
;; (the diagnostic to fix and the title of its quick fix).
;; Every wait polls with `accept-process-output' (which runs Eglot's handlers)
;; until a condition holds or the deadline passes; there is no fixed sleep.

(require 'json)
(require 'cl-lib)

(defvar scenario-result (list (cons 'errors nil)))
(defvar scenario-timeout (string-to-number (or (getenv "PROSEWISE_TIMEOUT") "20")))

(defun scenario-put (key value)
  (setq scenario-result (append scenario-result (list (cons key value)))))

(defun scenario-wait (what predicate)
  "Poll PREDICATE (running process output in between) until it is non-nil; its value.
Signal an error naming WHAT after `scenario-timeout' seconds."
  (let ((deadline (+ (float-time) scenario-timeout)) value)
    (while (and (not (setq value (funcall predicate))) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    (or value (error "Timed out waiting for %s" what))))

(defun scenario-diagnostics ()
  "Prosewise's Flymake diagnostics in the current buffer, as the LSP diagnostics
Eglot keeps with them, each with the text its range covers in the buffer."
  (cl-loop for d in (flymake-diagnostics)
           for lsp = (cdr (assoc 'eglot-lsp-diag (flymake-diagnostic-data d)))
           when (and lsp (equal (plist-get lsp :source) "prosewise"))
           collect (list :lsp lsp :beg (flymake-diagnostic-beg d)
                         :end (flymake-diagnostic-end d)
                         :covered (buffer-substring-no-properties
                                   (flymake-diagnostic-beg d) (flymake-diagnostic-end d)))))

(defun scenario-find (rule)
  "The first diagnostic of RULE, or nil; asks Flymake again while there is none
\(interactively Flymake starts after a command; batch Emacs runs no command loop)."
  (or (cl-find rule (scenario-diagnostics)
               :key (lambda (d) (plist-get (plist-get d :lsp) :code)) :test #'equal)
      (progn (flymake-start) nil)))

(defun scenario-execute (server action)
  "Carry out ACTION as Eglot's code action menu does when it is the only choice."
  (if (fboundp 'eglot-execute)
      (eglot-execute server action)
    (eglot--read-execute-code-action (list action) server
                                     (or (plist-get action :kind) "quickfix"))))

(defun scenario-run ()
  (add-to-list 'load-path (expand-file-name "emacs" (getenv "PROSEWISE_EDITORS")))
  (require 'markdown-mode)
  ;; Set before loading prosewise.el, as a user's init file would.
  (setq prosewise-command (list (getenv "PROSEWISE_PYTHON") "-m" "prosewise.server.lsp" "--stdio")
        prosewise-settings '(:profile "picky"))
  (require 'prosewise)
  (find-file (car command-line-args-left))
  (setq command-line-args-left nil)
  (scenario-put 'mode (symbol-name major-mode))
  (scenario-put 'emacs emacs-version)
  (apply #'eglot (eglot--guess-contact))
  (let ((server (scenario-wait "Eglot to manage the buffer"
                               (lambda () (and (eglot-managed-p) (eglot-current-server)))))
        (rule (getenv "PROSEWISE_RULE"))
        (title (getenv "PROSEWISE_FIX_TITLE")))
    (scenario-put 'language_id (if (fboundp 'eglot--language-ids)  ; Emacs 30's Eglot
                                   (car (eglot--language-ids server))
                                 (eglot--language-id server)))
    (let* ((diag (scenario-wait (concat "a " rule " diagnostic") (lambda () (scenario-find rule))))
           (lsp (plist-get diag :lsp))
           (start (plist-get (plist-get lsp :range) :start)))
      (scenario-put 'diagnostic `((line . ,(plist-get start :line))
                                  (character . ,(plist-get start :character))
                                  (message . ,(plist-get lsp :message))
                                  (covered . ,(plist-get diag :covered))))
      (let* ((actions (eglot-code-actions (plist-get diag :beg) (plist-get diag :end)))
             (action (cl-find title actions :key (lambda (a) (plist-get a :title))
                              :test #'equal)))
        (scenario-put 'actions (vconcat (mapcar (lambda (a) (plist-get a :title)) actions)))
        (unless action (error "No code action titled %s" title))
        (let ((before (buffer-string)))
          (scenario-execute server action)
          (scenario-wait "the quick fix to edit the buffer"
                         (lambda () (not (equal before (buffer-string)))))
          (scenario-put 'text (buffer-substring-no-properties (point-min) (point-max)))))
      (scenario-put 'status (call-interactively #'prosewise-status)))))

(condition-case err
    (scenario-run)
  (error (setcdr (assq 'errors scenario-result) (error-message-string err))))
(with-temp-file (getenv "PROSEWISE_RESULT")
  (insert (json-encode scenario-result)))
(kill-emacs 0)

;;; eglot_scenario.el ends here
