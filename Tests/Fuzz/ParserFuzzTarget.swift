import Foundation
import IncidentKit

// Fuzz target: any bytes as a command line. The parser must answer with a Command or a CommandError,
// never crash; an accepted command must survive a trip through the engine on an empty channel.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let line = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let command = try? CommandParser.parse(line: line) else { return 0 }
    let context = CommandContext(
        actor: UserRef("fuzz"),
        now: Date(timeIntervalSince1970: 1_795_000_000),
        newIncidentID: IncidentID(year: 2026, sequence: 1)
    )
    _ = try? IncidentEngine().decide(command, state: ChannelState(), context: context)
    return 0
}
