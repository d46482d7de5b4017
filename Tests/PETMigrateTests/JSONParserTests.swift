import Testing
@testable import PETMigrate

@Suite struct JSONParserTests {
    @Test func parsesEveryKindOfValue() throws {
        let value = try JSONParser.parse(#"{"a": [1, -2.5e1, true, false, null, "\u00e9\n\ud83d\ude00"], "b": {}}"#)
        #expect(value["a"] == [1, .number(-25), true, false, .null, .string("é\n😀")])
        #expect(value["b"] == .object([:]))
    }

    @Test func roundTripsThroughTheWriter() throws {
        let text = #"{"a":[1,2.5,"x\"y\\z\u0001"],"b":null,"c":{"d":true}}"#
        #expect(JSONWriter.serialize(try JSONParser.parse(text)) == text)
    }

    @Test(arguments: [
        ("{\"a\": 1,}", "line 1, column 9"),
        ("[01]", "leading zeros"),
        ("{\"a\": 1} x", "after the end"),
        ("\"abc", "unterminated string"),
        ("{\"a\":1,\"a\":2}", "duplicate key"),
        ("[\"\\ud800\"]", "surrogate"),
        (String(repeating: "[", count: 300), "nesting"),
        ("", "unexpected end"),
    ])
    func rejectsWithAPosition(_ text: String, _ expected: String) {
        #expect {
            _ = try JSONParser.parse(text)
        } throws: { error in
            (error as? JSONParser.SyntaxError)?.description.contains(expected) == true
        }
    }
}
