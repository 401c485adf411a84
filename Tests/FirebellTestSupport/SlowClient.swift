import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A raw loopback TCP connection that sends a request as slowly as a test likes (a slowloris client), and can tell
/// whether the server has closed it.
public final class SlowClient: @unchecked Sendable {
    private let fd: Int32

    /// Connects to `127.0.0.1:port`; throws when the connection is refused.
    public init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EMFILE) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        guard connected else {
            close(fd)
            throw POSIXError(.ECONNREFUSED)
        }
    }

    deinit { close(fd) }

    /// Sends the bytes; false once the server has closed the connection.
    @discardableResult
    public func send(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } == bytes.count
    }

    /// Whether the server closed the connection (end of stream or reset) within `milliseconds`; whatever it
    /// answered before closing is read and dropped. The waiting is done on a thread of its own (see ``blocking(_:)``).
    public func isClosedByServer(within milliseconds: Int) async -> Bool {
        await blocking { self.waitForClose(within: milliseconds) }
    }

    /// Everything the server sends until it closes the connection, or until `milliseconds` have passed.
    public func received(within milliseconds: Int) async -> String {
        await blocking {
            var text: [UInt8] = []
            _ = self.waitForClose(within: milliseconds) { text.append(contentsOf: $0) }
            return String(decoding: text, as: UTF8.self)
        }
    }

    private func waitForClose(within milliseconds: Int, received: ([UInt8]) -> Void = { _ in }) -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(milliseconds)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while ContinuousClock.now < deadline {
            let left = Int32((deadline - ContinuousClock.now) / .milliseconds(1))
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, max(1, left)) == 1 else { continue }
            let read = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if read > 0 { received(Array(buffer[..<read])) }
            if read == 0 || (read < 0 && errno != EAGAIN && errno != EINTR) { return true }
        }
        return false
    }
}
