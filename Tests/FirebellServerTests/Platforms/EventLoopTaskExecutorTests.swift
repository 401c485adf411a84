import Dispatch
import NIOCore
import NIOPosix
import Platforms
import Testing

/// A default actor, like a channel's runtime: it has no executor of its own.
private actor Turn {
    var count = 0
    func take() -> Bool {
        count += 1
        return MultiThreadedEventLoopGroup.currentEventLoop != nil
    }
}

@Suite("Event loop task executor")
struct EventLoopTaskExecutorTests {
    @Test("a transaction preferring the loop runs on it: in the channel's actor and after waiting on another thread")
    func staysOnTheLoop() async throws {
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let executor = EventLoopTaskExecutor(loop)
        let turn = Turn()
        let places = await Task(executorPreference: executor) { () -> [Bool] in
            var places = [loop.inEventLoop]
            places.append(await turn.take())
            // Resumed from a thread of its own, as the group commit resumes a transaction after its sync.
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                DispatchQueue.global().async { continuation.resume() }
            }
            places.append(loop.inEventLoop)
            places.append(await turn.take())
            return places
        }.value
        #expect(places == [true, true, true, true])
        #expect(await turn.count == 2)
    }
}
