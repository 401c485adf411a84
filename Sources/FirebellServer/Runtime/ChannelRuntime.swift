import Foundation
import IncidentKit
import IncidentStore
import Messaging

/// One channel's state and log. The actor serializes the channel's commands; `execute` has no suspension
/// point, so a command's decision and its durable append happen with nothing in between.
actor ChannelRuntime {
    let channel: ChannelRef
    private(set) var state: ChannelState
    private var log: ChannelLog?
    private let logURL: URL
    private let unavailableReason: String?
    private let dependencies: RuntimeDependencies

    init(channel: ChannelRef, records: [EventRecord], logURL: URL, unavailableReason: String?, dependencies: RuntimeDependencies) {
        self.channel = channel
        self.state = ChannelState(replaying: records)
        self.logURL = logURL
        self.unavailableReason = unavailableReason
        self.dependencies = dependencies
    }

    func execute(_ command: Command, actor: UserRef, now: Date, markup: Markup) -> CommandOutcome {
        if let unavailableReason {
            return CommandOutcome(result: .failed, verb: command.verb,
                                  reply: "✗ This channel's incident log cannot be read (\(unavailableReason)). Ask the operator to check the data folder; other channels are unaffected.",
                                  confirmation: nil, posts: [], records: [])
        }
        do {
            let decision = try decide(command, actor: actor, now: now)
            switch decision {
            case .view(let view):
                return CommandOutcome(result: .shown, verb: command.verb, reply: try render(view, markup: markup),
                                      confirmation: nil, posts: [], records: [])
            case .record(let records):
                try openLog().append(records)
                for record in records { state.apply(record) }
                let posts = ChannelPost.implied(by: records).map { dependencies.renderer.render($0, state: state, markup: markup) }
                let confirmation = records.map { markup.escape(EventDescriber.describe($0)) }.joined(separator: "\n")
                return CommandOutcome(result: .accepted, verb: command.verb, reply: nil, confirmation: "✓ " + confirmation,
                                      posts: posts, records: records)
            }
        } catch let error as CommandError {
            return .refused(command.verb, error)
        } catch {
            return CommandOutcome(result: .failed, verb: command.verb,
                                  reply: "✗ Not saved, nothing changed: \(error). Try again in a moment; if it keeps failing, tell the operator (disk full or read-only?).",
                                  confirmation: nil, posts: [], records: [])
        }
    }

    /// Runs the engine; a `declare` that the engine accepts reserves its id durably first.
    private func decide(_ command: Command, actor: UserRef, now: Date) throws -> Decision {
        let year = UTC.year(of: now)
        let probe = dependencies.allocator.peek(year: year)
        let engine = dependencies.engine
        let decision = try engine.decide(command, state: state, context: CommandContext(actor: actor, now: now, newIncidentID: probe))
        guard case .record(let records) = decision, records.contains(where: { if case .declared = $0.event { true } else { false } }) else {
            return decision
        }
        let reserved = try dependencies.allocator.reserve(year: year)
        return try engine.decide(command, state: state, context: CommandContext(actor: actor, now: now, newIncidentID: reserved))
    }

    private func render(_ view: ViewRequest, markup: Markup) throws -> String {
        let views = dependencies.views
        switch view {
        case .help(let verb):
            return views.help(verb: verb, markup: markup)
        case .oncall:
            return views.oncall(markup: markup)
        case .summary(let id):
            return views.summary(state.incidents[id]!, markup: markup)
        case .actions(let id):
            return views.actions(state.incidents[id]!, markup: markup)
        case .timeline(let id):
            return views.timeline(state.incidents[id]!, records: try records(), markup: markup)
        case .postmortem(let id):
            let draft = PostmortemWriter.markdown(state.incidents[id]!, records: try records())
            return markup == .markdown ? draft : markup.escape(draft)
        }
    }

    private func openLog() throws -> ChannelLog {
        if let log { return log }
        let opened = try ChannelLog(url: logURL)
        log = opened
        return opened
    }

    /// Every record of this channel, read from its log.
    func records() throws -> [EventRecord] {
        guard log != nil || FileManager.default.fileExists(atPath: logURL.path) else { return [] }
        return try openLog().readAll()
    }
}

/// What every channel runtime shares.
struct RuntimeDependencies: Sendable {
    let engine: IncidentEngine
    let allocator: IncidentIDAllocator
    let renderer: MessageRenderer
    let views: ViewRenderer
}
