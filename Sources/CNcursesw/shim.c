#include "CNcursesw.h"

#include <langinfo.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <term.h>

static struct termios saved_termios;
static int have_termios = 0;
static volatile sig_atomic_t restored = 0;
static volatile sig_atomic_t continued = 0;
static char leave_screen[256];
static size_t leave_screen_len = 0;
static char enter_screen[128];
static size_t enter_screen_len = 0;

// Signals that mean the program has crashed: always handled, then passed on (to Swift's
// backtracer, or the default action).
static const int crash_signals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGSYS};
#define NCRASH (sizeof(crash_signals) / sizeof(crash_signals[0]))

// Signals whose default action ends the process. Handled only when their disposition is the
// default: one a parent set to be ignored (nohup, a shell's trap) stays ignored.
static const int ending_signals[] = {
    SIGINT,  SIGTERM,   SIGHUP,  SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM, SIGPIPE, SIGXCPU,
    SIGXFSZ, SIGVTALRM, SIGPROF, SIGIO,
#ifdef SIGPWR
    SIGPWR,
#endif
#ifdef SIGSTKFLT
    SIGSTKFLT,
#endif
};
#define NENDING (sizeof(ending_signals) / sizeof(ending_signals[0]))

#ifndef NSIG
#define NSIG 65
#endif
static struct sigaction previous[NSIG];
static volatile sig_atomic_t handled[NSIG];

static void append(char *buf, size_t cap, size_t *len, const char *s) {
  if (s == NULL || s == (char *)-1) return;
  size_t n = strlen(s);
  if (*len + n >= cap) return;
  memcpy(buf + *len, s, n);
  *len += n;
}

void cn_capture_terminfo(void) {
  leave_screen_len = 0;
  enter_screen_len = 0;
  // Reset attributes, show the cursor, leave the alternate screen.
  append(leave_screen, sizeof(leave_screen), &leave_screen_len, tigetstr("sgr0"));
  append(leave_screen, sizeof(leave_screen), &leave_screen_len, tigetstr("cnorm"));
  append(leave_screen, sizeof(leave_screen), &leave_screen_len, tigetstr("rmcup"));
  append(leave_screen, sizeof(leave_screen), &leave_screen_len, "\r\n");
  append(enter_screen, sizeof(enter_screen), &enter_screen_len, tigetstr("smcup"));
  append(enter_screen, sizeof(enter_screen), &enter_screen_len, tigetstr("civis"));
}

// Only async-signal-safe calls: write, tcsetattr, sigaction, signal, raise.
void cn_restore_terminal(void) {
  if (restored) return;
  restored = 1;
  if (leave_screen_len > 0) {
    ssize_t unused = write(STDOUT_FILENO, leave_screen, leave_screen_len);
    (void)unused;
  }
  if (have_termios) tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_termios);
}

static void on_signal(int sig) {
  cn_restore_terminal();
  if (sig > 0 && sig < NSIG && handled[sig]) sigaction(sig, &previous[sig], NULL);
  raise(sig);
  // The previous handler returned (Swift's crash backtracer does, expecting a real fault to
  // happen again), or there was none that ends the process: with the terminal already given
  // back, the program cannot go on, so the signal ends it as its default action would.
  signal(sig, SIG_DFL);
  raise(sig);
}

static void on_continue(int sig) {
  (void)sig;
  continued = 1;
}

static void install(int sig, int only_if_default) {
  if (sig <= 0 || sig >= NSIG) return;
  struct sigaction old;
  if (sigaction(sig, NULL, &old) != 0) return;
  if (only_if_default && !(old.sa_flags & SA_SIGINFO) && old.sa_handler != SIG_DFL) return;
  struct sigaction sa;
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESETHAND;
  if (sigaction(sig, &sa, &previous[sig]) == 0) handled[sig] = 1;
}

void cn_install_restore_handlers(void) {
  if (tcgetattr(STDIN_FILENO, &saved_termios) == 0) have_termios = 1;
  for (size_t i = 0; i < NCRASH; i++) install(crash_signals[i], 0);
  for (size_t i = 0; i < NENDING; i++) install(ending_signals[i], 1);
#ifdef SIGRTMIN
  for (int s = SIGRTMIN; s <= SIGRTMAX; s++) install(s, 1);
#endif
  // SIGCONT without a SIGTSTP first (SIGSTOP, then fg): no flag in sa_flags, so a blocking
  // read returns EINTR and the loop can take the screen back.
  struct sigaction sa;
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = on_continue;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGCONT, &sa, NULL);
}

int cn_take_continued(void) {
  int c = continued;
  continued = 0;
  return c;
}

int cn_disable_flow_control(void) {
  struct termios t;
  if (tcgetattr(STDIN_FILENO, &t) != 0) return -1;
  t.c_iflag &= ~(tcflag_t)(IXON | IXOFF);
  if (tcsetattr(STDIN_FILENO, TCSANOW, &t) != 0) return -1;
  // ncurses keeps "program mode" to go back to after a suspend: make it this one.
  def_prog_mode();
  return 0;
}

void cn_enter_screen_again(void) {
  if (enter_screen_len > 0) {
    ssize_t unused = write(STDOUT_FILENO, enter_screen, enter_screen_len);
    (void)unused;
  }
}

int cn_isatty(int fd) { return isatty(fd); }

int cn_can_address_cursor(void) {
  const char *cup = tigetstr("cup");
  return cup != NULL && cup != (char *)-1;
}

int cn_locale_is_utf8(void) {
  const char *cs = nl_langinfo(CODESET);
  return cs != NULL && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
}

int cn_wait_for_input(int timeout_ms) {
  struct pollfd p;
  p.fd = STDIN_FILENO;
  p.events = POLLIN;
  p.revents = 0;
  int r = poll(&p, 1, timeout_ms);
  if (r < 0) return -1;
  return r > 0 ? 1 : 0;
}
