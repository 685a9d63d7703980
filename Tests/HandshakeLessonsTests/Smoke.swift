import Testing
@testable import HandshakeLessons
@Test func loads() { #expect(EmbeddedLessons.files.count >= 0) }
