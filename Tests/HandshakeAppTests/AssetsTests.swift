import HandshakeApp
import HandshakeLessons
import Testing

@Suite("Assets")
struct AssetsTests {
  @Test("Korean has every interface string English has")
  func translations() {
    let en = Assets.strings(.en).keys
    let ko = Assets.strings(.ko).keys
    #expect(en.count > 60)
    #expect(en.subtracting(ko).isEmpty, "\(en.subtracting(ko).sorted())")
    #expect(ko.subtracting(en).isEmpty)
  }

  @Test("every theme defines the same roles")
  func themes() {
    let roles = Assets.theme("default").roles
    #expect(roles.count > 30)
    for name in Assets.themeNames { #expect(Assets.theme(name).roles == roles, "\(name)") }
  }
}
