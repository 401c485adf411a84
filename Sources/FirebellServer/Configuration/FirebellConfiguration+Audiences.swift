import Foundation
import IncidentKit
import Platforms

/// `stakeholder_channels:`, read beside the configuration that keeps them: audience names mapped to channels.
extension FirebellConfiguration {
    static let audienceKeys = ["stakeholder_channels"]

    mutating func configureAudiences(_ map: [String: Any], from name: String, reader: ConfigurationReader) throws(ConfigurationError) {
        if let value = map["stakeholder_channels"] {
            guard let groups = value as? [String: Any] else {
                throw ConfigurationError("\(name): stakeholder_channels must map audience names to channels, e.g. executives: [slack:C0EXEC].")
            }
            for (audience, channels) in groups {
                let at = "\(name): stakeholder_channels.\(audience)"
                stakeholderChannels[audience] = try reader.stringList(channels, at: at).map {
                    (text) throws(ConfigurationError) -> ChannelRef in
                    guard let channel = ChannelRef(reference: text) else {
                        throw ConfigurationError(
                            "\(at): '\(text)' is not a channel; write platform:channel or platform:workspace:channel, e.g. slack:C0EXEC."
                        )
                    }
                    return channel
                }
            }
        }
    }
}
