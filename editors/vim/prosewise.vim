" Prosewise for Vim 8.2+ with ALE (https://github.com/dense-analysis/ale): save as
" ~/.vim/after/plugin/prosewise.vim (after/: Vim sources it once ALE is on
" 'runtimepath', also when ALE is a pack/*/start package). ALE then starts
" `prosewise lsp --stdio` for Markdown, text, git commit, LaTeX, reStructuredText and
" HTML buffers, shows its suggestions as ALE problems, and :ALECodeAction offers the
" quick fixes and the persistent actions (ignore, add to dictionary, disable a rule).
"
"   let g:ale_prosewise_settings = {'profile': 'picky', 'goals': {'dialect': 'en-GB'}}
"   let g:ale_prosewise_executable = '/path/to/venv/bin/prosewise'
"
" Settings use the camelCase keys of .prosewise.toml (the `prosewise` section);
" keys left out fall back to the project file.
"
" ALE 3.x runs a code action's command instead of its edit, so the server is asked
" for quick fixes without their "learn" command (`quickFixCommands: false`); and it
" counts columns in bytes without saying so, so the server is asked for UTF-8
" positions (`positionEncoding`).
if exists('g:loaded_prosewise') || empty(globpath(&runtimepath, 'autoload/ale.vim'))
  finish  " loaded already, or ALE is not on 'runtimepath' (Debian: `packadd! ale` first)
endif
let g:loaded_prosewise = 1

call ale#Set('prosewise_executable', 'prosewise')
call ale#Set('prosewise_command', '%e lsp --stdio')
call ale#Set('prosewise_settings', {})

" The nearest folder with a .prosewise.toml, a .prosewise/ folder or .git, else the file's own.
function! s:ProjectRoot(buffer) abort
  for l:marker in ['.prosewise.toml', '.prosewise', '.git']
    let l:found = ale#path#FindNearestFile(a:buffer, l:marker)
    if empty(l:found)
      let l:found = ale#path#FindNearestDirectory(a:buffer, l:marker)
    endif
    if !empty(l:found)
      return fnamemodify(substitute(l:found, '[/\\]$', '', ''), ':h')
    endif
  endfor
  return expand('#' . a:buffer . ':p:h')
endfunction

for [s:filetype, s:language] in [['markdown', 'markdown'], ['text', 'plaintext'],
\   ['gitcommit', 'git-commit'], ['tex', 'latex'], ['rst', 'restructuredtext'], ['html', 'html'],
\   ['asciidoc', 'asciidoc'], ['org', 'org'], ['typst', 'typst']]
  call ale#linter#Define(s:filetype, {
  \   'name': 'prosewise',
  \   'lsp': 'stdio',
  \   'language': s:language,
  \   'executable': {buffer -> ale#Var(buffer, 'prosewise_executable')},
  \   'command': {buffer -> ale#Var(buffer, 'prosewise_command')},
  \   'project_root': function('s:ProjectRoot'),
  \   'lsp_config': {buffer -> {'prosewise': ale#Var(buffer, 'prosewise_settings')}},
  \   'initialization_options': {'quickFixCommands': v:false, 'positionEncoding': 'utf-8'},
  \})
endfor

" :ProsewiseStatus and :ProsewiseRecheck ask the server through ALE's connection.
function! s:Execute(command, Handler) abort
  let l:uri = ale#path#ToFileURI(expand('%:p'))
  let l:message = [0, 'workspace/executeCommand', {'command': a:command, 'arguments': [l:uri]}]
  call ale#lsp_linter#SendRequest(bufnr(''), 'prosewise', l:message, a:Handler)
endfunction

" The server's answer to prosewise.status, as one line (also kept in g:prosewise_status).
function! s:ShowStatus(response) abort
  let l:status = get(a:response, 'result', {})
  if type(l:status) isnot v:t_dict || empty(l:status)
    echomsg 'Prosewise: no status: ' . string(get(a:response, 'error', a:response))
    return
  endif
  let l:engines = map(sort(items(l:status.engines)), 'v:val[0] . " " . v:val[1]')
  let g:prosewise_status = printf('Prosewise %s: %s diagnostics, %s; engines: %s',
  \   l:status.version, l:status.diagnostics, l:status.dialect, join(l:engines, ', '))
  echomsg g:prosewise_status
endfunction

command! ProsewiseStatus call s:Execute('prosewise.status', function('s:ShowStatus'))
command! ProsewiseRecheck call s:Execute('prosewise.recheck', {_ -> 0})
