import Foundation

// The etcd v3 JSON gateway's messages (etcd 3.4, `/v3/...`): proto field names, keys and values in base64 (what
// `Data` encodes to), 64-bit integers as strings, and every field at its default value omitted.

/// A 64-bit integer as the gateway writes it: a JSON string ("42"), read from a number too.
package struct EtcdInt: Codable, Sendable, Hashable, ExpressibleByIntegerLiteral, CustomStringConvertible {
    package var value: Int64

    package init(_ value: Int64) { self.value = value }
    package init(integerLiteral value: Int64) { self.value = value }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self), let value = Int64(text) {
            self.value = value
        } else {
            value = try container.decode(Int64.self)
        }
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(String(value))
    }

    package var description: String { String(value) }
}

/// Every answer's header: the store's revision when it answered.
package struct EtcdHeader: Decodable, Sendable {
    package var revision: EtcdInt?
}

/// A key and its value, with the revisions that created and last changed it.
package struct EtcdKeyValue: Decodable, Sendable {
    package var key: Data
    package var value: Data?
    package var create_revision: EtcdInt?
    package var mod_revision: EtcdInt?
    package var lease: EtcdInt?
}

/// `/v3/kv/range`: one key, or every key in `[key, range_end)`.
package struct EtcdRangeRequest: Codable, Sendable {
    package var key: Data
    package var range_end: Data?
    package var limit: EtcdInt?
    /// Read as of this revision (0 or nil: the latest).
    package var revision: EtcdInt?
    package var sort_order: String?
    package var sort_target: String?
    package var keys_only: Bool?
    package var max_create_revision: EtcdInt?

    package init(key: Data, rangeEnd: Data? = nil, limit: Int? = nil, revision: Int64? = nil) {
        self.key = key
        self.range_end = rangeEnd
        self.limit = limit.map { EtcdInt(Int64($0)) }
        self.revision = revision.map { EtcdInt($0) }
    }
}

package struct EtcdRangeResponse: Decodable, Sendable {
    package var header: EtcdHeader?
    package var kvs: [EtcdKeyValue]?
    package var more: Bool?
}

package struct EtcdPutRequest: Encodable, Sendable {
    package var key: Data
    package var value: Data
    package var lease: EtcdInt?
}

package struct EtcdDeleteRangeRequest: Encodable, Sendable {
    package var key: Data
    package var range_end: Data?
}

/// One condition of a transaction: the key's `target` (`CREATE`, `MOD`, `VALUE`) compared with `result`.
package struct EtcdCompare: Encodable, Sendable {
    package var target: String
    package var key: Data
    package var result: String?
    package var create_revision: EtcdInt?
    package var mod_revision: EtcdInt?
    package var value: Data?

    /// The key does not exist (it was never created, or was deleted).
    package static func absent(_ key: Data) -> EtcdCompare {
        EtcdCompare(target: "CREATE", key: key, result: "EQUAL", create_revision: 0)
    }

    /// The key was created at `revision` (and still exists): a leader's fence.
    package static func created(_ key: Data, at revision: Int64) -> EtcdCompare {
        EtcdCompare(target: "CREATE", key: key, result: "EQUAL", create_revision: EtcdInt(revision))
    }
}

/// One operation of a transaction's branch.
package struct EtcdRequestOp: Encodable, Sendable {
    package var request_put: EtcdPutRequest?
    package var request_range: EtcdRangeRequest?
    package var request_delete_range: EtcdDeleteRangeRequest?

    package static func put(_ key: Data, _ value: Data, lease: Int64? = nil) -> EtcdRequestOp {
        EtcdRequestOp(request_put: EtcdPutRequest(key: key, value: value, lease: lease.map { EtcdInt($0) }))
    }

    package static func range(_ request: EtcdRangeRequest) -> EtcdRequestOp { EtcdRequestOp(request_range: request) }

    package static func delete(_ key: Data) -> EtcdRequestOp {
        EtcdRequestOp(request_delete_range: EtcdDeleteRangeRequest(key: key))
    }
}

/// `/v3/kv/txn`: if every comparison holds, the success branch runs, else the failure branch; atomically.
package struct EtcdTxnRequest: Encodable, Sendable {
    package var compare: [EtcdCompare]
    package var success: [EtcdRequestOp]
    package var failure: [EtcdRequestOp]
}

package struct EtcdTxnResponse: Decodable, Sendable {
    package struct Response: Decodable, Sendable {
        package var response_range: EtcdRangeResponse?
    }

    package var header: EtcdHeader?
    /// Absent (not `false`) when the comparisons failed.
    package var succeeded: Bool?
    package var responses: [Response]?
}

/// `/v3/watch`: the body that starts one watch.
package struct EtcdWatchRequest: Encodable, Sendable {
    package struct Create: Encodable, Sendable {
        package var key: Data
        package var range_end: Data?
        package var start_revision: EtcdInt?
        package var progress_notify: Bool?
    }

    package var create_request: Create
}

/// One frame of a watch stream: `{"result":{…}}` or `{"error":{…}}`.
package struct EtcdWatchFrame: Decodable, Sendable {
    package struct Result: Decodable, Sendable {
        package var header: EtcdHeader?
        package var created: Bool?
        package var canceled: Bool?
        package var compact_revision: EtcdInt?
        package var events: [EtcdWatchEvent]?
    }

    package var result: Result?
    package var error: EtcdErrorBody?
}

/// A change on a watched key: a put (no `type`) or a `DELETE`.
package struct EtcdWatchEvent: Decodable, Sendable {
    package var type: String?
    package var kv: EtcdKeyValue
}

/// `/v3/lease/grant`.
package struct EtcdLeaseGrantRequest: Encodable, Sendable {
    package var TTL: EtcdInt
}

package struct EtcdLeaseGrantResponse: Decodable, Sendable {
    package var ID: EtcdInt?
    package var TTL: EtcdInt?
}

/// `/v3/lease/keepalive` and `/v3/lease/revoke`.
package struct EtcdLeaseRequest: Encodable, Sendable {
    package var ID: EtcdInt

    package init(ID: EtcdInt) { self.ID = ID }
}

/// A keep-alive's answer, `{"result":{…}}`; no `TTL` means the lease has expired.
package struct EtcdKeepAliveFrame: Decodable, Sendable {
    package struct Result: Decodable, Sendable {
        package var ID: EtcdInt?
        package var TTL: EtcdInt?
    }

    package var result: Result?
}

/// What the gateway answers with a non-200 status: the gRPC error and its code.
package struct EtcdErrorBody: Decodable, Sendable {
    package var error: String?
    package var message: String?
    package var code: Int?
}

/// An empty answer whose content does not matter.
package struct EtcdIgnored: Decodable, Sendable {}
