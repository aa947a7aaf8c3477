" tests/editors/test_ale.py in real Vim: `vim -N -u ale_scenario.vim -i NONE -n -es FILE`.
" Loads Debian's ALE package and the repository's editors/vim/prosewise.vim, waits for
" Prosewise's problems in ALE, applies one quick fix through ALE's code action
" machinery (the menu callback its popup menu uses), runs :ProsewiseStatus (a command of
" the plugin), and writes what happened as JSON.
"
" Inputs (environment): PROSEWISE_EDITORS, PROSEWISE_PYTHON, PROSEWISE_RESULT,
" PROSEWISE_TIMEOUT (seconds per wait), PROSEWISE_RULE, PROSEWISE_FIX_TITLE.
" Every wait polls a condition with a deadline; `sleep 20m` is the step in which Vim
" runs ALE's job and timer callbacks (batch Vim has no event loop of its own).
set nocompatible noswapfile
filetype plugin on
syntax off
packadd ale
let g:ale_lint_on_text_changed = 'never'
let g:ale_prosewise_executable = $PROSEWISE_PYTHON
let g:ale_prosewise_command = '%e -m prosewise.server.lsp --stdio'
let g:ale_prosewise_settings = {'profile': 'picky'}
let g:ale_linters = {'markdown': ['prosewise']}
execute 'source' fnameescape($PROSEWISE_EDITORS . '/vim/prosewise.vim')

let s:result = {'errors': v:null, 'vim': v:version}
let s:timeout = str2float($PROSEWISE_TIMEOUT)
let s:actions = v:null

function! s:Wait(what, Predicate) abort
  let l:start = reltime()
  while !a:Predicate()
    if reltimefloat(reltime(l:start)) > s:timeout
      throw 'timed out waiting for ' . a:what
    endif
    sleep 20m
  endwhile
endfunction

function! s:Problem() abort
  for l:item in ale#engine#GetLoclist(bufnr(''))
    if get(l:item, 'linter_name', '') is# 'prosewise' && get(l:item, 'code', '') is# $PROSEWISE_RULE
      return l:item
    endif
  endfor
  return {}
endfunction

function! s:OnActions(data, items) abort
  let s:actions = {'data': a:data, 'items': map(copy(a:items), 'v:val[1]')}
endfunction

function! s:Run() abort
  let s:result.filetype = &filetype
  call s:Wait('a ' . $PROSEWISE_RULE . ' problem', {-> !empty(s:Problem())})
  let l:problem = s:Problem()
  let s:result.problem = {'lnum': l:problem.lnum, 'col': l:problem.col,
  \   'end_col': l:problem.end_col, 'text': l:problem.text,
  \   'covered': getline(l:problem.lnum)[l:problem.col - 1 : l:problem.end_col - 1]}
  " As :'<,'>ALECodeAction on the problem's text (with no range ALE widens the cursor
  " to the word under it by searching backwards, which finds the wrong "a").
  call setpos("'<", [0, l:problem.lnum, l:problem.col, 0])
  call setpos("'>", [0, l:problem.lnum, l:problem.end_col, 0])
  call ale#codefix#Execute(1, function('s:OnActions'))
  call s:Wait('code actions', {-> s:actions isnot v:null})
  let s:result.actions = map(copy(s:actions.items), 'v:val.title')
  let l:chosen = filter(copy(s:actions.items), 'v:val.title is# $PROSEWISE_FIX_TITLE')
  if empty(l:chosen)
    throw 'no code action titled ' . $PROSEWISE_FIX_TITLE
  endif
  let l:before = getline(1, '$')
  call ale#codefix#ApplyLSPCodeAction(s:actions.data, l:chosen[0])
  call s:Wait('the quick fix to edit the buffer', {-> getline(1, '$') != l:before})
  let s:result.lines = getline(1, '$')
  ProsewiseStatus
  call s:Wait('the status', {-> exists('g:prosewise_status')})
  let s:result.status = g:prosewise_status
endfunction

function! s:Main() abort
  try
    call s:Run()
  catch
    let s:result.errors = v:exception . ' at ' . v:throwpoint
  endtry
  call writefile([json_encode(s:result)], $PROSEWISE_RESULT)
  qall!
endfunction

autocmd VimEnter * ++once call s:Main()
