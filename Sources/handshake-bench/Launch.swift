// Launch to first frame under a real pseudo-terminal (issue 15): the program is started on the
// pty's slave side at 100×30 and the clock stops when the frame's text reaches the master side.
import BuiltinLessons
import Foundation
import HandshakeApp
import HandshakeLessons
import TmuxDriver

#if canImport(Glibc)
  import Glibc
#endif

/// Milliseconds from spawning `argv` on a fresh 100×30 pty until `marker` has been written to
/// it, or nil if it never is (5 s). The program is killed afterwards.
func launchMillis(_ argv: [String], marker: String, environment: [String: String] = [:]) -> Double?
{
  // posix_openpt and friends are not in Swift's Glibc module: the same through /dev/ptmx and
  // its two ioctls (Linux's TIOCSPTLCK and TIOCGPTN, as <asm-generic/ioctls.h> defines them).
  let master = open("/dev/ptmx", O_RDWR | O_NOCTTY)
  var unlock: Int32 = 0
  var number: UInt32 = 0
  guard master >= 0, ioctl(master, 0x4004_5431, &unlock) == 0,
    ioctl(master, 0x8004_5430, &number) == 0
  else { return nil }
  let slavePath = "/dev/pts/\(number)"
  var size = winsize(ws_row: 30, ws_col: 100, ws_xpixel: 0, ws_ypixel: 0)
  let slave = open(slavePath, O_RDWR | O_NOCTTY)
  guard slave >= 0 else { return nil }
  _ = ioctl(slave, UInt(TIOCSWINSZ), &size)
  var actions = posix_spawn_file_actions_t()
  posix_spawn_file_actions_init(&actions)
  defer { posix_spawn_file_actions_destroy(&actions) }
  for fd: Int32 in [0, 1, 2] { posix_spawn_file_actions_adddup2(&actions, slave, fd) }
  posix_spawn_file_actions_addclose(&actions, master)
  posix_spawn_file_actions_addclose(&actions, slave)
  // setsid -c: a session of its own with the pty as its controlling terminal, as a shell's
  // job would have.
  let full = ["/usr/bin/setsid", "-c"] + argv
  var env = ProcessInfo.processInfo.environment
  env["TERM"] = "xterm-256color"
  env["LANG"] = "C.UTF-8"
  for (k, v) in environment { env[k] = v }
  var cargs: [UnsafeMutablePointer<CChar>?] = full.map { strdup($0) } + [nil]
  var cenv: [UnsafeMutablePointer<CChar>?] = env.map { strdup("\($0)=\($1)") } + [nil]
  defer {
    for p in cargs { free(p) }
    for p in cenv { free(p) }
  }
  var pid: pid_t = 0
  let start = ContinuousClock.now
  guard posix_spawn(&pid, full[0], &actions, nil, &cargs, &cenv) == 0 else { return nil }
  close(slave)
  defer {
    kill(pid, SIGKILL)
    var status: Int32 = 0
    waitpid(pid, &status, 0)
    close(master)
  }
  var seen: [UInt8] = []
  let want = Array(marker.utf8)
  var buf = [UInt8](repeating: 0, count: 65536)
  var fds = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
  while ContinuousClock.now - start < .seconds(5) {
    guard poll(&fds, 1, 100) > 0 else { continue }
    let n = buf.withUnsafeMutableBytes { read(master, $0.baseAddress, $0.count) }
    guard n > 0 else { return nil }
    seen += buf[0..<n]
    if seen.count >= want.count,
      seen.withUnsafeBufferPointer({ b in
        (0...(b.count - want.count)).contains { i in
          b[i] == want[0] && Array(b[i..<(i + want.count)]) == want
        }
      })
    {
      return seconds(ContinuousClock.now - start) * 1000
    }
  }
  return nil
}

/// The median of `n` launches, with the smallest and largest.
func launchFigure(_ argv: [String], marker: String, n: Int = 10) -> (
  median: Double, min: Double, max: Double
)? {
  var all: [Double] = []
  for _ in 0..<n {
    guard let ms = launchMillis(argv, marker: marker) else { return nil }
    all.append(ms)
  }
  all.sort()
  return ((all[n / 2 - 1] + all[n / 2]) / 2, all[0], all[n - 1])
}

/// Launch figures for the commands issue 15 names, beside `less` in the same run.
func launchBenchmarks() {
  // Another build can be measured beside this one (an older commit's, a dynamic build).
  let binary = ProcessInfo.processInfo.environment["HANDSHAKE_BENCH_BINARY"] ?? Tmux.binary
  // The project's root: the current folder when it is one, else the nearest folder above the
  // binary with the README in it.
  let here = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
  var root =
    FileManager.default.fileExists(atPath: here.appendingPathComponent("lessons").path)
    ? here : URL(fileURLWithPath: binary).resolvingSymlinksInPath().deletingLastPathComponent()
  while root.path != "/"
    && !FileManager.default.fileExists(atPath: root.appendingPathComponent("README.md").path)
  {
    root = root.deletingLastPathComponent()
  }
  let readme = root.appendingPathComponent("README.md").path
  let lesson = root.appendingPathComponent("lessons/01-normal.yaml").path
  guard FileManager.default.fileExists(atPath: readme) else {
    print("launch: skipped (no README.md beside the build)")
    return
  }
  let size =
    ((try? FileManager.default.attributesOfItem(atPath: binary)[.size] as? Int) ?? 0) / 1_000_000
  print("launch: \(binary) (\(size) MB), median of 10 under a 100×30 pty")
  var lessMedian: Double? = nil
  let cases: [(String, [String], String)] = [
    ("less README.md", ["/usr/bin/less", readme], "handshake-tui"),
    ("play normal (first frame)", [binary, "play", "normal"], "step 0/"),
    ("--help", [binary, "--help"], "SUBCOMMANDS"),
    ("list", [binary, "list"], "normal"),
    ("lint lessons/01-normal.yaml", [binary, "lint", lesson], "ok"),
    ("render normal --step 0", [binary, "render", "normal", "--step", "0"], "step 0/"),
  ]
  for (label, argv, marker) in cases {
    guard let f = launchFigure(argv, marker: marker) else {
      print("  \(label): did not show '\(marker)'")
      continue
    }
    if lessMedian == nil { lessMedian = f.median }
    let ratio = lessMedian.map { String(format: "  (%.1f× less)", f.median / $0) } ?? ""
    print(
      String(format: "  %@: %.1f ms (min %.1f, max %.1f)", label, f.median, f.min, f.max)
        + (label.hasPrefix("less") ? "" : ratio))
  }
}

/// Where a launch's time goes: each part of `play normal`'s way to its first frame, timed on its
/// first call in a fresh process (this case runs alone in its own), then once more warm.
func launchPartsBenchmarks() {
  let clock = ContinuousClock()
  func ms(_ d: Duration) -> String { String(format: "%.2f ms", seconds(d) * 1000) }
  var lesson: Lesson? = nil
  let load = clock.measure { lesson = try? LessonLibrary.builtIn(id: "normal") }
  guard let lesson else {
    print("launch parts: the normal lesson did not load")
    return
  }
  let repeats = Int(ProcessInfo.processInfo.environment["HANDSHAKE_BENCH_REPEAT"] ?? "") ?? 20
  let loadWarm =
    clock.measure { for _ in 0..<repeats { _ = try? LessonLibrary.builtIn(id: "normal") } }
    / repeats
  var run: LessonRun? = nil
  let runCold = clock.measure { run = LessonRun(lesson) }
  let runWarm = clock.measure { run = LessonRun(lesson) }
  let strings = clock.measure { _ = Assets.strings(.en)["help_title"] }
  let themes = clock.measure { _ = Assets.theme("default") }
  var model: AppModel? = nil
  let modelCold = clock.measure {
    var m = AppModel(lessons: [lesson], lessonID: lesson.id, language: .en, theme: "default")
    Update.apply(.resize(width: 100, height: 30), to: &m)
    model = m
  }
  guard let model else { return }
  let renderCold = clock.measure { _ = AppView.render(model) }
  let renderWarm = clock.measure { _ = AppView.render(model) }
  print(
    "launch parts (first call, then warm): load the lesson \(ms(load)) (\(ms(loadWarm))), "
      + "run it \(ms(runCold)) (\(ms(runWarm)); \(run?.timeline.stepCount ?? 0) steps), "
      + "strings \(ms(strings)), themes \(ms(themes)), model \(ms(modelCold)), "
      + "first frame at 100×30 \(ms(renderCold)) (\(ms(renderWarm)))")
}
