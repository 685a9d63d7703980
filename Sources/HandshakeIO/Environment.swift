#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The process's environment, read one variable at a time. `ProcessInfo.environment` builds a
/// dictionary of every variable first, and on the way to the first frame that dictionary's
/// first use was about a tenth of the launch (perf, issue 15).
public enum Environment {
  /// The variable's value, or nil when it is not set (an empty value is a value).
  public static subscript(_ name: String) -> String? {
    guard let p = getenv(name) else { return nil }
    return String(cString: p)
  }
}
