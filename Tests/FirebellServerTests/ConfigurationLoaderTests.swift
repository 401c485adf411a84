import Foundation
import Testing
@testable import FirebellServer
import IncidentKit

@Suite("Configuration")
struct ConfigurationLoaderTests {
    func load(_ yaml: String, environment: [String: String] = [:]) throws -> FirebellConfiguration {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let file = folder.url.appendingPathComponent("firebell.yaml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        return try ConfigurationLoader(environment: environment).load(file: file)
    }

    func problem(_ yaml: String) -> String? {
        do { _ = try load(yaml); return nil } catch { return "\(error)" }
    }

    @Test func severitiesAndPermissionsOverrideTheDefaults() throws {
        let configuration = try load("""
        data_dir: /srv/firebell
        severities:
          sev3:
            update_every: 1h
            label: Moderate
          sev4:
            update_every: none
        permissions:
          update: [ic, comms]
          resolve: anyone
        """)
        #expect(configuration.dataDirectory.path == "/srv/firebell")
        #expect(configuration.engine.severities[.sev3].updateCadence == .hours(1))
        #expect(configuration.engine.severities[.sev3].label == "Moderate")
        #expect(configuration.engine.severities[.sev1].updateCadence == .minutes(15), "untouched levels keep the default")
        #expect(configuration.engine.permissions.restrictions[.postUpdate] == [.ic, .comms])
        #expect(configuration.engine.permissions.restrictions[.resolve] == [])
        #expect(configuration.engine.permissions.restrictions[.lowerSeverity] == [.ic])
    }

    @Test func theEnvironmentOverridesTheFile() throws {
        let configuration = try load("data_dir: /from/file\n", environment: ["FIREBELL_DATA_DIR": "/from/env", "FIREBELL_TEMPLATES_DIR": "/tpl"])
        #expect(configuration.dataDirectory.path == "/from/env")
        #expect(configuration.templatesDirectory?.path == "/tpl")
    }

    @Test(arguments: [
        ("data_dri: x", "unknown key 'data_dri'"),
        ("severities:\n  sev9: {}", "severities.sev9 is not a severity"),
        ("severities:\n  sev1:\n    update_every: soon", "severities.sev1.update_every: 'soon' is not a duration"),
        ("permissions:\n  resolve: [king]", "permissions.resolve lists 'king', which is not a role"),
        ("permissions:\n  fly: [ic]", "permissions.fly is not an action"),
        ("- a\n- b", "the top level must be a mapping"),
        ("key: [unclosed", "not valid YAML"),
    ])
    func badFilesSayExactlyWhatIsWrong(yaml: String, expected: String) {
        let message = problem(yaml)
        #expect(message?.contains(expected) == true, "\(message ?? "accepted")")
    }
}
