import Foundation
import IncidentStore
import NIOCore
import NIOHTTP1
import NIOPosix
import Platforms
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The least a durable slash command can cost on this machine: SwiftNIO's HTTP/1 pipeline and nothing else between
/// the socket and the disk. It verifies the Slack signature, reads `channel_id` and `text` from the form, appends one
/// JSON line to the channel's file, makes it durable with Firebell's own `GroupCommit` (one file: `fsync`; several:
/// one `syncfs`, on its sync thread), and answers from the event loop once the sync is done. No router, no task, no
/// actor, no incident logic. Measured beside Firebell and the bare route, it says how much of the bare route's rate
/// any design of the command path could keep (`durable: false` answers before the sync).
final class MinimalCommandServer: Sendable {
    private let channel: any Channel
    /// The store's own group commit, called back on its sync thread.
    let committer: GroupCommit
    var port: Int { channel.localAddress?.port ?? 0 }

    init(folder: URL, secret: String, durable: Bool) async throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let verifier = SlackRequestVerifier(signingSecret: secret)!
        let files = MinimalLogFiles(folder: folder)
        let committer = try GroupCommit(volume: folder)
        self.committer = committer
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(
                        MinimalCommandHandler(verifier: verifier, files: files, committer: durable ? committer : nil)
                    )
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
    }

    func stop() async { try? await channel.close() }
}

/// One open append-only file per channel.
final class MinimalLogFiles: Sendable {
    let folder: URL
    private let open = Mutex<[String: Int32]>([:])

    init(folder: URL) { self.folder = folder }

    func descriptor(_ channel: String) -> Int32 {
        open.withLock { files in
            if let fd = files[channel] { return fd }
            let fd = Glibc.open(folder.appendingPathComponent(channel + ".jsonl").path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
            files[channel] = fd
            return fd
        }
    }
}

/// Reads a signed Slack command, appends it, answers once it is durable (at once without a committer).
final class MinimalCommandHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let verifier: SlackRequestVerifier
    private let files: MinimalLogFiles
    private let committer: GroupCommit?
    private var head: HTTPRequestHead?
    private var body = ByteBuffer()
    private static let answer = ByteBuffer(string: #"{"response_type":"ephemeral","text":"✓ Noted."}"#)

    init(verifier: SlackRequestVerifier, files: MinimalLogFiles, committer: GroupCommit?) {
        self.verifier = verifier
        self.files = files
        self.committer = committer
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body.clear()
        case .body(var part):
            body.writeBuffer(&part)
        case .end:
            guard let head else { return }
            do {
                try verifier.verify(
                    body: body.readableBytesView,
                    timestamp: head.headers.first(name: "X-Slack-Request-Timestamp"),
                    signature: head.headers.first(name: "X-Slack-Signature"),
                    now: Date()
                )
            } catch {
                respond(context, head: head, status: .unauthorized)
                return
            }
            var fields: [String: String] = [:]
            for pair in body.readableBytesView.split(separator: UInt8(ascii: "&")) {
                guard let equals = pair.firstIndex(of: UInt8(ascii: "=")) else { continue }
                let value = String(decoding: pair[(equals + 1)...], as: UTF8.self).replacingOccurrences(of: "+", with: " ")
                fields[String(decoding: pair[..<equals], as: UTF8.self)] = value.removingPercentEncoding ?? value
            }
            let channel = fields["channel_id", default: ""]
            let line =
                #"{"type":"note","channel":\#(Self.quoted(channel)),"text":\#(Self.quoted(fields["text", default: ""])),"at":\#(Int(Date().timeIntervalSince1970))}"#
            let fd = files.descriptor(channel)
            _ = (line + "\n").utf8CString.withUnsafeBufferPointer { write(fd, $0.baseAddress, $0.count - 1) }
            guard let committer else {
                respond(context, head: head, status: .ok)
                return
            }
            let bound = NIOLoopBound((self, context, head), eventLoop: context.eventLoop)
            let loop = context.eventLoop
            committer.sync([GroupCommit.Target(fd: fd, path: channel)]) { failure in
                loop.execute {
                    let (handler, context, head) = bound.value
                    handler.respond(context, head: head, status: failure == nil ? .ok : .internalServerError)
                }
            }
        }
    }

    /// A JSON string (quotes, backslashes and control characters escaped).
    private static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case _ where scalar.value < 0x20: result += String(format: "\\u%04x", scalar.value)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }

    private func respond(_ context: ChannelHandlerContext, head: HTTPRequestHead, status: HTTPResponseStatus) {
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: "application/json")
        headers.add(name: "content-length", value: "\(Self.answer.readableBytes)")
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(Self.answer))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }
}
