import FirebellTestSupport
import Foundation
import Testing

@testable import IncidentStore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("Warm descriptors")
struct WarmDescriptorsTests {
    /// Whether `fd` is an open descriptor of this process.
    func isOpen(_ fd: Int32) -> Bool { fcntl(fd, F_GETFD) != -1 }

    /// How many descriptors this process has open on files in `folder` (other tests open their own meanwhile).
    func openDescriptors(in folder: TemporaryFolder) -> Int {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        let prefix = folder.url.resolvingSymlinksInPath().path + "/"
        return entries.count { entry in
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/" + entry))?.hasPrefix(prefix) == true
        }
    }

    @Test("appends to more files than the capacity keep at most the capacity open, and every byte lands in its file")
    func boundedAndCorrect() throws {
        let folder = try TemporaryFolder()
        let descriptors = WarmDescriptors()
        descriptors.capacity = 8
        let files = try (0..<40).map { try AppendOnlyFile(url: folder.url.appendingPathComponent("log-\($0).jsonl"), descriptors: descriptors) }
        for round in 0..<3 {
            for (index, file) in files.enumerated() {
                try file.append(Data("round \(round) file \(index)\n".utf8))
                #expect(descriptors.count <= 8)
            }
        }
        for (index, file) in files.enumerated() {
            let text = String(decoding: try Data(contentsOf: file.url), as: UTF8.self)
            #expect(text == (0..<3).map { "round \($0) file \(index)\n" }.joined())
        }
        // A file used again soon after takes its descriptor from the cache instead of opening its path.
        let before = openDescriptors(in: folder)
        try files[39].append(Data("again\n".utf8))
        #expect(openDescriptors(in: folder) == before)
    }

    @Test("a group-committed write keeps its descriptor out of the cache until it is settled, so eviction never closes it")
    func inFlightIsNeverClosed() throws {
        let folder = try TemporaryFolder()
        let descriptors = WarmDescriptors()
        descriptors.capacity = 1
        let busy = try AppendOnlyFile(url: folder.url.appendingPathComponent("busy.jsonl"), descriptors: descriptors)
        try busy.append(Data("one\n".utf8))
        let pending = try busy.write(Data("two\n".utf8))
        let target = busy.syncTarget
        for index in 0..<5 {
            try AppendOnlyFile(url: folder.url.appendingPathComponent("other-\(index).jsonl"), descriptors: descriptors).append(Data("x\n".utf8))
        }
        #expect(isOpen(target.fd))
        #expect(fsync(target.fd) == 0)
        busy.confirm(pending)
        #expect(try busy.read() == Data("one\ntwo\n".utf8))
    }

    @Test("capacity 0 (a low open-file limit) opens and closes per append; lowering the capacity closes what is over it")
    func capacityZeroAndLowering() throws {
        let folder = try TemporaryFolder()
        let descriptors = WarmDescriptors()
        let file = try AppendOnlyFile(url: folder.url.appendingPathComponent("a.jsonl"), descriptors: descriptors)
        let before = openDescriptors(in: folder)
        try file.append(Data("a\n".utf8))
        #expect(descriptors.count == 0)
        #expect(openDescriptors(in: folder) == before)

        descriptors.capacity = 4
        let files = try (0..<4).map { try AppendOnlyFile(url: folder.url.appendingPathComponent("f\($0).jsonl"), descriptors: descriptors) }
        for file in files { try file.append(Data("b\n".utf8)) }
        #expect(descriptors.count == 4)
        #expect(openDescriptors(in: folder) == before + 4)
        descriptors.capacity = 1
        #expect(descriptors.count == 1)
        #expect(openDescriptors(in: folder) == before + 1)
    }

    @Test("a file that goes away closes the descriptor kept for it")
    func discardedWithItsFile() throws {
        let folder = try TemporaryFolder()
        let descriptors = WarmDescriptors()
        descriptors.capacity = 4
        let before = openDescriptors(in: folder)
        do {
            let file = try AppendOnlyFile(url: folder.url.appendingPathComponent("gone.jsonl"), descriptors: descriptors)
            try file.append(Data("a\n".utf8))
            #expect(descriptors.count == 1)
        }
        #expect(descriptors.count == 0)
        #expect(openDescriptors(in: folder) == before)
    }
}
