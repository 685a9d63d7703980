// The C side of the terminal backend: ncursesw with its wide-character API, the macros Swift
// cannot import wrapped as functions, and the signal handlers that restore the terminal.
#ifndef CNCURSESW_H
#define CNCURSESW_H

// SwiftPM drops pkg-config's -D flags, so ask for the wide-character API here.
#define NCURSES_WIDECHAR 1
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#include <ncursesw/curses.h>
#include <locale.h>
#include <wchar.h>

static inline WINDOW *cn_stdscr(void) { return stdscr; }
static inline WINDOW *cn_curscr(void) { return curscr; }
static inline int cn_lines(void) { return LINES; }
static inline int cn_cols(void) { return COLS; }
static inline int cn_color_pairs(void) { return COLOR_PAIRS; }
static inline attr_t cn_a_normal(void) { return A_NORMAL; }
static inline attr_t cn_a_bold(void) { return A_BOLD; }
static inline attr_t cn_a_dim(void) { return A_DIM; }
static inline attr_t cn_a_reverse(void) { return A_REVERSE; }
static inline attr_t cn_a_underline(void) { return A_UNDERLINE; }
static inline int cn_key_code_yes(void) { return KEY_CODE_YES; }
static inline int cn_err(void) { return ERR; }
static inline FILE *cn_stdout(void) { return stdout; }
static inline FILE *cn_stdin(void) { return stdin; }

/// True if the terminal can move the cursor (`cup`), which drawing needs.
int cn_can_address_cursor(void);

/// Saves the terminal's settings and installs handlers that restore the terminal, then hand the
/// signal to whatever handler was there before (the Swift runtime's backtracer, or the default
/// action): for the crash signals always, and for every other signal whose default action ends
/// the process (INT, TERM, HUP, QUIT, USR1, USR2, ALRM, PIPE, XCPU, ...) unless it is ignored.
/// Also notes SIGCONT, so a program stopped by SIGSTOP can take the screen back. Call before
/// `newterm`.
void cn_install_restore_handlers(void);

/// True once after a SIGCONT arrived.
int cn_take_continued(void);

/// Turns off XON/XOFF flow control (Ctrl-S would freeze the screen until Ctrl-Q) and makes
/// that ncurses's program mode. The saved settings, restored at the end, keep it as it was.
int cn_disable_flow_control(void);

/// Writes the sequences that enter the alternate screen and hide the cursor (after a stop).
void cn_enter_screen_again(void);

/// Waits until standard input has something to read (1), the timeout passes (0; -1 waits for
/// ever), or a signal interrupts the wait (-1).
int cn_wait_for_input(int timeout_ms);

/// True if the current locale's character set is UTF-8.
int cn_locale_is_utf8(void);

/// Records the terminfo strings to write when restoring (call after `newterm`).
void cn_capture_terminfo(void);

/// Restores the saved terminal settings and screen; safe to call more than once.
void cn_restore_terminal(void);

/// True if fd is a terminal.
int cn_isatty(int fd);

#endif
