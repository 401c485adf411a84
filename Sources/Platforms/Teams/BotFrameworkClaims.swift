import Foundation
import JWTKit

/// The claims of a token the Bot Connector sends with each activity. jwt-kit checks the signature; the claims are
/// checked by ``BotFrameworkAuthenticator`` against the injected clock, with Bot Framework's 5 minutes of skew.
struct BotFrameworkClaims: JWTPayload, Equatable {
    var iss: String
    var aud: String
    var exp: Date
    var nbf: Date?
    /// The service URL the token was issued for; it must equal the activity's `serviceUrl`.
    var serviceurl: String?

    enum CodingKeys: String, CodingKey {
        case iss, aud, exp, nbf, serviceurl
    }

    init(iss: String, aud: String, exp: Date, nbf: Date?, serviceurl: String?) {
        self.iss = iss
        self.aud = aud
        self.exp = exp
        self.nbf = nbf
        self.serviceurl = serviceurl
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        iss = try container.decode(String.self, forKey: .iss)
        // `aud` may be a string or a one-element array.
        if let single = try? container.decode(String.self, forKey: .aud) {
            aud = single
        } else {
            aud = try container.decode([String].self, forKey: .aud).first ?? ""
        }
        exp = Date(timeIntervalSince1970: try container.decode(Double.self, forKey: .exp))
        nbf = try container.decodeIfPresent(Double.self, forKey: .nbf).map(Date.init(timeIntervalSince1970:))
        serviceurl = try container.decodeIfPresent(String.self, forKey: .serviceurl)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(iss, forKey: .iss)
        try container.encode(aud, forKey: .aud)
        try container.encode(exp.timeIntervalSince1970.rounded(.down), forKey: .exp)
        try container.encodeIfPresent(nbf.map { $0.timeIntervalSince1970.rounded(.down) }, forKey: .nbf)
        try container.encodeIfPresent(serviceurl, forKey: .serviceurl)
    }

    /// The signature is jwt-kit's; the claims are checked with the clock the service runs on.
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}
