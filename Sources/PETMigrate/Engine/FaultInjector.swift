#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Test-only faults at named points of a migration, to prove crash safety and compensation.
///
/// A fault is honoured only when the process environment has `PET_MIGRATE_TEST_FAULTS=1`:
/// a configuration alone can never make a production site fail or die.
public struct FaultInjector: Sendable {
    public enum Point: String, Sendable, CaseIterable {
        /// Before a step's guard and DDL.
        case beforeStep = "before_step"
        /// After the journal recorded a step's intent, before its DDL (MariaDB).
        case afterIntent = "after_intent"
        /// After a step's DDL, before the journal records it done.
        case afterDDL = "after_ddl"
        /// After the step is complete.
        case afterStep = "after_step"
        /// After all steps, before the registry row is written.
        case beforeRegister = "before_register"
        /// In compensation, after undoing the given step.
        case duringCompensation = "during_compensation"
    }

    public enum Action: String, Sendable {
        /// The step fails with an error, as a failing statement would.
        case fail
        /// The process dies at once (SIGKILL), as with a PHP timeout or an OOM kill.
        case kill
    }

    public struct Fault: Sendable, Equatable {
        public var point: Point
        public var version: String?
        public var step: Int?
        public var action: Action

        public init(point: Point, version: String? = nil, step: Int? = nil, action: Action) {
            self.point = point
            self.version = version
            self.step = step
            self.action = action
        }

        static func parse(_ value: JSONValue) throws(DecodingFailure) -> Fault {
            let fields = try FieldReader(value, what: "a test fault", allowedKeys: ["point", "version", "step", "action"])
            guard let pointName = try fields.string("point"), let point = Point(rawValue: pointName) else {
                throw DecodingFailure("a test fault needs a \"point\": one of \(Point.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard let actionName = try fields.string("action"), let action = Action(rawValue: actionName) else {
                throw DecodingFailure("a test fault needs an \"action\": fail or kill")
            }
            return Fault(point: point, version: try fields.string("version"), step: try fields.int("step"), action: action)
        }
    }

    public struct InjectedFailure: Error, CustomStringConvertible {
        public var point: Point
        public var description: String { "injected test failure at \(point.rawValue)" }
    }

    let faults: [Fault]

    init(faults: [Fault]) {
        self.faults = Self.isEnabled ? faults : []
    }

    static var isEnabled: Bool {
        guard let value = getenv("PET_MIGRATE_TEST_FAULTS") else { return false }
        return String(cString: value) == "1"
    }

    /// Fails or kills the process if a configured fault is at this point.
    func check(_ point: Point, version: String, step: Int?) throws(InjectedFailure) {
        for fault in faults where fault.point == point {
            if let expected = fault.version, expected != version { continue }
            if let expected = fault.step, expected != step { continue }
            switch fault.action {
            case .fail: throw InjectedFailure(point: point)
            case .kill: kill(getpid(), SIGKILL)
            }
        }
    }
}
