print("handshake-tui")
