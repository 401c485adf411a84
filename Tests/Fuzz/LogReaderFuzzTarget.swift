import Foundation
import IncidentKit

// Fuzz target: any bytes as an event-log file. Reading must end in records or a corruption report,
// never a crash, and whatever is accepted must fold into a state.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLogReader(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let contents = Data(bytes: data, count: size)
    if let decoded = try? LogReader.decode(contents, tolerateTornTail: true) {
        precondition(decoded.goodLength <= contents.count)
        _ = ChannelState(replaying: decoded.records)
    }
    _ = LogReader.incidentIDs(in: contents)
    return 0
}
