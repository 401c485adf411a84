import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// A local stand-in for Slack's Web API: speaks `chat.postMessage` as documented, records every call,
/// and injects faults into successive calls.
actor SlackStandIn {
    enum Fault: Sendable {
        case rateLimited(retryAfter: Int)
        case serverError
        /// Answers only after this long (longer than the client's timeout: a timeout for the client).
        case slow(Duration)
        case slackError(String)
        /// Holds the call until `release()` is called.
        case gate
        /// Sends the head of an answer, then drops the connection.
        case dropped
    }

    struct Call: Sendable {
        let method: String
        let authorization: String?
        let contentType: String?
        let json: [String: String]
        let at: ContinuousClock.Instant
        let answered: String
    }

    /// A message as the channel shows it: what Slack stored, whatever the client heard back.
    struct Message: Sendable {
        let ts: String
        let text: String
        let threadTS: String?
        /// The effect key in the message's `metadata.event_payload.effect`.
        let effect: String?
        /// The message's section blocks, as Slack shows them in place of `text`.
        var sections: [Section] = []
        /// Who wrote it (people's messages; Firebell's have none here).
        var user: String?
        /// Reactions by name, with who added each, in order.
        var reactions: [(name: String, users: [String])] = []
    }

    /// A `section` block's text object.
    struct Section: Sendable {
        let type: String
        let text: String
        let verbatim: Bool
    }

    /// Block Kit's documented limits: 50 blocks a message, 3,000 characters in a section's text.
    static func blockError(_ object: [String: Any]) -> String? {
        guard let blocks = object["blocks"] as? [[String: Any]] else { return nil }
        if blocks.count > 50 { return "invalid_blocks" }
        for block in blocks where block["type"] as? String == "section" {
            guard let text = (block["text"] as? [String: Any])?["text"] as? String, !text.isEmpty, text.utf16.count <= 3000 else {
                return "invalid_blocks"
            }
        }
        return nil
    }

    static func sections(_ object: [String: Any]) -> [Section] {
        ((object["blocks"] as? [[String: Any]]) ?? []).compactMap { block in
            guard block["type"] as? String == "section", let text = block["text"] as? [String: Any] else { return nil }
            return Section(type: text["type"] as? String ?? "", text: text["text"] as? String ?? "", verbatim: text["verbatim"] as? Bool ?? false)
        }
    }

    private var faults: [Fault]
    private(set) var calls: [Call] = []
    /// Every message stored, by channel, in order.
    private(set) var history: [String: [Message]] = [:]
    private var nextTS = 0
    private var gateWaiters: [CheckedContinuation<Void, Never>] = []
    private var gateOpen = false

    /// Random faults at a rate, drawn from a seeded generator so a failing run can be repeated.
    private var randomFaults: (rate: Double, choices: [Fault], generator: SeededGenerator)?
    /// Channels that do not exist: every post to them is refused for good.
    private var missingChannels: Set<String> = []

    init(faults: [Fault] = []) { self.faults = faults }

    init(faultRate: Double, choices: [Fault], seed: UInt64, missingChannels: Set<String> = []) {
        faults = []
        randomFaults = (faultRate, choices, SeededGenerator(seed: seed))
        self.missingChannels = missingChannels
    }

    /// `chat.postMessage` calls Slack answered with `ok: true`, in order.
    var posted: [Call] { calls.filter { $0.answered == "ok" && $0.method == "chat.postMessage" } }

    /// People talking in a channel: messages without Firebell's metadata.
    func chatter(_ count: Int, in channel: String) {
        for number in 1...count { _ = store(["channel": channel, "text": "chatter \(number)"]) }
    }

    /// A channel as `conversations.*` know it.
    struct Channel: Sendable {
        let id: String
        let name: String
        let creator: String
        var members: [String] = []
        var topic = ""
        var archived = false
    }

    /// Channels created through the API (or by people, with `existingChannel`), in order.
    private(set) var channels: [Channel] = []
    /// The bot's own user id, as `auth.test` says.
    static let botUserID = "UFIREBELL"

    /// A channel someone else made, whose name a war room may clash with.
    func existingChannel(_ name: String, by creator: String) {
        channels.append(Channel(id: "CPEOPLE\(channels.count)", name: name, creator: creator))
    }

    /// `conversations.create`, `.invite`, `.setTopic`, `.archive` as documented (names are unique, archived ones
    /// included: `name_taken`), or nil for other methods.
    private func conversations(_ method: String, _ object: [String: Any]) -> String? {
        let channel = object["channel"] as? String ?? ""
        let index = channels.firstIndex { $0.id == channel }
        switch method {
        case "conversations.create":
            let name = object["name"] as? String ?? ""
            guard name.count <= 80, name.allSatisfy({ $0.isLowercase || $0.isNumber || $0 == "-" || $0 == "_" }), name.allSatisfy(\.isASCII) else {
                return #"{"ok":false,"error":"invalid_name_specials"}"#
            }
            guard !channels.contains(where: { $0.name == name }) else { return #"{"ok":false,"error":"name_taken"}"# }
            let created = Channel(id: "CROOM\(channels.count + 1)", name: name, creator: Self.botUserID, members: [Self.botUserID])
            channels.append(created)
            return #"{"ok":true,"channel":{"id":"\#(created.id)","name":"\#(name)","creator":"\#(Self.botUserID)"}}"#
        case "conversations.invite":
            guard let index else { return #"{"ok":false,"error":"channel_not_found"}"# }
            let users = (object["users"] as? String ?? "").split(separator: ",").map(String.init)
            if users.allSatisfy(channels[index].members.contains) { return #"{"ok":false,"error":"already_in_channel"}"# }
            for user in users where !channels[index].members.contains(user) { channels[index].members.append(user) }
            return #"{"ok":true,"channel":{"id":"\#(channel)"}}"#
        case "conversations.setTopic":
            guard let index else { return #"{"ok":false,"error":"channel_not_found"}"# }
            let topic = object["topic"] as? String ?? ""
            guard topic.count <= 250 else { return #"{"ok":false,"error":"too_long"}"# }
            guard !channels[index].archived else { return #"{"ok":false,"error":"is_archived"}"# }
            channels[index].topic = topic
            return #"{"ok":true}"#
        case "conversations.archive":
            guard let index else { return #"{"ok":false,"error":"channel_not_found"}"# }
            guard !channels[index].archived else { return #"{"ok":false,"error":"already_archived"}"# }
            channels[index].archived = true
            return #"{"ok":true}"#
        default:
            return nil
        }
    }

    /// `conversations.list` (every channel, one page) and `auth.test`.
    func readMethod(_ request: Request) -> Response {
        let method = String(request.uri.path.split(separator: "/").last ?? "")
        calls.append(Call(method: method, authorization: request.headers[.authorization], contentType: nil, json: [:], at: .now, answered: "ok"))
        if method == "auth.test" { return Self.json(#"{"ok":true,"user_id":"\#(Self.botUserID)","team_id":"T0TEAM"}"#) }
        let list = channels.map { ["id": $0.id, "name": $0.name, "creator": $0.creator, "is_archived": $0.archived] as [String: Any] }
        let body = (try? JSONSerialization.data(withJSONObject: ["ok": true, "channels": list, "response_metadata": ["next_cursor": ""]])) ?? Data()
        return Self.json(String(decoding: body, as: UTF8.self))
    }

    /// A person writes in a channel (in a thread when `thread` is a parent's ts); returns the message's ts.
    func say(_ text: String, by user: String, in channel: String, thread: String? = nil) -> String {
        var object: [String: Any] = ["channel": channel, "text": text]
        if let thread { object["thread_ts"] = thread }
        let ts = store(object)
        updateMessage(ts, in: channel) { $0.user = user }
        return ts
    }

    /// Someone adds (or takes off) a reaction on a message, as the channel then shows it.
    func react(_ name: String, by user: String, to ts: String, in channel: String, added: Bool = true) {
        updateMessage(ts, in: channel) { message in
            if let index = message.reactions.firstIndex(where: { $0.name == name }) {
                message.reactions[index].users.removeAll { $0 == user }
                if added { message.reactions[index].users.append(user) }
                if message.reactions[index].users.isEmpty { message.reactions.remove(at: index) }
            } else if added {
                message.reactions.append((name, [user]))
            }
        }
    }

    private func updateMessage(_ ts: String, in channel: String, _ change: (inout Message) -> Void) {
        guard let index = history[channel]?.firstIndex(where: { $0.ts == ts }) else { return }
        change(&history[channel]![index])
    }

    /// `reactions.get` as documented: the message (a thread reply as well as a top-level one) with its text, author,
    /// permalink and reactions; `message_not_found` otherwise.
    func reactionsGet(_ request: Request) -> Response {
        let query = request.uri.queryParameters
        let channel = query["channel"].map(String.init) ?? ""
        let ts = query["timestamp"].map(String.init) ?? ""
        calls.append(
            Call(
                method: "reactions.get",
                authorization: request.headers[.authorization],
                contentType: nil,
                json: ["channel": channel, "timestamp": ts],
                at: .now,
                answered: "ok"
            )
        )
        guard let message = history[channel]?.first(where: { $0.ts == ts }) else { return Self.json(#"{"ok":false,"error":"message_not_found"}"#) }
        var item: [String: Any] = [
            "type": "message", "text": message.text, "ts": message.ts,
            "permalink": "https://acme.slack.com/archives/\(channel)/p\(ts.replacingOccurrences(of: ".", with: ""))",
            "reactions": message.reactions.map { ["name": $0.name, "users": $0.users, "count": $0.users.count] as [String: Any] },
        ]
        if let user = message.user { item["user"] = user }
        if let thread = message.threadTS { item["thread_ts"] = thread }
        let answer: [String: Any] = ["ok": true, "type": "message", "channel": channel, "message": item]
        return Self.json(String(decoding: (try? JSONSerialization.data(withJSONObject: answer)) ?? Data(), as: UTF8.self))
    }

    /// The texts a channel shows (its thread replies included), in the order Slack stored them.
    func shown(in channel: String) -> [String] { (history[channel] ?? []).map(\.text) }

    /// The messages a channel holds, with their blocks.
    func messages(in channel: String) -> [Message] { history[channel] ?? [] }

    /// Stores a posted message, as Slack does once it has processed the call (whether or not the answer gets back).
    private func store(_ object: [String: Any]) -> String {
        nextTS += 1
        // Real timestamps: a look-up asks for messages newer than a moment before the transaction.
        let ts = "\(Int(Date().timeIntervalSince1970)).\(String(format: "%06d", nextTS))"
        let channel = object["channel"] as? String ?? ""
        let metadata = object["metadata"] as? [String: Any]
        let effect = (metadata?["event_payload"] as? [String: Any])?["effect"] as? String
        // With blocks, a channel shows the blocks; `text` is only the notification's fallback.
        let sections = Self.sections(object)
        let text = sections.isEmpty ? object["text"] as? String ?? "" : sections.map(\.text).joined(separator: "\n")
        history[channel, default: []].append(
            Message(ts: ts, text: text, threadTS: object["thread_ts"] as? String, effect: effect, sections: sections)
        )
        return ts
    }

    /// `conversations.history` / `conversations.replies` as documented: newest first, metadata only with
    /// `include_all_metadata=true`, messages newer than `oldest`; replies are the thread's parent and its replies.
    func lookUp(_ request: Request) -> Response {
        let method = String(request.uri.path.split(separator: "/").last ?? "")
        let query = request.uri.queryParameters
        let channel = query["channel"].map(String.init) ?? ""
        calls.append(
            Call(
                method: method,
                authorization: request.headers[.authorization],
                contentType: nil,
                json: ["channel": channel, "ts": query["ts"].map(String.init) ?? ""],
                at: .now,
                answered: "ok"
            )
        )
        guard query["include_all_metadata"] == "true" else { return Self.json(#"{"ok":true,"messages":[]}"#) }
        let oldest = Double(query["oldest"].map(String.init) ?? "") ?? 0
        var messages = (history[channel] ?? []).filter { (Double($0.ts) ?? 0) >= oldest }
        if method == "conversations.replies", let parent = query["ts"].map(String.init) {
            messages = messages.filter { $0.ts == parent || $0.threadTS == parent }
        } else {
            messages = messages.filter { $0.threadTS == nil }
        }
        // Newest first, `limit` a page; the cursor is where the next page starts.
        let limit = Int(query["limit"].map(String.init) ?? "") ?? 100
        let start = Int(query["cursor"].map(String.init) ?? "") ?? 0
        let newestFirst = Array(messages.reversed())
        let page = newestFirst.dropFirst(start).prefix(limit)
        let items: [[String: Any]] = page.map { message in
            var item: [String: Any] = ["type": "message", "ts": message.ts, "text": message.text]
            if let effect = message.effect { item["metadata"] = ["event_type": "firebell_effect", "event_payload": ["effect": effect]] }
            return item
        }
        var answer: [String: Any] = ["ok": true, "messages": items, "has_more": start + page.count < newestFirst.count]
        if start + page.count < newestFirst.count { answer["response_metadata"] = ["next_cursor": String(start + page.count)] }
        let body = (try? JSONSerialization.data(withJSONObject: answer)) ?? Data()
        return Self.json(String(decoding: body, as: UTF8.self))
    }

    func release() {
        gateOpen = true
        for waiter in gateWaiters { waiter.resume() }
        gateWaiters = []
    }

    private func nextFault(channel: String?) -> Fault? {
        if let channel, missingChannels.contains(channel) { return .slackError("channel_not_found") }
        if !faults.isEmpty { return faults.removeFirst() }
        guard var random = randomFaults else { return nil }
        defer { randomFaults = random }
        guard Double(random.generator.next() % 10_000) / 10_000 < random.rate else { return nil }
        return random.choices[Int(random.generator.next() % UInt64(random.choices.count))]
    }

    private func waitAtGate() async {
        if gateOpen { return }
        await withCheckedContinuation { gateWaiters.append($0) }
    }

    private func record(_ request: Request, _ json: [String: String], _ answered: String, arrived: ContinuousClock.Instant) {
        let method = String(request.uri.path.split(separator: "/").last ?? "")
        calls.append(
            Call(
                method: method,
                authorization: request.headers[.authorization],
                contentType: request.headers[.contentType],
                json: json,
                at: arrived,
                answered: answered
            )
        )
    }

    func recordResponseURL(_ request: Request, body: ByteBuffer) {
        let object = (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any] ?? [:]
        calls.append(
            Call(
                method: "response_url",
                authorization: request.headers[.authorization],
                contentType: request.headers[.contentType],
                json: object.mapValues { "\($0)" },
                at: .now,
                answered: "ok"
            )
        )
    }

    func handle(_ request: Request, body: ByteBuffer) async throws -> Response {
        let object = (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any] ?? [:]
        let json = object.mapValues { "\($0)" }
        let arrived = ContinuousClock.now
        let isPost = request.uri.path.hasSuffix("/chat.postMessage")
        let method = String(request.uri.path.split(separator: "/").last ?? "")
        if let answer = conversations(method, object) {
            let parsed = (try? JSONSerialization.jsonObject(with: Data(answer.utf8))) as? [String: Any]
            record(request, json, (parsed?["ok"] as? Bool) == true ? "ok" : parsed?["error"] as? String ?? "error", arrived: arrived)
            return Self.json(answer)
        }
        if let error = Self.blockError(object) {
            record(request, json, error, arrived: arrived)
            return Self.json(#"{"ok":false,"error":"\#(error)"}"#)
        }
        switch nextFault(channel: json["channel"]) {
        case .rateLimited(let seconds):
            record(request, json, "429", arrived: arrived)
            return Self.json(#"{"ok":false,"error":"ratelimited"}"#, status: .tooManyRequests, extra: [.retryAfter: "\(seconds)"])
        case .serverError:
            record(request, json, "500", arrived: arrived)
            return Self.json(#"{"ok":false,"error":"internal_error"}"#, status: .internalServerError)
        case .slow(let delay):
            // Processed, but the answer comes after the client has given up.
            let ts = isPost ? store(object) : "0"
            record(request, json, "late", arrived: arrived)
            try await Task.sleep(for: delay)
            return Self.json(#"{"ok":true,"ts":"\#(ts)"}"#)
        case .slackError(let code):
            record(request, json, code, arrived: arrived)
            return Self.json(#"{"ok":false,"error":"\#(code)"}"#)
        case .dropped:
            // Processed, then the connection drops before the answer is complete.
            if isPost { _ = store(object) }
            record(request, json, "dropped", arrived: arrived)
            return Response(
                status: .ok,
                headers: [.contentType: "application/json; charset=utf-8"],
                body: ResponseBody { _ in throw CancellationError() }
            )
        case .gate:
            await waitAtGate()
            fallthrough
        case nil:
            let ts = isPost ? store(object) : "\(calls.count + 1).000100"
            record(request, json, "ok", arrived: arrived)
            return Self.json(#"{"ok":true,"channel":"\#(json["channel"] ?? "")","ts":"\#(ts)"}"#)
        }
    }

    static func json(_ text: String, status: HTTPResponse.Status = .ok, extra: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        headers.append(contentsOf: extra)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    nonisolated func application() -> some ApplicationProtocol {
        let router = Router()
        router.post("/response/{id}") { request, _ in
            let body = try await request.body.collect(upTo: 1 << 20)
            await self.recordResponseURL(request, body: body)
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "ok")))
        }
        router.post("/api/{method}") { request, _ in
            let body = try await request.body.collect(upTo: 1 << 20)
            return try await self.handle(request, body: body)
        }
        router.get("/api/conversations.history") { request, _ in await self.lookUp(request) }
        router.get("/api/conversations.replies") { request, _ in await self.lookUp(request) }
        router.get("/api/reactions.get") { request, _ in await self.reactionsGet(request) }
        router.get("/api/auth.test") { request, _ in await self.readMethod(request) }
        router.get("/api/conversations.list") { request, _ in await self.readMethod(request) }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }
}
