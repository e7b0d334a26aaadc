import Testing

@testable import Report

@Suite struct JSONTests {
    @Test func objectsKeepKeyOrder() {
        let value = JSONValue.object([("b", .int(1)), ("a", .bool(true)), ("c", .null)])
        #expect(value.serialized() == #"{"b":1,"a":true,"c":null}"#)
    }

    @Test func nonFiniteNumbersAreNull() {
        #expect(JSONValue.finite(.nan).serialized() == "null")
        #expect(JSONValue.finite(nil).serialized() == "null")
        #expect(JSONValue.number(.infinity).serialized() == "null")
        #expect(JSONValue.array([.number(-.infinity), .number(1.5)]).serialized() == "[null,1.5]")
    }

    @Test func numbersReadBackExactly() {
        for x in [-6.64614553, 1e-8, 0.1, 123456.789, -0.0] {
            let text = JSONValue.number(x).serialized()
            #expect(Double(text) == x, "\(text)")
        }
        #expect(JSONValue.number(2).serialized() == "2.0")
    }

    @Test func stringsAreEscaped() {
        #expect(JSONValue.string("a\"b\\c\nd\u{01}").serialized() == #""a\"b\\c\nd\u0001""#)
        #expect(JSONValue.string("E(σ→0)").serialized() == "\"E(σ→0)\"")
    }
}
