import HandshakeSim

let client = HostSpec(
  name: "client", address: IPv4Address(10, 0, 0, 1), side: .left,
  role: .tcp({ var c = TCPConfig(); c.isn = 1000; return c }()), port: 40000)
let server = HostSpec(
  name: "server", address: IPv4Address(10, 0, 0, 2), side: .right,
  role: .tcp({ var c = TCPConfig(); c.isn = 5000; return c }()), port: 80)
let scenario = Scenario(
  hosts: [client, server],
  script: [
    ScriptEntry(.at(.zero), host: 1, .listen(port: nil, backlog: nil)),
    ScriptEntry(.at(VirtualTime(micros: 100_000)), host: 0, .connect(to: 1, port: nil, localPort: nil)),
    ScriptEntry(.after(EventPattern(kind: .state, host: 0, state: .established), delay: .millis(5)), host: 0, .send(.bytes(Array("GET / HTTP/1.1\r\n\r\n".utf8)))),
    ScriptEntry(.after(EventPattern(kind: .arrive, host: 1, hasData: true), delay: .millis(20)), host: 1, .send(.count(200))),
    ScriptEntry(.after(EventPattern(kind: .arrive, host: 0, hasData: true), delay: .millis(50)), host: 0, .close),
    ScriptEntry(.after(EventPattern(kind: .state, host: 1, state: .closeWait), delay: .millis(30)), host: 1, .close),
  ])
let tl = Simulation.run(scenario)
for l in tl.textLines() { print(l) }
for l in tl.jsonLines().prefix(6) { print(l) }
