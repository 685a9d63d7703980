/// The languages lessons and the interface are written in.
public enum Language: String, CaseIterable, Hashable, Sendable {
  case en, ko

  /// The language a locale string asks for ("ko_KR.UTF-8" → Korean); English otherwise.
  public static func from(locale: String?) -> Language {
    guard let l = locale?.lowercased(), !l.isEmpty else { return .en }
    return l.hasPrefix("ko") ? .ko : .en
  }
}

/// A text in every language.
public struct Localized: Hashable, Sendable {
  public var en: String
  public var ko: String

  public init(en: String, ko: String) {
    self.en = en
    self.ko = ko
  }

  /// The same text in every language (numbers, state names).
  public init(_ both: String) {
    en = both
    ko = both
  }

  public subscript(_ language: Language) -> String {
    switch language {
    case .en: en
    case .ko: ko
    }
  }
}
