import Synchronization

/// A dictionary shared by the threads of one process, emptied when it reaches its capacity:
/// the engine's in-memory caches (`ParsedMigrationCache`, `JudgedSetCache`) live as long as a
/// PHP worker does, and must not grow without bound however many sites it serves.
final class ProcessCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private let capacity: Int
    private let entries = Mutex<[Key: Value]>([:])

    init(capacity: Int) {
        self.capacity = capacity
    }

    func value(for key: Key) -> Value? {
        entries.withLock { $0[key] }
    }

    func store(_ value: Value, for key: Key) {
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = value
        }
    }
}
