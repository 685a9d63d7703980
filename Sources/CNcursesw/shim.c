#include "CNcursesw.h"

#include <signal.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <term.h>

static struct termios saved_termios;
static int have_termios = 0;
static volatile sig_atomic_t restored = 0;
static char leave_screen[256];
static size_t leave_screen_len = 0;

static const int signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP};
#define NSIGNALS (sizeof(signals) / sizeof(signals[0]))
static struct sigaction previous[NSIGNALS];

static void append(const char *s) {
  if (s == NULL || s == (char *)-1) return;
  size_t n = strlen(s);
  if (leave_screen_len + n >= sizeof(leave_screen)) return;
  memcpy(leave_screen + leave_screen_len, s, n);
  leave_screen_len += n;
}

void cn_capture_terminfo(void) {
  leave_screen_len = 0;
  // Reset attributes, show the cursor, leave the alternate screen.
  append(tigetstr("sgr0"));
  append(tigetstr("cnorm"));
  append(tigetstr("rmcup"));
  append("\r\n");
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
  for (size_t i = 0; i < NSIGNALS; i++) {
    if (signals[i] == sig) {
      sigaction(sig, &previous[i], NULL);
      break;
    }
  }
  raise(sig);
  // The previous handler returned (Swift's crash backtracer does, expecting a real fault to
  // happen again), or there was none that ends the process: with the terminal already given
  // back, the program cannot go on, so the signal ends it as its default action would.
  signal(sig, SIG_DFL);
  raise(sig);
}

void cn_install_restore_handlers(void) {
  if (tcgetattr(STDIN_FILENO, &saved_termios) == 0) have_termios = 1;
  struct sigaction sa;
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESETHAND;
  for (size_t i = 0; i < NSIGNALS; i++) sigaction(signals[i], &sa, &previous[i]);
}

int cn_isatty(int fd) { return isatty(fd); }

int cn_can_address_cursor(void) {
  const char *cup = tigetstr("cup");
  return cup != NULL && cup != (char *)-1;
}
