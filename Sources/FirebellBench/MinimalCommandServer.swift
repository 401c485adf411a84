import FirebellServer
import Foundation
import IncidentKit
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
/// the socket and the disk. It verifies the Slack signature and decodes the form with Firebell's own verifier and
/// `FormDecoder`, appends one JSON line to the channel's file, makes it durable with Firebell's own `GroupCommit`
/// (one file: `fsync`; several: one `syncfs`, on its sync thread), and answers from the event loop once the sync is
/// done. No router, no task, no actor, no incident logic. Measured beside Firebell and the bare route, it says how
/// much of the bare route's rate a lean design of the command path can keep (`durable: false` answers before the sync).
final class MinimalCommandServer: Sendable {
    private let channel: any Channel
    /// The store's own group commit, called back on its sync thread.
    let committer: GroupCommit
    var port: Int { channel.localAddress?.port ?? 0 }

    /// - Parameter service: when given, each command is Firebell's transaction in that service (in a task) instead of
    ///   the minimal append: Firebell's work behind the minimal front, without Hummingbird.
    init(folder: URL, secret: String, durable: Bool, service: IncidentService? = nil) async throws {
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
                        MinimalCommandHandler(verifier: verifier, files: files, committer: durable ? committer : nil, service: service)
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

    deinit { open.withLock { files in for fd in files.values { close(fd) } } }

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
    private static let headers = HTTPHeaders([("content-type", "application/json"), ("content-length", "\(answer.readableBytes)")])

    /// When set, the command runs as Firebell's transaction instead of the append (the minimal front, Firebell's work).
    private let service: IncidentService?

    init(verifier: SlackRequestVerifier, files: MinimalLogFiles, committer: GroupCommit?, service: IncidentService?) {
        self.service = service
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
            guard let fields = try? FormDecoder.fields(of: Array(body.readableBytesView)) else {
                respond(context, head: head, status: .badRequest)
                return
            }
            let channel = fields["channel_id", default: ""]
            // The id names a file: letters and digits only (Slack's ids are), so no request reaches outside the folder.
            guard !channel.isEmpty, channel.utf8.allSatisfy({ isalnum(Int32($0)) != 0 }) else {
                respond(context, head: head, status: .badRequest)
                return
            }
            if let service {
                let input = ChannelInput(
                    .text(fields["text", default: ""]),
                    in: ChannelRef(platform: .slack, workspace: fields["team_id", default: ""], channel: channel),
                    by: UserRef(fields["user_id", default: ""]),
                    responseURL: fields["response_url"]
                )
                let bound = NIOLoopBound((self, context, head), eventLoop: context.eventLoop)
                let loop = context.eventLoop
                Task {
                    // Anything but a recorded note is a failed request, so the figure counts durable notes only.
                    let ok = (try? await service.transact(input))?.result == .accepted
                    loop.execute {
                        let (handler, context, head) = bound.value
                        handler.respond(context, head: head, status: ok ? .ok : .internalServerError)
                    }
                }
                return
            }
            var line: [UInt8] = Array(#"{"type":"note","text":""#.utf8)
            line.reserveCapacity(256)
            Self.appendJSONString(fields["text", default: ""], to: &line)
            line += Array(#"","at":\#(time(nil))}"#.utf8)
            line.append(UInt8(ascii: "\n"))
            let fd = files.descriptor(channel)
            _ = line.withUnsafeBufferPointer { write(fd, $0.baseAddress, $0.count) }
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

    /// Appends the text as the inside of a JSON string (quotes, backslashes and control bytes escaped).
    private static func appendJSONString(_ text: String, to line: inout [UInt8]) {
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): line += [UInt8(ascii: "\\"), byte]
            case 0..<0x20: line += Array(String(format: "\\u%04x", byte).utf8)
            default: line.append(byte)
            }
        }
    }

    private func respond(_ context: ChannelHandlerContext, head: HTTPRequestHead, status: HTTPResponseStatus) {
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: Self.headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(Self.answer))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }
}
