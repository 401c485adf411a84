import IncidentKit
import Platforms

/// Delivery for a drill in a terminal: posts are printed as each transaction hands them over, before its answer.
/// A terminal cannot edit what it printed (the notices already tell each change) and has no PagerDuty; a drill that
/// crashes is simply run again, so nothing is kept for a restart.
package struct ConsoleSink: EffectSink {
    package let output: ConsoleOutput

    package init(output: ConsoleOutput) { self.output = output }

    package func accept(_ messages: [OutboundMessage], transactionEnd: Int, from channel: ChannelRef) {
        for message in messages {
            switch message.kind {
            case .post: output.post(message.text, in: message.channel)
            case .reply(let user): output.reply(message.text, to: user)
            case .edit, .pagerDuty, .tracker, .warRoom: continue
            }
        }
    }

    package func reply(_ message: OutboundMessage) {
        if let user = message.replyRecipient { output.reply(message.text, to: user) }
    }
}
