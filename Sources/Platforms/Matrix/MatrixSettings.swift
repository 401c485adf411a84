import Foundation

/// Matrix: the homeserver (`MATRIX_HOMESERVER_URL` or `matrix_homeserver_url` in the file), and `MATRIX_ACCESS_TOKEN`
/// or `MATRIX_USER` + `MATRIX_PASSWORD`.
package struct MatrixSettings: PlatformSettings {
    package static let fileKeys = ["matrix_homeserver_url"]
    package static let enabledBy = "MATRIX_ACCESS_TOKEN, or MATRIX_USER and MATRIX_PASSWORD"

    package var homeserver: String
    package var accessToken: String?
    package var user: String?
    package var password: String?

    package init?(environment: [String: String], file: [String: String]) throws(ConfigurationError) {
        let token = Self.value(environment, "MATRIX_ACCESS_TOKEN")
        let user = Self.value(environment, "MATRIX_USER")
        let password = Self.value(environment, "MATRIX_PASSWORD")
        guard token != nil || user != nil || password != nil else { return nil }
        guard let homeserver = Self.value(environment, "MATRIX_HOMESERVER_URL") ?? file["matrix_homeserver_url"] else {
            throw ConfigurationError("MATRIX_HOMESERVER_URL is needed with the Matrix credentials.")
        }
        guard token != nil || (user != nil && password != nil) else {
            throw ConfigurationError("Matrix needs MATRIX_ACCESS_TOKEN, or MATRIX_USER and MATRIX_PASSWORD together.")
        }
        self.homeserver = try Self.httpURL(homeserver, "MATRIX_HOMESERVER_URL")
        accessToken = token
        self.user = user
        self.password = password
    }
}
