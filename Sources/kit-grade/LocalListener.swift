// LocalListener.swift — a TCP port on 127.0.0.1 that a sandboxed exercise must not reach.

import Foundation

/// A listening socket on a free local port.
final class LocalListener {
    private let fd: Int32
    /// The port it listens on.
    let port: UInt16

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.fd = fd
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard fd >= 0, bound == 0, listen(fd, 8) == 0 else { throw CocoaError(.featureUnsupported) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        port = UInt16(bigEndian: address.sin_port)
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
    }

    /// Whether some process connected since the listener opened.
    func accepted() -> Bool {
        let client = accept(fd, nil, nil)
        if client >= 0 { Foundation.close(client); return true }
        return false
    }

    func close() { Foundation.close(fd) }
}
