import HandshakeSim

// Until the lesson files and the terminal UI land, the program prints the normal connection's
// trace, built here.
var client = TCPConfig()
client.isn = 1000
var server = TCPConfig()
server.isn = 5000
let scenario = Scenario(
  hosts: [
    HostSpec(name: "client", address: IPv4Address(10, 0, 0, 1), side: .left, role: .tcp(client), port: 40000),
    HostSpec(name: "server", address: IPv4Address(10, 0, 0, 2), side: .right, role: .tcp(server), port: 80),
  ],
  script: [
    ScriptEntry(.at(.zero), host: 1, .listen(port: nil, backlog: nil)),
    ScriptEntry(.at(VirtualTime(micros: 100_000)), host: 0, .connect(to: 1, port: nil, localPort: nil)),
    ScriptEntry(
      .after(EventPattern(kind: .state, host: 0, state: .established), delay: .millis(5)), host: 0,
      .send(.bytes(Array("GET / HTTP/1.1\r\nHost: server\r\n\r\n".utf8)))),
    ScriptEntry(
      .after(EventPattern(kind: .arrive, host: 1, hasData: true), delay: .millis(20)), host: 1,
      .send(.bytes(Array("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".utf8)))),
    ScriptEntry(
      .after(EventPattern(kind: .arrive, host: 0, hasData: true), delay: .millis(50)), host: 0, .close),
    ScriptEntry(
      .after(EventPattern(kind: .state, host: 1, state: .closeWait), delay: .millis(30)), host: 1, .close),
  ])
for line in Simulation.run(scenario).textLines() { print(line) }
