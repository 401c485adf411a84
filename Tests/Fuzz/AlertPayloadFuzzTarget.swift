import Foundation
import IncidentKit

// Fuzz target: any bytes as an Alertmanager or generic webhook body. Decoding gives a value or a 400 reason,
// never a crash; whatever decodes is routed and turned into the engine's signal.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAlertPayloads(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(bytes: data, count: size)
    var routing = AlertRouting()
    routing.defaultChannel = ChannelRef(platform: PlatformID("console"), workspace: "local", channel: "alerts")
    routing.rules = [AlertRouting.Rule(match: ["service": "payments"], severity: .sev1)]
    if let payload = try? AlertmanagerPayload.decode(bytes), let route = routing.route(payload.routingLabels) {
        _ = payload.signal(severity: route.severity)
    }
    if let payload = try? GenericAlertPayload.decode(bytes), let route = routing.route(payload.routingLabels) {
        _ = payload.signal(severity: route.severity)
    }
    return 0
}
