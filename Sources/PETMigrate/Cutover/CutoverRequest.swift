/// What an operator asks of a cut-over flag: switch it on (for a share of keys), off, or end
/// the reversible window — and who asks, from where, for the audit log.
public struct CutoverRequest: Sendable, Equatable {
    public enum Action: String, Sendable, CaseIterable {
        case on, off, finalize
    }

    public var flag: String
    public var action: Action
    /// For `on`: the share of keys that see the flag on, 1…100 (100 when not given).
    public var percent: Int
    /// Who asked and from where ("admin (user 1) in wp-admin from 192.0.2.7"), as the host
    /// knows it; recorded in the event, never trusted for anything else.
    public var actor: String

    public static let percentRange = 1...100
    public static let actorLimit = 200

    public init(flag: String, action: Action, percent: Int = 100, actor: String) {
        self.flag = flag
        self.action = action
        self.percent = percent
        self.actor = actor
    }

    /// Why the request cannot be carried out as given, before anything is read.
    public var problem: String? {
        if let problem = Identifier.problem(with: flag) { return "the flag's name: \(problem)" }
        if !Self.percentRange.contains(percent) { return "the share (\"percent\", --percent) must be a whole number from 1 to 100" }
        if actor.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) { return "\"actor\" contains a control character" }
        if actor.count > Self.actorLimit { return "\"actor\" is longer than \(Self.actorLimit) characters" }
        return nil
    }

    /// Parses the ABI's request JSON: `{"flag": …, "action": "on"|"off"|"finalize",
    /// "percent": 1…100, "actor": …}`.
    public static func parse(json text: String, defaultActor: String) throws(ConfigurationError) -> CutoverRequest {
        let root: JSONValue
        do {
            root = try JSONParser.parse(text)
        } catch {
            throw ConfigurationError("the cut-over request is not valid JSON: \(error.description)")
        }
        do throws(DecodingFailure) {
            let fields = try FieldReader(root, what: "the cut-over request", allowedKeys: ["flag", "action", "percent", "actor"])
            guard let flag = try fields.string("flag") else { throw DecodingFailure("\"flag\" is missing: the name of the cut-over flag") }
            guard let actionName = try fields.string("action"), let action = Action(rawValue: actionName) else {
                throw DecodingFailure("\"action\" must be \"on\", \"off\" or \"finalize\"")
            }
            let percent = try fields.int("percent")
            if percent != nil, action != .on { throw DecodingFailure("\"percent\" applies only to \"on\"") }
            let actor = try fields.string("actor") ?? defaultActor
            let request = CutoverRequest(flag: flag, action: action, percent: percent ?? 100, actor: actor.isEmpty ? defaultActor : actor)
            if let problem = request.problem { throw DecodingFailure(problem) }
            return request
        } catch {
            throw ConfigurationError("bad cut-over request: \(error.reason)")
        }
    }
}
